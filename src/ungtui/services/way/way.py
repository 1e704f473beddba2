"""The individual's way: entry, phases, mapping, measures, exit and follow-ups.

Reads gather one person's whole way for the way screen; writes validate first and then
go through the UnitOfWork. Some writes move the phase on as a caseworker would: a saved
mapping moves a way still in inflöde to kartläggning, a started measure (also one typed
in afterwards as ended) moves a way not yet in insats to insats on its start day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select

from ungtui.domain.guarantee import AgreementGuarantee, GuaranteeRules, GuaranteeStatus
from ungtui.domain.guarantee import guarantee_status as guarantee_on
from ungtui.domain.mapping import SCHOOLING, SUPPORT, SWEDISH_LEVELS
from ungtui.domain.measures import END_REASONS, MEASURE_STATUSES, start_refusal
from ungtui.domain.meeting_time import DAY_EXAMPLES, parse_day
from ungtui.domain.text import display_name
from ungtui.domain.way import (
    FOLLOW_UP_DAYS,
    OUTCOMES,
    PHASES,
    WORKING_PHASES,
    MeasureDates,
    NextDate,
    PhaseMark,
    current_phase,
    follow_up_due,
    next_date,
)
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.people.same_person import same_person_ids
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.guarantee_rules import guarantee_rules
from ungtui.store.database import Database
from ungtui.store.models import (
    ExitFollowUp,
    Individual,
    IndividualMeasure,
    JobTrack,
    Mapping,
    Measure,
    Way,
    WayPhase,
)

GONE = "Vägen finns inte längre i registret."
# A follow-up recorded before its day, or a way closed with measures still planned, needs
# a word on why: a sentence, not a letter.
MIN_REASON = 10
# What closing a way does with the measures still only planned.
PLANNED_CHOICES: dict[str, str] = {
    "ta_bort": "Ta bort dem – de blev aldrig av",
    "behall": "Låt dem stå kvar som planerade",
}


# --- what the way screen shows ------------------------------------------------------


@dataclass(frozen=True)
class PhaseRow:
    id: str
    phase: str
    started_on: date
    note: str

    @property
    def label(self) -> str:
        return PHASES[self.phase]


@dataclass(frozen=True)
class MeasureRow:
    id: str
    measure_id: str
    name: str
    job_track_id: str | None
    job_track: str
    start_date: date
    end_date: date | None
    hours_per_week: float | None
    status: str
    end_reason: str
    leads_to_work_or_studies: bool

    @property
    def status_label(self) -> str:
        return MEASURE_STATUSES.get(self.status, self.status)

    @property
    def end_reason_label(self) -> str:
        return END_REASONS.get(self.end_reason, self.end_reason)

    @property
    def started(self) -> bool:
        return self.status != "planerad"


@dataclass(frozen=True)
class FollowUpRow:
    day_offset: int
    due: date
    checked_on: date | None
    outcome: str
    note: str

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome)


@dataclass(frozen=True)
class WayView:
    id: str
    entry_date: date
    exit_on: date | None
    exit_outcome: str
    exit_note: str
    joined_on: date | None
    phases: list[PhaseRow]
    measures: list[MeasureRow]
    follow_ups: list[FollowUpRow]
    phase: str | None
    phase_since: date | None
    guarantee: GuaranteeStatus
    next: NextDate | None

    @property
    def exit_outcome_label(self) -> str:
        return OUTCOMES.get(self.exit_outcome, self.exit_outcome)

    @property
    def phase_label(self) -> str:
        return PHASES.get(self.phase or "", "")


@dataclass(frozen=True)
class MappingView:
    id: str
    mapped_on: date
    schooling: str
    swedish_level: str
    work_experience: str
    needs: str
    obstacles: str
    goals: str
    health: str  # special-category data: screens hide it until asked
    disability: str
    reduced_work_capacity: bool = False
    support: str = "okant"
    social_situation: str = ""  # hidden like health until asked

    @property
    def support_label(self) -> str:
        return SUPPORT.get(self.support, self.support)

    @property
    def schooling_label(self) -> str:
        return SCHOOLING.get(self.schooling, self.schooling)

    @property
    def swedish_label(self) -> str:
        return SWEDISH_LEVELS.get(self.swedish_level, self.swedish_level)


@dataclass(frozen=True)
class WayOverview:
    individual_id: str
    name: str
    birth_date: date | None
    ways: list[WayView]  # newest first
    mapping: MappingView | None
    earlier_mappings: int

    @property
    def current(self) -> WayView | None:
        return self.ways[0] if self.ways else None


def first_measure_start(
    measures: list[MeasureRow], today: date, counts: str = "arbete_studier"
) -> date | None:
    """The first start, on or before today, of a measure that keeps a guarantee: one
    leading to work or studies, or any started measure when the rule says so."""
    starts = [
        m.start_date
        for m in measures
        if (m.leads_to_work_or_studies or counts == "alla") and m.started and m.start_date <= today
    ]
    return min(starts) if starts else None


def build_way_view(
    way: Way,
    phases: list[PhaseRow],
    measures: list[MeasureRow],
    follow_ups: dict[int, FollowUpRow],
    birth_date: date | None,
    today: date,
    agreement: AgreementGuarantee | None,
) -> WayView:
    marks = [PhaseMark(p.phase, p.started_on) for p in phases]
    phase = current_phase(marks, way.exit_on)
    rule = agreement.rule if agreement else None
    guarantee = guarantee_on(
        birth_date=birth_date,
        joined_on=way.joined_on,
        first_measure_start=first_measure_start(measures, today, rule.counts if rule else ""),
        exit_on=way.exit_on,
        today=today,
        rule=rule,
        agreement=agreement.title if agreement else "",
    )
    rows = []
    if way.exit_on is not None:
        for days, due in follow_up_due(way.exit_on).items():
            found = follow_ups.get(days)
            rows.append(
                FollowUpRow(
                    days,
                    due,
                    found.checked_on if found else None,
                    found.outcome if found else "",
                    found.note if found else "",
                )
            )
    upcoming = next_date(
        today=today,
        exit_on=way.exit_on,
        followed_up=follow_ups.keys(),
        guarantee_deadline=guarantee.deadline if guarantee.open else None,
        measures=[MeasureDates(m.start_date, m.end_date, m.status) for m in measures],
    )
    return WayView(
        id=way.id,
        entry_date=way.entry_date,
        exit_on=way.exit_on,
        exit_outcome=way.exit_outcome,
        exit_note=way.exit_note,
        joined_on=way.joined_on,
        phases=phases,
        measures=measures,
        follow_ups=rows,
        phase=phase.phase if phase else None,
        phase_since=phase.started_on if phase else None,
        guarantee=guarantee,
        next=upcoming,
    )


def way_details(
    session,
    ways: list[Way],
    births: dict[str, date | None],
    today: date,
    rules: GuaranteeRules,
    orgs: dict[str, str | None] | None = None,
    municipalities: dict[str, str] | None = None,
) -> dict[str, WayView]:
    """Views of many ways with four queries in all, whatever their number. `orgs` and
    `municipalities` give each person's case organisation and registered municipality,
    which pick the agreement whose guarantee holds."""
    ids = [w.id for w in ways]
    if not ids:
        return {}
    # Plain columns, not ORM objects: the register reads this for every page it shows.
    phases: dict[str, list[PhaseRow]] = {i: [] for i in ids}
    for way_id, *phase in session.exec(
        select(WayPhase.way_id, WayPhase.id, WayPhase.phase, WayPhase.started_on, WayPhase.note)
        .where(col(WayPhase.way_id).in_(ids), col(WayPhase.deleted_at).is_(None))
        .order_by(WayPhase.started_on, WayPhase.created_at)
    ).all():
        phases[way_id].append(PhaseRow(*phase))
    measures: dict[str, list[MeasureRow]] = {i: [] for i in ids}
    for row in session.exec(
        select(
            IndividualMeasure.way_id,
            IndividualMeasure.id,
            IndividualMeasure.measure_id,
            Measure.name,
            IndividualMeasure.job_track_id,
            JobTrack.name,
            JobTrack.deleted_at,
            IndividualMeasure.start_date,
            IndividualMeasure.end_date,
            IndividualMeasure.hours_per_week,
            IndividualMeasure.status,
            IndividualMeasure.end_reason,
            Measure.leads_to_work_or_studies,
        )
        .join(Measure, col(Measure.id) == IndividualMeasure.measure_id, isouter=True)
        .join(JobTrack, col(JobTrack.id) == IndividualMeasure.job_track_id, isouter=True)
        .where(
            col(IndividualMeasure.way_id).in_(ids),
            col(IndividualMeasure.deleted_at).is_(None),
        )
        .order_by(IndividualMeasure.start_date)
    ).all():
        (way_id, rec_id, measure_id, name, track_id, track, track_gone, *dates_etc) = row
        start, end, hours, status, end_reason, leads = dates_etc
        measures[way_id].append(
            MeasureRow(
                id=rec_id,
                measure_id=measure_id,
                name=name or "okänd insats",
                job_track_id=track_id,
                job_track=track if track and track_gone is None else "",
                start_date=start,
                end_date=end,
                hours_per_week=hours,
                status=status,
                end_reason=end_reason,
                leads_to_work_or_studies=bool(leads),
            )
        )
    follow_ups: dict[str, dict[int, FollowUpRow]] = {i: {} for i in ids}
    for way_id, days, checked, outcome, note in session.exec(
        select(
            ExitFollowUp.way_id,
            ExitFollowUp.day_offset,
            ExitFollowUp.checked_on,
            ExitFollowUp.outcome,
            ExitFollowUp.note,
        )
        .where(col(ExitFollowUp.way_id).in_(ids), col(ExitFollowUp.deleted_at).is_(None))
        .order_by(ExitFollowUp.checked_on)
    ).all():
        # The latest check of each offset counts.
        follow_ups[way_id][days] = FollowUpRow(days, checked, checked, outcome, note)
    return {
        w.id: build_way_view(
            w,
            phases[w.id],
            measures[w.id],
            follow_ups[w.id],
            births.get(w.individual_id),
            today,
            rules.for_way(
                (orgs or {}).get(w.individual_id),
                w.joined_on or today,
                (municipalities or {}).get(w.individual_id, ""),
            ),
        )
        for w in ways
    }


def _person(session, individual_id: str) -> Individual:
    person = session.get(Individual, individual_id)
    if person is not None and person.merged_into:
        person = session.get(Individual, person.merged_into)
    if person is None or person.deleted_at is not None:
        raise NotFound("Personen finns inte längre i registret.")
    return person


def get_way(
    db: Database,
    individual_id: str,
    *,
    today: date | None = None,
    rule: GuaranteeRules | None = None,
) -> WayOverview:
    """Without rules given, the guarantees of the install's agreements."""
    today = today or clock.today()
    if rule is None:
        rule = guarantee_rules(db)
    with db.session() as session:
        person = _person(session, individual_id)
        members = same_person_ids(session, person.id)
        ways = session.exec(
            select(Way)
            .where(col(Way.individual_id).in_(members), col(Way.deleted_at).is_(None))
            .order_by(col(Way.entry_date).desc(), col(Way.created_at).desc())
        ).all()
        views = way_details(
            session,
            list(ways),
            {m: person.birth_date for m in members},
            today,
            rule,
            {m: person.case_organisation_id for m in members},
            {m: person.municipality for m in members},
        )
        mappings = session.exec(
            select(Mapping)
            .where(col(Mapping.individual_id).in_(members), col(Mapping.deleted_at).is_(None))
            .order_by(col(Mapping.mapped_on).desc(), col(Mapping.created_at).desc())
        ).all()
    latest = mappings[0] if mappings else None
    return WayOverview(
        individual_id=person.id,
        name=display_name(person.first_name, person.last_name),
        birth_date=person.birth_date,
        ways=[views[w.id] for w in ways],
        mapping=_mapping_view(latest) if latest else None,
        earlier_mappings=max(len(mappings) - 1, 0),
    )


