"""Open actions from all meetings, overdue first; filter by organisation and person."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Select, Static

from ungtui.domain.text import plural
from ungtui.services import clock
from ungtui.services.errors import ServiceError
from ungtui.services.meetings.meeting_actions import (
    ActionFilter,
    count_open_actions,
    count_overdue,
    filter_choices,
    list_open_actions,
)
from ungtui.services.meetings.meeting_agenda import ActionRow, set_action_done
from ungtui.tui.screens.paged_table import Page, PagedTableScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.plain import PlainSelect
from ungtui.tui.widgets.section_bar import SectionBar

COLUMNS = (
    Column("due", "Klart", 10),
    Column("what", "Åtgärd", 28, grow=True, least=20),
    Column("person", "Gäller", 14, priority=2),
    Column("who", "Ansvarig", 32, priority=1),
    Column("meeting", "Möte", 24, priority=1),
)


class ActionTable(FittedTable):
    BINDINGS = [
        Binding("x", "screen.done", "Klar", id="action_done"),
        Binding("enter", "select_cursor", "Öppna mötet", id="open_meeting"),
    ]


class OpenActionsScreen(PagedTableScreen[ActionRow]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back_from_actions"),
        Binding("u", "export_table", "Ta ut lista", id="export_actions"),
    ]

    DEFAULT_CSS = """
    OpenActionsScreen #action-filters { height: auto; }
    OpenActionsScreen #action-filters > Select { width: 40; }
    OpenActionsScreen.-narrow #action-filters > Select { width: 1fr; }
    OpenActionsScreen #open-actions { height: 1fr; }
    OpenActionsScreen #actions-status {
        height: 1; padding: 0 1; color: $text-muted; background: $boost;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = ActionFilter()
        self._overdue = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("moten", self.app.SECTIONS)
        yield Static("Öppna åtgärder från alla möten", classes="screen-title")
        with Horizontal(id="action-filters", classes="filter-row"):
            yield PlainSelect([], prompt="Alla organisationer", id="action-org")
            yield PlainSelect([], prompt="Alla ansvariga", id="action-person")
        yield ActionTable(
            COLUMNS,
            detail="actions-detail",
            id="open-actions",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield RowDetail(id="actions-detail")
        yield Static("", id="actions-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ActionTable).focus()
        self._load_choices()
        self.reload()

    @work(thread=True, exit_on_error=False)
    def _load_choices(self) -> None:
        orgs, people = filter_choices(self.app.db)
        self.app.call_from_thread(self._set_choices, orgs, people)

    def _set_choices(self, orgs: list[str], people: list[str]) -> None:
        self.query_one("#action-org", Select).set_options([(o, o) for o in orgs])
        self.query_one("#action-person", Select).set_options([(p, p) for p in people])

    def action_export_table(self) -> None:
        from ungtui.services.privacy.list_export import export_open_actions
        from ungtui.tui.screens.privacy.list_export import ListExportScreen

        db, user, flt = self.app.db, self.app.user, self.filter
        self.app.push_screen(
            ListExportScreen(
                "Öppna åtgärder med nuvarande urval",
                "atgarder",
                lambda path, _reveal, receiver: export_open_actions(
                    db, user, flt, path, receiver=receiver
                ),
                numbers=False,
            )
        )

    def paged_table(self) -> DataTable:
        return self.query_one(ActionTable)

    def fetch_page(self, offset: int, limit: int) -> Page[ActionRow]:
        flt, db = self.filter, self.app.db
        rows = list_open_actions(db, flt, offset=offset, limit=limit)
        if offset:
            return Page(rows)
        return Page(rows, count_open_actions(db, flt), extra=count_overdue(db, flt))

    def show_rows(self, table: DataTable, rows: list[ActionRow], first: bool) -> None:
        today = clock.today()
        for row in rows:
            due = Text(row.due_date.isoformat() if row.due_date else "")
            if row.overdue(today):
                due.stylize("bold red")
            table.add_row(
                due,
                row.what,
                row.person,
                f"{row.responsible_name} ({row.organisation_name})",
                row.meeting_label,
                key=f"{row.id}|{row.meeting_id}",
            )

    def page_shown(self, page: Page[ActionRow], first: bool) -> None:
        if first:
            self._overdue = page.extra or 0
        status = plural(self._total, "öppen åtgärd", "öppna åtgärder")
        if self._overdue:
            late = "försenad" if self._overdue == 1 else "försenade"
            status += f", varav {self._overdue} {late} (överst)"
        self.query_one("#actions-status", Static).update(status)

    @on(Select.Changed, "#action-org")
    def _org(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        self.filter = replace(self.filter, organisation_name=value)
        self.reload()

    @on(Select.Changed, "#action-person")
    def _person(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        self.filter = replace(self.filter, responsible_name=value)
        self.reload()

    def _current(self) -> tuple[str, str] | None:
        table = self.query_one(ActionTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        action_id, _, meeting_id = key.partition("|")
        return action_id, meeting_id

    def action_done(self) -> None:
        current = self._current()
        if current is not None:
            self._mark_done(current[0])

    @work(thread=True, exit_on_error=False)
    def _mark_done(self, action_id: str) -> None:
        try:
            set_action_done(self.app.db, action_id, True, actor_id=self.actor_id)
        except ServiceError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify("Åtgärden är klar.")
        self.app.call_from_thread(self.reload)

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        current = self._current()
        if current is not None:
            from ungtui.tui.screens.meetings.meeting import MeetingScreen

            self.app.push_screen(MeetingScreen(current[1]))

    def on_screen_resume(self) -> None:
        if self._loaded:
            self.reload()

    def action_back(self) -> None:
        self.dismiss()
