"""Agreements' guarantees (Ungdomskontraktet's 90 days): covered people with an open way
and no measure that counts yet, whose deadline is within 14 days or past. Paged from SQL.
Without an agreement that holds a guarantee the list says so and stays empty."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from ungtui.domain.guarantee import GuaranteeRules
from ungtui.domain.text import plural
from ungtui.services.way.guarantee import WatchRow, count_watch, guarantee_rules, list_watch
from ungtui.tui.screens.way.mine_or_all import MineOrAllScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_identity, shown_name

PAGE_SIZE = 100


class GuaranteeScreen(MineOrAllScreen):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("enter", "open", "Öppna väg", id="open", priority=True),
        Binding("u", "follow_ups", "Uppföljningar", id="follow_ups"),
        # One key, said as what it does now (check_action lets one of the two through).
        Binding("v", "show_mine(False)", "Visa alla", id="show_all"),
        Binding("v", "show_mine(True)", "Visa mina", id="show_mine"),
    ]
    DEFAULT_CSS = """
    GuaranteeScreen #watch { height: 1fr; }
    """

    @dataclass
    class PageLoaded(Message):
        rows: list[WatchRow]
        offset: int
        counts: tuple[int, int] | None
        rule: GuaranteeRules

    def __init__(self, staff_id: str | None = None) -> None:
        super().__init__(staff_id)
        self._rows: dict[str, WatchRow] = {}
        self._total = 0
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="watch-title", classes="screen-title")
        yield Static("", id="watch-intro", classes="intro")
        yield FittedTable(
            (
                Column("name", "Namn", 24, grow=True, least=16),
                Column("identity", "Personnummer", 13, priority=2),
                Column("age", "Ålder ja/nu", 11, priority=3),
                Column("entry", "Tackade ja", 10, priority=3),
                Column("deadline", "Gräns", 10),
                Column("left", "Läge", 16),
                Column("phase", "Fas", 18, priority=1),
            ),
            detail="watch-detail",
            id="watch",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield RowDetail(id="watch-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self._show_title()
        self._load(0, True)
        self.watch(self.app, "screen_share", self._redraw, init=False)

    def _who(self, row: WatchRow) -> tuple[str, str]:
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

    def on_screen_resume(self) -> None:
        if self._loaded:
            self._load(0, True)

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _load(self, offset: int, count: bool) -> None:
        db = self.app.db
        rule = guarantee_rules(db)
        staff = self.shown_staff_id
        rows = list_watch(db, rule=rule, offset=offset, limit=PAGE_SIZE, staff_id=staff)
        counts = count_watch(db, rule=rule, staff_id=staff) if count else None
        self.post_message(self.PageLoaded(rows, offset, counts, rule))

    @on(PageLoaded)
    def _show(self, message: PageLoaded) -> None:
        table = self.query_one(DataTable)
        if message.offset == 0:
            table.clear()
            self._rows.clear()
        if message.counts is not None:
            near, past = message.counts
            self._total = near + past
            intro = Text()
            if not message.rule.agreements:
                intro.append(
                    "Ingen överenskommelse här har en garanti om insats inom viss tid, så det "
                    "finns inget att bevaka. (Ungdomskontraktet i Västerås har en: läs in "
                    "startinnehållet med l under F5.)"
                )
            else:
                warn = message.rule.agreements[0].rule.warn_days
                intro.append(
                    f"{past} har passerat gränsen och {near} har högst {warn} dagar kvar.\n"
                )
                for a in message.rule.agreements:
                    intro.append(f"{a.title}: ", style="bold")
                    intro.append(a.rule.text() + ", för den vars ärende en part har.\n")
            self.query_one("#watch-intro", Static).update(intro)
        for r in message.rows:
            if r.past:
                left = Text(f"passerad {-r.days_left} d", style="bold red")
            else:
                left = Text(f"{plural(r.days_left, 'dag', 'dagar')} kvar", style="bold yellow")
            self._rows[r.individual_id] = r
            table.add_row(
                *self._who(r),
                f"{r.age_at_joining} / {r.age_now}",
                r.joined_on.isoformat(),
                r.deadline.isoformat(),
                left,
                r.phase,
                key=r.individual_id,
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

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None:
            return
        from ungtui.tui.screens.way.way import WayScreen

        self.app.push_screen(WayScreen(key))

    def action_follow_ups(self) -> None:
        from ungtui.tui.screens.way.follow_ups_due import FollowUpsDueScreen

        self.app.push_screen(FollowUpsDueScreen(self.shown_staff_id))

    def _show_title(self) -> None:
        whose = " för dina deltagare" if self._mine else ""
        self.query_one("#watch-title", Static).update(
            f"Garanti om insats inom viss tid{whose}"
        )


    def action_back(self) -> None:
        self.dismiss()
