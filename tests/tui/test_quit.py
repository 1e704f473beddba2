"""Ctrl+Q with typed changes in a form asks first, as Esc in the form does; with none it
quits at once."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.tui.helpers import keys, settle, type_text
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.people.individual_form import IndividualFormScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(60, 11)



async def new_person_with_a_name(pilot) -> Input:
    await keys(pilot, "n")
    assert isinstance(pilot.app.screen, IndividualFormScreen)
    field = pilot.app.screen.query_one("#first_name", Input)
    field.focus()
    await type_text(pilot, "Märta")
    return field


async def test_ctrl_q_without_changes_quits_at_once(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await keys(pilot, "n")  # an untouched form loses nothing
        await pilot.press("ctrl+q")
        assert app.return_code == 0


async def test_ctrl_q_asks_and_keeps_the_form_when_told_to(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        field = await new_person_with_a_name(pilot)
        form = app.screen
        await keys(pilot, "ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.return_code is None
        await keys(pilot, "right", "left", "enter")  # the arrows move; back on the default
        assert app.screen is form
        assert field.value == "Märta"
        assert app.return_code is None

        await keys(pilot, "ctrl+q", "right", "enter")  # Avsluta utan att spara
        assert app.return_code == 0


async def test_a_form_left_in_another_section_is_shown_again_and_ctrl_q_twice_quits(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await new_person_with_a_name(pilot)
        form = app.screen
        await keys(pilot, "f5")  # Processer
        assert app.current_mode != "deltagare"
        await keys(pilot, "ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await keys(pilot, "enter")  # Fortsätt redigera
        assert app.current_mode == "deltagare"
        assert app.screen is form
        assert app.return_code is None

        await keys(pilot, "ctrl+q")
        assert app.return_code is None
        await pilot.press("ctrl+q")
        assert app.return_code == 0