def _mapping_view(m: Mapping) -> MappingView:
    return MappingView(
        m.id,
        m.mapped_on,
        m.schooling,
        m.swedish_level,
        m.work_experience,
        m.needs,
        m.obstacles,
        m.goals,
        m.health,
        m.disability,
        m.reduced_work_capacity,
        m.support,
        m.social_situation,
    )


# --- writing -------------------------------------------------------------------------


def _date(
    errors: dict[str, str], key: str, text: str, today: date, *, required: bool = True
) -> date | None:
    if not text.strip():
        if required:
            errors[key] = f"Ange ett datum, till exempel {DAY_EXAMPLES}."
        return None
    try:
        return parse_day(text, today)
    except ValueError as exc:
        errors[key] = str(exc)
        return None


def _not_future(errors: dict[str, str], key: str, day: date | None, today: date) -> None:
    if day is not None and day > today and key not in errors:
        errors[key] = "Datumet kan inte ligga i framtiden."


def _open_way(session, way_id: str) -> Way:
    way = session.get(Way, way_id)
    if way is None or way.deleted_at is not None:
        raise NotFound(GONE)
    return way


def _phases_of(session, way_id: str) -> list[WayPhase]:
    return list(
        session.exec(
            select(WayPhase).where(WayPhase.way_id == way_id, col(WayPhase.deleted_at).is_(None))
        ).all()
    )


