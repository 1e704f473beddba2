"""The SQL the follow-up is built from: each person's subgroups on a given day, worked out
by SQLite with the SQL that domain.target_groups, domain.ages and domain.dates state their
rules in, and the install-local temporary tables a report reads instead of joining the
register again for every query. What a person's groups turn on is worked out once per
report as day numbers (the days they turn each age that matters, the first and last day
of KAA, of being a newcomer and of the establishment programme), so that their groups on
any day are a few comparisons of integers.

A query groups its rows by one number: a bit for each subgroup, the municipality's
number above them and the gender's code above all, so at most a few hundred rows come
back even at 100,000 people; Python folds those into the overlapping subgroups.

With an agreement, every row is first limited to the agreement's population: people whose
case a party holds, in one of the agreement's target groups on the day that matters, and
registered in one of its municipalities when that is known (report_model.Scope).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from ungtui.domain.dates import day_number, day_number_sql
from ungtui.domain.periods import Period
from ungtui.domain.target_groups import (
    TargetGroupRules,
    age_groups_case_sql,
    boundary_ages,
    group_on_day_sql,
    turns_column,
)
from ungtui.services.followup.report_model import (
    ALL,
    SUBGROUP_CODES,
    Key,
    Scope,
    municipality_code,
    split_municipalities,
)
from ungtui.store import person_facts, way_facts
from ungtui.store.database import Database

_FLAGS = SUBGROUP_CODES[1:]
# The municipality's number sits above the subgroup bits.
_MUNICIPALITY_SHIFT = 8
# report_person.g: the gender as a number, the index in this tuple, put above the flags
# and the municipality. Grouping on one integer instead of a text and a number is a
# cheaper sort for every query; in the texts' order, so that rows (and so the cells of
# an indicator) come in the same order as when the text was grouped on.
_GENDER_CODES = ("annat", "kvinna", "man")
_GENDER_SHIFT = person_facts.GENDER_SHIFT


# --- subgroup flags in SQL ----------------------------------------------------------------


# What each query needs to know about a person whatever the day, worked out once per
# report into install-local temporary tables: `report_person` (one row per person, keyed
# by the register's own row number, with the days their groups turn on as day numbers:
# domain.target_groups.person_bounds_sql), `report_status` (school and AF status from a
# day on, for the few whose status changed) and `report_multi` (the few with more than one
# way). The ways are `report_way` (WAY_VIEW). Other tables reach a person's row through
# the register's index on the person's id, so that no index of ids is built.
PREPARE = (
    "DROP TABLE IF EXISTS temp.report_person",
    "DROP TABLE IF EXISTS temp.report_status",
    "DROP TABLE IF EXISTS temp.report_first",
    "DROP TABLE IF EXISTS temp.report_multi",
    """CREATE TEMP TABLE report_status AS
    SELECT individual_id AS pid, kind, {valid_from} AS valid_from, value,
        created_at AS created
    FROM person_status WHERE deleted_at IS NULL AND individual_id IN (
        SELECT individual_id FROM person_status
        WHERE deleted_at IS NULL AND valid_from IS NOT NULL)""",
    "CREATE INDEX temp.report_status_pid ON report_status (pid, kind, valid_from)",
    # Keyed by the register's row number: a way finds its person by it, without an index.
    "CREATE TEMP TABLE report_person ({person_columns})",
    # (_prepare copies them from store.person_facts when it holds them under these rules)
    "INSERT INTO report_person {person_rows}",
    # The few whose status changed, and the few with reduced work capacity, are marked
    # afterwards: looking each of 100,000 people up in these lists costs more.
    """UPDATE report_person SET hist = 1 WHERE n IN (
    SELECT p.rowid FROM individual p WHERE p.id IN (SELECT pid FROM report_status))""",
    """UPDATE report_person SET base = base | (1 << {dis_bit}) WHERE n IN (
    SELECT p.rowid FROM individual p WHERE p.id IN (
        SELECT individual_id FROM (
            -- the latest mapping is the current picture (bare column of max()),
            -- looked for only among the few who ever had one that says so
            SELECT individual_id, reduced_work_capacity, max(mapped_on) FROM mapping
            WHERE deleted_at IS NULL AND individual_id IN (
                SELECT individual_id FROM mapping NOT INDEXED
                WHERE reduced_work_capacity AND deleted_at IS NULL)
            GROUP BY individual_id)
        WHERE reduced_work_capacity))""",
    # The few who came back after an exit: counted once each, by grouping their ways.
    # Looked for only among those with more than one way, deleted ones too: the index on
    # individual_id alone tells them, so that just their ways are read.
    """CREATE TEMP TABLE report_multi AS
    SELECT p.rowid AS n FROM individual p WHERE p.id IN (
        SELECT individual_id FROM way
        WHERE deleted_at IS NULL AND individual_id IN (
            SELECT individual_id FROM way GROUP BY individual_id HAVING COUNT(*) > 1)
        GROUP BY individual_id HAVING COUNT(*) > 1)""",
    "UPDATE report_person SET multi = 1 WHERE n IN (SELECT n FROM report_multi)",
)
# report_way, one row per live way (store.way_facts.FACT): a view of the table kept up to
# date on write, once way_facts.catch_up has brought it up to date; when it cannot (another
# window is writing, a file opened read-only), the same rows worked out here into a
# temporary table. Only the person's row number and the first measures need other tables:
# the person's through the register's index on ids, the first measures read in file order.
_INSERT_PERSON = "INSERT INTO report_person {person_rows}"
# Same columns in the same order: SQLite copies the rows as they are stored.
COPY_PERSON = "INSERT INTO report_person SELECT * FROM main.person_fact"
WAY_VIEW = "CREATE TEMP VIEW report_way AS SELECT * FROM main.way_fact"
WAY_TABLE = (
    # Keyed by the way's id itself (no separate index to look through). Each measure is
    # put in as it is read and the earliest kept on a conflict: MIN() over GROUP BY would
    # sort every measure by its way's 36-character id first, which costs more.
    """CREATE TEMP TABLE report_first (way_id PRIMARY KEY, first_start, first_ws)
    WITHOUT ROWID""",
    """INSERT INTO report_first
    SELECT im.way_id, im.start_date,
        CASE WHEN m.leads_to_work_or_studies THEN im.start_date END
    -- every row is read: in file order, rather than by way of the index on way_id
    FROM individual_measure im NOT INDEXED CROSS JOIN measure m ON m.id = im.measure_id
    WHERE im.deleted_at IS NULL AND im.status <> 'planerad' AND im.way_id IS NOT NULL
    -- the earliest day, a missing one left out, as MIN() counts
    ON CONFLICT (way_id) DO UPDATE SET
        first_start = CASE WHEN first_start IS NULL THEN excluded.first_start
            ELSE min(first_start, COALESCE(excluded.first_start, first_start)) END,
        first_ws = CASE WHEN first_ws IS NULL THEN excluded.first_ws
            ELSE min(first_ws, COALESCE(excluded.first_ws, first_ws)) END""",
    """CREATE TEMP TABLE report_way AS
    SELECT i.n AS n, w.entry_date, w.exit_on, w.joined_on,
        {entry} AS entry, {exit} AS exit, w.exit_outcome AS outcome,
        f.first_start, f.first_ws
    FROM way w CROSS JOIN individual p ON p.id = w.individual_id
    CROSS JOIN report_person i ON i.n = p.rowid
    LEFT JOIN report_first f ON f.way_id = w.id
    WHERE w.deleted_at IS NULL""",
)
_CLEAN_UP = (
    *PREPARE[:4],
    "DROP TABLE IF EXISTS temp.report_g_rule",
    "DROP TABLE IF EXISTS temp.report_g_agreement",
    "DROP TABLE IF EXISTS temp.report_g_place",
)
# Negative: KiB. The temporary tables live in memory whatever this is; this caches the
# register's pages the report reads. At 100,000 people 64 MiB raised the report's peak
# by 50 MiB more than 16 MiB did (RSS +163 against +113 MiB), with no CPU time to show
# for it between runs in turn (i20-report2).
REPORT_CACHE_KIB = -16384
TEMP_PAGE_SIZE = 16384

# A person's row joined to a source whose person's id is `id` (referrals, measures,
# agenda items): through the register's index on individual.id to its row number.
def person_join(id_column: str) -> str:
    return (
        f"CROSS JOIN individual p ON p.id = {id_column} "
        "CROSS JOIN report_person i ON i.n = p.rowid"
    )


def _prepare(conn, rules: TargetGroupRules) -> int:
    """Build the temporary tables in memory with room to keep them cached; returns the
    connection's cache size to put back afterwards."""
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    # Larger pages for the temporary tables: fewer pages to split and walk while they
    # are filled and read (prepare 1.20 -> 1.15 s CPU at 100,000 people, medians of six
    # in turn). Takes effect when the connection's temporary database is made, so before
    # anything else touches it; a pooled connection that held a report's tables is closed
    # afterwards (store.database), so each report gets a new one.
    conn.exec_driver_sql(f"PRAGMA temp.page_size = {TEMP_PAGE_SIZE}")
    conn.exec_driver_sql("PRAGMA temp_store = MEMORY")
    conn.exec_driver_sql(f"PRAGMA cache_size = {REPORT_CACHE_KIB}")
    # Before the report's own reads. Rows added since the last report are worked out in a
    # write transaction of its own, which does not wait for another window's.
    kept = way_facts.catch_up(conn.connection.driver_connection, wait=False)
    raw = conn.connection.driver_connection
    statements = prepare_statements(rules)
    if person_facts.catch_up(raw, wait=False) and person_facts.usable(raw, rules):
        # the same rows, kept up to date on write: copied as they are (0.07 against 0.45 s
        # CPU at 100,000 people)
        statements[statements.index(_INSERT_PERSON.format(
            person_rows=person_facts.rows(rules, person_facts.EVERYONE)))] = COPY_PERSON
    statements += [WAY_VIEW] if kept else _filled(WAY_TABLE, _WAY_FILL)
    _drop_report_way(conn)
    for statement in statements:
        conn.exec_driver_sql(statement)
    return int(cache)


