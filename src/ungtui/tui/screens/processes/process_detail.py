"""One work process: readable text, its agreement, its versions and what changed, and
ending it on behalf of a party."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Header, Input, Markdown, Select, Static

from ungtui.domain.fields import for_display
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.processes import SILENT, commitment_until
from ungtui.domain.text_diff import DiffLine
from ungtui.services import clock
from ungtui.services.errors import NotFound, ValidationError
from ungtui.services.processes.processes import (
    ProcessDetail,
    compare_versions,
    end_process,
    get_process,
    set_last_day,
)
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.screens.form_base import FormDialog
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, show_errors
from ungtui.tui.widgets.plain import PlainSelect, PlainTable, plain


class ProcessDetailScreen(UngScreen[None]):
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
            plain(detail.title, (f"  (version {detail.version})", "dim"))
        )
        readable = for_display(detail.readable, multiline=True)
        self.query_one("#process-text", Markdown).update(readable)

    def action_back(self) -> None:
        self.dismiss()

    def action_edit(self) -> None:
        from ungtui.tui.screens.processes.process_form import ProcessFormScreen

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
        self.app.open_agreement(self.detail.agreement_id)

    def action_end(self) -> None:
        detail = self.detail
        if detail is None:
            return
        if (
            detail.state == "uppsagd"
            and detail.commitment_until is None
            and detail.commitment_months is None
        ):
            self._ask_last_day(detail)
            return
        if detail.state != "aktiv":
            self.notify(f"Processen är redan {detail.status.lower()}.", severity="warning")
            return
        parties = list(zip(detail.party_names, detail.party_ids, strict=True))
        self.app.push_screen(
            EndProcessScreen(self.process_id, parties, detail.commitment_months), self._after_end
        )

    def _after_end(self, result: tuple[date | None] | None) -> None:
        if result is None:
            return
        (until,) = result
        if until is None:
            self.notify("Processen är uppsagd; sista dagen är inte bestämd.")
        else:
            self.notify(f"Processen är avslutad. Sista dag: {until.isoformat()}.")
        self.load()

    def _ask_last_day(self, detail: ProcessDetail) -> None:
        from ungtui.tui.screens.way.way_forms import Spec, WayFormScreen

        db, process_id = self.app.db, self.process_id

        def save(values) -> str:
            try:
                until = parse_day(str(values["until"]), clock.today())
            except ValueError as exc:
                raise ValidationError({"until": str(exc)}) from None
            try:
                set_last_day(
                    db, process_id, until=until, actor_id=self.actor_id
                )
            except ValidationError as exc:
                raise ValidationError({"until": next(iter(exc.errors.values()))}) from None
            return process_id

        def done(result: str | None) -> None:
            if result is not None:
                self.load()

        self.app.push_screen(
            WayFormScreen(
                "Sista dag för processen",
                [
                    Spec("until", "Sista dag som parterna kommit överens om", "date")
                ],
                save,
                intro=f"{SILENT}. Processen står som uppsagd tills parterna har bestämt en "
                "sista dag.",
                done="Sista dagen är sparad.",
            ),
            done,
        )


class VersionsScreen(UngScreen[None]):
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
        yield Static(plain(f"Versioner av {self.detail.title}"), classes="screen-title")
        table = PlainTable(id="versions", cursor_type="row")
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


class DiffScreen(UngScreen[None]):
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
            plain(f"{self.title_text}: version {self.older} → {self.newer}"),
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
            text.append(f"{signs[line.kind]}{for_display(line.text)}\n", style=styles[line.kind])
        self.query_one("#diff-text", Static).update(text)

    def action_back(self) -> None:
        self.dismiss()


class EndProcessScreen(FormDialog[tuple[date | None] | None]):
    """A party tells the operative steering group it ends the process. Under an agreement
    with a commitment rule (Malmö 16–29) it asks the facts the rule turns on; under one
    that says nothing it says so, and asks for a last day only if the parties agreed one."""

    DEFAULT_CSS = """
    EndProcessScreen { align: center middle; }
    EndProcessScreen > Vertical { width: 76; height: auto; max-height: 1fr; padding: 0 2;
        overflow-y: auto; border: thick $primary; background: $surface; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Avsluta processen", priority=True, id="save_end"),
        Binding("escape", "close", "Avbryt", id="cancel_end"),
    ]
    YES_NO = [("Ja", "ja"), ("Nej", "nej")]

    def __init__(
        self, process_id: str, parties: list[tuple[str, str]], months: int | None = None
    ) -> None:
        super().__init__()
        self.process_id = process_id
        self.parties = parties
        self.months = months

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Avsluta arbetsprocessen", classes="dialog-title")
            if self.months is not None:
                yield Static(
                    "En part avslutar processen genom att meddela den operativa styrgruppens "
                    "övriga medlemmar. Har parten full rådighet över sin del ska den vara "
                    f"beredd att följa sitt åtagande i upp till {self.months} månader, om den "
                    "andra parten begär det."
                )
            else:
                yield Static(
                    f"{SILENT}. Processen står som uppsagd tills parterna har bestämt en sista "
                    "dag; ange den om ni redan har kommit överens."
                )
            yield FormField(
                "Part som avslutar",
                PlainSelect(self.parties, prompt="Välj part", id="end-party"),
                name="party",
            )
            yield FormField(
                "Datum då styrgruppen fick veta"
                if self.months is not None
                else "Datum då de andra parterna fick veta",
                DateInput(clock.today().isoformat(), id="end-date"),
                name="ended_on",
            )
            if self.months is not None:
                yield FormField(
                    "Har parten full rådighet över sin del?",
                    Select(self.YES_NO, prompt="Välj", id="end-control"),
                    name="full_control",
                )
                yield FormField(
                    "Begär den andra parten att åtagandet fortsätter?",
                    Select(self.YES_NO, prompt="Välj", id="end-requested"),
                    name="requested",
                )
            yield FormField(
                "Åtagandet gäller t.o.m." if self.months is not None else "Sista dag (valfri)",
                DateInput(id="end-until"),
                name="commitment_until",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#end-party", Select).focus()
        self._hint(self.query_one("#end-date", Input).value)

    @on(Input.Changed, "#end-date")
    def _date_changed(self, event: Input.Changed) -> None:
        self._hint(event.value)

    def _hint(self, value: str) -> None:
        field = self.query_one("#field-commitment_until", FormField)
        try:
            ended = parse_day(value, clock.today())
        except ValueError:
            field.set_hint("")
            return
        if self.months is not None:
            field.set_hint(
                f"Högst t.o.m. {commitment_until(ended, self.months).isoformat()}; tomt = "
                "hela tiden om den andra parten begär det."
            )
        else:
            field.set_hint("Tomt: processen står som uppsagd tills en sista dag är bestämd.")

    def _answer(self, widget_id: str) -> bool | None:
        value = self.query_one(widget_id, Select).value
        return None if value is Select.NULL else value == "ja"

    def action_save(self) -> None:
        party = self.query_one("#end-party", Select).value
        errors: dict[str, str] = {}
        if party is Select.NULL:
            errors["party"] = "Välj vilken part som avslutar processen."
        ended = until = None
        try:
            ended = parse_day(self.query_one("#end-date", Input).value, clock.today())
        except ValueError as exc:
            errors["ended_on"] = str(exc)
        raw_until = self.query_one("#end-until", Input).value.strip()
        if raw_until:
            try:
                until = parse_day(raw_until, clock.today())
            except ValueError as exc:
                errors["commitment_until"] = str(exc)
        full_control = requested = None
        if self.months is not None:
            full_control = self._answer("#end-control")
            requested = self._answer("#end-requested")
            if full_control is None:
                errors["full_control"] = "Ange om parten har full rådighet över sin del."
            if full_control and requested is None:
                errors["requested"] = "Ange om den andra parten begär att åtagandet fortsätter."
        if errors:
            show_errors(self, errors)
            return
        assert ended is not None
        self._save(str(party), ended, full_control, requested, until)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _save(self, party_id, ended, full_control, requested, until) -> None:
        self.save_and_close(
            lambda: end_process(
                self.app.db,
                self.process_id,
                party_id=party_id,
                on=ended,
                full_control=full_control,
                requested=requested,
                until=until,
                actor_id=self.actor_id,
            ),
            None,  # the process view says what ending it means
            result=lambda last: (last,),
        )