def _move_on(uow: UnitOfWork, way: Way, to: str, on: date, before: tuple[str, ...]) -> None:
    """Enter phase `to` on `on` if the way is still in one of the `before` phases."""
    phases = _phases_of(uow.session, way.id)
    now = current_phase([PhaseMark(p.phase, p.started_on) for p in phases], way.exit_on)
    if now is not None and now.phase in before and on >= now.started_on:
        uow.create(
            WayPhase(way_id=way.id, individual_id=way.individual_id, phase=to, started_on=on)
        )


@dataclass
class WayStartInput:
    entry_date: str = ""
    phase: str = "inflode"
    note: str = ""
    joined_on: str = ""  # the day the person joined the agreement's offer, if known


def start_way(
    db: Database,
    individual_id: str,
    data: WayStartInput,
    *,
    actor_id: str | None,
    today: date | None = None,
) -> str:
    today = today or clock.today()
    errors: dict[str, str] = {}
    entry = _date(errors, "entry_date", data.entry_date, today)
    _not_future(errors, "entry_date", entry, today)
    joined = _date(errors, "joined_on", data.joined_on, today, required=False)
    _not_future(errors, "joined_on", joined, today)
    if joined is not None and entry is not None and joined < entry and "joined_on" not in errors:
        errors["joined_on"] = "Personen kan inte tacka ja före inflödet."
    if data.phase not in WORKING_PHASES:
        errors["phase"] = "Välj fas."
    if errors:
        raise ValidationError(errors)
    assert entry is not None
    with UnitOfWork(db, actor_id) as uow:
        person = _person(uow.session, individual_id)
        members = same_person_ids(uow.session, person.id)
        open_way = uow.session.exec(
            select(Way).where(
                col(Way.individual_id).in_(members),
                col(Way.deleted_at).is_(None),
                col(Way.exit_on).is_(None),
            )
        ).first()
        if open_way is not None:
            raise ServiceError(
                f"Personen har redan en väg sedan {open_way.entry_date.isoformat()}. "
                "Avsluta den innan en ny börjar."
            )
        latest_exit = uow.session.exec(
            select(Way.exit_on)
            .where(col(Way.individual_id).in_(members), col(Way.deleted_at).is_(None))
            .order_by(col(Way.exit_on).desc())
        ).first()
        if latest_exit is not None and entry < latest_exit:
            raise ValidationError(
                {
                    "entry_date": f"Förra vägen avslutades {latest_exit.isoformat()}; "
                    "en ny kan inte börja före det."
                }
            )
        way = uow.create(Way(individual_id=person.id, entry_date=entry, joined_on=joined))
        uow.create(
            WayPhase(
                way_id=way.id,
                individual_id=person.id,
                phase=data.phase,
                started_on=entry,
                note=data.note.strip(),
            )
        )
    return way.id


