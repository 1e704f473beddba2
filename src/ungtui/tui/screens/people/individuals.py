"""The register: search as you type, filters, sorting, paged from SQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import DataTable, Header, Input, Select, Static

from ungtui.domain.guarantee import GuaranteeRules
from ungtui.domain.target_groups import GROUPS
from ungtui.domain.vocabulary import STATUSES
from ungtui.services.audit import REVEALED, record_view
from ungtui.services.people.individuals import (
    SORTS,
    IndividualFilter,
    IndividualRow,
    count_individuals,
    fill_in,
    list_names,
)
from ungtui.services.way.guarantee_rules import guarantee_rules
from ungtui.tui.screens.paged_table import Page, PagedTableScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_identity, shown_name
from ungtui.tui.widgets.section_bar import SectionBar

# Fixed widths: columns that resize with each page or keystroke make the list jump. On a
# narrow screen the caseworker, target groups, age and phase give way, in that order, and
# the line under the list shows them for the highlighted person.
COLUMNS = (
    Column("name", "Namn", 24, grow=True, least=20),
    Column("identity", "Personnummer", 13),
    Column("age", "Ålder", 5, priority=3),
    Column("groups", "Målgrupper", 14, priority=4),
    Column("caseworker", "Handläggare", 12, priority=5),
    Column("status", "Status", 7, priority=1),
    Column("phase", "Fas", 10, priority=2),
    Column("next", "Nästa datum", 24, priority=1),
)


def next_date_cell(row: IndividualRow) -> Text:
    """The next date on the way; "!" and colour when the 90-day deadline is near or past,
    or the date itself has passed (the mark, not only the colour, so it shows on any
    screen)."""
    if row.warn == "passerad":
        return Text(f"! {row.next_date}", style="bold red")
    if row.warn == "nara":
        return Text(f"! {row.next_date}", style="bold yellow")
    return Text(row.next_date)


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


class PersonTable(FittedTable):
    """The list itself; Enter opens, and the footer says so."""

    BINDINGS = [Binding("enter", "select_cursor", "Öppna", id="open")]


class SearchField(Input):
    """The search field. Input sets its virtual size with every letter, and a widget's
    virtual size lays the whole screen out anew by default (Widget.virtual_size): at
    every keystroke, on a screen of some thirty widgets. The field scrolls its text
    itself and has no scroll bars, so a repaint is enough."""

    virtual_size = Reactive(Size(0, 0), layout=False)


class IndividualsScreen(PagedTableScreen[IndividualRow]):
    # The caseworker and the marks are filled in, and the matches counted, once typing
    # pauses: letters come faster than this, and a fill's work and redraw beside the next
    # letter's page made that page half as fast again (benchmarks/search_speed.py).
    SETTLE = 0.15
    # The list has the focus from the start. Focused in on_mount (which takes effect a
    # moment later) the search field held it until then, and "n" typed right behind F2
    # went into the search instead of opening Ny deltagare.
    AUTO_FOCUS = "#individuals"
    BINDINGS = [
        Binding("slash", "focus_search", "Sök", id="search", show=False),  # the field says so
        Binding("n", "new", "Ny", id="new"),
        Binding("e", "edit", "Ändra", id="edit"),
        Binding("v", "reveal", "Visa nr", id="reveal"),
        Binding("m", "mine", "Mina", id="mine"),
        Binding("o", "sort", "Sortera", id="sort"),
        Binding("y", "app.sync", "Synk", id="sync", show=False),  # F7 in the section bar
        Binding("g", "guarantee", "Garanti", id="guarantee"),
        Binding("j", "job_tracks", "Jobbspår", id="job_tracks"),
        Binding("u", "follow_ups", "Uppföljn.", id="follow_ups"),
        Binding("i", "import_table", "Läs in", id="import_table"),
        Binding("x", "export_table", "Ta ut", id="export_table"),
        Binding("escape", "clear_search", "Tillbaka", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = IndividualFilter(status="aktiv")
        self._revealed: set[str] = set()
        self._rows: dict[str, IndividualRow] = {}
        self._rules: GuaranteeRules | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("deltagare", self.app.SECTIONS)
        with Horizontal(id="filters", classes="filter-row"):
            yield SearchField(placeholder="Sök namn eller personnummer …", id="search")
            yield Select(
                [(label, code) for code, label in GROUPS.items()],
                prompt="Alla målgrupper",
                id="group",
            )
            yield Select(
                [(label, code) for code, label in STATUSES.items()],
                prompt="Alla statusar",
                value="aktiv",
                id="status",
            )
        yield PersonTable(
            COLUMNS,
            detail="individuals-detail",
            id="individuals",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield RowDetail(id="individuals-detail")
        yield Static("", id="list-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        # No reload here: the first showing (ScreenResume) loads, as every later one.
        self.watch(self.app, "screen_share", self._redraw, init=False)
        # The field's value is watched, not its Changed message: the page is asked for as
        # the key is handled, and its query runs while the screen lays itself out anew
        # for the field's new text (a whole screen's layout, which the message waited for).
        self.watch(self.query_one("#search", Input), "value", self._search, init=False)

    def _redraw(self, _share: bool) -> None:
        table = self.query_one(DataTable)
        for row_id, row in self._rows.items():
            name, identity, *_ = self._cells(row)
            table.update_cell(row_id, "name", name)
            table.update_cell(row_id, "identity", identity)

    # --- loading ---------------------------------------------------------------------

    def paged_table(self) -> DataTable:
        return self.query_one(PersonTable)

    def fetch_page(self, offset: int, limit: int) -> Page[IndividualRow]:
        # Only what the names and numbers are drawn from: the caseworker and the way's
        # marks are filled in right after (fill_rows), and the count of all matches after
        # that (count_total). A keystroke's names are on screen without waiting for either
        # (benchmarks/search_speed.py).
        return Page(list_names(self.app.db, self.filter, offset=offset, limit=limit))

    def fill_rows(self, rows: list[IndividualRow]) -> list[IndividualRow]:
        user = self.app.user
        # The guarantee rules (agreements, and every municipality typed for someone) are
        # read once a visit, not on every keystroke: at 100,000 people that read was a
        # third of a search's time. They change only in other sections (on_screen_resume).
        rules = self._rules
        if rules is None:
            rules = self._rules = guarantee_rules(self.app.db)
        return fill_in(
            self.app.db,
            rows,
            organisation_id=user.organisation_id if user else None,
            rule=rules,
        )

    def count_total(self, stale: Callable[[], bool]) -> int | None:
        return count_individuals(self.app.db, self.filter, stale=stale)

    def show_rows(self, table: DataTable, rows: list[IndividualRow], first: bool) -> None:
        if first:
            self._rows.clear()
        for row in rows:
            self._rows[row.id] = row
        self.query_one(PersonTable).add_rows_at_once([(row.id, self._cells(row)) for row in rows])

    def show_filled(self, table: DataTable, rows: list[IndividualRow]) -> None:
        changes: dict[str, dict[str, object]] = {}
        for row in rows:
            if row.id not in self._rows:
                continue
            self._rows[row.id] = row
            changes[row.id] = {
                "caseworker": row.caseworker,
                "phase": row.phase,
                "next": next_date_cell(row),
            }
        self.query_one(PersonTable).update_cells(changes)

    def page_shown(self, page: Page[IndividualRow], first: bool) -> None:
        self._update_status()

    def _cells(self, row: IndividualRow) -> tuple[str | Text, ...]:
        share = self.app.screen_share
        return (
            shown_name(row.name, share),
            shown_identity(row.identity, row.identity_kind, row.id in self._revealed, share),
            "" if row.age is None else str(row.age),
            row.groups,
            row.caseworker,
            row.status,
            row.phase,
            next_date_cell(row),
        )

    def _update_status(self) -> None:
        total = "räknar …" if self.counting else f"{thousands(self._total)} deltagare"
        parts = [total]
        if self._loaded:
            parts.append(f"visar 1–{thousands(self._loaded)}")
        if self.filter.mine_staff_id:
            parts.append("bara mina")
        parts.append(f"sorterat på {SORTS[self.filter.sort].lower()}")
        self.query_one("#list-status", Static).update(" · ".join(parts))

    # --- filters ---------------------------------------------------------------------

    def _set_filter(self, **changes: Any) -> None:
        self.filter = replace(self.filter, **changes)
        self.reload()

    def _search(self, text: str) -> None:
        self._set_filter(text=text)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(Select.Changed, "#group")
    def _group(self, event: Select.Changed) -> None:
        value = event.value if event.value is not Select.NULL else None
        self._set_filter(group=value)

    @on(Select.Changed, "#status")
    def _status(self, event: Select.Changed) -> None:
        value = event.value if event.value is not Select.NULL else None
        self._set_filter(status=value)

    def search_on_typing(self, event: events.Key) -> None:
        """A letter or digit typed in the list starts a search with it, as "/" and the
        letter would; a key the footer (or the app) names keeps doing what it says.
        Called by the app as the key is read (UngApp.on_event), so the focus is in the
        field before the next key is routed: typed fast, "öna" is a search for "öna",
        not "ö" and then Ny."""
        char = event.character
        if self.focused is not self.paged_table() or not char or not char.isalnum():
            return
        if event.key in self.active_bindings:
            return
        # The key itself then goes to the field, behind its focus: the field selects its
        # old text on focus, and the letter takes its place, as after "/".
        self.set_focus(self.query_one("#search", Input))

    def action_focus_search(self) -> None:
        # At once, not scheduled: letters typed right after "/" belong in the search field.
        self.set_focus(self.query_one("#search", Input))

    def action_clear_search(self) -> None:
        """Esc steps back one level: out of the search, then the search itself, then to
        Min dag."""
        search = self.query_one("#search", Input)
        table = self.query_one(DataTable)
        if search.has_focus or search.value:
            search.value = ""
            table.focus()
            return
        if self.focused is not table:
            table.focus()
            return
        self.app.back_to_home()

    def action_mine(self) -> None:
        user = self.app.user
        if user is None:
            return
        mine = None if self.filter.mine_staff_id else user.staff_id
        self._set_filter(mine_staff_id=mine)
        self.notify("Visar bara dina deltagare." if mine else "Visar alla deltagare.")

    def action_guarantee(self) -> None:
        from ungtui.tui.screens.way.guarantee import GuaranteeScreen

        self.app.push_screen(GuaranteeScreen())

    def action_follow_ups(self) -> None:
        from ungtui.tui.screens.way.follow_ups_due import FollowUpsDueScreen

        self.app.push_screen(FollowUpsDueScreen())

    def action_job_tracks(self) -> None:
        from ungtui.tui.screens.way.job_tracks import JobTracksScreen

        self.app.push_screen(JobTracksScreen())

    def action_import_table(self) -> None:
        from ungtui.tui.screens.people.table_import import TableImportScreen

        self.app.push_screen(TableImportScreen(), self._after_import)

    def action_export_table(self) -> None:
        from ungtui.services.privacy.list_export import export_individuals
        from ungtui.tui.screens.privacy.list_export import ListExportScreen

        flt, db, user = self.filter, self.app.db, self.app.user
        self.app.push_screen(
            ListExportScreen(
                "Deltagarlistan med nuvarande urval",
                "deltagare",
                lambda path, reveal, receiver: export_individuals(
                    db, user, flt, path, reveal=reveal, receiver=receiver
                ),
            )
        )

    def action_sort(self) -> None:
        keys = list(SORTS)
        following = keys[(keys.index(self.filter.sort) + 1) % len(keys)]
        self._set_filter(sort=following)

    # --- rows ------------------------------------------------------------------------

    def _current_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_reveal(self) -> None:
        row_id = self._current_id()
        if row_id is None:
            return
        self._revealed ^= {row_id}
        if row_id in self._revealed:
            self._audit_reveal(row_id)
        row = self._rows[row_id]
        self.query_one(DataTable).update_cell(
            row_id,
            "identity",
            shown_identity(
                row.identity, row.identity_kind, row_id in self._revealed, self.app.screen_share
            ),
        )

    @work(thread=True, group="audit", exit_on_error=False)
    def _audit_reveal(self, individual_id: str) -> None:
        record_view(self.app.db, self.actor_id, individual_id, REVEALED)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_person(event.row_key.value)

    def action_new(self) -> None:
        from ungtui.tui.screens.people.individual_form import IndividualFormScreen

        self.app.push_screen(IndividualFormScreen(None), self._after_new)

    def _after_new(self, saved_id: str | None) -> None:
        # The new person's own page, where consent and the way come next; the list behind
        # it may still hold an older search that she is not in.
        if saved_id:
            self.reload()
            self.app.open_person(saved_id)

    def action_edit(self) -> None:
        from ungtui.tui.screens.people.individual_form import IndividualFormScreen

        row_id = self._current_id()
        if row_id:
            self.app.push_screen(IndividualFormScreen(row_id), self._after_save)

    def _after_save(self, saved_id: str | None) -> None:
        if saved_id:
            self.reload()

    def _after_import(self, imported: bool | None) -> None:
        if imported:
            self.reload()

    def on_screen_resume(self) -> None:
        # Shown for the first time, or back from a detail view, a form or another section
        # (an import under F7 may have brought people to a list that was empty): what
        # changed there shows here, and an agreement's guarantee may have changed.
        self._rules = None
        self.reload()
