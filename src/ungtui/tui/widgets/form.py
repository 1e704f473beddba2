"""Small pieces every form uses: a labelled field with its error line, and a date field
that reads back the day it understood while it is typed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from ungtui.domain.meeting_time import DAY_EXAMPLES, describe_day, parse_day
from ungtui.services import clock
from ungtui.tui.widgets.plain import plain

DATE_PLACEHOLDER = "t.ex. idag, fre, +14, +3 ad"


class FormScroll(VerticalScroll, can_focus=False):
    """The scrolling body of a form. Not a Tab stop of its own: it showed no focus, and as
    the first thing a new form could focus it took the keys typed into it at once. It
    still scrolls, to the field Tab moves to and with PgUp/PgDn from any field."""


class DateInput(Input):
    """A day typed the one way every date field takes (domain.meeting_time.parse_day)."""

    def __init__(self, value: str = "", *, placeholder: str = DATE_PLACEHOLDER, **kw) -> None:
        super().__init__(value, placeholder=placeholder, **kw)


def read_back(text: str) -> str | None:
    """'→ tisdag 2026-12-01' for a day that is understood; None while it is not (yet)."""
    if not text.strip():
        return None
    try:
        return f"→ {describe_day(parse_day(text, clock.today()))}"
    except ValueError:
        return None


class FormField(Vertical):
    """A label, one input widget, and a line for the Swedish reason it was refused."""

    DEFAULT_CSS = """
    FormField { height: auto; margin-bottom: 0; }
    FormField > .field-label { color: $text-muted; width: 100%; }
    FormField > .field-error { color: $error; height: auto; }
    FormField > .field-hint { color: $text-muted; height: auto; }
    FormField.-invalid > Input { border: tall $error; }
    """

    def __init__(self, label: str, widget: Widget, *, name: str, hint: str = "") -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self._label = label
        self._widget = widget
        self._hint = hint

    def compose(self) -> ComposeResult:
        yield Label(plain(self._label), classes="field-label")
        yield self._widget
        hint = self._hint
        if isinstance(self._widget, DateInput):
            hint = self._date_hint(self._widget.value)
        # Empty lines are hidden so that a form fits on a laptop screen.
        yield Static(plain(hint, multiline=True), classes="field-hint").set_styles(
            "display: block;" if hint else "display: none;"
        )
        yield Static("", classes="field-error").set_styles("display: none;")

    def _date_hint(self, text: str) -> str:
        day = read_back(text)
        if day is None:
            # Typed but not (yet) a day: how to type one. Empty: the field's own hint.
            if text.strip() and not self._hint:
                return f"Till exempel {DAY_EXAMPLES}."
            return self._hint
        return f"{day} · {self._hint}" if self._hint else day

    def on_descendant_focus(self) -> None:
        # The whole field in view, hint and error lines too, not only the input.
        self.call_after_refresh(self.scroll_visible, animate=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, DateInput) and event.input is self._widget:
            self._show_hint(self._date_hint(event.value))

    def set_error(self, message: str | None) -> None:
        if not message and not self.has_class("-invalid"):
            # Cleared on every key typed: updating the empty line anyway laid the whole
            # screen out again each time (most of a key's cost in a form).
            return
        error = self.query_one(".field-error", Static)
        # Reasons quote what was typed (an e-mail address, a name from a spreadsheet).
        error.update(plain(message or "", multiline=True))
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")

    def set_hint(self, text: str) -> None:
        if isinstance(self._widget, DateInput):
            # The base hint; the day read back goes before it.
            self._hint = text
            text = self._date_hint(self._widget.value)
        self._show_hint(text)

    def _show_hint(self, text: str) -> None:
        hint = self.query_one(".field-hint", Static)
        hint.update(plain(text, multiline=True))
        hint.display = bool(text)


def show_errors(root: Widget, errors: dict[str, str]) -> list[str]:
    """Show each error at its field and clear the rest; focus the first bad field.
    Returns the errors no field on show could take."""
    first: FormField | None = None
    shown: set[str] = set()
    for field in root.query(FormField):
        message = errors.get(field.field_name)
        field.set_error(message)
        if message and field.display:
            shown.add(field.field_name)
            if first is None:
                first = field
    if first is not None:
        first._widget.focus()
        # The focus shows the field's input; the error is below it, once laid out.
        first.call_after_refresh(first.scroll_visible, animate=False)
    return [message for name, message in errors.items() if name not in shown]
