"""Remisser (F4): inbox, sent and overdue referrals, paged from SQL, overdue first."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from ungtui.domain.text import plural
from ungtui.services.referrals.referrals import (
    VIEWS,
    ReferralRow,
    ViewCounts,
    count_referrals,
    list_referrals,
    view_counts,
)
from ungtui.tui.keys import tab_bindings
from ungtui.tui.screens.paged_table import Page, PagedTableScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.marks import OVERDUE, WARNING_STYLE
from ungtui.tui.widgets.masking import shown_name
from ungtui.tui.widgets.plain import plain
from ungtui.tui.widgets.section_bar import SectionBar

COLUMNS = (
    Column("mark", "", 8),
    Column("reply_by", "Svara senast", 12),
    Column("state", "Läge", 10, priority=1),
    Column("person", "Person", 19, grow=True, least=16),
    Column("what", "Insats", 24, priority=2),
    Column("party", "Motpart", 32, priority=1, grow=True, least=20),
)


# A referral in the inbox that is not received yet: what "(n nya)" in the title counts.
NEW = "Ny"


class ReferralTable(FittedTable):
    BINDINGS = [Binding("enter", "select_cursor", "Öppna", id="open")]


def counterpart(row: ReferralRow, organisation_id: str | None) -> str:
    """The other party as seen from the user's organisation; units when it is internal."""
    sender = row.from_organisation_id == organisation_id
    receiver = row.to_organisation_id == organisation_id
    if sender and receiver:
        return f"{row.from_unit} → {row.to_unit}"
    if sender:
        return f"till {row.to_organisation}"
    if receiver:
        return f"från {row.from_organisation}"
    return f"{row.from_organisation} → {row.to_organisation}"


def cells(
    row: ReferralRow, organisation_id: str | None, share: bool = False, inbox: bool = False
) -> tuple:
    """`inbox`: the rows are addressed to the user, so one still in "sent" has not been
    received here yet; it reads "Ny", as the title counts it."""
    style = WARNING_STYLE if row.overdue else ""
    new = inbox and row.state == "sent"
    return (
        Text(OVERDUE if row.overdue else "", style=style),
        Text(row.reply_by.isoformat(), style=style),
        Text(NEW, style="bold") if new else row.state_label,
        shown_name(row.person, share),
        row.measure,
        counterpart(row, organisation_id),
    )


