"""Arbetsprocesser (F5): answers as you type, with filters; paged from SQL in a worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Select, Static

from ungtui.domain.fields import for_display
from ungtui.domain.processes import STATES
from ungtui.domain.target_groups import GROUPS
from ungtui.domain.text import plain_markdown
from ungtui.services.people.organisations import list_organisations
from ungtui.services.processes.processes import ProcessRow, count, has_processes, search
from ungtui.services.processes.starting_content import load_starting_content
from ungtui.store.process_search import MARK_END, MARK_START, ProcessQuery
from ungtui.tui.app_base import UngAppBase
from ungtui.tui.screens.base import failure_message
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.paged_table import Page, PagedTableScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.plain import PlainSelect, plain
from ungtui.tui.widgets.section_bar import SectionBar

# Two lines a row: the title, and under it the snippet with the matched words, cut to the
# width the title gets (less on a narrow screen, where the status goes under the list).
COLUMNS = (
    Column("title", "Arbetsprocess och träff", 78, grow=True, least=40),
    Column("status", "Status", 36, priority=1),
)
EMPTY_TEXT = (
    "Det finns inga arbetsprocesser här än.\n\n"
    "Tryck [b]l[/] för att läsa in startinnehållet: fem överenskommelser (Malmö stad, "
    "Stockholms stad, Västerås stad och kommunerna Värnamo, Gnosjö och Gislaved med "
    "Arbetsförmedlingen) och femton arbetsprocesser ur parternas bilagor. Processer kan "
    "också läsas in från Markdown: ungtui process import FIL."
)


def title_and_snippet(title: str, snippet: str, width: int) -> Text:
    """The title, and under it the snippet with the matched words standing out (the
    store layer marks them)."""
    title = for_display(title)
    text = Text(title[: width - 1] + "…" if len(title) > width else title, style="bold")
    text.append("\n  ")
    line = Text(style="dim")
    # The snippet is cut from the Markdown source: its marks are not for the reader.
    snippet = plain_markdown(snippet)
    for index, part in enumerate(snippet.replace(MARK_END, MARK_START).split(MARK_START)):
        line.append(for_display(part), style="not dim bold reverse" if index % 2 else "")
    line.truncate(width - 2, overflow="ellipsis")
    text.append_text(line)
    return text


class ProcessTable(FittedTable):
    BINDINGS = [Binding("enter", "select_cursor", "Öppna", id="open_process")]


class ProcessesScreen(PagedTableScreen[ProcessRow]):
    PAGE_SIZE = 50
    PREFETCH_MARGIN = 10
    KEEP_CURSOR = False
    DEFAULT_CSS = """
    ProcessesScreen #process-filters { height: auto; }
    ProcessesScreen #process-search { width: 1fr; }
    ProcessesScreen #process-filters Select { width: 28; }
    /* On a narrow screen the search has a line of its own, the three filters share one. */
    ProcessesScreen.-narrow #process-filters {
        layout: grid; grid-size: 3; grid-rows: auto; grid-columns: 1fr; height: auto;
    }
    ProcessesScreen.-narrow #process-search { column-span: 3; }
    ProcessesScreen.-narrow #process-filters Select { width: 1fr; }
    ProcessesScreen #process-empty { padding: 1 2; display: none; }
    ProcessesScreen #processes { height: 1fr; }
    ProcessesScreen #process-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("slash", "focus_search", "Sök", id="process_search"),
        Binding("n", "new_process", "Ny process", id="new_process"),
        Binding("a", "agreements", "Överenskommelser", id="agreements"),
        Binding("l", "load_content", "Läs in startinnehåll", id="load_content"),
        Binding("escape", "back", "Tillbaka", id="process_back"),
    ]

    @dataclass
    class PartiesLoaded(Message):
        options: list[tuple[str, str]]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = ProcessQuery()
        self._millis = 0.0

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("processer", self.app.SECTIONS)
        with Horizontal(id="process-filters", classes="filter-row"):
            yield Input(
                placeholder="Sök i arbetsprocesser, t.ex. kaa fyller 20 …", id="process-search"
            )
            yield PlainSelect([], prompt="Alla parter", id="process-party")
            yield Select(
                [(label, code) for code, label in GROUPS.items()],
                prompt="Alla målgrupper",
                id="process-group",
            )
            yield Select(
                [(label, code) for code, label in STATES.items()],
                prompt="Alla statusar",
                id="process-state",
            )
        yield Static(EMPTY_TEXT, id="process-empty")
        yield ProcessTable(
            COLUMNS, detail="process-detail", id="processes", cursor_type="row", zebra_stripes=True
        )
        yield RowDetail(id="process-detail")
        yield Static("", id="process-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#process-search", Input))
        self._load_parties()
        self.reload()

    # --- loading ---------------------------------------------------------------------

    def paged_table(self) -> DataTable:
        return self.query_one(ProcessTable)

    def fetch_page(self, offset: int, limit: int) -> Page[ProcessRow]:
        query = self.query_state
        started = time.perf_counter()
        rows = search(self.app.db, query, limit=limit, offset=offset)
        total = count(self.app.db, query) if offset == 0 else None
        millis = (time.perf_counter() - started) * 1000
        empty = offset == 0 and total == 0 and not has_processes(self.app.db)
        return Page(rows, total, extra=(empty, millis))

    @work(thread=True, group="process-parties", exit_on_error=False)
    def _load_parties(self) -> None:
        orgs = list_organisations(self.app.db)
        self.post_message(self.PartiesLoaded([(o.name, o.id) for o in orgs]))

    @on(PartiesLoaded)
    def _show_parties(self, message: PartiesLoaded) -> None:
        self.query_one("#process-party", Select).set_options(message.options)

    def show_rows(self, table: DataTable, rows: list[ProcessRow], first: bool) -> None:
        for row in rows:
            table.add_row(
                partial(title_and_snippet, row.title, row.snippet),
                plain(row.status, style="" if row.state == "aktiv" else "italic"),
                key=row.id,
                height=2,
            )

    def page_shown(self, page: Page[ProcessRow], first: bool) -> None:
        if first:
            empty_install, self._millis = page.extra
            self.query_one("#process-empty").display = empty_install
            table = self.paged_table()
            table.display = not empty_install
            if empty_install and self.focused is None:
                table.focus()
        self._update_status()

    def _update_status(self) -> None:
        words = "1 arbetsprocess" if self._total == 1 else f"{self._total} arbetsprocesser"
        parts = [words]
        if self.query_state.words.strip():
            parts.append(f"bäst först · svar på {self._millis:.0f} ms")
        if self._loaded < self._total:
            parts.append(f"visar 1–{self._loaded}")
        self.query_one("#process-status", Static).update(" · ".join(parts))

    # --- filters ---------------------------------------------------------------------

    def _set_query(self, **changes: Any) -> None:
        self.query_state = replace(self.query_state, **changes)
        self.reload()

    @on(Input.Changed, "#process-search")
    def _search(self, event: Input.Changed) -> None:
        self._set_query(words=event.value)

    @on(Input.Submitted, "#process-search")
    def _search_done(self) -> None:
        self.query_one(ProcessTable).focus()

    @on(Select.Changed, "#process-party")
    def _party(self, event: Select.Changed) -> None:
        self._set_query(party_id=None if event.value is Select.NULL else event.value)

    @on(Select.Changed, "#process-group")
    def _group(self, event: Select.Changed) -> None:
        self._set_query(target_group=None if event.value is Select.NULL else event.value)

    @on(Select.Changed, "#process-state")
    def _state(self, event: Select.Changed) -> None:
        self._set_query(state=None if event.value is Select.NULL else event.value)

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#process-search", Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In the search field "/" is a character typed: the footer does not offer it there.
        if action == "focus_search":
            focused = self.focused
            return not (isinstance(focused, Input) and focused.id == "process-search")
        return True

    def action_back(self) -> None:
        """Esc steps back one level: out of the search field (clearing it), then to Min dag."""
        search_field = self.query_one("#process-search", Input)
        if search_field.value or search_field.has_focus:
            search_field.value = ""
            self.query_one(ProcessTable).focus()
            return
        self.app.back_to_home()

    # --- actions ---------------------------------------------------------------------

    @on(DataTable.RowSelected, "#processes")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_process(event.row_key.value)

    def action_new_process(self) -> None:
        from ungtui.tui.screens.processes.process_form import ProcessFormScreen

        def saved(process_id: str | None) -> None:
            if process_id:
                self.app.open_process(process_id)

        self.app.push_screen(ProcessFormScreen(), saved)

    def action_agreements(self) -> None:
        from ungtui.tui.screens.processes.agreements import AgreementsScreen

        self.app.push_screen(AgreementsScreen())

    def action_load_content(self) -> None:
        load_in_worker(self.app, after=self._after_load)

    def _after_load(self) -> None:
        self._load_parties()
        self.reload()

    def on_screen_resume(self) -> None:
        if self._loaded or self._total == 0:
            self.reload()


