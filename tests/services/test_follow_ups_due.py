"""Follow-ups due across the register, with hand-written dates (today 2026-11-24)."""

from __future__ import annotations

from datetime import date

from ungtui.services.people.individuals import IndividualInput, remove_individual, save_individual
from ungtui.services.way.follow_ups_due import count_due, list_due
from ungtui.services.way.way import (
    ExitInput,
    FollowUpInput,
    WayStartInput,
    exit_way,
    record_follow_up,
    remove_follow_up,
    start_way,
)


def exited(db, user, first: str, entry: str, exit_on: str, outcome="arbete") -> tuple[str, str]:
    pid = save_individual(
        db,
        IndividualInput(first_name=first, last_name="Uppsson", birth_date="2003-04-04"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    way_id = start_way(db, pid, WayStartInput(entry_date=entry), actor_id=None)
    exit_way(db, way_id, ExitInput(exit_on, outcome), actor_id=None)
    return pid, way_id


def test_due_follow_ups_overdue_first_then_the_coming_two_weeks(db, user):
    # Exit 2026-08-26: 90 days is 2026-11-24, today.
    exited(db, user, "Idag", "2026-01-05", "2026-08-26")
    # Exit 2026-05-31: 90 days 2026-08-29 (overdue 87), 180 days 2026-11-27 (3 left).
    _pid, may = exited(db, user, "Maj", "2026-01-05", "2026-05-31", "studier")
    # Exit 2026-09-10: 90 days 2026-12-09, 15 days away: not yet.
    exited(db, user, "Senare", "2026-01-05", "2026-09-10")
    # Exit 2025-11-20: 360 days 2026-11-15 (overdue 9); its 90 and 180 are recorded.
    _pid, old = exited(db, user, "Fjol", "2025-06-02", "2025-11-20")
    record_follow_up(db, old, FollowUpInput(90, "2026-02-20", "arbete"), actor_id=None)
    record_follow_up(db, old, FollowUpInput(180, "2026-05-20", "arbete"), actor_id=None)
    # Still open: nothing to follow up.
    save_individual(
        db,
        IndividualInput(first_name="Öppen", last_name="Uppsson", birth_date="2003-04-04"),
        actor_id=None,
        organisation_id=user.organisation_id,
    )
    rows = list_due(db)
    assert [(r.name, r.day_offset, r.due, r.days_left) for r in rows] == [
        ("Uppsson, Maj", 90, date(2026, 8, 29), -87),
        ("Uppsson, Fjol", 360, date(2026, 11, 15), -9),
        ("Uppsson, Idag", 90, date(2026, 11, 24), 0),
        ("Uppsson, Maj", 180, date(2026, 11, 27), 3),
    ]
    assert rows[0].outcome_label == "Reguljära studier"
    assert count_due(db) == (2, 2)
    assert [(r.name, r.day_offset) for r in list_due(db, offset=1, limit=2)] == [
        ("Uppsson, Fjol", 360),
        ("Uppsson, Idag", 90),
    ]
    # Recording takes it off the list; removing the record puts it back.
    record_follow_up(db, may, FollowUpInput(90, "2026-11-24", "studier"), actor_id=None)
    assert [(r.name, r.day_offset) for r in list_due(db)] == [
        ("Uppsson, Fjol", 360),
        ("Uppsson, Idag", 90),
        ("Uppsson, Maj", 180),
    ]
    remove_follow_up(db, may, 90, actor_id=None)
    assert count_due(db) == (2, 2)


def test_a_removed_person_has_no_follow_ups_due(db, user):
    pid, _way = exited(db, user, "Borta", "2026-01-05", "2026-05-31")
    assert count_due(db) == (1, 1)  # 90 days overdue, 180 days on 2026-11-27
    remove_individual(db, pid, actor_id=None)
    assert list_due(db) == []
