"""Job tracks (jobbspår): places, participants, the target group's share, and each
agreement's goal for its own tracks (seed 001: three tracks, 180 places, half from the
target group)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from ungtui.domain.job_tracks import percent
from ungtui.domain.target_groups import GROUPS
from ungtui.services.processes.agreements import AgreementRow, list_agreements
from ungtui.services.way.job_tracks import (
    AgreementTrackGoal,
    JobTrackInput,
    JobTrackRow,
    list_job_tracks,
    save_job_track,
    track_goals,
)
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.screens.way.way_forms import Spec, WayFormScreen, choices
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter


class JobTracksScreen(UngScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("n", "new", "Nytt jobbspår", id="new"),
        Binding("e", "edit", "Ändra", id="edit"),
        Binding("enter", "participants", "Deltagare", id="participants", priority=True),
    ]
    DEFAULT_CSS = """
    JobTracksScreen #tracks { height: auto; max-height: 20; }
    JobTracksScreen #goal { padding: 1 1; height: auto; }
    """

    @dataclass
    class Loaded(Message):
        rows: list[JobTrackRow]
        goals: list[AgreementTrackGoal]
        agreements: list[AgreementRow]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[JobTrackRow] = []
        self.agreements: list[AgreementRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Jobbspår", classes="screen-title")
        yield FittedTable(
            (
                Column("name", "Jobbspår", 24, grow=True, least=16),
                Column("who", "Arbetsgivare / bransch", 18, priority=2),
                Column("period", "Period", 25, priority=1),
                Column("places", "Platser", 7),
                Column("participants", "Deltagare", 9, priority=1),
                Column("filled", "Tillsatta", 9),
                Column("share", "Ur målgruppen", 13, priority=1),
            ),
            detail="tracks-detail",
            id="tracks",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield RowDetail(id="tracks-detail")
        yield Static("", id="goal")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="tracks", exit_on_error=False)
    def load(self) -> None:
        db = self.app.db
        rows = list_job_tracks(db)
        self.post_message(self.Loaded(rows, track_goals(db, rows), list_agreements(db)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.rows = message.rows
        self.agreements = message.agreements
        table = self.query_one(DataTable)
        table.clear()
        for r in message.rows:
            f = r.figures
            who = ", ".join(part for part in (r.employer, r.industry) if part)
            table.add_row(
                r.name,
                who,
                r.period,
                str(f.places),
                str(f.participants),
                str(f.filled),
                percent(f.target_share),
                key=r.id,
            )
        goal = Text()
        for found in message.goals:
            goal.append(f"{found.agreement} – mål för dess egna jobbspår:\n", style="bold")
            for check in found.checks:
                mark = ("✓ uppfyllt", "green") if check.met else ("✗ inte uppfyllt", "red")
                goal.append(f"  {check.label}: {check.value}  ")
                goal.append(mark[0], style=mark[1])
                goal.append("\n")
        loose = sum(1 for r in message.rows if r.agreement_id is None)
        if loose:
            goal.append(
                f"{loose} jobbspår hör inte till någon överenskommelse och räknas inte mot "
                "något mål (e ändrar).\n",
                style="dim",
            )
        if not message.goals:
            goal.append("Ingen överenskommelse här har mål för jobbspår.", style="dim")
        self.query_one("#goal", Static).update(goal)

    def action_participants(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        from ungtui.tui.screens.way.job_track_participants import JobTrackParticipantsScreen

        self.app.push_screen(JobTrackParticipantsScreen(self.rows[table.cursor_row]))

    def action_back(self) -> None:
        self.dismiss()

    def _form(self, current: JobTrackRow | None) -> None:
        db = self.app.db
        actor = self.actor_id

        def save(v):
            data = JobTrackInput(**{k: str(val) for k, val in v.items()})
            return save_job_track(
                db, data, actor_id=actor, track_id=current.id if current else None
            )

        def after(saved: str | None) -> None:
            if saved is not None:
                self.load()

        self.app.push_screen(
            WayFormScreen(
                "Ändra jobbspår" if current else "Nytt jobbspår",
                [
                    Spec("name", "Namn", value=current.name if current else ""),
                    Spec(
                        "employer", "Arbetsgivare", value=current.employer if current else "", row=1
                    ),
                    Spec("industry", "Bransch", value=current.industry if current else "", row=1),
                    Spec(
                        "period_from",
                        "Från",
                        "date",
                        value=current.period_from.isoformat() if current else "",
                        row=2,
                    ),
                    Spec(
                        "period_to",
                        "Till",
                        "date",
                        value=current.period_to.isoformat()
                        if current and current.period_to
                        else "",
                        placeholder="tomt = tills vidare",
                        row=2,
                    ),
                    Spec(
                        "places",
                        "Platser",
                        value=str(current.figures.places) if current else "",
                        row=2,
                    ),
                    Spec(
                        "target_group",
                        "Spårets målgrupp",
                        "select",
                        current.target_group if current else "nyanland",
                        choices(GROUPS),
                        row=3,
                    ),
                    Spec(
                        "agreement_id",
                        "Överenskommelse",
                        "select",
                        (current.agreement_id or "") if current else "",
                        [("Ingen", ""), *((a.title, a.id) for a in self.agreements)],
                        row=3,
                    ),
                ],
                save,
                intro="Deltagare läggs till som insatsen Jobbspår i personens väg. Ett spår "
                "räknas mot målen för den överenskommelse det hör till, och bara den.",
                done="Jobbspåret är sparat.",
            ),
            after,
        )

    def action_new(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        self._form(next((r for r in self.rows if r.id == key), None))
