"""Write or change a referral: to whom, what kind, the measure asked for, purpose, reply-by."""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static

from ungtui.domain.meeting_time import parse_day
from ungtui.domain.purposes import PURPOSES, REFERRAL_DEFAULT, referral_purpose
from ungtui.domain.referral_vocabulary import KIND_FOR_ORGANISATION, REFERRAL_KINDS
from ungtui.domain.text import display_name, plural
from ungtui.domain.working_days import is_working_day, working_days_until
from ungtui.services import clock
from ungtui.services.people.individuals import get_individual
from ungtui.services.referrals.referrals import (
    Receiver,
    ReferralDraft,
    create_referral,
    default_reply_by,
    get_referral,
    receivers,
    reply_working_days,
    update_referral,
)
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, FormScroll
from ungtui.tui.widgets.masking import shown_name
from ungtui.tui.widgets.plain import PlainSelect, input_value, plain


def reply_hint(text: str, today: date, default_days: int) -> str:
    """The hint under "Svara senast" for what is typed: an empty field gets the default
    number of working days; a day says how far it is from today; anything else, nothing."""
    if not text.strip():
        return f"Tomt: {default_days} arbetsdagar från i dag; helgdagar räknas inte."
    try:
        day = parse_day(text, today)
    except ValueError:
        return ""
    if day < today:
        return "i det förflutna: svara senast kan inte ligga före i dag."
    if day == today:
        return "i dag."
    count = working_days_until(today, day)
    hint = f"{plural(count, 'arbetsdag', 'arbetsdagar')} från i dag; helgdagar räknas inte."
    if not is_working_day(day):
        hint += " Dagen är ingen arbetsdag."
    return hint


