"""The SQL the follow-up is built from: each person's subgroups on a given day, worked out
by SQLite over ISO dates with the rules of domain.target_groups, and the install-local
temporary tables a report reads instead of joining the register again for every query.

A query groups its rows by gender and the subgroup flags (one number, a bit each), so at
most a few hundred rows come back even at 100,000 people; Python folds those into the
overlapping subgroups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from ungtui.domain.periods import Period
from ungtui.domain.target_groups import TargetGroupRules
from ungtui.services.report_model import ALL, SUBGROUP_CODES, Key
from ungtui.store.database import Database

_FLAGS = SUBGROUP_CODES[1:]


# --- subgroup flags in SQL ----------------------------------------------------------------


def age_sql(day: str) -> str:
    """Completed years on `day` (an SQL expression), counted as domain.ages.age_on does:
    someone born on 29 February has their birthday on 28 February in other years. The
    birth year and day of year are split out once per report (report_person)."""
    return f"""(CAST(substr({day}, 1, 4) AS INTEGER) - i.birth_year
      - (substr({day}, 6, 5) < i.birth_md AND NOT (substr({day}, 6, 5) = '02-28'
         AND i.birth_md = '02-29'
         AND date(substr({day}, 1, 4) || '-02-28', '+1 day') NOT LIKE '%-02-29')))"""


def permit_until_sql(months: int) -> str:
    """A newcomer's last day: the permit day `months` later, that day included, clamped
    to the month's last day as relativedelta does (SQLite's own '+N months' would roll
    31 August on to 1 October)."""
    p = "residence_permit_date"
    return f"""date(date({p}, 'start of month', '+{months} months'), '+' || (min(
        CAST(strftime('%d', {p}) AS INTEGER),
        CAST(strftime('%d', date({p}, 'start of month', '+{months + 1} months', '-1 day'))
             AS INTEGER)) - 1) || ' days')"""


# What each query needs to know about a person whatever the day, worked out once per
# report into install-local temporary tables: `report_person` (one row per person) and
# `report_way` (one row per way, with its person's columns and its first measures).
PREPARE = (
    "DROP TABLE IF EXISTS temp.report_person",
    "DROP TABLE IF EXISTS temp.report_way",
    "DROP TABLE IF EXISTS temp.report_first",
    """CREATE TEMP TABLE report_person AS
    SELECT id,
        CASE WHEN gender IN ('kvinna', 'man') THEN gender ELSE 'annat' END AS g,
        birth_date,
        CAST(substr(birth_date, 1, 4) AS INTEGER) AS birth_year,
        substr(birth_date, 6, 5) AS birth_md,
        residence_permit_date AS permit_from,
        {permit_until} AS permit_until,
        (NOT in_upper_secondary AND NOT has_upper_secondary_diploma) AS no_school,
        id IN (
            SELECT individual_id FROM (
                -- the latest mapping is the current picture (bare column of max())
                SELECT individual_id, disability, max(mapped_on) FROM mapping
                WHERE deleted_at IS NULL GROUP BY individual_id)
            WHERE disability <> '') AS dis
    -- every row is read anyway: in file order, not by way of the index on deleted_at
    FROM individual NOT INDEXED WHERE deleted_at IS NULL""",
    "CREATE UNIQUE INDEX temp.report_person_id ON report_person (id)",
    """CREATE TEMP TABLE report_first AS
    SELECT im.way_id AS way_id, MIN(im.start_date) AS first_start,
        MIN(CASE WHEN m.leads_to_work_or_studies THEN im.start_date END) AS first_ws
    FROM individual_measure im JOIN measure m ON m.id = im.measure_id
    WHERE im.deleted_at IS NULL AND im.status <> 'planerad'
    GROUP BY im.way_id""",
    "CREATE UNIQUE INDEX temp.report_first_way ON report_first (way_id)",
    """CREATE TEMP TABLE report_way AS
    SELECT w.id AS way_id, w.individual_id AS pid, w.entry_date, w.exit_on,
        w.exit_outcome AS outcome,
        i.g, i.birth_date, i.birth_year, i.birth_md, i.permit_from, i.permit_until,
        i.no_school, i.dis,
        f.first_start, f.first_ws
    FROM way w CROSS JOIN report_person i ON i.id = w.individual_id
    LEFT JOIN report_first f ON f.way_id = w.id
    WHERE w.deleted_at IS NULL""",
)
_CLEAN_UP = PREPARE[:3]
# Negative: KiB. Enough for the temporary tables and the rows they are built from at
# 100,000 people, for the few seconds a report takes.
REPORT_CACHE_KIB = -65536


def _prepare(conn, rules: TargetGroupRules) -> int:
    """Build the temporary tables in memory with room to keep them cached; returns the
    connection's cache size to put back afterwards."""
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql("PRAGMA temp_store = MEMORY")
    conn.exec_driver_sql(f"PRAGMA cache_size = {REPORT_CACHE_KIB}")
    for statement in PREPARE:
        conn.exec_driver_sql(
            statement.replace("{permit_until}", permit_until_sql(rules.newcomer_months))
        )
    return int(cache)


