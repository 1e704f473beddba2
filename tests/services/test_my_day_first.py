"""Min dag's first read (sqlite3 alone, for the start screen's first frame) against the
full read, with hand-written days. Today is Tuesday 2026-11-24; the week ends Sunday
2026-11-29. The user is Sofia Berg, Jobbcenter Unga (Malmö stad)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.meeting_helpers import make_world, meeting
from tests.services.test_my_day import part, referral_to, texts
from ungtui.services.my_day import my_day
from ungtui.services.my_day_first import READING, first_parts
from ungtui.services.people.organisations import register_user
from ungtui.services.referrals.referrals import ReferralDraft, create_referral
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.models import Staff

TODAY = date(2026, 11, 24)


@pytest.fixture
def world(db, user):
    return make_world(db, user)


def states(db) -> list[tuple]:
    with db.read() as conn:
        return conn.execute("SELECT * FROM referral_state ORDER BY referral_id").fetchall()


def imported_event(db, referral_id: str, action: str, step: int, on: str) -> None:
    """An event as a sync import writes it: behind the referral services' back, so the
    cached state no longer counts it."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO referral_event (id, created_at, updated_at, referral_id,"
            " individual_id, action, step, at, happened_on, note, reason, consent_basis,"
            " consent_exception, for_receiver)"
            " SELECT ?, created_at, updated_at, id, individual_id, ?, ?, ?, ?, '',"
            " 'Ingen plats', '', 0, 0 FROM referral WHERE id = ?",
            (f"{referral_id}-{step}", action, step, f"{on} 09:00:00.000000", on, referral_id),
        )


def test_the_referrals_first_read_shows_what_the_full_read_shows(db, user, world):
    karin = register_user(db, name="Karin Lind", unit_name="Malmö Unga", organisation_id=world.af)
    with UnitOfWork(db, None) as uow:
        pelle = uow.create(Staff(name="Pelle Holm", unit_id=user.unit_id, role="handläggare"))
    asa, ali = world.with_consent, world.without_consent
    made = date(2026, 11, 10)
    # Sent by me; due yesterday: its cached state was written while it was still in time.
    referral_to(db, user, world.af, karin.unit_id, asa, "2026-11-23", made)
    # To me by name, due today.
    referral_to(
        db,
        karin,
        user.organisation_id,
        user.unit_id,
        ali,
        "2026-11-24",
        made,
        to_staff_id=user.staff_id,
        measure="Studiebesök",
    )
    # To my unit without a named person, due on Sunday.
    referral_to(
        db,
        karin,
        user.organisation_id,
        user.unit_id,
        asa,
        "2026-11-29",
        made,
        measure="Praktik",
    )
    # To a colleague by name in my unit: not mine.
    referral_to(
        db,
        karin,
        user.organisation_id,
        user.unit_id,
        ali,
        "2026-11-25",
        made,
        to_staff_id=pelle.id,
        measure="Språkstöd",
    )
    # Sent by me, due next Monday: not this week's work.
    referral_to(db, user, world.af, karin.unit_id, ali, "2026-11-30", made)
    first = part(first_parts(db, user, today=TODAY), "remisser")
    expected = [
        (
            "Öberg, Åsa",
            "Arbetsträning · väntar på svar från Arbetsförmedlingen · försenad sedan 2026-11-23",
            True,
        ),
        (
            "Öztürk, Ali",
            "Studiebesök · från Arbetsförmedlingen, ny · svar senast i dag",
            False,
        ),
        (
            "Öberg, Åsa",
            "Praktik · från Arbetsförmedlingen, ny · svar senast 2026-11-29",
            False,
        ),
    ]
    assert texts(first) == expected
    assert first.total == 3
    full = part(my_day(db, user, today=TODAY), "remisser")
    assert full == first


def test_a_state_changed_by_an_import_is_read_from_the_events_without_writing(db, user, world):
    karin = register_user(db, name="Karin Lind", unit_name="Malmö Unga", organisation_id=world.af)
    asa, ali = world.with_consent, world.without_consent
    made = date(2026, 11, 10)
    # Declined at the receiver and imported: no longer waiting for an answer.
    declined = referral_to(db, user, world.af, karin.unit_id, asa, "2026-11-23", made)
    imported_event(db, declined, "receive", 2, "2026-11-12")
    imported_event(db, declined, "decline", 3, "2026-11-13")
    # A draft here; its sending came in an import: now it waits for my answer.
    draft = create_referral(
        db,
        karin,
        ReferralDraft(
            individual_id=ali,
            to_organisation_id=user.organisation_id,
            to_unit_id=user.unit_id,
            kind="provider",
            measure="Studiebesök",
            purpose="Stöd mot arbete",
            reply_by="2026-11-26",
        ),
        today=made,
    )
    imported_event(db, draft, "send", 1, "2026-11-11")
    # Still in time when its state was cached; overdue today.
    referral_to(db, user, world.af, karin.unit_id, ali, "2026-11-20", made, measure="Praktik")
    cached = states(db)
    first = part(first_parts(db, user, today=TODAY), "remisser")
    assert texts(first) == [
        (
            "Öztürk, Ali",
            "Praktik · väntar på svar från Arbetsförmedlingen · försenad sedan 2026-11-20",
            True,
        ),
        (
            "Öztürk, Ali",
            "Studiebesök · från Arbetsförmedlingen, ny · svar senast 2026-11-26",
            False,
        ),
    ]
    assert states(db) == cached  # read only: the full read refreshes the cache
    assert part(my_day(db, user, today=TODAY), "remisser") == first
    assert states(db) != cached


def test_the_first_read_leaves_guarantees_and_follow_ups_to_the_full_read(db, user, world):
    meeting(db, world, "2026-11-24 13:00", title="Samverkansgrupp unga")
    meeting(db, world, "2026-11-25 09:30", title="Ärendekonferens", place="")
    first = first_parts(db, user, today=TODAY)
    full = my_day(db, user, today=TODAY)
    assert (
        [p.key for p in first]
        == [p.key for p in full]
        == [
            "moten",
            "remisser",
            "atgarder",
            "garanti",
            "uppfoljningar",
            "synk",
        ]
    )
    assert [
        (p.title, p.lines, p.empty) for p in first if p.key in ("garanti", "uppfoljningar")
    ] == [
        ("Garantigränser för dina deltagare", [], READING),
        ("Uppföljningar efter avslut", [], READING),
    ]
    assert texts(part(first, "moten")) == [
        ("", "i dag 13:00 Samverkansgrupp unga · Jobbcenter Unga", False),
        ("", "i morgon 09:30 Ärendekonferens", False),
    ]
    assert [p for p in first if p.key not in ("garanti", "uppfoljningar")] == [
        p for p in full if p.key not in ("garanti", "uppfoljningar")
    ]
