"""One referral: who sent what to whom, its state, and every step with date, who and note."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from ungtui.domain.data_categories import label as category_label
from ungtui.domain.data_categories import labels as category_labels
from ungtui.domain.purposes import label as purpose_label
from ungtui.domain.purposes import referral_purpose
from ungtui.domain.referral_states import TRANSITIONS
from ungtui.services.errors import NotFound
from ungtui.services.people.person_data import facts_by_category
from ungtui.services.referrals.referrals import (
    EventRow,
    ReferralDetail,
    ReferralShare,
    get_referral,
    referral_share,
)
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.marks import OVERDUE, WARNING_STYLE
from ungtui.tui.widgets.masking import shown_name
from ungtui.tui.widgets.plain import bold, lines, plain

# One key per step; a step's key shows in the footer only when the step is possible.
STEP_KEYS = {
    "send": "s",
    "receive": "m",
    "accept": "a",
    "decline": "x",
    "start": "p",
    "finish": "f",
    "withdraw": "w",
}


def event_text(event: EventRow) -> str:
    parts = []
    if event.for_receiver:
        parts.append("Registrerat av avsändaren åt mottagaren (mottagaren använder inte ungtui)")
    if event.reason:
        parts.append(f"Skäl: {event.reason}")
    if event.outcome:
        parts.append(f"Utfall: {event.outcome}")
    if event.consent_exception:
        parts.append(f"UNDANTAG från samtycke, rättslig grund: {event.consent_basis}")
    elif event.consent_basis:
        parts.append(event.consent_basis)
    if event.note:
        parts.append(event.note)
    if not event.applied:
        parts.insert(0, "EJ GENOMFÖRD (krockade med ett samtidigt steg från en annan part)")
    return " · ".join(parts)


class ReferralDetailScreen(UngScreen[None]):
    DEFAULT_CSS = """
    #referral-detail { padding: 0 1; }
    #referral-events { height: auto; max-height: 16; }
    #referral-state.-overdue { color: #ffa62b; text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        *(
            Binding(key, f"step('{action}')", TRANSITIONS[action].label, id=action)
            for action, key in STEP_KEYS.items()
        ),
        Binding("o", "for_receiver", "Åt mottagaren", id="for_receiver"),
        Binding("k", "note", "Anteckning", id="note"),
        Binding("e", "edit", "Ändra", id="edit"),
        Binding("d", "person", "Deltagaren", id="person"),
    ]

    def __init__(self, referral_id: str) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.detail: ReferralDetail | None = None
        self.share: ReferralShare | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="referral-detail"):
            yield Static("", id="referral-heading", classes="screen-title")
            yield Static("", id="referral-state", classes="section")
            yield Static("", id="referral-content", classes="section")
            yield Static("Uppgifter som följer med remissen", classes="section-title")
            yield Static("", id="referral-share", classes="section")
            yield Static("", id="referral-next", classes="section")
            yield Static("Historik", classes="section-title")
            yield FittedTable(
                (
                    Column("on", "Datum", 10),
                    Column("step", "Steg", 11),
                    Column("who", "Vem", 34, priority=1),
                    Column("notes", "Noteringar", 54, grow=True, least=20),
                ),
                detail="events-detail",
                id="referral-events",
                cursor_type="row",
            )
            yield RowDetail(id="events-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#referral-events", DataTable).focus()
        self.load()
        self.watch(self.app, "screen_share", self._redraw, init=False)

    def _redraw(self, _share: bool) -> None:
        if self.detail is not None and self.share is not None:
            self._show(self.detail, self.share)

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.load()

    @work(thread=True, exclusive=True, group="referral", exit_on_error=False)
    def load(self) -> None:
        try:
            detail = get_referral(self.app.db, self.referral_id, actor=self.app.user)
            share = referral_share(self.app.db, self.referral_id)
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            self.app.call_from_thread(self.dismiss)
            return
        self.app.call_from_thread(self._show, detail, share)

    def _show(self, detail: ReferralDetail, share: ReferralShare) -> None:
        self.detail = detail
        self.share = share
        r = detail.referral
        self.query_one("#referral-heading", Static).update(
            plain(f"Remiss: {detail.kind} – {shown_name(detail.person, self.app.screen_share)}")
        )
        state = self.query_one("#referral-state", Static)
        marker = (f"   {OVERDUE}: svaret har dröjt", WARNING_STYLE) if detail.overdue else None
        state.update(
            plain(
                bold("Läge:"),
                f" {detail.state_label}   ",
                bold("Svara senast:"),
                f" {r.reply_by.isoformat()}",
                marker,
                # Its own line: the state the receiver's side is in, as far as known.
                (f"\n      {detail.ground_ended}", WARNING_STYLE) if detail.ground_ended else None,
                multiline=True,
            )
        )
        content = [
            plain(bold("Från:"), f" {detail.from_label}"),
            plain(bold("Till:"), f" {detail.to_label}"),
            plain(bold("Insats:"), f" {r.measure}"),
            plain(bold("Syfte:"), f" {r.purpose}"),
            plain(
                bold("Syfte enligt samtycket:"),
                f" {purpose_label(referral_purpose(r.purpose_code))}",
            ),
        ]
        if detail.lock_reason:
            content.append(plain((detail.lock_reason, "italic")))
        self.query_one("#referral-content", Static).update(lines(content))
        self.query_one("#referral-share", Static).update(self._share_text(share))
        possible = [f"{STEP_KEYS[a]} {TRANSITIONS[a].label.lower()}" for a in detail.available]
        waiting = ""
        if detail.ground_ended_text:
            waiting = "\n" + detail.ground_ended_text
            if detail.for_receiver:
                waiting += " Svar som mottagaren redan gett utanför ungtui: o registrerar dem."
        elif detail.for_receiver:
            steps = " eller ".join(TRANSITIONS[a].verb for a in detail.for_receiver)
            waiting = (
                f"\nMottagaren ska {steps} remissen i sin ungtui; svaret kommer hit med nästa "
                "fil. Använder mottagaren inte ungtui: o registrerar svaret åt mottagaren."
            )
        if detail.is_sender or detail.is_receiver:
            now = (", ".join(possible) if possible else "inga fler steg") + ", k anteckning"
        else:  # another unit's referral, seen from the person's page
            now = "inget; din enhet är varken avsändare eller mottagare."
        self.query_one("#referral-next", Static).update(
            plain(bold("Möjligt nu:"), " " + now, waiting, multiline=True)
        )
        events = self.query_one("#referral-events", DataTable)
        events.clear()
        for event in detail.events:
            events.add_row(
                event.happened_on.isoformat(),
                event.label,
                event.actor,
                event_text(event),
                key=event.id,
            )
        self.refresh_bindings()

    def _share_text(self, share: ReferralShare) -> Text:
        """What goes with the referral by kind of data; values hidden while the screen is
        shared, the kinds still named."""
        hide = self.app.screen_share
        rows = []
        day = share.sent_on.isoformat() if share.sent_on else ""
        # What went is history: said as the send step recorded it, not as today's consent
        # would have it (a withdrawn consent does not undo a disclosure). Sent before steps
        # recorded it, or within one nämnd: today's basis only, as before.
        if share.sent_categories is not None:
            went = category_labels(share.sent_categories)
            rows.append(plain(bold(f"Lämnades ut {day}:"), f" {went}."))
        elif share.sent_with_ground:
            rows.append(plain(bold(f"Lämnades ut {day}:"), " vem det gäller (undantag)."))
        rows.append(plain(bold("Nu:"), f" {share.basis}") if rows else plain(share.basis))
        for category, facts in facts_by_category(share.goes).items():
            values = "; ".join(f"{f.label}: {'(dolt)' if hide else f.value}" for f in facts)
            rows.append(plain(bold(f"{category_label(category)}:"), f" {values}"))
        # What stays is the sender's side of it: the receiver holds none of that.
        if share.stays and self.detail is not None and self.detail.is_sender:
            rows.append(plain((f"Stannar här: {category_labels(share.stays)}.", "italic")))
        return lines(rows)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step":
            return self.detail is not None and parameters[0] in self.detail.available
        if action == "edit":
            return (
                self.detail is not None
                and self.detail.lock_reason is None
                and self.detail.is_sender
            )
        if action == "for_receiver":
            return self.detail is not None and bool(self.detail.for_receiver)
        if action == "note":
            return self.detail is not None and (self.detail.is_sender or self.detail.is_receiver)
        if action == "person":
            return self.detail is not None
        return True

    def action_back(self) -> None:
        self.dismiss()

    def action_step(self, action: str) -> None:
        from ungtui.tui.screens.referrals.referral_step import StepScreen

        self.app.push_screen(StepScreen(self.referral_id, action))

    def action_for_receiver(self) -> None:
        """Record an answer the receiver gave outside ungtui: which step, then its form."""
        from ungtui.tui.screens.confirm import ConfirmScreen
        from ungtui.tui.screens.referrals.referral_step import StepScreen

        if self.detail is None or not self.detail.for_receiver:
            return

        def chosen(action: str | None) -> None:
            if action in TRANSITIONS:
                self.app.push_screen(StepScreen(self.referral_id, action, for_receiver=True))

        self.app.push_screen(
            ConfirmScreen(
                "Svar åt mottagaren",
                "Gör så här bara om mottagaren inte använder ungtui och har svarat per "
                "telefon eller brev. Använder mottagaren ungtui tar hen steget själv, och det "
                "kommer hit med nästa fil. Historiken visar att du registrerade svaret.",
                [(a, TRANSITIONS[a].label) for a in self.detail.for_receiver] + [("no", "Avbryt")],
            ),
            chosen,
        )

    def action_note(self) -> None:
        from ungtui.tui.screens.referrals.referral_step import StepScreen

        self.app.push_screen(StepScreen(self.referral_id, "note"))

    def action_edit(self) -> None:
        from ungtui.tui.screens.referrals.referral_form import ReferralFormScreen

        if self.detail is not None:
            self.app.push_screen(
                ReferralFormScreen(self.detail.referral.individual_id, self.referral_id)
            )

    def action_person(self) -> None:
        if self.detail is not None:
            self.app.open_person(self.detail.referral.individual_id)
