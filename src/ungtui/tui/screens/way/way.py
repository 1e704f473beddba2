"""One person's way: phases, the day the person joined an agreement's offer and its
guarantee, measures, mapping, exit and follow-ups. Pushed from the person's detail view
(p)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from ungtui.domain.mapping import SCHOOLING, SUPPORT, SWEDISH_LEVELS
from ungtui.domain.measures import END_REASONS, MEASURE_STATUSES
from ungtui.domain.text import plural
from ungtui.domain.way import OUTCOMES, PHASES, WORKING_PHASES
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError
from ungtui.services.way.job_tracks import JobTrackRow, list_job_tracks
from ungtui.services.way.measures import CatalogueRow, list_catalogue
from ungtui.services.way.way import (
    PLANNED_CHOICES,
    ExitInput,
    FollowUpInput,
    MappingInput,
    MeasureInput,
    MeasureRow,
    PhaseInput,
    WayOverview,
    WayStartInput,
    WayView,
    add_phase,
    exit_way,
    get_way,
    record_follow_up,
    remove_exit,
    remove_follow_up,
    remove_individual_measure,
    remove_phase,
    save_individual_measure,
    save_mapping,
    set_joined,
    start_way,
)
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.way.way_forms import Spec, WayFormScreen, choices
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.masking import shown_name
from ungtui.tui.widgets.plain import Part, PlainTable, bold, lines, plain

HIDDEN: Part = ("dold – h visar", "dim")
EXIT_ROW = "avslut"  # the exit shown as the last phase


def guarantee_text(way: WayView) -> Text:
    g = way.guarantee
    if g.state == "ingen":
        return Text("ingen – ingen överenskommelse med garanti gäller för personen", "dim")
    if g.state == "ej_ansluten":
        return Text(f"{g.agreement}: har inte tackat ja (t registrerar dagen)")
    text = Text(f"{g.agreement}: {g.label}")
    if g.deadline is not None:
        text.append(f" · gräns {g.deadline.isoformat()}")
    if g.days_left is not None:
        if g.days_left >= 0:
            text.append(f" ({plural(g.days_left, 'dag', 'dagar')} kvar)")
        else:
            text.append(f" ({plural(-g.days_left, 'dag', 'dagar')} sedan)")
    if g.state == "passerad":
        text.stylize("bold red")
    elif g.state == "nara":
        text.stylize("bold yellow")
    return text


class WayScreen(UngScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("n", "start", "Ny väg", id="start"),
        Binding("f", "phase", "Fas", id="phase"),
        Binding("k", "mapping", "Kartl.", id="mapping"),
        Binding("i", "new_measure", "Insats", id="new_measure"),
        Binding("e", "edit_measure", "Ändra", id="edit_measure"),
        Binding("t", "joined", "Tackat", id="joined"),
        Binding("a", "exit", "Avslut", id="exit"),
        Binding("u", "follow_up", "Uppf.", id="follow_up"),
        Binding("delete", "remove", "Ta bort", id="remove"),
        Binding("h", "sensitive", "Hälsa", id="sensitive"),
        Binding("c", "catalogue", "Katalog", id="catalogue"),
    ]
    DEFAULT_CSS = """
    WayScreen #way { padding: 0 1; }
    WayScreen #phases, WayScreen #measures, WayScreen #follow-ups {
        height: auto; max-height: 10;
    }
    """

    @dataclass
    class Loaded(Message):
        overview: WayOverview
        catalogue: list[CatalogueRow]
        tracks: list[JobTrackRow]

    def __init__(self, individual_id: str) -> None:
        super().__init__()
        self.individual_id = individual_id
        self.overview: WayOverview | None = None
        self.catalogue: list[CatalogueRow] = []
        self.tracks: list[JobTrackRow] = []
        self.show_sensitive = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="way"):
            yield Static("", id="way-title", classes="screen-title")
            yield Static("", id="way-summary", classes="section")
            yield Static("Insatser", classes="section-title")
            yield FittedTable(
                (
                    Column("name", "Insats", 27, grow=True, least=16),
                    Column("start", "Start", 10),
                    Column("end", "Slut", 10, priority=1),
                    Column("hours", "Tim/v", 5, priority=3),
                    Column("status", "Status", 9),
                    Column("reason", "Slutorsak", 21, priority=2),
                    Column("track", "Jobbspår", 18, priority=2),
                ),
                detail="measures-detail",
                id="measures",
                cursor_type="row",
            )
            yield RowDetail(id="measures-detail")
            yield Static("Faser", classes="section-title")
            yield FittedTable(
                (
                    Column("from", "Från", 10),
                    Column("phase", "Fas", 20),
                    Column("note", "Anteckning", 50, grow=True, least=16),
                ),
                detail="phases-detail",
                id="phases",
                cursor_type="row",
            )
            yield RowDetail(id="phases-detail")
            yield Static("Kartläggning", classes="section-title")
            yield Static("", id="mapping-section", classes="section")
            yield Static("Avslut och uppföljning", classes="section-title")
            yield Static("", id="exit-section", classes="section")
            follow = PlainTable(id="follow-ups", cursor_type="row")
            for label, width in (
                ("Uppföljning", 12),
                ("Ska göras", 10),
                ("Gjord", 10),
                ("Läge", 26),
            ):
                follow.add_column(label, width=width)
            yield follow
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#measures", DataTable).focus()
        self.load()
        self.watch(self.app, "screen_share", self._show_title, init=False)

    @work(thread=True, exclusive=True, group="way", exit_on_error=False)
    def load(self) -> None:
        db = self.app.db
        try:
            overview = get_way(db, self.individual_id)
        except NotFound as exc:
            self.notify(str(exc), severity="error")
            self.app.call_from_thread(self.dismiss)
            return
        self.post_message(self.Loaded(overview, list_catalogue(db), list_job_tracks(db)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.overview = overview = message.overview
        self.catalogue, self.tracks = message.catalogue, message.tracks
        self.individual_id = overview.individual_id
        self._show_title()
        self.query_one("#way-summary", Static).update(self._summary(overview))
        way = overview.current
        measures = self.query_one("#measures", DataTable)
        measures.clear()
        phases = self.query_one("#phases", DataTable)
        phases.clear()
        follow = self.query_one("#follow-ups", DataTable)
        follow.clear()
        if way is not None:
            for m in way.measures:
                measures.add_row(
                    m.name,
                    m.start_date.isoformat(),
                    m.end_date.isoformat() if m.end_date else "",
                    f"{m.hours_per_week:g}" if m.hours_per_week else "",
                    m.status_label,
                    m.end_reason_label,
                    m.job_track,
                    key=m.id,
                )
            if way.exit_on:
                phases.add_row(
                    way.exit_on.isoformat(), PHASES["avslutad"], way.exit_note, key=EXIT_ROW
                )
            for p in reversed(way.phases):
                phases.add_row(p.started_on.isoformat(), p.label, p.note, key=p.id)
            today = clock.today()
            for f in way.follow_ups:
                if f.checked_on:
                    state = plain(f.outcome_label)
                elif f.due <= today:
                    state = Text("Dags att följa upp", style="bold yellow")
                else:
                    state = Text("–")
                follow.add_row(
                    f"{f.day_offset} dagar",
                    f.due.isoformat(),
                    f.checked_on.isoformat() if f.checked_on else "",
                    state,
                    key=str(f.day_offset),
                )
        follow.display = bool(follow.row_count)
        self.query_one("#mapping-section", Static).update(self._mapping_text())
        exit_text: Text | str = "Vägen är inte avslutad. a avslutar den med utfall."
        if way is not None and way.exit_on:
            exit_text = plain(
                bold("Avslutad:"),
                f" {way.exit_on.isoformat()}   ",
                bold("Utfall:"),
                f" {way.exit_outcome_label}",
                f"   {way.exit_note}" if way.exit_note else None,
            )
        elif way is None:
            exit_text = "–"
        self.query_one("#exit-section", Static).update(exit_text)

    def _show_title(self, _share: bool = False) -> None:
        if self.overview is not None:
            name = shown_name(self.overview.name, self.app.screen_share)
            self.query_one("#way-title", Static).update(plain(f"Väg – {name}"))

    def _summary(self, overview: WayOverview) -> Text:
        way = overview.current
        if way is None:
            return Text("Ingen väg registrerad. n startar en väg (inflöde).")
        text = plain(
            ("Fas: ", "bold"),
            f"{way.phase_label} sedan {way.phase_since.isoformat() if way.phase_since else '–'}",
            ("   Inflöde: ", "bold"),
            way.entry_date.isoformat(),
            ("   Tackade ja: ", "bold"),
            way.joined_on.isoformat() if way.joined_on else "–",
            Text("\n"),
            ("Garanti: ", "bold"),
            guarantee_text(way),
            Text("\n"),
            ("Nästa datum: ", "bold"),
            str(way.next) if way.next else "–",
            (" – försenad", "bold red") if way.next and way.next.on < clock.today() else "",
        )
        earlier = overview.ways[1:]
        if earlier:
            parts = [
                f"{w.entry_date.isoformat()}–{w.exit_on.isoformat() if w.exit_on else ''}"
                f" {w.exit_outcome_label}".rstrip()
                for w in earlier
            ]
            text.append("\n")
            text.append("Tidigare vägar: ", style="bold")
            text.append_text(plain("; ".join(parts)))
        return text

    def _mapping_text(self) -> Text | str:
        assert self.overview is not None
        m = self.overview.mapping
        if m is None:
            return "Ingen kartläggning ännu. k lägger till en."

        def sensitive(value: str) -> Part:
            if not self.show_sensitive:
                return HIDDEN
            return value or "–"

        earlier = (
            f" ({self.overview.earlier_mappings} tidigare)"
            if self.overview.earlier_mappings
            else ""
        )
        return lines(
            [
                plain(
                    bold("Datum:"),
                    f" {m.mapped_on.isoformat()}{earlier}   ",
                    bold("Skolbakgrund:"),
                    f" {m.schooling_label}   ",
                    bold("Svenska:"),
                    f" {m.swedish_label}",
                ),
                plain(bold("Arbetslivserfarenhet:"), f" {m.work_experience or '–'}"),
                plain(
                    bold("Behov:"),
                    f" {m.needs or '–'}   ",
                    bold("Hinder:"),
                    f" {m.obstacles or '–'}",
                ),
                plain(bold("Mål:"), f" {m.goals or '–'}"),
                plain(
                    bold("Hälsa:"),
                    " ",
                    sensitive(m.health),
                    "   ",
                    bold("Funktionsnedsättning:"),
                    " ",
                    sensitive(m.disability),
                ),
                plain(
                    bold("Funktionsnedsättning som medför nedsatt arbetsförmåga:"),
                    " ",
                    HIDDEN
                    if not self.show_sensitive
                    else ("ja" if m.reduced_work_capacity else "nej"),
                ),
                plain(
                    bold("Försörjning:"),
                    f" {m.support_label}   ",
                    bold("Social situation:"),
                    " ",
                    sensitive(m.social_situation),
                ),
            ]
        )

    # --- actions ------------------------------------------------------------------

    def _open(self, screen: WayFormScreen) -> None:
        def after(saved: str | None) -> None:
            if saved is not None:
                self.load()

        self.app.push_screen(screen, after)

    def _open_way(self, *, for_what: str) -> WayView | None:
        way = self.overview.current if self.overview else None
        if way is None:
            self.notify(f"Personen har ingen väg. Tryck n för att starta en ({for_what}).")
            return None
        if way.exit_on is not None:
            self.notify(
                f"Vägen avslutades {way.exit_on.isoformat()}. Tryck n för att starta en ny.",
                severity="warning",
            )
            return None
        return way

    def action_back(self) -> None:
        self.dismiss()

    def action_sensitive(self) -> None:
        self.show_sensitive = not self.show_sensitive
        if self.overview is not None:
            self.query_one("#mapping-section", Static).update(self._mapping_text())

    def action_start(self) -> None:
        db, actor, person = self.app.db, self.actor_id, self.individual_id

        def save(v):
            return start_way(
                db,
                person,
                WayStartInput(
                    str(v["entry_date"]), str(v["phase"]), str(v["note"]), str(v["joined_on"])
                ),
                actor_id=actor,
            )

        self._open(
            WayFormScreen(
                "Ny väg (inflöde)",
                [
                    Spec(
                        "entry_date",
                        "Inflöde, datum",
                        "date",
                        value=clock.today().isoformat(),
                        row=1,
                    ),
                    Spec(
                        "phase",
                        "Första fas",
                        "select",
                        "inflode",
                        choices({c: PHASES[c] for c in WORKING_PHASES}),
                        row=1,
                    ),
                    Spec("note", "Anteckning", placeholder="t.ex. kom via En väg in"),
                    Spec(
                        "joined_on",
                        "Tackade ja (om det redan har skett)",
                        "date",
                        placeholder="tomt = inte ännu, t.ex. idag, fre, +14",
                    ),
                ],
                save,
                intro="Inflödet är första kontakten. Tackade ja är dagen personen tackade ja "
                "till överenskommelsens erbjudande (till exempel Ungdomskontraktet); en "
                "överenskommelses garanti räknas från den dagen.",
                done="Vägen är startad.",
            )
        )

    def action_joined(self) -> None:
        way = self._open_way(for_what="tackat ja")
        if way is None:
            return
        db, actor = self.app.db, self.actor_id

        def save(v):
            set_joined(db, way.id, str(v["joined_on"]), actor_id=actor)
            return way.id

        g = way.guarantee
        intro = (
            "Dagen personen tackade ja till överenskommelsens erbjudande, inte första "
            "kontakten. Lämna tomt för att ta bort dagen."
        )
        if g.state == "ingen":
            intro += " Ingen överenskommelse med garanti gäller för personen."
        elif g.agreement:
            intro += f" Garantin i {g.agreement} räknas från den dagen."
        self._open(
            WayFormScreen(
                "Tackade ja",
                [
                    Spec(
                        "joined_on",
                        "Tackade ja, datum",
                        "date",
                        value=(way.joined_on or clock.today()).isoformat(),
                        placeholder="tomt tar bort dagen",
                    )
                ],
                save,
                intro=intro,
                done="Dagen är sparad.",
            )
        )

    def action_phase(self) -> None:
        way = self._open_way(for_what="fas")
        if way is None:
            return
        db, actor = self.app.db, self.actor_id

        def save(v):
            data = PhaseInput(str(v["phase"]), str(v["started_on"]), str(v["note"]))
            return add_phase(db, way.id, data, actor_id=actor)

        following = [c for c in WORKING_PHASES if c != way.phase]
        self._open(
            WayFormScreen(
                "Byt fas",
                [
                    Spec(
                        "phase",
                        "Ny fas",
                        "select",
                        following[0] if following else "",
                        choices({c: PHASES[c] for c in WORKING_PHASES}),
                        row=1,
                    ),
                    Spec("started_on", "Från", "date", value=clock.today().isoformat(), row=1),
                    Spec("note", "Anteckning", placeholder="t.ex. ärendekonferens"),
                ],
                save,
                intro=f"Nu: {way.phase_label}. Avslut görs med a i vägen.",
                done="Fasen är sparad.",
            )
        )

    def action_mapping(self) -> None:
        if self.overview is None:
            return
        db, actor, person = self.app.db, self.actor_id, self.individual_id
        m = self.overview.mapping
        mapping_id = m.id if m else None

        def save(v):
            fields: dict[str, Any] = {
                k: val if isinstance(val, bool) else str(val) for k, val in v.items()
            }
            data = MappingInput(**fields)
            return save_mapping(db, person, data, actor_id=actor, mapping_id=mapping_id)

        sensitive_hint = (
            "Känslig uppgift: lämnas bara ut med ett samtycke som nämner den, och visas inte "
            "i listor eller protokoll."
        )
        self._open(
            WayFormScreen(
                "Kartläggning",
                [
                    Spec("mapped_on", "Datum", "date", value=clock.today().isoformat(), row=1),
                    Spec(
                        "schooling",
                        "Skolbakgrund",
                        "select",
                        m.schooling if m else "okant",
                        choices(SCHOOLING),
                        row=1,
                    ),
                    Spec(
                        "swedish_level",
                        "Svenska",
                        "select",
                        m.swedish_level if m else "okant",
                        choices(SWEDISH_LEVELS),
                        row=1,
                    ),
                    Spec(
                        "work_experience",
                        "Arbetslivserfarenhet",
                        value=m.work_experience if m else "",
                    ),
                    Spec("needs", "Behov", value=m.needs if m else "", row=2),
                    Spec("obstacles", "Hinder", value=m.obstacles if m else "", row=2),
                    Spec("goals", "Mål", value=m.goals if m else ""),
                    Spec(
                        "health", "Hälsa", value=m.health if m else "", hint=sensitive_hint, row=3
                    ),
                    Spec(
                        "disability",
                        "Funktionsnedsättning",
                        value=m.disability if m else "",
                        hint=sensitive_hint,
                        row=3,
                    ),
                    Spec(
                        "reduced_work_capacity",
                        "Funktionsnedsättning som medför nedsatt arbetsförmåga",
                        "check",
                        bool(m and m.reduced_work_capacity),
                        hint=sensitive_hint,
                    ),
                    Spec(
                        "support",
                        "Försörjning",
                        "select",
                        m.support if m else "okant",
                        choices(SUPPORT),
                        row=4,
                    ),
                    Spec(
                        "social_situation",
                        "Social situation (boende, familj)",
                        value=m.social_situation if m else "",
                        hint=sensitive_hint,
                        row=4,
                    ),
                ],
                save,
                intro="Samma datum som förra kartläggningen ändrar den; ett nytt datum sparar "
                "en ny och behåller den gamla.",
                done="Kartläggningen är sparad.",
            )
        )

    def _measure_form(self, way: WayView, current: MeasureRow | None) -> None:
        db, actor = self.app.db, self.actor_id
        today = clock.today()
        options = []
        for c in self.catalogue:
            label = c.name if c.open_on(today) else f"{c.name} (giltig {c.validity})"
            options.append((label, c.id))

        def save(v):
            data = MeasureInput(
                measure_id=str(v["measure_id"]) or None,
                job_track_id=str(v["job_track_id"]) or None,
                start_date=str(v["start_date"]),
                end_date=str(v["end_date"]),
                hours_per_week=str(v["hours_per_week"]),
                status=str(v["status"]),
                end_reason=str(v["end_reason"]),
            )
            return save_individual_measure(
                db, way.id, data, actor_id=actor, record_id=current.id if current else None
            )

        self._open(
            WayFormScreen(
                "Ändra insats" if current else "Ny insats",
                [
                    Spec(
                        "measure_id",
                        "Insats",
                        "select",
                        current.measure_id if current else "",
                        options,
                    ),
                    Spec(
                        "job_track_id",
                        "Jobbspår (om insatsen är ett)",
                        "select",
                        (current.job_track_id or "") if current else "",
                        [(t.name, t.id) for t in self.tracks],
                    ),
                    Spec(
                        "start_date",
                        "Start",
                        "date",
                        value=current.start_date.isoformat() if current else today.isoformat(),
                        row=1,
                    ),
                    Spec(
                        "end_date",
                        "Slut",
                        "date",
                        value=current.end_date.isoformat() if current and current.end_date else "",
                        placeholder="tomt = inte bestämt",
                        row=1,
                    ),
                    Spec(
                        "hours_per_week",
                        "Timmar per vecka",
                        value=f"{current.hours_per_week:g}"
                        if current and current.hours_per_week
                        else "",
                        row=1,
                    ),
                    Spec(
                        "status",
                        "Status",
                        "select",
                        current.status if current else "planerad",
                        choices(MEASURE_STATUSES),
                        row=2,
                    ),
                    Spec(
                        "end_reason",
                        "Slutorsak",
                        "select",
                        current.end_reason if current else "",
                        choices(END_REASONS),
                        hint="Krävs när insatsen är avslutad eller avbruten.",
                        row=2,
                    ),
                ],
                save,
                intro="En insats utanför sin giltighetstid kan inte startas; skälet visas.",
                done="Insatsen är sparad.",
            )
        )

    def action_new_measure(self) -> None:
        way = self._open_way(for_what="insats")
        if way is not None:
            self._measure_form(way, None)

    def action_edit_measure(self) -> None:
        way = self.overview.current if self.overview else None
        table = self.query_one("#measures", DataTable)
        if way is None or not table.row_count:
            self.notify("Det finns ingen insats att ändra.", severity="warning")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        current = next((m for m in way.measures if m.id == key), None)
        if current is not None:
            self._measure_form(way, current)

    def action_remove(self) -> None:
        """Delete removes the marked row of the table in focus, after a question."""
        way = self.overview.current if self.overview else None
        table = self.focused if isinstance(self.focused, DataTable) else None
        if way is None or table is None or not table.row_count:
            self.notify(
                "Markera en insats, fas eller uppföljning och tryck Delete för att ta bort den.",
                severity="warning",
            )
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        db, actor, way_id = self.app.db, self.actor_id, way.id
        if table.id == "measures":
            m = next(m for m in way.measures if m.id == key)
            title = "Ta bort insatsen?"
            text = f"{m.name} från {m.start_date.isoformat()} tas bort ur personens väg."
            done = "Insatsen är borttagen."

            def remove() -> None:
                remove_individual_measure(db, key, actor_id=actor)

        elif table.id == "phases" and key == EXIT_ROW:
            assert way.exit_on is not None
            title = "Ta bort avslutet?"
            text = (
                f"Avslutet {way.exit_on.isoformat()} ({way.exit_outcome_label}) tas bort och "
                "vägen är öppen igen."
            )
            done = "Avslutet är borttaget; vägen är öppen igen."

            def remove() -> None:
                remove_exit(db, way_id, actor_id=actor)

        elif table.id == "phases":
            p = next(p for p in way.phases if p.id == key)
            title = "Ta bort fasen?"
            text = f"Fasen {p.label} från {p.started_on.isoformat()} tas bort ur vägen."
            done = "Fasen är borttagen."

            def remove() -> None:
                remove_phase(db, key, actor_id=actor)

        else:
            f = next(f for f in way.follow_ups if str(f.day_offset) == key)
            if f.checked_on is None:
                self.notify(
                    f"Uppföljningen efter {f.day_offset} dagar är inte gjord; inget att ta bort.",
                    severity="warning",
                )
                return
            title = "Ta bort uppföljningen?"
            text = (
                f"Uppföljningen efter {f.day_offset} dagar ({f.checked_on.isoformat()}, "
                f"{f.outcome_label}) tas bort och blir att göra igen."
            )
            done = "Uppföljningen är borttagen."

            def remove() -> None:
                remove_follow_up(db, way_id, f.day_offset, actor_id=actor)

        def answer(choice: str | None) -> None:
            if choice == "remove":
                self._remove(remove, done)

        self.app.push_screen(
            ConfirmScreen(
                title,
                text + " Borttagningen loggas.",
                [("cancel", "Avbryt"), ("remove", "Ta bort")],
            ),
            answer,
        )

    @work(thread=True, exclusive=True, group="remove", exit_on_error=False)
    def _remove(self, remove, done: str) -> None:
        try:
            remove()
        except ServiceError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(done)
        self.app.call_from_thread(self.load)

    def action_exit(self) -> None:
        way = self._open_way(for_what="avslut")
        if way is None:
            return
        db, actor = self.app.db, self.actor_id

        planned = [m for m in way.measures if m.status == "planerad"]

        def save(v):
            data = ExitInput(
                str(v["exit_on"]), str(v["outcome"]), str(v["note"]), str(v.get("planned", ""))
            )
            exit_way(db, way.id, data, actor_id=actor)
            return way.id

        specs = [
            Spec("exit_on", "Avslutad", "date", value=clock.today().isoformat(), row=1),
            Spec("outcome", "Går vidare till", "select", "", choices(OUTCOMES), row=1),
            Spec("note", "Anteckning"),
        ]
        if planned:
            # Asked, not assumed: a planned measure may still be wanted after the exit.
            names = ", ".join(f"{m.name} ({m.start_date.isoformat()})" for m in planned)
            specs.append(
                Spec(
                    "planned",
                    "Planerade insatser som inte har börjat",
                    "select",
                    "",
                    choices(PLANNED_CHOICES),
                    hint=names,
                )
            )
        self._open(
            WayFormScreen(
                "Avsluta vägen",
                specs,
                save,
                intro="Efter avslut påminner vägen om uppföljning efter 90, 180 och 360 dagar.",
                done="Vägen är avslutad.",
            )
        )

    def action_follow_up(self) -> None:
        way = self.overview.current if self.overview else None
        if way is None or way.exit_on is None:
            self.notify(
                "Uppföljning görs efter avslut. Avsluta vägen först (a).", severity="warning"
            )
            return
        db, actor = self.app.db, self.actor_id
        table = self.query_one("#follow-ups", DataTable)
        chosen = None
        if table.row_count:
            chosen = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        open_ones = [str(f.day_offset) for f in way.follow_ups if f.checked_on is None]
        default = chosen if chosen in open_ones else (open_ones[0] if open_ones else "90")

        def save(v):
            data = FollowUpInput(
                int(str(v["day_offset"]) or 0),
                str(v["checked_on"]),
                str(v["outcome"]),
                str(v["note"]),
            )
            return record_follow_up(db, way.id, data, actor_id=actor)

        self._open(
            WayFormScreen(
                "Uppföljning efter avslut",
                [
                    Spec(
                        "day_offset",
                        "Uppföljning",
                        "select",
                        default,
                        [
                            (f"{f.day_offset} dagar ({f.due.isoformat()})", str(f.day_offset))
                            for f in way.follow_ups
                        ],
                        row=1,
                    ),
                    Spec("checked_on", "Gjord", "date", value=clock.today().isoformat(), row=1),
                    Spec("outcome", "Gör nu", "select", way.exit_outcome, choices(OUTCOMES), row=1),
                    Spec(
                        "note",
                        "Anteckning",
                        hint="Görs uppföljningen före sin dag skriver du här varför.",
                    ),
                ],
                save,
                done="Uppföljningen är sparad.",
            )
        )

    def action_catalogue(self) -> None:
        from ungtui.tui.screens.way.measure_catalogue import CatalogueScreen

        def reload(_result: None) -> None:
            self.load()

        self.app.push_screen(CatalogueScreen(), reload)
