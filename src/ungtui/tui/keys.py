"""The one keyboard model of every screen.

- A letter, digit or other single character is typed when a text field has focus, and is
  the screen's shortcut when none has. The app runs such a shortcut at once, before the
  next key is routed (`run_shortcut_now`): keys typed in one burst ("/te") would otherwise
  be routed to the widget that had focus before the first of them took effect.
- Section keys (F-keys) and tab keys work from anywhere, also from a text field: they are
  priority bindings. Tabs: Ctrl+PgUp/PgDn, Alt+digit, and the digit itself when no field
  has focus.
- Esc steps back one level (each screen's "escape" binding).
- A select list that Enter has just opened takes the keys typed behind that Enter
  (`focus_opening_list`).
"""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widgets import Select
from textual.widgets._select import SelectOverlay

# Textual reads Esc followed by a digit (what most terminals send for Alt+digit) as the
# character macOS gives for Option+digit; these are those characters' key names.
ALT_DIGITS: dict[str, str] = {
    "inverted_exclamation_mark": "alt+1",
    "trade_mark_sign": "alt+2",
    "pound_sign": "alt+3",
    "cent_sign": "alt+4",
    "infinity": "alt+5",
}


def tab_bindings(actions: list[str]) -> list[Binding]:
    """Alt+1… and Ctrl+PgUp/PgDn for a screen with tabs; the screen implements
    `action_step_tab(step)` and keeps its own digit bindings for when no field has focus."""
    bindings = [
        Binding(f"alt+{n}", action, show=False, priority=True)
        for n, action in enumerate(actions, start=1)
    ]
    return [
        *bindings,
        Binding("ctrl+pagedown", "step_tab(1)", "Nästa flik", show=False, priority=True),
        Binding("ctrl+pageup", "step_tab(-1)", "Förra fliken", show=False, priority=True),
    ]


def alt_digit(app: App, event: events.Key) -> events.Key:
    """Alt+digit as it was pressed, when the screen has a tab for it."""
    key = ALT_DIGITS.get(event.key)
    if key is not None and key in app.screen.active_bindings:
        return events.Key(key, None)
    return event


async def run_shortcut_now(app: App, event: events.Key) -> bool:
    """Run a single-character key's shortcut at once; False when it is typed or unbound."""
    character = event.character
    if not character or len(character) != 1 or not character.isprintable() or character == " ":
        return False
    focused = app.focused
    if focused is not None and focused.check_consume_key(event.key, character):
        return False  # typed into the field
    active = app.screen.active_bindings.get(event.key)
    if active is None or not active.enabled:
        return False
    return await app.run_action(active.binding.action, active.node)


def focus_opening_list(app: App) -> None:
    """Give an opening select list the focus before a key's bindings are looked up.

    Enter opens the list, but the list asks for the focus only after the keys already
    read: Down and Enter typed right behind it reached the select, whose own bindings
    only open the list again, and nothing was picked."""
    focused = app.focused
    if isinstance(focused, Select) and focused.expanded:
        app.screen.set_focus(focused.query_one(SelectOverlay), scroll_visible=False)