def load_in_worker(app: UngAppBase, after: Callable[[], None] | None = None) -> None:
    """Load the starting content off the UI thread and say what came in."""

    def run() -> None:
        try:
            summary = load_starting_content(app.db, actor_id=app.actor_id)
        except Exception as error:  # a worker of the app: no screen would report it
            app.notify(failure_message(error), title="Fel", severity="error", timeout=10)
            return
        if summary.agreements or summary.processes:
            app.notify(
                f"Läste in {summary.agreements} överenskommelser och "
                f"{summary.processes} arbetsprocesser."
            )
        else:
            app.notify("Startinnehållet finns redan här; inget nytt lästes in.")
        if after is not None:
            app.call_from_thread(after)

    app.run_worker(run, thread=True, group="starting-content", exit_on_error=False)


def offer_starting_content(app: UngAppBase) -> None:
    """After the first setup: offer the shipped agreements and processes, one key away."""

    def answer(choice: str | None) -> None:
        if choice == "load":
            load_in_worker(app)

    app.push_screen(
        ConfirmScreen(
            "Läsa in startinnehåll?",
            "ungtui har med sig fem överenskommelser och femton arbetsprocesser ur "
            "parternas bilagor, så att frågan ”hur gör vi när …?” går att slå upp direkt "
            "under F5 Arbetsprocesser. Du kan också läsa in dem senare där.",
            [("load", "Läs in"), ("skip", "Inte nu")],
        ),
        answer,
    )
