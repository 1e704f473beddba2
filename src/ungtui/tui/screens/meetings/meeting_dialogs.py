"""The small windows of a meeting: a line of text, an action, attendees, a person to
discuss, and the minutes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Input, Markdown, Select, Static

from ungtui.config import export_folder
from ungtui.domain.fields import for_display
from ungtui.services import clock
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.meetings.meeting_agenda import ActionInput, AttendeeRow, validate_action
from ungtui.services.meetings.meetings import (
    add_external_attendee,
    add_staff_attendee,
    remove_attendee,
)
from ungtui.services.meetings.minutes import build_minutes, minutes_file_name, write_minutes
from ungtui.services.people.individuals import IndividualFilter, list_individuals
from ungtui.services.people.organisations import list_staff
from ungtui.services.private_files import TargetExists
from ungtui.tui.screens.base import UngModalScreen
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.form_base import FormDialog
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, show_errors
from ungtui.tui.widgets.masking import shown_name
from ungtui.tui.widgets.plain import PlainSelect, PlainTable, input_value, plain

DIALOG_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 84; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 1 2;
}}
{name} .dialog-title {{ text-style: bold; margin-bottom: 1; }}
{name} .dialog-text {{ color: $text-muted; height: auto; }}
"""


class TextPromptScreen(FormDialog[str | None]):
    """One line of text; `check` returns a Swedish reason to refuse it, or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="TextPromptScreen")

    def __init__(
        self,
        title: str,
        label: str,
        *,
        text: str = "",
        explanation: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._label = label
        self._text = text
        self._explanation = explanation
        self._check = check or (lambda value: None if value.strip() else "Skriv något först.")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self._title), classes="dialog-title")
            if self._explanation:
                yield Static(plain(self._explanation, multiline=True), classes="dialog-text")
            yield FormField(
                self._label, Input(input_value(self._text), id="prompt-text"), name="text"
            )
            yield Static("Enter sparar, Esc avbryter.", classes="dialog-text")

    def on_mount(self) -> None:
        self.query_one("#prompt-text", Input).focus()

    @on(Input.Submitted)
    def _submit(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        value = self.query_one("#prompt-text", Input).value
        reason = self._check(value)
        if reason:
            self.query_one(FormField).set_error(reason)
            return
        self.dismiss(value)


class ActionFormScreen(FormDialog[ActionInput | None]):
    """What, who (one of the attendees) and by when."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ActionFormScreen")

    def __init__(self, attendees: list[AttendeeRow], what: str = "", title: str = "") -> None:
        super().__init__()
        self._attendees = attendees
        self._what = what
        self._title = title or "Ny åtgärd"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(self._title), classes="dialog-title")
            yield FormField(
                "Vad ska göras", Input(input_value(self._what), id="what"), name="what"
            )
            yield FormField(
                "Ansvarig",
                PlainSelect(
                    [(f"{a.name} ({a.organisation_name})", a.id) for a in self._attendees],
                    prompt="Välj en av mötets deltagare",
                    id="responsible",
                ),
                name="responsible",
            )
            yield FormField("Klart senast", DateInput(id="due"), name="due")
            yield Static("Ctrl+S sparar, Esc avbryter.", classes="dialog-text")

    def on_mount(self) -> None:
        self.query_one("#what", Input).focus()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        responsible = self.query_one("#responsible", Select).value
        data = ActionInput(
            what=self.query_one("#what", Input).value,
            responsible_attendee_id=None if responsible is Select.NULL else str(responsible),
            due=self.query_one("#due", Input).value,
        )
        try:
            validate_action(data, clock.today())
        except ValidationError as exc:
            show_errors(self, exc.errors)
            return
        self.dismiss(data)


