"""Add or edit a person, with each field checked as it is left."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Header, Input, Select, Static

from ungtui.domain.identity import parse_identity
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.target_groups import AF_STATUSES
from ungtui.domain.vocabulary import GENDERS, IDENTITY_KINDS, STATUSES
from ungtui.services import clock
from ungtui.services.errors import ValidationError
from ungtui.services.people.individuals import (
    IndividualInput,
    SameIdentity,
    find_same_identity,
    get_individual,
    save_individual,
    validate_individual,
)
from ungtui.services.people.organisations import list_staff
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, FormScroll, show_errors
from ungtui.tui.widgets.plain import PlainSelect, input_value

DATE_FIELDS = {"birth_date", "residence_permit_date"}
# What a shared screen must not show: these fields show dots while F9 is on.
PERSONAL_FIELDS = ("identity", "reserve_id", "first_name", "last_name", "phone", "email", "address")


class IndividualFormScreen(FormScreen[str | None]):
    """Dismisses with the saved person's id, or None when closed without saving."""

    def __init__(self, individual_id: str | None) -> None:
        super().__init__()
        self.individual_id = individual_id
        self._loading = individual_id is not None

    def compose(self) -> ComposeResult:
        yield Header()
        title = "Ändra deltagare" if self.individual_id else "Ny deltagare"
        yield Static(title, classes="screen-title")
        with FormScroll(id="form"):
            yield FormField(
                "Personnummer eller samordningsnummer",
                Input(placeholder="ÅÅÅÅMMDD-NNNN", id="identity"),
                name="identity",
                hint="Lämna tomt om personen saknar nummer; ange då födelsedatum.",
            )
            with Horizontal(classes="row"):
                yield FormField(
                    "Födelsedatum (utan nummer)",
                    DateInput(placeholder="ÅÅÅÅ-MM-DD", id="birth_date"),
                    name="birth_date",
                )
                yield FormField(
                    "Reservnummer (utan nummer)",
                    Input(placeholder="skapas om tomt", id="reserve_id"),
                    name="reserve_id",
                )
            with Horizontal(classes="row"):
                yield FormField("Förnamn", Input(id="first_name"), name="first_name")
                yield FormField("Efternamn", Input(id="last_name"), name="last_name")
            with Horizontal(classes="row"):
                yield FormField(
                    "Kön",
                    Select(
                        [(label, code) for code, label in GENDERS.items()],
                        allow_blank=False,
                        value="okänt",
                        id="gender",
                    ),
                    name="gender",
                )
                yield FormField(
                    "Status",
                    Select(
                        [(label, code) for code, label in STATUSES.items()],
                        allow_blank=False,
                        value="aktiv",
                        id="status",
                    ),
                    name="status",
                )
            with Horizontal(classes="row"):
                yield FormField("Telefon", Input(id="phone"), name="phone")
                yield FormField("E-post", Input(id="email"), name="email")
            with Horizontal(classes="row"):
                yield FormField("Adress", Input(id="address"), name="address")
                yield FormField(
                    "Folkbokförd i kommun",
                    Input(placeholder="t.ex. Gislaved", id="municipality"),
                    name="municipality",
                )
            with Horizontal(classes="row"):
                yield Checkbox("Går i gymnasieskolan", id="in_upper_secondary")
                yield Checkbox("Har gymnasieexamen", id="has_upper_secondary_diploma")
            with Horizontal(classes="row"):
                yield FormField(
                    "Grundskolan klar (skolplikten fullgjord)",
                    DateInput(
                        placeholder="tomt = vårterminen året hen fyller 16",
                        id="compulsory_school_done_on",
                    ),
                    name="compulsory_school_done_on",
                )
                yield FormField(
                    "Status hos Arbetsförmedlingen",
                    Select(
                        [(label, code) for code, label in AF_STATUSES.items()],
                        prompt="Okänd",
                        id="af_status",
                    ),
                    name="af_status",
                )
            yield FormField(
                "Ändrad skol- eller AF-status gäller från",
                DateInput(placeholder="tomt = i dag", id="status_changed_on"),
                name="status_changed_on",
                hint="Äldre perioder i uppföljningen ser statusen som den var då.",
            )
            with Horizontal(classes="row"):
                yield FormField(
                    "Första uppehållstillstånd",
                    DateInput(placeholder="ÅÅÅÅ-MM-DD, för nyanlända", id="residence_permit_date"),
                    name="residence_permit_date",
                )
                yield FormField(
                    "Etableringsprogrammet från",
                    DateInput(placeholder="ÅÅÅÅ-MM-DD, AF:s beslut", id="establishment_from"),
                    name="establishment_from",
                )
                yield FormField(
                    "Etableringsprogrammet till",
                    DateInput(placeholder="ÅÅÅÅ-MM-DD", id="establishment_until"),
                    name="establishment_until",
                )
            yield FormField(
                "Ansvarig handläggare i din organisation",
                PlainSelect([], prompt="Ingen ansvarig", id="responsible"),
                name="responsible",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#identity", Input).focus()
        self._load()
        self._mask(self.app.screen_share)
        self.watch(self.app, "screen_share", self._mask, init=False)

    def _mask(self, share: bool) -> None:
        for name in PERSONAL_FIELDS:
            self.query_one(f"#{name}", Input).password = share

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        user = self.app.user
        staff = [
            s for s in list_staff(self.app.db) if user and s.organisation_id == user.organisation_id
        ]
        detail = None
        if self.individual_id:
            detail = get_individual(
                self.app.db,
                self.individual_id,
                organisation_id=user.organisation_id if user else None,
            )
        self.app.call_from_thread(self._fill, staff, detail)

    def _fill(self, staff, detail) -> None:
        responsible = self.query_one("#responsible", Select)
        responsible.set_options([(f"{s.name} ({s.unit_name})", s.id) for s in staff])
        if detail is None:
            if self.app.user:
                responsible.value = self.app.user.staff_id
            self._loading = False
            self.mark_clean("responsible")
            return
        person = detail.individual

        def day(value) -> str:
            return value.isoformat() if value else ""

        values = {
            "identity": person.identity_number or "",
            "birth_date": day(person.birth_date) if not person.identity_number else "",
            "reserve_id": person.reserve_id or "",
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": person.phone,
            "email": person.email,
            "address": person.address,
            "residence_permit_date": day(person.residence_permit_date),
            "establishment_from": day(person.establishment_from),
            "establishment_until": day(person.establishment_until),
            "compulsory_school_done_on": day(person.compulsory_school_done_on),
            "municipality": person.municipality,
        }
        self.fill(
            {
                **{name: input_value(value) for name, value in values.items()},
                **({"af_status": person.af_status} if person.af_status else {}),
                "gender": person.gender,
                "status": person.status,
                "in_upper_secondary": person.in_upper_secondary,
                "has_upper_secondary_diploma": person.has_upper_secondary_diploma,
                "responsible": detail.responsible_staff_id,
            }
        )
        self._loading = False

    # --- checks as fields are left ---------------------------------------------------

    @on(Input.Blurred, "#identity")
    def _identity_left(self, event: Input.Blurred) -> None:
        self._check_identity(event.value)

    def _check_identity(self, value: str) -> None:
        field = self.query_one("#field-identity", FormField)
        text = value.strip()
        if not text:
            field.set_error(None)
            field.set_hint("Lämna tomt om personen saknar nummer; ange då födelsedatum.")
            return
        try:
            identity = parse_identity(text, clock.today())
        except ValueError as exc:
            field.set_error(str(exc))
            return
        field.set_error(None)
        field.set_hint(f"{IDENTITY_KINDS[identity.kind]} · född {identity.birth_date.isoformat()}")
        gender = self.query_one("#gender", Select)
        if gender.value == "okänt":
            gender.value = identity.legal_gender
        self._look_for_same(identity.normalized)

    @work(thread=True, exclusive=True, group="same-identity", exit_on_error=False)
    def _look_for_same(self, normalized: str) -> None:
        same = find_same_identity(self.app.db, normalized, self.individual_id)
        if same:
            names = ", ".join(f"{s.name} ({s.status})" for s in same)
            self.app.call_from_thread(
                self.query_one("#field-identity", FormField).set_hint,
                f"Obs! Numret finns redan registrerat: {names}.",
            )

    @on(
        Input.Blurred,
        "#birth_date, #residence_permit_date, #establishment_from, #establishment_until, "
        "#compulsory_school_done_on, #status_changed_on",
    )
    def _check_date(self, event: Input.Blurred) -> None:
        name = event.input.id or ""
        field = self.query_one(f"#field-{name}", FormField)
        if not event.value.strip():
            field.set_error(None)
            return
        try:
            parse_day(event.value, clock.today())
        except ValueError as exc:
            field.set_error(str(exc))
        else:
            field.set_error(None)

    # --- saving ----------------------------------------------------------------------

    def _collect(self) -> IndividualInput:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        responsible = self.query_one("#responsible", Select).value
        af_status = self.query_one("#af_status", Select).value
        return IndividualInput(
            identity=text("identity"),
            reserve_id=text("reserve_id"),
            birth_date=text("birth_date"),
            first_name=text("first_name"),
            last_name=text("last_name"),
            gender=str(self.query_one("#gender", Select).value),
            phone=text("phone"),
            email=text("email"),
            address=text("address"),
            in_upper_secondary=self.query_one("#in_upper_secondary", Checkbox).value,
            has_upper_secondary_diploma=self.query_one(
                "#has_upper_secondary_diploma", Checkbox
            ).value,
            residence_permit_date=text("residence_permit_date"),
            status=str(self.query_one("#status", Select).value),
            responsible_staff_id=None if responsible is Select.NULL else str(responsible),
            establishment_from=text("establishment_from"),
            establishment_until=text("establishment_until"),
            compulsory_school_done_on=text("compulsory_school_done_on"),
            municipality=text("municipality"),
            af_status="" if af_status is Select.NULL else str(af_status),
            status_changed_on=text("status_changed_on"),
        )

    def action_save(self) -> None:
        if self._loading:
            return
        self._check_identity(self.query_one("#identity", Input).value)
        data = self._collect()
        try:
            values = validate_individual(data, clock.today())
        except ValidationError as exc:
            self.refuse(exc.errors)
            return
        show_errors(self, {})
        self._save(data, values.get("identity_number"), confirmed=False)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, data: IndividualInput, normalized: str | None, confirmed: bool) -> None:
        if normalized and not confirmed:
            same = find_same_identity(self.app.db, normalized, self.individual_id)
            if same:
                self.app.call_from_thread(self._ask_about_same, data, normalized, same)
                return
        user = self.app.user
        self.save_and_close(
            lambda: save_individual(
                self.app.db,
                data,
                actor_id=self.actor_id,
                organisation_id=user.organisation_id if user else None,
                individual_id=self.individual_id,
            ),
            "Sparat.",
        )

    def _ask_about_same(
        self, data: IndividualInput, normalized: str, same: list[SameIdentity]
    ) -> None:
        names = "\n".join(f"• {s.name} ({s.status})" for s in same)

        def answer(choice: str | None) -> None:
            if choice == "open":
                self.dismiss(None)
                self.app.open_person(same[0].id)

        self.app.push_screen(
            ConfirmScreen(
                "Numret finns redan",
                f"Det här numret är redan registrerat:\n{names}\n\n"
                "En person registreras bara en gång. Öppna den befintliga personen; är numret "
                "fel där, rätta det först.",
                [("open", "Öppna befintlig"), ("cancel", "Avbryt")],
            ),
            answer,
        )
