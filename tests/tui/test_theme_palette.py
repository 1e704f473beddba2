"""Ctrl+P → Byt färgtema lists a few themes by Swedish names and sets the one chosen."""

from __future__ import annotations

from textual.command import CommandList

from tests.tui.helpers import settle, type_text
from ungtui.tui.app import UngApp
from ungtui.tui.commands import Palette


async def test_the_themes_have_swedish_names_and_ljust_is_light(db, user):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
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
