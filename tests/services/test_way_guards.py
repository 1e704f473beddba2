"""Guards on the way: a follow-up before its day needs a reason; closing a way asks what
happens to measures only planned; days typed the one way every date field takes.
Today is 2026-11-24 (a Tuesday)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.services.test_way import PRAKTIK, way_for
from ungtui.services.errors import ValidationError
from ungtui.services.way.way import (
    ExitInput,
    FollowUpInput,
    MeasureInput,
    PhaseInput,
    add_phase,
    exit_way,
    get_way,
    record_follow_up,
    save_individual_measure,
)


def test_a_follow_up_before_its_day_needs_a_reason(db, user):
    pid, way_id = way_for(db, user, "Elsa", "2003-05-05", "2026-01-12")
    exit_way(db, way_id, ExitInput("2026-10-01", "arbete"), actor_id=None)
    # 90 days after 2026-10-01 is 2026-12-30; today is 2026-11-24.
    with pytest.raises(ValidationError) as refused:
        record_follow_up(db, way_id, FollowUpInput(90, "2026-11-24", "arbete"), actor_id=None)
    assert refused.value.errors == {
        "note": "Uppföljningen efter 90 dagar ska göras 2026-12-30. Skriv i anteckningen "
        "varför den görs tidigare (minst tio tecken)."
    }
    with pytest.raises(ValidationError):
        record_follow_up(
            db, way_id, FollowUpInput(90, "idag", "arbete", "flyttar"), actor_id=None
        )
    record_follow_up(
        db,
        way_id,
        FollowUpInput(90, "idag", "arbete", "Flyttar till Umeå i december."),
        actor_id=None,
    )
    follow = next(f for f in get_way(db, pid).current.follow_ups if f.day_offset == 90)
    assert follow.checked_on == date(2026, 11, 24)
    assert follow.note == "Flyttar till Umeå i december."


def test_a_follow_up_on_or_after_its_day_needs_no_reason(db, user):
    pid, way_id = way_for(db, user, "Folke", "2003-05-05", "2025-10-01")
    exit_way(db, way_id, ExitInput("2026-08-26", "studier"), actor_id=None)
    # Due 2026-11-24, today: no reason asked.
    record_follow_up(db, way_id, FollowUpInput(90, "2026-11-24", "studier"), actor_id=None)
    follow = next(f for f in get_way(db, pid).current.follow_ups if f.day_offset == 90)
    assert (follow.due, follow.checked_on, follow.note) == (
        date(2026, 11, 24),
        date(2026, 11, 24),
        "",
    )


def test_closing_a_way_with_planned_measures_asks_what_becomes_of_them(db, user):
    pid, way_id = way_for(db, user, "Greta", "2004-01-01", "2026-09-01")
    planned = save_individual_measure(
        db,
        way_id,
        MeasureInput(measure_id=PRAKTIK, start_date="2026-12-07", status="planerad"),
        actor_id=None,
    )
    with pytest.raises(ValidationError) as refused:
        exit_way(db, way_id, ExitInput("2026-11-20", "arbete"), actor_id=None)
    assert refused.value.errors == {
        "planned": "Vägen har en planerad insats. Välj om den tas bort eller står kvar."
    }
    exit_way(db, way_id, ExitInput("2026-11-20", "arbete", planned="ta_bort"), actor_id=None)
    way = get_way(db, pid).current
    assert way.exit_on == date(2026, 11, 20)
    assert planned not in [m.id for m in way.measures]


def test_planned_measures_may_stay(db, user):
    pid, way_id = way_for(db, user, "Hugo", "2004-01-01", "2026-09-01")
    for start in ("2026-12-07", "2027-01-11"):
        save_individual_measure(
            db,
            way_id,
            MeasureInput(measure_id=PRAKTIK, start_date=start, status="planerad"),
            actor_id=None,
        )
    with pytest.raises(ValidationError) as refused:
        exit_way(db, way_id, ExitInput("2026-11-20", "arbete", planned="kanske"), actor_id=None)
    assert refused.value.errors["planned"].startswith("Vägen har 2 planerade insatser.")
    exit_way(db, way_id, ExitInput("2026-11-20", "arbete", planned="behall"), actor_id=None)
    way = get_way(db, pid).current
    assert [m.status for m in way.measures] == ["planerad", "planerad"]


def test_way_days_are_typed_as_in_every_date_field(db, user):
    pid, way_id = way_for(db, user, "Iris", "2004-01-01", "igår")
    assert get_way(db, pid).current.entry_date == date(2026, 11, 23)
    add_phase(db, way_id, PhaseInput("planering", "idag"), actor_id=None)
    measure = save_individual_measure(
        db,
        way_id,
        MeasureInput(measure_id=PRAKTIK, start_date="+3 ad", status="planerad"),
        actor_id=None,
    )
    found = next(m for m in get_way(db, pid).current.measures if m.id == measure)
    assert found.start_date == date(2026, 11, 27)
    with pytest.raises(ValidationError) as refused:
        add_phase(db, way_id, PhaseInput("insats", "snart"), actor_id=None)
    assert "förstås inte som en dag" in refused.value.errors["started_on"]