@dataclass
class PhaseInput:
    phase: str = ""
    started_on: str = ""
    note: str = ""


def add_phase(
    db: Database, way_id: str, data: PhaseInput, *, actor_id: str | None, today: date | None = None
) -> str:
    today = today or clock.today()
    errors: dict[str, str] = {}
    if data.phase not in WORKING_PHASES:
        errors["phase"] = "Välj fas. Avslut registreras med Avsluta vägen."
    on = _date(errors, "started_on", data.started_on, today)
    _not_future(errors, "started_on", on, today)
    if errors:
        raise ValidationError(errors)
    assert on is not None
    with UnitOfWork(db, actor_id) as uow:
        way = _open_way(uow.session, way_id)
        if way.exit_on is not None:
            raise ServiceError(
                f"Vägen avslutades {way.exit_on.isoformat()}. Starta en ny väg i stället."
            )
        if on < way.entry_date:
            raise ValidationError(
                {
                    "started_on": f"Vägen började {way.entry_date.isoformat()}; "
                    "en fas kan inte börja före det."
                }
            )
        phases = _phases_of(uow.session, way_id)
        now = current_phase([PhaseMark(p.phase, p.started_on) for p in phases], None)
        if now is not None and now.phase == data.phase:
            raise ValidationError({"phase": f"Vägen är redan i fasen {PHASES[data.phase]}."})
        phase = uow.create(
            WayPhase(
                way_id=way.id,
                individual_id=way.individual_id,
                phase=data.phase,
                started_on=on,
                note=data.note.strip(),
            )
        )
    return phase.id


