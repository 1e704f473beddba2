"""Target groups (målgrupper), computed from dates and recorded facts on a given day.

Each rule set is dated and its age limits can differ per agreement; the defaults follow
the DUA agreements (16–24), Malmö's youth definition (16–29), newcomers (up to 36 months
after the first residence permit, that day included, seed 001) and utbildningskontrakt
(20–24 without a diploma, seed 002).

Two groups are not ages. The municipal activity responsibility (KAA, skollagen 29 kap.
9 §) covers young people registered in the municipality (folkbokförda: a samordningsnummer
means they are not) who have completed compulsory school and are not yet 20, and who are
not in upper secondary school and have no diploma; an agreement cannot change that. The
establishment programme is an AF decision, recorded with its start and end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from ungtui.domain.ages import age_on, turns_sql
from ungtui.domain.dates import months_after, months_after_number_sql


@dataclass(frozen=True)
class PersonFacts:
    """What the rules know about a person, as it was on the day asked about."""

    birth_date: date | None
    in_upper_secondary: bool = False
    has_upper_secondary_diploma: bool = False
    residence_permit_date: date | None = None
    establishment_from: date | None = None
    establishment_until: date | None = None
    compulsory_school_done_on: date | None = None
    has_samordningsnummer: bool = False  # not folkbokförd (yet)
    # False when this install has never had the person's school data (Utbildning och
    # skolgång was not received from the organisation that registered them): the columns
    # then hold their defaults, which say nothing, and no group may rest on them.
    school_known: bool = True


# KAA ends on the 20th birthday (skollagen 29 kap. 9 §: "inte har fyllt 20 år").
KAA_END_AGE = 20

# What a person's standing at Arbetsförmedlingen can be (GGV's goals count young people
# registered at AF, and among them the openly unemployed).
AF_STATUSES: dict[str, str] = {
    "oppet_arbetslos": "Inskriven på AF, öppet arbetslös",
    "program": "Inskriven på AF, i program med aktivitetsstöd",
    "inskriven_annan": "Inskriven på AF, annan kategori",
    "ej_inskriven": "Inte inskriven på AF",
}
REGISTERED_AT_AF = frozenset({"oppet_arbetslos", "program", "inskriven_annan"})

# School status as kept with its date (PersonStatus.kind "skola").
SCHOOL_STATUSES: dict[str, str] = {
    "ingen": "Går inte i gymnasieskolan och saknar gymnasieexamen",
    "gymnasieskola": "Går i gymnasieskolan",
    "examen": "Har gymnasieexamen",
}
STATUS_KINDS: dict[str, str] = {"skola": "Skolstatus", "af": "Status hos Arbetsförmedlingen"}


def school_status(in_upper_secondary: bool, has_diploma: bool) -> str:
    if has_diploma:
        return "examen"
    return "gymnasieskola" if in_upper_secondary else "ingen"


def compulsory_school_done(facts: PersonFacts) -> date | None:
    """The day compulsory school counts as completed: the recorded day, or else the end
    of the spring term of the year the person turns 16 (skollagen 7 kap. 12 §: it ends
    with the spring term of the tenth year, and it begins the autumn the child turns 6)."""
    if facts.compulsory_school_done_on is not None:
        return facts.compulsory_school_done_on
    if facts.birth_date is None:
        return None
    return date(facts.birth_date.year + 16, 6, 30)


def in_establishment(facts: PersonFacts, on: date) -> bool:
    return (
        facts.establishment_from is not None
        and facts.establishment_from <= on
        and (facts.establishment_until is None or on <= facts.establishment_until)
    )


@dataclass(frozen=True)
class AgeRange:
    min_age: int
    max_age: int  # inclusive

    def __contains__(self, age: int) -> bool:
        return self.min_age <= age <= self.max_age

    def __str__(self) -> str:
        return f"{self.min_age}–{self.max_age}"


@dataclass(frozen=True)
class TargetGroupRules:
    valid_from: date
    source: str
    young_narrow: AgeRange = field(default_factory=lambda: AgeRange(16, 24))
    young_wide: AgeRange = field(default_factory=lambda: AgeRange(16, 29))
    newcomer_months: int = 36
    education_contract: AgeRange = field(default_factory=lambda: AgeRange(20, 24))


DEFAULT_RULES = TargetGroupRules(
    valid_from=date(2018, 1, 1),
    source="Standardregler (DUA-överenskommelser, skollagen)",
)

GROUPS: dict[str, str] = {
    "unga_16_24": "Unga 16–24",
    "unga_16_29": "Unga 16–29",
    "kaa": "KAA",
    "nyanland": "Nyanländ",
    "etablering": "Etableringsprogrammet",
    "utbildningskontrakt": "Utbildningskontrakt",
}

_SHORT = {
    "kaa": "KAA",
    "nyanland": "Nyanl.",
    "etablering": "Etabl.",
    "utbildningskontrakt": "Utb.kontr.",
}


@dataclass(frozen=True)
class GroupMatch:
    code: str
    label: str
    reason: str


def group_label(code: str, rules: TargetGroupRules = DEFAULT_RULES) -> str:
    if code == "unga_16_24":
        return f"Unga {rules.young_narrow}"
    if code == "unga_16_29":
        return f"Unga {rules.young_wide}"
    return GROUPS[code]


def target_groups(
    facts: PersonFacts, on: date, rules: TargetGroupRules = DEFAULT_RULES
) -> list[GroupMatch]:
    matches: list[GroupMatch] = []

    def add(code: str, reason: str) -> None:
        matches.append(GroupMatch(code, group_label(code, rules), reason))

    age = age_on(facts.birth_date, on) if facts.birth_date else None
    no_school = (
        facts.school_known
        and not facts.in_upper_secondary
        and not facts.has_upper_secondary_diploma
    )
    permit = facts.residence_permit_date
    newcomer_until = months_after(permit, rules.newcomer_months) if permit else None
    if age is not None and age in rules.young_narrow:
        add("unga_16_24", f"{age} år ({rules.young_narrow} år)")
    if age is not None and age in rules.young_wide:
        add("unga_16_29", f"{age} år ({rules.young_wide} år)")
    school_done = compulsory_school_done(facts)
    if (
        age is not None
        and age < KAA_END_AGE
        and school_done is not None
        and school_done <= on
        and no_school
        and not facts.has_samordningsnummer
    ):
        when = school_done.isoformat()
        if facts.compulsory_school_done_on is None:
            when += " (vårterminen det år hen fyllde 16)"
        add(
            "kaa",
            f"{age} år, skolplikten fullgjord {when}, går inte i gymnasieskolan och saknar "
            "gymnasieexamen",
        )
    if permit is not None and newcomer_until is not None and permit <= on <= newcomer_until:
        add(
            "nyanland",
            f"Första uppehållstillstånd {permit.isoformat()}, "
            f"inom {rules.newcomer_months} månader (t.o.m. {newcomer_until.isoformat()})",
        )
    if in_establishment(facts, on):
        assert facts.establishment_from is not None
        reason = f"I etableringsprogrammet sedan {facts.establishment_from.isoformat()}"
        if facts.establishment_until is not None:
            reason += f" t.o.m. {facts.establishment_until.isoformat()}"
        add("etablering", reason)
    if age is not None and age in rules.education_contract and no_school:
        add(
            "utbildningskontrakt",
            f"{age} år ({rules.education_contract} år) utan gymnasieexamen",
        )
    return matches


SCHOOL_MISSING = "uppgift om gymnasieskola och examen saknas här"


def groups_not_decided(
    facts: PersonFacts, on: date, rules: TargetGroupRules = DEFAULT_RULES
) -> list[GroupMatch]:
    """The groups a person may be in that cannot be told, with what is missing: KAA and
    utbildningskontrakt rest on school, and without school data (school_known False)
    every other condition of theirs may hold while the defaults would say 'no school'."""
    if facts.school_known:
        return []
    age = age_on(facts.birth_date, on) if facts.birth_date else None
    if age is None:
        return []
    found: list[GroupMatch] = []
    school_done = compulsory_school_done(facts)
    if (
        age < KAA_END_AGE
        and school_done is not None
        and school_done <= on
        and not facts.has_samordningsnummer
    ):
        found.append(
            GroupMatch("kaa", group_label("kaa", rules), f"kan inte avgöras: {SCHOOL_MISSING}")
        )
    if age in rules.education_contract:
        found.append(
            GroupMatch(
                "utbildningskontrakt",
                group_label("utbildningskontrakt", rules),
                f"kan inte avgöras: {SCHOOL_MISSING}",
            )
        )
    return found


def short_codes(matches: Iterable[GroupMatch]) -> str:
    """Compact text for a list column: '16–24, 16–29, KAA'."""
    parts = []
    for match in matches:
        if match.code.startswith("unga_"):
            parts.append(match.label.removeprefix("Unga "))
        else:
            parts.append(_SHORT.get(match.code, match.label))
    return ", ".join(parts)


# --- the same rules in SQL, over a person's boundary days -------------------------------
#
# The follow-up report works the groups out in SQLite for every person and day at once,
# in this form of the rules above: what a person's groups turn on is worked out once into
# day numbers (YYYYMMDD, domain.dates.day_number_sql), the days they turn each age that
# matters and the first and last day of each dated fact, so that a group on a day is two
# or three comparisons of integers. tests/report/test_subgroups_in_sql.py checks this form against
# target_groups() over many people and days.

# A day number after every day: the boundary of something that never starts.
NEVER = 99_999_999


def boundary_ages(rules: TargetGroupRules) -> tuple[int, ...]:
    """The ages at which someone can enter or leave a group under `rules`, in order."""
    ranges = (rules.young_narrow, rules.young_wide, rules.education_contract)
    points = {KAA_END_AGE}
    for r in ranges:
        points |= {r.min_age, r.max_age + 1}
    return tuple(sorted(points))


def turns_column(years: int) -> str:
    """The column that holds the day a person turns `years` (person_bounds_sql)."""
    return f"turns{int(years)}"


def person_bounds_sql(
    rules: TargetGroupRules,
    *,
    birth: str,
    school_done: str,
    samordningsnummer: str,
    permit_from: str,
    est_from: str,
    est_until: str,
) -> dict[str, str]:
    """{column: SQL} of a person's boundary days, from day-number expressions (NULL when
    not known) of the birth date, the recorded end of compulsory school, the first
    residence permit's day and the establishment programme's days; `samordningsnummer`
    is a truth value. No column is NULL: what never begins begins on NEVER, and a group's
    last day is NEVER when it has none, so that a comparison is never unknown. `birth`
    and `permit_from` are repeated: pass columns."""
    columns = {
        # Ages only from a known birth date: without one, every turning day is NEVER and
        # the person is in no age group (nor in KAA, which has an age limit).
        turns_column(n): f"COALESCE({turns_sql(birth, n)}, {NEVER})" for n in boundary_ages(rules)
    }
    # compulsory_school_done: the recorded day, else 30 June of the year the person turns 16.
    columns["kaa_from"] = f"""CASE WHEN {birth} IS NULL OR {samordningsnummer} THEN {NEVER}
        ELSE COALESCE({school_done}, ({birth} / 10000 + 16) * 10000 + 630) END"""
    columns["newc_from"] = f"COALESCE({permit_from}, {NEVER})"
    # A newcomer up to newcomer_months after the permit, that day included.
    until = months_after_number_sql(permit_from, rules.newcomer_months)
    # (asked first: the arithmetic costs even on NULL, and most people have no permit)
    columns["newc_until"] = f"CASE WHEN {permit_from} IS NULL THEN 0 ELSE {until} END"
    columns["est_from"] = f"COALESCE({est_from}, {NEVER})"
    columns["est_until"] = f"COALESCE({est_until}, {NEVER})"
    return columns


def group_on_day_sql(rules: TargetGroupRules, day: str, no_school: str = "no_school") -> dict:
    """Each group of GROUPS on the day number `day` as an SQL condition over the columns
    of person_bounds_sql and `no_school` (not in upper secondary and no diploma, that day)."""

    def age_in(ages: AgeRange) -> str:
        return (
            f"{day} >= {turns_column(ages.min_age)} AND {day} < {turns_column(ages.max_age + 1)}"
        )

    return {
        "unga_16_24": f"({age_in(rules.young_narrow)})",
        "unga_16_29": f"({age_in(rules.young_wide)})",
        "kaa": f"({day} >= kaa_from AND {day} < {turns_column(KAA_END_AGE)} AND {no_school})",
        "nyanland": f"({day} BETWEEN newc_from AND newc_until)",
        "etablering": f"({day} BETWEEN est_from AND est_until)",
        "utbildningskontrakt": f"({age_in(rules.education_contract)} AND {no_school})",
    }


def age_groups_case_sql(rules: TargetGroupRules, day: str, values: dict[str, int]) -> str:
    """The sum of `values[code]` over the age groups (unga_16_24, unga_16_29) someone is in
    on the day number `day`, as one CASE over the turning days: between two boundary ages
    the groups stay the same, so each stretch is one WHEN."""
    ranges = {"unga_16_24": rules.young_narrow, "unga_16_29": rules.young_wide}
    points = boundary_ages(rules)
    whens = [f"WHEN {day} < {turns_column(points[0])} THEN 0"]
    for age, until in pairwise(points):
        value = sum(v for code, v in values.items() if age in ranges[code])
        whens.append(f"WHEN {day} < {turns_column(until)} THEN {value}")
    return f"CASE {' '.join(whens)} ELSE 0 END"
