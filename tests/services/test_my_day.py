"""Min dag through the services, with hand-written days. Today is Tuesday 2026-11-24;
the week ends Sunday 2026-11-29. The user is Sofia Berg, Jobbcenter Unga (Malmö stad)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.meeting_helpers import make_world, meeting
from ungtui.services.meetings.meeting_agenda import (
    ActionInput,
    add_action,
    add_topic_item,
    get_meeting,
)
from ungtui.services.meetings.meetings import add_staff_attendee
from ungtui.services.my_day import my_day
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation, register_user
from ungtui.services.processes.agreements import AgreementInput, save_agreement
from ungtui.services.referrals.referrals import ReferralDraft, TransitionInput, create_referral
from ungtui.services.referrals.referrals import transition_referral as step
from ungtui.services.sync.sync_files import export_file
from ungtui.services.way.follow_ups_due import count_due
from ungtui.services.way.guarantee import count_watch
from ungtui.services.way.guarantee_rules import set_agreement_guarantee
from ungtui.services.way.way import ExitInput, WayStartInput, exit_way, start_way

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(db, user):
    return make_world(db, user)


def part(parts, key):
    return next(p for p in parts if p.key == key)


def texts(found) -> list[tuple[str, str, bool]]:
    return [(line.person, line.text, line.urgent) for line in found.lines]


def referral_to(db, sender, receiver_org, unit, person, reply_by, made_on, **kw):
    draft = ReferralDraft(
        individual_id=person,
        to_organisation_id=receiver_org,
        to_unit_id=unit,
        kind="provider",
        measure=kw.pop("measure", "Arbetsträning"),
        purpose="Stöd mot arbete",
        reply_by=reply_by,
        **kw,
    )
    referral = create_referral(db, sender, draft, today=made_on)
    step(
        db,
        sender,
        referral,
        TransitionInput(
            "send", happened_on=made_on.isoformat(), exception_ground="Lag (2001:453) 12 kap."
        ),
        today=made_on,
    )
    return referral


def test_referrals_waiting_for_an_answer_that_are_mine(db, user, world):
    karin = register_user(
        db, name="Karin Lind", unit_name="Malmö Unga", organisation_id=world.af
    )
    asa, ali = world.with_consent, world.without_consent
    # Sent by me, the answer was due yesterday.
    referral_to(db, user, world.af, karin.unit_id, asa, "2026-11-23", date(2026, 11, 10))
    # To my unit from AF, due Friday this week.
    referral_to(
        db, karin, user.organisation_id, user.unit_id, ali, "2026-11-27", date(2026, 11, 20),
        measure="Studiebesök",
    )
    # Due next week: not today's work.
    referral_to(db, user, world.af, karin.unit_id, ali, "2026-12-02", date(2026, 11, 20))
    # New to my unit, due in two weeks: news today, after the urgent ones. Another one I
    # have received already waits for its day like the first.
    referral_to(
        db, karin, user.organisation_id, user.unit_id, asa, "2026-12-08", date(2026, 11, 24),
        measure="Praktik",
    )
    received = referral_to(
        db, karin, user.organisation_id, user.unit_id, ali, "2026-12-09", date(2026, 11, 24)
    )
    step(db, user, received, TransitionInput("receive"), today=TODAY)
    # To my whole organisation: news for every unit until one takes it. One taken by my
    # unit is then ours to answer, like one sent to us; one taken by another unit is not.
    referral_to(
        db, karin, user.organisation_id, None, ali, "2026-12-10", date(2026, 11, 24),
        measure="Jobbsökaraktivitet",
    )
    taken = referral_to(
        db, karin, user.organisation_id, None, asa, "2026-11-26", date(2026, 11, 23),
        measure="Språkpraktik",
    )
    step(db, user, taken, TransitionInput("receive"), today=TODAY)
    kaa = register_user(
        db, name="Jonas Ek", unit_name="KAA-enheten", organisation_id=user.organisation_id
    )
    theirs = referral_to(
        db, karin, user.organisation_id, None, ali, "2026-11-25", date(2026, 11, 23),
        measure="Körkortsstöd",
    )
    step(db, kaa, theirs, TransitionInput("receive"), today=TODAY)
    found = part(my_day(db, user, today=TODAY), "remisser")
    assert texts(found) == [
        (
            "Öberg, Åsa",
            "Arbetsträning · väntar på svar från Arbetsförmedlingen · "
            "försenad sedan 2026-11-23",
            True,
        ),
        (
            "Öberg, Åsa",
            "Språkpraktik · från Arbetsförmedlingen, ditt svar · svar senast 2026-11-26",
            False,
        ),
        (
            "Öztürk, Ali",
            "Studiebesök · från Arbetsförmedlingen, ny · svar senast 2026-11-27",
            False,
        ),
        (
            "Öberg, Åsa",
            "Praktik · från Arbetsförmedlingen, ny · svar senast 2026-12-08",
            False,
        ),
        (
            "Öztürk, Ali",
            "Jobbsökaraktivitet · från Arbetsförmedlingen, ny · svar senast 2026-12-10",
            False,
        ),
    ]
    assert found.total == 5


def test_my_open_actions_from_meetings(db, user, world):
    meeting_id = meeting(db, world, "2026-11-17 10:00")
    karins = add_staff_attendee(db, meeting_id, world.karin, actor_id=None)
    # The one who plans the meeting is in it already.
    [mine] = [a.id for a in get_meeting(db, meeting_id).attendees if a.id != karins]
    item = add_topic_item(db, meeting_id, "Lokaler", actor_id=None)
    made = date(2026, 11, 17)
    add_action(db, item, ActionInput("Boka rum", mine, "2026-11-20"), actor_id=None, today=made)
    add_action(db, item, ActionInput("Skicka schema", mine, "2026-12-04"), actor_id=None)
    add_action(db, item, ActionInput("Ringa leverantören", karins, "2026-11-25"), actor_id=None)
    found = part(my_day(db, user, today=TODAY), "atgarder")
    assert texts(found) == [
        ("", "Boka rum · försenad sedan 2026-11-20 · möte 2026-11-17", True),
        ("", "Skicka schema · klart senast 2026-12-04 · möte 2026-11-17", False),
    ]


def test_guarantee_deadlines_of_my_people_two_weeks_back_and_ahead(db, user, monkeypatch):
    # The guarantee is an agreement's (Ungdomskontraktet: 16–24, 90 days from joining).
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    kontrakt = save_agreement(
        db,
        AgreementInput(
            title="Ungdomskontraktet",
            party_ids=[user.organisation_id, af],
            valid_from=date(2026, 1, 1),
        ),
        actor_id=None,
    )
    set_agreement_guarantee(db, kontrakt, min_age=16, max_age=24, days=90, actor_id=None)

    def entered(first: str, entry: str, joined: str = "") -> None:
        person = save_individual(
            db,
            IndividualInput(first_name=first, last_name="Testsson", birth_date="2004-03-01"),
            actor_id=user.staff_id,
            organisation_id=user.organisation_id,
        )
        start_way(
            db, person, WayStartInput(entry_date=entry, joined_on=joined or entry), actor_id=None
        )

    entered("Alva", "2026-09-01")  # deadline 2026-11-30, in 6 days
    entered("Bo", "2026-08-20")  # deadline 2026-11-18, passed 6 days ago
    entered("Cleo", "2026-07-01")  # deadline 2026-09-29: long passed, in the full list
    entered("Dan", "2026-10-20")  # deadline 2027-01-18: not yet
    # In since August, but said yes only in October: the 90 days run from the yes.
    entered("Ebba", "2026-08-20", joined="2026-10-20")
    found = part(my_day(db, user, today=TODAY), "garanti")
    assert texts(found) == [
        # Cleo's deadline passed long ago: counted first, not forgotten (she is in the
        # full list Enter opens).
        (
            "",
            "1 garantigräns passerad för mer än två veckor sedan, utan insats"
            " · Enter visar hela listan",
            True,
        ),
        (
            "Testsson, Bo",
            "gränsen passerades 2026-11-18 (6 dagar sedan) · Inflöde/uppsökande",
            True,
        ),
        ("Testsson, Alva", "gräns 2026-11-30 (6 dagar kvar) · Inflöde/uppsökande", False),
    ]
    assert found.total == 3
    # A caseload of thousands is counted by reading every open way: the same count.
    from ungtui.services.way import guarantee

    before = TODAY - timedelta(days=14)
    assert guarantee.count_mine_passed_before(db, user.staff_id, before, today=TODAY) == 1
    monkeypatch.setattr(guarantee, "_MANY_OF_MINE", 1)
    assert guarantee.count_mine_passed_before(db, user.staff_id, before, today=TODAY) == 1
    assert guarantee.count_mine_passed_before(db, "someone else", before, today=TODAY) == 0
    # The list Enter opens is mine too: Alva within the warning, Bo and Cleo past.
    assert count_watch(db, today=TODAY, staff_id=user.staff_id) == (1, 2)


def test_follow_ups_due_for_my_people(db, user):
    def exited(first: str, exit_on: str) -> None:
        person = save_individual(
            db,
            IndividualInput(first_name=first, last_name="Testsson", birth_date="2000-03-01"),
            actor_id=user.staff_id,
            organisation_id=user.organisation_id,
        )
        way = start_way(db, person, WayStartInput(entry_date="2025-01-07"), actor_id=None)
        exit_way(db, way, ExitInput(exit_on, "arbete"), actor_id=None)

    exited("Ebba", "2026-08-26")  # 90 days: 2026-11-24, today
    exited("Filip", "2026-08-10")  # 90 days: 2026-11-08, more than two weeks ago
    exited("Gun", "2026-06-01")  # 180 days: 2026-11-28
    # A colleague's person, due today too: in the register's list, not in mine.
    jonas = register_user(
        db, name="Jonas Ek", unit_name="Jobbcenter Unga", organisation_id=user.organisation_id
    )
    other = save_individual(
        db,
        IndividualInput(first_name="Hugo", last_name="Testsson", birth_date="2000-03-01"),
        actor_id=jonas.staff_id,
        organisation_id=user.organisation_id,
    )
    way = start_way(db, other, WayStartInput(entry_date="2025-01-07"), actor_id=None)
    exit_way(db, way, ExitInput("2026-08-26", "arbete"), actor_id=None)
    found = part(my_day(db, user, today=TODAY), "uppfoljningar")
    # Filip's 90 days (2026-11-08) and Gun's (2026-08-30), overdue more than two weeks,
    # are counted first rather than left out.
    assert texts(found) == [
        ("", "2 uppföljningar försenade mer än två veckor · Enter visar hela listan", True),
        ("Testsson, Ebba", "uppföljning efter 90 dagar · ska göras i dag", False),
        ("Testsson, Gun", "uppföljning efter 180 dagar · ska göras 2026-11-28", False),
    ]
    assert found.total == 4
    assert [line.whole_list for line in found.lines] == [True, False, False]
    # The list Enter opens counts the same: Ebba's and Gun's 180 coming, two overdue.
    assert count_due(db, today=TODAY, staff_id=user.staff_id) == (2, 2)
    assert count_due(db, today=TODAY) == (3, 2)  # with Hugo: the whole register
    # Filip held by me twice (a second organisation's row) is still one follow-up.
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO responsibility (id, created_at, updated_at, individual_id,"
            " organisation_id, staff_id) SELECT 'zz-' || r.id, r.created_at, r.updated_at,"
            " r.individual_id, 'another', r.staff_id FROM responsibility r"
            " JOIN individual i ON i.id = r.individual_id WHERE i.first_name = 'Filip'"
        )
    found = part(my_day(db, user, today=TODAY), "uppfoljningar")
    assert found.lines[0].text.startswith("2 uppföljningar försenade")


def test_todays_and_tomorrows_meetings(db, user, world):
    meeting(db, world, "2026-11-24 13:00", title="Samverkansgrupp unga")
    meeting(db, world, "2026-11-25 09:30", title="Ärendekonferens", place="")
    meeting(db, world, "2026-11-26 10:00", title="Styrgrupp")
    found = part(my_day(db, user, today=TODAY), "moten")
    assert texts(found) == [
        ("", "i dag 13:00 Samverkansgrupp unga · Jobbcenter Unga", False),
        ("", "i morgon 09:30 Ärendekonferens", False),
    ]


def exported_at(db, moment: str) -> None:
    # The file was written now; the test says when, as the clock of these tests is fixed.
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE sync_export SET at = ?", (moment,))


def test_when_each_partner_last_got_my_changes(db, user, world, tmp_path):
    found = part(my_day(db, user, today=TODAY), "synk")
    assert found.lines == []
    assert found.empty == "Inga synkfiler skickade eller mottagna än. F7 Synk visar hur."
    export_file(db, for_organisation=world.af, out=tmp_path, passphrase="teamets lösenfras")
    exported_at(db, "2026-11-24T08:00:00+00:00")
    found = part(my_day(db, user, today=TODAY), "synk")
    assert texts(found) == [("", "Arbetsförmedlingen har allt du ändrat (fil i dag)", False)]
    # Changes made since a file twelve days ago; and one day ago.
    save_individual(
        db,
        IndividualInput(first_name="Hedda", last_name="Testsson", birth_date="2001-01-01"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    exported_at(db, "2026-11-12T08:00:00+00:00")
    found = part(my_day(db, user, today=TODAY), "synk")
    assert texts(found) == [
        ("", "Arbetsförmedlingen har inte fått dina ändringar på 12 dagar", True)
    ]
    exported_at(db, "2026-11-23T08:00:00+00:00")
    found = part(my_day(db, user, today=TODAY), "synk")
    assert texts(found) == [
        ("", "Arbetsförmedlingen har inte fått dina ändringar på 1 dag", False)
    ]
