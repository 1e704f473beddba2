"""Inside a meeting: the agenda, notes, decisions and actions, with consent checked
against who is in the room (domain.meeting_consent): each party present other than the
user's own nämnd must be covered for the meeting's purpose, and only the kinds of data
covered for all of them are shown and written (notes are anteckningar; decisions and
actions are arbete och insatser)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import col, select

from ungtui.domain.data_categories import ANTECKNINGAR, ARBETE, label
from ungtui.domain.disclosure import Holder, shared_in_room
from ungtui.domain.meeting_consent import (
    Present,
    acknowledgement_covers,
    days_to_check,
    full_name,
    masked_name,
    uncovered,
)
from ungtui.domain.meeting_time import SERIES_INTERVALS, parse_day
from ungtui.domain.meeting_vocabulary import ITEM_PERSON, ITEM_TOPIC, MEETING_KINDS
from ungtui.domain.purposes import meeting_purpose
from ungtui.domain.secrecy import describe
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.meetings.meetings import load_meeting, to_local
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import (
    AgendaItem,
    Individual,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingSeries,
    Organisation,
    Staff,
    utc_now,
)
from ungtui.sync import holders
from ungtui.sync.sharing import load_facts

ITEM_GONE = "Punkten finns inte längre på dagordningen."
MIN_REASON = 10


@dataclass(frozen=True)
class AttendeeRow:
    id: str
    name: str
    organisation_name: str
    external: bool


@dataclass(frozen=True)
class DecisionRow:
    id: str
    text: str
    has_action: bool


@dataclass(frozen=True)
class ActionRow:
    id: str
    what: str
    responsible_name: str
    organisation_name: str
    due_date: date | None
    done_at: datetime | None  # local
    done_by: str
    person: str  # how the person concerned is named here; "" when about nobody
    meeting_id: str
    meeting_label: str  # "2026-11-17 Samverkansgrupp unga"

    def overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_date is not None and self.due_date < today


@dataclass
class ItemView:
    id: str
    kind: str
    title: str  # a topic's title, or the person as this meeting may name them
    individual_id: str | None
    notes: str
    missing: list[str]  # parties present that may hear nothing about the person
    acknowledged: bool
    ack_reason: str
    ack_by: str
    ack_at: datetime | None  # local
    full_name_in_minutes: bool
    minutes_title: str  # as the minutes name the item
    shared_title: str  # initials and birth year: what screen-share mode shows
    decisions: list[DecisionRow] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    # The kinds of data every party present may hear about the person; all for a topic.
    shared: frozenset[str] = frozenset()

    @property
    def masked(self) -> bool:
        return bool(self.missing)

    @property
    def locked(self) -> bool:
        """Not to be discussed: someone present may not hear about the person."""
        return bool(self.missing) and not self.acknowledged

    def allows(self, category: str) -> bool:
        """May this kind of data be said and shown here? A reason recorded for discussing
        the person anyway covers all of it; otherwise the consents decide."""
        if self.kind != ITEM_PERSON:
            return True
        if self.missing:
            return self.acknowledged
        return category in self.shared

    @property
    def notes_shown(self) -> bool:
        return self.allows(ANTECKNINGAR)

    @property
    def decisions_shown(self) -> bool:
        return self.allows(ARBETE)


@dataclass
class MeetingView:
    id: str
    kind: str  # label
    title: str
    starts: datetime  # local
    place: str
    cluster: str
    minutes_keeper: str
    series: str  # "Varje vecka" or ""
    series_id: str | None
    attendees: list[AttendeeRow]
    items: list[ItemView]
    carried: list[ActionRow]  # open actions from earlier meetings of the series


@dataclass
class ActionInput:
    what: str = ""
    responsible_attendee_id: str | None = None
    due: str = ""


# --- the consent check -----------------------------------------------------------------


def _attendees(session, meeting_id: str) -> list[MeetingAttendee]:
    return list(
        session.exec(
            select(MeetingAttendee)
            .where(
                MeetingAttendee.meeting_id == meeting_id,
                col(MeetingAttendee.deleted_at).is_(None),
            )
            .order_by(MeetingAttendee.organisation_name, MeetingAttendee.name)
        ).all()
    )


def _present(session, attendees: list[MeetingAttendee]) -> list[Present]:
    """Each attendee as a secrecy domain: staff by their unit, others by their
    organisation (all of a kommun, whose nämnd is not known), unregistered ones by name."""
    conn = session.connection()
    units = holders.unit_holders(conn)
    staff = holders.staff_holders(conn, units)
    organisations = {o.id: o for o in session.exec(select(Organisation)).all()}
    present = []
    for a in attendees:
        holder = staff.get(a.staff_id or "") or holders.organisation_holder(
            conn, a.organisation_id
        )
        org = organisations.get(a.organisation_id or "")
        name = a.organisation_name
        if holder is not None and org is not None:
            name = describe(org.name, holder.domain, org.kind)
        present.append(Present(holder, name))
    return present


@dataclass(frozen=True)
class _Person:
    first_name: str
    last_name: str
    birth_date: date | None
    missing: list[str]
    shared: frozenset[str]


def _people(
    session,
    individual_ids: set[str],
    present: list[Present],
    meeting: Meeting,
    today: date,
) -> dict[str, _Person]:
    """Each person, with the parties present that may hear nothing about them and the
    kinds of data all of them may hear, for the meeting's purpose."""
    meeting_day = to_local(meeting.starts_at).date()
    days = days_to_check(meeting_day, today)
    purpose = meeting_purpose(meeting.purpose, meeting.kind)
    conn = session.connection()
    discloser = holders.own_holder(conn) or Holder("")
    facts = load_facts(conn, individual_ids)
    result: dict[str, _Person] = {}
    for pid in individual_ids:
        person = session.get(Individual, pid)
        if person is not None and person.merged_into:
            person = session.get(Individual, person.merged_into) or person
        if person is None:
            # Not here (never received, or purged when consent ended): name nobody.
            result[pid] = _Person(
                "", "", None, [p.name for p in present] or ["okänd"], frozenset()
            )
            continue
        terms = facts.terms_of(person.id)
        missing = uncovered(present, terms, days, discloser=discloser, purpose=purpose)
        shared = frozenset()
        if not any(p.holder is None for p in present):
            shared = shared_in_room(
                terms,
                discloser=discloser,
                present=[p.holder for p in present if p.holder is not None],
                purpose=purpose,
                days=days,
            )
        result[pid] = _Person(
            person.first_name,
            person.last_name,
            person.birth_date,
            [m.name for m in missing],
            shared,
        )
    return result


