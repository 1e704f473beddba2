"""Follow-ups due across the register (90, 180 and 360 days after exit, not recorded):
overdue first, then those within two weeks. Paged from SQL; Enter opens the way."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from ungtui.domain.text import plural
from ungtui.services.way.follow_ups_due import AHEAD_DAYS, DueRow, count_due, list_due
from ungtui.tui.screens.way.mine_or_all import MineOrAllScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_identity, shown_name

PAGE_SIZE = 100


class FollowUpsDueScreen(MineOrAllScreen):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("enter", "open", "Öppna väg", id="open", priority=True),
        # One key, said as what it does now (check_action lets one of the two through).
        Binding("v", "show_mine(False)", "Visa alla", id="show_all"),
        Binding("v", "show_mine(True)", "Visa mina", id="show_mine"),
    ]
    DEFAULT_CSS = """
    FollowUpsDueScreen #due { height: 1fr; }
    """

    @dataclass
    class PageLoaded(Message):
        rows: list[DueRow]
        offset: int
        counts: tuple[int, int] | None

    def __init__(self, staff_id: str | None = None) -> None:
        super().__init__(staff_id)
        self._rows: dict[str, DueRow] = {}
        self._total = 0
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="due-title", classes="screen-title")
        yield Static("", id="due-intro", classes="intro")
        yield FittedTable(
            (
                Column("name", "Namn", 22, grow=True, least=16),
                Column("identity", "Personnummer", 13, priority=2),
                Column("exit", "Avslut", 10, priority=3),
                Column("outcome", "Utfall vid avslut", 22, priority=1),
                Column("offset", "Uppföljning", 11),
                Column("due", "Ska göras", 10),
                Column("left", "Läge", 14),
            ),
            detail="due-detail",
            id="due",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield RowDetail(id="due-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._show_title()
        self._load(0, True)
        self.watch(self.app, "screen_share", self._redraw, init=False)

    def on_screen_resume(self) -> None:
        if self._loaded:
            self._load(0, True)

    @work(thread=True, exclusive=True, group="due", exit_on_error=False)
    def _load(self, offset: int, count: bool) -> None:
        db = self.app.db
        staff = self.shown_staff_id
        rows = list_due(db, offset=offset, limit=PAGE_SIZE, staff_id=staff)
        counts = count_due(db, staff_id=staff) if count else None
        self.post_message(self.PageLoaded(rows, offset, counts))

    @staticmethod
    def _key(row: DueRow) -> str:
        return f"{row.way_id}:{row.day_offset}"

    def _who(self, row: DueRow) -> tuple[str, str]:
        share = self.app.screen_share
        return (
            shown_name(row.name, share),
            shown_identity(row.identity, row.identity_kind, False, share),
        )

    def _redraw(self, _share: bool) -> None:
        table = self.query_one(DataTable)
        for key, row in self._rows.items():
            name, identity = self._who(row)
            table.update_cell(key, "name", name)
            table.update_cell(key, "identity", identity)

    @on(PageLoaded)
    def _show(self, message: PageLoaded) -> None:
        table = self.query_one(DataTable)
        if message.offset == 0:
            table.clear()
            self._rows.clear()
        if message.counts is not None:
            coming, overdue = message.counts
            self._total = coming + overdue
            self.query_one("#due-intro", Static).update(
                f"{plural(overdue, 'uppföljning är försenad', 'uppföljningar är försenade')} "
                f"och {coming} ska göras inom "
                f"{AHEAD_DAYS} dagar. Uppföljning sker 90, 180 och 360 dagar efter avslut; "
                "Enter öppnar vägen, där u registrerar vad personen gör nu."
            )
        for r in message.rows:
            if r.overdue:
                left = Text(f"försenad {-r.days_left} d", style="bold red")
            elif r.days_left == 0:
                left = Text("i dag", style="bold yellow")
            else:
                left = Text(f"om {plural(r.days_left, 'dag', 'dagar')}", style="yellow")
            key = self._key(r)
            self._rows[key] = r
            table.add_row(
                *self._who(r),
                r.exit_on.isoformat(),
                r.outcome_label,
                f"{r.day_offset} dagar",
                r.due.isoformat(),
                left,
                key=key,
            )
        self._loaded = message.offset + len(message.rows)
        self._loading = False

    @on(DataTable.RowHighlighted)
    def _more(self, event: DataTable.RowHighlighted) -> None:
        if (
            event.cursor_row >= self._loaded - 20
            and self._loaded < self._total
            and not self._loading
        ):
            self._loading = True
            self._load(self._loaded, False)

    def _show_title(self) -> None:
        whose = "för dina deltagare" if self._mine else "i hela registret"
        self.query_one("#due-title", Static).update(f"Uppföljningar att göra {whose}")


    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        row = self._rows.get(key or "")
        if row is None:
            return
        from ungtui.tui.screens.way.way import WayScreen

        self.app.push_screen(WayScreen(row.individual_id))

    def action_back(self) -> None:
        self.dismiss()
