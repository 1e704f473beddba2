"""Target groups (målgrupper), computed from dates on a given day.

Each rule set is dated and its limits can differ per agreement; the defaults follow the
DUA agreements (16–24), Malmö's youth definition (16–29), the municipal activity
responsibility KAA (under 20, skollagen 29 kap. 9 §), newcomers (36 months after the first
residence permit, seed 001), the establishment programme (20–65) and
utbildningskontrakt (20–24 without a diploma, seed 002).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ungtui.domain.ages import age_on
from ungtui.domain.dates import months_after


@dataclass(frozen=True)
class PersonFacts:
    birth_date: date | None
    in_upper_secondary: bool = False
    has_upper_secondary_diploma: bool = False
    residence_permit_date: date | None = None


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
    kaa: AgeRange = field(default_factory=lambda: AgeRange(16, 19))
    newcomer_months: int = 36
    establishment: AgeRange = field(default_factory=lambda: AgeRange(20, 65))
    education_contract: AgeRange = field(default_factory=lambda: AgeRange(20, 24))


DEFAULT_RULES = TargetGroupRules(
    valid_from=date(2018, 1, 1),
    source="Standardregler (DUA-överenskommelser, skollagen, etableringsförordningen)",
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
    no_school = not facts.in_upper_secondary and not facts.has_upper_secondary_diploma
    newcomer_until = (
        months_after(facts.residence_permit_date, rules.newcomer_months)
        if facts.residence_permit_date
        else None
    )
    newcomer = (
        facts.residence_permit_date is not None
        and newcomer_until is not None
        and facts.residence_permit_date <= on <= newcomer_until
    )
    if age is not None and age in rules.young_narrow:
        add("unga_16_24", f"{age} år ({rules.young_narrow} år)")
    if age is not None and age in rules.young_wide:
        add("unga_16_29", f"{age} år ({rules.young_wide} år)")
    if age is not None and age in rules.kaa and no_school:
        add(
            "kaa",
            f"{age} år, går inte i gymnasieskolan och saknar gymnasieexamen",
        )
    if newcomer:
        add(
            "nyanland",
            f"Första uppehållstillstånd {facts.residence_permit_date.isoformat()}, "
            f"inom {rules.newcomer_months} månader (t.o.m. {newcomer_until.isoformat()})",
        )
    if newcomer and age is not None and age in rules.establishment:
        add("etablering", f"Nyanländ och {age} år ({rules.establishment} år)")
    if age is not None and age in rules.education_contract and no_school:
        add(
            "utbildningskontrakt",
            f"{age} år ({rules.education_contract} år) utan gymnasieexamen",
        )
    return matches


def short_codes(matches: Iterable[GroupMatch]) -> str:
    """Compact text for a list column: '16–24, 16–29, KAA'."""
    parts = []
    for match in matches:
        if match.code.startswith("unga_"):
            parts.append(match.label.removeprefix("Unga "))
        else:
            parts.append(_SHORT.get(match.code, match.label))
    return ", ".join(parts)
