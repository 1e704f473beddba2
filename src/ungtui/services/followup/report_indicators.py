"""The indicators, one family of queries each: the way (inflow, active, exits, those who
start work or studies among the unemployed, first measure, agreements' guarantees, KAA
young people without activity), people and their standing at AF, referrals, job tracks
and meetings. Each works out a row's subgroups on the day that matters for it: entry,
exit, the period's end, the day the person joined an agreement's offer, the day a
referral was sent, the day of the meeting."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import text

from ungtui.domain import ages
from ungtui.domain.dates import day_number_sql
from ungtui.domain.guarantee import AgreementGuarantee
from ungtui.domain.periods import Period
from ungtui.domain.referral_vocabulary import REFERRAL_KINDS
from ungtui.domain.target_groups import REGISTERED_AT_AF, TargetGroupRules, group_on_day_sql
from ungtui.domain.way import ESTABLISHED, OUTCOMES
from ungtui.services.followup.report_model import ALL, Cell, Indicator, Key, Scope
from ungtui.services.followup.report_sql import QueryBuilder, person_join, sums_on_days

# A way (w) and its person (i).
_WAY = "FROM report_way w CROSS JOIN report_person i ON i.n = w.n WHERE 1"
WORK = ("arbete", "arbete_subvention")


def _codes(codes) -> str:
    return ", ".join(f"'{code}'" for code in codes)


def _count_indicator(key: str, label: str, cells: dict[Key, int], **extra) -> Indicator:
    return Indicator(key, label, "antal", {k: Cell(v, v) for k, v in cells.items()}, **extra)


def _share_indicator(key: str, label: str, parts: dict, wholes: dict, **extra) -> Indicator:
    cells = {}
    for k, whole in wholes.items():
        part = parts.get(k, 0)
        cells[k] = Cell(part / whole if whole else None, whole, part)
    return Indicator(key, label, "andel", cells, **extra)


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


def _way_indicators(b: QueryBuilder) -> list[Indicator]:
    out: list[Indicator] = []
    # Entries in the period, with the days to each one's first measure (if it had started
    # by the period's end): the inflow and the median in one pass.
    inflow: dict[Key, int] = defaultdict(int)
    days: dict[Key, dict[float, int]] = defaultdict(lambda: defaultdict(int))
    for keys, (span, n) in b.rows(
        """CASE WHEN w.first_start <= :end
             THEN julianday(w.first_start) - julianday(w.entry_date) END AS days""",
        "w.entry",
        _WAY + " AND w.entry_date BETWEEN :start AND :end",
        "days, COUNT(*)",
        group="days",
        row="days",
    ):
        for key in keys:
            inflow[key] += n
            if span is not None:
                days[key][span] += n
    out.append(_count_indicator("inflode", "Inflöde (nya inskrivna)", inflow))
    # On the way at the period's end; among them the KAA young people, and those of them
    # with no measure going on that day.
    kaa_now = group_on_day_sql(b.rules, "d")["kaa"]
    active: dict[Key, int] = defaultdict(int)
    kaa: dict[Key, int] = defaultdict(int)
    idle: dict[Key, int] = defaultdict(int)
    # (those with one way only, kept apart for the count of the unemployed below)
    active_once: dict[Key, int] = defaultdict(int)
    for keys, (multi, n, n_kaa, n_idle) in b.rows(
        "i.pid AS pid, i.multi AS multi",
        ":end_n",
        _WAY + " AND w.entry_date <= :end AND (w.exit_on IS NULL OR w.exit_on > :end)",
        "multi, COUNT(*), SUM(kaa_now), SUM(idle)",
        group="multi",
        row=f"""multi, {kaa_now} AS kaa_now, CASE WHEN {kaa_now} THEN NOT EXISTS (
              SELECT 1 FROM individual_measure im
              WHERE im.individual_id = pid AND im.deleted_at IS NULL
                AND im.status <> 'planerad' AND im.start_date <= :end
                AND (im.end_date IS NULL OR im.end_date >= :end)) ELSE 0 END AS idle""",
    ):
        for key in keys:
            active[key] += n
            kaa[key] += n_kaa or 0
            idle[key] += n_idle or 0
            if not multi:
                active_once[key] += n
    out.append(_count_indicator("aktiva", "Aktiva vid periodens slut", active))

    known = _codes(OUTCOMES)
    exits: dict[str, dict[Key, int]] = {code: defaultdict(int) for code in OUTCOMES}
    total_exits: dict[Key, int] = defaultdict(int)
    exits_once: dict[str, dict[Key, int]] = defaultdict(lambda: defaultdict(int))
    for keys, (outcome, multi, n) in b.rows(
        f"""CASE WHEN w.outcome IN ({known}) THEN w.outcome ELSE 'okant' END AS outcome,
            i.multi AS multi""",
        "w.exit",
        _WAY + " AND w.exit_on BETWEEN :start AND :end",
        "outcome, multi, COUNT(*)",
        group="outcome, multi",
        row="outcome, multi",
    ):
        for key in keys:
            exits[outcome][key] += n
            total_exits[key] += n
            if not multi:
                exits_once[outcome][key] += n
    out.append(_count_indicator("avslut", "Avslutade", total_exits))
    for code, label in OUTCOMES.items():
        out.append(
            _count_indicator(f"avslut_{code}", f"Avslutade: {label}", exits[code], part_of="avslut")
        )
    established: dict[Key, int] = defaultdict(int)
    for code in ESTABLISHED:
        for key, n in exits[code].items():
            established[key] += n
    others = {k: n - established.get(k, 0) for k, n in total_exits.items()}
    out.append(
        _share_indicator(
            "andel_arbete_studier",
            "Andel avslutade till arbete/studier",
            established,
            total_exits,
            parts_of=(("established", tuple(f"avslut_{c}" for c in sorted(ESTABLISHED))), "avslut"),
        )
    )
    out.append(
        _share_indicator(
            "andel_program_ovriga",
            "Andel av avslutade utan arbete/studier som gick till program",
            exits["program"],
            others,
            parts_of=(
                "avslut_program",
                ("others", tuple(f"avslut_{c}" for c in OUTCOMES if c not in ESTABLISHED)),
            ),
        )
    )
    out += _starts_indicators(b, active_once, exits_once)
    out.append(_median_indicator("median_forsta_insats", "Mediandagar till första insats", days))
    out.append(_count_indicator("kaa_utan_aktivitet", "KAA-unga utan aktivitet", idle))
    out.append(
        _share_indicator(
            "kaa_utan_aktivitet_andel",
            "Andel KAA-unga utan aktivitet",
            idle,
            kaa,
            parts_of=("kaa_utan_aktivitet", "kaa_aktiva"),
        )
    )
    return out


def _starts_indicators(
    b: QueryBuilder, active_once: dict[Key, int], exits_once: dict[str, dict[Key, int]]
) -> list[Indicator]:
    """Seed 004, 7.1: of the unemployed in the group during the period (everyone on the
    way some day of it), how many started work or regular studies (left the way for
    them), and the shares for work and for studies apart. A person counts once, in the
    subgroups of the day they left, or of the period's end if they stayed.

    Nearly everyone has one way: on the way some day of the period is on it at the end
    (`active_once`) or left during it (`exits_once`, by outcome, counted on the day they
    left), both counted already. The few who came back after an exit are counted here,
    once each over their ways, with a person's columns taken from any of their ways
    (they are the same on each)."""
    in_period = "exit_on BETWEEN :start AND :end"
    again = b.sums(
        "m.ws AS ws, m.w AS w, m.s AS s",
        day_number_sql("m.d"),
        f"""FROM (SELECT n,
                MIN(CASE WHEN exit_on IS NOT NULL AND exit_on < :end THEN exit_on
                    ELSE :end END) AS d,
                MAX({in_period} AND outcome IN ({_codes(ESTABLISHED)})) AS ws,
                MAX({in_period} AND outcome IN ({_codes(WORK)})) AS w,
                MAX({in_period} AND outcome = 'studier') AS s
            FROM report_way WHERE n IN (SELECT n FROM report_multi)
              AND entry_date <= :end AND (exit_on IS NULL OR exit_on >= :start)
            GROUP BY n) m CROSS JOIN report_person i ON i.n = m.n""",
        "COUNT(*), SUM(ws), SUM(w), SUM(s)",
        4,
        row="ws, w, s",
    )

    def once(codes) -> dict[Key, int]:
        cells: dict[Key, int] = defaultdict(int)
        for code in codes:
            for key, n in exits_once.get(code, {}).items():
                cells[key] += n
        return cells

    unemployed_once = once(exits_once)
    for key, n in active_once.items():
        unemployed_once[key] += n
    firsts = (unemployed_once, once(ESTABLISHED), once(WORK), once(("studier",)))
    for one, more in zip(firsts, again, strict=True):
        for key, n in more.items():
            one[key] += n
    unemployed, starts, work, studies = firsts
    return [
        _count_indicator("arbetslosa", "Arbetslösa i gruppen under perioden", unemployed),
        _count_indicator("borjar_arbete_studier", "Började arbeta eller studera", starts),
        _count_indicator("borjar_arbete", "Började arbeta", work),
        _count_indicator("borjar_studier", "Började reguljära studier", studies),
        _share_indicator(
            "andel_borjar_arbete_studier",
            "Andel arbetslösa som började arbeta eller studera",
            starts,
            unemployed,
            parts_of=("borjar_arbete_studier", "arbetslosa"),
        ),
        _share_indicator(
            "andel_borjar_arbete",
            "Andel arbetslösa som började arbeta",
            work,
            unemployed,
            parts_of=("borjar_arbete", "arbetslosa"),
        ),
        _share_indicator(
            "andel_borjar_studier",
            "Andel arbetslösa som började studera",
            studies,
            unemployed,
            parts_of=("borjar_studier", "arbetslosa"),
        ),
    ]


def _guarantee_indicators(b: QueryBuilder, guarantees: tuple[AgreementGuarantee, ...]):
    """The ways whose deadline fell in the period, each under the guarantee of the
    agreement it follows (domain.guarantee.GuaranteeRules). One that ended before its
    deadline without a measure is left out: the promise lapsed rather than failed."""
    if not guarantees:
        return []
    _guarantee_tables(b, guarantees)
    rule = """(SELECT ga.rule FROM temp.report_g_agreement ga
        WHERE ga.org = i.org AND (ga.since IS NULL OR ga.since <= w.joined_on)
          AND (ga.until IS NULL OR w.joined_on <= ga.until)
          AND (i.kom = ''
            OR NOT EXISTS (SELECT 1 FROM temp.report_g_place gp WHERE gp.rule = ga.rule)
            OR i.kom IN (SELECT gp.name FROM temp.report_g_place gp WHERE gp.rule = ga.rule))
        ORDER BY ga.rule LIMIT 1)"""
    due = "date(w.joined_on, '+' || r.days || ' days')"
    joined_age = ages.age_sql("w.joined_on", *ages.birth_parts_sql("i.birth_date"))
    kept, covered = b.sums(
        f"""{joined_age} AS joined_age, r.min_age AS min_age,
            r.max_age AS max_age, {due} AS due, w.exit_on AS exit_on,
            CASE WHEN r.counts = 'alla' THEN w.first_start ELSE w.first_ws END AS first_start""",
        day_number_sql("w.joined_on"),
        f"""FROM report_way w CROSS JOIN report_person i ON i.n = w.n
            JOIN temp.report_g_rule r ON r.rule = {rule}
            WHERE w.joined_on IS NOT NULL AND i.birth_date IS NOT NULL
              AND {due} BETWEEN :start AND :end""",
        "SUM(kept), COUNT(*)",
        2,
        row="first_start IS NOT NULL AND first_start <= due AS kept",
        where="joined_age BETWEEN min_age AND max_age"
        " AND NOT (exit_on IS NOT NULL AND exit_on <= due"
        " AND (first_start IS NULL OR first_start > exit_on))",
    )
    spans = {g.rule.days for g in guarantees}
    label = (
        f"Andel med insats inom {spans.pop()} dagar (garantin)"
        if len(spans) == 1
        else "Andel med insats inom garantitiden"
    )
    return [
        _share_indicator(
            "garanti", label, kept, covered, parts_of=("garanti_uppfylld", "garanti_omfattade")
        )
    ]


def _guarantee_tables(b: QueryBuilder, guarantees: tuple[AgreementGuarantee, ...]) -> None:
    raw = b.raw
    raw.execute("DROP TABLE IF EXISTS temp.report_g_rule")
    raw.execute("DROP TABLE IF EXISTS temp.report_g_agreement")
    raw.execute("DROP TABLE IF EXISTS temp.report_g_place")
    raw.execute("CREATE TEMP TABLE report_g_place (rule INTEGER, name TEXT)")
    raw.execute(
        "CREATE TEMP TABLE report_g_rule (rule INTEGER, min_age INTEGER, max_age INTEGER,"
        " days INTEGER, counts TEXT)"
    )
    raw.execute("CREATE TEMP TABLE report_g_agreement (rule INTEGER, org TEXT, since, until)")
    for n, g in enumerate(guarantees, start=1):
        r = g.rule
        raw.execute(
            "INSERT INTO report_g_rule VALUES (?, ?, ?, ?, ?)",
            (n, r.min_age, r.max_age, r.days, r.counts),
        )
        for name in sorted(g.municipalities):
            raw.execute("INSERT INTO report_g_place VALUES (?, ?)", (n, name))
        for org in sorted(g.party_ids):
            raw.execute(
                "INSERT INTO report_g_agreement VALUES (?, ?, ?, ?)",
                (
                    n,
                    org,
                    g.in_force_from.isoformat() if g.in_force_from else None,
                    g.in_force_until.isoformat() if g.in_force_until else None,
                ),
            )


def _people_indicators(bs: list[QueryBuilder]) -> list[list[Indicator]]:
    """People in the register on the period's end: with an agreement, its population;
    and their standing at AF (GGV's goals, seed 002: the young registered at AF, those
    of them in meaningful occupation, and the openly unemployed). For several periods
    at once, one list each: their people are the same rows, read once."""
    b = bs[0]
    registered = _codes(sorted(REGISTERED_AT_AF))
    recorded = b.raw.execute(
        "SELECT EXISTS (SELECT 1 FROM report_person WHERE af <> '')"
        " OR EXISTS (SELECT 1 FROM report_status WHERE kind = 'af')"
    ).fetchone()[0]
    if b.scope is None and not recorded:
        return [[] for _ in bs]

    def values(k: int) -> list[str]:
        # A CASE, not an OR: SQLite would look for the measure of everyone in a programme
        # too, and that look-up is most of what this query costs.
        occupied = f"""CASE WHEN af_{k} IN ({registered}) THEN (CASE WHEN af_{k} = 'program'
              THEN 1 ELSE EXISTS (
              SELECT 1 FROM individual_measure im
              WHERE im.individual_id = pid AND im.deleted_at IS NULL
                AND im.status <> 'planerad' AND im.start_date <= :end_{k}
                AND (im.end_date IS NULL OR im.end_date >= :end_{k})) END) ELSE 0 END"""
        return [f"af_{k} = 'oppet_arbetslos'", f"af_{k} IN ({registered})", occupied]

    source = "FROM report_person i WHERE 1"
    if b.scope is None:
        # Without an agreement only the AF figures are wanted: people with no AF status
        # then or now need not be read.
        source += " AND (i.af <> '' OR i.hist)"
    found = sums_on_days(bs, "end_n", "i.pid AS pid", source, values, 4)
    out = []
    for people, open_unemployed, at_af, in_occupation in found:
        one = []
        if b.scope is not None:
            one.append(
                _count_indicator("personer", "Personer i målgruppen vid periodens slut", people)
            )
        if recorded:
            one += [
                _count_indicator("inskrivna_af", "Inskrivna på AF vid periodens slut", at_af),
                _count_indicator(
                    "inskrivna_af_sysselsattning",
                    "Inskrivna på AF i sysselsättning (program eller insats) vid periodens slut",
                    in_occupation,
                ),
                _count_indicator(
                    "oppet_arbetslosa",
                    "Öppet arbetslösa (inskrivna på AF) vid periodens slut",
                    open_unemployed,
                ),
            ]
        out.append(one)
    return out


_SENT = f"""FROM referral r {person_join("r.individual_id")}
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
        day_number_sql("s.sent_on"),
        _SENT,
        "kind, span, in_time, COUNT(*)",
        group="kind, span, in_time",
        row="""kind, julianday(replied_on) - julianday(sent_on) AS span,
           COALESCE(replied_on <= reply_by, 0) AS in_time""",
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
                parts_of=(f"remisser_i_tid{suffix}", f"remisser{suffix}"),
            )
        )
    return out


