"""One form behaviour, form by form: Esc closes at once when nothing was changed, asks
before throwing away what was typed, and "Fortsätt redigera" keeps it. Every form is on
the shared FormScreen/FormDialog base. Date fields read the day back as it is typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.widgets import Input, Static

from tests.tui.helpers import keys, screen_text, settle, type_text
from ungtui.store.database import open_database
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.form_base import FormBehaviour

Opener = Callable[[object], Awaitable[None]]


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(60, 11)



async def check_form(
    demo_db, to: tuple[str, ...], open_form: Opener, field: str, text: str = "xyz"
) -> None:
    """Go `to` the screen the form opens from; open the form, Esc: gone without a
    question. Open again, type, Esc: asked; keep editing keeps the text; Esc and "Stäng
    utan att spara" closes it."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, *to)
        below = await _open(pilot, open_form)
        await keys(pilot, "escape")
        assert app.screen is below, "closed without a question when nothing changed"

        await _open(pilot, open_form)
        form = app.screen
        widget = form.query_one(field, Input)
        widget.focus()
        await type_text(pilot, text)
        typed = widget.value
        await keys(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen), "asks before losing what was typed"
        await keys(pilot, "enter")  # Fortsätt redigera
        assert app.screen is form
        assert form.query_one(field, Input).value == typed
        await keys(pilot, "escape", "tab", "enter")  # Stäng utan att spara
        assert app.screen is below


async def _open(pilot, open_form: Opener):
    below = pilot.app.screen
    await open_form(pilot)
    assert isinstance(pilot.app.screen, FormBehaviour), type(pilot.app.screen).__name__
    return below


async def test_new_person(demo_db):
    await check_form(demo_db, (), lambda p: keys(p, "n"), "#identity", "1990")


async def test_edit_person(demo_db):
    await check_form(demo_db, (), lambda p: keys(p, "e"), "#first_name")


async def test_new_consent(demo_db):
    await check_form(demo_db, ("enter",), lambda p: keys(p, "s"), "#purpose")


async def test_a_refused_date_at_the_bottom_right_is_not_covered_by_a_notice(demo_db, monkeypatch):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "enter", "s")
        form = app.screen
        # A receiver, a purpose and a kind of data; then the last field, Gäller till.
        await keys(pilot, "tab", "enter", "down", "enter", "tab", "space", "tab", "tab", "space")
        await keys(pilot, "tab", "tab", "tab")
        assert app.focused is form.query_one("#valid_to", Input)
        await type_text(pilot, "2026-13-45")
        await keys(pilot, "ctrl+s")
        assert app.screen is form
        error = form.query_one("#field-valid_to .field-error", Static)
        assert str(error.render()) == "Datumet 2026-13-45 finns inte."
        assert list(app._notifications) == []  # no notice over the field
        assert "Datumet 2026-13-45 finns inte." in screen_text(pilot)  # scrolled into view
        # A key typed makes the error stale: gone. The keys after it leave the hidden
        # error line alone (updating it laid the screen out again on every key).
        await keys(pilot, "backspace")
        assert not error.display
        updates = []
        original = Static.update

        def counted(self, *args, **kwargs):
            updates.append(self)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Static, "update", counted)
        await type_text(pilot, "5")
        await settle(pilot)
        assert [w for w in updates if w.has_class("field-error")] == []


async def test_new_meeting(demo_db):
    await check_form(demo_db, ("f3",), lambda p: keys(p, "n"), "#title")


async def test_new_referral(demo_db):
    await check_form(demo_db, ("enter", "r"), lambda p: keys(p, "n"), "#measure")


async def test_new_process(demo_db):
    await check_form(demo_db, ("f5", "tab"), lambda p: keys(p, "n"), "#in-title")


async def test_way_form_for_a_new_job_track(demo_db):
    await check_form(demo_db, ("j",), lambda p: keys(p, "n"), "#in-name")


async def test_privacy_settings(demo_db):
    async def open_settings(pilot) -> None:
        await keys(pilot, "ctrl+p")
        await type_text(pilot, "Integritet")
        await pilot.pause(0.5)
        await keys(pilot, "enter")

    await check_form(demo_db, (), open_settings, "#idle_minutes", "5")


async def test_referral_note_dialog(demo_db):
    await check_form(demo_db, ("f4", "enter"), lambda p: keys(p, "k"), "#note")


async def test_reply_days_dialog(demo_db):
    await check_form(demo_db, ("f4",), lambda p: keys(p, "t"), "#days", "5")


async def test_meeting_topic_prompt(demo_db):
    await check_form(demo_db, ("f3", "enter"), lambda p: keys(p, "t"), "#prompt-text")


