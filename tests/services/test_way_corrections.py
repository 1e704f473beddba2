"""Correcting mistakes on the way and in the catalogue: removals are tombstones."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from ungtui.domain.measures import national_measure_id
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.way.measures import (
    LocalMeasureInput,
    add_local_measure,
    list_catalogue,
    remove_local_measure,
    update_local_measure,
)
from ungtui.services.way.way import (
    ExitInput,
    FollowUpInput,
    MeasureInput,
    PhaseInput,
    WayStartInput,
    add_phase,
    exit_way,
    get_way,
    record_follow_up,
    remove_exit,
    remove_follow_up,
    remove_phase,
    save_individual_measure,
    start_way,
)
from ungtui.store.models import ChangeLog, ExitFollowUp, Measure, WayPhase


def way_for(db, user, entry: str = "2026-01-12") -> tuple[str, str]:
    pid = save_individual(
        db,
        IndividualInput(first_name="Rätta", last_name="Felsson", birth_date="2004-02-02"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    return pid, start_way(db, pid, WayStartInput(entry_date=entry), actor_id=user.staff_id)


def test_a_wrong_phase_goes_and_the_way_is_back_in_the_earlier_one(db, user):
    pid, way_id = way_for(db, user)
    wrong = add_phase(db, way_id, PhaseInput("planering", "2026-02-01"), actor_id=user.staff_id)
    assert get_way(db, pid).current.phase == "planering"
    remove_phase(db, wrong, actor_id=user.staff_id)
    way = get_way(db, pid).current
    assert (way.phase, way.phase_since) == ("inflode", date(2026, 1, 12))
    with db.session() as session:
        tomb = session.get(WayPhase, wrong)
        assert tomb.deleted_at is not None
        logged = session.exec(select(ChangeLog).where(ChangeLog.record_id == wrong)).all()
    assert len(logged) >= 2  # created, then removed: both in the log
    first = way.phases[0].id
    with pytest.raises(ServiceError) as refused:
        remove_phase(db, first, actor_id=user.staff_id)
    assert "minst en fas" in str(refused.value)


def test_a_wrong_exit_reopens_the_way_once_its_follow_ups_are_gone(db, user):
    pid, way_id = way_for(db, user)
    exit_way(db, way_id, ExitInput("2026-03-31", "arbete"), actor_id=None)
    record_follow_up(db, way_id, FollowUpInput(90, "2026-06-30", "studier"), actor_id=None)
    record_follow_up(db, way_id, FollowUpInput(90, "2026-07-02", "arbete"), actor_id=None)
    with pytest.raises(ServiceError) as refused:
        remove_exit(db, way_id, actor_id=None)
    assert "Ta bort dem först" in str(refused.value)
    # One row on screen, recorded twice: both go, and the follow-up is due again.
    assert remove_follow_up(db, way_id, 90, actor_id=None) == 2
    follow = get_way(db, pid).current.follow_ups[0]
    assert (follow.day_offset, follow.due, follow.checked_on) == (90, date(2026, 6, 29), None)
    with pytest.raises(NotFound):
        remove_follow_up(db, way_id, 180, actor_id=None)
    remove_exit(db, way_id, actor_id=None)
    way = get_way(db, pid).current
    assert (way.exit_on, way.exit_outcome, way.phase) == (None, "", "inflode")
    assert way.follow_ups == []
    with db.session() as session:
        rows = session.exec(select(ExitFollowUp)).all()
    # Tombstones: the rows stay (blanked, so the removal travels by sync).
    assert [f.deleted_at is not None for f in rows] == [True, True]
    with pytest.raises(ServiceError) as refused:
        remove_exit(db, way_id, actor_id=None)
    assert str(refused.value) == "Vägen är inte avslutad."


def test_a_local_measure_is_corrected_and_removed_but_not_one_in_use(db, user):
    org = user.organisation_id
    mid = add_local_measure(
        db, LocalMeasureInput("Sommarjobb", org, "2026-06-01", "2026-08-31"), actor_id=None
    )
    update_local_measure(
        db,
        mid,
        LocalMeasureInput("Sommarjobb för unga", org, "2026-05-15", "2026-08-31", False, "Kort"),
        actor_id=None,
    )
    row = next(r for r in list_catalogue(db) if r.id == mid)
    assert (row.name, row.valid_from, row.leads_to_work_or_studies, row.description) == (
        "Sommarjobb för unga",
        date(2026, 5, 15),
        False,
        "Kort",
    )
    with pytest.raises(ValidationError) as refused:
        update_local_measure(db, mid, LocalMeasureInput("Praktik", org), actor_id=None)
    assert refused.value.errors["name"] == "”Praktik” finns redan i katalogen."
    with pytest.raises(ServiceError) as refused:
        remove_local_measure(db, national_measure_id("praktik"), actor_id=None)
    assert "nationell insats och kan inte tas bort" in str(refused.value)

    _pid, way_id = way_for(db, user, "2026-05-20")
    used = add_local_measure(db, LocalMeasureInput("Läxhjälp", org), actor_id=None)
    save_individual_measure(
        db, way_id, MeasureInput(measure_id=used, start_date="2026-05-21"), actor_id=None
    )
    with pytest.raises(ServiceError) as refused:
        remove_local_measure(db, used, actor_id=None)
    assert str(refused.value) == (
        "Läxhjälp finns i 1 persons insatser. Ändra den (e) och sätt en sista dag så att "
        "inga nya startas."
    )
    remove_local_measure(db, mid, actor_id=None)
    assert mid not in {r.id for r in list_catalogue(db)}
    with db.session() as session:
        assert session.get(Measure, mid).deleted_at is not None
