"""Min dag: what waits for one caseworker today, read in one go for the start screen.

Six short lists, each limited in SQL and counted there, so the screen opens as fast at
100,000 people as at 300 (benchmarks/my_day_speed.py):

- referrals waiting for an answer that I sent or that are addressed to me (or to my unit
  without a named person), overdue or due by Sunday;
- open actions from meetings that I am responsible for;
- the agreements' guarantees for the people I am responsible for: deadlines within two weeks,
  ahead or just passed;
- follow-ups after exit for my people, due within two weeks, ahead or just passed, after a
  count of the ones overdue longer;
- today's and tomorrow's meetings;
- for each organisation I exchange files with: when it last got my changes.

All but the guarantees and follow-ups are read with sqlite3 alone by services.my_day_first,
which the start screen shows in its first frame, before this module's imports are loaded.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from ungtui.domain.text import plural
from ungtui.services import clock
from ungtui.services.my_day_first import (
    FOLLOW_UPS,
    GUARANTEE,
    LIMIT,
    DayLine,
    DayPart,
    days,
    first_parts,
    when,
)
from ungtui.services.people.organisations import CurrentUser
from ungtui.services.referrals.referrals import refresh_states
from ungtui.services.way.follow_ups_due import count_mine_overdue_before, list_due
from ungtui.services.way.guarantee import count_mine_passed_before, guarantee_rules, list_watch
from ungtui.store.database import Database

__all__ = ["LIMIT", "DayLine", "DayPart", "my_day"]

# Deadlines this many days back and ahead make the day's work. Older ones stay in the
# full lists (90 dagar, Uppföljningar): a day's page would otherwise fill with the same
# long-passed deadlines every morning, and reading them all costs a scan of every way.
WINDOW_DAYS = 14
# Older overdue follow-ups are counted up to this many: a number past it says nothing more.
LATE_CAP = 100


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
                f"gränsen passerades {r.deadline.isoformat()} ({days(-r.days_left)} sedan)"
                if r.past
                else f"gräns {when(r.deadline, today)} ({days(r.days_left)} kvar)"
            )
            + (f" · {r.phase}" if r.phase else ""),
            r.name,
            r.past,
        )
        for r in rows[:LIMIT]
    ]
    # Deadlines passed longer ago are counted first, as the follow-ups are: a person
    # left without a measure long past the guarantee is the one most at risk of being
    # forgotten (the count reads the caseworker's own people, not every way).
    late = (
        count_mine_passed_before(db, user.staff_id, since, today=today, rule=rules, cap=LATE_CAP)
        if user.staff_id and longest
        else 0
    )
    passed = "passerad" if late == 1 else "passerade"
    total = _late_first(
        lines,
        len(rows),
        late,
        f"{_how_many(late, 'garantigräns', 'garantigränser')} {passed} för mer än två veckor"
        " sedan, utan insats · Enter visar hela listan",
    )
    return replace(GUARANTEE, total=total, lines=lines)


def _how_many(late: int, one: str, several: str) -> str:
    return f"Över {LATE_CAP - 1} {several}" if late >= LATE_CAP else plural(late, one, several)


def _late_first(lines: list[DayLine], found: int, late: int, text: str) -> int | None:
    """Put the count of those late longer than the window first (a line that opens the
    whole list); the part's total, or None when there are more than it shows."""
    if late:
        lines.insert(0, DayLine("", text, urgent=True, whole_list=True))
    return found + late if found <= LIMIT and late < LATE_CAP else None


def _follow_ups(db: Database, user: CurrentUser, today: date) -> DayPart:
    since = today - timedelta(days=WINDOW_DAYS)
    rows = list_due(
        db,
        today=today,
        limit=LIMIT + 1,
        staff_id=user.staff_id,
        due_from=since,
    )
    # Follow-ups left undone past the window do not go away: they are counted first (the
    # full list orders them), as they are the ones most at risk of being forgotten.
    late = count_mine_overdue_before(db, user.staff_id, since, LATE_CAP)
    lines = [
        DayLine(
            r.individual_id,
            f"uppföljning efter {r.day_offset} dagar · "
            + (
                f"försenad sedan {r.due.isoformat()}"
                if r.overdue
                else f"ska göras {when(r.due, today)}"
            ),
            r.name,
            r.overdue,
        )
        for r in rows[:LIMIT]
    ]
    late_word = "försenad" if late == 1 else "försenade"
    total = _late_first(
        lines,
        len(rows),
        late,
        f"{_how_many(late, 'uppföljning', 'uppföljningar')} {late_word} mer än två veckor"
        " · Enter visar hela listan",
    )
    return replace(FOLLOW_UPS, total=total, lines=lines)


def my_day(db: Database, user: CurrentUser, *, today: date | None = None) -> list[DayPart]:
    """All of Min dag: the start screen's first read with the guarantees and follow-ups
    put in, so the lines shown first stay. The referrals' cached states are refreshed here
    (the first read derives a stale one from its events without writing)."""
    today = today or clock.today()
    refresh_states(db)
    rest = {"garanti": _guarantee(db, user, today), "uppfoljningar": _follow_ups(db, user, today)}
    return [rest.get(part.key, part) for part in first_parts(db, user, today=today)]
