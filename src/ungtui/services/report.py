"""The follow-up report (uppföljning): indicators for one period, split by gender and
subgroup, with the previous period and the agreement's goals.

Every indicator is one SQL query. It works out each row's subgroups on the day that
matters for it (entry, exit, period end, the day a referral was sent …) with the rules of
domain.target_groups written as SQL over ISO dates, and groups by gender and the subgroup
flags, so at most a few hundred rows come back even at 100,000 people; Python only folds
those combinations into the overlapping subgroups. Medians need the single values, which
are one number per way or referral in the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text

from ungtui.domain.periods import Period
from ungtui.domain.referral_vocabulary import REFERRAL_KINDS
from ungtui.domain.report_goals import baseline_year, indicator_key, is_met, parse_target
from ungtui.domain.target_groups import DEFAULT_RULES, TargetGroupRules
from ungtui.domain.way import ESTABLISHED, OUTCOMES
from ungtui.services import clock
from ungtui.services.agreements import _goals, rules_for
from ungtui.services.errors import NotFound
from ungtui.services.guarantee import guarantee_rule
from ungtui.store.database import Database
from ungtui.store.models import Agreement

GENDERS: dict[str, str] = {"kvinna": "Kvinnor", "man": "Män", "annat": "Annat/okänt"}
ALL = "alla"
GENDER_COLUMNS: dict[str, str] = {**GENDERS, ALL: "Totalt"}

SUBGROUP_CODES = (
    "totalt",
    "unga_16_24",
    "unga_16_29",
    "kaa",
    "etablering",
    "ovriga_nyanlanda",
    "funktionsnedsattning",
)
# The flags each query returns, in this order, after the gender.
_FLAGS = SUBGROUP_CODES[1:]


def subgroup_labels(rules: TargetGroupRules = DEFAULT_RULES) -> dict[str, str]:
    return {
        "totalt": "Totalt",
        "unga_16_24": f"Unga {rules.young_narrow}",
        "unga_16_29": f"Unga {rules.young_wide}",
        "kaa": "KAA",
        "etablering": "Nyanlända i etableringsprogrammet",
        "ovriga_nyanlanda": "Övriga nyanlända",
        "funktionsnedsattning": "Funktionsnedsättning",
    }


Key = tuple[str, str]  # (subgroup, gender)


@dataclass(frozen=True)
class Cell:
    value: float | None  # a count, a share 0–1, or a median in days; None: nothing to measure
    people: int  # individuals behind the figure (what small-number rules look at)
    part: int | None = None  # a share's numerator


@dataclass
class Indicator:
    key: str
    label: str
    kind: str  # "antal" | "andel" | "median" | "tal" (a figure about no person)
    cells: dict[Key, Cell] = field(default_factory=dict)
    # (family, total key): counts whose parts add up to another published indicator.
    part_of: str | None = None

    @property
    def person_level(self) -> bool:
        return self.kind != "tal"

    def total(self) -> Cell:
        return self.cells.get(("totalt", ALL), Cell(None if self.kind != "antal" else 0, 0))


@dataclass(frozen=True)
class GoalResult:
    goal: str
    indicator: str
    target: str
    indicator_key: str | None
    figure: Cell | None
    kind: str
    baseline_label: str = ""
    baseline: Cell | None = None
    met: bool | None = None
    note: str = ""


@dataclass
class Report:
    period: Period
    indicators: list[Indicator]
    previous_period: Period
    previous: dict[str, Indicator]
    subgroups: dict[str, str]
    agreement_title: str = ""
    goals: list[GoalResult] = field(default_factory=list)
    made_on: date | None = None

    def by_key(self) -> dict[str, Indicator]:
        return {i.key: i for i in self.indicators}


# --- subgroup flags in SQL ----------------------------------------------------------------


def _age(day: str) -> str:
    """Completed years on `day` (an SQL expression), counted as domain.ages.age_on does:
    someone born on 29 February has their birthday on 28 February in other years. The
    birth year and day of year are split out once per report (report_person)."""
    return f"""(CAST(substr({day}, 1, 4) AS INTEGER) - i.birth_year
      - (substr({day}, 6, 5) < i.birth_md AND NOT (substr({day}, 6, 5) = '02-28'
         AND i.birth_md = '02-29'
         AND date(substr({day}, 1, 4) || '-02-28', '+1 day') NOT LIKE '%-02-29')))"""


def _permit_until(months: int) -> str:
    """The day a newcomer stops being one: the permit day `months` later, clamped to the
    month's last day as relativedelta does (SQLite's own '+N months' would roll
    31 August on to 1 October)."""
    p = "residence_permit_date"
    return f"""date(date({p}, 'start of month', '+{months} months'), '+' || (min(
        CAST(strftime('%d', {p}) AS INTEGER),
        CAST(strftime('%d', date({p}, 'start of month', '+{months + 1} months', '-1 day'))
             AS INTEGER)) - 1) || ' days')"""


# What each query needs to know about a person whatever the day, worked out once per
# report into install-local temporary tables: `report_person` (one row per person) and
# `report_way` (one row per way, with its person's columns and its first measures).
_PREPARE = (
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
_CLEAN_UP = _PREPARE[:3]
# Negative: KiB. Enough for the temporary tables and the rows they are built from at
# 100,000 people, for the few seconds a report takes.
REPORT_CACHE_KIB = -65536


def _prepare(conn, rules: TargetGroupRules) -> int:
    """Build the temporary tables in memory with room to keep them cached; returns the
    connection's cache size to put back afterwards."""
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql("PRAGMA temp_store = MEMORY")
    conn.exec_driver_sql(f"PRAGMA cache_size = {REPORT_CACHE_KIB}")
    for statement in _PREPARE:
        conn.exec_driver_sql(
            statement.replace("{permit_until}", _permit_until(rules.newcomer_months))
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
        CASE WHEN i.birth_date IS NULL THEN NULL ELSE {_age(day)} END AS age,
        (i.permit_from IS NOT NULL AND i.permit_from <= {day} AND {day} < i.permit_until)
          AS newc,
        i.no_school AS no_school,
        i.dis AS dis"""


def _between(expr: str, low: int, high: int) -> str:
    return f"COALESCE({expr} BETWEEN {int(low)} AND {int(high)}, 0)"


def _flag_columns(rules: TargetGroupRules) -> str:
    """Gender, and the subgroups as bits of one number (bit n is _FLAGS[n]), so that
    SQLite groups on two columns instead of seven."""
    etab = f"(newc AND {_between('age', *_range(rules.establishment))})"
    bits = (
        _between("age", *_range(rules.young_narrow)),
        _between("age", *_range(rules.young_wide)),
        f"({_between('age', *_range(rules.kaa))} AND no_school)",
        etab,
        f"(newc AND NOT {etab})",
        "COALESCE(dis, 0)",
    )
    # SQLite gives << and | the same precedence, hence a bracket around every shift.
    return "g, (" + " | ".join(f"(({bit}) << {n})" for n, bit in enumerate(bits)) + ") AS flags"


def _range(r) -> tuple[int, int]:
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


class _Builder:
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


_WAY = "FROM report_way i WHERE 1"


def _count_indicator(key: str, label: str, cells: dict[Key, int], **extra) -> Indicator:
    return Indicator(key, label, "antal", {k: Cell(v, v) for k, v in cells.items()}, **extra)


def _share_indicator(key: str, label: str, parts: dict, wholes: dict) -> Indicator:
    cells = {}
    for k, whole in wholes.items():
        part = parts.get(k, 0)
        cells[k] = Cell(part / whole if whole else None, whole, part)
    return Indicator(key, label, "andel", cells)


def median_of_counts(counts: dict[float, int]) -> float | None:
    """The median of values given as {value: how many}."""
    n = sum(counts.values())
    if not n:
        return None
    values = sorted(counts)
    wanted = (n - 1) // 2, n // 2  # the middle one, or the middle two
    found: list[float] = []
    seen = 0
    for value in values:
        seen += counts[value]
        while len(found) < 2 and seen > wanted[len(found)]:
            found.append(value)
    return (found[0] + found[1]) / 2


def _median_indicator(key: str, label: str, values: dict[Key, dict[float, int]]) -> Indicator:
    return Indicator(
        key,
        label,
        "median",
        {k: Cell(median_of_counts(v), sum(v.values())) for k, v in values.items()},
    )


def _figure(key: str, label: str, value: float) -> Indicator:
    return Indicator(key, label, "tal", {("totalt", ALL): Cell(value, 0)})


def _way_indicators(b: _Builder, guarantee) -> list[Indicator]:
    out: list[Indicator] = []
    # Entries in the period, with the days to each one's first measure (if it had started
    # by the period's end): the inflow and the median in one pass.
    inflow: dict[Key, int] = defaultdict(int)
    days: dict[Key, dict[float, int]] = defaultdict(lambda: defaultdict(int))
    for keys, (span, n) in b.rows(
        """CASE WHEN i.first_start <= :end
             THEN julianday(i.first_start) - julianday(i.entry_date) END AS days""",
        "i.entry_date",
        _WAY + " AND i.entry_date BETWEEN :start AND :end",
        "days, COUNT(*)",
        group="days",
    ):
        for key in keys:
            inflow[key] += n
            if span is not None:
                days[key][span] += n
    out.append(_count_indicator("inflode", "Inflöde (nya inskrivna)", inflow))
    # On the way at the period's end; among them the KAA young people, and those of them
    # with no measure going on that day.
    kaa_now = f"({_between('age', *_range(b.rules.kaa))} AND no_school)"
    active, kaa, idle = b.sums(
        "i.pid AS pid",
        ":end",
        _WAY + " AND i.entry_date <= :end AND (i.exit_on IS NULL OR i.exit_on > :end)",
        f"""COUNT(*), SUM({kaa_now}), SUM(CASE WHEN {kaa_now} THEN NOT EXISTS (
              SELECT 1 FROM individual_measure im
              WHERE im.individual_id = pid AND im.deleted_at IS NULL
                AND im.status <> 'planerad' AND im.start_date <= :end
                AND (im.end_date IS NULL OR im.end_date >= :end)) ELSE 0 END)""",
        3,
    )
    out.append(_count_indicator("aktiva", "Aktiva vid periodens slut", active))

    known = ", ".join(f"'{code}'" for code in OUTCOMES)
    exits: dict[str, dict[Key, int]] = {code: defaultdict(int) for code in OUTCOMES}
    total_exits: dict[Key, int] = defaultdict(int)
    for keys, (outcome, n) in b.rows(
        f"CASE WHEN i.outcome IN ({known}) THEN i.outcome ELSE 'okant' END AS outcome",
        "i.exit_on",
        _WAY + " AND i.exit_on BETWEEN :start AND :end",
        "outcome, COUNT(*)",
        group="outcome",
    ):
        for key in keys:
            exits[outcome][key] += n
            total_exits[key] += n
    out.append(_count_indicator("avslut", "Avslutade", total_exits))
    for code, label in OUTCOMES.items():
        out.append(
            _count_indicator(f"avslut_{code}", f"Avslutade: {label}", exits[code], part_of="avslut")
        )
    established: dict[Key, int] = defaultdict(int)
    for code in ESTABLISHED:
        for key, n in exits[code].items():
            established[key] += n
    out.append(
        _share_indicator(
            "andel_arbete_studier", "Andel avslutade till arbete/studier", established, total_exits
        )
    )

    out.append(_median_indicator("median_forsta_insats", "Mediandagar till första insats", days))

    # The ways whose deadline fell in the period. One that ended before its deadline
    # without a measure is left out: the promise lapsed rather than failed.
    deadline = f"date(i.entry_date, '+{int(guarantee.days)} days')"
    kept, covered = b.sums(
        f"""{_age("i.entry_date")} AS entry_age, {deadline} AS due, i.exit_on AS exit_on,
            i.first_ws AS first_start""",
        "i.entry_date",
        _WAY + f" AND i.birth_date IS NOT NULL AND {deadline} BETWEEN :start AND :end",
        "SUM(first_start IS NOT NULL AND first_start <= due), COUNT(*)",
        2,
        where=f"entry_age BETWEEN {int(guarantee.min_age)} AND {int(guarantee.max_age)}"
        " AND NOT (exit_on IS NOT NULL AND exit_on <= due"
        " AND (first_start IS NULL OR first_start > exit_on))",
    )
    out.append(
        _share_indicator(
            "garanti_90", f"Andel med insats inom {guarantee.days} dagar", kept, covered
        )
    )

    out.append(_count_indicator("kaa_utan_aktivitet", "KAA-unga utan aktivitet", idle))
    out.append(
        _share_indicator("kaa_utan_aktivitet_andel", "Andel KAA-unga utan aktivitet", idle, kaa)
    )
    return out


_SENT = """FROM referral r CROSS JOIN report_person i ON i.id = r.individual_id
    JOIN (SELECT referral_id, MIN(happened_on) AS sent_on FROM referral_event
          WHERE action = 'send' AND deleted_at IS NULL GROUP BY referral_id) s
      ON s.referral_id = r.id
    LEFT JOIN (SELECT referral_id, MIN(happened_on) AS replied_on FROM referral_event
          WHERE action IN ('accept', 'decline') AND deleted_at IS NULL GROUP BY referral_id) a
      ON a.referral_id = r.id
    WHERE r.deleted_at IS NULL AND s.sent_on BETWEEN :start AND :end"""


def _referral_indicators(b: _Builder) -> list[Indicator]:
    """Referrals sent in the period, all and by kind: how many, the median days to an
    answer (accepted or declined), and the share answered by the reply-by date."""
    counts: dict[str, dict[Key, int]] = defaultdict(lambda: defaultdict(int))
    on_time: dict[str, dict[Key, int]] = defaultdict(lambda: defaultdict(int))
    replies: dict[str, dict[Key, dict[float, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for keys, (kind, span, in_time, n) in b.rows(
        """r.kind AS kind, s.sent_on AS sent_on, a.replied_on AS replied_on,
           r.reply_by AS reply_by""",
        "s.sent_on",
        _SENT,
        """kind, julianday(replied_on) - julianday(sent_on) AS span,
           COALESCE(replied_on <= reply_by, 0) AS in_time, COUNT(*)""",
        group="kind, span, in_time",
    ):
        kind = kind if kind in REFERRAL_KINDS else "other"
        for key in keys:
            for k in ("alla", kind):
                counts[k][key] += n
                on_time[k][key] += in_time * n
                if span is not None:
                    replies[k][key][span] += n
    out = []
    for kind in ("alla", *REFERRAL_KINDS):
        name = "Remisser" if kind == "alla" else f"Remisser: {REFERRAL_KINDS[kind]}"
        suffix = "" if kind == "alla" else f"_{kind}"
        out.append(
            _count_indicator(
                f"remisser{suffix}",
                name,
                counts[kind],
                part_of=None if kind == "alla" else "remisser",
            )
        )
        out.append(
            _median_indicator(
                f"remisser_svarsdagar{suffix}", f"{name}, mediandagar till svar", replies[kind]
            )
        )
        out.append(
            _share_indicator(
                f"remisser_besvarade{suffix}",
                f"{name}, andel besvarade i tid",
                on_time[kind],
                counts[kind],
            )
        )
    return out


def _track_indicators(b: _Builder) -> list[Indicator]:
    """Job tracks running some day of the period: places and who took part (a measure on
    the track going on some day of the period), and whether each participant was in the
    track's target group when the measure started."""
    running = """FROM job_track t WHERE t.deleted_at IS NULL AND t.period_from <= :end
        AND (t.period_to IS NULL OR t.period_to >= :start)"""
    tracks = b.conn.execute(
        text(
            f"""SELECT t.id, t.places, (SELECT COUNT(DISTINCT im.individual_id)
                 FROM individual_measure im
                 WHERE im.job_track_id = t.id AND im.deleted_at IS NULL
                   AND im.status <> 'planerad' AND im.start_date <= :end
                   AND (im.end_date IS NULL OR im.end_date >= :start)) {running}"""
        ),
        b.params,
    ).all()
    r = b.rules
    in_group = f"""CASE target_group
        WHEN 'unga_16_24' THEN {_between("age", *_range(r.young_narrow))}
        WHEN 'unga_16_29' THEN {_between("age", *_range(r.young_wide))}
        WHEN 'kaa' THEN ({_between("age", *_range(r.kaa))} AND no_school)
        WHEN 'nyanland' THEN newc
        WHEN 'etablering' THEN (newc AND {_between("age", *_range(r.establishment))})
        WHEN 'utbildningskontrakt' THEN ({_between("age", *_range(r.education_contract))}
            AND no_school)
        ELSE 0 END"""
    people = b.counts(
        "im.start_date",
        """FROM job_track t CROSS JOIN individual_measure im ON im.job_track_id = t.id
           CROSS JOIN report_person i ON i.id = im.individual_id
           WHERE im.deleted_at IS NULL AND t.deleted_at IS NULL
             AND im.status <> 'planerad' AND im.start_date <= :end
             AND (im.end_date IS NULL OR im.end_date >= :start)""",
        "im.individual_id",
    )
    in_target, taking_part = b.sums(
        "t.target_group AS target_group",
        "im.start_date",
        """FROM job_track t CROSS JOIN individual_measure im ON im.job_track_id = t.id
           CROSS JOIN report_person i ON i.id = im.individual_id
           WHERE im.deleted_at IS NULL AND t.deleted_at IS NULL
             AND im.status <> 'planerad' AND im.start_date <= :end
             AND (im.end_date IS NULL OR im.end_date >= :start)""",
        f"SUM({in_group}), COUNT(*)",
        2,
        group="target_group",
    )
    return [
        _figure("jobbspar", "Jobbspår", len(tracks)),
        _figure("jobbspar_platser", "Platser i jobbspår", sum(t[1] for t in tracks)),
        _figure("jobbspar_tillsatta", "Tillsatta platser", sum(min(t[1], t[2]) for t in tracks)),
        _count_indicator("jobbspar_deltagare", "Deltagare i jobbspår", people),
        _share_indicator(
            "jobbspar_malgrupp_andel", "Andel deltagare ur spårets målgrupp", in_target, taking_part
        ),
    ]


def _meeting_indicators(b: _Builder) -> list[Indicator]:
    held_day = "substr(mt.starts_at, 1, 10)"
    held = b.conn.execute(
        text(
            f"""SELECT COUNT(*) FROM meeting mt WHERE mt.deleted_at IS NULL
                AND {held_day} BETWEEN :start AND :held_until"""
        ),
        b.params,
    ).scalar_one()
    discussed = b.counts(
        held_day,
        f"""FROM agendaitem a JOIN meeting mt ON mt.id = a.meeting_id
            JOIN report_person i ON i.id = a.individual_id
            WHERE a.deleted_at IS NULL AND mt.deleted_at IS NULL
              AND {held_day} BETWEEN :start AND :held_until""",
        "a.individual_id",
    )
    return [
        _figure("moten", "Hållna samverkansmöten", held),
        _count_indicator("moten_personer", "Personer som diskuterats på möten", discussed),
    ]


_FAMILIES = {
    "way": _way_indicators,
    "remisser": _referral_indicators,
    "jobbspar": _track_indicators,
    "moten": _meeting_indicators,
}


def _family(key: str) -> str:
    return next((f for f in _FAMILIES if key.startswith(f)), "way")


def _indicators(
    conn, period: Period, rules: TargetGroupRules, today: date, guarantee, families=_FAMILIES
) -> list[Indicator]:
    b = _Builder(conn, period, rules, today)
    out: list[Indicator] = []
    for family in families:
        if family == "way":
            out += _way_indicators(b, guarantee)
        else:
            out += _FAMILIES[family](b)
    return out


@contextmanager
def _prepared(db: Database, rules: TargetGroupRules) -> Iterator:
    with db.engine.connect() as conn:
        cache = _prepare(conn, rules)
        try:
            yield conn
        finally:
            _clean_up(conn, cache)


def _check_goals(conn, agreement: Agreement, report: Report, rules, guarantee) -> list[GoalResult]:
    current = report.by_key()
    results = []
    baselines: dict[Period, dict[str, Indicator]] = {}
    for goal in _goals(agreement.goals):
        for ind in goal.indicators:
            key = indicator_key(ind.indicator)
            target = parse_target(ind.target or "")
            known = key is not None and key in current
            figure = current[key].total() if known else None
            common = dict(
                goal=goal.goal,
                indicator=ind.indicator,
                target=ind.target,
                indicator_key=key if known else None,
                figure=figure,
                kind=current[key].kind if known else "",
            )
            if not known:
                results.append(GoalResult(**common, note="Mäts inte i registret"))
                continue
            if target is None:
                results.append(GoalResult(**common, note="Ingen mätbar målnivå"))
                continue
            if target.year is None:
                results.append(GoalResult(**common, met=is_met(target, figure.value)))
                continue
            year = baseline_year(target.year, ind.year, report.period.start.year)
            other = report.period.in_year(year)
            if other == report.previous_period:
                baselines[other] = dict(report.previous)
            if other not in baselines or key not in baselines[other]:
                found = _indicators(
                    conn, other, rules, report.made_on, guarantee, families=(_family(key),)
                )
                baselines.setdefault(other, {}).update({i.key: i for i in found})
            base = baselines[other][key].total()
            results.append(
                GoalResult(
                    **common,
                    baseline_label=other.label,
                    baseline=base,
                    met=is_met(target, figure.value, base.value),
                )
            )
    return results


def _agreement(db: Database, agreement_id: str | None) -> Agreement | None:
    if agreement_id is None:
        return None
    with db.session() as session:
        agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.deleted_at is not None:
        raise NotFound("Överenskommelsen finns inte längre.")
    return agreement


def build_report(db: Database, period: Period, agreement_id: str | None = None) -> Report:
    """The report for `period` and the one before it; with an agreement, its age limits
    for the subgroups and its goals checked."""
    today = clock.today()
    agreement = _agreement(db, agreement_id)
    rules = rules_for(agreement)
    guarantee = guarantee_rule(db)
    with _prepared(db, rules) as conn:
        previous_period = period.previous()
        report = Report(
            period=period,
            indicators=_indicators(conn, period, rules, today, guarantee),
            previous_period=previous_period,
            previous={
                i.key: i for i in _indicators(conn, previous_period, rules, today, guarantee)
            },
            subgroups=subgroup_labels(rules),
            agreement_title=agreement.title if agreement else "",
            made_on=today,
        )
        if agreement is not None:
            report.goals = _check_goals(conn, agreement, report, rules, guarantee)
    return report


def trend(
    db: Database, period: Period, agreement_id: str | None = None, count: int = 6
) -> list[tuple[Period, dict[str, Cell]]]:
    """Every indicator's total in this period and the ones before it, oldest first."""
    rules = rules_for(_agreement(db, agreement_id))
    guarantee = guarantee_rule(db)
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    out = []
    with _prepared(db, rules) as conn:
        for p in reversed(periods):
            totals = {
                i.key: i.total() for i in _indicators(conn, p, rules, clock.today(), guarantee)
            }
            out.append((p, totals))
    return out
