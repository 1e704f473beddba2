"""One keyboard model, driven by real keys: letters typed into a focused field are text,
section and tab keys work from anywhere, an F-key in its own section goes to its start,
and Esc steps back one level. The first tests reproduce the reported failures."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import DataTable, Input, TabbedContent

from tests.tui.helpers import keys, screen_text, settle, type_text
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.meetings.meeting import MeetingScreen, NoteArea
from ungtui.tui.screens.meetings.meeting_dialogs import TextPromptScreen
from ungtui.tui.screens.my_day import MyDayScreen
from ungtui.tui.screens.people.individual_detail import IndividualDetailScreen
from ungtui.tui.screens.people.individual_form import IndividualFormScreen
from ungtui.tui.screens.people.individuals import IndividualsScreen
from ungtui.tui.screens.processes.processes import ProcessesScreen
from ungtui.tui.screens.referrals.referrals import ReferralsScreen
from ungtui.tui.screens.sync.sync import SyncScreen
from ungtui.tui.screens.way.way import WayScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(60, 11)


async def burst(pilot, text: str) -> None:
    """Keys that arrive in one read from the terminal, as when someone types fast: all
    are queued before the first is handled."""
    names = {"/": "slash", " ": "space", "\t": "tab"}
    for char in text:
        pilot.app.post_message(events.Key(names.get(char, char), char))
    await settle(pilot)


async def test_slash_and_letters_typed_fast_after_f5_go_into_the_search(demo_db):
    """Reported: back on F2 after F5, "/te" opened "Ändra deltagare"."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f2")
        await burst(pilot, "/te")
        assert isinstance(app.screen, IndividualsScreen)
        assert app.screen.query_one("#search", Input).value == "te"
        assert app.focused is app.screen.query_one("#search", Input)


async def test_letters_in_a_note_locked_for_consent_are_not_shortcuts(demo_db):
    """Reported: typing "test" into a locked note opened "Nytt ämne" on t."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        for _ in range(4):  # 4. the person without consent
            await pilot.press("down")
        await settle(pilot)
        notes = app.screen.query_one(NoteArea)
        assert notes.read_only
        notes.focus()
        await type_text(pilot, "test")
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)  # no "Nytt ämne" prompt
        assert not isinstance(app.screen, TextPromptScreen)
        assert notes.text == ""
        told = [n.message for n in app._notifications if "Anteckningen är låst" in n.message]
        assert len(told) == 1  # once for the four letters, not four times


async def test_on_f7_digits_go_into_the_focused_field_and_tabs_change_by_other_keys(demo_db):
    """Reported: on F7 the tab keys 1–5 were typed into a focused field. Typed they stay
    (the field has focus); Alt+digit and Ctrl+PgUp/PgDn change the tab from anywhere."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        passphrase = app.screen.query_one("#export-passphrase", Input)
        passphrase.focus()
        await type_text(pilot, "12345")
        assert passphrase.value == "12345"
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "tab-export"
        await pilot.press("alt+3")
        await settle(pilot)
        assert tabs.active == "tab-conflicts"
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        assert tabs.active == "tab-duplicates"
        await pilot.press("ctrl+pageup", "ctrl+pageup")
        await settle(pilot)
        assert tabs.active == "tab-import"
        # Most terminals send Alt+2 as Esc 2, which Textual reads as "™".
        app.post_message(events.Key("trade_mark_sign", "™"))
        await settle(pilot)
        assert tabs.active == "tab-import"
        app.post_message(events.Key("pound_sign", "£"))
        await settle(pilot)
        assert tabs.active == "tab-conflicts"
        # With no field focused the digit itself changes the tab.
        await pilot.press("5")
        await settle(pilot)
        assert tabs.active == "tab-peers"


async def test_on_f5_a_is_typed_into_the_search_not_agreements(demo_db):
    """Reported: on F5 `a` was typed into a field; it is text there, the footer leaves
    the letter shortcuts out while the field has focus, and Esc leaves the field."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ProcessesScreen)
        footer = screen_text(pilot).splitlines()[-1]
        assert "a Överenskommelser" not in footer
        await type_text(pilot, "a")
        assert app.screen.query_one("#process-search", Input).value == "a"
        assert isinstance(app.screen, ProcessesScreen)
        await pilot.press("escape")  # clears the search and leaves the field
        await settle(pilot)
        assert app.screen.query_one("#process-search", Input).value == ""
        assert "a Överenskommelser" in screen_text(pilot).splitlines()[-1]
        await pilot.press("a")
        await settle(pilot)
        assert type(app.screen).__name__ == "AgreementsScreen"


async def test_referral_views_by_ctrl_page_keys_and_alt_digits(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ReferralsScreen)
        await pilot.press("ctrl+pagedown")
        await settle(pilot)
        assert app.screen.view == "sent"
        await pilot.press("alt+3")
        await settle(pilot)
        assert app.screen.view == "overdue"
        await pilot.press("ctrl+pagedown")  # round to the first
        await settle(pilot)
        assert app.screen.view == "inbox"


async def test_an_f_key_in_its_own_section_goes_to_the_start(demo_db):
    """Reported: F2 showed a person instead of the list."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # a person
        await settle(pilot)
        await pilot.press("p")  # and their way
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        await pilot.press("f3")  # elsewhere and back: where it was left
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        await pilot.press("f2")  # in its own section: the start
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        assert len(app.screen_stack) == 1