def set_joined(
    db: Database,
    way_id: str,
    joined_text: str,
    *,
    actor_id: str | None,
    today: date | None = None,
) -> date | None:
    """Record (or, with an empty text, clear) the day the person joined the agreement's
    offer; an agreement's guarantee runs from it."""
    today = today or clock.today()
    errors: dict[str, str] = {}
    joined = _date(errors, "joined_on", joined_text, today, required=False)
    _not_future(errors, "joined_on", joined, today)
    if errors:
        raise ValidationError(errors)
    with UnitOfWork(db, actor_id) as uow:
        way = _open_way(uow.session, way_id)
        if joined is not None and joined < way.entry_date:
            raise ValidationError(
                {
                    "joined_on": f"Vägen började {way.entry_date.isoformat()}; personen kan "
                    "inte tacka ja före det."
                }
            )
        if joined is not None and way.exit_on is not None and joined > way.exit_on:
            raise ValidationError(
                {"joined_on": f"Vägen avslutades {way.exit_on.isoformat()}."}
            )
        uow.update(way, joined_on=joined)
    return joined


@dataclass
class ExitInput:
    exit_on: str = ""
    outcome: str = ""
    note: str = ""
    planned: str = ""  # PLANNED_CHOICES: asked only when the way has planned measures


def exit_way(
    db: Database, way_id: str, data: ExitInput, *, actor_id: str | None, today: date | None = None
) -> None:
    today = today or clock.today()
    errors: dict[str, str] = {}
    exit_on = _date(errors, "exit_on", data.exit_on, today)
    _not_future(errors, "exit_on", exit_on, today)
    if data.outcome not in OUTCOMES:
        errors["outcome"] = "Välj vad personen gick vidare till."
    if errors:
        raise ValidationError(errors)
    assert exit_on is not None
    with UnitOfWork(db, actor_id) as uow:
        way = _open_way(uow.session, way_id)
        if way.exit_on is not None:
            raise ServiceError(f"Vägen avslutades redan {way.exit_on.isoformat()}.")
        latest = max((p.started_on for p in _phases_of(uow.session, way_id)), default=None)
        floor = max(d for d in (way.entry_date, latest) if d is not None)
        if exit_on < floor:
            raise ValidationError(
                {
                    "exit_on": f"Avslutet kan inte ligga före {floor.isoformat()}, "
                    "vägens senaste händelse."
                }
            )
        planned = _planned_measures(uow.session, way_id)
        if planned and data.planned not in PLANNED_CHOICES:
            raise ValidationError(
                {
                    "planned": f"Vägen har {len(planned)} planerade insatser. Välj om de tas "
                    "bort eller står kvar."
                    if len(planned) > 1
                    else "Vägen har en planerad insats. Välj om den tas bort eller står kvar."
                }
            )
        if data.planned == "ta_bort":
            for measure in planned:
                uow.remove(measure)
        uow.update(way, exit_on=exit_on, exit_outcome=data.outcome, exit_note=data.note.strip())


