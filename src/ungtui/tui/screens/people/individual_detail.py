"""Everything about one person: identity, groups and why, caseworkers, consents, history."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, OptionList, Static
from textual.widgets.option_list import Option

from ungtui.domain.data_categories import ARBETE, UTBILDNING, labels
from ungtui.domain.identity import mask_identity
from ungtui.domain.target_groups import AF_STATUSES, PersonFacts, compulsory_school_done
from ungtui.domain.text import initials
from ungtui.domain.vocabulary import GENDERS, IDENTITY_KINDS, STATUSES
from ungtui.services.audit import REVEALED, record_view
from ungtui.services.consent.consents import consent_lines, withdraw_consent
from ungtui.services.errors import NotFound, ServiceError
from ungtui.services.people.individuals import (
    HISTORY_PAGE,
    IndividualDetail,
    display_name,
    get_individual,
    remove_individual,
)
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.plain import bold, lines, plain


def hidden(value: str, share: bool) -> str:
    if not value:
        return "–"
    return "(dolt vid skärmdelning)" if share else value


def yes_no(value: bool) -> str:
    return "ja" if value else "nej"


# What a field of a data category never received here shows instead of its default.
MISSING = "uppgift saknas"


class IndividualDetailScreen(UngScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("e", "edit", "Ändra", id="edit"),
        Binding("s", "add_consent", "Samtycke", id="add_consent"),
        Binding("w", "withdraw_consent", "Återkalla", id="withdraw_consent"),
        Binding("v", "reveal", "Visa nr", id="reveal"),
        Binding("p", "way", "Väg", id="way"),
        Binding("delete", "remove", "Ta bort", id="remove"),
        Binding("l", "audit_log", "Logg", id="audit_log"),
        Binding("u", "extract", "Utdrag", id="extract"),
        Binding("r", "referrals", "Remisser", id="referrals"),
        Binding("a", "processes", "Processer", id="applicable_processes"),
    ]

    def __init__(self, individual_id: str) -> None:
        super().__init__()
        self.individual_id = individual_id
        self.detail: IndividualDetail | None = None
        self.revealed = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static("", id="person-title", classes="screen-title")
            yield Static("", id="identity-section", classes="section")
            yield Static("Målgrupper", classes="section-title")
            yield Static("", id="groups-section", classes="section")
            yield Static("Ansvariga handläggare", classes="section-title")
            yield Static("", id="responsible-section", classes="section")
            yield Static("Samtycken", classes="section-title")
            # Each consent whole: who may tell whom, for what, which data, how long.
            yield OptionList(id="consents")
            yield Static("Historik", classes="section-title")
            yield FittedTable(
                (
                    Column("at", "När", 16),
                    Column("field", "Vad", 26, grow=True, least=14),
                    Column("old", "Från", 20, priority=1),
                    Column("new", "Till", 20, grow=True, least=12),
                    Column("who", "Vem", 18, priority=2),
                ),
                detail="history-detail",
                id="history",
                cursor_type="row",
            )
            yield RowDetail(id="history-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#consents", OptionList).focus()
        self.load()
        self.watch(self.app, "screen_share", self._redraw, init=False)

    def _redraw(self, _share: bool) -> None:
        if self.detail is not None:
            self._show(self.detail)

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.load()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load(self) -> None:
        user = self.app.user
        try:
            detail = get_individual(
                self.app.db,
                self.individual_id,
                organisation_id=user.organisation_id if user else None,
            )
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            self.app.call_from_thread(self.dismiss)
            return
        if self.detail is None:
            actor = self.actor_id
            record_view(self.app.db, actor, self.individual_id, "personakt")
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: IndividualDetail) -> None:
        self.detail = detail
        person = detail.individual
        share = self.app.screen_share
        name = display_name(person.first_name, person.last_name)
        self.query_one("#person-title", Static).update(
            plain(initials(person.first_name, person.last_name) if share else name)
        )
        if person.identity_number:
            revealed = self.revealed and not share
            number = person.identity_number if revealed else mask_identity(person.identity_number)
        else:
            number = "R-XXXX" if share else person.reserve_id or ""
        age = f"{detail.age} år" if detail.age is not None else "okänd ålder"
        born = person.birth_date.isoformat() if person.birth_date else "okänt"
        permit = person.residence_permit_date.isoformat() if person.residence_permit_date else "–"
        missing = detail.missing
        no_school = UTBILDNING in missing
        identity = [
            plain(bold(f"{IDENTITY_KINDS.get(person.identity_kind, '')}:"), f" {number}"),
            plain(
                bold("Född:"),
                f" {born} ({age})   ",
                bold("Kön:"),
                f" {GENDERS.get(person.gender, '')}   ",
                bold("Status:"),
                f" {MISSING if ARBETE in missing else STATUSES.get(person.status, '')}",
            ),
            plain(
                bold("Telefon:"),
                f" {hidden(person.phone, share)}   ",
                bold("E-post:"),
                f" {hidden(person.email, share)}",
            ),
            plain(
                bold("Adress:"),
                f" {hidden(person.address, share)}   ",
                bold("Folkbokförd i:"),
                f" {person.municipality or '–'}",
            ),
            plain(
                bold("Går i gymnasieskolan:"),
                f" {MISSING if no_school else yes_no(person.in_upper_secondary)}   ",
                bold("Gymnasieexamen:"),
                f" {MISSING if no_school else yes_no(person.has_upper_secondary_diploma)}   ",
                bold("Första uppehållstillstånd:"),
                f" {permit}",
            ),
            plain(bold("Ärendet hos:"), f" {detail.case_organisation or '–'}"),
            _facts_line(person, missing),
        ]
        if missing:
            identity.append(plain(bold("Har inte lämnats hit:"), f" {labels(missing)}"))
        self.query_one("#identity-section", Static).update(lines(identity))
        groups = [
            plain("• ", bold(g.label), f": {g.reason}") for g in (*detail.groups, *detail.undecided)
        ]
        self.query_one("#groups-section", Static).update(
            lines(groups) if groups else "Ingen målgrupp just nu."
        )
        responsible = [
            plain(f"• {org}: {staff} ({unit})") for org, staff, unit in detail.responsibilities
        ]
        if not responsible and ARBETE in missing:
            # Who has the case elsewhere went with Arbete och insatser, not given here.
            elsewhere = detail.case_organisation or "den som registrerade personen"
            responsible = [plain(f"Ingen ansvarig här. Ansvarig hos {elsewhere}: {MISSING}.")]
        self.query_one("#responsible-section", Static).update(
            lines(responsible) if responsible else "Ingen ansvarig."
        )
        consents = self.query_one("#consents", OptionList)
        chosen = self._selected_consent()
        consents.clear_options()
        for index, c in enumerate(detail.consents):
            if index:
                consents.add_option(None)  # a line between two consents
            consents.add_option(Option(plain("\n".join(consent_lines(c)), multiline=True), id=c.id))
        if not detail.consents:
            consents.add_option(Option(Text("Inga samtycken registrerade."), disabled=True))
        else:
            ids = [c.id for c in detail.consents]
            wanted = chosen.id if chosen is not None and chosen.id in ids else ids[0]
            consents.highlighted = consents.get_option_index(wanted)
        history = self.query_one("#history", DataTable)
        history.clear()
        for h in detail.history[:HISTORY_PAGE]:
            old, new = h.old_value or "", h.new_value or ""
            if share and h.kind == "field":  # the person's own data
                old, new = hidden(old, share), hidden(new, share)
            history.add_row(plain(h.at), plain(h.field), plain(old), plain(new), plain(h.actor))
        if len(detail.history) > HISTORY_PAGE:
            history.add_row("…", plain("Äldre händelser: loggen (l)"), "", "", "")

    def action_back(self) -> None:
        self.dismiss()

    @work(thread=True, group="audit", exit_on_error=False)
    def _audit_reveal(self) -> None:
        record_view(self.app.db, self.actor_id, self.individual_id, REVEALED)

    def action_edit(self) -> None:
        from ungtui.tui.screens.people.individual_form import IndividualFormScreen

        self.app.push_screen(IndividualFormScreen(self.individual_id))

    def action_extract(self) -> None:
        from ungtui.tui.screens.privacy.extract import ExtractScreen

        if self.app.screen_share:
            self.notify(
                "Registerutdraget visar allt om personen. Stäng av skärmdelning (F9) först.",
                severity="warning",
            )
            return
        self.app.push_screen(ExtractScreen(self.individual_id))

    def action_audit_log(self) -> None:
        from ungtui.tui.screens.privacy.audit_log import AuditLogScreen

        if self.detail is not None:
            person = self.detail.individual
            name = display_name(person.first_name, person.last_name)
            if self.app.screen_share:
                name = initials(person.first_name, person.last_name)
            self.app.push_screen(AuditLogScreen(self.individual_id, name))

    def action_processes(self) -> None:
        from ungtui.tui.screens.processes.applicable_processes import ApplicableProcessesScreen

        self.app.push_screen(ApplicableProcessesScreen(self.individual_id))

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        if self.revealed:
            self._audit_reveal()
        if self.detail is not None:
            self._show(self.detail)

    def action_way(self) -> None:
        from ungtui.tui.screens.way.way import WayScreen

        self.app.push_screen(WayScreen(self.individual_id))

    def action_add_consent(self) -> None:
        from ungtui.tui.screens.consent.consent_form import ConsentFormScreen

        self.app.push_screen(ConsentFormScreen(self.individual_id))

    def _selected_consent(self):
        consents = self.query_one("#consents", OptionList)
        if self.detail is None or consents.highlighted is None:
            return None
        key = consents.get_option_at_index(consents.highlighted).id
        return next((c for c in self.detail.consents if c.id == key), None)

    def action_withdraw_consent(self) -> None:
        consent = self._selected_consent()
        if consent is None:
            self.notify("Det finns inget samtycke att återkalla.", severity="warning")
            return
        if consent.withdrawn_on is not None:
            self.notify(
                f"Samtycket återkallades redan {consent.withdrawn_on.isoformat()}.",
                severity="warning",
            )
            return

        def answer(choice: str | None) -> None:
            if choice == "withdraw":
                self._withdraw(consent.id)

        self.app.push_screen(
            ConfirmScreen(
                "Återkalla samtycke?",
                f"Samtycket från {consent.discloser} till {consent.receiver} slutar gälla i "
                "dag. Inga uppgifter får därefter lämnas med stöd av det: inte på möten, i "
                "remisser eller listor, och nästa synkfil säger åt mottagaren att ta bort "
                "det den har fått med stöd av det.",
                [("withdraw", "Återkalla"), ("cancel", "Avbryt")],
            ),
            answer,
        )

    @work(thread=True, exit_on_error=False)
    def _withdraw(self, consent_id: str) -> None:
        try:
            withdraw_consent(self.app.db, consent_id, actor_id=self.actor_id)
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify("Samtycket är återkallat.")
        self.load()

    def action_referrals(self) -> None:
        from ungtui.tui.screens.referrals.referrals import IndividualReferralsScreen

        self.app.push_screen(IndividualReferralsScreen(self.individual_id))

    def action_remove(self) -> None:
        def answer(choice: str | None) -> None:
            if choice == "remove":
                self._remove()

        self.app.push_screen(
            ConfirmScreen(
                "Ta bort personen?",
                "Personen tas bort ur registret och listor. Borttagningen loggas.",
                [("cancel", "Avbryt"), ("remove", "Ta bort")],
            ),
            answer,
        )

    @work(thread=True, exit_on_error=False)
    def _remove(self) -> None:
        try:
            remove_individual(
                self.app.db, self.individual_id, actor_id=self.actor_id
            )
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify("Personen är borttagen.")
        self.app.call_from_thread(self.dismiss)


def _facts_line(person, missing: frozenset[str] = frozenset()) -> Text:
    """The facts the target groups rest on beyond age and school: the establishment
    programme, the day compulsory school was done and the standing at AF; those of a
    category never received here (`missing`) are not known."""
    start, end = person.establishment_from, person.establishment_until
    if ARBETE in missing:
        programme = MISSING
    elif start or end:
        programme = f"{start.isoformat() if start else '?'}–{end.isoformat() if end else ''}"
    else:
        programme = "–"
    done = compulsory_school_done(
        PersonFacts(person.birth_date, compulsory_school_done_on=person.compulsory_school_done_on)
    )
    school = done.isoformat() if done else "–"
    if done and person.compulsory_school_done_on is None:
        school += " (antaget)"
    if UTBILDNING in missing:
        school = MISSING
    at_af = MISSING if ARBETE in missing else AF_STATUSES.get(person.af_status or "", "okänt")
    return plain(
        bold("Etableringsprogrammet:"),
        f" {programme}   ",
        bold("Grundskolan klar:"),
        f" {school}   ",
        bold("Hos AF:"),
        f" {at_af}",
    )
