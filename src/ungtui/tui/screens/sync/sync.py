"""Synk: export for an organisation, import a file, settle conflicts and duplicates."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Header,
    Input,
    LoadingIndicator,
    Select,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)
from textual.worker import Worker

from ungtui.config import export_folder, sync_folders
from ungtui.domain.identity import mask_identity
from ungtui.domain.text import plural
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.people.organisations import (
    OrganisationInfo,
    OrganisationPair,
    merge_organisations,
    organisation_duplicates,
    organisations_without_number,
    set_organisation_number,
)
from ungtui.services.sync.conflicts import ConflictView, list_conflicts, resolve_conflict
from ungtui.services.sync.refused_files import (
    forget_refusal,
    refused_files,
    remember_refusal,
)
from ungtui.services.sync.sync import (
    DuplicatePair,
    confirm_duplicate,
    dismiss_suggestion,
    duplicate_page,
    merge_outcome,
)
from ungtui.services.sync.sync_files import (
    ExportTarget,
    ImportResult,
    SyncFileInfo,
    UnknownSender,
    default_target,
    export_file,
    export_preview,
    export_targets,
    import_file,
    list_peers,
    list_sync_files,
    my_fingerprint,
    peek_sender,
)
from ungtui.sync.fileformat import SyncFileError, WrongPassphrase
from ungtui.tui.keys import tab_bindings
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.paged_table import Page, PagedTableScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_name
from ungtui.tui.widgets.plain import PlainSelect, PlainTable, clean_text, input_value, plain
from ungtui.tui.widgets.section_bar import SectionBar

HIDDEN = "(dolt)"  # a value in screen-share mode
CELL = 24  # the widest a value is in the conflicts table; the panel below shows it whole
TABS = ("tab-export", "tab-import", "tab-conflicts", "tab-duplicates", "tab-peers")
# The files in a folder. At 80 columns the kind and the file name give way (the line
# under the table shows them for the highlighted file): when, from whom, to whom and
# whether it is read in are what tell the files apart.
FILE_COLUMNS = (
    # The sender's clock at its last change in the file (what its header carries), not
    # the hour it was exported: a full export of an unchanged install has an older one.
    Column("created", "Ändringar t.o.m.", 16),
    Column("sender", "Från", 24, grow=True, least=14),
    Column("receiver", "Till", 34, grow=True, least=18),
    Column("state", "Läge", 13),
    Column("kind", "Sort", 11, priority=2),
    Column("file", "Fil", 22, priority=1),  # without .ungsync, which every file here has
)
# Files that cannot be read here: Enter says why instead of asking for the passphrase.
UNREADABLE = ("oläslig", "inte till er")


def _normal(fingerprint: str) -> str:
    return "".join(fingerprint.split()).upper()


def _cell(text: str, width: int = CELL) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


class TypeValueScreen(ModalScreen[str | None]):
    """A new value typed over both conflicting ones."""

    BINDINGS = [Binding("escape", "cancel", "Avbryt")]

    def __init__(self, title: str, value: str) -> None:
        super().__init__()
        self._title = title
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self._title), classes="dialog-title")
            yield Input(input_value(self._value), id="typed")
            yield Static("Enter sparar, Esc avbryter.", classes="dialog-text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SyncScreen(PagedTableScreen[DuplicatePair]):
    """The duplicates table is paged from SQL (PagedTableScreen): at 100,000 people the
    queue holds some 22,000 pairs, and with all of them as rows a visit to Synk left the
    app ~90 MiB larger (~15 MiB a page at a time)."""

    BINDINGS = [
        Binding("escape", "back", "Tillbaka"),
        Binding("1", "tab('tab-export')", "Exportera", id="tab-export"),
        Binding("2", "tab('tab-import')", "Läs in", id="tab-import"),
        Binding("3", "tab('tab-conflicts')", "Konflikter", id="tab-conflicts"),
        Binding("4", "tab('tab-duplicates')", "Dubbletter", id="tab-duplicates"),
        Binding("5", "tab('tab-peers')", "Installationer", id="tab-peers"),
        *tab_bindings([f"tab('{tab}')" for tab in TABS]),
        Binding("k", "keep", "Behåll visat", id="keep"),
        Binding("a", "choose_other", "Välj andra", id="other"),
        Binding("r", "type_value", "Skriv nytt", id="type"),
        Binding("j", "merge", "Slå ihop", id="merge"),
        Binding("d", "dismiss_suggestion", "Inte samma person", id="dismiss"),
        Binding("o", "org_number", "Ange org.nr", id="org_number"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._conflicts: list[ConflictView] = []
        self._pairs: list[DuplicatePair] = []  # the loaded pages of the duplicate queue
        self._org_pairs = 0  # organisation pairs, counted in the tab's label with the people
        # A row of the queue to come back to after a reload, loading pages up to it.
        self._want_row: int | None = None
        # Asked to reload while a page was on its way (an import or F9 right after F7):
        # reload when it has come. Starting another would cancel that worker (the group is
        # exclusive) under whoever waits for it.
        self._reload_again = False
        # Rows of the organisations table: a pair to merge, or one record without a number.
        self._org_rows: list[OrganisationPair | OrganisationInfo] = []
        self._last_import: ImportResult | None = None
        self._export_for: str | None = None
        # The receiver the export form starts with (services: never one's own side).
        self._default_target: str | None = None
        self._files_folder: Path | None = None
        self._chosen: tuple[str, Path] | None = None  # (as shown, the file) from the list
        # Fingerprints of senders confirmed on the telephone while the screen is open.
        # What is confirmed is the sender's key, which signs every file's header: a wrong
        # passphrase or a damaged body says nothing about who sent a file, so neither
        # takes the confirmation back, and another file signed by the same key needs no
        # second call. The key is written down here only when a file is read in.
        self._trusted: set[str] = set()
        # Files refused here, by file name: (what Läge says, why in full). Kept in the
        # database too (services.sync.refused_files): after a restart "ny" would read as
        # a file never tried.
        self._refused: dict[str, tuple[str, str]] = {}
        self._result_about: Path | None = None  # the file the refusal under Läs in is about
        self._export_result_for: str | None = None  # the receiver the export result is about

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("synk", self.app.SECTIONS)
        with TabbedContent(id="tabs"):
            with TabPane("Exportera", id="tab-export"), VerticalScroll():
                yield Static("Till organisation eller nämnd", classes="field-label")
                yield PlainSelect(
                    [], id="export-org", allow_blank=True, prompt="Välj mottagare"
                )
                yield Static("", id="export-preview")
                yield Static("", id="export-people")
                yield Static("Mapp eller fil att skriva till", classes="field-label")
                yield Input(str(export_folder()), id="export-out")
                yield Checkbox("Fullständig export (allt, inte bara det nya)", id="export-full")
                yield Static("Teamets lösenfras", classes="field-label")
                yield Input(password=True, id="export-passphrase")
                yield Button("Exportera", id="export-go", variant="primary")
                yield Static("", id="export-result")
            with TabPane("Läs in", id="tab-import"), VerticalScroll():
                yield Static("Mapp med synkfiler", classes="field-label")
                self._folders = [(label, str(path)) for label, path in sync_folders()]
                # Folder names (a USB stick's label), senders and file names come from
                # outside: text, not markup.
                yield PlainSelect(self._folders, id="import-folder", prompt="Välj mapp")
                yield FittedTable(
                    FILE_COLUMNS,
                    detail="import-files-detail",
                    id="import-files",
                    cursor_type="row",
                )
                yield RowDetail(id="import-files-detail")
                yield Static("", id="import-files-note")
                yield Static(
                    "Enter väljer filen i listan. Eller skriv en fil eller en annan mapp:",
                    classes="field-label",
                )
                yield Input(placeholder="sökväg till fil eller mapp", id="import-file")
                yield Static("Teamets lösenfras", classes="field-label")
                yield Input(password=True, id="import-passphrase")
                yield Button("Läs in", id="import-go", variant="primary")
                yield LoadingIndicator(id="import-busy")
                yield Static("", id="import-result")
            with TabPane("Konflikter", id="tab-conflicts"):
                yield Static("", id="conflicts-help")
                yield PlainTable(id="conflicts", cursor_type="row")
                with Horizontal(id="conflict-detail"):
                    yield Static("", id="conflict-shown", classes="conflict-value")
                    yield Static("", id="conflict-other", classes="conflict-value")
            with TabPane("Dubbletter", id="tab-duplicates"):
                yield Static("", id="duplicates-help")
                yield PlainTable(id="duplicates", cursor_type="row")
                yield Static("", id="org-duplicates-help")
                yield PlainTable(id="org-duplicates", cursor_type="row")
            with TabPane("Installationer", id="tab-peers"):
                yield Static("", id="own-fingerprint")
                yield PlainTable(id="peers", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#import-busy").display = False
        self._sync_files: list[SyncFileInfo] = []
        if self._folders:
            self.query_one("#import-folder", Select).value = self._folders[0][1]
        self.query_one("#export-org", Select).focus()
        table = self.query_one("#conflicts", DataTable)
        for label, width in (
            ("Sort", 16),
            ("Vem eller vad", 22),
            ("Fält", 20),
            ("Visas nu", CELL),
            ("Andra värdet", CELL),
        ):
            table.add_column(label, width=width)
        dup = self.query_one("#duplicates", DataTable)
        dup.add_columns("Person", "Samma person som?", "Nummer")
        org_dup = self.query_one("#org-duplicates", DataTable)
        org_dup.add_columns("Organisation", "Kanske samma som", "Varför")
        peers = self.query_one("#peers", DataTable)
        peers.add_columns(
            "Organisation", "Fingeravtryck", "Senaste utbyte", "Inlästa filer", "Har bekräftat"
        )
        # No load here: the screen's first showing (ScreenResume) loads, as every later one.
        self.watch(self.app, "screen_share", self._share_changed, init=False)

    def _share_changed(self, _on: bool) -> None:
        self._show_import()
        self.load()
        self._refresh_preview()  # the people in the preview by initials, or by name again

    def on_screen_suspend(self) -> None:
        # Left for a question (a modal) or for another section?
        self._left_for_section = not isinstance(self.app.screen, ModalScreen)

    def on_screen_resume(self) -> None:
        # Coming back to the section (F7 again) the focus would return to the field last
        # typed in, and 1–5 would be typed there instead of switching tabs: start from the
        # tab bar. After a question the focus stays where the person was.
        if getattr(self, "_left_for_section", False) and isinstance(self.focused, Input):
            self.query_one(TabbedContent).query_one(Tabs).focus()
        self.load()
        if getattr(self, "_left_for_section", False):
            self._list_files_again()

    def _list_files_again(self) -> None:
        # Files come while the app is open (a USB stick, a saved mail, the other party's
        # export): the folder is read again whenever the list is shown again.
        if self.query_one(TabbedContent).active == "tab-import" and self._files_folder:
            self._list_files(self._files_folder)

    def action_tab(self, tab: str) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active == tab:
            self._list_files_again()  # no TabActivated for the tab already shown
        tabs.active = tab
        files = self.query_one("#import-files", DataTable)
        first = {
            "tab-export": "#export-org",
            "tab-import": "#import-files" if files.row_count else "#import-file",
            "tab-conflicts": "#conflicts",
            "tab-duplicates": "#duplicates",
            "tab-peers": "#peers",
        }[tab]
        self.query_one(first).focus()

    def start_again(self) -> None:
        """F7 on Synk: out of any field to the tab bar, where 1–5 choose a tab. Typed
        into the passphrase kept after an export, a "2" meant for Läs in changed the
        phrase of the next file without a word."""
        tabs = self.query(TabbedContent)
        if tabs:  # not before the screen is built (the first F7 of a session)
            tabs.first().query_one(Tabs).focus()

    def action_back(self) -> None:
        # One step at a time, as everywhere: out of a field first (to the tab bar, where
        # 1–5 switch tabs again), then out of the section.
        if isinstance(self.focused, Input):
            self.query_one(TabbedContent).query_one(Tabs).focus()
            return
        self.app.back_to_home()

    def action_step_tab(self, step: int) -> None:
        active = self.query_one(TabbedContent).active
        self.action_tab(TABS[(TABS.index(active) + step) % len(TABS)])

    def prepare_export(self, organisation_id: str | None) -> None:
        """The export tab, for one organisation when named (Min dag's partner lines)."""
        self._export_for = organisation_id
        if self.is_mounted:
            self.action_tab("tab-export")
            self.load()
        else:
            self.call_after_refresh(self.action_tab, "tab-export")

    @work(thread=True, exclusive=True, group="sync-load", exit_on_error=False)
    def load(self) -> None:
        db = self.app.db
        targets = export_targets(db)
        organisations = [(t.label, t.value) for t in targets]
        self._default_target = default_target(db, targets)
        org_rows: list[OrganisationPair | OrganisationInfo] = [
            *organisation_duplicates(db),
            *organisations_without_number(db),
        ]
        data = (
            organisations,
            list_conflicts(db),
            list_peers(db),
            my_fingerprint(db),
            org_rows,
        )
        self.app.call_from_thread(self._show, *data)

    def _show(self, organisations, conflicts, peers, fingerprint, org_rows) -> None:
        select = self.query_one("#export-org", Select)
        chosen = select.value
        if self._export_for is not None:
            chosen, self._export_for = self._export_for, None
        select.set_options(organisations)
        if chosen in {org_id for _name, org_id in organisations}:
            select.value = chosen
        elif self._default_target is not None:
            select.value = self._default_target
        else:
            # No one other party to start with: the list's prompt, and the preview asks.
            self.query_one("#export-preview", Static).update(
                "Välj mottagare i listan: den organisation eller nämnd filen är till. "
                "Din egen är märkt (din egen nämnd/organisation)."
            )
        self._conflicts = conflicts
        table = self.query_one("#conflicts", DataTable)
        keep = table.cursor_row if table.row_count else 0
        table.clear()
        share = self.app.screen_share
        for index, view in enumerate(conflicts):
            shown, *others = view.values
            subject, now, other = view.subject, shown.shown, " / ".join(o.shown for o in others)
            if share and view.about_person:
                subject, now, other = shown_name(view.person, True), HIDDEN, HIDDEN
            table.add_row(
                plain(_cell(view.kind, 16)),
                plain(_cell(subject, 22)),
                plain(_cell(view.field_label, 20)),
                plain(_cell(now)),
                plain(_cell(other)),
                key=str(index),
            )
        if conflicts:
            table.move_cursor(row=min(keep, len(conflicts) - 1))
        self._show_conflict_detail()
        self.query_one("#conflicts-help", Static).update(
            "Samma fält ändrades på två ställen innan ni hade utbytt filer. "
            "k behåller det som visas, a väljer det andra, r skriver ett nytt värde. "
            "Lösningen följer med nästa export."
            if conflicts
            else "Inga olösta konflikter."
        )
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("tab-conflicts").label = f"Konflikter ({len(conflicts)})"
        self._org_rows = org_rows
        org_table = self.query_one("#org-duplicates", DataTable)
        org_table.clear()
        for index, row in enumerate(org_rows):
            if isinstance(row, OrganisationPair):
                cells = (row.first.label, row.second.label, row.reason)
            else:
                cells = (row.label, "", "organisationsnummer saknas")
            org_table.add_row(*(plain(c) for c in cells), key=str(index))
        self.query_one("#org-duplicates-help", Static).update(
            "Organisationer: ett organisationsnummer är organisationens identitet. Poster "
            "med samma nummer blir en organisation av sig själva. Saknas numret: o anger det; "
            "j slår ihop två poster som är samma organisation."
            if org_rows
            else "Alla organisationer har organisationsnummer och ingen finns två gånger."
        )
        self._org_pairs = sum(isinstance(row, OrganisationPair) for row in org_rows)
        self.query_one("#own-fingerprint", Static).update(
            f"Den här datorns fingeravtryck: {fingerprint}\n"
            "Läs upp det för den som tar emot din första fil, så att hen vet att filen är din."
            + (
                "\nInlästa filer: filer från installationen som har lästs in här. Har "
                "bekräftat: den senaste av våra filer som installationen säger att den har "
                "läst in."
                if peers
                else ""
            )
            if fingerprint
            else "Databasen är kopierad hit och har inget eget fingeravtryck än. Det skapas "
            "när något sparas eller vid första exporten; titta här igen efter det."
        )
        peer_table = self.query_one("#peers", DataTable)
        peer_table.clear()
        for peer in peers:
            peer_table.add_row(
                peer.organisation,
                peer.fingerprint,
                (peer.last_exchange_at or "–")[:10],
                str(peer.files_read),
                peer.confirmed,
            )
        self._reload_pairs()
        self.refresh_bindings()

    # --- the duplicate queue, a page at a time -----------------------------------------

    def _reload_pairs(self) -> None:
        if any(w.node is self and w.group == "page" and not w.is_finished for w in self.workers):
            self._reload_again = True
            return
        table = self.paged_table()
        if self._want_row is None:  # else still on the way to the row of an earlier reload
            self._want_row = table.cursor_row if table.row_count else None
        self.reload()

    @on(Worker.StateChanged)
    def _page_worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "page" and event.worker.is_finished and self._reload_again:
            self._reload_again = False
            self._reload_pairs()

    def paged_table(self) -> DataTable:
        return self.query_one("#duplicates", DataTable)

    def fetch_page(self, offset: int, limit: int) -> Page[DuplicatePair]:
        pairs, total = duplicate_page(self.app.db, offset, limit)
        return Page(pairs, total)

    def show_rows(self, table: DataTable, rows: list[DuplicatePair], first: bool) -> None:
        if first:
            self._pairs = []
        share = self.app.screen_share
        for pair in rows:
            number: str | Text = mask_identity(pair.identity_number)
            if pair.suggested:
                # Another install merged them; here their numbers differ (or one is missing).
                other = mask_identity(pair.second_identity_number) or "inget nummer"
                number = Text(
                    f"{number or 'inget nummer'} / {other} (förslag: {pair.suggested_by})"
                )
            table.add_row(
                shown_name(pair.first_name, share),
                shown_name(pair.second_name, share),
                number,
                key=str(len(self._pairs)),
            )
            self._pairs.append(pair)

    def page_shown(self, page: Page[DuplicatePair], first: bool) -> None:
        table = self.paged_table()
        want = self._want_row
        if want is not None and page.rows:
            # Back on the pair the cursor was on (after a merge, the one that took its
            # place), even when that is past the first page.
            if want < table.row_count or self._loaded >= self._total:
                self._want_row = None
                table.move_cursor(row=min(want, table.row_count - 1))
            elif not self._loading_more:
                self._loading_more = True
                self._fetch(self._generation, self._loaded)
        elif want is not None and first:
            self._want_row = None
        self.query_one("#duplicates-help", Static).update(
            "Personer som registrerats två gånger, på olika datorer, och sammanslagningar "
            "som en annan installation föreslår. Kontrollera att det är samma person och "
            "tryck j för att slå ihop dem; ett förslag som inte stämmer tar d bort."
            if self._total
            else "Inga möjliga dubbletter."
        )
        # Counted: what is doubled. Organisations only lacking a number are listed, not counted.
        doubled = self._total + self._org_pairs
        self.query_one(TabbedContent).get_tab("tab-duplicates").label = f"Dubbletter ({doubled})"
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        active = self.query_one(TabbedContent).active
        if action in ("keep", "choose_other", "type_value"):
            if active != "tab-conflicts" or not self._conflicts:
                return False
            if action == "type_value":
                current = self._current_conflict()
                return bool(current and current.editable)
        if action == "merge":
            if active != "tab-duplicates":
                return False
            if self.focused is self.query_one("#org-duplicates", DataTable):
                return isinstance(self._current_org_row(), OrganisationPair)
            return bool(self._pairs)
        if action == "dismiss_suggestion":
            if active != "tab-duplicates" or self.focused is not self.query_one(
                "#duplicates", DataTable
            ):
                return False
            pair = self._current_pair()
            return bool(pair and pair.suggested)
        if action == "org_number":
            return active == "tab-duplicates" and self._org_without_number() is not None
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()
        self._list_files_again()

    @on(DataTable.RowHighlighted, "#conflicts")
    def _row_changed(self) -> None:
        self._show_conflict_detail()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#org-duplicates")
    @on(DataTable.RowHighlighted, "#duplicates")
    def _duplicate_row_changed(self) -> None:
        self.refresh_bindings()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def _show_conflict_detail(self) -> None:
        """Both values of the highlighted conflict whole, side by side."""
        view = self._current_conflict()
        shown_box = self.query_one("#conflict-shown", Static)
        other_box = self.query_one("#conflict-other", Static)
        self.query_one("#conflict-detail").display = view is not None
        if view is None:
            return
        hide = self.app.screen_share and view.about_person
        subject = shown_name(view.person, True) if hide else view.subject
        shown, *others = view.values
        heading = f"{view.kind}: {subject}" if subject else view.kind
        shown_box.update(
            clean_text(
                Text.assemble(
                    (f"{heading} · {view.field_label}\n", "bold"),
                    (f"Visas nu ({shown.where}, {shown.when}):\n", "italic"),
                    HIDDEN if hide else shown.shown,
                )
            )
        )
        other_box.update(
            clean_text(
                Text.assemble(
                    ("\n", ""),
                    *(
                        part
                        for o in others
                        for part in (
                            (f"Andra värdet ({o.where}, {o.when}):\n", "italic"),
                            (HIDDEN if hide else o.shown) + "\n",
                        )
                    ),
                )
            )
        )

    # --- export ----------------------------------------------------------------------

    @on(Select.Changed, "#export-org")
    def _org_changed(self) -> None:
        organisation = self.query_one("#export-org", Select).value
        if not isinstance(organisation, str):
            return  # the list being filled again: blank for a moment
        if organisation != self._export_result_for:
            # Another receiver: the last result is about another file, and below the new
            # preview it would read as this one's.
            self._forget_export_result()
        self._refresh_preview()

    @on(Checkbox.Changed, "#export-full")
    def _full_changed(self) -> None:
        self._forget_export_result()
        self._refresh_preview()

    def _forget_export_result(self) -> None:
        if self._export_result_for is not None:
            self._say("#export-result", "")
            self._export_result_for = None

    def _refresh_preview(self) -> None:
        organisation = self.query_one("#export-org", Select).value
        if isinstance(organisation, str):
            self._preview(organisation, self.query_one("#export-full", Checkbox).value)

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, target: str, full: bool) -> None:
        organisation_id, domain = ExportTarget.parse(target)
        preview = export_preview(self.app.db, organisation_id, full=full, domain=domain)
        to = preview.receiver
        if preview.own:
            text = (
                "Inom den egna nämnden följer allt med: "
                f"{plural(preview.people_included, 'person', 'personer')}."
            )
        elif not preview.consents_in_force:
            text = (
                f"Inga gällande samtycken från er till {to}. Följer med: "
                f"{plural(preview.people_included, 'person', 'personer')}, bara med det som "
                f"hör till remisser och möten med {to}.\n"
                f"Följer inte med: {plural(preview.people_left_out, 'person', 'personer')}. "
                "Att mottagaren har ärendet räcker inte."
            )
        else:
            text = (
                f"Följer med: {plural(preview.people_included, 'person', 'personer')}, "
                "med de uppgifter som gällande samtycken från er till "
                f"{to} omfattar, och det som hör till remisser och möten med {to}.\n"
                f"Följer inte med: {plural(preview.people_left_out, 'person', 'personer')} "
                "utan gällande samtycke "
                f"till {to}. Att mottagaren har ärendet räcker inte."
            )
        if not preview.own and preview.people_removed:
            text += (
                f"\nTas bort hos {to}: "
                f"{plural(preview.people_removed, 'person', 'personer')} som de har fått "
                "uppgifter om härifrån, eftersom samtycket har upphört: allt som kom "
                "härifrån om personen, som ansvarig handläggare, remisser och punkter på "
                "möten. Det de själva har skrivit om personen finns kvar hos dem, utom deras "
                "svar på remisser härifrån: de tas bort där med remissen men finns kvar här."
            )
        if preview.narrower:
            text += (
                f"\n{preview.narrower} har skickat filer hit. Remisser och möten med den "
                "nämnden följer bara med i en fil till den: välj den i listan."
            )
        text += f"\n{preview.kind_line}"
        people = ""
        if preview.people:
            share = self.app.screen_share
            lines = [person.line(masked=share) for person in preview.people]
            if preview.more_people:
                lines.append(f"… och {preview.more_people} personer till.")
            people = "Per person, det som följer med och det som stannar här:\n" + "\n".join(
                lines
            )
        self.app.call_from_thread(
            self.query_one("#export-preview", Static).update, plain(text, multiline=True)
        )
        self.app.call_from_thread(
            self.query_one("#export-people", Static).update, plain(people, multiline=True)
        )

    @on(Button.Pressed, "#export-go")
    @on(Input.Submitted, "#export-passphrase")  # Enter exports, as Enter reads in Läs in
    def _export_pressed(self) -> None:
        org = self.query_one("#export-org", Select).value
        if not isinstance(org, str):
            self._say("#export-result", "Välj vilken organisation filen är till.", error=True)
            return
        # An emptied path is the usual folder, not the folder the app was started from.
        out = self.query_one("#export-out", Input).value.strip() or str(export_folder())
        self._export(
            org,
            out,
            self.query_one("#export-passphrase", Input).value,
            self.query_one("#export-full", Checkbox).value,
        )

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, target: str, out: str, passphrase: str, full: bool) -> None:
        organisation_id, domain = ExportTarget.parse(target)
        try:
            result = export_file(
                self.app.db,
                for_organisation=organisation_id,
                out=Path(out).expanduser(),
                passphrase=passphrase,
                full=full,
                domain=domain,
            )
        except ServiceError as error:
            self._export_result_for = target
            self.app.call_from_thread(self._say, "#export-result", str(error), True)
            return
        kind = "Fullständig export" if result.full else "Nya ändringar"
        self._export_result_for = target
        self.app.call_from_thread(self._exported)
        self.app.call_from_thread(
            self._say,
            "#export-result",
            f"{kind}: {plural(result.changes, 'ändring', 'ändringar')} sparade i "
            f"{Path(result.path).resolve()}.\n"
            "Skicka filen till mottagaren (USB-minne eller e-post); lösenfrasen lämnas "
            "aldrig i samma meddelande.",
        )
        self.app.call_from_thread(self._refresh_preview)

    def _exported(self) -> None:
        # Done: the phrase is not left in a field where the next keys would change it
        # unseen, and from the tab bar 2 opens Läs in as the footer says.
        self.query_one("#export-passphrase", Input).value = ""
        full = self.query_one("#export-full", Checkbox)
        with full.prevent(Checkbox.Changed):
            full.value = False  # one full file was the point; the next is the new changes
        self.start_again()

    def _say(self, target: str, text: str, error: bool = False) -> None:
        widget = self.query_one(target, Static)
        widget.update(plain(text, multiline=True))  # quotes file names and peers' words
        widget.set_class(error, "error-text")

    # --- import ----------------------------------------------------------------------

    @on(Select.Changed, "#import-folder")
    def _folder_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self._say("#import-files-note", "Läser mappen …")
            self._list_files(Path(event.value))

    @work(thread=True, exclusive=True, group="sync-files", exit_on_error=False)
    def _list_files(self, folder: Path) -> None:
        self._files_folder = folder
        try:
            found = list_sync_files(self.app.db, folder)
        except ServiceError as error:
            self.app.call_from_thread(self._say, "#import-files-note", str(error), True)
            self.app.call_from_thread(self._show_files, [])
            return
        self._refused = refused_files(self.app.db)
        self.app.call_from_thread(self._show_files, found)

    def _show_files(self, found: list[SyncFileInfo]) -> None:
        table = self.query_one("#import-files", DataTable)
        # Read again, the list keeps the file the cursor was on (new files come first).
        was_on = (
            self._sync_files[table.cursor_row].path
            if 0 <= table.cursor_row < min(table.row_count, len(self._sync_files))
            else None
        )
        self._sync_files = found
        table.clear()
        for index, info in enumerate(found):
            table.add_row(
                f"{info.created:%Y-%m-%d %H:%M}" if info.created else "–",
                info.sender or "–",
                info.receiver or "–",
                self._file_state(info)[0],
                "" if info.state == "oläslig" else "Fullständig" if info.full else "Ändringar",
                info.path.stem,
                key=str(index),
            )
        # A newer file not yet read goes before the file the cursor was on: that one was
        # read last time, and Enter on it only said "redan inläst". Otherwise the cursor
        # stays (a retry after a wrong passphrase).
        again = next((i for i, info in enumerate(found) if info.path == was_on), None)
        fresh = next((i for i, info in enumerate(found) if info.state == "ny"), None)
        if again is None or (fresh is not None and fresh < again):
            again = fresh
        if again is not None:
            table.move_cursor(row=again, animate=False)
        if found:
            self._say("#import-files-note", "")
        elif not self.query_one("#import-files-note", Static).has_class("error-text"):
            self._say("#import-files-note", "Inga synkfiler i mappen.")

    def _file_state(self, info: SyncFileInfo) -> tuple[str, str]:
        """What Läge says of a file, and why when it was not or cannot be read in."""
        if info.state == "ny" and info.path.name in self._refused:
            return self._refused[info.path.name]
        return info.state, info.problem

    @on(DataTable.RowHighlighted, "#import-files")
    def _file_highlighted(self, event: DataTable.RowHighlighted) -> None:
        # Why a refused or unreadable file was not read in, as soon as it is on the cursor.
        index = int(event.row_key.value or 0)
        if index >= len(self._sync_files):
            return
        info = self._sync_files[index]
        _state, why = self._file_state(info)
        if info.path == self._result_about:
            why = ""  # said under Läs in already
        self._say("#import-files-note", f"{info.path.name}: {why}" if why else "", error=bool(why))

    @on(DataTable.RowSelected, "#import-files")
    def _file_chosen(self, event: DataTable.RowSelected) -> None:
        info = self._sync_files[int(event.row_key.value or 0)]
        self._say("#import-result", "")  # the last file's result is not this one's
        self._result_about = None
        state, why = self._file_state(info)
        if state in UNREADABLE:
            # Nothing to type a passphrase for: say why, and stay in the list.
            self._say("#import-files-note", f"{info.path.name}: {why}", error=True)
            return
        if not why:
            self._say("#import-files-note", "")
        # A file name is someone else's words: the field shows it without steering
        # characters, and the file read is the one chosen (see _import_path).
        self._chosen = (input_value(str(info.path)), info.path)
        self.query_one("#import-file", Input).value = self._chosen[0]
        self.query_one("#import-passphrase", Input).focus()

    def search_on_typing(self, event: events.Key) -> None:
        """A path typed in Läs in's file list (it begins with / or ~) goes to the path
        field. Called by the app as the key is read (UngApp.on_event), so the focus is in
        the field before the next key is routed: typed fast, the path's digits are the
        path's, not tabs."""
        if event.character not in ("/", "~") or self.focused is not self.query_one(
            "#import-files"
        ):
            return
        field = self.query_one("#import-file", Input)
        field.value = ""
        field.select_on_focus = False  # the path goes on after its first character
        self.set_focus(field)

    @on(Input.Blurred, "#import-file")
    def _select_path_on_focus(self, event: Input.Blurred) -> None:
        # Coming back to the field, a new path replaces the old one.
        event.input.select_on_focus = True

    def _import_path(self, typed: str) -> Path:
        if self._chosen is not None and typed == self._chosen[0].strip():
            return self._chosen[1]
        return Path(typed).expanduser()

    @on(Input.Submitted, "#import-file")
    def _path_typed(self, event: Input.Submitted) -> None:
        self._say("#import-result", "")
        self._result_about = None
        if not event.value.strip():
            # Enter on an empty field: stay, the next keys are a path, not the passphrase.
            self._say("#import-files-note", "Skriv sökvägen till en synkfil eller en mapp.")
            return
        path = Path(event.value.strip()).expanduser()
        if path.is_dir():
            self._say("#import-files-note", "Läser mappen …")
            self._list_files(path)
            self.query_one("#import-files", DataTable).focus()
        else:
            self.query_one("#import-passphrase", Input).focus()

    @on(Button.Pressed, "#import-go")
    @on(Input.Submitted, "#import-passphrase")
    def _import_pressed(self) -> None:
        self._start_import(None)

    def _start_import(self, trust: str | None) -> None:
        path = self.query_one("#import-file", Input).value.strip()
        if not path:
            self._say(
                "#import-result", "Välj filen i listan (Enter) och skriv lösenfrasen.", error=True
            )
            return
        if self._import_path(path).is_dir():
            self._say("#import-result", "Det är en mapp. Välj en fil i listan.", error=True)
            self._list_files(self._import_path(path))
            return
        if trust is not None:
            self._trusted.add(_normal(trust))
        self.query_one("#import-busy").display = True
        self._say("#import-result", "Läser in …")
        self._import(
            self._import_path(path), self.query_one("#import-passphrase", Input).value, trust
        )

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, path: Path, passphrase: str, trust: str | None) -> None:
        try:
            if trust is None:
                # The sender is asked about before the passphrase is tried, once: a
                # fingerprint confirmed holds for every file its key signed.
                _site, fingerprint = peek_sender(path)
                if _normal(fingerprint) in self._trusted:
                    trust = fingerprint
            result = import_file(self.app.db, path, passphrase=passphrase, trust=trust)
        except UnknownSender as unknown:
            self.app.call_from_thread(self._ask_trust, path, unknown.fingerprint)
            return
        except (SyncFileError, ServiceError) as error:
            label = "fel lösenfras" if isinstance(error, WrongPassphrase) else "avvisad"
            remember_refusal(self.app.db, path.name, label, str(error))
            self.app.call_from_thread(self._import_refused, path, label, str(error))
            return
        if result.status == "imported":
            forget_refusal(self.app.db, path.name)
        self.app.call_from_thread(self._import_done, path, result)

    def _import_refused(self, path: Path, label: str, why: str) -> None:
        self.query_one("#import-busy").display = False
        self._say("#import-result", why, error=True)
        self._result_about = path
        # The list says so too, until the file is read in: "ny" would read as untried.
        self._refused[path.name] = (label, why)
        self._show_files(self._sync_files)

    @work(thread=True, group="refusals", exit_on_error=False)
    def _remember_refusal(self, path: Path, label: str, why: str) -> None:
        remember_refusal(self.app.db, path.name, label, why)

    def _ask_trust(self, path: Path, fingerprint: str) -> None:
        self.query_one("#import-busy").display = False
        self._say("#import-result", "")

        def answered(choice: str | None) -> None:
            if choice == "trust":
                self._start_import(fingerprint)
            else:
                why = "Filen lästes inte in: avsändaren godkändes inte."
                self._remember_refusal(path, "ej godkänd", why)
                self._import_refused(path, "ej godkänd", why)

        # Whom to call: the organisation the file's header names, as it is known here.
        # Only a claim until the fingerprint matches, and said as one.
        named = next(
            (i.sender for i in self._sync_files if i.path == path and i.state != "oläslig"), ""
        )
        claim = (
            f"Filen säger att den kommer från {named}, från"
            if named and not named.startswith("okänd")
            else "Filen kommer från"
        )
        self.app.push_screen(
            ConfirmScreen(
                "Ny avsändare",
                f"{claim} en dator som inte har skickat filer hit förut. Ring "
                "avsändaren och be hen läsa upp sitt fingeravtryck (under Synk → "
                f"Installationer). Det ska vara:\n\n    {fingerprint}\n\n"
                "Godkänn bara om det stämmer tecken för tecken.",
                [("trust", "Det stämmer – läs in"), ("no", "Avbryt")],
            ),
            answered,
        )

    def _import_done(self, path: Path, result: ImportResult) -> None:
        self.query_one("#import-busy").display = False
        self._refused.pop(path.name, None)
        if result.status != "imported":
            self._say("#import-result", result.message)
            return
        self._last_import = result
        self._show_import()
        # Done typing: from the tab bar, 3 and 4 open the conflicts and duplicates it names.
        self.query_one(TabbedContent).query_one(Tabs).focus()
        self.load()
        if self._files_folder is not None:
            self._list_files(self._files_folder)  # the file now shows as read

    def _show_import(self) -> None:
        """The last import's summary; people named by initials while the screen is shared."""
        result = self._last_import
        if result is None:
            return
        s = result.summary
        lines = [
            f"Inläst: {s.new} nya, {s.updated} uppdaterade, {s.known} redan kända.",
            f"Konflikter: {s.conflicts} · Möjliga dubbletter: {s.duplicates} · "
            f"Borttagna (samtycke upphört): {s.purged}",
            *result.removal_lines(masked=self.app.screen_share),
            *(f"Varning: {w}" for w in s.warnings),
            *(f"Avvisat: {r}" for r in s.refused),
        ]
        self._say("#import-result", "\n".join(lines))

    # --- conflicts and duplicates ------------------------------------------------------

    def _current_conflict(self) -> ConflictView | None:
        table = self.query_one("#conflicts", DataTable)
        if not self._conflicts or table.row_count == 0:
            return None
        return self._conflicts[min(table.cursor_row, len(self._conflicts) - 1)]

    def action_keep(self) -> None:
        view = self._current_conflict()
        if view:
            self._resolve(view, view.values[0].value)

    def action_choose_other(self) -> None:
        view = self._current_conflict()
        if view:
            self._resolve(view, view.values[1].value)

    def action_type_value(self) -> None:
        view = self._current_conflict()
        if view is None or not view.editable:
            return

        def typed(value: str | None) -> None:
            if value is not None:
                self._resolve(view, value)

        self.app.push_screen(
            TypeValueScreen(
                f"Nytt värde för {view.field_label} ({view.record})", view.values[0].shown
            ),
            typed,
        )

    @work(thread=True, exclusive=True, group="sync-write", exit_on_error=False)
    def _resolve(self, view: ConflictView, value: object) -> None:
        try:
            resolve_conflict(
                self.app.db,
                view.table,
                view.row_id,
                view.field,
                value,
                actor_id=self.actor_id,
            )
        except ServiceError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
        else:
            self.app.call_from_thread(
                self.app.notify, "Konflikten är löst. Lösningen följer med nästa export."
            )
        self.app.call_from_thread(self.load)

    def _current_pair(self) -> DuplicatePair | None:
        table = self.query_one("#duplicates", DataTable)
        if not self._pairs or table.row_count == 0:
            return None
        return self._pairs[min(table.cursor_row, len(self._pairs) - 1)]

    def action_dismiss_suggestion(self) -> None:
        pair = self._current_pair()
        if pair is None or not pair.suggested:
            return

        def answered(choice: str | None) -> None:
            if choice == "dismiss":
                self._dismiss(pair)

        self.app.push_screen(
            ConfirmScreen(
                "Inte samma person?",
                f"{pair.suggested_by} föreslår att "
                f"{shown_name(pair.first_name, self.app.screen_share)} och "
                f"{shown_name(pair.second_name, self.app.screen_share)} är samma person. Om "
                "de inte är det tas förslaget bort här; posterna ändras inte.",
                [("dismiss", "Inte samma person"), ("no", "Avbryt")],
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="sync-write", exit_on_error=False)
    def _dismiss(self, pair: DuplicatePair) -> None:
        try:
            dismiss_suggestion(self.app.db, pair.first_id, pair.second_id)
        except ServiceError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
        else:
            self.app.call_from_thread(self.app.notify, "Förslaget är borttaget.")
        self.app.call_from_thread(self.load)

    @work(thread=True, exclusive=True, group="sync-write", exit_on_error=False)
    def _merge(self, pair: DuplicatePair) -> None:
        try:
            confirm_duplicate(self.app.db, pair.first_id, pair.second_id)
        except ServiceError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
        else:
            self.app.call_from_thread(self.app.notify, "Personerna är sammanslagna.")
        self.app.call_from_thread(self.load)

    def _current_org_row(self) -> OrganisationPair | OrganisationInfo | None:
        table = self.query_one("#org-duplicates", DataTable)
        if not self._org_rows or table.row_count == 0:
            return None
        return self._org_rows[min(table.cursor_row, len(self._org_rows) - 1)]

    def _org_without_number(self) -> OrganisationInfo | None:
        if self.focused is not self.query_one("#org-duplicates", DataTable):
            return None
        row = self._current_org_row()
        if isinstance(row, OrganisationPair):
            return next((o for o in (row.first, row.second) if not o.org_nr), None)
        return row

    def action_org_number(self) -> None:
        org = self._org_without_number()
        if org is None:
            return

        def typed(value: str | None) -> None:
            if value:
                self._set_number(org, value)

        self.app.push_screen(
            TypeValueScreen(f"Organisationsnummer för {org.name} (NNNNNN-NNNN)", ""), typed
        )

    @work(thread=True, exclusive=True, group="sync-write", exit_on_error=False)
    def _set_number(self, org: OrganisationInfo, value: str) -> None:
        try:
            set_organisation_number(
                self.app.db, org.id, value, actor_id=self.actor_id
            )
        except ValidationError as error:
            message = next(iter(error.errors.values()))
            self.app.call_from_thread(self.app.notify, message, severity="error")
        except ServiceError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
        else:
            self.app.call_from_thread(
                self.app.notify, f"{org.name} har nu organisationsnummer {value.strip()}."
            )
        self.app.call_from_thread(self.load)

    @work(thread=True, exclusive=True, group="sync-write", exit_on_error=False)
    def _merge_organisations(self, pair: OrganisationPair) -> None:
        try:
            merge_organisations(
                self.app.db,
                pair.first.id,
                pair.second.id,
                actor_id=self.actor_id,
            )
        except ServiceError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
        else:
            self.app.call_from_thread(
                self.app.notify, f"{pair.first.name} är nu en organisation i registret."
            )
        self.app.call_from_thread(self.load)

    def _merge_differences(self, pair: DuplicatePair) -> str:
        """Which of two differing values the merged person will show, said before the
        user confirms: the case organisation of one side changed silently (walker28)."""
        try:
            outcome = merge_outcome(self.app.db, pair.first_id, pair.second_id)
        except ServiceError:
            return ""
        if not outcome.differences:
            return ""
        share = self.app.screen_share
        lines = [
            # Organisation names are not about the person; the rest is hidden when shared.
            f"  {label}: {HIDDEN if share and label != 'Ärendet hos' else kept or '(tomt)'}"
            f" (inte {HIDDEN if share and label != 'Ärendet hos' else lost or 'tomt'})"
            for label, kept, lost in outcome.differences
        ]
        return (
            "\n\nDär posterna skiljer sig åt gäller det som skrevs senast:\n"
            + "\n".join(lines)
            + "\nDet andra värdet finns kvar i sin post men visas inte. Ändra i personens "
            "uppgifter efteråt om något ska vara annorlunda."
        )

    def action_merge(self) -> None:
        if self.focused is self.query_one("#org-duplicates", DataTable):
            row = self._current_org_row()
            if not isinstance(row, OrganisationPair):
                return

            def confirmed(choice: str | None) -> None:
                if choice == "merge":
                    self._merge_organisations(row)

            self.app.push_screen(
                ConfirmScreen(
                    "Samma organisation?",
                    f"{row.first.label} och {row.second.label}: slå bara ihop om det är samma "
                    "organisation. Allt som hör till någon av dem hör sedan till den, också "
                    "hos de andra installationerna efter nästa utbyte.",
                    [("merge", "Slå ihop"), ("no", "Avbryt")],
                ),
                confirmed,
            )
            return
        table = self.query_one("#duplicates", DataTable)
        if not self._pairs:
            return
        pair = self._pairs[min(table.cursor_row, len(self._pairs) - 1)]

        def answered(choice: str | None) -> None:
            if choice == "merge":
                self._merge(pair)

        first = shown_name(pair.first_name, self.app.screen_share)
        second = shown_name(pair.second_name, self.app.screen_share)
        if pair.suggested:
            question = (
                f"{pair.suggested_by} har slagit ihop {first} och {second}, "
                "men här har de inte samma nummer "
                f"({mask_identity(pair.identity_number) or 'inget nummer'} och "
                f"{mask_identity(pair.second_identity_number) or 'inget nummer'}). Slå bara "
                "ihop om du har kontrollerat att det är samma person."
            )
        else:
            question = (
                f"{first} och {second} har samma nummer "
                f"({mask_identity(pair.identity_number)}). Slå bara ihop om det är samma "
                "person; samtycken och historik från båda följer med."
            )
        question += self._merge_differences(pair)
        self.app.push_screen(
            ConfirmScreen("Slå ihop?", question, [("merge", "Slå ihop"), ("no", "Avbryt")]),
            answered,
        )