def _clean_up(conn, cache: int) -> None:
    for statement in _CLEAN_UP:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
    conn.rollback()


def _person_columns(day: str) -> str:
    """Columns of the inner query from a source aliased `i` with report_person's columns:
    gender, age and newcomer on `day`, school, disability."""
    return f"""i.g AS g,
        CASE WHEN i.birth_date IS NULL THEN NULL ELSE {age_sql(day)} END AS age,
        (i.permit_from IS NOT NULL AND i.permit_from <= {day} AND {day} <= i.permit_until)
          AS newc,
        i.no_school AS no_school,
        i.dis AS dis"""


def between_sql(expr: str, low: int, high: int) -> str:
    return f"COALESCE({expr} BETWEEN {int(low)} AND {int(high)}, 0)"


def _flag_columns(rules: TargetGroupRules) -> str:
    """Gender, and the subgroups as bits of one number (bit n is _FLAGS[n]), so that
    SQLite groups on two columns instead of seven."""
    etab = f"(newc AND {between_sql('age', *age_range(rules.establishment))})"
    bits = (
        between_sql("age", *age_range(rules.young_narrow)),
        between_sql("age", *age_range(rules.young_wide)),
        f"({between_sql('age', *age_range(rules.kaa))} AND no_school)",
        etab,
        f"(newc AND NOT {etab})",
        "COALESCE(dis, 0)",
    )
    # SQLite gives << and | the same precedence, hence a bracket around every shift.
    return "g, (" + " | ".join(f"(({bit}) << {n})" for n, bit in enumerate(bits)) + ") AS flags"


def age_range(r) -> tuple[int, int]:
    return r.min_age, r.max_age


_KEYS: dict[tuple[str, int], list[Key]] = {}


def _keys(gender: str, flags: int) -> list[Key]:
    """Every (subgroup, gender) cell a row of this gender and these flags counts in."""
    found = _KEYS.get((gender, flags))
    if found is None:
        subs = ["totalt", *(code for n, code in enumerate(_FLAGS) if flags >> n & 1)]
        found = _KEYS[(gender, flags)] = [(sub, g) for sub in subs for g in (gender, ALL)]
    return found


# --- the queries ------------------------------------------------------------------------


class QueryBuilder:
    def __init__(self, conn, period: Period, rules: TargetGroupRules, today: date) -> None:
        self.conn = conn
        self.raw = conn.connection.driver_connection
        self.rules = rules
        self.params = {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "held_until": min(period.end, today).isoformat(),
        }

    def rows(
        self,
        inner: str,
        day: str,
        source: str,
        outer: str,
        *,
        where: str = "",
        group: str | None = "",
    ) -> list[tuple[list[Key], tuple]]:
        """SELECT gender, subgroup flags and `outer` FROM (the person's columns on `day`
        and `inner`, from `source`) [WHERE where] GROUP BY gender and flags [and `group`];
        group=None gives one row per source row. Each row comes back as (the cells it
        counts in, the values of `outer`)."""
        sql = f"""SELECT {_flag_columns(self.rules)}, {outer}
            FROM (SELECT {_person_columns(day)}, {inner} {source} LIMIT -1 OFFSET 0)"""
        if where:
            sql += f" WHERE {where}"
        if group is not None:
            sql += f" GROUP BY g, flags{', ' + group if group else ''}"
        # The driver's own cursor: SQLAlchemy's row handling costs more than the query.
        return [(_keys(r[0], r[1]), r[2:]) for r in self.raw.execute(sql, self.params)]

    def counts(self, day: str, source: str, person: str | None = None) -> dict[Key, int]:
        """Rows per cell; with `person`, people counted once per cell however many rows
        they have (a way is one person's, so ways need no such care)."""
        cells: dict[Key, int] = defaultdict(int)
        inner, outer = (f"{person} AS pid", "COUNT(DISTINCT pid)") if person else ("1", "COUNT(*)")
        for keys, (n,) in self.rows(inner, day, source, outer):
            for key in keys:
                cells[key] += n
        return cells

    def sums(self, inner: str, day: str, source: str, outer: str, n: int, **kw) -> list[dict]:
        """`n` sums per cell, one dict per column of `outer`."""
        totals: list[dict[Key, int]] = [defaultdict(int) for _ in range(n)]
        for keys, values in self.rows(inner, day, source, outer, **kw):
            for key in keys:
                for column, value in enumerate(values):
                    totals[column][key] += value or 0
        return totals


@contextmanager
def prepared_connection(db: Database, rules: TargetGroupRules) -> Iterator:
    with db.engine.connect() as conn:
        cache = _prepare(conn, rules)
        try:
            yield conn
        finally:
            _clean_up(conn, cache)