def _planned_measures(session, way_id: str) -> list[IndividualMeasure]:
    return list(
        session.exec(
            select(IndividualMeasure).where(
                IndividualMeasure.way_id == way_id,
                IndividualMeasure.status == "planerad",
                col(IndividualMeasure.deleted_at).is_(None),
            )
        ).all()
    )


@dataclass
class FollowUpInput:
    day_offset: int = 90
    checked_on: str = ""
    outcome: str = ""
    note: str = ""


def record_follow_up(
    db: Database,
    way_id: str,
    data: FollowUpInput,
    *,
    actor_id: str | None,
    today: date | None = None,
) -> str:
    today = today or clock.today()
    errors: dict[str, str] = {}
    if data.day_offset not in FOLLOW_UP_DAYS:
        errors["day_offset"] = "Välj uppföljning efter 90, 180 eller 360 dagar."
    checked = _date(errors, "checked_on", data.checked_on, today)
    _not_future(errors, "checked_on", checked, today)
    if data.outcome not in OUTCOMES:
        errors["outcome"] = "Välj vad personen gör nu."
    if errors:
        raise ValidationError(errors)
    assert checked is not None
    with UnitOfWork(db, actor_id) as uow:
        way = _open_way(uow.session, way_id)
        if way.exit_on is None:
            raise ServiceError("Uppföljning görs efter avslut. Vägen är inte avslutad.")
        if checked < way.exit_on:
            raise ValidationError(
                {
                    "checked_on": f"Vägen avslutades {way.exit_on.isoformat()}; "
                    "uppföljningen kan inte vara före det."
                }
            )
        due = follow_up_due(way.exit_on)[data.day_offset]
        if checked < due and len(" ".join(data.note.split())) < MIN_REASON:
            raise ValidationError(
                {
                    "note": f"Uppföljningen efter {data.day_offset} dagar ska göras "
                    f"{due.isoformat()}. Skriv i anteckningen varför den görs tidigare "
                    "(minst tio tecken)."
                }
            )
        follow = uow.create(
            ExitFollowUp(
                way_id=way.id,
                individual_id=way.individual_id,
                day_offset=data.day_offset,
                checked_on=checked,
                outcome=data.outcome,
                note=data.note.strip(),
            )
        )
    return follow.id


@dataclass
class MappingInput:
    mapped_on: str = ""
    schooling: str = "okant"
    swedish_level: str = "okant"
    work_experience: str = ""
    needs: str = ""
    obstacles: str = ""
    goals: str = ""
    health: str = ""
    disability: str = ""
    reduced_work_capacity: bool = False
    support: str = "okant"  # domain.mapping.SUPPORT: economy
    social_situation: str = ""  # social circumstances: sensitive, like health