def prepare_statements(rules: TargetGroupRules) -> list[str]:
    """PREPARE with the rules' SQL put in."""
    fill = {
        "{person_columns}": person_facts.columns(rules),
        "{person_rows}": person_facts.rows(rules, person_facts.EVERYONE),
        "{valid_from}": day_number_sql("valid_from"),
        "{dis_bit}": str(_FLAGS.index("funktionsnedsattning")),
    }
    return _filled(PREPARE, fill)


_WAY_FILL = {"{entry}": day_number_sql("w.entry_date"), "{exit}": day_number_sql("w.exit_on")}


def _filled(statements, fill: dict[str, str]) -> list[str]:
    out = []
    for statement in statements:
        for name, sql in fill.items():
            statement = statement.replace(name, sql)
        out.append(statement)
    return out


def _drop_report_way(conn) -> None:
    """The view over way_fact, or the table made in its place."""
    kind = conn.exec_driver_sql(
        "SELECT type FROM sqlite_temp_master WHERE name = 'report_way'"
    ).scalar()
    if kind in ("table", "view"):
        conn.exec_driver_sql(f"DROP {kind.upper()} temp.report_way")


def _clean_up(conn, cache: int) -> None:
    for statement in _CLEAN_UP:
        conn.exec_driver_sql(statement)
    _drop_report_way(conn)
    conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
    conn.rollback()


