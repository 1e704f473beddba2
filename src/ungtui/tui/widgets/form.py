"""Small pieces every form uses: a labelled field with its error line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from ungtui.tui.widgets.plain import plain


class FormField(Vertical):
    """A label, one input widget, and a line for the Swedish reason it was refused."""

    DEFAULT_CSS = """
    FormField { height: auto; margin-bottom: 0; }
    FormField > .field-label { color: $text-muted; }
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
        # Empty lines are hidden so that a form fits on a laptop screen.
        yield Static(plain(self._hint, multiline=True), classes="field-hint").set_styles(
            "display: block;" if self._hint else "display: none;"
        )
        yield Static("", classes="field-error").set_styles("display: none;")

    def set_error(self, message: str | None) -> None:
        error = self.query_one(".field-error", Static)
        # Reasons quote what was typed (an e-mail address, a name from a spreadsheet).
        error.update(plain(message or "", multiline=True))
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")

    def set_hint(self, text: str) -> None:
        hint = self.query_one(".field-hint", Static)
        hint.update(plain(text, multiline=True))
        hint.display = bool(text)


def show_errors(root: Widget, errors: dict[str, str]) -> None:
    """Show each error at its field and clear the rest; focus the first bad field."""
    first: FormField | None = None
    for field in root.query(FormField):
        message = errors.get(field.field_name)
        field.set_error(message)
        if message and first is None:
            first = field
    if first is not None:
        first._widget.focus()
