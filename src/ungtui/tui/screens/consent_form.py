"""Record a consent: which organisation, for what, which data, how given, how long."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, Select, SelectionList, Static

from ungtui.domain.vocabulary import CONSENT_FORMS, DATA_CATEGORIES
from ungtui.services import clock
from ungtui.services.consents import ConsentInput, add_consent
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.organisations import list_organisations
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, show_errors
from ungtui.tui.widgets.plain import PlainSelect


class ConsentFormScreen(FormScreen[str | None]):
    def __init__(self, individual_id: str) -> None:
        super().__init__()
        self.individual_id = individual_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Nytt samtycke", classes="screen-title")
        with VerticalScroll(id="form"):
            yield FormField(
                "Organisation som får ta emot uppgifter",
                PlainSelect([], prompt="Välj organisation", id="organisation_id"),
                name="organisation_id",
            )
            yield FormField(
                "Syfte",
                Input(placeholder="t.ex. planering av insatser mot arbete", id="purpose"),
                name="purpose",
            )
            yield FormField(
                "Uppgifter som får lämnas (mellanslag markerar)",
                SelectionList[str](
                    *[(label, code) for code, label in DATA_CATEGORIES.items()],
                    id="data_categories",
                ),
                name="data_categories",
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
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#organisation_id", Select).focus()
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        organisations = list_organisations(self.app.db)
        self.app.call_from_thread(self._fill, [(o.name, o.id) for o in organisations])

    def _fill(self, options: list[tuple[str, str]]) -> None:
        self.query_one("#organisation_id", Select).set_options(options)
        self.call_after_refresh(self.mark_clean)

    def _collect(self) -> ConsentInput:
        org = self.query_one("#organisation_id", Select).value
        return ConsentInput(
            organisation_id=None if org is Select.NULL else str(org),
            purpose=self.query_one("#purpose", Input).value,
            data_categories=list(self.query_one("#data_categories", SelectionList).selected),
            form=str(self.query_one("#form_kind", Select).value),
            valid_from=self.query_one("#valid_from", Input).value,
            valid_to=self.query_one("#valid_to", Input).value,
        )

    def action_save(self) -> None:
        self._save(self._collect())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, data: ConsentInput) -> None:
        user = self.app.user
        try:
            consent_id = add_consent(
                self.app.db,
                self.individual_id,
                data,
                actor_id=user.staff_id if user else None,
            )
        except ValidationError as exc:
            self.app.call_from_thread(show_errors, self, exc.errors)
            self.notify("Rätta de markerade fälten. Inget har sparats.", severity="warning")
            return
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify("Samtycket är sparat.")
        self.app.call_from_thread(self.dismiss, consent_id)
