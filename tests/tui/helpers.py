from __future__ import annotations

import contextlib

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled


def burst(app: App, *keys: str) -> None:
    """Keys as a terminal sends them, all at once (Pilot's press waits until each key
    is handled)."""
    assert app._driver is not None
    for key in keys:
        character = key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)


async def settle(pilot: Pilot) -> None:
    """Let workers finish and their results reach the screen."""
    for _ in range(3):
        for worker in list(pilot.app.workers):
            # A page load superseded by a newer one (an exclusive group) is cancelled by
            # design; waiting on all at once stopped at the first such, flakily, as typing
            # raced the loads. A failed worker still fails the test.
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()


async def keys(pilot: Pilot, *pressed: str) -> None:
    """Press each key and let what it started finish before the next."""
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


async def type_text(pilot: Pilot, text: str) -> None:
    for char in text:
        await pilot.press(char if char != " " else "space")


def row_text(table, index: int) -> list[str]:
    """A DataTable row as the user reads it (cells are rich Text, never markup)."""
    return [str(cell) for cell in table.get_row_at(index)]


def screen_text(pilot: Pilot) -> str:
    """What the terminal shows now, as plain lines (for checks on what is visible)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)