def _track_indicators(b: QueryBuilder) -> list[Indicator]:
    """Job tracks running some day of the period — with an agreement, its own tracks
    only (seed 001 counts the tracks started under it): places and who took part (a
    measure on the track going on some day of the period), and whether each participant
    was in the target group when the measure started: the agreement's population, or
    without an agreement the track's own target group. Everyone taking part counts,
    whether in the population or not: the share is what the goal measures."""
    own = ""
    if b.scope is not None:
        own = " AND t.agreement_id = :track_agreement"
        b.params["track_agreement"] = b.scope.agreement_id
    running = f"""FROM job_track t WHERE t.deleted_at IS NULL AND t.period_from <= :end
        AND (t.period_to IS NULL OR t.period_to >= :start){own}"""
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
    groups = group_on_day_sql(b.rules, "d")
    if b.scope is not None:
        in_group = f"({b.population})"
    else:
        cases = " ".join(f"WHEN '{code}' THEN {sql}" for code, sql in groups.items())
        in_group = f"CASE target_group {cases} ELSE 0 END"
    taking_part = f"""FROM job_track t CROSS JOIN individual_measure im ON im.job_track_id = t.id
           {person_join("im.individual_id")}
           WHERE im.deleted_at IS NULL AND t.deleted_at IS NULL
             AND im.status <> 'planerad' AND im.start_date <= :end
             AND (im.end_date IS NULL OR im.end_date >= :start){own}"""
    started = day_number_sql("im.start_date")
    people = b.counts(started, taking_part, "im.individual_id", everyone=True)
    in_target, participations = b.sums(
        "t.target_group AS target_group",
        started,
        taking_part,
        "SUM(in_group), COUNT(*)",
        2,
        group="target_group",
        everyone=True,
        row=f"target_group, {in_group} AS in_group",
    )
    return [
        _figure("jobbspar", "Jobbspår", len(tracks)),
        _figure("jobbspar_platser", "Platser i jobbspår", sum(t[1] for t in tracks)),
        _figure("jobbspar_tillsatta", "Tillsatta platser", sum(min(t[1], t[2]) for t in tracks)),
        _count_indicator("jobbspar_deltagare", "Deltagare i jobbspår", people),
        _share_indicator(
            "jobbspar_malgrupp_andel",
            "Andel deltagare ur målgruppen",
            in_target,
            participations,
            parts_of=("jobbspar_i_malgrupp", "jobbspar_deltaganden"),
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
        day_number_sql(held_day),
        f"""FROM agendaitem a JOIN meeting mt ON mt.id = a.meeting_id
            {person_join("a.individual_id")}
            WHERE a.deleted_at IS NULL AND mt.deleted_at IS NULL
              AND {held_day} BETWEEN :start AND :held_until""",
        "a.individual_id",
    )
    return [
        _figure("moten", "Hållna samverkansmöten", held),
        _count_indicator("moten_personer", "Personer som diskuterats på möten", discussed),
    ]


_FAMILIES = ("way", "garanti", "personer", "remisser", "jobbspar", "moten")


def family_of(key: str) -> str:
    if key.startswith("garanti"):
        return "garanti"
    if key in ("personer", "inskrivna_af", "inskrivna_af_sysselsattning", "oppet_arbetslosa"):
        return "personer"
    return next((f for f in _FAMILIES[3:] if key.startswith(f)), "way")


def indicators(
    conn,
    period: Period,
    rules: TargetGroupRules,
    today: date,
    guarantees: tuple[AgreementGuarantee, ...] = (),
    families=_FAMILIES,
    scope: Scope | None = None,
) -> list[Indicator]:
    return indicators_over(conn, [period], rules, today, guarantees, families, scope)[0]


def indicators_over(
    conn,
    periods: list[Period],
    rules: TargetGroupRules,
    today: date,
    guarantees: tuple[AgreementGuarantee, ...] = (),
    families=_FAMILIES,
    scope: Scope | None = None,
) -> list[list[Indicator]]:
    """The indicators of each period; families whose rows are the same in every period
    read them once for all."""
    bs = [QueryBuilder(conn, period, rules, today, scope) for period in periods]
    people = _people_indicators(bs) if "personer" in families else []
    out: list[list[Indicator]] = []
    for k, b in enumerate(bs):
        found: list[Indicator] = []
        for family in families:
            if family == "way":
                found += _way_indicators(b)
            elif family == "garanti":
                found += _guarantee_indicators(b, guarantees)
            elif family == "personer":
                found += people[k]
            elif family == "remisser":
                found += _referral_indicators(b)
            elif family == "jobbspar":
                found += _track_indicators(b)
            else:
                found += _meeting_indicators(b)
        out.append(found)
    return out
