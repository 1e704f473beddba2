"""From a person's detail view: which work processes apply to them today, best first."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ungtui.services.errors import NotFound
from ungtui.services.processes.processes import ApplicableRow, applicable_for
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.plain import bold, plain


class ApplicableProcessesScreen(UngScreen[None]):
    BINDINGS = [Binding("escape", "back", "Tillbaka", id="applicable_back")]

    def __init__(self, individual_id: str) -> None:
        super().__init__()
        self.individual_id = individual_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Arbetsprocesser som gäller för personen", classes="screen-title")
        yield Static("", id="applicable-groups")
        yield FittedTable(
            (
                Column("title", "Arbetsprocess", 52, grow=True, least=24),
                Column("reason", "Målgrupp som passar", 26, priority=1),
                Column("responsible", "Ansvarig", 36, priority=2),
            ),
            detail="applicable-detail",
            id="applicable",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield RowDetail(id="applicable-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        try:
            rows, groups = applicable_for(self.app.db, self.individual_id)
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            self.app.call_from_thread(self.dismiss)
            return
        self.app.call_from_thread(self._show, rows, groups)

    def _show(self, rows: list[ApplicableRow], groups: str) -> None:
        if not rows:
            count = "ingen aktiv process passar"
        elif len(rows) == 1:
            count = "1 aktiv process"
        else:
            count = f"{len(rows)} aktiva processer"
        self.query_one("#applicable-groups", Static).update(
            plain("Målgrupper i dag: ", bold(groups), f" · {count}, bäst först")
        )
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            table.add_row(row.title, row.reason, row.responsible, key=row.id)

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_process(event.row_key.value)

    def action_back(self) -> None:
        self.dismiss()
