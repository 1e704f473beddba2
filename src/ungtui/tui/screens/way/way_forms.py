"""The small forms of the way (entry, phase, mapping, measure, exit, follow-up, job track,
local measure): one screen class, each form a list of fields and a save function.

Saving runs in a worker; a ValidationError puts each reason under its field and nothing
is saved. Esc with unsaved changes asks first, as every form does (FormScreen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Checkbox, Header, Input, Select, Static

from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, FormScroll
from ungtui.tui.widgets.plain import PlainSelect, input_value, plain


@dataclass(frozen=True)
class Spec:
    """One field. kind: 'input', 'date' (any day parse_day reads, read back as it is
    typed), 'select' (options as (label, value)) or 'check'."""

    name: str
    label: str
    kind: str = "input"
    value: str | bool = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    hint: str = ""
    placeholder: str = ""
    row: int | None = None  # fields with the same row number sit side by side


Values = dict[str, str | bool]
SaveFunction = Callable[[Values], str | None]


class WayFormScreen(FormScreen[str | None]):
    DEFAULT_CSS = """
    WayFormScreen .form-intro { padding: 0 1; color: $text-muted; height: auto; }
    """

    def __init__(
        self, title: str, specs: list[Spec], save: SaveFunction, *, intro: str = "", done: str
    ) -> None:
        super().__init__()
        self._title = title
        self._specs = specs
        self._save_function = save
        self._intro = intro
        self._done = done

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain(self._title), classes="screen-title")
        if self._intro:
            yield Static(plain(self._intro, multiline=True), classes="form-intro")
        with FormScroll(id="form"):
            index = 0
            while index < len(self._specs):
                spec = self._specs[index]
                if spec.row is None:
                    yield self._field(spec)
                    index += 1
                    continue
                with Horizontal(classes="row"):
                    while index < len(self._specs) and self._specs[index].row == spec.row:
                        yield self._field(self._specs[index])
                        index += 1
        yield KeyFooter()

    @staticmethod
    def _field(spec: Spec) -> Widget:
        widget_id = f"in-{spec.name}"
        widget: Widget
        if spec.kind == "check":
            return Checkbox(spec.label, value=bool(spec.value), id=widget_id)
        if spec.kind == "select":
            values = [v for _label, v in spec.options]
            widget = PlainSelect(
                spec.options,
                prompt="Välj …",
                value=spec.value if spec.value in values else Select.NULL,
                id=widget_id,
            )
        elif spec.kind == "date":
            placeholder = spec.placeholder or "t.ex. idag, fre, +14, +3 ad"
            widget = DateInput(str(spec.value), placeholder=placeholder, id=widget_id)
        else:
            widget = Input(
                value=input_value(spec.value), placeholder=spec.placeholder, id=widget_id
            )
        return FormField(spec.label, widget, name=spec.name, hint=spec.hint)

    def on_mount(self) -> None:
        first = self.query("#form Input, #form Select, #form Checkbox").first()
        first.focus()

    def values(self) -> Values:
        result: Values = {}
        for spec in self._specs:
            widget = self.query_one(f"#in-{spec.name}")
            if isinstance(widget, Select):
                result[spec.name] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, Checkbox | Input):
                result[spec.name] = widget.value
        return result

    def action_save(self) -> None:
        self._save(self.values())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, values: Values) -> None:
        self.save_and_close(
            lambda: self._save_function(values), self._done, result=lambda saved: saved or ""
        )


def choices(vocabulary: dict[str, str]) -> list[tuple[str, str]]:
    return [(label, code) for code, label in vocabulary.items()]
