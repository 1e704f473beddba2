"""Each main screen at the smallest size it must work at, 80×24, and at 120×40
(fictional data, fixed day). At 80 columns the less important columns give way and are
written out under the list, footers keep ^q, and the section bar keeps F9 and F1."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from tests.tui.test_snapshots import _steady
from ungtui.tui.app import UngApp

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture
def app(demo_copy, monkeypatch):
    # A fixed folder, so that the export tab's picture does not hold a random path.
    monkeypatch.setenv("UNGTUI_EXPORT_DIR", "/tmp/ungtui-bilder/Dokument/ungtui")
    monkeypatch.setattr(UngApp, "START_SECTION", "min_dag")
    return UngApp(demo_copy(60, 11))


def steps(*keys: str):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        for key in keys:
            if key.startswith("type:"):
                pilot.app.screen.query_one(Input).focus()
                for char in key.removeprefix("type:"):
                    await pilot.press(char)
            else:
                await pilot.press(key)
            await _steady(pilot)
        for area in pilot.app.screen.query(TextArea):
            area.cursor_blink = False
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


SCREENS = {
    "min_dag": (),
    "deltagare": ("f2",),
    "person": ("f2", "enter"),
    "moten": ("f3",),
    "mote": ("f3", "enter", "down"),
    "remisser": ("f4",),
    "processer": ("f5", "escape"),
    "uppfoljning": ("f6",),
    "synk": ("f7",),
    # The day field narrowed to a day without entries: the log's times are real times.
    "logg": ("f8", "d", "type:2020-01-01", "enter"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", SCREENS)
def test_main_screen(snap_compare, app, screen, size):
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps(*SCREENS[screen]))
