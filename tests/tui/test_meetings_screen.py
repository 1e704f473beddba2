"""Möten driven by real keys."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, OptionList, Select, Static

from tests.tui.helpers import keys, row_text, screen_text, settle, type_text
from ungtui.services import clock
from ungtui.services.consent.consents import withdraw_consent
from ungtui.store.models import AgendaItem, Consent, Meeting, MeetingAction, MeetingDecision
from ungtui.tui.app import UngApp
from ungtui.tui.screens.meetings.meeting import MeetingScreen, NoteArea
from ungtui.tui.screens.meetings.meeting_actions import OpenActionsScreen
from ungtui.tui.screens.meetings.meetings import MeetingsScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(60, 11)


def agenda_labels(app) -> list[str]:
    agenda = app.screen.query_one("#agenda", OptionList)
    return [str(agenda.get_option_at_index(i).prompt) for i in range(agenda.option_count)]


async def open_todays_meeting(pilot) -> None:
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MeetingsScreen)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MeetingScreen)


async def test_todays_meeting_masks_and_locks_the_person_without_consent(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_todays_meeting(pilot)
        labels = agenda_labels(app)
        assert labels[0] == "↻ Från tidigare möten (4)"
        assert labels[1] == "1. Nya praktikplatser i Hyllie"
        assert labels[4].startswith("4. ⚠ ")
        for _ in range(4):
            await pilot.press("down")
        await settle(pilot)
        warning = str(app.screen.query_one("#item-warning", Static).render())
        assert "Inget samtycke att lämna uppgifter om personen till Arbetsförmedlingen" in warning
        assert app.screen.query_one(NoteArea).read_only
        await pilot.press("enter")  # cannot write notes here
        assert app.screen.focused is app.screen.query_one("#agenda")


async def test_notes_are_saved_when_the_app_stops_mid_typing(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_todays_meeting(pilot)
        await pilot.press("down")  # 1. Nya praktikplatser i Hyllie
        await pilot.press("enter")
        await pilot.press("end", "ctrl+end")
        await type_text(pilot, " Två till i Bunkeflo.")
        # No pause for the autosave timer: quit at once.
        await pilot.press("ctrl+q")
    with demo_db.session() as session:
        notes = session.exec(
            select(AgendaItem.notes).where(AgendaItem.title == "Nya praktikplatser i Hyllie")
        ).one()
    assert notes == "Tre platser i lager från januari. Två till i Bunkeflo."


async def test_notes_autosave_within_a_second_of_typing(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_todays_meeting(pilot)
        await pilot.press("down", "down")  # the first person
        await pilot.press("enter")
        await type_text(pilot, "Vill läsa in gymnasiet")
        await pilot.pause(0.9)
        await settle(pilot)
        with demo_db.session() as session:
            saved = session.exec(
                select(AgendaItem.notes).where(AgendaItem.notes == "Vill läsa in gymnasiet")
            ).all()
        assert saved == ["Vill läsa in gymnasiet"]
        assert str(app.screen.query_one("#notes-status", Static).render()).startswith("Sparat")


async def test_topic_decision_and_decision_into_an_action(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_todays_meeting(pilot)
        await pilot.press("t")
        await type_text(pilot, "Lokaler")
        await pilot.press("enter")
        await settle(pilot)
        assert agenda_labels(app)[-1] == "5. Lokaler"
        await pilot.press("d")
        await pilot.press("enter")  # empty: refused at the field
        assert "Skriv något först." in str(app.screen.query_one(".field-error", Static).render())
        await type_text(pilot, "Vi byter rum")
        await pilot.press("enter")
        await settle(pilot)
        entries = app.screen.query_one("#entries", DataTable)
        assert row_text(entries, 0)[:2] == ["Beslut", "Vi byter rum"]
        entries.focus()
        await pilot.press("g")
        await settle(pilot)
        assert app.screen.query_one("#what", Input).value == "Vi byter rum"
        responsible = app.screen.query_one("#responsible", Select)
        responsible.value = app.screen._attendees[0].id
        app.screen.query_one("#due", Input).focus()
        await type_text(pilot, "sen")
        await pilot.press("ctrl+s")
        assert "förstås inte" in str(
            app.screen.query_one("#field-due").query(Static).last().render()
        )
        for _ in range(3):
            await pilot.press("backspace")
        await type_text(pilot, "+14")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        rows = [row_text(entries, i) for i in range(entries.row_count)]
        assert rows[0][4] == "åtgärd finns"
        assert rows[1][:2] == ["Åtgärd", "Vi byter rum"]
        assert rows[1][3] == "2026-12-08"
    with demo_db.session() as session:
        decision = session.exec(
            select(MeetingDecision).where(MeetingDecision.text == "Vi byter rum")
        ).one()
        action = session.exec(
            select(MeetingAction).where(MeetingAction.decision_id == decision.id)
        ).one()
    assert action.what == "Vi byter rum"


async def test_acknowledging_needs_a_reason_and_unlocks_the_notes(demo_db):
    # At 80×24, where the warning takes five lines: the locked item's sentence is whole,
    # and no empty table stands under it as if cut off.
    app = UngApp(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_todays_meeting(pilot)
        for _ in range(4):
            await pilot.press("down")
        await settle(pilot)
        text = screen_text(pilot)
        assert "Anteckningar, beslut och åtgärder är låsta tills" in text
        assert "samtycke finns eller skälet är kvitterat (k)." in text
        assert "Beslut eller åtgärd" not in text
        # The footer keeps attendees and minutes at 80 columns ("…" hid them).
        assert " ".join(text.splitlines()[-1].split()) == (
            "k Kvittera del Ta bort b Deltagare m Protokoll p Person d Beslut … ^q Avsluta"
        )
        await pilot.press("k")
        await type_text(pilot, "kort")
        await pilot.press("enter")
        assert "minst tio tecken" in str(app.screen.query_one(".field-error", Static).render())
        await type_text(pilot, " men viktigt: akut boende")
        await pilot.press("enter")
        await settle(pilot)
        warning = str(app.screen.query_one("#item-warning", Static).render())
        assert "Diskuteras ändå, kvitterat av Sofia Berg" in warning
        assert "kort men viktigt: akut boende" in warning
        assert not app.screen.query_one(NoteArea).read_only
        assert agenda_labels(app)[4].startswith("4. ⚠ ")  # still masked
        # Decisions get their rows under the warning and the notes.
        for text in ("Praktik hos Älgen", "Ny kartläggning"):
            await pilot.press("d")
            await type_text(pilot, text)
            await pilot.press("enter")
            await settle(pilot)
        text = screen_text(pilot)
        assert "Beslut  Praktik hos Älgen" in text
        assert "Beslut  Ny kartläggning" in text


async def test_new_meeting_reads_the_time_back_and_refuses_bad_input(demo_db, monkeypatch):
    # In the evening today's 10:00 meeting has been held: it leads the earlier ones.
    evening = datetime(2026, 11, 24, 19, 30, tzinfo=clock.STOCKHOLM)
    monkeypatch.setattr(clock, "now", lambda: evening)
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert row_text(table, 0)[0] == "ons 2026-11-25 13:00"
        await keys(pilot, "shift+tab", "enter", "down", "enter")  # Tidigare
        assert row_text(table, 0)[0] == "tis 2026-11-24 10:00"
        await keys(pilot, "tab")
        await pilot.press("n")
        await settle(pilot)
        # From Protokollförare, the last field, Tab goes round to the first: the form
        # around the fields is no Tab stop of its own.
        await keys(pilot, "tab", "tab", "tab", "tab")
        assert app.focused.id == "keeper"
        await keys(pilot, "tab")
        assert app.focused.id == "kind"
        await keys(pilot, "tab", "tab", "tab")
        assert app.focused.id == "title"
        await type_text(pilot, "Ärendekonferens Åsa")
        app.screen.query_one("#when", Input).focus()
        await type_text(pilot, "tis 25")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = app.screen.query_one("#field-when").query(Static).last()
        assert "Klockslaget 25 finns inte" in str(error.render())
        for _ in range(2):
            await pilot.press("backspace")
        await type_text(pilot, "9:30")
        hint = app.screen.query_one("#field-when .field-hint", Static)
        assert str(hint.render()) == "→ tisdag 2026-12-01 kl. 09:30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        assert "tisdag 2026-12-01 kl. 09:30" in str(
            app.screen.query_one("#meeting-head", Static).render()
        )
    with demo_db.session() as session:
        assert session.exec(select(Meeting).where(Meeting.title == "Ärendekonferens Åsa")).one()


async def test_open_actions_overdue_first_and_marked_done(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, OpenActionsScreen)
        table = app.screen.query_one("#open-actions", DataTable)
        dues = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert [d.plain for d in dues] == sorted(d.plain for d in dues)
        assert [str(s.style) for s in dues[0].spans] == ["bold red"]  # overdue, shown first
        before = table.row_count
        status = str(app.screen.query_one("#actions-status", Static).render())
        assert status.startswith(f"{before} öppna åtgärder")  # more than one here
        await pilot.press("x")
        await settle(pilot)
        assert table.row_count == before - 1
    with demo_db.session() as session:
        done = session.exec(select(MeetingAction).where(MeetingAction.done_by.is_not(None))).all()
    assert len(done) == 3  # two made done by the demo, one here


async def test_external_attendee_then_minutes_saved_private(demo_db, tmp_path):
    import stat

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_todays_meeting(pilot)
        await pilot.press("down")
        await pilot.press("b")
        await settle(pilot)
        app.screen.query_one("#external_name", Input).focus()
        await type_text(pilot, "Nora Lund")
        await pilot.press("enter")
        await type_text(pilot, "Nordljus Kompetens AB")
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one("#attendee-table", DataTable)
        names = [row_text(table, i)[:3] for i in range(table.row_count)]
        assert ["Nora Lund", "Nordljus Kompetens AB", "extern"] in names
        await pilot.press("escape")
        await settle(pilot)
        assert "Nora Lund (Nordljus Kompetens AB, extern)" in str(
            app.screen.query_one("#meeting-people", Static).render()
        )
        # The provider has no consent: the people on the agenda are now masked, and the
        # open actions about people from earlier meetings are not brought up.
        labels = agenda_labels(app)
        assert labels[1].startswith("2. ⚠ ")
        assert not any(label.startswith("↻") for label in labels)
        await pilot.press("m")
        await settle(pilot)
        path_input = app.screen.query_one("#minutes-path", Input)
        assert path_input.value.endswith(".md")
        assert "protokoll-2026-11-24-samverkansgrupp-" in path_input.value
        target = tmp_path / "protokoll.md"
        path_input.value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Delete takes away only someone marked in the list where the mark shows.
        await pilot.press("escape")  # the minutes stay open after saving
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("b")
        await settle(pilot)
        table = app.screen.query_one("#attendee-table", DataTable)
        before = table.row_count
        app.screen.query_one("#staff", Select).focus()
        await pilot.press("delete")
        await settle(pilot)
        assert table.row_count == before
        assert "Markera deltagaren i listan först" in [n.message for n in app._notifications][-1]
        await pilot.press("shift+tab")
        assert app.focused is table
        nora = [row_text(table, i)[0] for i in range(table.row_count)].index("Nora Lund")
        table.move_cursor(row=nora)
        await pilot.press("delete")
        await settle(pilot)
        assert table.row_count == before - 1
        assert [n.message for n in app._notifications][-1] == "Nora Lund togs bort ur mötet."
    assert target.read_text(encoding="utf-8").startswith("# Protokoll: Samverkansgrupp unga")
    assert "- Nora Lund (Nordljus Kompetens AB, extern)" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


async def withdrawn_while_away(pilot, meeting: MeetingScreen) -> None:
    """F2; the highlighted item's person withdraws every consent (as under w there, or by
    a sync file); F3 back to the meeting."""
    item = meeting._current_item()
    assert item is not None
    db = pilot.app.db
    await pilot.press("f2")
    await settle(pilot)
    with db.session() as session:
        person = session.get(AgendaItem, item.id).individual_id
        consents = session.exec(
            select(Consent.id).where(
                Consent.individual_id == person, Consent.withdrawn_on.is_(None)
            )
        ).all()
    assert consents
    for consent in consents:
        withdraw_consent(db, consent, actor_id=None)
    await pilot.press("f3")
    await settle(pilot)
    assert pilot.app.screen is meeting


async def test_a_decision_about_a_person_becomes_a_referral_draft(demo_db):
    from ungtui.services.referrals.referrals import ReferralDraft  # noqa: F401  (the feature exists)
    from ungtui.store.models import Referral
    from ungtui.tui.screens.referrals.referral_form import ReferralFormScreen

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_todays_meeting(pilot)
        await pilot.press("down", "down")  # 2.: a person everyone present may hear about
        await settle(pilot)
        assert not agenda_labels(app)[2].startswith("2. ⚠")
        await pilot.press("d")
        await type_text(pilot, "Remiss till SYV om vuxenutbildning")
        await pilot.press("enter")
        await settle(pilot)
        entries = app.screen.query_one("#entries", DataTable)
        entries.focus()
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReferralFormScreen)
        purpose = app.screen.query_one("#purpose", Input).value
        assert purpose == "Remiss till SYV om vuxenutbildning"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        app.screen.query_one("#agenda", OptionList).highlighted = 1  # the topic: no person
        await settle(pilot)
        await pilot.press("d")
        await type_text(pilot, "Vi byter rum")
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#entries", DataTable).focus()
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)  # refused with a warning
        app.screen.query_one("#agenda", OptionList).highlighted = 2
        await settle(pilot)
        await withdrawn_while_away(pilot, app.screen)
        assert agenda_labels(app)[2].startswith("2. ⚠ ")  # shown again, read again
    with demo_db.session() as session:
        made = session.exec(
            select(Referral).where(Referral.purpose.startswith("Remiss till"))
        ).all()
    assert made == []  # a draft is saved only when the form is saved


async def test_minutes_with_full_names_are_not_shown_while_sharing_the_screen(demo_db):
    from ungtui.tui.screens.meetings.meeting_dialogs import MinutesScreen

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_todays_meeting(pilot)
        await pilot.press("down", "down")  # a person everyone present may hear about
        await settle(pilot)
        await pilot.press("f")  # full name in the minutes
        await settle(pilot)
        await pilot.press("f9", "m")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)  # refused while sharing
        await pilot.press("f9", "m")
        await settle(pilot)
        assert isinstance(app.screen, MinutesScreen)
