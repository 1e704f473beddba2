"""Agreements' guarantees across the register, and what the individuals list shows of
each person's way.

The watch list is one SQL query over open ways, so it pages at 100,000 people: each way
follows the agreement in force on the day the person joined whose parties include the
person's case organisation (domain.guarantee.GuaranteeRules), coverage by age on that day
is date arithmetic on ISO dates, and a way drops out as soon as a measure that counts has
started. Without an agreement that holds a guarantee, the list is empty. The list marks
are read for one page of people at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel import col, select

from ungtui.domain.ages import age_on, age_sql, birth_parts_sql
from ungtui.domain.guarantee import GuaranteeRules, deadline, latest_join_to_watch
from ungtui.domain.text import display_name
from ungtui.domain.way import PHASES, SHORT_PHASES, NextDate, PhaseMark, current_phase
from ungtui.services import clock
from ungtui.services.way.guarantee_rules import guarantee_rules
from ungtui.services.way.way import way_details
from ungtui.store.database import Database
from ungtui.store.models import Individual, Way, WayPhase

__all__ = ["guarantee_rules"]

# --- the watch list ----------------------------------------------------------------

# Covered: aged min..max on the day the person joined (domain.ages.age_sql, the SQL of
# age_on).
AGE_AT_JOINING = age_sql("w.joined_on", *birth_parts_sql("i.birth_date"))
# Each way's rule: the newest agreement in force on the day the person joined whose
# parties include the person's case organisation. The agreements are a handful, passed
# in as a small table.
_RULE_OF_WAY = """(
    SELECT ar.rule FROM agreement_rules ar
    WHERE ar.organisation_id = i.case_organisation_id
      AND (ar.in_force_from IS NULL OR ar.in_force_from <= w.joined_on)
      AND (ar.in_force_until IS NULL OR w.joined_on <= ar.in_force_until)
      AND (i.municipality = ''
        OR NOT EXISTS (SELECT 1 FROM agreement_places ap WHERE ap.rule = ar.rule)
        OR i.municipality IN (SELECT ap.name FROM agreement_places ap WHERE ap.rule = ar.rule))
    ORDER BY ar.rule LIMIT 1)"""
_WATCH_FROM = f"""
FROM way w
JOIN individual i ON i.id = w.individual_id
JOIN rules r ON r.rule = {_RULE_OF_WAY}
WHERE w.exit_on IS NULL AND w.deleted_at IS NULL
  AND w.joined_on IS NOT NULL
  AND w.joined_on <= :latest_join
  AND w.joined_on <= date(:today, printf('%+d days', r.warn_days - r.days))
  AND i.deleted_at IS NULL
  AND i.birth_date IS NOT NULL
  AND {AGE_AT_JOINING} BETWEEN r.min_age AND r.max_age
  AND NOT EXISTS (
    SELECT 1 FROM individual_measure im JOIN measure m ON m.id = im.measure_id
    WHERE im.way_id = w.id AND im.deleted_at IS NULL
      AND (m.leads_to_work_or_studies OR r.counts = 'alla')
      AND im.status != 'planerad' AND im.start_date <= :today
  )