def save_mapping(
    db: Database,
    individual_id: str,
    data: MappingInput,
    *,
    actor_id: str | None,
    mapping_id: str | None = None,
    today: date | None = None,
) -> str:
    """Save a mapping. Editing the latest one on its own date changes it; a new date keeps
    the earlier mapping as history and adds a new one."""
    today = today or clock.today()
    errors: dict[str, str] = {}
    mapped_on = _date(errors, "mapped_on", data.mapped_on, today)
    _not_future(errors, "mapped_on", mapped_on, today)
    if data.schooling not in SCHOOLING:
        errors["schooling"] = "Välj skolbakgrund."
    if data.swedish_level not in SWEDISH_LEVELS:
        errors["swedish_level"] = "Välj nivå i svenska."
    if data.support not in SUPPORT:
        errors["support"] = "Välj hur personen försörjer sig."
    if errors:
        raise ValidationError(errors)
    assert mapped_on is not None
    values = dict(
        mapped_on=mapped_on,
        schooling=data.schooling,
        swedish_level=data.swedish_level,
        work_experience=data.work_experience.strip(),
        needs=data.needs.strip(),
        obstacles=data.obstacles.strip(),
        goals=data.goals.strip(),
        health=data.health.strip(),
        disability=data.disability.strip(),
        reduced_work_capacity=bool(data.reduced_work_capacity),
        support=data.support,
        social_situation=data.social_situation.strip(),
    )
    with UnitOfWork(db, actor_id) as uow:
        person = _person(uow.session, individual_id)
        existing = uow.session.get(Mapping, mapping_id) if mapping_id else None
        if existing is not None and existing.deleted_at is None and existing.mapped_on == mapped_on:
            uow.update(existing, **values)
            return existing.id
        members = same_person_ids(uow.session, person.id)
        way = uow.session.exec(
            select(Way).where(
                col(Way.individual_id).in_(members),
                col(Way.deleted_at).is_(None),
                col(Way.exit_on).is_(None),
            )
        ).first()
        mapping = uow.create(
            Mapping(individual_id=person.id, way_id=way.id if way else None, **values)
        )
        if way is not None:
            _move_on(uow, way, "kartlaggning", mapped_on, ("inflode",))
    return mapping.id


@dataclass
class MeasureInput:
    measure_id: str | None = None
    job_track_id: str | None = None
    start_date: str = ""
    end_date: str = ""
    hours_per_week: str = ""
    status: str = "planerad"
    end_reason: str = ""
    extra: dict = field(default_factory=dict)


def _hours(errors: dict[str, str], text: str) -> float | None:
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        hours = float(cleaned)
    except ValueError:
        errors["hours_per_week"] = f"”{text.strip()}” är inget antal timmar. Skriv t.ex. 20."
        return None
    if not 0 < hours <= 40:
        errors["hours_per_week"] = "Timmar per vecka ska vara mer än 0 och högst 40."
        return None
    return hours


def save_individual_measure(
    db: Database,
    way_id: str,
    data: MeasureInput,
    *,
    actor_id: str | None,
    record_id: str | None = None,
    today: date | None = None,
) -> str:
    today = today or clock.today()
    errors: dict[str, str] = {}
    if not data.measure_id:
        errors["measure_id"] = "Välj insats ur katalogen."
    start = _date(errors, "start_date", data.start_date, today)
    end = _date(errors, "end_date", data.end_date, today, required=False)
    if start and end and end < start:
        errors["end_date"] = "Slutdatum kan inte vara före startdatum."
    hours = _hours(errors, data.hours_per_week)
    if data.status not in MEASURE_STATUSES:
        errors["status"] = "Välj status."
    elif start and start > today and data.status != "planerad":
        errors["status"] = "En insats som börjar senare kan bara vara planerad."
    ended = data.status in ("avslutad", "avbruten")
    if ended and end is None and "end_date" not in errors:
        errors["end_date"] = "Ange slutdatum för en avslutad eller avbruten insats."
    if ended and end is not None and end > today and "end_date" not in errors:
        errors["end_date"] = "En insats som har slutat kan inte sluta i framtiden."
    if ended and data.end_reason not in END_REASONS:
        errors["end_reason"] = "Välj varför insatsen slutade."
    if errors:
        raise ValidationError(errors)
    assert start is not None
    values = dict(
        measure_id=data.measure_id,
        job_track_id=data.job_track_id or None,
        start_date=start,
        end_date=end,
        hours_per_week=hours,
        status=data.status,
        end_reason=data.end_reason if ended else "",
    )
    with UnitOfWork(db, actor_id) as uow:
        way = _open_way(uow.session, way_id)
        current = uow.session.get(IndividualMeasure, record_id) if record_id else None
        if record_id and (current is None or current.deleted_at is not None):
            raise NotFound("Insatsen finns inte längre i registret.")
        measure = uow.session.get(Measure, data.measure_id)
        if measure is None or measure.deleted_at is not None:
            raise ValidationError({"measure_id": "Insatsen finns inte längre i katalogen."})
        # Validity limits new decisions: an old traineejobb stays editable.
        if current is None or current.start_date != start or current.measure_id != measure.id:
            refusal = start_refusal(measure.name, measure.valid_from, measure.valid_to, start)
            if refusal:
                raise ValidationError({"start_date": refusal})
        if current is None and way.exit_on is not None:
            raise ServiceError(
                f"Vägen avslutades {way.exit_on.isoformat()}. Starta en ny väg för nya insatser."
            )
        if start < way.entry_date:
            raise ValidationError(
                {
                    "start_date": f"Vägen började {way.entry_date.isoformat()}; "
                    "insatsen kan inte börja före det."
                }
            )
        if current is None:
            current = uow.create(
                IndividualMeasure(way_id=way.id, individual_id=way.individual_id, **values)
            )
        else:
            uow.update(current, **values)
        if data.status != "planerad" and way.exit_on is None:
            _move_on(uow, way, "insats", start, ("inflode", "kartlaggning", "planering"))
    return current.id


