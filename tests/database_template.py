"""New databases for tests, copied from one made once a process.

Making a database runs every migration (most of the cost of a small test's setup); a copy
of a file just made and closed is the same database: the schema, WAL mode, no rows of its
own, no install identity yet (that is made on the first write, from the copy's own path)
and the owner-only permissions. The migrations themselves are tested in tests/store/,
on files made by open_database."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from ungtui.store.database import Database, open_database

_template: Path | None = None


def _made_once() -> Path:
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="ungtui-test-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "migrated.db"
        open_database(path).close()
        _template = path
    return _template


def new_database(path: Path) -> Database:
    """open_database(path) for a path with no file yet, without running the migrations."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(_made_once(), path)  # copies the 0o600 mode too
    return open_database(path)
