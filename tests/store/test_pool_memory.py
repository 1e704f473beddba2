"""Memory a pooled connection would keep: a temporary database in memory holds every page
it had until its connection closes, so one coming back large is closed (store.database);
and freed memory handed back to the system after a report (tui.memory)."""

from __future__ import annotations

import platform
import sys

from ungtui.store.database import TEMP_IN_MEMORY_LIMIT, open_database
from ungtui.tui.memory import give_back_freed_memory

ROWS_OF_1_KIB = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {})"


def _temp_table(conn, kib: int) -> None:
    conn.exec_driver_sql("PRAGMA temp_store = MEMORY")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE scratch AS "
        + ROWS_OF_1_KIB.format(kib)
        + " SELECT i, randomblob(1000) AS b FROM n"
    )
    conn.exec_driver_sql("DROP TABLE scratch")  # dropped: the pages stay all the same


def _temp_store(db) -> int:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA temp_store").scalar_one()


def test_a_connection_back_with_a_large_temp_database_is_closed(tmp_path):
    db = open_database(tmp_path / "a.db")
    assert TEMP_IN_MEMORY_LIMIT == 8 * 1024 * 1024
    with db.engine.connect() as conn:
        _temp_table(conn, 12 * 1024)  # 12 MiB of rows: over the limit
    # The pool's next connection is a new one: the setting made on the old one is gone.
    assert _temp_store(db) == 0
    db.close()


def test_a_connection_back_with_a_small_temp_database_is_kept(tmp_path):
    db = open_database(tmp_path / "a.db")
    with db.engine.connect() as conn:
        _temp_table(conn, 1024)  # 1 MiB
    assert _temp_store(db) == 2  # the same connection, MEMORY as set on it
    db.close()


def test_freed_memory_is_given_back_on_linux_with_glibc():
    # Elsewhere there is nothing to call, and nothing happens.
    expected = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert give_back_freed_memory() is expected