def status_sql(kind: str, day: str, current: str) -> str:
    """A person's school or AF status on the day number `day`: the latest row on or before
    it (a row without a day counts as known since before), else today's value `current`.
    Only people whose status changed have rows to look at."""
    return f"""CASE WHEN i.hist THEN COALESCE((SELECT s.value FROM report_status s
        WHERE s.pid = i.pid AND s.kind = '{kind}'
          AND (s.valid_from IS NULL OR s.valid_from <= {day})
        ORDER BY s.valid_from DESC, s.created DESC LIMIT 1), {current})
      ELSE {current} END"""


def _day_columns(day: str, suffix: str = "") -> str:
    """The columns of _person_columns that depend on the day: the day itself (d), school
    (no_school) and AF status (af) on it, each name followed by `suffix`."""
    school = status_sql("skola", day, "CASE WHEN i.no_school THEN 'ingen' ELSE 'gymnasieskola' END")
    return f"""{day} AS d{suffix},
        (CASE WHEN i.hist THEN {school} = 'ingen' ELSE i.no_school END) AS no_school{suffix},
        {status_sql("af", day, "i.af")} AS af{suffix}"""


def _person_columns(rules: TargetGroupRules, day: str) -> str:
    """Columns of the inner query from a source aliased `i` with report_person's columns,
    on the day number `day`: gender and reduced work capacity (base), the days the groups
    turn on, school, case organisation, municipality, AF status."""
    return f"{_day_columns(day)}, {_lasting_columns(rules)}"


