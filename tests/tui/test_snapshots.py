"""Pictures of the key screens, with fictional data and a fixed day."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

from tests.tui.helpers import settle
from ungtui.tui.app import UngApp

SIZE = (120, 36)


@pytest.fixture
def app(demo_copy):
    return UngApp(demo_copy(60, 11))


async def _steady(pilot) -> None:
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    # A DataTable sizes its columns when idle, after the refresh that adds its rows; on
    # a busy machine that can be after the picture. Wait for it (a private flag, the
    # only sign Textual gives).
    for _ in range(200):
        tables = pilot.app.screen.query(DataTable)
        if not any(table._require_update_dimensions for table in tables):
            break
        await pilot.pause(0.02)
    await pilot.pause()
    await pilot.pause()


def test_list(snap_compare, app):
    """The register: masked numbers, ages, target groups, caseworkers, footer keys."""

    assert snap_compare(app, terminal_size=SIZE, run_before=_steady)


def test_new_person_form_with_a_bad_number(snap_compare, app):
    """The form after a number with a wrong check digit: the field is red with the reason."""

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("n")
        await _steady(pilot)
        for char in "0503179807":
            await pilot.press(char)
        await pilot.press("tab")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_person_detail(snap_compare, app):
    """One person: identity masked, target groups with reasons, consents and history."""

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("enter")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_list_in_screen_share_mode(snap_compare, app):
    """F9: initials and masked numbers, and the marker in the header."""

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("v")  # a revealed number stays masked while sharing
        await pilot.press("f9")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
