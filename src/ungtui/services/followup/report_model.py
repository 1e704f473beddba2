"""What a follow-up report holds: cells by subgroup and gender, indicators, goals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ungtui.domain.guarantee import AgreementGuarantee
from ungtui.domain.periods import Period
from ungtui.domain.target_groups import DEFAULT_RULES, TargetGroupRules

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


@dataclass(frozen=True)
class Municipality:
    """A municipality among an agreement's parties, and the names people's registered
    municipality (Individual.municipality) may have that mean it."""

    organisation_id: str
    label: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Scope:
    """An agreement's population: people whose case a party holds, in one of the target
    groups it names on the day that matters, and — when their municipality is recorded —
    registered in one of its municipalities."""

    agreement_id: str
    title: str
    party_ids: tuple[str, ...]
    groups: tuple[str, ...]  # codes of domain.target_groups.GROUPS; () means everyone
    unmeasured: tuple[str, ...]  # the agreement's groups the register cannot tell
    municipalities: tuple[Municipality, ...] = ()
    guarantee: AgreementGuarantee | None = None


def split_municipalities(scope: Scope | None) -> tuple[Municipality, ...]:
    """The municipalities the report is split by: an agreement's, when it has several."""
    if scope is None or len(scope.municipalities) < 2:
        return ()
    return scope.municipalities


def municipality_code(organisation_id: str) -> str:
    """The subgroup code of one of an agreement's municipalities."""
    return f"kommun:{organisation_id}"


def subgroup_labels(
    rules: TargetGroupRules = DEFAULT_RULES, scope: Scope | None = None
) -> dict[str, str]:
    labels = {
        "totalt": "Totalt",
        "unga_16_24": f"Unga {rules.young_narrow}",
        "unga_16_29": f"Unga {rules.young_wide}",
        "kaa": "KAA",
        "etablering": "Nyanlända i etableringsprogrammet",
        "ovriga_nyanlanda": "Övriga nyanlända",
        "funktionsnedsattning": "Funktionsnedsättning med nedsatt arbetsförmåga",
    }
    for m in split_municipalities(scope):
        labels[municipality_code(m.organisation_id)] = m.label
    return labels


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
    # A share's part and whole as counts, for the small-number rules: each is the key of
    # a count indicator with the same figures, a (name, keys) pair for a sum of count
    # indicators, or the name of a count published nowhere else.
    parts_of: tuple | None = None

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
    subgroup: str = "totalt"  # the report cell the figure is: (subgroup, ALL)
    where: str = ""  # a municipality's name when the goal holds in each one
    baseline_period: str = ""  # the label of the period compared with
    population: int | None = None  # how many people the figure is about
    population_label: str = ""  # what they are


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
    scope: Scope | None = None
    # Lines saying what the figures cover and what the agreements leave unsaid.
    notes: list[str] = field(default_factory=list)
    # Subgroups within subgroups by the rules (the small-number rules subtract them).
    nesting: tuple[tuple[str, str], ...] = (("unga_16_29", "unga_16_24"),)
    # The indicators worked out for goals compared with a year of their own, by label.
    baseline_indicators: dict[str, list[Indicator]] = field(default_factory=dict)
    # What the exports hide, worked out once (services.followup.report_export).
    hidden: tuple | None = field(default=None, repr=False, compare=False)

    def by_key(self) -> dict[str, Indicator]:
        return {i.key: i for i in self.indicators}
