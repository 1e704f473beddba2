"""The 90-day guarantee across the register, and what the individuals list shows of
each person's way.

The watch list is one SQL query over open ways, so it pages at 100,000 people: coverage
by age at entry is date arithmetic on ISO dates, and a way drops out as soon as a
measure leading to work or studies has started. The list marks are read for one page of
people at a time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import col, select

from ungtui.domain.ages import age_on
from ungtui.domain.guarantee import (
    DEFAULT_GUARANTEE,
    GuaranteeRule,
    deadline,
    latest_entry_to_watch,
)
from ungtui.domain.way import PHASES, SHORT_PHASES, NextDate, PhaseMark, current_phase
from ungtui.services import clock
from ungtui.services.errors import ValidationError
from ungtui.services.individuals import display_name
from ungtui.services.way import way_details
from ungtui.store.database import Database
from ungtui.store.models import Individual, Setting, Way, WayPhase

RULE_KEY = "guarantee_rule"


def guarantee_rule(db: Database) -> GuaranteeRule:
    """This install's rule (the agreement's ages and days); the default is 16–24, 90."""
    with db.session() as session:
        setting = session.get(Setting, RULE_KEY)
    if setting is None:
        return DEFAULT_GUARANTEE
    return GuaranteeRule(**json.loads(setting.value))


def set_guarantee_rule(db: Database, *, min_age: int, max_age: int, days: int) -> GuaranteeRule:
    errors: dict[str, str] = {}
    if not 0 <= min_age <= max_age <= 70:
        errors["ages"] = "Åldrarna ska vara till exempel 16–24: lägsta först, högst 70."
    if not 1 <= days <= 365:
        errors["days"] = "Antalet dagar ska vara mellan 1 och 365."
    if errors:
        raise ValidationError(errors)
    rule = GuaranteeRule(min_age=min_age, max_age=max_age, days=days)
    value = json.dumps({"min_age": min_age, "max_age": max_age, "days": days})
    with db.session() as session:
        # An install-local setting, like who uses the install: not a domain record.
        session.merge(Setting(key=RULE_KEY, value=value))
        session.commit()
    return rule


# --- the watch list ----------------------------------------------------------------

# Covered: aged min..max on the entry day, counted as domain.ages.age_on does: whole
# years, less one if the birthday is still ahead that year, and someone born on 29
# February has their birthday on 28 February in other years. Plain date arithmetic in
# SQLite would move 29 February to 1 March instead, and disagree on that day.
_BIRTHDAY = """CASE WHEN substr(i.birth_date, 6, 5) = '02-29'
      AND date(substr(w.entry_date, 1, 4) || '-02-28', '+1 day') NOT LIKE '%-02-29'
    THEN '02-28' ELSE substr(i.birth_date, 6, 5) END"""
AGE_AT_ENTRY = f"""(CAST(substr(w.entry_date, 1, 4) AS INTEGER)
    - CAST(substr(i.birth_date, 1, 4) AS INTEGER)
    - (substr(w.entry_date, 6, 5) < {_BIRTHDAY}))"""
_WATCH_FROM = f"""
FROM way w
JOIN individual i ON i.id = w.individual_id
WHERE w.exit_on IS NULL AND w.deleted_at IS NULL
  AND w.entry_date <= :latest_entry
  AND i.deleted_at IS NULL
  AND i.birth_date IS NOT NULL
  AND {AGE_AT_ENTRY} BETWEEN :min_age AND :max_age
  AND NOT EXISTS (
    SELECT 1 FROM individual_measure im JOIN measure m ON m.id = im.measure_id
    WHERE im.way_id = w.id AND im.deleted_at IS NULL AND m.leads_to_work_or_studies
      AND im.status != 'planerad' AND im.start_date <= :today
  )
