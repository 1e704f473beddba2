"""What every form shares, full screen or dialog: Ctrl+S saves, Esc closes, and closing
asks first when typed changes would be lost, never when nothing changed.

"Changed" compares what the fields hold now with what they held when the form was last
filled (`mark_clean`), so typing a letter and deleting it again is no change. A form that
fills its fields from a worker calls `mark_clean` when it has done so; the first picture
is taken as the form is mounted, before any key reaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ScreenResultType
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList, TextArea

from ungtui.services.errors import ServiceError, ValidationError
from ungtui.tui.screens.base import UngModalScreen, UngScreen
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.widgets.form import FormField, show_errors

Saved = TypeVar("Saved")

FIELDS = "Input, TextArea, Select, Checkbox, SelectionList"
# On the two screen classes below: Textual reads BINDINGS only from its own classes.
FORM_BINDINGS: list[BindingType] = [
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


class FormBehaviour(UngScreen[ScreenResultType]):
    """What FormScreen and FormDialog share; subclasses define `action_save`."""

    DISCARD_TITLE = "Stäng utan att spara?"
    _clean: tuple | None = None

    def form_state(self) -> tuple:
        return tuple((w.id, field_value(w)) for w in self.query(FIELDS))

    def mark_clean(self, *ids: str) -> None:
        """What the fields hold now counts as unchanged; with `ids`, only those fields'
        (what a fill set), so that what was typed before the fill still counts."""
        now = self.form_state()
        if not ids or self._clean is None:
            self._clean = now
            return
        filled = dict(now)
        self._clean = tuple(
            (name, filled[name] if name in ids else value) for name, value in self._clean
        )

    def fill(self, values: dict[str, object]) -> None:
        """Set fields to what a load found (id -> value), except those typed in since the
        form opened: what was typed ahead is kept, and is a change from what was loaded.
        What was loaded is the unchanged state from now on: taken at once, so that a key
        typed right after the load is a change too (taken after the next refresh, as it
        was, such a key counted as loaded, and Esc dropped it without asking)."""
        before = dict(self._clean or ())
        loaded: dict[str, object] = {}
        for name, value in values.items():
            widget = self.query_one(f"#{name}")
            if name in before and field_value(widget) != before[name]:
                loaded[name] = Select.BLANK if value is None else value
                continue
            if isinstance(widget, Select) and value is None:
                widget.clear()
            elif isinstance(widget, Input | Select | Checkbox):
                widget.value = value
            loaded[name] = field_value(widget)
        if self._clean is not None:
            self._clean = tuple((n, loaded.get(n, v)) for n, v in self._clean)

    def has_changes(self) -> bool:
        return self._clean is not None and self.form_state() != self._clean

    def on_mount(self) -> None:
        # Taken now, before any key reaches a field: letters typed while the form opened
        # (type-ahead) are a change like any other, and Esc asks before dropping them.
        # Runs after the subclass's on_mount, so values it sets count as unchanged.
        self._first_picture()

    def scroll_to_center(self, widget: Widget, *args, **kwargs):
        # Textual centres a newly focused widget it cannot see whole; on a form just
        # shown, before its first layout, that scrolled the first field's label out of
        # view. A field is shown whole instead: label, input, hint and error.
        field = next((a for a in widget.ancestors if isinstance(a, FormField)), None)
        if field is None:
            return super().scroll_to_center(widget, *args, **kwargs)
        field.scroll_visible(animate=False)
        return None

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

    def refuse(self, errors: dict[str, str]) -> None:
        """Show a refusal at its fields, the focus on the first. Only what no field on
        show can take is told in a notice: a notice over the form saying "correct the
        marked fields" covered the very field it meant (Gäller till, bottom right)."""
        left = show_errors(self, errors)
        if left:
            self.notify(" ".join([*left, "Inget har sparats."]), severity="warning")

    @staticmethod
    def _clear_error(widget: Widget) -> None:
        # An error refers to what was there; once the value changes it is stale.
        if isinstance(widget.parent, FormField):
            widget.parent.set_error(None)

    def action_close(self) -> None:
        if self.has_changes():
            self.ask_before_closing()
        else:
            self.dismiss(None)

    def ask_before_closing(self, then: Callable[[], None] | None = None) -> None:
        """Ask whether to throw away what was typed; `then` runs once the form is gone."""

        def answer(choice: str | None) -> None:
            if choice == "discard":
                self.dismiss(None)
                if then is not None:
                    then()

        self.app.push_screen(
            ConfirmScreen(
                self.DISCARD_TITLE,
                "Du har ändringar som inte är sparade.",
                [("stay", "Fortsätt redigera"), ("discard", "Stäng utan att spara")],
            ),
            answer,
        )


    def save_and_close(
        self,
        write: Callable[[], Saved],
        done: str | Callable[[Saved], str] | None,
        *,
        result: Callable[[Saved], object] = lambda saved: saved,
        error_timeout: float | None = None,
    ) -> None:
        """Called from a form's save worker: `write` saves. A refusal is shown at its
        fields (`refuse`), another service error as a notification, and the form stays
        open with what was typed; once saved the form says `done` and closes with
        `result` of what was saved (`done` None: the screen it returns to says it)."""
        try:
            saved = write()
        except ValidationError as exc:
            self.app.call_from_thread(self.refuse, exc.errors)
            return
        except ServiceError as exc:
            self.notify(str(exc), severity="error", timeout=error_timeout)
            return
        # "Rätta de markerade fälten" from a try before is no longer true.
        self.app.call_from_thread(self.app.clear_notifications)
        if done is not None:
            self.notify(done if isinstance(done, str) else done(saved))
        self.app.call_from_thread(self.dismiss, result(saved))


class FormScreen(FormBehaviour[ScreenResultType]):
    """A form filling the screen."""

    BINDINGS = FORM_BINDINGS


class FormDialog(FormBehaviour[ScreenResultType], UngModalScreen[ScreenResultType]):
    """A form in a window over the screen it was opened from."""

    BINDINGS = FORM_BINDINGS
