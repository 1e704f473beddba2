"""What a follow-up report holds: cells by subgroup and gender, indicators, goals."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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
