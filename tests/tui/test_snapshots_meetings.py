"""Pictures of a meeting in progress and of a consent warning (fictional data, fixed day)."""

from __future__ import annotations

import pytest
from textual.widgets import TextArea

from tests.tui.test_snapshots import SIZE, _steady
from ungtui.tui.app import UngApp


@pytest.fixture
def app(demo_copy):
    return UngApp(demo_copy(60, 11))


async def _meeting(pilot, downs: int) -> None:
    await _steady(pilot)
    await pilot.press("f3")
    await _steady(pilot)
    await pilot.press("enter")
    await _steady(pilot)
    for _ in range(downs):
        await pilot.press("down")
    await _steady(pilot)
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


def test_meeting_list(snap_compare, app):
    """Möten: coming meetings, soonest first; series marked."""

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("f3")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_meeting_in_progress(snap_compare, app):
    """Today's meeting: agenda with a masked person, the first topic's notes."""

    async def run_before(pilot) -> None:
        await _meeting(pilot, 1)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_consent_warning(snap_compare, app):
    """A person some organisation present may not hear about: masked, warned, locked."""

    async def run_before(pilot) -> None:
        await _meeting(pilot, 4)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
