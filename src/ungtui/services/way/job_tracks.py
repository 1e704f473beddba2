"""Job tracks (jobbspår): saving them and counting places, participants and the share
of participants from the target group, and each agreement's goal for its own tracks
(seed 001: at least three tracks with 180 places, half of the participants from its
target group)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from ungtui.domain.job_tracks import GoalCheck, TrackFigures, percent
from ungtui.domain.measures import MEASURE_STATUSES
from ungtui.domain.meeting_time import DAY_EXAMPLES, parse_day
from ungtui.domain.report_goals import indicator_key, is_met, parse_target
from ungtui.domain.target_groups import GROUPS, target_groups
from ungtui.domain.text import display_name, fold
from ungtui.services import clock
from ungtui.services.errors import NotFound, ValidationError
from ungtui.services.people.individuals import person_facts, status_rows, value_on
from ungtui.services.processes.agreements import _goals
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Agreement, Individual, IndividualMeasure, JobTrack

STARTED = ("pagaende", "avslutad", "avbruten")


@dataclass(frozen=True)
class JobTrackRow:
    id: str
    name: str
    employer: str
    industry: str
    period_from: date
    period_to: date | None
    target_group: str
    figures: TrackFigures
    agreement_id: str | None = None
    agreement_title: str = ""

    @property
    def period(self) -> str:
        end = self.period_to.isoformat() if self.period_to else "tills vidare"
        return f"{self.period_from.isoformat()} – {end}"

    @property
    def target_group_label(self) -> str:
        return GROUPS.get(self.target_group, self.target_group)


def list_job_tracks(db: Database) -> list[JobTrackRow]:
    """Every track with its figures. A participant counts once per track, from the day
    their measure in it started; target-group membership is judged on that day."""
    with db.session() as session:
        tracks = session.exec(select(JobTrack).where(col(JobTrack.deleted_at).is_(None))).all()
        titles = dict(
            session.exec(
                select(Agreement.id, Agreement.title).where(col(Agreement.deleted_at).is_(None))
            ).all()
        )
        rows = session.exec(
            select(IndividualMeasure.job_track_id, IndividualMeasure.start_date, Individual)
            .join(Individual, col(Individual.id) == IndividualMeasure.individual_id)
            .where(
                col(IndividualMeasure.job_track_id).in_([t.id for t in tracks]),
                col(IndividualMeasure.deleted_at).is_(None),
                col(IndividualMeasure.status).in_(STARTED),
                col(Individual.deleted_at).is_(None),
            )
            .order_by(IndividualMeasure.start_date)
        ).all()
        schools = status_rows(session, list({person.id for _t, _s, person in rows}), "skola")
    first_start: dict[tuple[str, str], tuple[date, Individual]] = {}
    for track_id, start, person in rows:
        key = (track_id, person.merged_into or person.id)
        first_start.setdefault(key, (start, person))
    counts: dict[str, list[int]] = {t.id: [0, 0] for t in tracks}
    by_id = {t.id: t for t in tracks}
    for (track_id, _person_id), (start, person) in first_start.items():
        # As the person was on the day the measure started, school status included.
        facts = person_facts(person, value_on(schools.get(person.id, []), start))
        counts[track_id][0] += 1
        codes = {g.code for g in target_groups(facts, start)}
        if by_id[track_id].target_group in codes:
            counts[track_id][1] += 1
    result = [
        JobTrackRow(
            id=t.id,
            name=t.name,
            employer=t.employer,
            industry=t.industry,
            period_from=t.period_from,
            period_to=t.period_to,
            target_group=t.target_group,
            figures=TrackFigures(t.places, counts[t.id][0], counts[t.id][1]),
            agreement_id=t.agreement_id if t.agreement_id in titles else None,
            agreement_title=titles.get(t.agreement_id or "", ""),
        )
        for t in tracks
    ]
    result.sort(key=lambda r: (r.period_from, fold(r.name)))
    return result


@dataclass
class JobTrackInput:
    name: str = ""
    employer: str = ""
    industry: str = ""
    period_from: str = ""
    period_to: str = ""
    places: str = ""
    target_group: str = "nyanland"
    agreement_id: str = ""  # "" for a track of no agreement


def save_job_track(
    db: Database, data: JobTrackInput, *, actor_id: str | None, track_id: str | None = None
) -> str:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Ange jobbspårets namn, till exempel Jobbspår vård."
    if not data.employer.strip() and not data.industry.strip():
        errors["employer"] = "Ange arbetsgivare eller bransch."
    start = end = None
    if not data.period_from.strip():
        errors["period_from"] = f"Ange när jobbspåret börjar, till exempel {DAY_EXAMPLES}."
    else:
        try:
            start = parse_day(data.period_from, clock.today())
        except ValueError as exc:
            errors["period_from"] = str(exc)
    if data.period_to.strip():
        try:
            end = parse_day(data.period_to, clock.today())
        except ValueError as exc:
            errors["period_to"] = str(exc)
        else:
            if start and end < start:
                errors["period_to"] = "Slutdatum kan inte vara före startdatum."
    try:
        places = int(data.places.strip())
    except ValueError:
        errors["places"] = "Ange antal platser som ett heltal, till exempel 60."
        places = 0
    else:
        if places < 1:
            errors["places"] = "Ett jobbspår behöver minst en plats."
    if data.target_group not in GROUPS:
        errors["target_group"] = "Välj spårets målgrupp."
    if data.agreement_id:
        with db.session() as session:
            agreement = session.get(Agreement, data.agreement_id)
        if agreement is None or agreement.deleted_at is not None:
            errors["agreement_id"] = "Överenskommelsen finns inte."
    if errors:
        raise ValidationError(errors)
    values = dict(
        name=name,
        employer=data.employer.strip(),
        industry=data.industry.strip(),
        period_from=start,
        period_to=end,
        places=places,
        target_group=data.target_group,
        agreement_id=data.agreement_id or None,
    )
    with UnitOfWork(db, actor_id) as uow:
        if track_id is None:
            track = uow.create(JobTrack(**values))
        else:
            track = uow.session.get(JobTrack, track_id)
            if track is None or track.deleted_at is not None:
                raise NotFound("Jobbspåret finns inte längre.")
            uow.update(track, **values)
    return track.id


@dataclass(frozen=True)
class ParticipantRow:
    individual_id: str
    name: str
    identity: str
    identity_kind: str
    start_date: date
    end_date: date | None
    status: str
    in_target_group: bool  # on the day the measure started


def list_participants(
    db: Database, track_id: str, *, offset: int = 0, limit: int = 100
) -> list[ParticipantRow]:
    """One page of a track's participants (each started measure in it), earliest first."""
    with db.session() as session:
        track = session.get(JobTrack, track_id)
        if track is None or track.deleted_at is not None:
            raise NotFound("Jobbspåret finns inte längre.")
        rows = session.exec(
            select(IndividualMeasure, Individual)
            .join(Individual, col(Individual.id) == IndividualMeasure.individual_id)
            .where(
                IndividualMeasure.job_track_id == track_id,
                col(IndividualMeasure.deleted_at).is_(None),
                col(IndividualMeasure.status).in_(STARTED),
                col(Individual.deleted_at).is_(None),
            )
            .order_by(IndividualMeasure.start_date, Individual.sort_key, Individual.id)
            .offset(offset)
            .limit(limit)
        ).all()
        schools = status_rows(session, list({person.id for _m, person in rows}), "skola")
    result = []
    for measure, person in rows:
        facts = person_facts(person, value_on(schools.get(person.id, []), measure.start_date))
        codes = {g.code for g in target_groups(facts, measure.start_date)}
        result.append(
            ParticipantRow(
                individual_id=person.merged_into or person.id,
                name=display_name(person.first_name, person.last_name),
                identity=person.identity_number or person.reserve_id or "",
                identity_kind=person.identity_kind,
                start_date=measure.start_date,
                end_date=measure.end_date,
                status=MEASURE_STATUSES.get(measure.status, measure.status),
                in_target_group=track.target_group in codes,
            )
        )
    return result