class ReferralFormScreen(FormScreen[str | None]):
    """Dismisses with the referral's id when saved, or None."""

    def __init__(
        self,
        individual_id: str,
        referral_id: str | None = None,
        *,
        purpose: str = "",
        origin_id: str | None = None,
    ) -> None:
        super().__init__()
        self.individual_id = individual_id
        self.referral_id = referral_id
        self._purpose = purpose  # e.g. the text of the meeting decision it comes from
        self._origin_id = origin_id
        self._receivers: dict[str, Receiver] = {}
        self._filling = True
        self._suggested_kind: str | None = None  # the kind offered for the receiver
        self._person_name = ""
        self._reply_days: int | None = None  # the install's default, once read

    def compose(self) -> ComposeResult:
        yield Header()
        title = "Ändra remiss" if self.referral_id else "Ny remiss"
        yield Static(title, id="referral-form-title", classes="screen-title")
        with FormScroll(id="form"):
            with Horizontal(classes="row"):
                yield FormField(
                    "Till organisation",
                    PlainSelect([], prompt="Välj organisation", id="to_organisation_id"),
                    name="to_organisation_id",
                )
                yield FormField(
                    "Enhet",
                    PlainSelect([], prompt="Ingen särskild enhet", id="to_unit_id"),
                    name="to_unit_id",
                )
                yield FormField(
                    "Person hos mottagaren",
                    PlainSelect([], prompt="Ingen särskild person", id="to_staff_id"),
                    name="to_staff_id",
                )
            yield FormField(
                "Sort",
                Select(
                    [(label, code) for code, label in REFERRAL_KINDS.items()],
                    prompt="Välj sort",
                    id="kind",
                ),
                name="kind",
            )
            yield FormField(
                "Insats som efterfrågas",
                Input(placeholder="t.ex. arbetsträning, utbildningskontrakt", id="measure"),
                name="measure",
            )
            with Horizontal(classes="row"):
                yield FormField(
                    "Syfte",
                    Input(placeholder="vad remissen ska leda till för personen", id="purpose"),
                    name="purpose",
                )
                yield FormField(
                    "Syfte enligt samtycket",
                    Select(
                        [(label, code) for code, label in PURPOSES.items()],
                        value=REFERRAL_DEFAULT,
                        allow_blank=False,
                        id="purpose_code",
                    ),
                    name="purpose_code",
                )
            yield FormField(
                "Svara senast",
                DateInput(id="reply_by"),
                name="reply_by",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#to_organisation_id", Select).focus()
        self._load()
        self.watch(self.app, "screen_share", self._show_title, init=False)

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        db = self.app.db
        person = get_individual(db, self.individual_id).individual
        name = display_name(person.first_name, person.last_name)
        detail = get_referral(db, self.referral_id) if self.referral_id else None
        self.app.call_from_thread(
            self._fill,
            name,
            receivers(db),
            detail,
            default_reply_by(db).isoformat(),
            reply_working_days(db),
        )

    def _fill(self, name, choices: list[Receiver], detail, reply_by: str, days: int) -> None:
        self._person_name = name
        self._show_title()
        self._receivers = {r.id: r for r in choices}
        self._reply_days = days
        self.query_one("#to_organisation_id", Select).set_options([(r.name, r.id) for r in choices])
        self._show_reply_hint()
        if detail is None:
            self.query_one("#reply_by", Input).value = reply_by
            self.query_one("#purpose", Input).value = input_value(self._purpose)
            self._filling = False
            self.call_after_refresh(self.mark_clean, "to_organisation_id", "reply_by", "purpose")
            return
        r = detail.referral
        self.query_one("#to_organisation_id", Select).value = r.to_organisation_id
        self._set_units(r.to_organisation_id)
        if r.to_unit_id:
            self.query_one("#to_unit_id", Select).value = r.to_unit_id
            self._set_staff(r.to_organisation_id, r.to_unit_id)
        if r.to_staff_id:
            self.query_one("#to_staff_id", Select).value = r.to_staff_id
        self.mark_clean("to_organisation_id", "to_unit_id", "to_staff_id")
        self.fill(
            {
                "kind": r.kind,
                "measure": input_value(r.measure),
                "purpose": input_value(r.purpose),
                "purpose_code": referral_purpose(r.purpose_code),
                "reply_by": r.reply_by.isoformat(),
            }
        )
        self.call_after_refresh(setattr, self, "_filling", False)

    @on(Input.Changed, "#reply_by")
    def _reply_by_changed(self) -> None:
        self._show_reply_hint()

    def _show_reply_hint(self) -> None:
        """What the typed day means for the receiver; the field reads the day back before
        it. Nothing of its own while the text is not a day (the field then shows how to
        type one)."""
        if self._reply_days is None:
            return
        text = self.query_one("#reply_by", Input).value
        self.query_one("#field-reply_by", FormField).set_hint(
            reply_hint(text, clock.today(), self._reply_days)
        )

    def _show_title(self, _share: bool = False) -> None:
        title = "Ändra remiss" if self.referral_id else "Ny remiss"
        name = shown_name(self._person_name, self.app.screen_share)
        self.query_one("#referral-form-title", Static).update(plain(f"{title} för {name}"))

    def _set_units(self, organisation_id: str | None) -> None:
        receiver = self._receivers.get(organisation_id or "")
        units = receiver.units if receiver else []
        self.query_one("#to_unit_id", Select).set_options([(name, id_) for id_, name, _ in units])
        self.query_one("#to_staff_id", Select).set_options([])

    def _set_staff(self, organisation_id: str | None, unit_id: str | None) -> None:
        receiver = self._receivers.get(organisation_id or "")
        staff = next((s for id_, _, s in receiver.units if id_ == unit_id), []) if receiver else []
        self.query_one("#to_staff_id", Select).set_options([(name, id_) for id_, name in staff])

    @on(Select.Changed, "#to_organisation_id")
    def _organisation_changed(self, event: Select.Changed) -> None:
        if not self._filling:
            self._set_units(self._selected("#to_organisation_id"))
            self._suggest_kind()

    def _suggest_kind(self) -> None:
        """A referral to AF is of the kind Arbetsförmedlingen: offered once the receiver
        is chosen, as long as the user has not picked a kind."""
        kind = self.query_one("#kind", Select)
        receiver = self._receivers.get(self._selected("#to_organisation_id") or "")
        suggested = KIND_FOR_ORGANISATION.get(receiver.kind) if receiver else None
        if kind.value not in (Select.NULL, self._suggested_kind):
            return  # the user's own choice stands
        if suggested:
            kind.value = suggested
        elif kind.value is not Select.NULL:
            kind.clear()  # the guess was for the organisation chosen before
        self._suggested_kind = suggested

    @on(Select.Changed, "#to_unit_id")
    def _unit_changed(self, event: Select.Changed) -> None:
        if not self._filling:
            self._set_staff(self._selected("#to_organisation_id"), self._selected("#to_unit_id"))

    def _selected(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else str(value)

    def _collect(self) -> ReferralDraft:
        return ReferralDraft(
            individual_id=self.individual_id,
            to_organisation_id=self._selected("#to_organisation_id"),
            to_unit_id=self._selected("#to_unit_id"),
            to_staff_id=self._selected("#to_staff_id"),
            kind=self._selected("#kind") or "",
            measure=self.query_one("#measure", Input).value,
            purpose=self.query_one("#purpose", Input).value,
            purpose_code=str(self.query_one("#purpose_code", Select).value),
            reply_by=self.query_one("#reply_by", Input).value,
            origin_id=self._origin_id,
        )

    def action_save(self) -> None:
        self._save(self._collect())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, draft: ReferralDraft) -> None:
        user = self.app.user
        if user is None:
            return
        referral_id = self.referral_id
        if referral_id is None:
            self.save_and_close(
                lambda: create_referral(self.app.db, user, draft),
                "Remissen är sparad som utkast. Skicka den med s.",
                error_timeout=10,
            )
            return

        def update() -> str:
            update_referral(self.app.db, user, referral_id, draft)
            return referral_id

        self.save_and_close(update, "Remissen är ändrad.", error_timeout=10)
