"""A picture of the process search, with the shipped content and a fixed day."""

from __future__ import annotations

import pytest

from tests.tui.helpers import type_text
from tests.tui.test_snapshots import SIZE, _steady
from ungtui.tui.app import UngApp


@pytest.fixture
def app(demo_copy):
    return UngApp(demo_copy(10, 11))


def test_process_search(snap_compare, app):
    """F5 after typing 'overgang': ranked hits, matched words marked, status per process."""

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("f5")
        await _steady(pilot)
        await type_text(pilot, "overgang")
        await _steady(pilot)
        # The answer time differs from run to run; the picture must not.
        status = pilot.app.screen.query_one("#process-status")
        status.update("2 arbetsprocesser · bäst först")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