def _shown_name(person: _Person | None, *, full: bool) -> str:
    if person is None:
        return ""
    if full and not person.missing:
        return full_name(person.first_name, person.last_name, person.birth_date)
    return masked_name(person.first_name, person.last_name, person.birth_date)


def _staff_names(session, ids: set[str]) -> dict[str, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(session.exec(select(Staff.id, Staff.name).where(col(Staff.id).in_(ids))).all())


# --- reading -----------------------------------------------------------------------------


def _action_row(
    a: MeetingAction, names: dict[str, str], person: str, meeting: Meeting | None
) -> ActionRow:
    label = ""
    if meeting is not None:
        label = f"{to_local(meeting.starts_at):%Y-%m-%d} {meeting.title}"
    return ActionRow(
        id=a.id,
        what=a.what,
        responsible_name=a.responsible_name,
        organisation_name=a.organisation_name,
        due_date=a.due_date,
        done_at=to_local(a.done_at) if a.done_at else None,
        done_by=names.get(a.done_by or "", ""),
        person=person,
        meeting_id=a.meeting_id,
        meeting_label=label,
    )


def get_meeting(db: Database, meeting_id: str, today: date | None = None) -> MeetingView:
    today = today or clock.today()
    with db.session() as session:
        meeting = load_meeting(session, meeting_id)
        starts = to_local(meeting.starts_at)
        attendees = _attendees(session, meeting_id)
        present = _present(session, attendees)
        items = session.exec(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id, col(AgendaItem.deleted_at).is_(None))
            .order_by(AgendaItem.position, AgendaItem.created_at)
        ).all()
        decisions = session.exec(
            select(MeetingDecision)
            .where(
                MeetingDecision.meeting_id == meeting_id,
                col(MeetingDecision.deleted_at).is_(None),
            )
            .order_by(MeetingDecision.created_at)
        ).all()
        actions = session.exec(
            select(MeetingAction)
            .where(MeetingAction.meeting_id == meeting_id, col(MeetingAction.deleted_at).is_(None))
            .order_by(MeetingAction.created_at)
        ).all()
        carried: list[tuple[MeetingAction, Meeting]] = []
        series = session.get(MeetingSeries, meeting.series_id) if meeting.series_id else None
        if meeting.series_id:
            carried = list(
                session.exec(
                    select(MeetingAction, Meeting)
                    .join(Meeting, col(Meeting.id) == MeetingAction.meeting_id)
                    .where(
                        Meeting.series_id == meeting.series_id,
                        col(Meeting.starts_at) < meeting.starts_at,
                        col(Meeting.deleted_at).is_(None),
                        col(MeetingAction.deleted_at).is_(None),
                        col(MeetingAction.done_at).is_(None),
                    )
                    .order_by(col(MeetingAction.due_date), Meeting.starts_at)
                ).all()
            )
        individual_ids = {i.individual_id for i in items if i.individual_id}
        individual_ids |= {a.individual_id for a, _m in carried if a.individual_id}
        people = _people(session, individual_ids, present, meeting, today)
        names = _staff_names(
            session,
            {meeting.minutes_keeper_id or ""}
            | {i.ack_by or "" for i in items}
            | {a.done_by or "" for a in actions},
        )
    decisions_of: dict[str, list[DecisionRow]] = defaultdict(list)
    converted = {a.decision_id for a in actions if a.decision_id}
    for d in decisions:
        decisions_of[d.item_id].append(DecisionRow(d.id, d.text, d.id in converted))
    actions_of: dict[str, list[ActionRow]] = defaultdict(list)
    for a in actions:
        person = _shown_name(people.get(a.individual_id or ""), full=True)
        actions_of[a.item_id or ""].append(_action_row(a, names, person, meeting))
    views = []
    for item in items:
        person = people.get(item.individual_id or "")
        missing = person.missing if person else []
        if item.kind == ITEM_PERSON:
            title = _shown_name(person, full=True)
            minutes_title = _shown_name(person, full=item.full_name_in_minutes)
            shared_title = _shown_name(person, full=False)
        else:
            title = minutes_title = shared_title = item.title
        views.append(
            ItemView(
                id=item.id,
                kind=item.kind,
                title=title,
                shared_title=shared_title,
                individual_id=item.individual_id,
                notes=item.notes,
                missing=missing,
                acknowledged=bool(item.ack_reason)
                and acknowledgement_covers(item.ack_organisations, _as_present(missing)),
                ack_reason=item.ack_reason,
                ack_by=names.get(item.ack_by or "", ""),
                ack_at=to_local(item.ack_at) if item.ack_at else None,
                full_name_in_minutes=item.full_name_in_minutes and not missing,
                minutes_title=minutes_title,
                decisions=decisions_of.get(item.id, []),
                actions=actions_of.get(item.id, []),
                shared=person.shared if person else frozenset(),
            )
        )
    return MeetingView(
        id=meeting.id,
        kind=MEETING_KINDS.get(meeting.kind, meeting.kind),
        title=meeting.title,
        starts=starts,
        place=meeting.place,
        cluster=meeting.cluster,
        minutes_keeper=names.get(meeting.minutes_keeper_id or "", ""),
        series=SERIES_INTERVALS.get(series.interval_weeks, "") if series else "",
        series_id=meeting.series_id,
        # Each named by the party they are for secrecy: a kommun's staff by their nämnd.
        attendees=[
            AttendeeRow(a.id, a.name, p.name, a.staff_id is None)
            for a, p in zip(attendees, present, strict=True)
        ],
        items=views,
        carried=[
            _action_row(
                a, names, _shown_name(people.get(a.individual_id or ""), full=False), origin
            )
            for a, origin in carried
            if _carried_shown(people.get(a.individual_id or "") if a.individual_id else None)
        ],
    )


