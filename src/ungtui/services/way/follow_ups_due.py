"""Follow-ups due across the register: 90, 180 and 360 days after exit, not recorded.

One SQL query pages the list: each exited way is crossed with the three offsets, the
due day is date arithmetic in SQLite (plain days, as domain.way.follow_up_due counts),
and a recorded follow-up of that offset removes the pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text

from ungtui.domain.text import display_name
from ungtui.domain.way import FOLLOW_UP_DAYS, OUTCOMES
from ungtui.services import clock
from ungtui.store.database import Database

# A follow-up shows up two weeks before its day, like the 90-day warning.
AHEAD_DAYS = 14

_OFFSETS = " UNION ALL ".join(f"SELECT {d} AS days" for d in FOLLOW_UP_DAYS)
_DUE = "date(w.exit_on, printf('%+d days', o.days))"
_FROM = f"""
FROM way w
CROSS JOIN ({_OFFSETS}) o
JOIN individual i ON i.id = w.individual_id
WHERE w.exit_on IS NOT NULL AND w.deleted_at IS NULL
  AND w.exit_on <= :latest_exit
  AND i.deleted_at IS NULL
  AND {_DUE} <= :horizon
  AND NOT EXISTS (
    SELECT 1 FROM exit_follow_up f
    WHERE f.way_id = w.id AND f.day_offset = o.days AND f.deleted_at IS NULL
  )
"""


# Only the people a caseworker is responsible for (Min dag). The unary + keeps SQLite
# from searching the staff index (thousands of people per caseworker) for every exit.
_MINE = """
  AND EXISTS (SELECT 1 FROM responsibility rs
    WHERE rs.individual_id = w.individual_id AND +rs.staff_id = :staff AND rs.deleted_at IS NULL)"""


def _params(today: date) -> dict:
    horizon = today + timedelta(days=AHEAD_DAYS)
    return {
        "horizon": horizon.isoformat(),
        # The earliest offset bounds the exits worth looking at.
        "latest_exit": (horizon - timedelta(days=min(FOLLOW_UP_DAYS))).isoformat(),
        "today": today.isoformat(),
    }


@dataclass(frozen=True)
class DueRow:
    individual_id: str
    way_id: str
    name: str
    identity: str
    identity_kind: str
    exit_on: date
    exit_outcome: str
    day_offset: int
    due: date
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.exit_outcome, self.exit_outcome)


def count_due(
    db: Database, *, today: date | None = None, staff_id: str | None = None
) -> tuple[int, int]:
    """(due within the coming two weeks or today, overdue); with a staff id, only for
    that caseworker's people (as list_due)."""
    today = today or clock.today()
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                f"SELECT COUNT(*), COALESCE(SUM({_DUE} < :today), 0) "
                + _FROM
                + (_MINE if staff_id else "")
            ),
            {**_params(today), "staff": staff_id},
        ).one()
    total, overdue = int(row[0]), int(row[1])
    return total - overdue, overdue


def count_mine_overdue_before(db: Database, staff_id: str, before: date, cap: int) -> int:
    """How many of a caseworker's follow-ups fell due before `before` and are not recorded,
    counted up to `cap`. From the caseworker's people rather than every exit, and stopped
    at the cap: Min dag only says how many there are, the full list orders them."""
    query = f"""
SELECT COUNT(*) FROM (SELECT 1 FROM responsibility rs
JOIN way w ON w.individual_id = rs.individual_id
CROSS JOIN ({_OFFSETS}) o
WHERE rs.staff_id = :staff AND rs.deleted_at IS NULL
  -- A person can hold the same caseworker twice (two organisations' rows): counted once.
  -- Not with DISTINCT, which reads all the caseworker's people before the cap stops it;
  -- the unary + looks the person up by the person, not among the caseworker's thousands.
  AND NOT EXISTS (
    SELECT 1 FROM responsibility twice
    WHERE twice.individual_id = rs.individual_id AND +twice.staff_id = rs.staff_id
      AND twice.deleted_at IS NULL AND twice.id < rs.id
  )
  AND w.exit_on IS NOT NULL AND w.deleted_at IS NULL
  AND {_DUE} < :before
  AND NOT EXISTS (
    SELECT 1 FROM exit_follow_up f
    WHERE f.way_id = w.id AND f.day_offset = o.days AND f.deleted_at IS NULL
  )
  AND EXISTS (SELECT 1 FROM individual i WHERE i.id = w.individual_id AND i.deleted_at IS NULL)
LIMIT :cap)"""
    with db.engine.connect() as conn:
        (found,) = conn.execute(
            text(query), {"staff": staff_id, "before": before.isoformat(), "cap": cap}
        ).one()
    return int(found)


def list_due(
    db: Database,
    *,
    today: date | None = None,
    offset: int = 0,
    limit: int = 100,
    staff_id: str | None = None,
    due_from: date | None = None,
) -> list[DueRow]:
    """Overdue first, the longest overdue at the top; then the ones coming up. With a
    staff id, only for that caseworker's people; with `due_from`, only those due on that
    day or later (Min dag's window)."""
    today = today or clock.today()
    since, window, source = "", {}, _FROM
    if due_from is not None:
        # From the few exits in the window to their people, not from every person.
        source = _FROM.replace("\nJOIN individual i", "\nCROSS JOIN individual i", 1)
        # One range of exit days per offset, so the index reads only the exits whose
        # follow-ups fall in the window rather than a year of them.
        ranges = []
        for days in FOLLOW_UP_DAYS:
            ranges.append(f"w.exit_on BETWEEN :from{days} AND :to{days}")
            window[f"from{days}"] = (due_from - timedelta(days=days)).isoformat()
            window[f"to{days}"] = (today + timedelta(days=AHEAD_DAYS - days)).isoformat()
        since = f" AND {_DUE} >= :due_from AND (" + " OR ".join(ranges) + ")"
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT i.id, w.id, i.first_name, i.last_name, i.identity_number, i.reserve_id,"
                f" i.identity_kind, w.exit_on, w.exit_outcome, o.days, {_DUE} AS due "
                + source
                + (_MINE if staff_id else "")
                + since
                + " ORDER BY due, i.sort_key, i.id, o.days LIMIT :limit OFFSET :offset"
            ),
            {
                **_params(today),
                "limit": limit,
                "offset": offset,
                "staff": staff_id,
                "due_from": due_from.isoformat() if due_from else None,
                **window,
            },
        ).all()
    result = []
    for pid, way_id, first, last, number, reserve, kind, exit_on, outcome, days, due in rows:
        due_day = date.fromisoformat(due)
        result.append(
            DueRow(
                individual_id=pid,
                way_id=way_id,
                name=display_name(first, last),
                identity=number or reserve or "",
                identity_kind=kind,
                exit_on=date.fromisoformat(exit_on),
                exit_outcome=outcome,
                day_offset=days,
                due=due_day,
                days_left=(due_day - today).days,
            )
        )
    return result