async def test_meeting_action_dialog(demo_db):
    await check_form(demo_db, ("f3", "enter", "down"), lambda p: keys(p, "a"), "#what")


async def test_end_process_dialog(demo_db):
    await check_form(demo_db, ("f5", "enter", "enter"), lambda p: keys(p, "x"), "#end-date", "1")


async def test_agreement_guarantee_form(demo_db):
    await check_form(
        demo_db, ("f5", "tab", "a", "enter"), lambda p: keys(p, "g"), "#in-days", "5"
    )


async def test_the_new_facts_of_a_person_are_days_read_back(demo_db):
    """Issue 18's dates on the person form (school, AF status, the programme) are day
    fields like every other: read back as they are typed."""
    from ungtui.tui.widgets.form import DateInput

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "e")
        for name in (
            "birth_date",
            "residence_permit_date",
            "compulsory_school_done_on",
            "status_changed_on",
            "establishment_from",
            "establishment_until",
        ):
            assert isinstance(app.screen.query_one(f"#{name}"), DateInput), name
        field = app.screen.query_one("#status_changed_on", Input)
        field.focus()
        await type_text(pilot, "igår")
        await settle(pilot)
        hint = str(app.screen.query_one("#field-status_changed_on .field-hint", Static).render())
        assert hint == (
            "→ måndag 2026-11-23 · Äldre perioder i uppföljningen ser statusen som den var då."
        )


async def test_list_export_dialog(demo_db):
    await check_form(demo_db, (), lambda p: keys(p, "x"), "#export-path", "1")


async def test_setup_asks_before_quitting_with_something_typed(tmp_path):
    db = open_database(tmp_path / "ny.db")
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_text(pilot, "Sara")
        await keys(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one(".dialog-title", Static).render()) == (
            "Avsluta utan att spara?"
        )
        await keys(pilot, "enter")  # keep editing
        assert app.screen.query_one("#name", Input).value == "Sara"
    db.close()


async def test_dates_are_read_back_as_they_are_typed(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "enter", "r", "n")
        field = app.screen.query_one("#reply_by", Input)
        field.value = ""
        field.focus()
        await type_text(pilot, "+3 ad")
        await settle(pilot)
        hint = str(app.screen.query_one("#field-reply_by .field-hint", Static).render())
        # The hint says what the typed day means, not the default's 10 working days.
        assert hint == "→ fredag 2026-11-27 · 3 arbetsdagar från i dag; helgdagar räknas inte."
        field.value = ""
        await type_text(pilot, "sen")
        await settle(pilot)
        hint = str(app.screen.query_one("#field-reply_by .field-hint", Static).render())
        assert hint == "Till exempel 2026-12-01, idag, imorgon, fre, 1/12, +14 eller +3 ad."


async def test_a_save_after_a_refused_one_leaves_only_its_own_message(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        form = app.screen
        form.query_one("#identity", Input).focus()
        await type_text(pilot, "20050317-9807")  # wrong check digit
        await keys(pilot, "ctrl+s")
        assert app.screen is form
        # The error is at its field, the focus there; no notice covers it.
        assert list(app._notifications) == []
        assert app.focused is form.query_one("#identity", Input)
        await keys(pilot, "ctrl+u")
        await type_text(pilot, "20050317-9806")
        form.query_one("#first_name", Input).focus()
        await type_text(pilot, "Åsa")
        await keys(pilot, "ctrl+s")
        assert app.screen is not form
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "Rätta" not in messages[0]


async def test_a_paste_of_several_lines_into_a_one_line_field_says_what_was_left_out(demo_db):
    """Textual's Input keeps the first line of a paste and drops the rest without a word.
    A name holds one thing: the first line goes in, and the user is told of the rest."""
    from textual import events

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")
        first_name = app.screen.query_one("#first_name", Input)
        first_name.focus()
        await type_text(pilot, "Å")
        app.post_message(events.Paste("sa\nEnd\n\n"))  # as the terminal delivers a paste
        await settle(pilot)
        assert first_name.value == "Åsa"
        assert [n.message for n in app._notifications] == [
            "Fältet rymmer bara en rad: första raden klistrades in, 1 rad till lämnades utanför."
        ]


def test_a_note_field_takes_a_pasted_text_as_one_line():
    from ungtui.tui.paste import fit_paste

    assert fit_paste("Kom via\r\n  En väg in \n", free_text=True) == (
        "Kom via En väg in",
        "Fältet rymmer bara en rad: de 2 raderna klistrades in som en.",
    )
    # A cell copied from a spreadsheet ends with a line break: nothing to tell.
    assert fit_paste("Märta\n", free_text=False) == ("Märta", None)
