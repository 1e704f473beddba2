"""First run on an empty database: who are you, and where do you work?"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Input, Select, Static

from ungtui.domain.vocabulary import ORGANISATION_KINDS
from ungtui.services.errors import ValidationError
from ungtui.services.organisations import CurrentUser, list_organisations, register_user
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import FormField, show_errors

NEW_ORGANISATION = "__new__"


class SetupScreen(FormScreen[CurrentUser | None]):
    """Esc quits the app (nothing is registered yet); with something typed it asks."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Spara och börja", priority=True, id="save"),
        Binding("escape", "close", "Avsluta", id="quit_setup"),
    ]
    DISCARD_TITLE = "Avsluta utan att spara?"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Välkommen till ungtui", classes="screen-title")
        yield Static(
            "Databasen är ny. Berätta vem du är, så att det syns vem som gjort vad. "
            "Uppgifterna sparas bara i den här databasen.",
            classes="intro",
        )
        with VerticalScroll(id="form"):
            yield FormField("Ditt namn", Input(id="name"), name="name")
            yield FormField(
                "Roll", Input(placeholder="t.ex. ungdomshandläggare", id="role"), name="role"
            )
            yield FormField(
                "Organisation",
                Select(
                    [("Ny organisation …", NEW_ORGANISATION)],
                    allow_blank=False,
                    id="organisation",
                ),
                name="organisation",
            )
            yield FormField(
                "Organisationens namn",
                Input(placeholder="t.ex. Värnamo kommun", id="organisation_name"),
                name="organisation_name",
            )
            yield FormField(
                "Organisationsnummer", Input(placeholder="NNNNNN-NNNN", id="org_nr"), name="org_nr"
            )
            yield FormField(
                "Sorts organisation",
                Select(
                    [(label, code) for code, label in ORGANISATION_KINDS.items()],
                    allow_blank=False,
                    value="kommun",
                    id="kind",
                ),
                name="kind",
            )
            yield FormField(
                "Enhet",
                Input(placeholder="t.ex. Jobbcenter Unga", id="unit_name"),
                name="unit_name",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        organisations = list_organisations(self.app.db)
        if organisations:
            options = [(o.name, o.id) for o in organisations]
            options.append(("Ny organisation …", NEW_ORGANISATION))
            self.app.call_from_thread(self._fill, options)

    def _fill(self, options: list[tuple[str, str]]) -> None:
        self.query_one("#organisation", Select).set_options(options)
        self.call_after_refresh(self.mark_clean)

    @on(Select.Changed, "#organisation")
    def _toggle_new(self, event: Select.Changed) -> None:
        new = event.value == NEW_ORGANISATION
        for name in ("organisation_name", "org_nr", "kind"):
            self.query_one(f"#field-{name}").display = new

    def action_save(self) -> None:
        organisation = self.query_one("#organisation", Select).value
        self._save(
            name=self.query_one("#name", Input).value,
            role=self.query_one("#role", Input).value,
            unit_name=self.query_one("#unit_name", Input).value,
            organisation_id=None if organisation == NEW_ORGANISATION else str(organisation),
            organisation_name=self.query_one("#organisation_name", Input).value,
            org_nr=self.query_one("#org_nr", Input).value,
            kind=str(self.query_one("#kind", Select).value),
        )

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _save(self, **values: str | None) -> None:
        try:
            user = register_user(self.app.db, **values)
        except ValidationError as exc:
            self.app.call_from_thread(show_errors, self, exc.errors)
            self.notify("Rätta de markerade fälten.", severity="warning")
            return
        self.app.call_from_thread(self.dismiss, user)
