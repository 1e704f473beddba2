"""way_fact, the report's rows of the ways (store/way_facts.py): filled by migration 14
from the rows there are, kept right by triggers when a way, a measure, a catalog measure or
a person changes or goes, and caught up for new rows before a report reads it. Expected
values are written out by hand."""

from __future__ import annotations

import sqlite3
from datetime import date

from sqlmodel import select

from tests.store.older_schema import as_left_by
from tests.sync_helpers import Install
from ungtui.domain.measures import national_measure_id
from ungtui.domain.periods import parse_period
from ungtui.services.followup import report_sql
from ungtui.services.followup.report import build_report
from ungtui.services.followup.report_export import render
from ungtui.services.privacy.retention import erase
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.measures import (
    LocalMeasureInput,
    add_local_measure,
    ensure_measure_catalogue,
    update_local_measure,
)
from ungtui.services.way.way import (
    ExitInput,
    MeasureInput,
    exit_way,
    remove_individual_measure,
    save_individual_measure,
)
from ungtui.store import way_facts
from ungtui.store.database import open_database
from ungtui.store.migrations import LATEST_VERSION, statements
from ungtui.store.models import Individual, IndividualMeasure, Way
from ungtui.sync import state

PRAKTIK = national_measure_id("praktik")  # leads to work or studies
AMK = national_measure_id("arbetsmarknadskunskap")  # does not

# Columns of a fact as the tests compare them: the way's person by name instead of the
# row number (checked to be that person's), then the way's own.
_READ = """SELECT p.first_name, f.n = p.rowid, f.entry_date, f.exit_on, f.joined_on, f.entry,
    f.exit, f.outcome, f.first_start, f.first_ws
    FROM way_fact f JOIN way w ON w.rowid = f.way LEFT JOIN individual p ON p.id = w.individual_id
    ORDER BY p.first_name, f.entry_date"""


def facts(db, *, caught_up: bool = True) -> list[tuple]:
    """way_fact as the report reads it (after catching up), or as the writes left it."""
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        if caught_up:
            assert way_facts.catch_up(raw)
        return [tuple(r) for r in raw.execute(_READ)]


def marks(db) -> tuple:
    with db.engine.connect() as conn:
        state = conn.exec_driver_sql("SELECT ways, measures, people FROM way_fact_state")
        return tuple(state.one())


def _person(uow, name: str) -> str:
    return uow.create(
        Individual(first_name=name, last_name="Test", gender="kvinna", birth_date=date(2004, 1, 1))
    ).id


def _measure(uow, pid, way, measure, start, status="pagaende") -> str:
    return uow.create(
        IndividualMeasure(
            individual_id=pid, way_id=way, measure_id=measure, start_date=start, status=status
        )
    ).id


def _two_people(db, user) -> dict[str, str]:
    """Anna: on the way from 2026-01-10, joined 2026-01-12, AMK from 2026-02-01, praktik
    from 2026-03-02 and a praktik planned from 2026-01-20 (not counted). Bo: a way from
    2025-05-05 to 2025-09-30 (to work), no measures, and a removed way."""
    ensure_measure_catalogue(db)
    with UnitOfWork(db, user.staff_id) as uow:
        anna, bo = _person(uow, "Anna"), _person(uow, "Bo")
        a = uow.create(
            Way(individual_id=anna, entry_date=date(2026, 1, 10), joined_on=date(2026, 1, 12))
        ).id
        _measure(uow, anna, a, AMK, date(2026, 2, 1))
        _measure(uow, anna, a, PRAKTIK, date(2026, 3, 2))
        _measure(uow, anna, a, PRAKTIK, date(2026, 1, 20), status="planerad")
        uow.create(
            Way(
                individual_id=bo,
                entry_date=date(2025, 5, 5),
                exit_on=date(2025, 9, 30),
                exit_outcome="arbete",
            )
        )
        gone = uow.create(Way(individual_id=bo, entry_date=date(2024, 1, 1)))
        uow.remove(gone)
    return {"anna": anna, "bo": bo, "anna_way": a}


ANNA = ("Anna", 1, "2026-01-10", None, "2026-01-12", 20260110, None, "", "2026-02-01",
        "2026-03-02")  # fmt: skip
BO = ("Bo", 1, "2025-05-05", "2025-09-30", None, 20250505, 20250930, "arbete", None, None)


