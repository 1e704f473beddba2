"""A picture of the referral inbox with demo data on the fixed day."""

from __future__ import annotations

import pytest

from tests.tui.test_snapshots import SIZE, _steady
from ungtui.tui.app import UngApp


@pytest.fixture
def app(demo_copy):
    return UngApp(demo_copy(200, 11))


def test_referral_inbox(snap_compare, app):
    """Counts on the title, overdue referrals first with FÖRSENAD in the warning colour."""

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("f4")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
