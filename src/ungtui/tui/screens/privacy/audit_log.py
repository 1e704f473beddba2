"""The audit log on screen: newest first, filtered by action, day or person, paged from SQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Select, Static

from ungtui.config import export_folder
from ungtui.domain.meeting_time import describe_day, parse_day
from ungtui.domain.text import plural
from ungtui.services import clock
from ungtui.services.audit import (
    ACTIONS,
    AuditEntry,
    AuditFilter,
    as_csv,
    count_entries,
    list_entries,
)
from ungtui.services.private_files import free_name, write_private_text
from ungtui.tui.screens.paged_table import Page, PagedTableScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_name
from ungtui.tui.widgets.plain import plain
from ungtui.tui.widgets.section_bar import SectionBar

COLUMNS = (
    Column("at", "När", 16),
    Column("who", "Vem", 18, priority=2),
    Column("action", "Åtgärd", 20, priority=1),
    Column("person", "Person", 22),
    Column("what", "Vad", 36, grow=True, least=16),
)


class AuditLogScreen(PagedTableScreen[AuditEntry]):
    """The whole log as the Logg section, or one person's entries from their page."""

    PAGE_SIZE = 200
    # A new first page starts at the newest entry.
    KEEP_CURSOR = False

    DEFAULT_CSS = """
    AuditLogScreen #audit { height: 1fr; }
    AuditLogScreen #audit-status {
        height: 1; padding: 0 1; color: $text-muted; background: $boost;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("d", "focus_day", "Dag", id="day"),
        Binding("x", "export", "Exportera CSV", id="export"),
        Binding("g", "retention", "Gallring", id="retention"),
    ]

    def __init__(self, individual_id: str | None = None, person_label: str = "") -> None:
        super().__init__()
        self.filter = AuditFilter(individual_id=individual_id)
        # Why the day field's text is no day, shown in the status line until it is one.
        self._day_error: str | None = None
        self.person_label = person_label

    def compose(self) -> ComposeResult:
        yield Header()
        if self.filter.individual_id is None:
            yield SectionBar("logg", self.app.SECTIONS)
        else:
            yield Static(plain(f"Logg för {self.person_label}"), classes="screen-title")
        with Horizontal(id="filters", classes="filter-row"):
            yield Select(
                [(label, code) for code, label in ACTIONS.items()],
                prompt="Alla åtgärder",
                id="action",
            )
            yield Input(placeholder="Dag, t.ex. idag, igår, 2026-11-24 (tomt = alla)", id="day")
        yield FittedTable(
            COLUMNS, detail="audit-detail", id="audit", cursor_type="row", zebra_stripes=True
        )
        yield RowDetail(id="audit-detail")
        yield Static("", id="audit-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#audit", DataTable).focus()
        self.reload()
        # F9 is pressed just before sharing: the names go at once, not on the next visit.
        self.watch(self.app, "screen_share", lambda _on: self.reload(), init=False)

    def on_screen_resume(self) -> None:
        self.reload()

    def paged_table(self) -> DataTable:
        return self.query_one("#audit", DataTable)

    def fetch_page(self, offset: int, limit: int) -> Page[AuditEntry]:
        flt = self.filter
        entries = list_entries(self.app.db, flt, limit=limit, offset=offset)
        return Page(entries, count_entries(self.app.db, flt) if offset == 0 else None)

    def show_rows(self, table: DataTable, rows: list[AuditEntry], first: bool) -> None:
        share = self.app.screen_share
        for e in rows:
            person = shown_name(e.person_name, share) if e.individual_id else ""
            if e.individual_id and not e.person_name:
                person = "(borttagen)"
            table.add_row(
                clock.local_time(e.at).strftime("%Y-%m-%d %H:%M"),
                e.actor_name or "–",
                ACTIONS[e.action],
                person,
                e.detail,
                key=str(e.seq),
            )

    def page_shown(self, page: Page[AuditEntry], first: bool) -> None:
        self._show_status()

    def _show_status(self) -> None:
        if self._day_error:
            self.query_one("#audit-status", Static).update(plain(self._day_error))
            return
        status = f"{plural(self._total, 'post', 'poster')} · visar 1–{self._loaded}"
        if not self._total:
            status = "Inga poster."
        if self.filter.since is not None:
            # The day typed, read back, as under every date field.
            day = describe_day(self.filter.since).capitalize()
            status = f"{day}: {status[0].lower()}{status[1:]}"
        self.query_one("#audit-status", Static).update(status)

    @on(Select.Changed, "#action")
    def _action(self, event: Select.Changed) -> None:
        value = str(event.value) if event.value is not Select.NULL else None
        self.filter = replace(self.filter, action=value)
        self.reload()

    @on(Input.Changed, "#day")
    def _day(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            day: date | None = None
        else:
            try:
                day = parse_day(text, clock.today())
            except ValueError as exc:
                # Maybe still typing: the list stays, the line below says what is wrong.
                self._day_error = str(exc)
                self._show_status()
                return
        self._day_error = None
        self.filter = replace(self.filter, since=day, until=day)
        self.reload()

    @on(Input.Submitted, "#day")
    def _day_done(self, event: Input.Submitted) -> None:
        if self._day_error:
            self.notify(self._day_error, title="Okänt datum", severity="warning")
            return
        self.query_one("#audit", DataTable).focus()

    def action_focus_day(self) -> None:
        self.query_one("#day", Input).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):  # one level: out of the day field first
            self.query_one("#audit", DataTable).focus()
            return
        if self.filter.individual_id is None:
            self.app.back_to_home()
        else:
            self.dismiss()

    def action_retention(self) -> None:
        from ungtui.tui.screens.privacy.retention import RetentionScreen

        self.app.push_screen(RetentionScreen())

    def action_export(self) -> None:
        self._export(self.filter)

    @work(thread=True, exclusive=True, group="audit-export", exit_on_error=False)
    def _export(self, flt: AuditFilter) -> None:
        path = free_name(export_folder(), "ungtui-logg", ".csv", clock.today())
        write_private_text(path, as_csv(self.app.db, flt))
        self.notify(f"Loggen sparades i {path}", title="Exporterad")
