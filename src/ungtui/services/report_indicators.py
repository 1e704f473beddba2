"""The indicators, one family of queries each: the way (inflow, active, exits, first
measure, the 90-day guarantee, KAA young people without activity), referrals, job tracks
and meetings. Each works out a row's subgroups on the day that matters for it: entry,
exit, the period's end, the day a referral was sent, the day of the meeting."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import text

from ungtui.domain.periods import Period
from ungtui.domain.referral_vocabulary import REFERRAL_KINDS
from ungtui.domain.target_groups import TargetGroupRules
from ungtui.domain.way import ESTABLISHED, OUTCOMES
from ungtui.services.report_model import ALL, Cell, Indicator, Key
from ungtui.services.report_sql import QueryBuilder, age_range, age_sql, between_sql

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


def _way_indicators(b: QueryBuilder, guarantee) -> list[Indicator]:
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
    kaa_now = f"({between_sql('age', *age_range(b.rules.kaa))} AND no_school)"
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
        f"""{age_sql("i.entry_date")} AS entry_age, {deadline} AS due, i.exit_on AS exit_on,
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


def _referral_indicators(b: QueryBuilder) -> list[Indicator]:
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


def _track_indicators(b: QueryBuilder) -> list[Indicator]:
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
        WHEN 'unga_16_24' THEN {between_sql("age", *age_range(r.young_narrow))}
        WHEN 'unga_16_29' THEN {between_sql("age", *age_range(r.young_wide))}
        WHEN 'kaa' THEN ({between_sql("age", *age_range(r.kaa))} AND no_school)
        WHEN 'nyanland' THEN newc
        WHEN 'etablering' THEN (newc AND {between_sql("age", *age_range(r.establishment))})
        WHEN 'utbildningskontrakt' THEN ({between_sql("age", *age_range(r.education_contract))}
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


def _meeting_indicators(b: QueryBuilder) -> list[Indicator]:
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


def family_of(key: str) -> str:
    return next((f for f in _FAMILIES if key.startswith(f)), "way")


def indicators(
    conn, period: Period, rules: TargetGroupRules, today: date, guarantee, families=_FAMILIES
) -> list[Indicator]:
    b = QueryBuilder(conn, period, rules, today)
    out: list[Indicator] = []
    for family in families:
        if family == "way":
            out += _way_indicators(b, guarantee)
        else:
            out += _FAMILIES[family](b)
    return out
