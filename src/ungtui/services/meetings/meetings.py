"""Joint meetings (samverkansmöten): planning them, who attends, recurring series.

What happens inside a meeting (agenda, notes, decisions, actions) is in meeting_agenda.py.
Times are typed and shown in Swedish local time and stored as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func
from sqlmodel import col, select

from ungtui.domain.meeting_time import SERIES_INTERVALS, next_in_series, parse_meeting_time
from ungtui.domain.meeting_vocabulary import MEETING_KINDS
from ungtui.domain.purposes import PURPOSES, meeting_purpose
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import (
    AgendaItem,
    Meeting,
    MeetingAttendee,
    MeetingSeries,
    Organisation,
    Staff,
    Unit,
)

DEFAULT_TIME = time(9, 0)
WHEN_FILTERS: dict[str, str] = {
    "kommande": "Kommande",
    "tidigare": "Tidigare",
    "alla": "Alla",
}
GONE = "Mötet finns inte längre."


def to_utc(local: datetime) -> datetime:
    """A Swedish wall-clock time as the UTC the database keeps."""
    return local.replace(tzinfo=clock.STOCKHOLM).astimezone(UTC)


def to_local(stored: datetime) -> datetime:
    return clock.local_time(stored).replace(tzinfo=None)


@dataclass
class MeetingInput:
    kind: str = "samverkansgrupp"
    title: str = ""
    when: str = ""
    place: str = ""
    cluster: str = ""
    minutes_keeper_id: str | None = None
    repeat_weeks: int = 0  # 0: a single meeting; 1 or 2: a new series (on creation only)
    # What people are discussed for (domain.purposes); empty: the kind's usual purpose.
    purpose: str = ""


@dataclass(frozen=True)
class MeetingRow:
    id: str
    starts: datetime  # local
    kind: str  # label
    title: str
    place: str
    items: int
    in_series: bool


@dataclass(frozen=True)
class MeetingFilter:
    when: str = "kommande"


# --- reading -------------------------------------------------------------------------


def _conditions(flt: MeetingFilter, now: datetime | None) -> list:
    conditions: list = [col(Meeting.deleted_at).is_(None)]
    # Coming means not started yet: this morning's meeting is held by the evening and is
    # found first among the earlier ones (latest first), not among the coming.
    moment = (now or clock.now()).astimezone(UTC)
    if flt.when == "kommande":
        conditions.append(col(Meeting.starts_at) >= moment)
    elif flt.when == "tidigare":
        conditions.append(col(Meeting.starts_at) < moment)
    return conditions


def count_meetings(db: Database, flt: MeetingFilter, now: datetime | None = None) -> int:
    with db.session() as session:
        return session.exec(
            select(func.count()).select_from(Meeting).where(*_conditions(flt, now))
        ).one()


def list_meetings(
    db: Database,
    flt: MeetingFilter,
    *,
    offset: int = 0,
    limit: int = 100,
    now: datetime | None = None,
) -> list[MeetingRow]:
    """One page: coming meetings soonest first, earlier ones latest first."""
    order = col(Meeting.starts_at) if flt.when == "kommande" else col(Meeting.starts_at).desc()
    items = (
        select(func.count())
        .select_from(AgendaItem)
        .where(AgendaItem.meeting_id == Meeting.id, col(AgendaItem.deleted_at).is_(None))
        .scalar_subquery()
    )
    with db.session() as session:
        rows = session.exec(
            select(Meeting, items)
            .where(*_conditions(flt, now))
            .order_by(order, Meeting.id)
            .offset(offset)
            .limit(limit)
        ).all()
    return [
        MeetingRow(
            id=m.id,
            starts=to_local(m.starts_at),
            kind=MEETING_KINDS.get(m.kind, m.kind),
            title=m.title,
            place=m.place,
            items=count,
            in_series=m.series_id is not None,
        )
        for m, count in rows
    ]


SHORTEST_ID = 6  # characters of a meeting id that name it (as `meeting list` shows them)
TOO_SHORT_ID = "Ange mötets id, minst de sex första tecknen (se ungtui meeting list)."


def find_meeting_id(db: Database, wanted: str) -> str:
    """A meeting by its id or the start of it (as `meeting list` shows it)."""
    wanted = wanted.strip().lower()
    if len(wanted) < SHORTEST_ID:
        raise NotFound(TOO_SHORT_ID)
    with db.session() as session:
        ids = session.exec(
            select(Meeting.id)
            .where(col(Meeting.id).startswith(wanted), col(Meeting.deleted_at).is_(None))
            .limit(2)
        ).all()
    if not ids:
        raise NotFound(f"Inget möte har id {wanted}.")
    if len(ids) > 1:
        raise NotFound(f"Flera möten börjar med {wanted}. Ange fler tecken.")
    return ids[0]


def load_meeting(session, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        raise NotFound(GONE)
    return meeting


def meeting_values(meeting: Meeting) -> MeetingInput:
    """A meeting as the form shows it."""
    return MeetingInput(
        kind=meeting.kind,
        title=meeting.title,
        when=to_local(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
        place=meeting.place,
        cluster=meeting.cluster,
        minutes_keeper_id=meeting.minutes_keeper_id,
        purpose=meeting_purpose(meeting.purpose, meeting.kind),
    )


def get_meeting_input(db: Database, meeting_id: str) -> tuple[MeetingInput, bool]:
    """The form's values, and whether the meeting belongs to a series."""
    with db.session() as session:
        meeting = load_meeting(session, meeting_id)
    return meeting_values(meeting), meeting.series_id is not None


