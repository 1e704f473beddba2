"""Bringing a spreadsheet list in: the file, what each column is (guessed, corrected with
one Select per column), the check report, and the import in one go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Input, Label, Select, Static

from ungtui.domain.table_import import FIELDS, cell_text, check_mapping, guess_mapping
from ungtui.domain.text import plural
from ungtui.services.errors import ServiceError
from ungtui.services.people.table_files import SheetTable, read_table, sheet_names
from ungtui.services.people.table_import import (
    ON_MATCH,
    ImportPlan,
    apply_import,
    plan_import,
    remember_mapping,
    remembered_mapping,
    report_lines,
)
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.plain import PlainSelect, bold, lines, plain

SAMPLE_ROWS = 2  # example values shown next to each column, so the user sees what it holds


class TableImportScreen(UngScreen[bool]):
    """Dismisses with True when people were imported (the list then reloads)."""

    DEFAULT_CSS = """
    TableImportScreen #import-file { height: auto; padding: 0 1; }
    TableImportScreen #import-path { width: 1fr; }
    TableImportScreen #import-sheet { width: 30; }
    TableImportScreen #import-on-match { width: 60; }
    TableImportScreen #import-body { height: 1fr; }
    TableImportScreen #import-columns { width: 62; border-right: solid $primary-darken-2; }
    TableImportScreen .column-row { height: 3; }
    TableImportScreen .column-name { width: 26; padding: 1 1 0 1; }
    TableImportScreen .column-row Select { width: 34; }
    TableImportScreen #import-report { width: 1fr; padding: 0 1; }
    TableImportScreen #import-status { height: auto; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("ctrl+s", "import", "Läs in", id="import", priority=True),
        Binding("escape", "back", "Tillbaka"),
    ]

    @dataclass
    class TableRead(Message):
        path: Path
        table: SheetTable
        mapping: list[str | None]
        sheets: list[str]

    @dataclass
    class Planned(Message):
        generation: int
        plan: ImportPlan | None
        problem: str

    def __init__(self) -> None:
        super().__init__()
        self._path: Path | None = None
        self._table: SheetTable | None = None
        self._plan: ImportPlan | None = None
        self._generation = 0
        self._importing = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="import-file"):
            yield Static("[b]Läs in en lista med deltagare[/b] (CSV från Excel eller .xlsx)")
            with Horizontal(classes="column-row"):
                yield Input(placeholder="Sökväg till filen, Enter läser den", id="import-path")
                yield PlainSelect([], prompt="Blad", id="import-sheet", disabled=True)
            yield Select(
                [(label, code) for code, label in ON_MATCH.items()],
                value="skip",
                allow_blank=False,
                id="import-on-match",
            )
        with Horizontal(id="import-body"):
            yield VerticalScroll(id="import-columns")
            with VerticalScroll(id="import-report"):
                yield Static("", id="import-report-text")
        yield Static("Skriv sökvägen till listan och tryck Enter.", id="import-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()
        self.watch(self.app, "screen_share", self._redraw_samples, init=False)

    # --- reading the file ------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    def _path_given(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self._status("Ange sökvägen till en .csv- eller .xlsx-fil.")
            return
        self._status("Läser filen …")
        self._read(Path(text).expanduser(), None)

    @on(Select.Changed, "#import-sheet")
    def _sheet_chosen(self, event: Select.Changed) -> None:
        table = self._table
        if self._path is None or event.value is Select.NULL or table is None:
            return
        if event.value != table.sheet:
            self._read(self._path, str(event.value))

    @work(thread=True, exclusive=True, group="read", exit_on_error=False)
    def _read(self, path: Path, sheet: str | None) -> None:
        try:
            table = read_table(path, sheet)
            sheets = sheet_names(path) if table.sheet else []
        except ServiceError as error:
            self.app.call_from_thread(self._status, str(error))
            return
        mapping = remembered_mapping(self.app.db, table.headers) or guess_mapping(table.headers)
        self.post_message(self.TableRead(path, table, mapping, sheets))

    @on(TableRead)
    async def _show_table(self, message: TableRead) -> None:
        self._path, self._table = message.path, message.table
        table = message.table
        sheet = self.query_one("#import-sheet", Select)
        with sheet.prevent(Select.Changed):
            sheet.set_options([(name, name) for name in message.sheets])
            sheet.disabled = not message.sheets
            if table.sheet:
                sheet.value = table.sheet
        columns = self.query_one("#import-columns", VerticalScroll)
        await columns.remove_children()
        options = [(label, code) for code, label in FIELDS.items()]
        rows = []
        for index in range(len(table.headers)):
            chosen = message.mapping[index]
            select = Select(
                options,
                prompt="Används inte",
                value=chosen if chosen else Select.NULL,
                id=f"column-{index}",
            )
            rows.append(
                Horizontal(
                    Label(self._column_label(index), classes="column-name"),
                    select,
                    classes="column-row",
                )
            )
        await columns.mount_all(rows)
        where = f"bladet {table.sheet}" if table.sheet else f"{table.encoding}, ”{table.separator}”"
        self._status(
            f"{plural(len(table.rows), 'rad', 'rader')} under rubrikraden "
            f"(rad {table.header_row}, {where}). "
            "Rätta kolumnerna vid behov; rapporten visar vad som händer. Ctrl+S läser in."
        )
        self._replan()

    def _column_label(self, index: int) -> Text:
        """A column's heading and, under it, examples of what it holds; no examples while
        the screen is shared, for they are names and numbers."""
        assert self._table is not None
        # Headers and cells come from the spreadsheet: text, not markup.
        header = plain(bold(self._table.headers[index] or "(utan rubrik)"))
        if self.app.screen_share:
            return lines([header, plain(("(exempel dolda vid skärmdelning)", "dim"))])
        samples = [cell_text(cells[index]) for _n, cells in self._table.rows[:SAMPLE_ROWS]]
        shown = " · ".join(s for s in samples if s)[:22]
        return lines([header, plain((shown, "dim"))])

    def _redraw_samples(self, _share: bool) -> None:
        if self._table is None:
            return
        for index, label in enumerate(self.query(".column-name").results(Label)):
            label.update(self._column_label(index))

    # --- checking ----------------------------------------------------------------------

    def _mapping(self) -> list[str | None]:
        assert self._table is not None
        result: list[str | None] = []
        for index in range(len(self._table.headers)):
            value = self.query_one(f"#column-{index}", Select).value
            result.append(None if value is Select.NULL else str(value))
        return result

    @on(Select.Changed)
    def _choice_changed(self, event: Select.Changed) -> None:
        if event.select.id and (
            event.select.id.startswith("column-") or event.select.id == "import-on-match"
        ):
            self._replan()

    def _replan(self) -> None:
        if self._table is None:
            return
        self._generation += 1
        self._plan = None
        mapping = self._mapping()
        problems = check_mapping(mapping)
        if problems:
            self._show_report(["Kolumnerna behöver rättas:", *(f"  {p}" for p in problems)])
            return
        self._show_report(["Kontrollerar …"])
        on_match = str(self.query_one("#import-on-match", Select).value)
        self._check(self._generation, self._table, mapping, on_match)

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _check(
        self, generation: int, table: SheetTable, mapping: list[str | None], on_match: str
    ) -> None:
        user = self.app.user
        try:
            plan = plan_import(
                self.app.db,
                table,
                mapping,
                organisation_id=user.organisation_id if user else None,
                on_match=on_match,
            )
        except ServiceError as error:
            self.post_message(self.Planned(generation, None, str(error)))
            return
        self.post_message(self.Planned(generation, plan, ""))

    @on(Planned)
    def _planned(self, message: Planned) -> None:
        if message.generation != self._generation:
            return
        self._plan = message.plan
        if message.plan is None:
            self._show_report([message.problem])
            return
        self._show_report(["Kontroll – inget är sparat än:", "", *report_lines(message.plan)])

    def _show_report(self, report: list[str]) -> None:
        text = plain("\n".join(report), multiline=True)  # row reasons quote the cells
        self.query_one("#import-report-text", Static).update(text)

    def _status(self, text: str) -> None:
        self.query_one("#import-status", Static).update(plain(text))

    # --- importing ---------------------------------------------------------------------

    def action_import(self) -> None:
        plan, table = self._plan, self._table
        if table is None:
            self._status("Läs först in en fil: skriv sökvägen och tryck Enter.")
            return
        if plan is None:
            self._status("Rätta kolumnerna och vänta på kontrollen innan du läser in.")
            return
        if not plan.creates and not plan.updates:
            self._status("Inget att läsa in: rapporten visar inga nya eller ändrade personer.")
            return
        if self._importing:
            return
        from ungtui.tui.screens.confirm import ConfirmScreen

        mapping = self._mapping()
        left = len(plan.rejected) + len(plan.review) + len(plan.skipped)
        text = (
            f"{plural(len(plan.creates), 'ny person', 'nya personer')} registreras och "
            f"{len(plan.updates)} uppdateras, "
            "allt på en gång."
        )
        if left:
            text += f" {plural(left, 'rad', 'rader')} lämnas utanför enligt rapporten."

        def answered(choice: str | None) -> None:
            if choice == "import" and not self._importing:
                self._importing = True
                self._status("Läser in …")
                self._apply(plan, table.headers, mapping)

        self.app.push_screen(
            ConfirmScreen("Läs in listan?", text, [("import", "Läs in"), ("cancel", "Avbryt")]),
            answered,
        )

    @work(thread=True, exclusive=True, group="apply", exit_on_error=False)
    def _apply(self, plan: ImportPlan, headers: list[str], mapping: list[str | None]) -> None:
        user = self.app.user
        try:
            result = apply_import(
                self.app.db,
                plan,
                actor_id=self.actor_id,
                organisation_id=user.organisation_id if user else None,
            )
            remember_mapping(self.app.db, headers, mapping)
        except ServiceError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(
            self._done, result.created, result.updated, len(plan.meanwhile)
        )

    def _failed(self, message: str) -> None:
        self._importing = False
        self._status(message)

    def _done(self, created: int, updated: int, meanwhile: int = 0) -> None:
        text = (
            f"{plural(created, 'ny person registrerad', 'nya personer registrerade')}, "
            f"{updated} uppdaterade."
        )
        if meanwhile:
            text += (
                f" {meanwhile} hade registrerats under tiden (av en annan inläsning) och "
                "lästes inte in igen."
            )
        self.app.notify(text, title="Listan är inläst")
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)
