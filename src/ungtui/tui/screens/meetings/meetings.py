"""Möten: the list of joint meetings, paged from SQL, coming ones soonest first."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Select, Static

from ungtui.domain.meeting_time import WEEKDAY_NAMES
from ungtui.domain.text import plural
from ungtui.services.meetings.meetings import (
    WHEN_FILTERS,
    MeetingFilter,
    MeetingRow,
    count_meetings,
    list_meetings,
)
from ungtui.tui.screens.paged_table import Page, PagedTableScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.section_bar import SectionBar

COLUMNS = (
    Column("when", "När", 20),
    Column("kind", "Sort", 20, priority=2),
    Column("title", "Rubrik", 34, grow=True, least=20),
    Column("place", "Plats", 26, priority=1),
    Column("items", "Punkter", 7, priority=3),
)


class MeetingTable(FittedTable):
    BINDINGS = [Binding("enter", "select_cursor", "Öppna", id="open")]


class MeetingsScreen(PagedTableScreen[MeetingRow]):
    BINDINGS = [
        Binding("n", "new", "Nytt möte", id="new_meeting"),
        Binding("e", "edit", "Ändra", id="edit_meeting"),
        Binding("a", "actions", "Öppna åtgärder", id="open_actions"),
        Binding("escape", "home", "Deltagare", show=False),
    ]

    DEFAULT_CSS = """
    MeetingsScreen #meeting-filters { height: auto; }
    MeetingsScreen #meeting-when { width: 24; }
    MeetingsScreen #meetings { height: 1fr; }
    MeetingsScreen #meetings-status {
        height: 1; padding: 0 1; color: $text-muted; background: $boost;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.filter = MeetingFilter()

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("moten", self.app.SECTIONS)
        with Horizontal(id="meeting-filters", classes="filter-row"):
            yield Select(
                [(label, code) for code, label in WHEN_FILTERS.items()],
                value="kommande",
                allow_blank=False,
                id="meeting-when",
            )
        yield MeetingTable(
            COLUMNS, detail="meetings-detail", id="meetings", cursor_type="row", zebra_stripes=True
        )
        yield RowDetail(id="meetings-detail")
        yield Static("", id="meetings-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(MeetingTable).focus()
        self.reload()

    def paged_table(self) -> DataTable:
        return self.query_one(MeetingTable)

    def fetch_page(self, offset: int, limit: int) -> Page[MeetingRow]:
        flt = self.filter
        rows = list_meetings(self.app.db, flt, offset=offset, limit=limit)
        return Page(rows, count_meetings(self.app.db, flt) if offset == 0 else None)

    def show_rows(self, table: DataTable, rows: list[MeetingRow], first: bool) -> None:
        for row in rows:
            table.add_row(
                f"{WEEKDAY_NAMES[row.starts.weekday()][:3]} {row.starts:%Y-%m-%d %H:%M}",
                row.kind,
                row.title + (" ↻" if row.in_series else ""),
                row.place,
                str(row.items),
                key=row.id,
            )

    def page_shown(self, page: Page[MeetingRow], first: bool) -> None:
        label = WHEN_FILTERS[self.filter.when].lower()
        status = f"{plural(self._total, 'möte', 'möten')} ({label})"
        if self._total == 0:
            status += " · n skapar ett nytt möte"
        self.query_one("#meetings-status", Static).update(status)

    @on(Select.Changed, "#meeting-when")
    def _when(self, event: Select.Changed) -> None:
        self.filter = MeetingFilter(when=str(event.value))
        self.reload()

    def _current_id(self) -> str | None:
        table = self.query_one(MeetingTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            from ungtui.tui.screens.meetings.meeting import MeetingScreen

            self.app.push_screen(MeetingScreen(event.row_key.value))

    def action_home(self) -> None:
        self.app.back_to_home()

    def action_new(self) -> None:
        from ungtui.tui.screens.meetings.meeting_form import MeetingFormScreen

        self.app.push_screen(MeetingFormScreen(None), self._after_new)

    def _after_new(self, meeting_id: str | None) -> None:
        if meeting_id:
            from ungtui.tui.screens.meetings.meeting import MeetingScreen

            self.app.push_screen(MeetingScreen(meeting_id))

    def action_edit(self) -> None:
        from ungtui.tui.screens.meetings.meeting_form import MeetingFormScreen

        meeting_id = self._current_id()
        if meeting_id:
            self.app.push_screen(MeetingFormScreen(meeting_id))

    def action_actions(self) -> None:
        from ungtui.tui.screens.meetings.meeting_actions import OpenActionsScreen

        self.app.push_screen(OpenActionsScreen())

    def on_screen_resume(self) -> None:
        if self._loaded or self._total == 0:
            self.reload()