def _lasting_columns(rules: TargetGroupRules) -> str:
    """The columns of _person_columns that do not depend on the day."""
    bounds = (*(turns_column(n) for n in boundary_ages(rules)), "kaa_from", "newc_from",
              "newc_until", "est_from", "est_until")  # fmt: skip
    return f"""i.base AS base,
        {", ".join(f"i.{name} AS {name}" for name in bounds)},
        i.org AS org,
        i.kom AS kom"""


def _flags_sql(rules: TargetGroupRules, municipality: str, suffix: str = "") -> str:
    """The subgroups, municipality and gender as one number (_keys reads it): bit n is
    _FLAGS[n], the municipality's number is above them and the gender's code above
    _GENDER_SHIFT, so that SQLite groups on one column. Over the inner query's columns
    (the day's own named with `suffix`, _day_columns): each CASE adds the bits of groups
    that exclude one another, with few steps a row."""
    bit = {code: 1 << n for n, code in enumerate(_FLAGS)}
    groups = group_on_day_sql(rules, f"d{suffix}", f"no_school{suffix}")
    ages = age_groups_case_sql(
        rules, f"d{suffix}", {c: bit[c] for c in ("unga_16_24", "unga_16_29")}
    )
    flags = (
        f"base + {ages}"
        f" + CASE WHEN {groups['kaa']} THEN {bit['kaa']} ELSE 0 END"
        f" + CASE WHEN {groups['etablering']} THEN {bit['etablering']}"
        f" WHEN {groups['nyanland']} THEN {bit['ovriga_nyanlanda']} ELSE 0 END"
    )
    if municipality != "0":
        flags += f" + (({municipality}) << {_MUNICIPALITY_SHIFT})"
    return f"({flags}) AS flags{suffix}"


_PLAIN = re.compile(r":?[\w.]+")

_KEYS: dict[tuple[int, tuple[str, ...]], list[Key]] = {}


def _keys(code: int, municipalities: tuple[str, ...]) -> list[Key]:
    """Every (subgroup, gender) cell a row of this gender and these flags counts in."""
    cache_key = (code, municipalities)
    found = _KEYS.get(cache_key)
    if found is None:
        gender = _GENDER_CODES[code >> _GENDER_SHIFT]
        flags = code & ((1 << _GENDER_SHIFT) - 1)
        subs = ["totalt", *(sub for n, sub in enumerate(_FLAGS) if flags >> n & 1)]
        number = flags >> _MUNICIPALITY_SHIFT
        if number:
            subs.append(municipalities[number - 1])
        found = _KEYS[cache_key] = [(sub, g) for sub in subs for g in (gender, ALL)]
    return found


