"""Plan or change a meeting; the time is typed as people say it and read back at once."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Header, Input, Select, Static

from ungtui.domain.meeting_time import EXAMPLES, SERIES_INTERVALS, describe, parse_meeting_time
from ungtui.domain.meeting_vocabulary import MEETING_KINDS
from ungtui.domain.purposes import MEETING_DEFAULTS, PURPOSES
from ungtui.services import clock
from ungtui.services.errors import ValidationError
from ungtui.services.meetings.meetings import (
    DEFAULT_TIME,
    MeetingInput,
    get_meeting_input,
    save_meeting,
    validate_meeting,
)
from ungtui.services.people.organisations import list_staff
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import FormField, FormScroll, show_errors
from ungtui.tui.widgets.plain import PlainSelect, input_value

WHEN_HINT = f"Till exempel {EXAMPLES}."


class MeetingFormScreen(FormScreen[str | None]):
    """Dismisses with the saved meeting's id, or None."""

    def __init__(self, meeting_id: str | None) -> None:
        super().__init__()
        self.meeting_id = meeting_id
        self._default_time = DEFAULT_TIME

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Ändra möte" if self.meeting_id else "Nytt möte", classes="screen-title")
        with FormScroll(id="form"):
            with Horizontal(classes="row"):
                yield FormField(
                    "Sorts möte",
                    Select(
                        [(label, code) for code, label in MEETING_KINDS.items()],
                        value="samverkansgrupp",
                        allow_blank=False,
                        id="kind",
                    ),
                    name="kind",
                )
                yield FormField(
                    "Återkommer",
                    Select(
                        [("Nej, ett enstaka möte", 0)]
                        + [(label, weeks) for weeks, label in SERIES_INTERVALS.items()],
                        value=0,
                        allow_blank=False,
                        id="repeat_weeks",
                        disabled=self.meeting_id is not None,
                    ),
                    name="repeat_weeks",
                )
            yield FormField(
                "Syfte när personer tas upp",
                Select(
                    [(label, code) for code, label in PURPOSES.items()],
                    value=MEETING_DEFAULTS["samverkansgrupp"],
                    allow_blank=False,
                    id="purpose",
                ),
                name="purpose",
                hint="Personer diskuteras bara med samtycke för det här syftet.",
            )
            yield FormField("Rubrik", Input(id="title"), name="title")
            yield FormField(
                "När", Input(placeholder="idag 13", id="when"), name="when", hint=WHEN_HINT
            )
            with Horizontal(classes="row"):
                yield FormField("Plats", Input(id="place"), name="place")
                yield FormField(
                    "Överenskommelse eller kluster", Input(id="cluster"), name="cluster"
                )
            yield FormField(
                "Protokollförare",
                PlainSelect([], prompt="Ingen vald", id="keeper"),
                name="keeper",
            )
        yield KeyFooter()

    def on_mount(self) -> None:
        self._purpose_chosen = False  # picked by hand: the kind no longer suggests one
        self.query_one("#title", Input).focus()
        self._load()

    @on(Select.Changed, "#kind")
    def _suggest_purpose(self, event: Select.Changed) -> None:
        if not self._purpose_chosen and isinstance(event.value, str):
            purpose = self.query_one("#purpose", Select)
            with purpose.prevent(Select.Changed):
                purpose.value = MEETING_DEFAULTS.get(event.value, "samordning")

    @on(Select.Changed, "#purpose")
    def _purpose_picked(self) -> None:
        self._purpose_chosen = True

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        staff = list_staff(self.app.db)
        current = get_meeting_input(self.app.db, self.meeting_id) if self.meeting_id else None
        self.app.call_from_thread(self._fill, staff, current)

    def _fill(self, staff, current) -> None:
        keeper = self.query_one("#keeper", Select)
        keeper.set_options([(f"{s.name} ({s.organisation_name})", s.id) for s in staff])
        if current is None:
            if self.app.user:
                keeper.value = self.app.user.staff_id
            self.call_after_refresh(self.mark_clean, "keeper")
            return
        data, in_series = current
        purpose = self.query_one("#purpose", Select)
        with purpose.prevent(Select.Changed):
            self.fill(
                {
                    "kind": data.kind,
                    "purpose": data.purpose,
                    **{
                        name: input_value(getattr(data, name))
                        for name in ("title", "when", "place", "cluster")
                    },
                    **({"keeper": data.minutes_keeper_id} if data.minutes_keeper_id else {}),
                }
            )
        self._purpose_chosen = True
        if in_series:
            self.query_one("#field-repeat_weeks", FormField).set_hint("Mötet hör till en serie.")
        self._default_time = parse_meeting_time(data.when, clock.today()).time()

    @on(Input.Changed, "#when")
    def _read_back(self, event: Input.Changed) -> None:
        field = self.query_one("#field-when", FormField)
        field.set_error(None)
        if not event.value.strip():
            field.set_hint(WHEN_HINT)
            return
        try:
            moment = parse_meeting_time(event.value, clock.today(), self._default_time)
        except ValueError:
            field.set_hint(WHEN_HINT)
            return
        field.set_hint(f"→ {describe(moment)}")

    def _collect(self) -> MeetingInput:
        def text(name: str) -> str:
            return self.query_one(f"#{name}", Input).value

        keeper = self.query_one("#keeper", Select).value
        return MeetingInput(
            kind=str(self.query_one("#kind", Select).value),
            title=text("title"),
            when=text("when"),
            place=text("place"),
            cluster=text("cluster"),
            minutes_keeper_id=None if keeper is Select.NULL else str(keeper),
            purpose=str(self.query_one("#purpose", Select).value),
            repeat_weeks=0
            if self.meeting_id
            else int(str(self.query_one("#repeat_weeks", Select).value)),
        )

    def action_save(self) -> None:
        data = self._collect()
        try:
            validate_meeting(data, clock.today(), self._default_time)
        except ValidationError as exc:
            self.refuse(exc.errors)
            return
        show_errors(self, {})
        self._save(data)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, data: MeetingInput) -> None:
        self.save_and_close(
            lambda: save_meeting(
                self.app.db, data, actor_id=self.actor_id, meeting_id=self.meeting_id
            ),
            "Mötet är sparat.",
        )
