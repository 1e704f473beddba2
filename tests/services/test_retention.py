"""Retention: who goes when, and that an erased person is gone from the file's bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update

from tests.sync_helpers import Install
from ungtui.services.audit import AuditFilter, list_entries
from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.errors import ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation
from ungtui.services.privacy import retention
from ungtui.store.models import ChangeLog


def closed(db, user, identity: str, first: str, last: str, last_entry: date, org=None) -> str:
    pid = save_individual(
        db,
        IndividualInput(identity=identity, first_name=first, last_name=last, status="avslutad"),
        actor_id=user.staff_id,
        organisation_id=org or user.organisation_id,
    )
    add_consent(
        db,
        pid,
        ConsentInput(
            organisation_id=user.organisation_id,
            receiver_domain="socialtjanst",
            purpose=f"Planering med {first}",
            purposes=["samordning"],
            data_categories=["kontakt"],
            minor_basis="vardnadshavare",
            form="skriftligt",
            valid_from="2015-01-01",
            valid_to="",
        ),
        actor_id=user.staff_id,
        today=date(2015, 1, 1),
    )
    # Every entry about the person dated to the day given: the rule reads the change log.
    at = datetime(last_entry.year, last_entry.month, last_entry.day, 10, 0, tzinfo=UTC)
    with db.session() as session:
        session.exec(
            update(ChangeLog).where(ChangeLog.record_id.in_(_records(db, pid))).values(at=at)
        )
        session.commit()
    return pid


def test_closed_cases_go_five_years_after_the_last_entry(db, user):
    old = closed(db, user, "20050317-9806", "Åsa", "Öberg", date(2021, 11, 23))
    on_the_day = closed(db, user, "19990101-9811", "Ali", "Öztürk", date(2021, 11, 24))
    found = retention.preview(db, today=date(2026, 11, 24))
    assert [(c.individual_id, c.label, str(c.last_entry), str(c.keep_until)) for c in found] == [
        (old, "Å.Ö. 20050317-XXXX", "2021-11-23", "2026-11-23")
    ]
    assert on_the_day not in [c.individual_id for c in found]
    # The next day the second one goes too.
    assert len(retention.preview(db, today=date(2026, 11, 25))) == 2


def _records(db, pid):
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id FROM consent WHERE individual_id = ? UNION SELECT id FROM responsibility"
            " WHERE individual_id = ?",
            (pid, pid),
        ).all()
    return [pid, *[r[0] for r in rows]]


def test_active_people_are_never_candidates(db, user):
    pid = save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    with db.session() as session:
        session.exec(update(ChangeLog).values(at=datetime(2001, 1, 1, tzinfo=UTC)))
        session.commit()
    assert retention.preview(db, today=date(2026, 11, 24)) == []
    assert pid


def test_years_are_set_per_organisation(db, user):
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="2021002114", kind="af")
    ours = closed(db, user, "20050317-9806", "Åsa", "Öberg", date(2023, 6, 1))
    theirs = closed(db, user, "19990101-9811", "Ali", "Öztürk", date(2023, 6, 1), org=af)
    assert retention.preview(db, today=date(2026, 11, 24)) == []
    assert retention.set_years(db, user.organisation_id, "3") == 3
    assert [c.individual_id for c in retention.preview(db, today=date(2026, 11, 24))] == [ours]
    with pytest.raises(ValidationError, match="siffra"):
        retention.set_years(db, af, "tre")
    with pytest.raises(ValidationError, match="mellan 1 och 100"):
        retention.set_years(db, af, "0")
    assert retention.years_for(db) == {user.organisation_id: 3}
    assert theirs


def test_erasure_leaves_no_trace_in_the_file_and_travels_by_sync(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    pid = closed(a.db, a.user, "20050317-9806", "Åsa", "Öberg", date(2020, 1, 1))
    keep = closed(a.db, a.user, "19990101-9811", "Ali", "Öztürk", date(2026, 1, 1))
    a.send(b)
    assert b"9806" in (tmp_path / "b.db").read_bytes() + _wal(tmp_path / "b.db")
    assert [c.individual_id for c in retention.preview(a.db, today=date(2026, 11, 24))] == [pid]
    assert retention.erase(a.db, [pid], actor_id=a.user.staff_id) == 1
    data = (tmp_path / "a.db").read_bytes() + _wal(tmp_path / "a.db")
    for trace in (
        b"200503179806",
        b"20050317-9806",
        "Öberg".encode(),
        "Planering med Åsa".encode(),
    ):
        assert trace not in data
    assert b"19990101-9811" in data  # the other person is still there
    entries = list_entries(a.db, AuditFilter(action="raderade"))
    assert [(e.individual_id, e.detail) for e in entries] == [
        (pid, "gallring: alla uppgifter om personen")
    ]
    a.send(b)
    retention.compact(b.db)
    data = (tmp_path / "b.db").read_bytes() + _wal(tmp_path / "b.db")
    assert b"20050317-9806" not in data and "Öberg".encode() not in data
    assert keep
    a.db.close()
    b.db.close()


def _wal(path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
