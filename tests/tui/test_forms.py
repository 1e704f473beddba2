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


async def check_forms(demo_db, *forms: tuple[str, tuple[str, ...], Opener, str, str]) -> None:
    """Each form in turn, in one app (a start costs more than a form): (name, keys `to` the
    screen the form opens from, how to open it, a field, text to type). Open the form,
    Esc: gone without a question. Open again, type, Esc: asked; keep editing keeps the
    text; Esc and "Stäng utan att spara" closes it. Each `to` begins with its section's
    key, which in that section goes back to its start."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for name, to, open_form, field, text in forms:
            await keys(pilot, *to)
            below = await _open(pilot, open_form, name)
            await keys(pilot, "escape")
            assert app.screen is below, f"{name}: closed without a question when unchanged"

            await _open(pilot, open_form, name)
            form = app.screen
            widget = form.query_one(field, Input)
            widget.focus()
            await type_text(pilot, text)
            typed = widget.value
            await keys(pilot, "escape")
            assert isinstance(app.screen, ConfirmScreen), f"{name}: asks before losing text"
            await keys(pilot, "enter")  # Fortsätt redigera
            assert app.screen is form, name
            assert form.query_one(field, Input).value == typed, name
            await keys(pilot, "escape", "tab", "enter")  # Stäng utan att spara
            assert app.screen is below, name


async def _open(pilot, open_form: Opener, name: str):
    below = pilot.app.screen
    await open_form(pilot)
    assert isinstance(pilot.app.screen, FormBehaviour), (name, type(pilot.app.screen).__name__)
    return below


async def _open_privacy_settings(pilot) -> None:
    await keys(pilot, "ctrl+p")
    await type_text(pilot, "Integritet")
    await pilot.pause(0.5)
    await keys(pilot, "enter")


def _key(key: str) -> Opener:
    return lambda pilot: keys(pilot, key)


async def test_the_register_forms(demo_db):
    """New person, edit person, the list export dialog, the way form for a new job track,
    a new consent, a new referral from the person, and the privacy settings (Ctrl+P)."""
    await check_forms(
        demo_db,
        ("ny person", ("f2",), _key("n"), "#identity", "1990"),
        ("ändra person", ("f2",), _key("e"), "#first_name", "xyz"),
        ("exportera listan", ("f2",), _key("x"), "#export-path", "1"),
        ("nytt jobbspår", ("f2", "j"), _key("n"), "#in-name", "xyz"),
        ("nytt samtycke", ("f2", "enter"), _key("s"), "#purpose", "xyz"),
        ("ny remiss", ("f2", "enter", "r"), _key("n"), "#measure", "xyz"),
        ("integritet", ("f2",), _open_privacy_settings, "#idle_minutes", "5"),
    )


async def test_the_meeting_forms(demo_db):
    """A new meeting, a topic on a meeting, and an action on its decision."""
    await check_forms(
        demo_db,
        ("nytt möte", ("f3",), _key("n"), "#title", "xyz"),
        ("ämne", ("f3", "enter"), _key("t"), "#prompt-text", "xyz"),
        ("åtgärd", ("f3", "enter", "down"), _key("a"), "#what", "xyz"),
    )


async def test_the_referral_dialogs(demo_db):
    """A note on a referral, and the reply days of the section."""
    await check_forms(
        demo_db,
        ("anteckning", ("f4", "enter"), _key("k"), "#note", "xyz"),
        ("svarsdagar", ("f4",), _key("t"), "#days", "5"),
    )


# The process forms each from a fresh start: back at the start of F5 the focus is where
# it was left, so the keys that reach each form differ from one visit to the next.
async def test_new_process(demo_db):
    await check_forms(demo_db, ("ny process", ("f5", "tab"), _key("n"), "#in-title", "xyz"))


async def test_end_process_dialog(demo_db):
    await check_forms(
        demo_db, ("avsluta process", ("f5", "enter", "enter"), _key("x"), "#end-date", "1")
    )


async def test_agreement_guarantee_form(demo_db):
    await check_forms(
        demo_db, ("garanti", ("f5", "tab", "a", "enter"), _key("g"), "#in-days", "5")
    )


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