def _carried_shown(person: _Person | None) -> bool:
    """An open action from an earlier meeting about a person is brought up only where
    everyone present may hear about the person's work and measures."""
    return person is None or (not person.missing and ARBETE in person.shared)


def _as_present(names: list[str]) -> list[Present]:
    return [Present(None, name) for name in names]


# --- the agenda --------------------------------------------------------------------------


def _next_position(session, meeting_id: str) -> int:
    highest = session.exec(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
    ).one()
    return (highest or 0) + 1


def add_person_item(
    db: Database, meeting_id: str, individual_id: str, *, actor_id: str | None
) -> str:
    with UnitOfWork(db, actor_id) as uow:
        load_meeting(uow.session, meeting_id)
        person = uow.session.get(Individual, individual_id)
        if person is None or person.deleted_at is not None:
            raise NotFound("Personen finns inte längre i registret.")
        already = uow.session.exec(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == meeting_id,
                AgendaItem.individual_id == individual_id,
                col(AgendaItem.deleted_at).is_(None),
            )
        ).first()
        if already:
            raise ServiceError("Personen finns redan på dagordningen.")
        item = uow.create(
            AgendaItem(
                meeting_id=meeting_id,
                position=_next_position(uow.session, meeting_id),
                kind=ITEM_PERSON,
                individual_id=individual_id,
            )
        )
    return item.id


