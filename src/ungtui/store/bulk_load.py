"""Filling an empty database in bulk: indexes made after the rows, not kept up to date
row by row.

A demo of 100,000 people writes about two million rows. Kept up to date row by row, the
51 secondary indexes cost more than writing the rows; made once afterwards, from rows
already there, they take about 5 s. Unique indexes stay, so that what they refuse is
still refused as each row is written; so do the sync rows' (below).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from ungtui.store import person_facts, person_search, way_facts
from ungtui.store.database import Database

# The sync rows' indexes stay: their keys (the write's sequence number, the conflicts, 0)
# never fall as the rows come, so each insert lands at their end, while making them
# afterwards reads the whole table (half the file) twice: 1.45 s of CPU at 100,000 people.
_SECONDARY = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    " AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name != 'sync_row' ORDER BY name"
)


@contextmanager
def pages_written_once(db: Database) -> Iterator[None]:
    """A rollback journal instead of the write-ahead log while the block fills a new file,
    and the write-ahead log again when it ends, also when it ends in an error. Only for a
    database no one else uses (as indexes_made_after). With the log every page is written
    twice, to the log and at each checkpoint from it into the file; a rollback journal
    keeps only the old content of a page, and a page new in the file has none. The 900,000
    sync rows of a 100,000-person demo took 13.7 s of CPU with the log, 9.8 s without.
    When another connection has the file open the log stays, and nothing else changes."""
    with db.engine.connect() as conn:
        raw = person_search.driver(conn)
        try:
            changed = _journal_mode(raw, "DELETE") == "delete"
        except sqlite3.OperationalError:  # in use by another connection
            changed = False
    try:
        yield
    finally:
        if changed:
            # The app reads while another window writes only in this mode: if it cannot be
            # set back, that is an error, not something to carry on without.
            with db.engine.connect() as conn:
                if _journal_mode(person_search.driver(conn), "WAL") != "wal":
                    raise sqlite3.OperationalError("the write-ahead log could not be set again")


def _journal_mode(raw: sqlite3.Connection, mode: str) -> str:
    return str(raw.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0]).lower()


@contextmanager
def indexes_made_after(db: Database) -> Iterator[None]:
    """Drop the non-unique indexes, and make them again, as they were, when the block
    ends, also when it ends in an error. Only for a database no one else uses: a new
    demo file (queries inside the block still give the same answers, only slower)."""
    with db.engine.begin() as conn:
        indexes = conn.exec_driver_sql(_SECONDARY).all()
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        with db.engine.begin() as conn:
            for _name, sql in indexes:
                conn.exec_driver_sql(sql)
    # The search's trigram index and the report's way rows are made after the rows too,
    # each in one pass, with the indexes there to look through.
    with db.engine.connect() as conn:
        person_search.catch_up(person_search.driver(conn))
        way_facts.catch_up(person_search.driver(conn))
        person_facts.catch_up(person_search.driver(conn))
