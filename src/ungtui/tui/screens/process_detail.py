"""One work process: readable text, its agreement, its versions and what changed, and
ending it on behalf of a party."""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Markdown, Select, Static

from ungtui.domain.meeting_time import parse_day
from ungtui.domain.processes import commitment_until
from ungtui.domain.text_diff import DiffLine
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.processes import (
    ProcessDetail,
    compare_versions,
    end_process,
    get_process,
)
from ungtui.tui.screens.base import ReportsWorkerErrors
from ungtui.tui.screens.form_base import FormDialog
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, show_errors


class ProcessDetailScreen(ReportsWorkerErrors, Screen[None]):
    DEFAULT_CSS = """
    ProcessDetailScreen #process-body { padding: 0 1; }
    ProcessDetailScreen #process-body Markdown { margin: 0; }
    """
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="process_detail_back"),
        Binding("e", "edit", "Ändra", id="edit_process"),
        Binding("h", "versions", "Versioner", id="versions"),
        Binding("a", "agreement", "Överenskommelsen", id="open_agreement"),
        Binding("x", "end", "Avsluta processen", id="end_process"),
    ]

    def __init__(self, process_id: str) -> None:
        super().__init__()
        self.process_id = process_id
        self.detail: ProcessDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="process-body"):
            yield Static("", id="process-title", classes="screen-title")
            yield Markdown("", id="process-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#process-body").focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.load()

    @work(thread=True, exclusive=True, group="process-detail", exit_on_error=False)
    def load(self) -> None:
        try:
            detail = get_process(self.app.db, self.process_id)
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            self.app.call_from_thread(self.dismiss)
            return
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: ProcessDetail) -> None:
        self.detail = detail
        self.query_one("#process-title", Static).update(
            f"{escape(detail.title)}  [dim](version {detail.version})[/]"
        )
        self.query_one("#process-text", Markdown).update(detail.readable)

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        from ungtui.tui.screens.process_form import ProcessFormScreen

        # The detail reloads when the form closes (on_screen_resume).
        self.app.push_screen(ProcessFormScreen(self.process_id))

    def action_versions(self) -> None:
        if self.detail is not None:
            self.app.push_screen(VersionsScreen(self.detail))

    def action_agreement(self) -> None:
        if self.detail is None:
            return
        if not self.detail.agreement_id:
            self.notify("Processen hör inte till någon överenskommelse här.", severity="warning")
            return
        from ungtui.tui.screens.agreements import AgreementDetailScreen

        self.app.push_screen(AgreementDetailScreen(self.detail.agreement_id))

    def action_end(self) -> None:
        if self.detail is None:
            return
        if self.detail.state != "aktiv":
            self.notify(f"Processen är redan {self.detail.status.lower()}.", severity="warning")
            return
        parties = list(zip(self.detail.party_names, self.detail.party_ids, strict=True))
        self.app.push_screen(EndProcessScreen(self.process_id, parties), self._after_end)

    def _after_end(self, until: date | None) -> None:
        if until is not None:
            self.notify(f"Processen är avslutad. Åtagandet gäller t.o.m. {until.isoformat()}.")
            self.load()


