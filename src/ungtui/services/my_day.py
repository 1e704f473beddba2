"""Min dag: what waits for one caseworker today, read in one go for the start screen.

Six short lists, each limited in SQL and counted there, so the screen opens as fast at
100,000 people as at 300 (benchmarks/my_day_speed.py):

- referrals waiting for an answer that I sent or that are addressed to me (or to my unit
  without a named person), overdue or due by Sunday;
- open actions from meetings that I am responsible for;
- the agreements' guarantees for the people I am responsible for: deadlines within two weeks,
  ahead or just passed;
- follow-ups after exit for my people, due within two weeks, ahead or just passed;
- today's and tomorrow's meetings;
- for each organisation I exchange files with: when it last got my changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, or_
from sqlmodel import col, select

from ungtui.domain.meeting_consent import masked_name
from ungtui.domain.referral_states import AWAITING_REPLY
from ungtui.domain.text import display_name, plural
from ungtui.services import clock
from ungtui.services.meetings.meetings import to_local, to_utc
from ungtui.services.people.organisations import CurrentUser
from ungtui.services.referrals.referrals import refresh_states
from ungtui.services.way.follow_ups_due import list_due
from ungtui.services.way.guarantee import guarantee_rules, list_watch
from ungtui.store.database import Database
from ungtui.store.models import (
    Individual,
    Meeting,
    MeetingAction,
    Organisation,
    Referral,
    ReferralState,
)
from ungtui.sync import state

LIMIT = 6  # lines per part; the part's heading opens the whole list
# Deadlines this many days back and ahead make the day's work. Older ones stay in the
# full lists (90 dagar, Uppföljningar): a day's page would otherwise fill with the same
# long-passed deadlines every morning, and reading them all costs a scan of every way.
WINDOW_DAYS = 14


@dataclass(frozen=True)
class DayLine:
    """One line of Min dag. `target` is what Enter opens (a referral, meeting or person
    id, or an organisation id for the sync part); `person` is a name the screen masks
    while the screen is shared."""

    target: str
    text: str
    person: str = ""
    urgent: bool = False


@dataclass(frozen=True)
class DayPart:
    key: str  # remisser | atgarder | garanti | uppfoljningar | moten | synk
    title: str
    total: int | None  # None: more than the lines shown, not counted
    lines: list[DayLine] = field(default_factory=list)
    empty: str = ""


def _days(count: int) -> str:
    return plural(count, "dag", "dagar")


def _when(day: date, today: date) -> str:
    if day == today:
        return "i dag"
    if day == today + timedelta(days=1):
        return "i morgon"
    if day == today - timedelta(days=1):
        return "i går"
    return day.isoformat()


def _referrals(db: Database, user: CurrentUser, today: date) -> DayPart:
    sunday = today + timedelta(days=6 - today.weekday())
    refresh_states(db)
    mine = or_(
        Referral.from_staff_id == user.staff_id,
        Referral.to_staff_id == user.staff_id,
        (col(Referral.to_staff_id).is_(None)) & (Referral.to_unit_id == user.unit_id),
    )
    where = (
        col(Referral.deleted_at).is_(None),
        col(ReferralState.state).in_(AWAITING_REPLY),
        col(Referral.reply_by) <= sunday,
        mine,
    )
    with db.session() as session:
        rows = session.exec(
            select(Referral, Individual, Organisation)
            .join(ReferralState, col(ReferralState.referral_id) == Referral.id)
            .join(Individual, col(Individual.id) == Referral.individual_id, isouter=True)
            .join(
                Organisation,
                col(Organisation.id)
                == case(
                    (Referral.from_staff_id == user.staff_id, Referral.to_organisation_id),
                    else_=Referral.from_organisation_id,
                ),
                isouter=True,
            )
            .where(*where)
            .order_by(col(Referral.reply_by), Referral.id)
            .limit(LIMIT + 1)
        ).all()
    lines = []
    for referral, person, other in rows[:LIMIT]:
        sent = referral.from_staff_id == user.staff_id
        late = referral.reply_by < today
        party = other.name if other else "okänd"
        what = f"väntar på svar från {party}" if sent else f"från {party}, ditt svar"
        due = (
            f"försenad sedan {referral.reply_by.isoformat()}"
            if late
            else f"svar senast {_when(referral.reply_by, today)}"
        )
        lines.append(
            DayLine(
                referral.id,
                f"{referral.measure or 'Remiss'} · {what} · {due}",
                display_name(person.first_name, person.last_name) if person else "",
                late,
            )
        )
    return DayPart(
        "remisser",
        "Remisser som väntar på svar",
        len(rows) if len(rows) <= LIMIT else None,
        lines,
        "Inga remisser väntar på svar.",
    )


def _actions(db: Database, user: CurrentUser, today: date) -> DayPart:
    where = (
        col(MeetingAction.deleted_at).is_(None),
        col(MeetingAction.done_at).is_(None),
        MeetingAction.responsible_staff_id == user.staff_id,
    )
    with db.session() as session:
        total = session.exec(select(func.count()).select_from(MeetingAction).where(*where)).one()
        rows = session.exec(
            select(MeetingAction, Meeting, Individual)
            .join(Meeting, col(Meeting.id) == MeetingAction.meeting_id, isouter=True)
            .join(Individual, col(Individual.id) == MeetingAction.individual_id, isouter=True)
            .where(*where)
            .order_by(col(MeetingAction.due_date).is_(None), col(MeetingAction.due_date))
            .limit(LIMIT)
        ).all()
    lines = []
    for action, meeting, person in rows:
        late = action.due_date is not None and action.due_date < today
        due = ""
        if action.due_date is not None:
            due = (
                f" · försenad sedan {action.due_date.isoformat()}"
                if late
                else f" · klart {_when(action.due_date, today)}"
            )
        where_from = f" · möte {to_local(meeting.starts_at):%Y-%m-%d}" if meeting else ""
        # As in the list of open actions: a person at the least identifying level.
        about = (
            masked_name(person.first_name, person.last_name, person.birth_date) if person else ""
        )
        lines.append(
            DayLine(
                action.meeting_id,
                f"{action.what}{f' ({about})' if about else ''}{due}{where_from}",
                urgent=late,
            )
        )
    return DayPart(
        "atgarder", "Mina åtgärder från möten", total, lines, "Inga öppna åtgärder på dig."
    )


def _guarantee(db: Database, user: CurrentUser, today: date) -> DayPart:
    rules = guarantee_rules(db)
    # Without an agreement that holds a guarantee there is no deadline (list_watch: none).
    longest = max((a.rule.days for a in rules.agreements), default=0)
    since = today - timedelta(days=WINDOW_DAYS)
    rows = list_watch(
        db,
        today=today,
        rule=rules,
        limit=LIMIT + 1,
        staff_id=user.staff_id,
        joined_from=since - timedelta(days=longest),
    )
    # A shorter rule's deadline can fall before the window although its way is inside it.
    rows = [r for r in rows if r.deadline >= since]
    lines = [
        DayLine(
            r.individual_id,
            (
                f"gränsen passerades {r.deadline.isoformat()} ({_days(-r.days_left)} sedan)"
                if r.past
                else f"gräns {_when(r.deadline, today)} ({_days(r.days_left)} kvar)"
            )
            + (f" · {r.phase}" if r.phase else ""),
            r.name,
            r.past,
        )
        for r in rows[:LIMIT]
    ]
    return DayPart(
        "garanti",
        "Garantigränser för dina deltagare",
        len(rows) if len(rows) <= LIMIT else None,
        lines,
        "Ingen av dina deltagare har en garantigräns två veckor bakåt eller framåt.",
    )


def _follow_ups(db: Database, user: CurrentUser, today: date) -> DayPart:
    rows = list_due(
        db,
        today=today,
        limit=LIMIT + 1,
        staff_id=user.staff_id,
        due_from=today - timedelta(days=WINDOW_DAYS),
    )
    lines = [
        DayLine(
            r.individual_id,
            f"uppföljning efter {r.day_offset} dagar · "
            + (
                f"försenad sedan {r.due.isoformat()}"
                if r.overdue
                else f"ska göras {_when(r.due, today)}"
            ),
            r.name,
            r.overdue,
        )
        for r in rows[:LIMIT]
    ]
    return DayPart(
        "uppfoljningar",
        "Uppföljningar efter avslut",
        len(rows) if len(rows) <= LIMIT else None,
        lines,
        "Inga uppföljningar två veckor bakåt eller framåt.",
    )


def _meetings(db: Database, today: date) -> DayPart:
    start = to_utc(datetime.combine(today, time(0, 0)))
    end = to_utc(datetime.combine(today + timedelta(days=2), time(0, 0)))
    where = (
        col(Meeting.deleted_at).is_(None),
        col(Meeting.starts_at) >= start,
        col(Meeting.starts_at) < end,
    )
    with db.session() as session:
        total = session.exec(select(func.count()).select_from(Meeting).where(*where)).one()
        rows = session.exec(
            select(Meeting).where(*where).order_by(col(Meeting.starts_at)).limit(LIMIT)
        ).all()
    lines = []
    for meeting in rows:
        starts = to_local(meeting.starts_at)
        place = f" · {meeting.place}" if meeting.place else ""
        when = f"{_when(starts.date(), today)} {starts:%H:%M}"
        lines.append(DayLine(meeting.id, f"{when} {meeting.title}{place}"))
    return DayPart(
        "moten", "Möten i dag och i morgon", total, lines, "Inga möten i dag eller i morgon."
    )


def _partners(db: Database, user: CurrentUser, today: date) -> DayPart:
    """Each organisation this install has sent files to or received files from, and
    when it last got this install's changes. Nothing new since: said so."""
    with db.engine.connect() as conn:
        # Read only: a new install's identity is made by the first write, not here.
        current = int(state.meta_value(conn, "seq") or 0)
        rows = conn.exec_driver_sql(
            "SELECT o.id, o.name, max(e.at), max(e.seq_to) FROM organisation o"
            " LEFT JOIN sync_export e ON e.organisation_id = o.id"
            " WHERE o.deleted_at IS NULL AND (e.file_id IS NOT NULL OR o.id IN"
            " (SELECT organisation_id FROM sync_site WHERE organisation_id IS NOT NULL))"
            " GROUP BY o.id, o.name ORDER BY max(e.at) IS NOT NULL, max(e.at), o.name"
        ).all()
    lines = []
    for org_id, name, last_at, seq_to in rows:
        if org_id == user.organisation_id:
            name = f"{name} (dina kollegor)"
        if last_at is None:
            text = f"{name} har inte fått några ändringar från dig"
            lines.append(DayLine(org_id, text, "", True))
            continue
        sent = clock.local_time(datetime.fromisoformat(last_at)).date()
        days = (today - sent).days
        if current > (seq_to or 0):
            text = (
                f"{name} har inte fått dina senaste ändringar (förra filen {_when(sent, today)})"
                if days < 1
                else f"{name} har inte fått dina ändringar på {_days(days)}"
            )
            lines.append(DayLine(org_id, text, "", days >= 7))
        else:
            lines.append(DayLine(org_id, f"{name} har allt du ändrat (fil {_when(sent, today)})"))
    return DayPart(
        "synk",
        "Dina ändringar hos andra",
        len(lines),
        lines[:LIMIT],
        "Inga synkfiler skickade eller mottagna än. F7 Synk visar hur.",
    )


def my_day(db: Database, user: CurrentUser, *, today: date | None = None) -> list[DayPart]:
    today = today or clock.today()
    return [
        _meetings(db, today),
        _referrals(db, user, today),
        _actions(db, user, today),
        _guarantee(db, user, today),
        _follow_ups(db, user, today),
        _partners(db, user, today),
    ]
