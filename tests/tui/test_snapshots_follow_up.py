"""A picture of the follow-up over the fictional population of tests/report, on a fixed
day (conftest: 2026-11-24)."""

from __future__ import annotations

from textual.widgets import Input

from tests.report.population import build_population
from tests.tui.helpers import type_text
from tests.tui.test_snapshots import _steady
from ungtui.tui.app import UngApp


def test_follow_up_of_a_term_with_goals_and_charts(snap_compare, db, user):
    """VT2026 by gender, HT2025 beside it, the agreement's goals, bars and a line."""
    build_population(db, user)

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("f6")
        await _steady(pilot)
        await pilot.press("p")
        pilot.app.screen.query_one("#fu-period", Input).value = ""
        await type_text(pilot, "VT2026")
        await pilot.press("enter")
        await _steady(pilot)
        await pilot.press("a", "enter")
        await pilot.pause()
        await pilot.press("down", "enter")
        await _steady(pilot)
        await pilot.press("t")
        await _steady(pilot)

    assert snap_compare(UngApp(db), terminal_size=(120, 40), run_before=run_before)