class ReferralListScreen(PagedTableScreen[ReferralRow]):
    """A paged list of referrals; subclasses say which (`_query`) and what the title says."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: ViewCounts | None = None

    def make_table(self) -> ReferralTable:
        return ReferralTable(
            COLUMNS,
            detail="referrals-detail",
            id="referrals",
            cursor_type="row",
            zebra_stripes=True,
        )

    def on_mount(self) -> None:
        self.query_one(ReferralTable).focus()
        self.reload()
        self.watch(self.app, "screen_share", lambda _on: self.reload(), init=False)

    def on_screen_resume(self) -> None:
        # Back from a referral: its new state shows here.
        if self._generation:
            self.reload()

    def _query(self, offset: int, limit: int) -> list[ReferralRow]:
        raise NotImplementedError

    def _count(self) -> int:
        raise NotImplementedError

    def _view_counts(self) -> ViewCounts | None:
        return None

    def paged_table(self) -> DataTable:
        return self.query_one(ReferralTable)

    def fetch_page(self, offset: int, limit: int) -> Page[ReferralRow]:
        rows = self._query(offset, limit)
        if offset:
            return Page(rows)
        return Page(rows, self._count(), extra=self._view_counts())

    def show_rows(self, table: DataTable, rows: list[ReferralRow], first: bool) -> None:
        user = self.app.user
        organisation_id = user.organisation_id if user else None
        inbox = self.is_inbox()
        for row in rows:
            table.add_row(*cells(row, organisation_id, self.app.screen_share, inbox), key=row.id)

    def is_inbox(self) -> bool:
        return False

    def page_shown(self, page: Page[ReferralRow], first: bool) -> None:
        if first and page.extra is not None:
            self.counts = page.extra
        self.show_title()
        self.query_one("#referral-status", Static).update(self.status_text())

    def show_title(self) -> None:
        pass

    def status_text(self) -> str:
        if not self._total:
            return "Inga remisser här."
        return f"{plural(self._total, 'remiss', 'remisser')} · visar 1–{self._loaded}"

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.open_referral(event.row_key.value)

    def _open_new(self, referral_id: str | None) -> None:
        if referral_id:
            self.app.open_referral(referral_id)


REFERRALS_CSS = """
#referrals { height: 1fr; }
#referral-title { height: 1; padding: 0 1; }
#referral-status { height: 1; padding: 0 1; color: $text-muted; background: $boost; }
"""


class ReferralsScreen(ReferralListScreen):
    """The section's first screen."""

    DEFAULT_CSS = REFERRALS_CSS
    BINDINGS = [
        # The title line names the three views with their keys.
        Binding("1", "view('inbox')", "Inkorg", id="inbox", show=False),
        Binding("2", "view('sent')", "Skickade", id="sent", show=False),
        Binding("3", "view('overdue')", "Försenade", id="overdue", show=False),
        *tab_bindings(["view('inbox')", "view('sent')", "view('overdue')"]),
        Binding("n", "new", "Ny remiss", id="new"),
        Binding("u", "unit", "Min enhet", id="unit"),
        Binding("a", "ended", "Avslutade", id="ended"),
        Binding("t", "reply_days", "Svarstid", id="reply_days"),
        Binding("x", "export_table", "Ta ut", id="export_table"),
        Binding("escape", "home", "Deltagare", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = "inbox"
        self.unit_only = False
        self.include_ended = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("remisser", self.app.SECTIONS)
        yield Static("Remisser", id="referral-title")
        yield self.make_table()
        yield RowDetail(id="referrals-detail")
        yield Static("", id="referral-status")
        yield KeyFooter()

    def is_inbox(self) -> bool:
        return self.view == "inbox"

    def _scope(self) -> dict:
        user = self.app.user
        return dict(
            organisation_id=user.organisation_id if user else None,
            unit_id=user.unit_id if user and self.unit_only else None,
            own_unit_id=user.unit_id if user else None,
        )

    def _query(self, offset: int, limit: int) -> list[ReferralRow]:
        return list_referrals(
            self.app.db,
            self.view,
            include_ended=self.include_ended,
            offset=offset,
            limit=limit,
            **self._scope(),
        )

    def _count(self) -> int:
        return count_referrals(
            self.app.db, self.view, include_ended=self.include_ended, **self._scope()
        )

    def _view_counts(self) -> ViewCounts | None:
        user = self.app.user
        if user is None:
            return None
        return view_counts(self.app.db, **self._scope())

    def show_title(self) -> None:
        counts = self.counts
        numbers = {
            "inbox": f"{counts.inbox} ({counts.inbox_new} nya)" if counts else "",
            "sent": str(counts.sent) if counts else "",
            "overdue": str(counts.overdue) if counts else "",
        }
        title = Text("Remisser  ", style="bold")
        for index, (view, label) in enumerate(VIEWS.items(), start=1):
            text = f" {index} {label} {numbers[view]} "
            style = "bold reverse" if view == self.view else ""
            if view == "overdue" and counts and counts.overdue:
                style += " " + WARNING_STYLE
            title.append(text, style=style.strip())
            title.append(" ")
        self.query_one("#referral-title", Static).update(title)

    def status_text(self) -> str:
        parts = [super().status_text()]
        if self.unit_only and self.view != "overdue":
            parts.append("bara min enhet")
        parts.append("med avslutade" if self.include_ended else "avslutade dolda (a visar)")
        if self.view == "overdue":
            parts.append("väntar på svar efter svarsdagen")
        return " · ".join(parts)

    def action_view(self, view: str) -> None:
        if view != self.view:
            self.view = view
            self.query_one(ReferralTable).move_cursor(row=0)
            self.reload()

    def action_step_tab(self, step: int) -> None:
        views = list(VIEWS)
        self.action_view(views[(views.index(self.view) + step) % len(views)])

    def action_unit(self) -> None:
        self.unit_only = not self.unit_only
        # Every view is the unit's already; the wider part is what was sent to the whole
        # organisation and not yet received by another of its units.
        self.notify(
            "Döljer remisser till hela organisationen."
            if self.unit_only
            else "Visar också remisser till hela organisationen."
        )
        self.reload()

    def action_ended(self) -> None:
        self.include_ended = not self.include_ended
        self.reload()

    def action_new(self) -> None:
        from ungtui.tui.screens.person_picker import PersonPickerScreen
        from ungtui.tui.screens.referrals.referral_form import ReferralFormScreen

        def picked(individual_id: str | None) -> None:
            if individual_id:
                self.app.push_screen(ReferralFormScreen(individual_id), self._open_new)

        self.app.push_screen(PersonPickerScreen("Ny remiss: välj person"), picked)

    def action_export_table(self) -> None:
        from ungtui.services.privacy.list_export import export_referrals
        from ungtui.tui.screens.privacy.list_export import ListExportScreen

        db, user, view, ended = self.app.db, self.app.user, self.view, self.include_ended
        if user is None:
            return
        unit = self._scope()["unit_id"]
        self.app.push_screen(
            ListExportScreen(
                f"Remisser: {VIEWS[view].lower()}",
                "remisser",
                lambda path, reveal, receiver: export_referrals(
                    db,
                    user,
                    path,
                    views=(view,),
                    reveal=reveal,
                    include_ended=ended,
                    unit_id=unit,
                    receiver=receiver,
                ),
            )
        )

    def action_reply_days(self) -> None:
        from ungtui.tui.screens.referrals.referral_step import ReplyDaysScreen

        self.app.push_screen(ReplyDaysScreen())

    def action_home(self) -> None:
        self.app.back_to_home()


class IndividualReferralsScreen(ReferralListScreen):
    """Every referral about one person, from their detail view (key r)."""

    DEFAULT_CSS = REFERRALS_CSS
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("n", "new", "Ny remiss", id="new"),
    ]

    def __init__(self, individual_id: str) -> None:
        super().__init__()
        self.individual_id = individual_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Remisser för personen", id="referral-title", classes="screen-title")
        yield self.make_table()
        yield RowDetail(id="referrals-detail")
        yield Static("", id="referral-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        super().on_mount()
        self._load_name()
        self.watch(self.app, "screen_share", self._redraw_name, init=False)

    def _redraw_name(self, _share: bool) -> None:
        self._load_name()

    @work(thread=True, exit_on_error=False)
    def _load_name(self) -> None:
        from ungtui.domain.text import display_name
        from ungtui.services.people.individuals import get_individual

        person = get_individual(self.app.db, self.individual_id).individual
        name = display_name(person.first_name, person.last_name)
        name = shown_name(name, self.app.screen_share)
        self.app.call_from_thread(
            self.query_one("#referral-title", Static).update,
            plain(f"Remisser för {name}", style="bold"),
        )

    def _scope(self) -> dict:
        """The referrals about the person that the user's nämnd takes part in."""
        user = self.app.user
        return dict(
            individual_id=self.individual_id,
            organisation_id=user.organisation_id if user else None,
            own_unit_id=user.unit_id if user else None,
        )

    def _query(self, offset: int, limit: int) -> list[ReferralRow]:
        return list_referrals(self.app.db, "person", offset=offset, limit=limit, **self._scope())

    def _count(self) -> int:
        return count_referrals(self.app.db, "person", **self._scope())

    def action_back(self) -> None:
        self.dismiss()

    def action_new(self) -> None:
        from ungtui.tui.screens.referrals.referral_form import ReferralFormScreen

        self.app.push_screen(ReferralFormScreen(self.individual_id), self._open_new)