def add_topic_item(db: Database, meeting_id: str, title: str, *, actor_id: str | None) -> str:
    clean = " ".join(title.split())
    if not clean:
        raise ValidationError({"text": "Skriv vad punkten handlar om."})
    with UnitOfWork(db, actor_id) as uow:
        load_meeting(uow.session, meeting_id)
        item = uow.create(
            AgendaItem(
                meeting_id=meeting_id,
                position=_next_position(uow.session, meeting_id),
                kind=ITEM_TOPIC,
                title=clean,
            )
        )
    return item.id


def _load_item(session, item_id: str) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.deleted_at is not None:
        raise NotFound(ITEM_GONE)
    return item


def _item_person(session, item: AgendaItem, today: date) -> _Person | None:
    if item.individual_id is None:
        return None
    meeting = load_meeting(session, item.meeting_id)
    present = _present(session, _attendees(session, item.meeting_id))
    return _people(session, {item.individual_id}, present, meeting, today)[item.individual_id]


def _item_state(session, item: AgendaItem, today: date) -> list[str]:
    """The parties present that may hear nothing about the item's person."""
    person = _item_person(session, item, today)
    return person.missing if person else []


def _require_discussable(session, item: AgendaItem, today: date, category: str) -> None:
    person = _item_person(session, item, today)
    if person is None:
        return
    acknowledged = bool(item.ack_reason) and acknowledgement_covers(
        item.ack_organisations, _as_present(person.missing)
    )
    if person.missing:
        if acknowledged:
            return
        raise ServiceError(
            f"Personen får inte diskuteras: samtycke saknas för {', '.join(person.missing)}. "
            "Inget sparades. Kvittera med skäl först, eller ta upp personen utan dem."
        )
    if category not in person.shared:
        raise ServiceError(
            f"Samtycket för alla närvarande omfattar inte {label(category).lower()}. "
            "Inget sparades."
        )


def remove_item(db: Database, item_id: str, *, actor_id: str | None) -> None:
    """The item goes with its decisions and actions."""
    with UnitOfWork(db, actor_id) as uow:
        item = _load_item(uow.session, item_id)
        for model in (MeetingDecision, MeetingAction):
            for row in uow.session.exec(
                select(model).where(model.item_id == item_id, col(model.deleted_at).is_(None))
            ).all():
                uow.remove(row)
        uow.remove(item)


def save_notes(
    db: Database, item_id: str, text: str, *, actor_id: str | None, today: date | None = None
) -> bool:
    """Autosave of an item's notes; True when something changed."""
    with UnitOfWork(db, actor_id) as uow:
        item = _load_item(uow.session, item_id)
        if item.notes == text:
            return False
        _require_discussable(uow.session, item, today or clock.today(), ANTECKNINGAR)
        uow.update(item, notes=text)
    return True


def acknowledge(
    db: Database, item_id: str, reason: str, *, actor_id: str | None, today: date | None = None
) -> None:
    """Discuss the person anyway: the reason, who and when are recorded, for the
    organisations missing consent now."""
    clean = " ".join(reason.split())
    if len(clean) < MIN_REASON:
        raise ValidationError(
            {"text": "Skriv skälet till att personen ändå diskuteras (minst tio tecken)."}
        )
    with UnitOfWork(db, actor_id) as uow:
        item = _load_item(uow.session, item_id)
        missing = _item_state(uow.session, item, today or clock.today())
        if not missing:
            raise ServiceError(
                "Alla närvarande organisationer har samtycke; ingen kvittens behövs."
            )
        uow.update(
            item,
            ack_reason=clean,
            ack_organisations="\n".join(missing),
            ack_by=actor_id,
            ack_at=utc_now(),
        )


def set_full_name_in_minutes(
    db: Database, item_id: str, on: bool, *, actor_id: str | None, today: date | None = None
) -> None:
    with UnitOfWork(db, actor_id) as uow:
        item = _load_item(uow.session, item_id)
        if item.kind != ITEM_PERSON:
            raise ServiceError("Bara en punkt om en person har ett namn i protokollet.")
        if on and _item_state(uow.session, item, today or clock.today()):
            raise ServiceError(
                "Fullständigt namn kan väljas bara när alla närvarande organisationer har "
                "samtycke eller ärendet."
            )
        uow.update(item, full_name_in_minutes=on)