"""


def _params(today: date, rule: GuaranteeRule) -> dict:
    return {
        "latest_entry": latest_entry_to_watch(today, rule).isoformat(),
        "min_age": rule.min_age,
        "max_age": rule.max_age,
        "today": today.isoformat(),
    }


@dataclass(frozen=True)
class WatchRow:
    individual_id: str
    name: str
    identity: str
    identity_kind: str
    age_at_entry: int
    age_now: int
    entry_date: date
    deadline: date
    days_left: int
    phase: str

    @property
    def past(self) -> bool:
        return self.days_left < 0


def count_watch(
    db: Database, *, today: date | None = None, rule: GuaranteeRule = DEFAULT_GUARANTEE
) -> tuple[int, int]:
    """(within the warning window, past the deadline)."""
    today = today or clock.today()
    params = _params(today, rule)
    params["past_entry"] = (today - timedelta(days=rule.days)).isoformat()
    with db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT COUNT(*), COALESCE(SUM(w.entry_date < :past_entry), 0) " + _WATCH_FROM),
            params,
        ).one()
    total, past = int(row[0]), int(row[1])
    return total - past, past


def list_watch(
    db: Database,
    *,
    today: date | None = None,
    rule: GuaranteeRule = DEFAULT_GUARANTEE,
    offset: int = 0,
    limit: int = 100,
) -> list[WatchRow]:
    """Covered people with an open way and no measure yet, nearest deadline first…
    past ones first of all, the longest overdue at the top."""
    today = today or clock.today()
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT w.id, i.id, i.first_name, i.last_name, i.identity_number, i.reserve_id,"
                " i.identity_kind, i.birth_date, w.entry_date "
                + _WATCH_FROM
                + " ORDER BY w.entry_date, i.sort_key, i.id LIMIT :limit OFFSET :offset"
            ),
            {**_params(today, rule), "limit": limit, "offset": offset},
        ).all()
    way_ids = [r[0] for r in rows]
    phases: dict[str, list[PhaseMark]] = {i: [] for i in way_ids}
    with db.session() as session:
        for way_id, phase, started in session.exec(
            select(WayPhase.way_id, WayPhase.phase, WayPhase.started_on).where(
                col(WayPhase.way_id).in_(way_ids), col(WayPhase.deleted_at).is_(None)
            )
        ).all():
            phases[way_id].append(PhaseMark(phase, started))
    result = []
    for way_id, person_id, first, last, number, reserve, kind, born, entry in rows:
        born, entry = date.fromisoformat(born), date.fromisoformat(entry)
        due = deadline(entry, rule)
        now = current_phase(phases[way_id], None)
        result.append(
            WatchRow(
                individual_id=person_id,
                name=display_name(first, last),
                identity=number or reserve or "",
                identity_kind=kind,
                age_at_entry=age_on(born, entry),
                age_now=age_on(born, today),
                entry_date=entry,
                deadline=due,
                days_left=(due - today).days,
                phase=PHASES[now.phase] if now else "",
            )
        )
    return result


# --- marks in the individuals list ----------------------------------------------------


@dataclass(frozen=True)
class WayMark:
    phase: str  # short label
    next: NextDate | None
    guarantee: str  # domain.guarantee.STATES code

    @property
    def warn(self) -> str | None:
        """'nara' or 'passerad' when the 90-day deadline needs attention."""
        return self.guarantee if self.guarantee in ("nara", "passerad") else None


def way_marks(
    session,
    people: list[Individual],
    *,
    today: date,
    rule: GuaranteeRule = DEFAULT_GUARANTEE,
) -> dict[str, WayMark]:
    """The latest way of each person on one page of the list, in five queries."""
    ids = [p.id for p in people]
    if not ids:
        return {}
    latest: dict[str, Way] = {}
    for way in session.exec(
        select(Way)
        .where(col(Way.individual_id).in_(ids), col(Way.deleted_at).is_(None))
        .order_by(Way.entry_date, Way.created_at)
    ).all():
        latest[way.individual_id] = way
    births = {p.id: p.birth_date for p in people}
    views = way_details(session, list(latest.values()), births, today, rule)
    marks = {}
    for person_id, way in latest.items():
        view = views[way.id]
        marks[person_id] = WayMark(
            phase=SHORT_PHASES.get(view.phase or "", ""),
            next=view.next,
            guarantee=view.guarantee.state,
        )
    return marks