"""


# Only the people a caseworker is responsible for (Min dag). The unary + keeps SQLite
# from searching the staff index (thousands of people per caseworker) for every way.
_MINE = """
  AND EXISTS (SELECT 1 FROM responsibility rs
    WHERE rs.individual_id = w.individual_id AND +rs.staff_id = :staff AND rs.deleted_at IS NULL)"""


def _with_rules(rules: GuaranteeRules, params: dict) -> str:
    """The WITH clause naming the rules of this query; fills `params` with their values."""
    rule_rows = []
    agreement_rows = []
    place_rows = ["(0, '')"]
    for n, a in enumerate(rules.agreements, start=1):
        for k, name in enumerate(sorted(a.municipalities)):
            place_rows.append(f"(:r{n}, :p{n}m{k})")
            params[f"p{n}m{k}"] = name
        r = a.rule
        rule_rows.append(f"(:r{n}, :r{n}min, :r{n}max, :r{n}days, :r{n}warn, :r{n}counts)")
        params.update(
            {f"r{n}": n, f"r{n}min": r.min_age, f"r{n}max": r.max_age}
            | {f"r{n}days": r.days, f"r{n}warn": r.warn_days, f"r{n}counts": r.counts}
        )
        for k, org in enumerate(sorted(a.party_ids)):
            agreement_rows.append(f"(:r{n}, :a{n}o{k}, :a{n}from, :a{n}until)")
            params[f"a{n}o{k}"] = org
        params[f"a{n}from"] = a.in_force_from.isoformat() if a.in_force_from else None
        params[f"a{n}until"] = a.in_force_until.isoformat() if a.in_force_until else None
    return (
        "WITH rules(rule, min_age, max_age, days, warn_days, counts) AS (VALUES "
        + ", ".join(rule_rows)
        + "), agreement_rules(rule, organisation_id, in_force_from, in_force_until) AS (VALUES "
        + ", ".join(agreement_rows)
        + "), agreement_places(rule, name) AS (VALUES "
        + ", ".join(place_rows)
        + ") "
    )


def _params(today: date, rules: GuaranteeRules) -> tuple[str, dict]:
    """The WITH clause and parameters; `latest_join` is the loosest bound of all rules,
    a coarse filter before each way's own rule applies."""
    params = {
        "latest_join": max(
            latest_join_to_watch(today, a.rule) for a in rules.agreements
        ).isoformat(),
        "today": today.isoformat(),
    }
    return _with_rules(rules, params), params


def _usable(rules: GuaranteeRules) -> bool:
    # An agreement without parties can hold no one; no agreement, no guarantee.
    return any(a.party_ids for a in rules.agreements)


@dataclass(frozen=True)
class WatchRow:
    individual_id: str
    name: str
    identity: str
    identity_kind: str
    age_at_joining: int
    age_now: int
    entry_date: date
    joined_on: date
    deadline: date
    days_left: int
    phase: str
    agreement: str  # the title of the agreement whose guarantee it is

    @property
    def past(self) -> bool:
        return self.days_left < 0


def count_watch(
    db: Database,
    *,
    today: date | None = None,
    rule: GuaranteeRules | None = None,
    staff_id: str | None = None,
) -> tuple[int, int]:
    """(within the warning window, past the deadline). Without rules given, the
    guarantees of the install's agreements; with a staff id, only that caseworker's
    people (as list_watch)."""
    today = today or clock.today()
    rules = rule if rule is not None else guarantee_rules(db)
    if not _usable(rules):
        return 0, 0
    with_rules, params = _params(today, rules)
    past = "w.joined_on < date(:today, printf('%+d days', -r.days))"
    with db.engine.connect() as conn:
        row = conn.execute(
            text(
                f"{with_rules}SELECT COUNT(*), COALESCE(SUM({past}), 0) "
                + _WATCH_FROM
                + (_MINE if staff_id else "")
            ),
            {**params, "staff": staff_id},
        ).one()
    total, past = int(row[0]), int(row[1])
    return total - past, past


# The caseworker's own people first (CROSS JOIN keeps SQLite to that order): a count of
# theirs then reads their ways by the person, instead of every open way as the whole
# lists do (_MINE's "+" keeps SQLite from the staff index there).
_MINE_FROM = _WATCH_FROM.replace(
    "FROM way w\n",
    "FROM responsibility rs CROSS JOIN way w ON w.individual_id = rs.individual_id\n",
    1,
)
assert _MINE_FROM != _WATCH_FROM
_MINE_WHERE = "\n  AND rs.staff_id = :staff AND rs.deleted_at IS NULL"
# From this many people of one caseworker on, reading every open way costs less than
# reading theirs one by one (100,000-person demo: 105 ms against 135 ms CPU at 17,000).
_MANY_OF_MINE = 5000


