"""Ctrl+P → Byt färgtema lists a few themes by Swedish names and sets the one chosen, on
every screen: also on one left in another section (a screen coming back to the top is
not restyled again unless the stylesheet or the app's classes changed, tui.screens.base)."""

from __future__ import annotations

from textual.command import CommandList

from tests.tui.helpers import settle, type_text
from ungtui.tui.app import UngApp
from ungtui.tui.commands import Palette


async def test_the_themes_have_swedish_names_and_ljust_is_light(db, user):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")  # Möten: its screen is made, then left in the dark theme
        await settle(pilot)
        meetings = app.screen
        dark = meetings.styles.background
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "färgtema")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert isinstance(app.screen, Palette)
        options = app.screen.query_one(CommandList)
        shown = [
            str(options.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(options.option_count)
        ]
        assert shown[:4] == [
            "Mörkt",
            "Ljust",
            "Terminalens färger, mörkt",
            "Terminalens färger, ljust",
        ]
        assert not any("-" in name for name in shown)  # no identifiers like ansi-dark
        await type_text(pilot, "ljust")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "textual-light"
        light = app.screen.styles.background
        assert light != dark
        await pilot.press("f3")
        await settle(pilot)
        assert app.screen is meetings
        assert meetings.styles.background == light
