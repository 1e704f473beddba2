"""The key line at the bottom of every screen.

Textual's footer lists the focused widget's keys, then the screen's, then the app's, and
cuts whatever does not fit, so on a narrow terminal Ctrl+Q went first. This one keeps
Ctrl+Q at the right edge always (and Ctrl+P beside it when there is room), shows the
screen's keys in the order the screen lists them, and leaves out whole keys that do not
fit, marking that with "…", rather than cutting a label in half.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey, FooterLabel

# Ctrl+P beside Ctrl+Q only from this width and when the screen's keys leave room; the
# help (F1) names it too.
FIND_FROM_WIDTH = 100
# Keys Textual's own widgets bring, with English descriptions (an open Select list, …).
SWEDISH = {
    "Dismiss menu": "Stäng listan",
    "Show menu": "Visa listan",
    "Exit the command palette": "Stäng",
    "Open link": "Öppna länken",
    "Toggle option": "Välj",
}


def key_width(key_display: str, description: str) -> int:
    """Columns one key takes in the compact footer: key, space, text, margin."""
    return len(key_display) + 1 + len(description) + 1


_MORE = "more"
_SPACER = "spacer"


def _signature(item) -> tuple:
    """What of a planned item shows on screen (a Binding compares by identity)."""
    if isinstance(item, str):
        return (item,)
    binding, enabled, tooltip, classes = item
    return (binding.key, binding.action, binding.description, enabled, tooltip, classes)


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter .key-spacer { width: 1fr; height: 1; background: $footer-background; }
    KeyFooter FooterKey.-essential { margin-right: 0; padding-left: 1; }
    """

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._shown_plan: list[tuple] | None = None

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        plan = self._plan()
        self._shown_plan = [_signature(item) for item in plan]
        for item in plan:
            if item == _MORE:
                yield FooterLabel("…")
            elif item == _SPACER:
                yield Static("", classes="key-spacer")
            else:
                yield self._key(*item)

    def bindings_changed(self, screen: Screen) -> None:
        # Textual recomposes the footer on every focus change: at a few ms each, a tenth of
        # a screen test's CPU and a lag on each Tab. Only a changed line is composed again,
        # and that is decided when the composition is due: two changes before it (a focus
        # moving twice) asked for two compositions of the same line.
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._compose_if_changed)

    def _plan(self) -> list:
        """What the line shows, left to right: (binding, enabled, tooltip, classes) for a
        key, _MORE for the "…" and _SPACER before the essential keys."""
        app = self.app
        plan: list = []
        shown: list[tuple[Binding, bool, str]] = []
        essential: list[tuple[Binding, bool, str]] = []
        seen_actions: set[str] = set()
        find = None
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.key == app.COMMAND_PALETTE_BINDING:
                find = (binding, enabled, tooltip)
                continue
            if binding.action in ("quit", "app.quit"):
                essential.append((binding, enabled, tooltip))
                continue
            if not binding.show or binding.action in seen_actions:
                continue
            seen_actions.add(binding.action)
            shown.append((binding, enabled, tooltip))
        if not essential:
            # Over a dialog the app's keys are not in the screen's chain, but Ctrl+Q (a
            # priority key) still quits: the footer says so there too.
            essential = [
                (b, True, "")
                for b in app.BINDINGS
                if isinstance(b, Binding) and b.action in ("quit", "app.quit")
            ]
        # Esc steps back one level on every screen: the key most worth leaving out.
        shown.sort(key=lambda item: item[0].key == "escape")
        room = app.size.width - sum(
            key_width(app.get_key_display(b), SWEDISH.get(b.description, b.description))
            for b, _e, _t in essential
        )
        room -= 2  # the "…" that says keys were left out
        fitted = []
        for binding, enabled, tooltip in shown:
            width = key_width(
                app.get_key_display(binding), SWEDISH.get(binding.description, binding.description)
            )
            if width > room:
                break
            room -= width
            fitted.append((binding, enabled, tooltip))
        plan += [(binding, enabled, tooltip, "") for binding, enabled, tooltip in fitted]
        if len(fitted) < len(shown):
            plan.append(_MORE)
        elif find is not None and app.size.width >= FIND_FROM_WIDTH:
            # Ctrl+P, in the section bar's help too, only where the screen's keys leave room.
            binding = find[0]
            if key_width(app.get_key_display(binding), binding.description) + 1 <= room + 2:
                essential.insert(0, find)
        plan.append(_SPACER)
        plan += [(binding, enabled, tip, "-essential") for binding, enabled, tip in essential]
        return plan

    def _key(self, binding: Binding, enabled: bool, tooltip: str, classes: str = "") -> FooterKey:
        description = SWEDISH.get(binding.description, binding.description)
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip or description,
            # Compact from the start: added by its watcher after mounting, the class made
            # every key of every footer style itself a second time.
            classes=f"{classes} -compact",
        ).data_bind(compact=Footer.compact)

    def on_resize(self) -> None:
        # The width decides which keys fit. Every new screen's footer gets a first Resize
        # just after it was composed for that width, which composed the same keys again.
        if self._bindings_ready:
            self.call_after_refresh(self._compose_if_changed)

    async def _compose_if_changed(self) -> None:
        if not self.is_attached:
            return
        if (
            self._shown_plan is None
            or [_signature(item) for item in self._plan()] != self._shown_plan
        ):
            await self.recompose()