def count_mine_passed_before(
    db: Database,
    staff_id: str,
    before: date,
    *,
    today: date | None = None,
    rule: GuaranteeRules | None = None,
    cap: int = 100,
) -> int:
    """How many of the caseworker's people passed their guarantee deadline before
    `before` with no measure yet that counts (Min dag names the recent ones and counts
    these), up to `cap`."""
    today = today or clock.today()
    rules = rule if rule is not None else guarantee_rules(db)
    if not _usable(rules):
        return 0
    with_rules, params = _params(today, rules)
    passed = " AND w.joined_on < date(:before, printf('%+d days', -r.days))"
    with db.engine.connect() as conn:
        mine = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM (SELECT 1 FROM responsibility WHERE staff_id = ?"
            " AND deleted_at IS NULL LIMIT ?)",
            (staff_id, _MANY_OF_MINE),
        ).scalar_one()
        # A caseload of thousands (demo data) is read faster the way the lists read.
        source = (
            f"SELECT w.id {_WATCH_FROM}{_MINE}"
            if mine >= _MANY_OF_MINE
            else f"SELECT DISTINCT w.id {_MINE_FROM}{_MINE_WHERE}"
        )
        return conn.execute(
            text(f"{with_rules}SELECT COUNT(*) FROM ({source}{passed} LIMIT :cap)"),
            {**params, "staff": staff_id, "before": before.isoformat(), "cap": cap},
        ).scalar_one()


def list_watch(
    db: Database,
    *,
    today: date | None = None,
    rule: GuaranteeRules | None = None,
    offset: int = 0,
    limit: int = 100,
    staff_id: str | None = None,
    joined_from: date | None = None,
) -> list[WatchRow]:
    """Covered people with an open way and no measure that counts yet, nearest deadline
    first… past ones first of all, the longest overdue at the top. With a staff id, only
    the people that caseworker is responsible for; with `joined_from`, only ways joined
    on that day or later (Min dag's window)."""
    today = today or clock.today()
    rules = rule if rule is not None else guarantee_rules(db)
    if not _usable(rules):
        return []
    with_rules, params = _params(today, rules)
    since = " AND w.joined_on >= :joined_from" if joined_from else ""
    # With one rule the deadline follows the day of joining.
    order = "w.joined_on"
    if len(rules.agreements) > 1:
        order = "date(w.joined_on, printf('%+d days', r.days))"
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                with_rules
                + "SELECT w.id, i.id, i.first_name, i.last_name, i.identity_number, i.reserve_id,"
                " i.identity_kind, i.birth_date, w.entry_date, w.joined_on, r.rule "
                + _WATCH_FROM
                + (_MINE if staff_id else "")
                + since
                + f" ORDER BY {order}, i.sort_key, i.id LIMIT :limit OFFSET :offset"
            ),
            {
                **params,
                "limit": limit,
                "offset": offset,
                "staff": staff_id,
                "joined_from": joined_from.isoformat() if joined_from else None,
            },
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
    for way_id, person_id, first, last, number, reserve, kind, born, entry, joined, n in rows:
        born, entry, joined = (date.fromisoformat(d) for d in (born, entry, joined))
        agreement = rules.agreements[n - 1]
        due = deadline(joined, agreement.rule)
        now = current_phase(phases[way_id], None)
        result.append(
            WatchRow(
                individual_id=person_id,
                name=display_name(first, last),
                identity=number or reserve or "",
                identity_kind=kind,
                age_at_joining=age_on(born, joined),
                age_now=age_on(born, today),
                entry_date=entry,
                joined_on=joined,
                deadline=due,
                days_left=(due - today).days,
                phase=PHASES[now.phase] if now else "",
                agreement=agreement.title,
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
        """'nara' or 'passerad' when a guarantee's deadline needs attention."""
        return self.guarantee if self.guarantee in ("nara", "passerad") else None


def way_marks(
    session,
    people: list[Individual],
    *,
    today: date,
    rule: GuaranteeRules,
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
    orgs = {p.id: p.case_organisation_id for p in people}
    places = {p.id: p.municipality for p in people}
    views = way_details(session, list(latest.values()), births, today, rule, orgs, places)
    marks = {}
    for person_id, way in latest.items():
        view = views[way.id]
        marks[person_id] = WayMark(
            phase=SHORT_PHASES.get(view.phase or "", ""),
            next=view.next,
            guarantee=view.guarantee.state,
        )
    return marks