# --- writing -------------------------------------------------------------------------


def validate_meeting(data: MeetingInput, today: date, default_time: time = DEFAULT_TIME) -> dict:
    errors: dict[str, str] = {}
    if data.kind not in MEETING_KINDS:
        errors["kind"] = "Välj vilken sorts möte det är."
    title = " ".join(data.title.split())
    if not title:
        errors["title"] = "Ge mötet en rubrik, till exempel Samverkansgrupp unga."
    starts = None
    try:
        starts = parse_meeting_time(data.when, today, default_time)
    except ValueError as exc:
        errors["when"] = str(exc)
    if data.repeat_weeks and data.repeat_weeks not in SERIES_INTERVALS:
        errors["repeat_weeks"] = "Ett återkommande möte är varje vecka eller varannan vecka."
    if data.purpose and data.purpose not in PURPOSES:
        errors["purpose"] = "Välj vilket syfte personärendena på mötet har."
    if errors:
        raise ValidationError(errors)
    assert starts is not None
    return {
        "kind": data.kind,
        "title": title,
        "starts_at": to_utc(starts),
        "place": data.place.strip(),
        "cluster": data.cluster.strip(),
        "minutes_keeper_id": data.minutes_keeper_id or None,
        "purpose": meeting_purpose(data.purpose, data.kind),
    }


def _staff_attendee(session, meeting_id: str, staff_id: str) -> MeetingAttendee:
    row = session.exec(
        select(Staff, Organisation)
        .join(Unit, col(Unit.id) == Staff.unit_id)
        .join(Organisation, col(Organisation.id) == Unit.organisation_id)
        .where(Staff.id == staff_id)
    ).first()
    if row is None:
        raise NotFound("Personalen finns inte i registret.")
    staff, org = row
    return MeetingAttendee(
        meeting_id=meeting_id,
        staff_id=staff.id,
        name=staff.name,
        organisation_id=org.id,
        organisation_name=org.name,
    )


def save_meeting(
    db: Database,
    data: MeetingInput,
    *,
    actor_id: str | None,
    meeting_id: str | None = None,
    today: date | None = None,
) -> str:
    """Create (with the actor as the first attendee) or change a meeting."""
    today = today or clock.today()
    with db.session() as session:
        default_time = DEFAULT_TIME
        if meeting_id is not None:
            default_time = to_local(load_meeting(session, meeting_id).starts_at).time()
    values = validate_meeting(data, today, default_time)
    with UnitOfWork(db, actor_id) as uow:
        if meeting_id is not None:
            meeting = load_meeting(uow.session, meeting_id)
            uow.update(meeting, **values)
            return meeting.id
        meeting = Meeting(**values)
        if data.repeat_weeks:
            series = uow.create(
                MeetingSeries(
                    title=values["title"], kind=values["kind"], interval_weeks=data.repeat_weeks
                )
            )
            meeting.series_id = series.id
        uow.create(meeting)
        if actor_id:
            uow.create(_staff_attendee(uow.session, meeting.id, actor_id))
    return meeting.id


