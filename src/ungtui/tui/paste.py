"""Pasting several lines into a one-line field.

Textual's Input keeps the first line of a paste and drops the rest without a word. A
note, a reason or a purpose is free text: its lines are put in as one line, so no word is
lost. Any other field (a name, a number, a date, an address) holds one thing: a second
line is not part of it, so only the first is put in and the user is told what was left
out. Characters that must not be stored (a bell, an escape) are not touched here: the
field's check refuses them when the form is saved.
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.widgets import Input

from ungtui.domain.text import plural

# One-line fields whose text is free text (way forms name theirs "in-<name>").
FREE_TEXT_FIELDS = frozenset(
    {"note", "minor_note", "reason", "ground", "what", "purpose", "measure", "prompt-text"}
)


def fit_paste(text: str, free_text: bool) -> tuple[str, str | None]:
    """What a one-line field takes of a pasted text, and what to tell the user (None:
    nothing was changed that they need to know). Empty lines count as none: a cell
    copied from a spreadsheet ends with a line break."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) <= 1:
        return (lines[0] if lines else text), None
    if free_text:
        joined = " ".join(line.strip() for line in lines)
        return joined, f"Fältet rymmer bara en rad: de {len(lines)} raderna klistrades in som en."
    left = plural(len(lines) - 1, "rad", "rader")
    return lines[0], (
        f"Fältet rymmer bara en rad: första raden klistrades in, {left} till lämnades utanför."
    )


def one_line_paste(app: App, event: events.Paste) -> None:
    """Fit a paste meant for a focused Input before the Input reads it."""
    field = app.focused
    if not isinstance(field, Input) or ("\n" not in event.text and "\r" not in event.text):
        return
    name = (field.id or "").removeprefix("in-")
    event.text, notice = fit_paste(event.text, name in FREE_TEXT_FIELDS)
    if notice:
        app.notify(notice, severity="warning")
