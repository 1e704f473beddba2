"""The committed fixture was made by schema version 1; current code must open it intact."""

import shutil
import sqlite3
from datetime import date
from pathlib import Path

from sqlmodel import SQLModel, select

import ungtui.store.models  # noqa: F401  (registers the tables)
from ungtui.store.database import open_database
from ungtui.store.migrations import LATEST_VERSION
from ungtui.store.models import Consent, Individual

FIXTURE = Path(__file__).parent.parent / "fixtures" / "schema_v1.db"


def test_fixture_from_the_first_schema_opens_with_its_data(tmp_path):
    path = tmp_path / "gammal.db"
    shutil.copy(FIXTURE, path)
    db = open_database(path)
    with db.session() as session:
        people = session.exec(select(Individual).order_by(Individual.last_name)).all()
        consents = session.exec(select(Consent)).all()
    db.close()
    assert [(p.first_name, p.last_name) for p in people] == [
        ("Åsa", "Öberg"),
        ("Ali", "Öztürk"),
    ]
    assert people[0].identity_number == "20050317-9806"
    assert people[0].birth_date == date(2005, 3, 17)
    assert [(c.purpose, c.valid_from) for c in consents] == [
        ("Planering av insatser", date(2026, 1, 15))
    ]
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    conn.close()


def test_migrated_schema_has_every_column_the_models_expect(tmp_path):
    db = open_database(tmp_path / "ny.db")
    conn = sqlite3.connect(db.path)
    for table in SQLModel.metadata.sorted_tables:
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info('{table.name}')")}
        assert columns == {c.name for c in table.columns}, table.name
    conn.close()
    db.close()


def test_people_of_an_old_file_are_in_the_search_index_after_the_upgrade(tmp_path):
    from ungtui.services.people.individuals import IndividualFilter, list_names
    from ungtui.store import person_search

    path = tmp_path / "gammal.db"
    shutil.copy(FIXTURE, path)
    db = open_database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM individual_search").fetchone() == (2,)
    assert conn.execute("SELECT count(*) FROM person_search_queue").fetchone() == (0,)
    conn.close()
    with db.engine.connect() as c:
        assert person_search.candidates(c, ["oz"]) is not None  # the index narrows
    assert [r.name for r in list_names(db, IndividualFilter(text="öz"))] == ["Öztürk, Ali"]
    assert [r.name for r in list_names(db, IndividualFilter(text="åsa öb"))] == ["Öberg, Åsa"]
    db.close()
