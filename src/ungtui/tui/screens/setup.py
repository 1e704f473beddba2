"""First run on an empty database: who are you, and where do you work?"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Input, Select, Static

from ungtui.domain.secrecy import SECRECY_DOMAINS, domains_for_kind, infer_domain
from ungtui.domain.vocabulary import ORGANISATION_KINDS
from ungtui.services.errors import ValidationError
from ungtui.services.people.organisations import (
    CurrentUser,
    SetupChoice,
    register_user,
    register_user_with_choice,
    setup_choices,
)
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import FormField, FormScroll
from ungtui.tui.widgets.plain import PlainSelect

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
        with FormScroll(id="form"):
            yield FormField("Ditt namn", Input(id="name"), name="name")
            yield FormField(
                "Roll", Input(placeholder="t.ex. ungdomshandläggare", id="role"), name="role"
            )
            yield FormField(
                "Organisation",
                PlainSelect(
                    [("Ny organisation …", NEW_ORGANISATION)],
                    prompt="Välj din organisation",
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
            yield FormField(
                "Enhetens nämnd",
                Select(
                    [
                        (SECRECY_DOMAINS[code].label, code)
                        for code in domains_for_kind("kommun")
                    ],
                    allow_blank=False,
                    value="arbetsmarknad",
                    id="secrecy_domain",
                ),
                name="secrecy_domain",
                hint="Sekretess gäller mellan kommunens nämnder: uppgifter går från en nämnd "
                "till en annan bara med samtycke. Föreslås utifrån enhetens namn.",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self._choices: dict[str, SetupChoice] = {}
        self._domain_chosen = False  # picked by hand: the unit's name no longer suggests
        self._suggested: set[str] = {"arbetsmarknad"}  # values set by suggestion so far
        for name in ("organisation_name", "org_nr", "kind"):
            self.query_one(f"#field-{name}").display = False  # until "Ny organisation …"
        self.query_one("#field-secrecy_domain").display = False  # for a kommun
        self.query_one("#name", Input).focus()
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        # The organisations here and the parties of the starting content come first, so
        # that the common case is a pick, not typing a name and a number.
        choices = setup_choices(self.app.db)
        self._choices = {c.value: c for c in choices}
        if choices:
            options = [(c.label, c.value) for c in choices]
            options.append(("Ny organisation …", NEW_ORGANISATION))
            self.app.call_from_thread(self._set_choices, options)

    def _set_choices(self, options: list[tuple[str, str]]) -> None:
        # No choice made for the user: picking the wrong organisation would file all of
        # this install's work under it.
        select = self.query_one("#organisation", Select)
        select.set_options(options)
        select.clear()
        self.call_after_refresh(self.mark_clean)

    @on(Select.Changed, "#organisation")
    def _toggle_new(self, event: Select.Changed) -> None:
        new = event.value == NEW_ORGANISATION
        for name in ("organisation_name", "org_nr", "kind"):
            self.query_one(f"#field-{name}").display = new
        self._suggest_domain()

    def _kind(self) -> str:
        organisation = self.query_one("#organisation", Select).value
        choice = self._choices.get(str(organisation))
        if choice is not None:
            return choice.kind
        if organisation == NEW_ORGANISATION:
            return str(self.query_one("#kind", Select).value)
        return ""

    @on(Select.Changed, "#kind")
    @on(Input.Changed, "#unit_name")
    def _suggest_domain(self) -> None:
        """A kommun is split into nämnder: show the choice, suggested from the unit's
        name until the person picks one."""
        kind = self._kind()
        field = self.query_one("#field-secrecy_domain")
        field.display = len(domains_for_kind(kind)) > 1
        if field.display and not self._domain_chosen:
            suggestion = infer_domain(self.query_one("#unit_name", Input).value, kind)
            self._suggested.add(suggestion)
            self.query_one("#secrecy_domain", Select).value = suggestion

    @on(Select.Changed, "#secrecy_domain")
    def _domain_picked(self, event: Select.Changed) -> None:
        # A value never suggested was picked by the person: suggest no more.
        if event.value not in self._suggested:
            self._domain_chosen = True

    def action_save(self) -> None:
        organisation = self.query_one("#organisation", Select).value
        choice = self._choices.get(str(organisation))
        person = dict(
            name=self.query_one("#name", Input).value,
            role=self.query_one("#role", Input).value,
            unit_name=self.query_one("#unit_name", Input).value,
        )
        if self.query_one("#field-secrecy_domain").display:
            person["secrecy_domain"] = str(self.query_one("#secrecy_domain", Select).value)
        if choice is not None:
            self._save(person, choice, {})
            return
        if organisation != NEW_ORGANISATION:
            self._save(person, None, None)
            return
        self._save(
            person,
            None,
            dict(
                organisation_name=self.query_one("#organisation_name", Input).value,
                org_nr=self.query_one("#org_nr", Input).value,
                kind=str(self.query_one("#kind", Select).value),
            ),
        )

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _save(
        self, person: dict[str, str], choice: SetupChoice | None, new: dict[str, str] | None
    ) -> None:
        """`new` is None while no organisation is picked: the person's own fields are
        still checked, and the missing choice is named at the organisation field."""
        try:
            if choice is not None:
                user = register_user_with_choice(self.app.db, choice=choice, **person)
            else:
                user = register_user(self.app.db, **person, **(new or {}))
        except ValidationError as exc:
            errors = dict(exc.errors)
            if choice is None and new is None:
                errors = {k: v for k, v in errors.items() if k in ("name", "unit_name")}
                errors["organisation"] = (
                    "Välj din organisation, eller Ny organisation … längst ned."
                )
            self.app.call_from_thread(self.refuse, errors)
            return
        self.app.call_from_thread(self.dismiss, user)