class AttendeesScreen(UngModalScreen[bool]):
    """Who is in the room: staff of the parties, or external people with their
    organisation. Dismisses with True when something changed."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="AttendeesScreen")
        + """
    AttendeesScreen #attendee-table { height: auto; max-height: 10; }
    AttendeesScreen Horizontal { height: auto; }
    AttendeesScreen Horizontal > FormField { width: 1fr; margin-right: 1; }
    """
    )
    BINDINGS = [
        Binding("escape", "close", "Stäng", id="close_attendees"),
        Binding("delete", "remove", "Ta bort markerad", id="remove_attendee"),
    ]

    def __init__(self, meeting_id: str, attendees: list[AttendeeRow]) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self._attendees = attendees
        self._changed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Deltagare i mötet", classes="dialog-title")
            table = PlainTable(id="attendee-table", cursor_type="row")
            table.add_column("Namn", width=26)
            table.add_column("Organisation", width=40)
            table.add_column("", width=6)
            yield table
            yield FormField(
                "Lägg till personal",
                PlainSelect([], prompt="Välj personal …", id="staff"),
                name="staff",
            )
            with Horizontal():
                yield FormField("Extern person", Input(id="external_name"), name="external_name")
                yield FormField("Organisation", Input(id="external_org"), name="external_org")
            yield Static(
                "Enter i Organisation lägger till den externa. Delete i listan tar bort markerad "
                "deltagare. Esc stänger.",
                classes="dialog-text",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show(self._attendees)
        self.query_one("#staff", Select).focus()
        self._load_staff()

    def _show(self, attendees: list[AttendeeRow]) -> None:
        self._attendees = attendees
        table = self.query_one("#attendee-table", DataTable)
        table.clear()
        for a in attendees:
            table.add_row(a.name, a.organisation_name, "extern" if a.external else "", key=a.id)

    @work(thread=True, exit_on_error=False)
    def _load_staff(self) -> None:
        staff = list_staff(self.app.db)
        self.app.call_from_thread(
            self.query_one("#staff", Select).set_options,
            [(f"{s.name} ({s.organisation_name}, {s.unit_name})", s.id) for s in staff],
        )

    @on(Select.Changed, "#staff")
    def _add_staff(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self._write(
                lambda actor: add_staff_attendee(
                    self.app.db, self.meeting_id, str(event.value), actor_id=actor
                )
            )

    @on(Input.Submitted, "#external_name")
    def _to_org(self) -> None:
        self.query_one("#external_org", Input).focus()

    @on(Input.Submitted, "#external_org")
    def _add_external(self) -> None:
        name = self.query_one("#external_name", Input).value
        org = self.query_one("#external_org", Input).value
        self._write(
            lambda actor: add_external_attendee(
                self.app.db, self.meeting_id, name=name, organisation_name=org, actor_id=actor
            ),
            clear_external=True,
        )

    def action_remove(self) -> None:
        table = self.query_one("#attendee-table", DataTable)
        if not table.row_count:
            return
        if not table.has_focus:
            # The highlight shows only in the focused list: Delete from the staff list
            # removed someone the caseworker could not see was marked.
            self.notify("Markera deltagaren i listan först (Shift+Tab dit), tryck sedan Delete.")
            return
        attendee_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if attendee_id is None:
            return
        name = next((a.name for a in self._attendees if a.id == attendee_id), "")
        self._write(
            lambda actor: remove_attendee(self.app.db, attendee_id, actor_id=actor),
            done=f"{name} togs bort ur mötet." if name else "",
        )

    @work(thread=True, exclusive=True, group="attendees", exit_on_error=False)
    def _write(
        self, change: Callable[[str | None], object], clear_external: bool = False, done: str = ""
    ) -> None:
        try:
            change(self.actor_id)
        except ValidationError as exc:
            self.app.call_from_thread(show_errors, self, exc.errors)
            return
        except ServiceError as exc:
            self.notify(str(exc), severity="warning")
            return
        from ungtui.services.meetings.meeting_agenda import get_meeting

        attendees = get_meeting(self.app.db, self.meeting_id).attendees
        if done:
            self.notify(done)
        self.app.call_from_thread(self._after_write, attendees, clear_external)

    def _after_write(self, attendees: list[AttendeeRow], clear_external: bool) -> None:
        self._changed = True
        self._show(attendees)
        show_errors(self, {})
        if clear_external:
            self.query_one("#external_name", Input).value = ""
            self.query_one("#external_org", Input).value = ""
            self.query_one("#external_name", Input).focus()

    def action_close(self) -> None:
        self.dismiss(self._changed)


class PersonPickerScreen(UngModalScreen[str | None]):
    """Search the register for a person to put on the agenda."""

    DEFAULT_CSS = (
        DIALOG_CSS.format(name="PersonPickerScreen")
        + """
    PersonPickerScreen #picker-results { height: 12; }
    """
    )
    BINDINGS = [Binding("escape", "cancel", "Avbryt")]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Person att ta upp", classes="dialog-title")
            yield Input(placeholder="Sök namn eller personnummer …", id="picker-search")
            table = PlainTable(id="picker-results", cursor_type="row")
            table.add_column("Namn", width=30)
            table.add_column("Ålder", width=5)
            table.add_column("Status", width=10)
            yield table
            yield Static(
                "Skriv för att söka, ↓ till listan, Enter väljer, Esc avbryter.",
                classes="dialog-text",
            )

    def on_mount(self) -> None:
        self.query_one("#picker-search", Input).focus()
        self.watch(self.app, "screen_share", self._find_again, init=False)

    def _find_again(self, _share: bool) -> None:
        self._find(self.query_one("#picker-search", Input).value)

    @on(Input.Changed, "#picker-search")
    def _search(self, event: Input.Changed) -> None:
        self._find(event.value)

    @work(thread=True, exclusive=True, group="picker", exit_on_error=False)
    def _find(self, text: str) -> None:
        rows = (
            list_individuals(self.app.db, IndividualFilter(text=text), limit=20)
            if len(text.strip()) >= 2
            else []
        )
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows) -> None:
        table = self.query_one("#picker-results", DataTable)
        table.clear()
        share = self.app.screen_share
        for row in rows:
            name = shown_name(row.name, share)
            table.add_row(name, "" if row.age is None else str(row.age), row.status, key=row.id)

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#picker-search", Input):
            self.query_one("#picker-results", DataTable).focus()
            event.stop()

    @on(Input.Submitted, "#picker-search")
    def _first(self) -> None:
        table = self.query_one("#picker-results", DataTable)
        if table.row_count:
            self.dismiss(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MinutesScreen(UngModalScreen[None]):
    """The minutes as they will be written, and where to save them."""

    DEFAULT_CSS = """
    MinutesScreen { align: center middle; }
    MinutesScreen > Vertical {
        width: 90%; height: 90%; border: thick $primary; background: $surface; padding: 0 1;
    }
    MinutesScreen #minutes-preview { height: 1fr; }
    MinutesScreen #minutes-save { height: auto; }
    MinutesScreen #minutes-save > Input { width: 1fr; }
    MinutesScreen #minutes-save > Select { width: 16; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Spara fil", priority=True, id="save_minutes"),
        Binding("escape", "close", "Stäng", id="close_minutes"),
    ]

    def __init__(self, meeting_id: str) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self._names: dict[str, str] = {}
        self._full_names = False
        self._text = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Protokoll", classes="screen-title")
            with VerticalScroll(id="minutes-preview"):
                yield Markdown("", id="minutes-text")
            with Horizontal(id="minutes-save"):
                yield Select(
                    [("Markdown", "md"), ("Text", "txt")],
                    value="md",
                    allow_blank=False,
                    id="minutes-format",
                )
                yield Input(id="minutes-path")
                yield Button("Spara", id="minutes-button", variant="primary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._load()
        self.watch(self.app, "screen_share", lambda _on: self._preview(), init=False)

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        from ungtui.services.meetings.meeting_agenda import get_meeting

        view = get_meeting(self.app.db, self.meeting_id)
        text = build_minutes(self.app.db, self.meeting_id, "md")
        self._names = {fmt: minutes_file_name(view, fmt) for fmt in ("md", "txt")}
        self._full_names = any(item.full_name_in_minutes for item in view.items)
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        self._text = text
        self._preview()
        self.query_one("#minutes-path", Input).value = str(export_folder() / self._names["md"])

    def _preview(self) -> None:
        text = self._text
        if self.app.screen_share and self._full_names:
            text = "Protokollet visar fullständiga namn och döljs medan skärmen delas (F9)."
        self.query_one("#minutes-text", Markdown).update(for_display(text, multiline=True))

    @on(Select.Changed, "#minutes-format")
    def _format(self, event: Select.Changed) -> None:
        path_input = self.query_one("#minutes-path", Input)
        if self._names and path_input.value:
            path = Path(path_input.value)
            path_input.value = str(path.with_name(self._names[str(event.value)]))

    @on(Button.Pressed, "#minutes-button")
    @on(Input.Submitted, "#minutes-path")
    def _pressed(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        path = self.query_one("#minutes-path", Input).value.strip()
        if not path:
            self.notify("Ange var protokollet ska sparas.", severity="warning")
            return
        self._save(Path(path), str(self.query_one("#minutes-format", Select).value))

    @work(thread=True, exclusive=True, group="minutes", exit_on_error=False)
    def _save(self, path: Path, fmt: str, replace: bool = False) -> None:
        text = build_minutes(self.app.db, self.meeting_id, fmt)
        try:
            written = write_minutes(path, text, replace=replace)
        except TargetExists:
            self.app.call_from_thread(self._ask_replace, path, fmt)
            return
        except ServiceError as exc:
            self.notify(f"Protokollet kunde inte sparas. {exc}", severity="error")
            return
        self.notify(f"Protokollet är sparat i {written} (läsbart bara för dig).")

    def _ask_replace(self, path: Path, fmt: str) -> None:
        def answer(choice: str | None) -> None:
            if choice == "replace":
                self._save(path, fmt, replace=True)

        self.app.push_screen(
            ConfirmScreen(
                "Ersätta protokollet?",
                f"{path.name} finns redan. Ersätt den med protokollet som det ser ut nu?",
                [("cancel", "Avbryt"), ("replace", "Ersätt")],
            ),
            answer,
        )

    def action_close(self) -> None:
        self.dismiss(None)
