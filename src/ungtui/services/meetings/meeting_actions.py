"""Open actions across all meetings: overdue first, filtered by organisation and person.

The list is read outside any one meeting, so a person concerned is always named at the
least identifying level (initials and birth year); the meeting shows more where allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select

from ungtui.domain.meeting_consent import masked_name
from ungtui.services import clock
from ungtui.services.meetings.meeting_agenda import ActionRow
from ungtui.services.meetings.meetings import to_local
from ungtui.store.database import Database
from ungtui.store.models import Individual, Meeting, MeetingAction


@dataclass(frozen=True)
class ActionFilter:
    organisation_name: str | None = None
    responsible_name: str | None = None


def _conditions(flt: ActionFilter) -> list:
    conditions: list = [
        col(MeetingAction.deleted_at).is_(None),
        col(MeetingAction.done_at).is_(None),
    ]
    if flt.organisation_name:
        conditions.append(MeetingAction.organisation_name == flt.organisation_name)
    if flt.responsible_name:
        conditions.append(MeetingAction.responsible_name == flt.responsible_name)
    return conditions


def count_open_actions(db: Database, flt: ActionFilter) -> int:
    with db.session() as session:
        return session.exec(
            select(func.count()).select_from(MeetingAction).where(*_conditions(flt))
        ).one()


def count_overdue(db: Database, flt: ActionFilter, today: date | None = None) -> int:
    today = today or clock.today()
    with db.session() as session:
        return session.exec(
            select(func.count())
            .select_from(MeetingAction)
            .where(*_conditions(flt), col(MeetingAction.due_date) < today)
        ).one()


def list_open_actions(
    db: Database, flt: ActionFilter, *, offset: int = 0, limit: int = 100
) -> list[ActionRow]:
    """One page, earliest due date first (so the overdue come first); no date last."""
    with db.session() as session:
        rows = session.exec(
            select(MeetingAction, Meeting, Individual)
            .join(Meeting, col(Meeting.id) == MeetingAction.meeting_id, isouter=True)
            .join(Individual, col(Individual.id) == MeetingAction.individual_id, isouter=True)
            .where(*_conditions(flt))
            .order_by(
                col(MeetingAction.due_date).is_(None),
                col(MeetingAction.due_date),
                MeetingAction.id,
            )
            .offset(offset)
            .limit(limit)
        ).all()
    result = []
    for action, meeting, person in rows:
        shown = ""
        if action.individual_id:
            shown = (
                masked_name(person.first_name, person.last_name, person.birth_date)
                if person
                else "?"
            )
        result.append(
            ActionRow(
                id=action.id,
                what=action.what,
                responsible_name=action.responsible_name,
                organisation_name=action.organisation_name,
                due_date=action.due_date,
                done_at=None,
                done_by="",
                person=shown,
                meeting_id=action.meeting_id,
                meeting_label=f"{to_local(meeting.starts_at):%Y-%m-%d} {meeting.title}"
                if meeting
                else "",
            )
        )
    return result


def filter_choices(db: Database) -> tuple[list[str], list[str]]:
    """The organisations and people that have open actions, for the filters."""
    with db.session() as session:
        orgs = session.exec(
            select(MeetingAction.organisation_name)
            .where(*_conditions(ActionFilter()))
            .distinct()
            .order_by(MeetingAction.organisation_name)
        ).all()
        people = session.exec(
            select(MeetingAction.responsible_name)
            .where(*_conditions(ActionFilter()))
            .distinct()
            .order_by(MeetingAction.responsible_name)
        ).all()
    return [o for o in orgs if o], [p for p in people if p]