def test_migration_14_fills_the_table_from_the_rows_of_an_older_file(tmp_path, db, user):
    _two_people(db, user)
    path = db.path
    db.close()
    # The same file as schema 13 left it: without the table, its state and its triggers.
    old = as_left_by(path, 13, "way_fact", tmp_path / "schema13.db")

    migrated = open_database(old)
    try:
        assert facts(migrated, caught_up=False) == [ANNA, BO]
        # marks: 3 ways (the removed one too), 3 measures, and the register's 2 people
        with migrated.engine.connect() as conn:
            people = conn.exec_driver_sql("SELECT max(rowid) FROM individual").scalar()
        assert marks(migrated) == (3, 3, people)
        # the triggers came with it: an exit is written through
        with UnitOfWork(migrated, user.staff_id) as uow:
            way = uow.session.exec(select(Way).where(Way.entry_date == date(2026, 1, 10))).one()
            uow.update(way, exit_on=date(2026, 6, 30), exit_outcome="studier")
        assert facts(migrated, caught_up=False)[0][3:8:3] == ("2026-06-30", 20260630)
    finally:
        migrated.close()
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION >= 14
    conn.close()


def test_service_writes_leave_the_rows_right(db, user):
    ids = _two_people(db, user)
    assert facts(db) == [ANNA, BO]
    caught = marks(db)

    # An exit and a removed measure: written through by the triggers, no catch-up.
    exit_way(
        db,
        ids["anna_way"],
        ExitInput(exit_on="2026-06-30", outcome="studier", planned="behall"),
        actor_id=user.staff_id,
    )
    with db.session() as session:
        amk = session.exec(
            select(IndividualMeasure).where(IndividualMeasure.measure_id == AMK)
        ).one()
    remove_individual_measure(db, amk.id, actor_id=user.staff_id)
    anna = ("Anna", 1, "2026-01-10", "2026-06-30", "2026-01-12", 20260110, 20260630, "studier",
            "2026-03-02", "2026-03-02")  # fmt: skip
    assert facts(db, caught_up=False) == [anna, BO]

    # The planned praktik started: a change of status, written through.
    with db.session() as session:
        planned = session.exec(
            select(IndividualMeasure).where(IndividualMeasure.status == "planerad")
        ).one()
    save_individual_measure(
        db,
        ids["anna_way"],
        MeasureInput(measure_id=PRAKTIK, start_date="2026-01-20", status="pagaende"),
        actor_id=user.staff_id,
        record_id=planned.id,
    )
    anna = (*anna[:8], "2026-01-20", "2026-01-20")
    assert facts(db, caught_up=False) == [anna, BO]
    assert marks(db) == caught

    # A new measure on Bo's way (no trigger on insert): there once caught up.
    local = add_local_measure(
        db,
        LocalMeasureInput(
            name="Sommarjobb", provider_organisation_id=user.organisation_id, valid_from=""
        ),
        actor_id=user.staff_id,
    )
    with UnitOfWork(db, user.staff_id) as uow:
        bo_way = uow.session.exec(select(Way).where(Way.exit_on == date(2025, 9, 30))).one()
        _measure(uow, ids["bo"], bo_way.id, local, date(2025, 6, 1), status="avslutad")
    assert facts(db, caught_up=False) == [anna, BO]
    bo = (*BO[:8], "2025-06-01", "2025-06-01")
    assert facts(db) == [anna, bo]
    assert marks(db)[1] == caught[1] + 1  # the new measure is seen

    # The catalog says the local measure no longer leads to work or studies: every way
    # with it is worked out again.
    update_local_measure(
        db,
        local,
        LocalMeasureInput(
            name="Sommarjobb",
            provider_organisation_id=user.organisation_id,
            leads_to_work_or_studies=False,
        ),
        actor_id=user.staff_id,
    )
    assert facts(db, caught_up=False) == [anna, (*BO[:8], "2025-06-01", None)]


def test_a_way_that_reuses_a_removed_ways_row_number_is_caught_up(db, user):
    ids = _two_people(db, user)
    facts(db)
    with db.engine.begin() as conn:
        highest = conn.exec_driver_sql("SELECT max(rowid) FROM way").scalar()
        # a purge deletes the row itself (sync.withdrawal): the highest way, Bo's removed one
        conn.exec_driver_sql("DELETE FROM way WHERE rowid = ?", (highest,))
    assert marks(db)[0] == highest - 1
    with UnitOfWork(db, user.staff_id) as uow:
        again = uow.create(Way(individual_id=ids["bo"], entry_date=date(2026, 4, 1)))
    with db.engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT rowid FROM way WHERE id = ?", (again.id,)).scalar()
            == highest
        )  # SQLite gave the number again
    assert facts(db) == [
        ANNA,
        BO,
        ("Bo", 1, "2026-04-01", None, None, 20260401, None, "", None, None),
    ]


