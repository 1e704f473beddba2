"""A database file as an older version of ungtui left it, for testing a migration step."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path


def as_left_by(path: Path, version: int, tables_like: str, copy_to: Path) -> Path:
    """A copy of `path` without the tables, views and triggers whose names begin with
    `tables_like` (their indexes go with them), at schema `version`."""
    conn = sqlite3.connect(path, isolation_level=None)
    for kind, name in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name LIKE ? AND type <> 'index'",
        (f"{tables_like}%",),
    ).fetchall():
        conn.execute(f"DROP {kind.upper()} {name}")
    conn.execute(f"PRAGMA user_version = {int(version)}")
    conn.close()
    shutil.copy(path, copy_to)
    return copy_to