# --- the agreement's population -----------------------------------------------------------


def _scope_sql(
    scope: Scope | None, rules: TargetGroupRules, params: dict, suffix: str = ""
) -> tuple[str, str]:
    """(the population as a condition on the inner query's columns, the day's own named
    with `suffix`, or ''; the municipality's number as an SQL expression, or '0'). Fills
    `params`."""
    if scope is None:
        return "", "0"
    parts = []
    names = []
    for n, org in enumerate(scope.party_ids):
        params[f"party{n}"] = org
        names.append(f":party{n}")
    held = ", ".join(names) or "''"
    parts.append(f"org IN ({held})")
    groups = group_on_day_sql(rules, f"d{suffix}", f"no_school{suffix}")
    wanted = [groups[code] for code in scope.groups if code in groups]
    if wanted:
        parts.append("(" + " OR ".join(wanted) + ")")
    municipality = "0"
    if scope.municipalities:
        cases = []
        every = []
        for n, m in enumerate(scope.municipalities, start=1):
            names = []
            for k, text in enumerate(m.names):
                params[f"kom{n}_{k}"] = text
                names.append(f":kom{n}_{k}")
            every += names
            cases.append(f"WHEN kom IN ({', '.join(names)}) THEN {n}")
        if len(scope.municipalities) > 1:
            municipality = f"CASE {' '.join(cases)} ELSE 0 END"
        # Registered in another municipality: outside. Not recorded: cannot be told.
        parts.append(f"(kom = '' OR kom IN ({', '.join(every)}))")
    return " AND ".join(parts), municipality


# --- the queries ------------------------------------------------------------------------


class QueryBuilder:
    def __init__(
        self,
        conn,
        period: Period,
        rules: TargetGroupRules,
        today: date,
        scope: Scope | None = None,
    ) -> None:
        self.conn = conn
        self.raw = conn.connection.driver_connection
        self.rules = rules
        self.scope = scope
        self.params: dict = {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "held_until": min(period.end, today).isoformat(),
            # the same days as day numbers, for the days a person's groups are asked on
            "start_n": day_number(period.start),
            "end_n": day_number(period.end),
        }
        self.population, self._municipality = _scope_sql(scope, rules, self.params)
        self._municipalities = tuple(
            municipality_code(m.organisation_id) for m in split_municipalities(scope)
        )

    def rows(
        self,
        inner: str,
        day: str,
        source: str,
        outer: str,
        *,
        where: str = "",
        group: str | None = "",
        everyone: bool = False,
        row: str = "",
    ) -> list[tuple[list[Key], tuple]]:
        """SELECT gender, subgroup flags and `outer` FROM (the person's columns on `day`, a
        day number (domain.dates.day_number_sql), and `inner`, from `source`)
        [WHERE where] GROUP BY gender and flags [and `group`]; group=None gives one row per
        source row. `row` names the per-row values `outer` and `group` read (the inner
        query's columns or expressions over them), worked out before the rows are grouped.
        Rows outside the agreement's population are left out unless `everyone`. Each row
        comes back as (the cells it counts in, the values of `outer`)."""
        # A day worked out from a column is worked out once a row, in a subquery of its
        # own (LIMIT keeps SQLite from copying the expression into every comparison); a
        # plain column or parameter is cheaper read where it is wanted.
        keep = "" if _PLAIN.fullmatch(day) else "LIMIT -1 OFFSET 0"
        conditions = [c for c in (where, "" if everyone else self.population) if c]
        filtered = " WHERE " + " AND ".join(f"({c})" for c in conditions) if conditions else ""
        # The flags and `row` are worked out in a subquery of their own (LIMIT keeps it
        # apart), so that GROUP BY sorts rows of those few numbers: flattened, SQLite would
        # sort every column they are worked out from (the person's id among them) and work
        # them out again after the sort, about 1 µs a row more.
        sql = f"""SELECT flags, {outer}
            FROM (SELECT {_flags_sql(self.rules, self._municipality)}{", " + row if row else ""}
                FROM (SELECT {_person_columns(self.rules, day)}, {inner} {source} {keep})
                {filtered} LIMIT -1 OFFSET 0)"""
        if group is not None:
            sql += f" GROUP BY flags{', ' + group if group else ''}"
        # The driver's own cursor: SQLAlchemy's row handling costs more than the query.
        return [
            (_keys(r[0], self._municipalities), r[1:])
            for r in self.raw.execute(sql, self.params)
        ]

    def counts(
        self, day: str, source: str, person: str | None = None, *, everyone: bool = False
    ) -> dict[Key, int]:
        """Rows per cell; with `person`, people counted once per cell however many rows
        they have (a way is one person's, so ways need no such care)."""
        cells: dict[Key, int] = defaultdict(int)
        inner, outer = (f"{person} AS pid", "COUNT(DISTINCT pid)") if person else ("1", "COUNT(*)")
        row = "pid" if person else ""
        for keys, (n,) in self.rows(inner, day, source, outer, everyone=everyone, row=row):
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


