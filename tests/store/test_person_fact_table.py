"""person_fact, the report's rows of the people (store/person_facts.py): filled by
migration 15 from the people there are, kept right by triggers when a person's row changes
or goes, caught up for new people before a report reads it, and made again when the code
works the rows out otherwise. Expected values are written out by hand."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from tests.store.older_schema import as_left_by
from tests.sync_helpers import Install, add_person, edit
from ungtui.domain.periods import parse_period
from ungtui.domain.target_groups import DEFAULT_RULES
from ungtui.services.followup import report_sql
from ungtui.services.followup.report import build_report
from ungtui.services.followup.report_export import render
from ungtui.services.privacy.retention import erase
from ungtui.store import person_facts
from ungtui.store.database import open_database
from ungtui.store.migrations import LATEST_VERSION, V_PERSON_FACTS
from ungtui.sync import state

KVINNA, MAN = 1 << 40, 2 << 40
NEVER = 99999999
_READ = """SELECT p.first_name, f.pid = p.id, f.base, f.birth_date, f.turns16, f.turns20,
    f.turns25, f.turns30, f.kaa_from, f.newc_from, f.newc_until, f.est_from, f.est_until,
    f.no_school, f.org = p.case_organisation_id, f.kom, f.af, f.hist, f.multi
    FROM person_fact f LEFT JOIN individual p ON p.rowid = f.n ORDER BY p.first_name"""


def facts(db, *, caught_up: bool = True) -> list[tuple]:
    """person_fact as the report copies it (after catching up), or as the writes left it;
    checked to be the rows the report would work out itself."""
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        if caught_up:
            assert person_facts.catch_up(raw)
            worked_out = raw.execute(person_facts.key(DEFAULT_RULES)).fetchall()
            assert raw.execute("SELECT * FROM person_fact ORDER BY n").fetchall() == worked_out
        return [tuple(r) for r in raw.execute(_READ)]


def mark(db) -> int:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT people FROM person_fact_state").scalar_one()


def _two_people(install) -> dict[str, str]:
    """Anna: a woman born 2004-01-01, permit 2025-03-15, municipality Gislaved, AF status
    program. Bo: a man born 1999-06-30 in upper secondary, establishment 2026-01-01 to
    2027-12-31."""
    anna = add_person(
        install, identity="", birth_date="2004-01-01", first_name="Anna", gender="kvinna",
        residence_permit_date="2025-03-15", municipality="Gislaved", af_status="program",
    )  # fmt: skip
    bo = add_person(
        install, identity="", birth_date="1999-06-30", first_name="Bo", gender="man",
        in_upper_secondary=True, establishment_from="2026-01-01",
        establishment_until="2027-12-31",
    )  # fmt: skip
    return {"anna": anna, "bo": bo}


ANNA = ("Anna", 1, KVINNA, "2004-01-01", 20200101, 20240101, 20290101, 20340101,
        20200630, 20250315, 20280315, NEVER, NEVER, 1, 1, "Gislaved", "program", 0, 0)  # fmt: skip
BO = ("Bo", 1, MAN, "1999-06-30", 20150630, 20190630, 20240630, 20290630, 20150630, NEVER,
      0, 20260101, 20271231, 0, 1, "", "", 0, 0)  # fmt: skip


def test_migration_15_fills_the_table_from_the_people_of_an_older_file(tmp_path, db, user):
    install = type("I", (), {"db": db, "user": user})
    _two_people(install)
    path = db.path
    db.close()
    # The same file as schema 14 left it: without the table, its state and its triggers.
    old = as_left_by(path, 14, "person_fact", tmp_path / "schema14.db")

    migrated = open_database(old)
    try:
        assert facts(migrated, caught_up=False) == [ANNA, BO]
        with migrated.engine.connect() as conn:
            people = conn.exec_driver_sql("SELECT max(rowid) FROM individual").scalar()
        assert mark(migrated) == people
        # the triggers came with it: a change is written through
        migrated_install = type("I", (), {"db": migrated, "user": user})
        edit(migrated_install, _id(migrated, "Bo"), birth_date="1999-06-30",
             in_upper_secondary=False, af_status="oppet_arbetslos")  # fmt: skip
        assert facts(migrated, caught_up=False)[1][13:17] == (1, 1, "", "oppet_arbetslos")
    finally:
        migrated.close()
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION == 15
    conn.close()


def _id(db, name: str) -> str:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT id FROM individual WHERE first_name = ?", (name,)
        ).scalar_one()


def test_service_writes_are_written_through_and_new_people_caught_up(db, user):
    install = type("I", (), {"db": db, "user": user})
    ids = _two_people(install)
    assert facts(db) == [ANNA, BO]
    caught = mark(db)
    # Anna's birth date, permit and AF status corrected: written through, no catch-up.
    edit(install, ids["anna"], birth_date="2005-02-03", residence_permit_date="2026-01-31",
         municipality="Gislaved", af_status="oppet_arbetslos")  # fmt: skip
    anna = ("Anna", 1, KVINNA, "2005-02-03", 20210203, 20250203, 20300203, 20350203,
            20210630, 20260131, 20290131, NEVER, NEVER, 1, 1, "Gislaved", "oppet_arbetslos",
            0, 0)  # fmt: skip
    assert facts(db, caught_up=False) == [anna, BO]
    assert mark(db) == caught
    # Only the AF status: written through too.
    edit(install, ids["anna"], birth_date="2005-02-03", residence_permit_date="2026-01-31",
         municipality="Gislaved", af_status="program")  # fmt: skip
    anna = (*anna[:16], "program", 0, 0)
    assert facts(db, caught_up=False) == [anna, BO]
    # A new person (no trigger on insert), changed before anyone caught up (the trigger
    # writes their row, the catch-up works it out again): there once caught up.
    cid = add_person(install, identity="", birth_date="2010-12-24", first_name="Cecilia",
                     gender="annat")  # fmt: skip
    assert facts(db, caught_up=False) == [anna, BO]
    edit(install, cid, birth_date="2010-12-24", gender="annat", af_status="ej_inskriven")
    cecilia = ("Cecilia", 1, 0, "2010-12-24", 20261224, 20301224, 20351224, 20401224,
               20260630, NEVER, 0, NEVER, NEVER, 1, 1, "", "ej_inskriven", 0, 0)  # fmt: skip
    assert facts(db) == [anna, BO, cecilia]
    assert mark(db) > caught


def test_erasure_and_rows_removed_for_good(db, user):
    install = type("I", (), {"db": db, "user": user})
    ids = _two_people(install)
    facts(db)
    erase(db, [ids["anna"]], actor_id=user.staff_id)  # tombstone, then VACUUM
    assert facts(db, caught_up=False) == [BO]
    assert facts(db) == [BO]
    # A purge deletes the row itself: the highest, so the mark comes down with it, and a
    # new person given that number again is caught up.
    with db.engine.begin() as conn:
        highest = conn.exec_driver_sql("SELECT max(rowid) FROM individual").scalar()
        bo_n = conn.exec_driver_sql("SELECT rowid FROM individual WHERE id = ?", (ids["bo"],))
        assert bo_n.scalar() == highest
        conn.exec_driver_sql("DELETE FROM individual WHERE id = ?", (ids["bo"],))
    assert facts(db, caught_up=False) == []
    assert mark(db) < highest
    add_person(install, identity="", birth_date="2004-01-01", first_name="Anna",
               gender="kvinna", residence_permit_date="2025-03-15", municipality="Gislaved",
               af_status="program")  # fmt: skip
    with db.engine.connect() as conn:
        again = conn.exec_driver_sql("SELECT max(rowid) FROM individual").scalar()
    assert again == highest  # SQLite gave the number again
    assert facts(db) == [ANNA]


def test_a_synced_person_reaches_the_other_install_right(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    colleague = Install(tmp_path / "kollega.db", "Tomas Nyberg", join=kommun)
    ids = _two_people(kommun)
    kommun.send(colleague)
    # the case organisation is the sender's at both
    assert facts(colleague.db) == [ANNA, BO]
    edit(kommun, ids["bo"], birth_date="1999-06-30", establishment_from="2026-01-01",
         establishment_until="2026-06-30", in_upper_secondary=True)  # fmt: skip
    kommun.send(colleague)
    assert facts(colleague.db, caught_up=False)[1][11:13] == (20260101, 20260630)
    # the table itself is not synced
    assert not {name for name in state.TABLES if name.startswith("person_fact")}


def test_the_report_is_the_same_whichever_way_it_gets_its_rows(db, user, monkeypatch):
    install = type("I", (), {"db": db, "user": user})
    _two_people(install)
    period = parse_period("2026")
    # Another connection is writing and Anna is new: the report works the rows out itself.
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        alone = build_report(db, period)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert mark(db) == 0
    copied = build_report(db, period)
    assert mark(db) > 0
    assert render(copied, "csv") == render(alone, "csv")
    # Anna, at AF in a programme, is 22 and a newcomer (permit 2025-03-15) at the end of
    # 2026; Bo is not at AF
    af = next(i for i in copied.indicators if i.key == "inskrivna_af")
    assert {k: c.value for k, c in af.cells.items() if c.value} == {
        (group, gender): 1
        for group in ("totalt", "unga_16_24", "unga_16_29", "ovriga_nyanlanda")
        for gender in ("kvinna", "alla")
    }
    # Caught up, the report copies the table (its copy made to fail here).
    copy = report_sql.COPY_PERSON
    monkeypatch.setattr(report_sql, "COPY_PERSON", copy.replace("*", "*, 0"))
    with pytest.raises(OperationalError, match="19 columns but 20 values"):
        build_report(db, period)
    monkeypatch.setattr(report_sql, "COPY_PERSON", copy)
    # Rows worked out by other code (a stored statement that differs) are made again.
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE person_fact_state SET sql = 'old'")
        conn.exec_driver_sql("UPDATE person_fact SET af = 'fel'")
    assert render(build_report(db, period), "csv") == render(alone, "csv")
    assert facts(db, caught_up=False) == [ANNA, BO]


def test_the_migration_script_is_whole_statements():
    made = person_facts.statements(V_PERSON_FACTS)
    assert sum(s.lstrip().startswith("CREATE TRIGGER") for s in made) == 2


def test_the_update_trigger_watches_every_column_the_rows_read(db):
    # A column read but not watched would leave a row stale after an edit of it alone.
    with db.engine.connect() as conn:
        names = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(individual)")]
        trigger = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'person_fact_update'"
        ).scalar_one()
    watched = set(trigger.split(" OF ", 1)[1].split(" ON ", 1)[0].replace(",", " ").split())
    read = person_facts.key(DEFAULT_RULES)
    assert {n for n in names if re.search(rf"\b{n}\b", read)} == watched
    assert "af_status" in watched and "first_name" not in watched
