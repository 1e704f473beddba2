"""Filling an empty database in bulk: indexes made after the rows, not kept up to date
row by row.

A demo of 100,000 people writes about two million rows. Kept up to date row by row, the
51 secondary indexes cost more than writing the rows; made once afterwards, from rows
already there, they take about 5 s. Unique indexes stay, so that what they refuse is
still refused as each row is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ungtui.store import person_facts, person_search, way_facts
from ungtui.store.database import Database

_SECONDARY = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    " AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
)


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
