"""Dialogs for a referral: take a step (date, reason, outcome, note; the consent gate when
sending), write a note, and set the default time to answer."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from ungtui.domain.referral_states import TRANSITIONS
from ungtui.domain.referral_vocabulary import REFERRAL_OUTCOMES
from ungtui.services import clock
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.referrals.referrals import (
    TransitionInput,
    add_note,
    consent_gate,
    reply_working_days,
    set_reply_working_days,
    transition_referral,
)
from ungtui.tui.screens.form_base import FormDialog
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, show_errors
from ungtui.tui.widgets.plain import plain

DIALOG_CSS = """
StepScreen, ReplyDaysScreen { align: center middle; }
#step-dialog { width: 84; max-height: 90%; }
#consent-line { height: auto; margin-bottom: 1; }
#consent-line.-blocked { color: #ffa62b; text-style: bold; }
"""


class StepScreen(FormDialog[str | None]):
    """Dismisses with the referral's new state (or "note"), or None when cancelled."""

    DEFAULT_CSS = DIALOG_CSS

    def __init__(self, referral_id: str, action: str, *, for_receiver: bool = False) -> None:
        """`for_receiver`: the sender records the receiver's answer because the receiver
        does not use ungtui."""
        super().__init__()
        self.referral_id = referral_id
        self.action = action
        self.transition = TRANSITIONS.get(action)
        self.for_receiver = for_receiver

    def compose(self) -> ComposeResult:
        t = self.transition
        title = f"{t.label} remissen" if t else "Ny anteckning"
        if t is not None and self.for_receiver:
            title += " åt mottagaren"
        with Vertical(classes="dialog", id="step-dialog"):
            yield Static(title, classes="dialog-title")
            if self.for_receiver:
                yield Static(
                    "Mottagaren använder inte ungtui. Du registrerar svaret som mottagaren gav "
                    "per telefon eller brev; historiken visar att du gjorde det.",
                    id="for-receiver-line",
                )
            if self.action == "send":
                yield Static("Kontrollerar samtycke …", id="consent-line")
                exception = FormField(
                    "Rättslig grund för undantag från samtycke",
                    Input(placeholder="lagrum och varför uppgifterna får lämnas", id="ground"),
                    name="exception_ground",
                    hint="Bara om uppgifterna får lämnas utan samtycke. Sparas i historiken.",
                )
                exception.display = False
                yield exception
            if t is not None:
                yield FormField(
                    "Datum",
                    DateInput(clock.today().isoformat(), id="happened_on"),
                    name="happened_on",
                )
            if t is not None and t.requires_reason:
                yield FormField("Skäl (krävs)", Input(id="reason"), name="reason")
            if t is not None and t.requires_outcome:
                yield FormField(
                    "Utfall (krävs)",
                    Select(
                        [(label, code) for code, label in REFERRAL_OUTCOMES.items()],
                        prompt="Välj utfall",
                        id="outcome",
                    ),
                    name="outcome",
                )
            label = "Anteckning" if t is None else "Anteckning (frivillig)"
            yield FormField(label, Input(id="note"), name="note")
        yield KeyFooter()

    def on_mount(self) -> None:
        # The top field first, as on every form: a date typed at once lands in Datum (its
        # text selected, so typing replaces today), not in the note below it, where it
        # would be saved as text beside today's date. The required fields follow on Tab,
        # and Ctrl+S without them puts the cursor there.
        first = "#happened_on" if self.transition is not None else "#note"
        self.query_one(first).focus()
        if self.action == "send":
            self._check_consent()

    @work(thread=True, exit_on_error=False)
    def _check_consent(self) -> None:
        gate = consent_gate(self.app.db, self.referral_id)
        self.app.call_from_thread(self._show_gate, gate)

    def _show_gate(self, gate) -> None:
        line = self.query_one("#consent-line", Static)
        if gate.allowed:
            line.update(plain(f"Får skickas: {gate.message}"))
            return
        line.update(plain(f"STOPP: {gate.message}"))
        line.add_class("-blocked")
        self.query_one("#field-exception_ground", FormField).display = True
        self.query_one("#ground", Input).focus()

    def _value(self, selector: str) -> str:
        found = self.query(selector)
        return found.first(Input).value if found else ""

    def _collect(self) -> TransitionInput:
        outcome = None
        if self.query("#outcome"):
            value = self.query_one("#outcome", Select).value
            outcome = None if value is Select.NULL else str(value)
        return TransitionInput(
            action=self.action,
            happened_on=self._value("#happened_on"),
            note=self._value("#note"),
            reason=self._value("#reason"),
            outcome=outcome,
            exception_ground=self._value("#ground"),
            for_receiver=self.for_receiver,
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self._save(self._collect())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, data: TransitionInput) -> None:
        user = self.app.user
        if user is None:
            return
        try:
            if self.transition is None:
                add_note(self.app.db, user, self.referral_id, data.note)
                result = "note"
            else:
                result = transition_referral(self.app.db, user, self.referral_id, data)
        except ValidationError as exc:
            self.app.call_from_thread(self._show_errors, exc.errors)
            self.notify("Rätta det markerade. Inget har sparats.", severity="warning")
            return
        except ServiceError as exc:
            self.notify(str(exc), title="Inte möjligt", severity="error", timeout=10)
            return
        done = (
            "Anteckningen är sparad."
            if self.transition is None
            else (
                f"Remissen är {self.transition.done.lower()}"
                + (" (registrerat åt mottagaren)." if self.for_receiver else ".")
            )
        )
        self.notify(done)
        self.app.call_from_thread(self.dismiss, result)

    def _show_errors(self, errors: dict[str, str]) -> None:
        if "exception_ground" in errors:
            self.query_one("#field-exception_ground", FormField).display = True
        show_errors(self, errors)


class ReplyDaysScreen(FormDialog[int | None]):
    """How many working days a receiver gets to answer new referrals (this install)."""

    DEFAULT_CSS = DIALOG_CSS

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="step-dialog"):
            yield Static("Svarstid för nya remisser", classes="dialog-title")
            yield FormField(
                "Antal arbetsdagar",
                Input(id="days"),
                name="days",
                hint="Helger och helgdagar (även jul-, midsommar- och nyårsafton) räknas inte.",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#days", Input).focus()
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        days = reply_working_days(self.app.db)

        def fill() -> None:
            self.query_one("#days", Input).value = str(days)
            self.call_after_refresh(self.mark_clean, "days")

        self.app.call_from_thread(fill)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        self._save(self.query_one("#days", Input).value)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, text: str) -> None:
        try:
            days = set_reply_working_days(self.app.db, text)
        except ValidationError as exc:
            self.app.call_from_thread(show_errors, self, exc.errors)
            return
        self.notify(f"Nya remisser får {days} arbetsdagar att svara på.")
        self.app.call_from_thread(self.dismiss, days)