def remove_individual_measure(db: Database, record_id: str, *, actor_id: str | None) -> None:
    with UnitOfWork(db, actor_id) as uow:
        current = uow.session.get(IndividualMeasure, record_id)
        if current is None or current.deleted_at is not None:
            raise NotFound("Insatsen finns inte längre i registret.")
        uow.remove(current)


# --- correcting mistakes ---------------------------------------------------------------


def remove_phase(db: Database, phase_id: str, *, actor_id: str | None) -> None:
    """Remove a phase entered by mistake; the way keeps at least its first phase."""
    with UnitOfWork(db, actor_id) as uow:
        phase = uow.session.get(WayPhase, phase_id)
        if phase is None or phase.deleted_at is not None:
            raise NotFound("Fasen finns inte längre i registret.")
        if len(_phases_of(uow.session, phase.way_id)) == 1:
            raise ServiceError(
                "Vägen måste ha minst en fas. Lägg till den rätta fasen (f) och ta sedan "
                "bort den här."
            )
        uow.remove(phase)


def _follow_ups_of(session, way_id: str, day_offset: int | None = None) -> list[ExitFollowUp]:
    query = select(ExitFollowUp).where(
        ExitFollowUp.way_id == way_id, col(ExitFollowUp.deleted_at).is_(None)
    )
    if day_offset is not None:
        query = query.where(ExitFollowUp.day_offset == day_offset)
    return list(session.exec(query).all())


def remove_follow_up(db: Database, way_id: str, day_offset: int, *, actor_id: str | None) -> int:
    """Remove what was recorded at one follow-up (90, 180 or 360 days); it is due again.
    Returns how many records went (a follow-up recorded twice is one row on screen)."""
    with UnitOfWork(db, actor_id) as uow:
        _open_way(uow.session, way_id)
        found = _follow_ups_of(uow.session, way_id, day_offset)
        if not found:
            raise NotFound(f"Uppföljningen efter {day_offset} dagar är inte registrerad.")
        for follow in found:
            uow.remove(follow)
    return len(found)


def remove_exit(db: Database, way_id: str, *, actor_id: str | None) -> None:
    """Undo an exit entered by mistake: the way is open again, in the phase it had."""
    with UnitOfWork(db, actor_id) as uow:
        way = _open_way(uow.session, way_id)
        if way.exit_on is None:
            raise ServiceError("Vägen är inte avslutad.")
        if _follow_ups_of(uow.session, way_id):
            raise ServiceError(
                "Vägen har registrerade uppföljningar efter avslutet. Ta bort dem först "
                "(markera raden under Avslut och uppföljning och tryck Delete)."
            )
        members = same_person_ids(uow.session, way.individual_id)
        other_open = uow.session.exec(
            select(Way.entry_date).where(
                col(Way.individual_id).in_(members),
                col(Way.deleted_at).is_(None),
                col(Way.exit_on).is_(None),
                Way.id != way.id,
            )
        ).first()
        if other_open is not None:
            raise ServiceError(
                f"Personen har en nyare väg sedan {other_open.isoformat()}; två vägar kan "
                "inte vara öppna samtidigt."
            )
        uow.update(way, exit_on=None, exit_outcome="", exit_note="")
