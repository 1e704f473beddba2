"""Target groups as date ranges, so a list can filter on them in SQL.

Each group in `target_groups` is a rule over birth date, residence permit date and two
school flags. Here the same rules become bounds on those columns for a given day; the
tests check that both give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ungtui.domain.ages import birth_date_bounds
from ungtui.domain.dates import earliest_start_still_within
from ungtui.domain.target_groups import DEFAULT_RULES, AgeRange, TargetGroupRules


@dataclass(frozen=True)
class GroupBounds:
    birth_from: date | None = None
    birth_to: date | None = None
    permit_from: date | None = None  # residence permit on or after this day …
    permit_to: date | None = None  # … and on or before this one
    requires_no_school: bool = False  # not in upper secondary and no diploma


def _ages(age_range: AgeRange, on: date) -> tuple[date, date]:
    return birth_date_bounds(age_range.min_age, age_range.max_age, on)


def group_bounds(code: str, on: date, rules: TargetGroupRules = DEFAULT_RULES) -> GroupBounds:
    permit_from = earliest_start_still_within(rules.newcomer_months, on)
    if code == "unga_16_24":
        lo, hi = _ages(rules.young_narrow, on)
        return GroupBounds(birth_from=lo, birth_to=hi)
    if code == "unga_16_29":
        lo, hi = _ages(rules.young_wide, on)
        return GroupBounds(birth_from=lo, birth_to=hi)
    if code == "kaa":
        lo, hi = _ages(rules.kaa, on)
        return GroupBounds(birth_from=lo, birth_to=hi, requires_no_school=True)
    if code == "nyanland":
        return GroupBounds(permit_from=permit_from, permit_to=on)
    if code == "etablering":
        lo, hi = _ages(rules.establishment, on)
        return GroupBounds(birth_from=lo, birth_to=hi, permit_from=permit_from, permit_to=on)
    if code == "utbildningskontrakt":
        lo, hi = _ages(rules.education_contract, on)
        return GroupBounds(birth_from=lo, birth_to=hi, requires_no_school=True)
    raise ValueError(f"Okänd målgrupp: {code}")