async def test_an_f_key_in_its_own_section_asks_before_losing_a_typed_form(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "19")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # "Fortsätt redigera"
        await settle(pilot)
        assert isinstance(app.screen, IndividualFormScreen)
        assert app.screen.query_one("#identity", Input).value == "19"
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("tab", "enter")  # "Stäng utan att spara"
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)


async def test_escape_steps_back_one_level_at_a_time(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        await pilot.press("escape")  # the person: back to the list
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        await pilot.press("slash")
        await type_text(pilot, "a")
        await settle(pilot)
        await pilot.press("escape")  # the search field: cleared, back to the list
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        assert (search.value, app.focused) == ("", app.screen.query_one(DataTable))
        await pilot.press("escape")  # the section's start: to Min dag
        await settle(pilot)
        assert isinstance(app.screen, MyDayScreen)


async def test_ctrl_q_is_in_every_footer_even_at_80_columns(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("f10", "f2", "f3", "f4", "f5", "f6", "f7", "f8"):
            await pilot.press(key)
            await settle(pilot)
            footer = screen_text(pilot).splitlines()[-1]
            assert footer.rstrip().endswith("^q Avsluta"), (key, footer)
        # A form's labels wrap in a narrow column rather than being cut.
        await keys(pilot, "f2", "n", "pagedown")
        shown = screen_text(pilot)
        assert "fullgjord)" in shown and "uppehållstillstånd" in shown


async def test_text_typed_fast_after_tab_goes_into_the_next_field(tmp_path):
    """Tab moves on as it is read: the letters right behind it belong to the next field,
    not to the one being left (seen on a slow machine in the first-run form)."""
    from ungtui.store.database import open_database
    from ungtui.tui.screens.setup import SetupScreen

    db = open_database(tmp_path / "ny.db")
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await burst(pilot, "Ali Haddad\tarbetsförmedlare\t")
        assert app.screen.query_one("#name", Input).value == "Ali Haddad"
        assert app.screen.query_one("#role", Input).value == "arbetsförmedlare"
        assert app.focused is not None and app.focused.id == "organisation"
        # Its list cuts a long name with "…": wrapped, the name's second line read as a
        # choice of its own.
        await pilot.press("enter")
        await settle(pilot)
        from textual.widgets._select import SelectOverlay

        overlay = app.screen.query_one(SelectOverlay)
        assert (overlay.styles.text_wrap, overlay.styles.text_overflow) == ("nowrap", "ellipsis")
        await pilot.press("escape")
        await settle(pilot)
        # Shift+Tab the same way back, and what follows it lands there.
        pilot.app.post_message(events.Key("shift+tab", None))
        await burst(pilot, "x")
        assert app.focused is not None and app.focused.id == "role"
        assert app.screen.query_one("#name", Input).value == "Ali Haddad"
    db.close()


async def test_a_choice_picked_fast_in_a_select_list_is_chosen(tmp_path):
    """Enter opens the list, Down and Enter pick; typed in one burst, Down and Enter
    reached the closed select before the list had the focus, and nothing was chosen."""
    from textual.widgets import Select

    from ungtui.store.database import open_database
    from ungtui.tui.screens.setup import SetupScreen

    db = open_database(tmp_path / "ny.db")
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await burst(pilot, "Ali Haddad\tarbetsförmedlare\t")
        assert app.focused is not None and app.focused.id == "organisation"
        for key in ("enter", "down", "enter"):
            pilot.app.post_message(events.Key(key, None))
        await settle(pilot)
        select = app.screen.query_one("#organisation", Select)
        assert not select.expanded
        # The list starts on its prompt; Down is the first organisation, by name.
        assert select.selection == "nr:202100-2114"
        assert "Arbetsförmedlingen" in screen_text(pilot)
    db.close()