# --- decisions and actions -----------------------------------------------------------------


def add_decision(
    db: Database, item_id: str, text: str, *, actor_id: str | None, today: date | None = None
) -> str:
    clean = " ".join(text.split())
    if not clean:
        raise ValidationError({"text": "Skriv vad som beslutades."})
    with UnitOfWork(db, actor_id) as uow:
        item = _load_item(uow.session, item_id)
        _require_discussable(uow.session, item, today or clock.today(), ARBETE)
        decision = uow.create(
            MeetingDecision(
                meeting_id=item.meeting_id,
                item_id=item.id,
                individual_id=item.individual_id,
                text=clean,
            )
        )
    return decision.id


def validate_action(data: ActionInput, today: date) -> dict:
    errors: dict[str, str] = {}
    what = " ".join(data.what.split())
    if not what:
        errors["what"] = "Skriv vad som ska göras."
    if not data.responsible_attendee_id:
        errors["responsible"] = "Välj vem som ansvarar (någon av mötets deltagare)."
    due = None
    try:
        due = parse_day(data.due, today)
    except ValueError as exc:
        errors["due"] = str(exc)
    if errors:
        raise ValidationError(errors)
    return {"what": what, "due_date": due}


def add_action(
    db: Database,
    item_id: str,
    data: ActionInput,
    *,
    actor_id: str | None,
    decision_id: str | None = None,
    today: date | None = None,
) -> str:
    """An action on an agenda item, or made from one of its decisions."""
    today = today or clock.today()
    values = validate_action(data, today)
    with UnitOfWork(db, actor_id) as uow:
        item = _load_item(uow.session, item_id)
        _require_discussable(uow.session, item, today, ARBETE)
        who = uow.session.get(MeetingAttendee, data.responsible_attendee_id)
        if who is None or who.deleted_at is not None or who.meeting_id != item.meeting_id:
            raise ValidationError({"responsible": "Den ansvarige är inte med på mötet längre."})
        if decision_id is not None:
            decision = uow.session.get(MeetingDecision, decision_id)
            if decision is None or decision.deleted_at is not None:
                raise NotFound("Beslutet finns inte längre.")
        action = uow.create(
            MeetingAction(
                meeting_id=item.meeting_id,
                item_id=item.id,
                decision_id=decision_id,
                individual_id=item.individual_id,
                responsible_staff_id=who.staff_id,
                responsible_name=who.name,
                organisation_id=who.organisation_id,
                organisation_name=who.organisation_name,
                **values,
            )
        )
    return action.id


def decision_text(db: Database, decision_id: str) -> tuple[str, str]:
    """(item id, text) of a decision, to start an action from it."""
    with db.session() as session:
        decision = session.get(MeetingDecision, decision_id)
        if decision is None or decision.deleted_at is not None:
            raise NotFound("Beslutet finns inte längre.")
        return decision.item_id, decision.text


def set_action_done(db: Database, action_id: str, done: bool, *, actor_id: str | None) -> None:
    """Done records when and by whom; undoing clears both."""
    with UnitOfWork(db, actor_id) as uow:
        action = uow.session.get(MeetingAction, action_id)
        if action is None or action.deleted_at is not None:
            raise NotFound("Åtgärden finns inte längre.")
        if done and action.done_at is not None:
            raise ServiceError("Åtgärden är redan klarmarkerad.")
        if done:
            uow.update(action, done_at=utc_now(), done_by=actor_id)
        else:
            uow.update(action, done_at=None, done_by=None)


def remove_decision(db: Database, decision_id: str, *, actor_id: str | None) -> None:
    with UnitOfWork(db, actor_id) as uow:
        decision = uow.session.get(MeetingDecision, decision_id)
        if decision is None or decision.deleted_at is not None:
            raise NotFound("Beslutet finns inte längre.")
        uow.remove(decision)


def remove_action(db: Database, action_id: str, *, actor_id: str | None) -> None:
    with UnitOfWork(db, actor_id) as uow:
        action = uow.session.get(MeetingAction, action_id)
        if action is None or action.deleted_at is not None:
            raise NotFound("Åtgärden finns inte längre.")
        uow.remove(action)
