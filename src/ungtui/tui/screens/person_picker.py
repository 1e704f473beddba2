"""Pick a person by typing part of a name or number; dismisses with their id."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from ungtui.services.people.individuals import IndividualFilter, IndividualRow, list_individuals
from ungtui.tui.screens.base import UngModalScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_identity, shown_name
from ungtui.tui.widgets.plain import PlainTable, plain

MAX_ROWS = 30


class PersonPickerScreen(UngModalScreen[str | None]):
    DEFAULT_CSS = """
    PersonPickerScreen { align: center middle; }
    #picker-dialog { width: 84; height: 28; }
    #picker-table { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "cancel", "Avbryt", id="cancel")]

    @dataclass
    class Found(Message):
        generation: int
        rows: list[IndividualRow]

    def __init__(self, title: str) -> None:
        super().__init__()
        self._title = title
        self._generation = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker-dialog"):
            yield Static(plain(self._title), classes="dialog-title")
            yield Input(placeholder="Skriv namn eller del av personnummer …", id="picker-search")
            table = PlainTable(id="picker-table", cursor_type="row")
            for label, width in (("Namn", 30), ("Nummer", 14), ("Ålder", 5), ("Status", 10)):
                table.add_column(label, width=width)
            yield table
            yield Static("Enter väljer · Esc avbryter", classes="field-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#picker-search", Input).focus()
        self._search(0, "")
        self.watch(self.app, "screen_share", self._redraw, init=False)

    def _redraw(self, _share: bool) -> None:
        self._generation += 1
        self._search(self._generation, self.query_one("#picker-search", Input).value)

    @on(Input.Changed, "#picker-search")
    def _changed(self, event: Input.Changed) -> None:
        self._generation += 1
        self._search(self._generation, event.value)

    @work(thread=True, exclusive=True, group="picker", exit_on_error=False)
    def _search(self, generation: int, text: str) -> None:
        rows = list_individuals(self.app.db, IndividualFilter(text=text), limit=MAX_ROWS)
        self.post_message(self.Found(generation, rows))

    @on(Found)
    def _show(self, message: Found) -> None:
        if message.generation != self._generation:
            return
        table = self.query_one("#picker-table", DataTable)
        table.clear()
        share = self.app.screen_share
        for row in message.rows:
            table.add_row(
                shown_name(row.name, share),
                shown_identity(row.identity, row.identity_kind, revealed=False, share=share),
                "" if row.age is None else str(row.age),
                row.status,
                key=row.id,
            )

    @on(Input.Submitted, "#picker-search")
    def _to_table(self) -> None:
        table = self.query_one("#picker-table", DataTable)
        if table.row_count == 1:
            self.dismiss(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        elif table.row_count:
            table.focus()

    @on(DataTable.RowSelected, "#picker-table")
    def _picked(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
