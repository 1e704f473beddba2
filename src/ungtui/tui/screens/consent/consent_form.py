"""Record a consent: who may disclose to whom, for what, which data, how given, how long,
and for someone under 18 how it was obtained."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, SelectionList, Static

from ungtui.domain.data_categories import DESCRIPTIONS, IDENTITET
from ungtui.domain.purposes import PURPOSES
from ungtui.domain.vocabulary import CONSENT_FORMS, DATA_CATEGORIES, MINOR_BASES
from ungtui.services import clock
from ungtui.services.consent.consents import (
    ConsentFormFacts,
    ConsentInput,
    PartyChoice,
    add_consent,
    consent_form_facts,
)
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, FormScroll
from ungtui.tui.widgets.plain import PlainSelect

IDENTITY_HINT = f"Identitet ({DESCRIPTIONS[IDENTITET]}) följer alltid med samtycket."


class ConsentFormScreen(FormScreen[str | None]):
    def __init__(self, individual_id: str) -> None:
        super().__init__()
        self.individual_id = individual_id
        self._minor = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Nytt samtycke", classes="screen-title")
        with FormScroll(id="form"):
            yield FormField(
                "Vem lämnar ut (den nämnd eller myndighet som har uppgifterna)",
                PlainSelect([], prompt="Välj vem som lämnar ut", id="discloser"),
                name="discloser",
            )
            yield FormField(
                "Vem tar emot",
                PlainSelect([], prompt="Välj vem som tar emot", id="organisation_id"),
                name="organisation_id",
                hint="Inom en kommun är varje nämnd en egen part.",
            )
            yield FormField(
                "Syfte (mellanslag markerar)",
                SelectionList[str](
                    *[(label, code) for code, label in PURPOSES.items()], id="purposes"
                ),
                name="purposes",
            )
            yield FormField(
                "Syftet med samtyckets egna ord",
                Input(placeholder="t.ex. planering av insatser mot arbete", id="purpose"),
                name="purpose",
            )
            yield FormField(
                "Uppgifter som får lämnas (mellanslag markerar)",
                SelectionList[str](
                    *[
                        (label, code)
                        for code, label in DATA_CATEGORIES.items()
                        if code != IDENTITET
                    ],
                    id="data_categories",
                ),
                name="data_categories",
                hint=IDENTITY_HINT,
            )
            with Horizontal(classes="row"):
                yield FormField(
                    "Form",
                    Select(
                        [(label, code) for code, label in CONSENT_FORMS.items()],
                        allow_blank=False,
                        id="form_kind",
                    ),
                    name="form",
                )
                yield FormField(
                    "Gäller från",
                    DateInput(clock.today().isoformat(), id="valid_from"),
                    name="valid_from",
                )
                yield FormField(
                    "Gäller till",
                    DateInput(placeholder="tomt = tills vidare", id="valid_to"),
                    name="valid_to",
                )
            yield FormField(
                "Personen är under 18 år: hur lämnades samtycket?",
                Select(
                    [(label, code) for code, label in MINOR_BASES.items()],
                    prompt="Välj",
                    id="minor_basis",
                ),
                name="minor_basis",
                hint="Du registrerar din bedömning; programmet avgör inte vad lagen kräver.",
            )
            yield FormField(
                "Din bedömning av den ungas mognad",
                Input(id="minor_note"),
                name="minor_note",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        for name in ("minor_basis", "minor_note"):
            self.query_one(f"#field-{name}").display = False
        self.query_one("#discloser", Select).focus()
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        facts = consent_form_facts(
            self.app.db, self.individual_id, self.actor_id
        )
        self.app.call_from_thread(self._fill, facts)

    def _fill(self, facts: ConsentFormFacts) -> None:
        options = [(p.label, p.value) for p in facts.parties]
        discloser = self.query_one("#discloser", Select)
        discloser.set_options(options)
        if facts.own in {value for _label, value in options}:
            discloser.value = facts.own
        self.query_one("#organisation_id", Select).set_options(options)
        self._minor = facts.minor
        self.query_one("#field-minor_basis").display = facts.minor
        # Only what the fill set: a purpose typed while the form opened is a change.
        self.call_after_refresh(self.mark_clean, "discloser", "organisation_id")

    @on(Select.Changed, "#minor_basis")
    def _maturity_note(self, event: Select.Changed) -> None:
        self.query_one("#field-minor_note").display = event.value == "mognad"

    def _collect(self) -> ConsentInput:
        receiver_org, receiver_domain = None, ""
        receiver = self.query_one("#organisation_id", Select).value
        if isinstance(receiver, str):
            receiver_org, receiver_domain = PartyChoice.parse(receiver)
        discloser_org, discloser_domain = "", ""
        discloser = self.query_one("#discloser", Select).value
        if isinstance(discloser, str):
            discloser_org, discloser_domain = PartyChoice.parse(discloser)
        minor = self.query_one("#minor_basis", Select).value
        return ConsentInput(
            organisation_id=receiver_org,
            receiver_domain=receiver_domain,
            discloser_organisation_id=discloser_org,
            discloser_domain=discloser_domain,
            purposes=list(self.query_one("#purposes", SelectionList).selected),
            purpose=self.query_one("#purpose", Input).value,
            data_categories=list(self.query_one("#data_categories", SelectionList).selected),
            form=str(self.query_one("#form_kind", Select).value),
            valid_from=self.query_one("#valid_from", Input).value,
            valid_to=self.query_one("#valid_to", Input).value,
            minor_basis=minor if isinstance(minor, str) and self._minor else "",
            minor_note=self.query_one("#minor_note", Input).value,
        )

    def action_save(self) -> None:
        self._save(self._collect())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, data: ConsentInput) -> None:
        self.save_and_close(
            lambda: add_consent(self.app.db, self.individual_id, data, actor_id=self.actor_id),
            "Samtycket är sparat.",
        )