def test_erasing_a_person_takes_their_rows_and_keeps_the_others_right(db, user):
    ids = _two_people(db, user)
    facts(db)
    erase(db, [ids["anna"]], actor_id=user.staff_id)  # then VACUUM: row numbers stay
    assert facts(db, caught_up=False) == [BO]
    assert facts(db) == [BO]


def test_rows_removed_for_good_are_written_through(db, user):
    # A purge deletes rows themselves (sync.withdrawal), and old files hold tombstones
    # whose values were kept.
    _two_people(db, user)
    facts(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE individual_measure SET deleted_at = '2026-11-01' WHERE measure_id = ?",
            (AMK,),
        )
        conn.exec_driver_sql("DELETE FROM individual_measure WHERE start_date = '2026-03-02'")
        conn.exec_driver_sql("DELETE FROM way WHERE exit_on = '2025-09-30'")
    assert facts(db, caught_up=False) == [(*ANNA[:8], None, None)]
    with db.engine.connect() as conn:  # Bo's way is gone from the table, not only unread
        assert conn.exec_driver_sql("SELECT entry FROM way_fact").all() == [(20260110,)]


def test_a_person_removed_for_good_leaves_their_ways_without_a_person(db, user):
    ids = _two_people(db, user)
    facts(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM individual WHERE id = ?", (ids["anna"],))
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM way_fact WHERE entry = 20260110").all() == [
            (None,)
        ]


def test_a_synced_way_reaches_the_other_install_right(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    colleague = Install(tmp_path / "kollega.db", "Tomas Nyberg", join=kommun)
    ids = _two_people(kommun.db, kommun.user)
    kommun.send(colleague)
    assert facts(colleague.db) == [ANNA, BO]
    # an exit at one install comes to the other as a change of the way: written through
    exit_way(
        kommun.db,
        ids["anna_way"],
        ExitInput(exit_on="2026-06-30", outcome="arbete", planned="behall"),
        actor_id=kommun.user.staff_id,
    )
    kommun.send(colleague)
    exited = (*ANNA[:3], "2026-06-30", ANNA[4], ANNA[5], 20260630, "arbete", *ANNA[8:])
    assert facts(colleague.db, caught_up=False) == [exited, BO]
    # the table itself is not synced
    assert not {name for name in state.TABLES if name.startswith("way_fact")}


def test_the_report_is_the_same_when_the_table_cannot_be_caught_up(db, user, monkeypatch):
    ids = _two_people(db, user)
    with UnitOfWork(db, user.staff_id) as uow:
        # a row written after the last catch-up, as by another window
        _measure(uow, ids["anna"], ids["anna_way"], PRAKTIK, date(2026, 1, 15))
    period = parse_period("2026")
    # Another connection is writing: the report works the rows out for itself.
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        alone = build_report(db, period)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM way_fact").scalar() == 0
    report = build_report(db, period)
    assert facts(db, caught_up=False)[0][8:] == ("2026-01-15", "2026-01-15")
    assert render(report, "csv") == render(alone, "csv")
    # Anna came in 2026-01-10 and started 2026-01-15; Bo came in 2025
    for made in (alone, report):
        median = next(i for i in made.indicators if i.key == "median_forsta_insats")
        assert median.cells[("totalt", "alla")].value == 5
    # Caught up, a report writes nothing, so another window's write does not stand in its
    # way: it reads the table (the temporary one would fail here).
    monkeypatch.setattr(report_sql, "WAY_TABLE", ("SELECT no_such_column",))
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert render(build_report(db, period), "csv") == render(report, "csv")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_the_migration_script_is_whole_statements():
    from ungtui.store.migrations import V_WAY_FACTS

    made = statements(V_WAY_FACTS)
    assert sum(s.startswith("CREATE TRIGGER") for s in made) == 9


def test_a_way_that_came_before_its_person_gets_them_when_they_come(db, user):
    # Sync delivers records in any order: a way can come before its person.
    ensure_measure_catalogue(db)
    with UnitOfWork(db, user.staff_id) as uow:
        uow.create(Way(individual_id="kommer-sedan", entry_date=date(2026, 2, 2)))
    cecilia = (None, None, "2026-02-02", None, None, 20260202, None, "", None, None)
    assert facts(db) == [cecilia]
    with UnitOfWork(db, user.staff_id) as uow:
        uow.create(
            Individual(id="kommer-sedan", first_name="Cecilia", last_name="Test", gender="kvinna")
        )
    assert facts(db) == [("Cecilia", 1, *cecilia[2:])]
