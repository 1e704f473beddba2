"""Create or edit a work process. The three things seed 000 requires (what has been
agreed, how the work is done, who keeps it current) are refused at their field when
missing. Every save that changes something keeps a version (services.processes.processes)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Input, Select, SelectionList, Static, TextArea

from ungtui.domain.meeting_time import parse_day
from ungtui.domain.target_groups import GROUPS
from ungtui.services import clock
from ungtui.services.errors import ValidationError
from ungtui.services.people.organisations import OrganisationInfo, list_organisations
from ungtui.services.processes.agreements import AgreementRow, list_agreements
from ungtui.services.processes.processes import ProcessInput, process_input, save_process
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import DateInput, FormField, FormScroll
from ungtui.tui.widgets.plain import PlainSelect, input_value, plain


class ProcessFormScreen(FormScreen[str | None]):
    """Dismisses with the process id once saved, or None."""
    DEFAULT_CSS = """
    ProcessFormScreen #process-form { padding: 0 1; }
    ProcessFormScreen TextArea { height: 6; }
    ProcessFormScreen #in-how_done { height: 10; }
    ProcessFormScreen #in-local_proposal { height: 6; }
    ProcessFormScreen SelectionList { height: auto; max-height: 8; }
    ProcessFormScreen .row { height: auto; }
    ProcessFormScreen .row > FormField { width: 1fr; margin-right: 1; }
    """

    @dataclass
    class Loaded(Message):
        data: ProcessInput
        organisations: list[OrganisationInfo]
        agreements: list[AgreementRow] = field(default_factory=list)

    def __init__(self, process_id: str | None = None) -> None:
        super().__init__()
        self.process_id = process_id
        self._data: ProcessInput | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        title = "Ändra arbetsprocess" if self.process_id else "Ny arbetsprocess"
        yield Static(title, classes="screen-title")
        yield FormScroll(id="process-form")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="process-form", exit_on_error=False)
    def load(self) -> None:
        db = self.app.db
        if self.process_id:
            data = process_input(db, self.process_id)
        else:
            user = self.app.user
            org = user.organisation_id if user else None
            data = ProcessInput(responsible_organisation_id=org, party_ids=[org] if org else [])
        self.post_message(self.Loaded(data, list_organisations(db), list_agreements(db)))

    @on(Loaded)
    async def _build(self, message: Loaded) -> None:
        self._data = message.data
        d = message.data
        orgs = [(o.name, o.id) for o in message.organisations]
        agreements = [(a.title, a.id) for a in message.agreements]

        def select(name: str, options, value) -> Select:
            values = [v for _label, v in options]
            return PlainSelect(
                options,
                prompt="Välj …",
                value=value if value in values else Select.NULL,
                id=f"in-{name}",
            )

        def text(value) -> str:
            return "" if value is None else str(value)

        def day(value: date | None) -> str:
            return value.isoformat() if value else ""

        form = self.query_one("#process-form", VerticalScroll)
        await form.mount_all(
            [
                FormField("Titel", Input(input_value(d.title), id="in-title"), name="title"),
                FormField(
                    "Vad har överenskommits",
                    TextArea(input_value(d.what_agreed), id="in-what_agreed"),
                    name="what_agreed",
                ),
                FormField(
                    "Hur arbetet bedrivs (Markdown, gärna numrerade steg)",
                    TextArea(input_value(d.how_done), id="in-how_done"),
                    name="how_done",
                ),
                FormField(
                    "Lokalt förslag (inte överenskommet) – steg som överenskommelsen inte anger",
                    TextArea(d.local_proposal, id="in-local_proposal"),
                    name="local_proposal",
                ),
                Horizontal(
                    FormField(
                        "Ansvarig organisation",
                        select("responsible_organisation", orgs, d.responsible_organisation_id),
                        name="responsible_organisation",
                    ),
                    FormField(
                        "Ansvarig roll eller person",
                        Input(input_value(d.responsible_role), id="in-responsible_role"),
                        name="responsible_role",
                    ),
                    classes="row",
                ),
                FormField(
                    "Parter (mellanslag väljer)",
                    SelectionList(
                        *[(plain(n), i, i in d.party_ids) for n, i in orgs], id="in-parties"
                    ),
                    name="parties",
                ),
                FormField(
                    "Målgrupper (mellanslag väljer)",
                    SelectionList(
                        *[(label, code, code in d.target_groups) for code, label in GROUPS.items()],
                        id="in-target_groups",
                    ),
                    name="target_groups",
                ),
                Horizontal(
                    FormField("Lägsta ålder", Input(text(d.min_age), id="in-min_age"), name="ages"),
                    FormField(
                        "Högsta ålder", Input(text(d.max_age), id="in-max_age"), name="max_age"
                    ),
                    FormField(
                        "Insatser som hör till",
                        Input(input_value(d.measures), id="in-measures"),
                        name="measures",
                    ),
                    classes="row",
                ),
                Horizontal(
                    FormField(
                        "Överenskommelse",
                        select("agreement", agreements, d.agreement_id),
                        name="agreement",
                    ),
                    FormField(
                        "Bilaga nr", Input(text(d.appendix), id="in-appendix"), name="appendix"
                    ),
                    classes="row",
                ),
                Horizontal(
                    FormField(
                        "Senast granskad",
                        DateInput(day(d.last_reviewed), id="in-last"),
                        name="last_reviewed",
                    ),
                    FormField(
                        "Nästa granskning",
                        DateInput(day(d.next_review), id="in-next"),
                        name="next_review",
                    ),
                    classes="row",
                ),
                FormField("Källa", Input(d.source, id="in-source"), name="source"),
            ]
        )
        self.query_one("#in-title", Input).focus()
        self.call_after_refresh(self.mark_clean)

    def _read(self) -> ProcessInput:
        """The form as input; numbers and dates that do not parse are refused here."""
        assert self._data is not None
        errors: dict[str, str] = {}

        def value(widget_id: str) -> str:
            return self.query_one(f"#in-{widget_id}", Input).value.strip()

        def chosen(widget_id: str) -> str | None:
            v = self.query_one(f"#in-{widget_id}", Select).value
            return None if v is Select.NULL else str(v)

        def number(widget_id: str, key: str) -> int | None:
            raw = value(widget_id)
            if not raw:
                return None
            if not raw.isdigit():
                errors[key] = "Skriv ett heltal, till exempel 16."
                return None
            return int(raw)

        def day(widget_id: str, key: str) -> date | None:
            raw = value(widget_id)
            if not raw:
                return None
            try:
                return parse_day(raw, clock.today())
            except ValueError as exc:
                errors[key] = str(exc)
                return None

        data = replace(
            self._data,
            title=value("title"),
            what_agreed=self.query_one("#in-what_agreed", TextArea).text,
            how_done=self.query_one("#in-how_done", TextArea).text,
            local_proposal=self.query_one("#in-local_proposal", TextArea).text,
            responsible_organisation_id=chosen("responsible_organisation"),
            responsible_role=value("responsible_role"),
            party_ids=[str(v) for v in self.query_one("#in-parties", SelectionList).selected],
            target_groups=[
                str(v) for v in self.query_one("#in-target_groups", SelectionList).selected
            ],
            min_age=number("min_age", "ages"),
            max_age=number("max_age", "max_age"),
            measures=value("measures"),
            agreement_id=chosen("agreement"),
            appendix=number("appendix", "appendix"),
            last_reviewed=day("last", "last_reviewed"),
            next_review=day("next", "next_review"),
            source=value("source"),
        )
        if errors:
            raise ValidationError(errors)
        return data

    def action_save(self) -> None:
        if self._data is None:
            return
        try:
            data = self._read()
        except ValidationError as exc:
            self.refuse(exc.errors)
            return
        self._save(data)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, data: ProcessInput) -> None:
        self.save_and_close(
            lambda: save_process(
                self.app.db, data, actor_id=self.actor_id, process_id=self.process_id
            ),
            "Arbetsprocessen är sparad; den tidigare texten finns kvar som version.",
        )

