"""Ctrl+P finds work processes through the full-text search, accents or not."""

from __future__ import annotations

import pytest
from textual.command import CommandList
from textual.widgets import Static

from tests.tui.helpers import settle, type_text
from ungtui.tui.app import UngApp
from ungtui.tui.screens.processes.process_detail import ProcessDetailScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(10, 3)


async def prompts(pilot, expected: str) -> list[str]:
    """The palette's hits once one containing `expected` has arrived."""
    found: list[str] = []
    for _ in range(40):
        await settle(pilot)
        options = pilot.app.screen.query_one(CommandList)
        found = [
            str(options.get_option_at_index(i).prompt.plain) for i in range(options.option_count)
        ]
        if any(expected in f for f in found):
            return found
        await pilot.pause(0.05)
    return found


async def test_ctrl_p_finds_a_process_without_accents_and_opens_it(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "overgang")
        found = await prompts(pilot, "Övergång")
        assert found[0].startswith(
            "Övergång från Samordningsförbundets insats till Jobbtorg eller Arbetsförmedlingen"
        )
        await pilot.press("enter")  # the best hit is highlighted
        await settle(pilot)
        assert isinstance(app.screen, ProcessDetailScreen)
        title = str(app.screen.query_one("#process-title", Static).render())
        assert title.startswith("Övergång från Samordningsförbundets insats")