def remove_meeting(db: Database, meeting_id: str, *, actor_id: str | None) -> None:
    with UnitOfWork(db, actor_id) as uow:
        uow.remove(load_meeting(uow.session, meeting_id))


def add_staff_attendee(
    db: Database, meeting_id: str, staff_id: str, *, actor_id: str | None
) -> str:
    with UnitOfWork(db, actor_id) as uow:
        load_meeting(uow.session, meeting_id)
        already = uow.session.exec(
            select(MeetingAttendee.id).where(
                MeetingAttendee.meeting_id == meeting_id,
                MeetingAttendee.staff_id == staff_id,
                col(MeetingAttendee.deleted_at).is_(None),
            )
        ).first()
        if already:
            raise ServiceError("Personen är redan med på mötet.")
        attendee = uow.create(_staff_attendee(uow.session, meeting_id, staff_id))
    return attendee.id


def add_external_attendee(
    db: Database,
    meeting_id: str,
    *,
    name: str,
    organisation_name: str,
    actor_id: str | None,
) -> str:
    """Someone from outside the registered staff: a provider's coach, an interpreter.
    Their organisation counts as registered when its name matches one, so that a consent
    recorded for it can cover it."""
    errors: dict[str, str] = {}
    clean_name = " ".join(name.split())
    clean_org = " ".join(organisation_name.split())
    if not clean_name:
        errors["external_name"] = "Skriv personens namn."
    if not clean_org:
        errors["external_org"] = "Skriv vilken organisation personen kommer från."
    if errors:
        raise ValidationError(errors)
    with UnitOfWork(db, actor_id) as uow:
        load_meeting(uow.session, meeting_id)
        org_id = None
        for org in uow.session.exec(
            select(Organisation).where(
                col(Organisation.deleted_at).is_(None), col(Organisation.merged_into).is_(None)
            )
        ).all():
            if org.name.casefold() == clean_org.casefold():
                org_id, clean_org = org.id, org.name
                break
        attendee = uow.create(
            MeetingAttendee(
                meeting_id=meeting_id,
                name=clean_name,
                organisation_id=org_id,
                organisation_name=clean_org,
            )
        )
    return attendee.id


def remove_attendee(db: Database, attendee_id: str, *, actor_id: str | None) -> None:
    with UnitOfWork(db, actor_id) as uow:
        attendee = uow.session.get(MeetingAttendee, attendee_id)
        if attendee is None or attendee.deleted_at is not None:
            raise NotFound("Deltagaren finns inte längre på mötet.")
        uow.remove(attendee)


def plan_next_meetings(
    db: Database, meeting_id: str, *, actor_id: str | None, count: int = 4
) -> list[str]:
    """The series' next meetings after its latest one, with the same attendees, place and
    minutes keeper; pressing again plans the ones after those."""
    with UnitOfWork(db, actor_id) as uow:
        meeting = load_meeting(uow.session, meeting_id)
        if meeting.series_id is None:
            raise ServiceError(
                "Mötet hör inte till en serie. Skapa ett nytt möte som återkommer varje "
                "vecka eller varannan vecka."
            )
        series = uow.session.get(MeetingSeries, meeting.series_id)
        interval = series.interval_weeks if series else 1
        latest = uow.session.exec(
            select(Meeting)
            .where(Meeting.series_id == meeting.series_id, col(Meeting.deleted_at).is_(None))
            .order_by(col(Meeting.starts_at).desc())
        ).first()
        assert latest is not None
        attendees = uow.session.exec(
            select(MeetingAttendee).where(
                MeetingAttendee.meeting_id == latest.id,
                col(MeetingAttendee.deleted_at).is_(None),
            )
        ).all()
        created = []
        for local in next_in_series(to_local(latest.starts_at), interval, count):
            new = uow.create(
                Meeting(
                    kind=latest.kind,
                    title=latest.title,
                    starts_at=to_utc(local),
                    place=latest.place,
                    cluster=latest.cluster,
                    series_id=latest.series_id,
                    minutes_keeper_id=latest.minutes_keeper_id,
                    purpose=latest.purpose,
                )
            )
            for a in attendees:
                uow.create(
                    MeetingAttendee(
                        meeting_id=new.id,
                        staff_id=a.staff_id,
                        name=a.name,
                        organisation_id=a.organisation_id,
                        organisation_name=a.organisation_name,
                    )
                )
            created.append(new.id)
    return created
