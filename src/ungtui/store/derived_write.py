"""The one way a derived table (the search index, the report's rows of ways and people) is
brought up to date: in a write transaction of its own, taken only when free if the caller
must not wait. A search or a report reads on as it is when another window is writing, or
when the file is opened read-only."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def write_derived(raw: sqlite3.Connection, write: Callable[[], None], *, wait: bool) -> bool:
    """Run `write` in a transaction of its own on `raw` (in autocommit: no transaction
    open). Without `wait`, gives up (False) at once when another connection is writing or
    the file cannot be written."""
    if not wait:
        (timeout,) = raw.execute("PRAGMA busy_timeout").fetchone()
        raw.execute("PRAGMA busy_timeout = 0")
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        if wait:
            raise
        return False
    finally:
        if not wait:
            raw.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    try:
        write()
        raw.execute("COMMIT")
    except sqlite3.OperationalError:
        raw.execute("ROLLBACK")
        if wait:
            raise
        return False
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    return True
