"""Another program holding the database: a Swedish message, and nothing half-written."""

import sqlite3

import pytest
from sqlmodel import select

from ungtui.services.errors import ServiceError
from ungtui.services.people.individuals import (
    IndividualFilter,
    IndividualInput,
    list_individuals,
    save_individual,
)
from ungtui.services.people.organisations import register_user
from ungtui.store import database
from ungtui.store.models import Individual


def test_write_while_another_program_holds_the_lock(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    db = database.open_database(tmp_path / "delad.db")
    user = register_user(
        db,
        name="Karin Lind",
        unit_name="KAA-enheten",
        organisation_name="Malmö stad",
        org_nr="212000-1124",
        kind="kommun",
    )
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ServiceError, match="upptagen av ett annat program"):
            save_individual(
                db,
                IndividualInput(identity="811218-9876", first_name="Erik", last_name="Ek"),
                actor_id=user.staff_id,
                organisation_id=user.organisation_id,
            )
    finally:
        other.execute("ROLLBACK")
        other.close()
    with db.session() as session:
        assert session.exec(select(Individual)).all() == []
    db.close()


def test_reading_goes_on_while_another_program_writes(tmp_path, monkeypatch):
    """WAL lets the list open and search while another install holds the write lock."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "delad.db"
    database.open_database(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO setting VALUES ('x', 'y')")
    try:
        db = database.open_database(path)
        assert list_individuals(db, IndividualFilter()) == []
        db.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