def sums_on_days(
    builders: list[QueryBuilder], day: str, inner: str, source: str, values, n: int
) -> list[list[dict[Key, int]]]:
    """For each builder (a period) `n` sums per cell, as QueryBuilder.sums gives them, of
    people (rows of `source`, aliased `i`) on that period's day number parameter `day`
    (e.g. "end_n"), in one pass over `source` for every period: each row is read, joined
    and grouped once, with its flags and values on each day side by side. `values(k)` is
    the SQL of the first n-1 values (the n-th is the row count) on day k, over `inner`'s
    columns and the day's own (d_k, no_school_k, af_k; _day_columns) and parameters
    (:name_k for each of the builder's own :name). A row counts on a day only if it is in
    the agreement's population that day."""
    first = builders[0]
    params = dict(first.params)
    days, flags, rows, sums = [], [], [], []
    any_day = []
    for k, b in enumerate(builders):
        params.update({f"{name}_{k}": value for name, value in b.params.items()})
        days.append(_day_columns(f":{day}_{k}", f"_{k}"))
        flags.append(_flags_sql(first.rules, first._municipality, f"_{k}"))
        population = _scope_sql(first.scope, first.rules, params, f"_{k}")[0]
        counted = population or "1"
        any_day.append(f"({counted})")
        rows.append(f"{counted} AS in_{k}")
        for j, value in enumerate(values(k)):
            if population:
                value = f"CASE WHEN {population} THEN {value} ELSE 0 END"
            rows.append(f"{value} AS v{j}_{k}")
        sums += [f"SUM(in_{k})", *(f"SUM(v{j}_{k})" for j in range(n - 1))]
    names = ", ".join(f"flags_{k}" for k in range(len(builders)))
    sql = f"""SELECT {names}, {", ".join(sums)}
        FROM (SELECT {", ".join(flags)}, {", ".join(rows)}
            FROM (SELECT {", ".join(days)}, {_lasting_columns(first.rules)}, {inner} {source})
            WHERE {" OR ".join(any_day)} LIMIT -1 OFFSET 0)
        GROUP BY {names}"""
    out = [[defaultdict(int) for _ in range(n)] for _ in builders]
    count = len(builders)
    found = first.raw.execute(sql, params).fetchall()
    for k, totals in enumerate(out):
        at = count + k * n
        # in the order of the day's flags, so that the cells come in the order one period
        # grouped on its own gives them
        for row in sorted(found, key=lambda r, k=k: r[k]):
            if not row[at]:
                continue
            for key in _keys(row[k], first._municipalities):
                for column in range(n):
                    totals[column][key] += row[at + column] or 0
    return out


@contextmanager
def prepared_connection(db: Database, rules: TargetGroupRules) -> Iterator:
    with db.engine.connect() as conn:
        cache = _prepare(conn, rules)
        try:
            yield conn
        finally:
            _clean_up(conn, cache)
