"""Möten: the list of joint meetings, paged from SQL, coming ones soonest first."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Select, Static

from ungtui.domain.meeting_time import WEEKDAY_NAMES
from ungtui.domain.text import plural
from ungtui.services.meetings import (
    WHEN_FILTERS,
    MeetingFilter,
    MeetingRow,
    count_meetings,
    list_meetings,
)
from ungtui.tui.screens.base import ReportsWorkerErrors
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.section_bar import SectionBar

PAGE_SIZE = 100
COLUMNS = (
    Column("when", "När", 20),
    Column("kind", "Sort", 20, priority=2),
    Column("title", "Rubrik", 34, grow=True, least=20),
    Column("place", "Plats", 26, priority=1),
    Column("items", "Punkter", 7, priority=3),
)


class MeetingTable(FittedTable):
    BINDINGS = [Binding("enter", "select_cursor", "Öppna", id="open")]


class MeetingsScreen(ReportsWorkerErrors, Screen[None]):
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

    @dataclass
    class PageLoaded(Message):
        generation: int
        rows: list[MeetingRow]
        offset: int
        total: int | None

    def __init__(self) -> None:
        super().__init__()
        self.filter = MeetingFilter()
        self._generation = 0
        self._loaded = 0
        self._total = 0
        self._loading_more = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("moten")
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

    def reload(self) -> None:
        self._generation += 1
        self._loading_more = False
        self._load(self._generation, self.filter, 0, True)

    @work(thread=True, exclusive=True, group="meetings", exit_on_error=False)
    def _load(self, generation: int, flt: MeetingFilter, offset: int, count: bool) -> None:
        rows = list_meetings(self.app.db, flt, offset=offset, limit=PAGE_SIZE)
        total = count_meetings(self.app.db, flt) if count else None
        self.post_message(self.PageLoaded(generation, rows, offset, total))

    @on(PageLoaded)
    def _show_page(self, message: PageLoaded) -> None:
        if message.generation != self._generation:
            return
        table = self.query_one(MeetingTable)
        if message.offset == 0:
            keep = table.cursor_row if table.row_count else 0
            table.clear()
            self._total = message.total or 0
        for row in message.rows:
            table.add_row(
                f"{WEEKDAY_NAMES[row.starts.weekday()][:3]} {row.starts:%Y-%m-%d %H:%M}",
                row.kind,
                row.title + (" ↻" if row.in_series else ""),
                row.place,
                str(row.items),
                key=row.id,
            )
        self._loaded = message.offset + len(message.rows)
        self._loading_more = False
        if message.offset == 0 and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        label = WHEN_FILTERS[self.filter.when].lower()
        status = f"{plural(self._total, 'möte', 'möten')} ({label})"
        if self._total == 0:
            status += " · n skapar ett nytt möte"
        self.query_one("#meetings-status", Static).update(status)

    @on(DataTable.RowHighlighted)
    def _maybe_load_more(self, event: DataTable.RowHighlighted) -> None:
        if (
            event.cursor_row >= self._loaded - 20
            and self._loaded < self._total
            and not self._loading_more
        ):
            self._loading_more = True
            self._load(self._generation, self.filter, self._loaded, False)

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
            from ungtui.tui.screens.meeting import MeetingScreen

            self.app.push_screen(MeetingScreen(event.row_key.value))

    def action_home(self) -> None:
        self.app.back_to_home()

    def action_new(self) -> None:
        from ungtui.tui.screens.meeting_form import MeetingFormScreen

        self.app.push_screen(MeetingFormScreen(None), self._after_new)

    def _after_new(self, meeting_id: str | None) -> None:
        if meeting_id:
            from ungtui.tui.screens.meeting import MeetingScreen

            self.app.push_screen(MeetingScreen(meeting_id))

    def action_edit(self) -> None:
        from ungtui.tui.screens.meeting_form import MeetingFormScreen

        meeting_id = self._current_id()
        if meeting_id:
            self.app.push_screen(MeetingFormScreen(meeting_id))

    def action_actions(self) -> None:
        from ungtui.tui.screens.meeting_actions import OpenActionsScreen

        self.app.push_screen(OpenActionsScreen())

    def on_screen_resume(self) -> None:
        if self._loaded or self._total == 0:
            self.reload()