class VersionsScreen(ReportsWorkerErrors, Screen[None]):
    """Every saved version; Enter shows what changed from the one before, or from the
    version marked with m."""

    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="versions_back"),
        Binding("enter", "compare", "Visa ändringar", id="compare", priority=True),
        Binding("m", "mark", "Markera för jämförelse", id="mark_version"),
    ]

    def __init__(self, detail: ProcessDetail) -> None:
        super().__init__()
        self.detail = detail
        self.marked: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Versioner av {escape(self.detail.title)}", classes="screen-title")
        table: DataTable[str] = DataTable(id="versions", cursor_type="row")
        for label, width in (("Version", 8), ("Sparad", 16), ("Av", 24), ("", 12)):
            table.add_column(label, width=width)
        yield table
        yield Static("", id="versions-hint")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._fill()
        self.query_one(DataTable).focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for v in self.detail.versions:
            mark = "markerad" if v.version == self.marked else ""
            table.add_row(str(v.version), v.at, v.author or "–", mark, key=str(v.version))
        table.move_cursor(row=keep)
        hint = (
            f"Enter jämför version {self.marked} med den valda."
            if self.marked
            else "Enter visar vad som ändrades mot versionen före."
        )
        self.query_one("#versions-hint", Static).update(hint)

    def _selected(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)

    def action_mark(self) -> None:
        selected = self._selected()
        self.marked = None if selected == self.marked else selected
        self._fill()

    def action_compare(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        if self.marked is not None and self.marked != selected:
            older, newer = sorted((self.marked, selected))
        elif selected > 1:
            older, newer = selected - 1, selected
        else:
            self.notify("Version 1 är den första; det finns inget före den.", severity="warning")
            return
        self.app.push_screen(DiffScreen(self.detail.id, self.detail.title, older, newer))

    def action_back(self) -> None:
        self.dismiss()


class DiffScreen(ReportsWorkerErrors, Screen[None]):
    DEFAULT_CSS = """
    DiffScreen #diff { padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "back", "Tillbaka", id="diff_back")]

    def __init__(self, process_id: str, title: str, older: int, newer: int) -> None:
        super().__init__()
        self.process_id = process_id
        self.title_text = title
        self.older = older
        self.newer = newer

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            f"{escape(self.title_text)}: version {self.older} → {self.newer}",
            classes="screen-title",
        )
        with VerticalScroll(id="diff"):
            yield Static("", id="diff-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#diff").focus()
        self.load()

    @work(thread=True, exit_on_error=False)
    def load(self) -> None:
        lines = compare_versions(self.app.db, self.process_id, self.older, self.newer)
        self.app.call_from_thread(self._show, lines)

    def _show(self, lines: list[DiffLine]) -> None:
        if not lines:
            self.query_one("#diff-text", Static).update("Inga skillnader.")
            return
        text = Text()
        styles = {"+": "green", "-": "red", " ": "", "@": "dim"}
        signs = {"+": "+ ", "-": "− ", " ": "  ", "@": "  "}
        for line in lines:
            text.append(f"{signs[line.kind]}{line.text}\n", style=styles[line.kind])
        self.query_one("#diff-text", Static).update(text)

    def action_back(self) -> None:
        self.dismiss()


class EndProcessScreen(FormDialog[date | None]):
    """A party tells the operative steering group it ends the process."""

    DEFAULT_CSS = """
    EndProcessScreen > Vertical { width: 70; height: auto; padding: 1 2;
        border: thick $primary; background: $surface; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Avsluta processen", priority=True, id="save_end"),
        Binding("escape", "close", "Avbryt", id="cancel_end"),
    ]

    def __init__(self, process_id: str, parties: list[tuple[str, str]]) -> None:
        super().__init__()
        self.process_id = process_id
        self.parties = parties

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Avsluta arbetsprocessen", classes="dialog-title")
            yield Static(
                "En part avslutar processen genom att meddela den operativa styrgruppen. "
                "Parten står kvar vid sitt åtagande i upp till tre månader om den andra "
                "parten begär det."
            )
            yield FormField(
                "Part som avslutar",
                Select(self.parties, prompt="Välj part", id="end-party"),
                name="party",
            )
            yield FormField(
                "Datum då styrgruppen fick veta",
                DateInput(clock.today().isoformat(), id="end-date"),
                name="ended_on",
            )

    def on_mount(self) -> None:
        self.query_one("#end-party", Select).focus()
        self._hint(self.query_one("#end-date", Input).value)

    @on(Input.Changed, "#end-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self._hint(event.value)

    def _hint(self, value: str) -> None:
        field = self.query_one("#field-ended_on", FormField)
        try:
            ended = parse_day(value, clock.today())
        except ValueError:
            field.set_hint("")
            return
        field.set_hint(f"Åtagandet gäller t.o.m. {commitment_until(ended).isoformat()}.")

    def action_save(self) -> None:
        party = self.query_one("#end-party", Select).value
        errors: dict[str, str] = {}
        if party is Select.NULL:
            errors["party"] = "Välj vilken part som avslutar processen."
        try:
            ended = parse_day(self.query_one("#end-date", Input).value, clock.today())
        except ValueError as exc:
            errors["ended_on"] = str(exc)
        if errors:
            show_errors(self, errors)
            return
        self._save(str(party), ended)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _save(self, party_id: str, ended: date) -> None:
        user = self.app.user
        try:
            until = end_process(
                self.app.db,
                self.process_id,
                party_id=party_id,
                on=ended,
                actor_id=user.staff_id if user else None,
            )
        except ValidationError as exc:
            self.app.call_from_thread(show_errors, self, exc.errors)
            return
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.call_from_thread(self.dismiss, until)
