"""All Swedish on screen: no English defaults of Textual, plural forms that agree, no
Markdown marks shown raw."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Select

from tests.tui.helpers import screen_text, settle, type_text
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.tui.app import UngApp


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(40, 3)


async def test_an_open_list_says_how_to_close_it_in_swedish(demo_db):
    """Reported: "esc Dismiss menu"."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#group", Select).focus()
        await pilot.press("enter")  # opens the list of target groups
        await settle(pilot)
        footer = screen_text(pilot).splitlines()[-1]
        assert "esc Stäng listan" in footer
        assert "Dismiss" not in footer


async def test_the_palette_says_nothing_was_found_in_swedish(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "xqzxqz")
        await pilot.pause(1.5)
        await settle(pilot)
        text = screen_text(pilot)
        assert "Inga träffar" in text
        assert "No matches" not in text


async def test_ctrl_c_outside_a_field_says_how_to_quit_in_swedish(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert [n.message for n in app._notifications][-1] == "Tryck Ctrl+Q för att avsluta ungtui."


async def test_one_row_taken_out_is_one_rad(db, user, tmp_path):
    save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = [n.message for n in app._notifications][-1]
        folder = tmp_path / "dokument-ungtui"
        assert message == f"Skrev 1 rad till {folder / 'deltagare-2026-11-24.csv'}."
        status = str(app.screen.query_one("#list-status").render())
        assert status.startswith("1 deltagare")


async def test_process_snippets_show_no_markdown_marks(demo_db):
    """Reported: raw "**Kartläggning:**" in process search results."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        # The shipped Västerås process has "3. **Kartläggning:** genom samtal …".
        await type_text(pilot, "kartläggning")
        await settle(pilot)
        table = app.screen.query_one("#processes", DataTable)
        assert table.row_count >= 1
        shown = screen_text(pilot)
        assert "3. Kartläggning: genom samtal" in shown
        assert "**" not in shown
