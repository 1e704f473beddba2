"""Meetings through the services: planning, series, attendees, the consent rule, the
agenda, actions and their carry-over."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tests.meeting_helpers import make_world, meeting
from ungtui.services.clock import local_time
from ungtui.services.consent.consents import withdraw_consent
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.meetings.meeting_actions import (
    ActionFilter,
    count_open_actions,
    filter_choices,
    list_open_actions,
)
from ungtui.services.meetings.meeting_agenda import (
    ActionInput,
    acknowledge,
    add_action,
    add_decision,
    add_person_item,
    add_topic_item,
    get_meeting,
    remove_item,
    save_notes,
    set_action_done,
    set_full_name_in_minutes,
)
from ungtui.services.meetings.meetings import (
    MeetingFilter,
    MeetingInput,
    add_external_attendee,
    add_staff_attendee,
    count_meetings,
    find_meeting_id,
    list_meetings,
    plan_next_meetings,
    remove_attendee,
    save_meeting,
)
from ungtui.store.models import ChangeLog, Meeting, MeetingAction


@pytest.fixture
def world(db, user):
    return make_world(db, user)


def test_a_new_meeting_has_its_creator_present_and_is_stored_in_utc(db, world):
    meeting_id = meeting(db, world, when="tis 9:30")
    view = get_meeting(db, meeting_id)
    assert view.starts == datetime(2026, 12, 1, 9, 30)
    assert view.kind == "Samverkansgrupp"
    assert [(a.name, a.organisation_name) for a in view.attendees] == [
        ("Sofia Berg", "Malmö stad – Arbetsmarknadsenheten")
    ]
    with db.session() as session:
        stored = session.get(Meeting, meeting_id)
    assert stored.starts_at == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # CET is UTC+1


def test_bad_meeting_input_is_refused_field_by_field(db, world):
    with pytest.raises(ValidationError) as refused:
        save_meeting(
            db, MeetingInput(kind="fika", title=" ", when="snart"), actor_id=world.user.staff_id
        )
    assert set(refused.value.errors) == {"kind", "title", "when"}
    assert "förstås inte" in refused.value.errors["when"]
    assert count_meetings(db, MeetingFilter(when="alla")) == 0


def test_edit_keeps_the_clock_time_when_only_a_day_is_typed(db, world):
    meeting_id = meeting(db, world, when="2026-11-24 13:15")
    save_meeting(
        db,
        MeetingInput(kind="samverkansgrupp", title="Samverkansgrupp unga", when="+7"),
        actor_id=world.user.staff_id,
        meeting_id=meeting_id,
    )
    assert get_meeting(db, meeting_id).starts == datetime(2026, 12, 1, 13, 15)


def test_list_pages_coming_and_earlier_meetings(db, world):
    for when in ("2026-11-20 10:00", "2026-11-24 08:00", "2026-12-01 10:00", "2026-11-26 10:00"):
        meeting(db, world, when=when, title=f"Möte {when[:10]}")
    coming = list_meetings(db, MeetingFilter(when="kommande"))
    assert [r.title for r in coming] == ["Möte 2026-11-24", "Möte 2026-11-26", "Möte 2026-12-01"]
    assert [r.title for r in list_meetings(db, MeetingFilter(when="tidigare"))] == [
        "Möte 2026-11-20"
    ]
    page = list_meetings(db, MeetingFilter(when="alla"), offset=1, limit=2)
    assert [r.title for r in page] == ["Möte 2026-11-26", "Möte 2026-11-24"]
    assert count_meetings(db, MeetingFilter(when="alla")) == 4


def test_find_meeting_by_the_start_of_its_id(db, world):
    meeting_id = meeting(db, world)
    assert find_meeting_id(db, meeting_id[:8]) == meeting_id
    with pytest.raises(ServiceError, match="minst de sex första"):
        find_meeting_id(db, "ab")
    with pytest.raises(ServiceError, match="Inget möte har id"):
        find_meeting_id(db, "ffffffff")


def test_series_plans_its_next_meetings_with_the_same_people(db, world):
    first = meeting(db, world, when="2026-11-24 10:00", repeat_weeks=2)
    add_staff_attendee(db, first, world.karin, actor_id=world.user.staff_id)
    created = plan_next_meetings(db, first, actor_id=world.user.staff_id, count=3)
    starts = [get_meeting(db, m).starts for m in created]
    assert starts == [
        datetime(2026, 12, 8, 10, 0),
        datetime(2026, 12, 22, 10, 0),
        datetime(2027, 1, 5, 10, 0),
    ]
    assert [a.name for a in get_meeting(db, created[-1]).attendees] == [
        "Karin Lind",
        "Sofia Berg",
    ]
    assert get_meeting(db, created[0]).series == "Varannan vecka"
    # Pressing again continues after the latest.
    more = plan_next_meetings(db, first, actor_id=world.user.staff_id, count=1)
    assert get_meeting(db, more[0]).starts == datetime(2027, 1, 19, 10, 0)


def test_a_single_meeting_has_no_series_to_plan(db, world):
    single = meeting(db, world)
    with pytest.raises(ServiceError, match="hör inte till en serie"):
        plan_next_meetings(db, single, actor_id=world.user.staff_id)


def test_external_attendee_counts_as_registered_when_the_name_matches(db, world):
    meeting_id = meeting(db, world)
    add_external_attendee(
        db,
        meeting_id,
        name="Nora Coach",
        organisation_name="nordljus kompetens ab",
        actor_id=world.user.staff_id,
    )
    add_external_attendee(
        db, meeting_id, name="Tolk", organisation_name="Tolkbyrån", actor_id=world.user.staff_id
    )
    attendees = get_meeting(db, meeting_id).attendees
    assert [(a.name, a.organisation_name, a.external) for a in attendees] == [
        ("Sofia Berg", "Malmö stad – Arbetsmarknadsenheten", False),
        ("Nora Coach", "Nordljus Kompetens AB", True),
        ("Tolk", "Tolkbyrån", True),
    ]
    with pytest.raises(ValidationError) as refused:
        add_external_attendee(
            db, meeting_id, name="", organisation_name="", actor_id=world.user.staff_id
        )
    assert set(refused.value.errors) == {"external_name", "external_org"}


def test_staff_attends_once(db, world):
    meeting_id = meeting(db, world)
    with pytest.raises(ServiceError, match="redan med"):
        add_staff_attendee(db, meeting_id, world.user.staff_id, actor_id=world.user.staff_id)


def test_consent_rule_masks_and_locks_the_person_without_consent(db, world):
    meeting_id = meeting(db, world)
    add_staff_attendee(db, meeting_id, world.karin, actor_id=world.user.staff_id)
    add_person_item(db, meeting_id, world.with_consent, actor_id=world.user.staff_id)
    ali = add_person_item(db, meeting_id, world.without_consent, actor_id=world.user.staff_id)
    items = get_meeting(db, meeting_id).items
    assert [(i.title, i.missing, i.locked) for i in items] == [
        ("Åsa Öberg (f. 2005)", [], False),
        ("Ö. (f. 2003)".replace("Ö.", "A.Ö."), ["Arbetsförmedlingen"], True),
    ]
    with pytest.raises(ServiceError, match="samtycke saknas för Arbetsförmedlingen"):
        save_notes(db, ali, "Har börjat praktik.", actor_id=world.user.staff_id)
    with pytest.raises(ServiceError, match="Inget sparades"):
        add_decision(db, ali, "Anvisas till insats.", actor_id=world.user.staff_id)
    with pytest.raises(ServiceError, match="Fullständigt namn"):
        set_full_name_in_minutes(db, ali, True, actor_id=world.user.staff_id)
    assert get_meeting(db, meeting_id).items[1].notes == ""


def test_without_af_in_the_room_no_consent_is_needed(db, world):
    meeting_id = meeting(db, world)
    ali = add_person_item(db, meeting_id, world.without_consent, actor_id=world.user.staff_id)
    item = get_meeting(db, meeting_id).items[0]
    assert (item.title, item.locked) == ("Ali Öztürk (f. 2003)", False)
    attendee = add_staff_attendee(db, meeting_id, world.karin, actor_id=world.user.staff_id)
    assert get_meeting(db, meeting_id).items[0].locked
    remove_attendee(db, attendee, actor_id=world.user.staff_id)
    assert save_notes(db, ali, "Pratat om praktik.", actor_id=world.user.staff_id)


def test_withdrawn_consent_masks_from_that_day(db, world):
    meeting_id = meeting(db, world)
    add_staff_attendee(db, meeting_id, world.karin, actor_id=world.user.staff_id)
    add_person_item(db, meeting_id, world.with_consent, actor_id=world.user.staff_id)
    from ungtui.services.consent.consents import list_consents

    consent = list_consents(db, world.with_consent)[0]
    withdraw_consent(db, consent.id, actor_id=world.user.staff_id, on=date(2026, 11, 24))
    item = get_meeting(db, meeting_id).items[0]
    assert (item.title, item.missing) == ("Å.Ö. (f. 2005)", ["Arbetsförmedlingen"])


def test_acknowledgement_with_a_reason_unlocks_but_keeps_the_mask(db, world):
    meeting_id = meeting(db, world)
    add_staff_attendee(db, meeting_id, world.karin, actor_id=world.user.staff_id)
    ali = add_person_item(db, meeting_id, world.without_consent, actor_id=world.user.staff_id)
    with pytest.raises(ValidationError, match="minst tio tecken"):
        acknowledge(db, ali, "ok", actor_id=world.user.staff_id)
    acknowledge(
        db, ali, "Muntligt samtycke i mötet, dokumenteras i dag.", actor_id=world.user.staff_id
    )
    save_notes(db, ali, "Vill börja på vuxenutbildningen.", actor_id=world.user.staff_id)
    item = get_meeting(db, meeting_id).items[0]
    assert (item.title, item.locked, item.acknowledged) == ("A.Ö. (f. 2003)", False, True)
    assert item.ack_by == "Sofia Berg"
    assert item.notes == "Vill börja på vuxenutbildningen."
    with db.session() as session:
        logged = session.exec(select(ChangeLog.field).where(ChangeLog.record_id == ali)).all()
    assert "ack_reason" in logged
    # Someone new in the room needs a new acknowledgement.
    add_external_attendee(
        db,
        meeting_id,
        name="Nora Coach",
        organisation_name="Nordljus Kompetens AB",
        actor_id=world.user.staff_id,
    )
    item = get_meeting(db, meeting_id).items[0]
    assert item.missing == ["Arbetsförmedlingen", "Nordljus Kompetens AB"]
    assert item.locked


def test_decision_and_action_with_owner_and_due_date(db, world):
    meeting_id = meeting(db, world)
    karin = add_staff_attendee(db, meeting_id, world.karin, actor_id=world.user.staff_id)
    asa = add_person_item(db, meeting_id, world.with_consent, actor_id=world.user.staff_id)
    decision = add_decision(db, asa, "Åsa erbjuds praktik.", actor_id=world.user.staff_id)
    with pytest.raises(ValidationError) as refused:
        add_action(db, asa, ActionInput(what="", due="snart"), actor_id=world.user.staff_id)
    assert set(refused.value.errors) == {"what", "responsible", "due"}
    add_action(
        db,
        asa,
        ActionInput(what="Boka praktikplats", responsible_attendee_id=karin, due="fre"),
        actor_id=world.user.staff_id,
        decision_id=decision,
    )
    item = get_meeting(db, meeting_id).items[0]
    assert [(d.text, d.has_action) for d in item.decisions] == [("Åsa erbjuds praktik.", True)]
    action = item.actions[0]
    assert (action.what, action.responsible_name, action.organisation_name, action.due_date) == (
        "Boka praktikplats",
        "Karin Lind",
        "Arbetsförmedlingen",
        date(2026, 11, 27),
    )
    with db.session() as session:
        stored = session.exec(select(MeetingAction)).one()
    assert stored.individual_id == world.with_consent


def test_open_actions_carry_over_to_the_next_meeting_of_the_series(db, world):
    first = meeting(db, world, when="2026-11-17 10:00", repeat_weeks=1)
    topic = add_topic_item(db, first, "Lokaler", actor_id=world.user.staff_id)
    me = get_meeting(db, first).attendees[0].id
    for what, due in (("Boka lokal", "2026-11-20"), ("Skicka kallelse", "2026-11-30")):
        add_action(
            db,
            topic,
            ActionInput(what=what, responsible_attendee_id=me, due=due),
            actor_id=world.user.staff_id,
        )
    second = plan_next_meetings(db, first, actor_id=world.user.staff_id, count=2)
    carried = get_meeting(db, second[0]).carried
    assert [(a.what, a.meeting_label) for a in carried] == [
        ("Boka lokal", "2026-11-17 Samverkansgrupp unga"),
        ("Skicka kallelse", "2026-11-17 Samverkansgrupp unga"),
    ]
    set_action_done(db, carried[0].id, True, actor_id=world.user.staff_id)
    # Still open ones go on to the meeting after that too; done ones do not.
    assert [a.what for a in get_meeting(db, second[1]).carried] == ["Skicka kallelse"]
    # Not onto the meeting itself, nor onto a meeting outside the series.
    assert get_meeting(db, first).carried == []
    assert get_meeting(db, meeting(db, world, when="2026-11-30 10:00")).carried == []


def test_open_actions_list_overdue_first_filters_and_done(db, world):
    meeting_id = meeting(db, world)
    karin = add_staff_attendee(db, meeting_id, world.karin, actor_id=world.user.staff_id)
    me = get_meeting(db, meeting_id).attendees[1].id
    asa = add_person_item(db, meeting_id, world.with_consent, actor_id=world.user.staff_id)
    for what, who, due in (
        ("Ring arbetsgivare", karin, "2026-12-05"),
        ("Skicka intyg", me, "2026-11-20"),
        ("Boka uppföljning", karin, "2026-11-23"),
    ):
        add_action(
            db,
            asa,
            ActionInput(what=what, responsible_attendee_id=who, due=due),
            actor_id=world.user.staff_id,
        )
    rows = list_open_actions(db, ActionFilter())
    assert [(r.what, r.overdue(date(2026, 11, 24))) for r in rows] == [
        ("Skicka intyg", True),
        ("Boka uppföljning", True),
        ("Ring arbetsgivare", False),
    ]
    # Outside a meeting the person is named at the least identifying level.
    assert rows[0].person == "Å.Ö. (f. 2005)"
    assert filter_choices(db) == (
        ["Arbetsförmedlingen", "Malmö stad"],
        ["Karin Lind", "Sofia Berg"],
    )
    only_af = list_open_actions(db, ActionFilter(organisation_name="Arbetsförmedlingen"))
    assert [r.what for r in only_af] == ["Boka uppföljning", "Ring arbetsgivare"]
    assert [r.what for r in list_open_actions(db, ActionFilter(responsible_name="Sofia Berg"))] == [
        "Skicka intyg"
    ]
    set_action_done(db, rows[0].id, True, actor_id=world.user.staff_id)
    assert count_open_actions(db, ActionFilter()) == 2
    done = get_meeting(db, meeting_id).items[0].actions[1]
    # Done now, shown on Sweden's clock: between 23 and 24 UTC that is already tomorrow.
    assert (done.what, done.done_at.date(), done.done_by) == (
        "Skicka intyg",
        local_time(datetime.now(UTC)).date(),
        "Sofia Berg",
    )
    with pytest.raises(ServiceError, match="redan klarmarkerad"):
        set_action_done(db, rows[0].id, True, actor_id=world.user.staff_id)


def test_removing_an_item_removes_its_decisions_and_actions(db, world):
    meeting_id = meeting(db, world)
    topic = add_topic_item(db, meeting_id, "Lokaler", actor_id=world.user.staff_id)
    me = get_meeting(db, meeting_id).attendees[0].id
    add_decision(db, topic, "Vi byter lokal.", actor_id=world.user.staff_id)
    add_action(
        db,
        topic,
        ActionInput(what="Boka lokal", responsible_attendee_id=me, due="+7"),
        actor_id=world.user.staff_id,
    )
    remove_item(db, topic, actor_id=world.user.staff_id)
    assert get_meeting(db, meeting_id).items == []
    assert count_open_actions(db, ActionFilter()) == 0


def test_the_same_person_once_per_agenda(db, world):
    meeting_id = meeting(db, world)
    add_person_item(db, meeting_id, world.with_consent, actor_id=world.user.staff_id)
    with pytest.raises(ServiceError, match="redan på dagordningen"):
        add_person_item(db, meeting_id, world.with_consent, actor_id=world.user.staff_id)