# The report indicators a job-track goal can name, and how each is counted here.
_TRACK_KEYS = ("jobbspar", "jobbspar_platser", "jobbspar_malgrupp_andel")


@dataclass(frozen=True)
class AgreementTrackGoal:
    agreement: str
    tracks: int
    checks: list[GoalCheck]


def track_goals(db: Database, rows: list[JobTrackRow]) -> list[AgreementTrackGoal]:
    """Each agreement's goals for job tracks, counted on its own tracks only (seed 001:
    "Starta minst tre jobbspår … där minst 50 % av deltagarna kommer från målgruppen")."""
    with db.session() as session:
        agreements = session.exec(
            select(Agreement).where(col(Agreement.deleted_at).is_(None)).order_by(Agreement.title)
        ).all()
    out = []
    for a in agreements:
        wanted = [
            (ind, indicator_key(ind.indicator), parse_target(ind.target))
            for goal in _goals(a.goals)
            for ind in goal.indicators
            if indicator_key(ind.indicator) in _TRACK_KEYS
        ]
        if not wanted:
            continue
        own = [r.figures for r in rows if r.agreement_id == a.id]
        participants = sum(f.participants for f in own)
        share = sum(f.in_target_group for f in own) / participants if participants else None
        values = {
            "jobbspar": (len(own), str(len(own))),
            "jobbspar_platser": (sum(f.places for f in own), str(sum(f.places for f in own))),
            "jobbspar_malgrupp_andel": (share, percent(share)),
        }
        checks = []
        for ind, key, target in wanted:
            value, shown = values[key]
            met = is_met(target, value) if target is not None else None
            label = f"{ind.indicator}: {ind.target or 'ingen målnivå'}"
            checks.append(GoalCheck(label, shown, bool(met)))
        out.append(AgreementTrackGoal(a.title, len(own), checks))
    return out
