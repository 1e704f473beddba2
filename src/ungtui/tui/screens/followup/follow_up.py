"""The follow-up (Uppföljning, F6): indicators for a period by gender and subgroup, the
change from the period before, an agreement's goals, and charts.

The screen shows exact figures to the user; what leaves it (the exports) hides small
numbers (services.followup.report_export). No person is named, so the screen has nothing to mask
when the screen is shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Select, Static

from ungtui.config import export_folder
from ungtui.domain.periods import Period, PeriodError, current_term, parse_period
from ungtui.services import clock
from ungtui.services.followup.report import (
    ALL,
    GENDER_COLUMNS,
    GENDERS,
    SUBGROUP_CODES,
    Cell,
    Indicator,
    Report,
    build_report,
    subgroup_labels,
    trend,
)
from ungtui.services.followup.report_export import (
    goal_lines,
    plain_value,
    shown_indicators,
    signed,
    write_to_folder,
)
from ungtui.services.processes.agreements import AgreementRow, list_agreements
from ungtui.tui.memory import give_back_freed_memory
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.plain import PlainSelect, plain
from ungtui.tui.widgets.report_charts import bars, figure_text, line
from ungtui.tui.widgets.section_bar import SectionBar

EXPORTS = {"csv": "CSV", "md": "Markdown", "json": "JSON"}
CHART_LABELS = {
    "etablering": "Etableringsprogr.",
    "ovriga_nyanlanda": "Övriga nyanlända",
    "funktionsnedsattning": "Funktionsneds.",
}


def _value(kind: str, cell: Cell | None) -> float | None:
    return None if cell is None else cell.value


def _change(ind: Indicator, now: Cell | None, before: Cell | None) -> str:
    """As the exports give it: the difference of the figures as shown."""
    a, b = plain_value(ind.kind, now), plain_value(ind.kind, before)
    if a is None or b is None:
        return "–"
    if ind.kind == "andel":
        return f"{signed(a - b)} p.e."
    change = a - b
    if float(change).is_integer() and abs(change) >= 1000:
        return ("+" if change > 0 else "-") + figure_text(ind.kind, abs(change))
    return signed(change)


class FollowUpScreen(UngScreen[None]):
    DEFAULT_CSS = """
    FollowUpScreen #fu-filters { height: auto; }
    FollowUpScreen #fu-period { width: 30; }
    FollowUpScreen #fu-subgroup { width: 40; }
    FollowUpScreen.-narrow #fu-period { width: 16; }
    FollowUpScreen.-narrow #fu-subgroup { width: 30; }
    FollowUpScreen.-short #fu-charts { height: 7; }
    FollowUpScreen #fu-agreement { width: 1fr; }
    FollowUpScreen #fu-status { height: auto; padding: 0 1; color: $text-muted; }
    FollowUpScreen #fu-error { height: auto; padding: 0 1; color: $error; display: none; }
    FollowUpScreen #fu-notes { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    FollowUpScreen #fu-table { height: 1fr; }
    FollowUpScreen #fu-charts { height: 10; }
    FollowUpScreen #fu-bars { width: 52; padding: 0 1; }
    FollowUpScreen #fu-line { width: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="fu_back"),
        Binding("p", "focus_period", "Period", id="fu_period"),
        Binding("g", "next_subgroup", "Målgrupp", id="fu_subgroup"),
        Binding("a", "focus_agreement", "Överenskommelse", id="fu_agreement"),
        Binding("t", "trend", "Utveckling", id="fu_trend"),
        Binding("x", "export('csv')", "CSV", id="fu_csv"),
        Binding("m", "export('md')", "Markdown", id="fu_md"),
        Binding("j", "export('json')", "JSON", id="fu_json"),
    ]

    @dataclass
    class Loaded(Message):
        generation: int
        report: Report

    @dataclass
    class AgreementsLoaded(Message):
        rows: list[AgreementRow]

    @dataclass
    class TrendLoaded(Message):
        generation: int
        points: list[tuple[Period, dict[str, Cell]]]

    def __init__(self) -> None:
        super().__init__()
        self.period = current_term(clock.today())
        self.agreement_id: str | None = None
        self.subgroup = "totalt"
        self.report: Report | None = None
        self.points: list[tuple[Period, dict[str, Cell]]] | None = None
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield SectionBar("uppfoljning", self.app.SECTIONS)
        with Horizontal(id="fu-filters", classes="filter-row"):
            yield Input(self.period.label, placeholder="Period, t.ex. HT2026", id="fu-period")
            yield Select(
                [(label, code) for code, label in subgroup_labels().items()],
                value="totalt",
                allow_blank=False,
                id="fu-subgroup",
            )
            yield PlainSelect([], prompt="Ingen överenskommelse", id="fu-agreement")
        yield Static("", id="fu-error")
        yield Static("Räknar …", id="fu-status")
        yield Static("", id="fu-notes")
        yield FittedTable(
            [], detail="fu-detail", id="fu-table", cursor_type="row", zebra_stripes=True
        )
        yield RowDetail(id="fu-detail")
        with Horizontal(id="fu-charts"):
            yield Static("", id="fu-bars")
            yield Static("", id="fu-line")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#fu-table", DataTable).focus()
        self._load_agreements()
        self.reload()

    # --- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        self.points = None
        self.query_one("#fu-status", Static).update(f"Räknar {self.period.label} …")
        self._load(self._generation, self.period, self.agreement_id)

    @work(thread=True, exclusive=True, group="fu-load", exit_on_error=False)
    def _load(self, generation: int, period: Period, agreement_id: str | None) -> None:
        report = build_report(self.app.db, period, agreement_id)
        # The report's temporary tables are gone, their memory freed but still the app's.
        give_back_freed_memory()
        self.post_message(self.Loaded(generation, report))

    @work(thread=True, exclusive=True, group="fu-agreements", exit_on_error=False)
    def _load_agreements(self) -> None:
        self.post_message(self.AgreementsLoaded(list_agreements(self.app.db)))

    @work(thread=True, exclusive=True, group="fu-trend", exit_on_error=False)
    def _load_trend(self, generation: int, period: Period, agreement_id: str | None) -> None:
        points = trend(self.app.db, period, agreement_id)
        give_back_freed_memory()
        self.post_message(self.TrendLoaded(generation, points))

    @on(AgreementsLoaded)
    def _agreements(self, message: AgreementsLoaded) -> None:
        self.query_one("#fu-agreement", Select).set_options(
            [(row.title, row.id) for row in message.rows]
        )

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        if message.generation != self._generation:
            return
        self.report = message.report
        labels = message.report.subgroups
        select = self.query_one("#fu-subgroup", Select)
        with select.prevent(Select.Changed):
            select.set_options([(label, code) for code, label in labels.items()])
            select.value = self.subgroup
        self._fill_table()

    @on(TrendLoaded)
    def _trend(self, message: TrendLoaded) -> None:
        if message.generation != self._generation:
            return
        self.points = message.points
        self._draw_charts()

    # --- drawing -------------------------------------------------------------------------

    def _fill_table(self) -> None:
        report = self.report
        if report is None:
            return
        table = self.query_one("#fu-table", FittedTable)
        row = table.cursor_row
        # On a narrow screen the period before goes first, then Annat/okänt, then the
        # change; the line under the table gives them for the highlighted indicator.
        table.set_columns(
            [
                Column("label", "Indikator", 44, grow=True, least=20),
                *(
                    Column(
                        gender,
                        label,
                        11 if gender == "annat" else 8,
                        priority=2 if gender == "annat" else 0,
                    )
                    for gender, label in GENDER_COLUMNS.items()
                ),
                Column(
                    "before",
                    report.previous_period.label,
                    22 if report.period.kind == "dates" else 8,
                    priority=3,
                ),
                Column("change", "Förändring", 13, priority=1),
            ]
        )
        sub = self.subgroup
        for ind in shown_indicators(report):
            before = report.previous[ind.key]
            if not ind.person_level:
                cells = ["", "", "", figure_text(ind.kind, ind.total().value)]
            else:
                cells = [
                    figure_text(ind.kind, _value(ind.kind, ind.cells.get((sub, g))))
                    for g in (*GENDERS, ALL)
                ]
                if ind.kind == "antal":
                    cells = [c if c != "–" else "0" for c in cells]
            key = (sub if ind.person_level else "totalt", ALL)
            now_cell, before_cell = ind.cells.get(key), before.cells.get(key)
            if ind.kind == "antal" and before_cell is None:
                before_cell = Cell(0, 0)
            if ind.kind == "antal" and now_cell is None:
                now_cell = Cell(0, 0)
            # "Remisser: X, mediandagar till svar" under "Remisser: X" reads as its part.
            label = f"  {ind.label.split(', ', 1)[1]}" if ", " in ind.label else ind.label
            table.add_row(
                Text(label),
                *(Text(c, justify="right") for c in cells),
                Text(figure_text(ind.kind, _value(ind.kind, before_cell)), justify="right"),
                Text(_change(ind, now_cell, before_cell), justify="right"),
                key=ind.key,
            )
        pairs = zip(goal_lines_exact(report), report.goals, strict=True)
        for n, (goal, result) in enumerate(pairs):
            where = f", {result.where}" if result.where else ""
            size = f" · underlag {result.population}" if result.population is not None else ""
            table.add_row(
                plain(
                    f"Mål: {goal['indikator']}{where} ({goal['målnivå'] or 'ingen nivå'}){size}",
                    style="bold",
                ),
                Text(""),
                Text(""),
                Text(""),
                Text(goal["utfall"], justify="right"),
                Text(goal["jämförelse"].split(": ")[-1], justify="right"),
                Text(goal["bedömning"], style=_verdict_style(goal["bedömning"])),
                key=f"goal-{n}",
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        status = (
            f"{report.period.label}: {report.period.start.isoformat()}–"
            f"{report.period.end.isoformat()} · jämförs med {report.previous_period.label} · "
            f"{report.subgroups[self.subgroup]} · exakta tal (exporter visar <5)"
        )
        if report.agreement_title:
            status += f" · {report.agreement_title}"
        self.query_one("#fu-status", Static).update(plain(status))
        self.query_one("#fu-notes", Static).update(plain(" ".join(report.notes)))
        self._draw_charts()

    def _current(self) -> tuple[Indicator | None, int | None]:
        """The indicator on the highlighted row, and the goal's number on a goal row."""
        if self.report is None:
            return None, None
        table = self.query_one("#fu-table", DataTable)
        if not table.row_count:
            return None, None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        if key.startswith("goal-"):
            number = int(key.removeprefix("goal-"))
            goal_key = self.report.goals[number].indicator_key
            return self.report.by_key().get(goal_key or ""), number
        return self.report.by_key().get(key), None

    def _draw_charts(self) -> None:
        """Left: bars per subgroup, or the whole goal on a goal row. Right: the line
        over periods once t has worked it out."""
        ind, goal = self._current()
        left, right = Text(), Text()
        if self.report is not None and goal is not None:
            left = self._goal_text(goal)
        elif self.report is not None and ind is not None:
            left = Text(f"{ind.label}, per målgrupp\n", style="bold")
            if ind.person_level:
                labels = {**self.report.subgroups, **CHART_LABELS}
                rows = [
                    (labels[code], _value(ind.kind, ind.cells.get((code, ALL))))
                    for code in self.report.subgroups
                ]
                if ind.kind == "antal":
                    rows = [(label, value or 0) for label, value in rows]
                left += bars(rows, ind.kind)
            else:
                left += Text("Gäller inga personer: delas inte upp.")
        if ind is not None:
            right = Text(f"{ind.label}, totalt per period\n", style="bold")
            if self.points is None:
                right += Text("Tryck t för utvecklingen över sex perioder.")
            else:
                points = [(p.label, _value(ind.kind, t.get(ind.key))) for p, t in self.points]
                right += line(points, ind.kind)
        self.query_one("#fu-bars", Static).update(left)
        self.query_one("#fu-line", Static).update(right)

    def _goal_text(self, number: int) -> Text:
        assert self.report is not None
        goal = self.report.goals[number]
        shown = goal_lines_exact(self.report)[number]
        # Goals are an agreement's words, perhaps from another install: text, not markup.
        text = plain(f"{goal.goal}\n", style="bold", multiline=True)
        text.append_text(plain(f"{goal.indicator}\n", multiline=True))
        text.append_text(plain(f"Målnivå: {goal.target or 'ingen angiven'}\n", multiline=True))
        where = f" i {goal.where}" if goal.where else ""
        text.append_text(plain(f"Utfall {self.report.period.label}{where}: {shown['utfall']}\n"))
        if shown["jämförelse"]:
            text.append(f"Jämförs med {shown['jämförelse']}\n")
        text.append(shown["bedömning"], style=_verdict_style(shown["bedömning"]))
        if shown["underlag"]:
            text.append(f"  · underlag: {shown['underlag']}")
        return text

    @on(DataTable.RowHighlighted, "#fu-table")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._draw_charts()

    # --- input ---------------------------------------------------------------------------

    @on(Input.Submitted, "#fu-period")
    def _period(self, event: Input.Submitted) -> None:
        error = self.query_one("#fu-error", Static)
        try:
            period = parse_period(event.value)
        except PeriodError as exc:
            error.update(plain(str(exc)))
            error.display = True
            return
        error.update("")
        error.display = False
        self.period = period
        event.input.value = period.label
        self.query_one("#fu-table", DataTable).focus()
        self.reload()

    @on(Select.Changed, "#fu-subgroup")
    def _subgroup(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL and event.value != self.subgroup:
            self.subgroup = str(event.value)
            self._fill_table()

    @on(Select.Changed, "#fu-agreement")
    def _agreement(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        if value != self.agreement_id:
            self.agreement_id = value
            self.query_one("#fu-table", DataTable).focus()
            self.reload()

    def action_focus_period(self) -> None:
        self.query_one("#fu-period", Input).focus()

    def action_focus_agreement(self) -> None:
        self.query_one("#fu-agreement", Select).focus()

    def action_next_subgroup(self) -> None:
        codes = list(self.report.subgroups) if self.report else list(SUBGROUP_CODES)
        at = codes.index(self.subgroup) if self.subgroup in codes else -1
        self.query_one("#fu-subgroup", Select).value = codes[(at + 1) % len(codes)]

    def action_trend(self) -> None:
        self.query_one("#fu-line", Static).update("Räknar sex perioder …")
        self._load_trend(self._generation, self.period, self.agreement_id)

    def action_export(self, fmt: str) -> None:
        if self.report is None:
            self.notify("Vänta tills uppföljningen är räknad.", severity="warning")
            return
        self._export(self.report, fmt)

    @work(thread=True, group="fu-export", exit_on_error=False)
    def _export(self, report: Report, fmt: str) -> None:
        path = write_to_folder(report, fmt, export_folder())
        self.notify(
            f"{EXPORTS[fmt]} sparad i {path}. Små tal visas där som <5.", title="Exporterad"
        )

    def action_back(self) -> None:
        if isinstance(self.focused, Input):  # one level: out of the period field first
            self.query_one("#fu-table", DataTable).focus()
            return
        self.app.back_to_home()


def goal_lines_exact(report: Report) -> list[dict]:
    """The goals as on screen: exact figures (the exports hide small ones)."""
    out = []
    for goal, shown in zip(report.goals, goal_lines(report, hide=False), strict=True):
        figure = figure_text(goal.kind, goal.figure.value) if goal.figure else "–"
        base = figure_text(goal.kind, goal.baseline.value) if goal.baseline else ""
        verdict = shown["bedömning"]
        if verdict == "För få för att redovisa":
            verdict = "Uppfyllt" if goal.met else "Inte uppfyllt" if goal.met is False else "–"
        population = ""
        if goal.population is not None:
            population = f"{goal.population} {goal.population_label}"
        out.append(
            {
                **shown,
                "utfall": figure,
                "jämförelse": f"{goal.baseline_label}: {base}" if base else "",
                "bedömning": verdict,
                "underlag": population,
            }
        )
    return out


def _verdict_style(verdict: str) -> str:
    return {"Uppfyllt": "bold green", "Inte uppfyllt": "bold red"}.get(verdict, "dim")
