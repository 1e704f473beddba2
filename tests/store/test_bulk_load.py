"""A demo fills a new database with its indexes made after the rows, and with a rollback
journal instead of the write-ahead log: afterwards, or after an error half-way, the
database has every index it had before, exactly as it was, and the write-ahead log again."""

from __future__ import annotations

import sqlite3

import pytest

import ungtui.demo.fill as demo_fill
from ungtui.demo.fill import fill_demo
from ungtui.store.database import open_database


def _indexes(db) -> list[tuple[str, str]]:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " ORDER BY name"
        ).all()


def _journal(db) -> str:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA journal_mode").scalar()


def _used(db, query: str) -> str:
    with db.engine.connect() as conn:
        return " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}"))


def test_a_demo_leaves_every_index_as_it_was(tmp_path):
    db = open_database(tmp_path / "demo.db")
    before = _indexes(db)
    assert len(before) > 40  # the schema's own, the register's list indexes among them
    fill_demo(db, individuals=20, seed=3)
    assert _indexes(db) == before
    # And they are filled: the register's list is read from its index, not the table.
    query = (
        "SELECT id FROM individual WHERE deleted_at IS NULL AND merged_into IS NULL"
        " AND status = 'aktiv' ORDER BY sort_key, id LIMIT 5"
    )
    assert "USING COVERING INDEX ix_individual_list_status" in _used(db, query)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        counted = conn.exec_driver_sql(
            "SELECT count(*) FROM individual INDEXED BY ix_individual_list_all"
            " WHERE deleted_at IS NULL"
        ).scalar()
    assert counted == 20
    assert _journal(db) == "wal"
    db.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]  # no journal left beside it


def test_an_error_half_way_still_leaves_every_index_and_the_log(tmp_path, monkeypatch):
    during = []

    def broken(*_args, **_kwargs):
        during.append(_journal(db))
        raise RuntimeError("avbrutet mitt i")

    monkeypatch.setattr(demo_fill, "fill_demo_meetings", broken)
    db = open_database(tmp_path / "demo.db")
    before = _indexes(db)
    assert _journal(db) == "wal"
    with pytest.raises(RuntimeError):
        fill_demo(db, individuals=5, seed=3)
    assert during == ["delete"]
    assert _indexes(db) == before
    assert _journal(db) == "wal"
    db.close()


def test_a_file_another_connection_has_open_is_filled_with_the_log(tmp_path):
    # The journal mode cannot change under another connection: the demo keeps the log.
    db = open_database(tmp_path / "demo.db")
    other = sqlite3.connect(tmp_path / "demo.db")
    assert other.execute("SELECT count(*) FROM individual").fetchone() == (0,)
    fill_demo(db, individuals=5, seed=3)
    assert _journal(db) == "wal"
    assert other.execute("SELECT count(*) FROM individual").fetchone() == (5,)
    other.close()
    db.close()
