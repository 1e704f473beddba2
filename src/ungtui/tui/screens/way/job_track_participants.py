"""One job track's participants: who started a measure in it, and whether they were in
the track's target group that day. Paged from SQL; Enter opens the person's way."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from ungtui.services.way.job_tracks import JobTrackRow, ParticipantRow, list_participants
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_identity, shown_name
from ungtui.tui.widgets.plain import plain

PAGE_SIZE = 100


class JobTrackParticipantsScreen(UngScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("enter", "open", "Öppna väg", id="open", priority=True),
    ]
    DEFAULT_CSS = """
    JobTrackParticipantsScreen #participants { height: 1fr; }
    """

    @dataclass
    class PageLoaded(Message):
        rows: list[ParticipantRow]
        offset: int

    def __init__(self, track: JobTrackRow) -> None:
        super().__init__()
        self.track = track
        self._rows: list[ParticipantRow] = []
        self._loading = False
        self._exhausted = False

    def compose(self) -> ComposeResult:
        f = self.track.figures
        yield Header()
        yield Static(plain(f"Deltagare i {self.track.name}"), classes="screen-title")
        yield Static(
            f"{f.participants} deltagare på {f.places} platser; målgrupp: "
            f"{self.track.target_group_label}, bedömd den dag insatsen startade.",
            classes="intro",
        )
        yield FittedTable(
            (
                Column("name", "Namn", 26, grow=True, least=16),
                Column("identity", "Personnummer", 13, priority=1),
                Column("start", "Start", 10),
                Column("end", "Slut", 10, priority=2),
                Column("status", "Status", 10, priority=1),
                Column("target", "Ur målgruppen", 13),
            ),
            detail="participants-detail",
            id="participants",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield RowDetail(id="participants-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._load(0)
        self.watch(self.app, "screen_share", self._redraw, init=False)

    @work(thread=True, exclusive=True, group="participants", exit_on_error=False)
    def _load(self, offset: int) -> None:
        rows = list_participants(self.app.db, self.track.id, offset=offset, limit=PAGE_SIZE)
        self.post_message(self.PageLoaded(rows, offset))

    def _who(self, row: ParticipantRow) -> tuple[str, str]:
        share = self.app.screen_share
        return (
            shown_name(row.name, share),
            shown_identity(row.identity, row.identity_kind, False, share),
        )

    def _redraw(self, _share: bool) -> None:
        table = self.query_one(DataTable)
        for index, row in enumerate(self._rows):
            name, identity = self._who(row)
            table.update_cell(str(index), "name", name)
            table.update_cell(str(index), "identity", identity)

    @on(PageLoaded)
    def _show(self, message: PageLoaded) -> None:
        table = self.query_one(DataTable)
        for row in message.rows:
            # A person may take part twice; the row number keeps the keys apart.
            table.add_row(
                *self._who(row),
                row.start_date.isoformat(),
                row.end_date.isoformat() if row.end_date else "",
                row.status,
                "ja" if row.in_target_group else "nej",
                key=str(len(self._rows)),
            )
            self._rows.append(row)
        self._exhausted = len(message.rows) < PAGE_SIZE
        self._loading = False

    @on(DataTable.RowHighlighted)
    def _more(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self._rows) - 20 and not self._exhausted and not self._loading:
            self._loading = True
            self._load(len(self._rows))

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        from ungtui.tui.screens.way.way import WayScreen

        self.app.push_screen(WayScreen(self._rows[table.cursor_row].individual_id))

    def action_back(self) -> None:
        self.dismiss()
