"""What every form shares, full screen or dialog: Ctrl+S saves, Esc closes, and closing
asks first when typed changes would be lost, never when nothing changed.

"Changed" compares what the fields hold now with what they held when the form was last
filled (`mark_clean`), so typing a letter and deleting it again is no change. A form that
fills its fields from a worker calls `mark_clean` when it has done so; the first picture
is taken after the first refresh.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList, TextArea

from ungtui.tui.screens.base import ReportsWorkerErrors
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.widgets.form import FormField

FIELDS = "Input, TextArea, Select, Checkbox, SelectionList"
# On the two screen classes below: Textual reads BINDINGS only from its own classes.
FORM_BINDINGS = [
    Binding("ctrl+s", "save", "Spara", priority=True, id="save"),
    Binding("escape", "close", "Avbryt", id="close"),
]


def field_value(widget: Widget) -> object:
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, SelectionList):
        return tuple(sorted(map(str, widget.selected)))
    if isinstance(widget, Input | Select | Checkbox):
        return widget.value
    return None


class FormBehaviour:
    """Mixed into FormScreen and FormDialog; subclasses define `action_save`."""

    DISCARD_TITLE = "Stäng utan att spara?"
    _clean: tuple | None = None

    def form_state(self) -> tuple:
        return tuple((w.id, field_value(w)) for w in self.query(FIELDS))  # type: ignore[attr-defined]

    def mark_clean(self) -> None:
        """What the fields hold now counts as unchanged."""
        self._clean = self.form_state()

    def has_changes(self) -> bool:
        return self._clean is not None and self.form_state() != self._clean

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_picture)  # type: ignore[attr-defined]

    def _first_picture(self) -> None:
        if self._clean is None:
            self.mark_clean()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._clear_error(event.input)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._clear_error(event.select)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._clear_error(event.text_area)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._clear_error(event.checkbox)

    @staticmethod
    def _clear_error(widget: Widget) -> None:
        # An error refers to what was there; once the value changes it is stale.
        if isinstance(widget.parent, FormField):
            widget.parent.set_error(None)

    def action_close(self) -> None:
        if self.has_changes():
            self.ask_before_closing()
        else:
            self.dismiss(None)  # type: ignore[attr-defined]

    def ask_before_closing(self, then: Callable[[], None] | None = None) -> None:
        """Ask whether to throw away what was typed; `then` runs once the form is gone."""

        def answer(choice: str | None) -> None:
            if choice == "discard":
                self.dismiss(None)  # type: ignore[attr-defined]
                if then is not None:
                    then()

        self.app.push_screen(  # type: ignore[attr-defined]
            ConfirmScreen(
                self.DISCARD_TITLE,
                "Du har ändringar som inte är sparade.",
                [("stay", "Fortsätt redigera"), ("discard", "Stäng utan att spara")],
            ),
            answer,
        )


class FormScreen(FormBehaviour, ReportsWorkerErrors, Screen[ScreenResultType]):
    """A form filling the screen."""

    BINDINGS = FORM_BINDINGS


class FormDialog(FormBehaviour, ReportsWorkerErrors, ModalScreen[ScreenResultType]):
    """A form in a window over the screen it was opened from."""

    BINDINGS = FORM_BINDINGS
