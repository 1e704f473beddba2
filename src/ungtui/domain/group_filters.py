"""Target groups as date ranges, so a list can filter on them in SQL.

Each group in `target_groups` is a rule over birth date, residence permit date, the
establishment programme's dates, the day compulsory school was completed, the kind of
identity number and two school flags. Here the same rules become bounds on those columns
for a given day; the tests check that both give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ungtui.domain.ages import birth_date_bounds
from ungtui.domain.dates import earliest_start_still_within
from ungtui.domain.target_groups import DEFAULT_RULES, KAA_END_AGE, AgeRange, TargetGroupRules


@dataclass(frozen=True)
class GroupBounds:
    birth_from: date | None = None
    birth_to: date | None = None
    permit_from: date | None = None  # residence permit on or after this day …
    permit_to: date | None = None  # … and on or before this one
    requires_no_school: bool = False  # not in upper secondary and no diploma
    requires_folkbokford: bool = False  # no samordningsnummer
    # Compulsory school completed by this day: the recorded day, or with none recorded
    # a birth date on or before `school_default_birth_to`.
    school_done_by: date | None = None
    school_default_birth_to: date | None = None
    in_establishment_on: date | None = None  # establishment_from ≤ day ≤ until (or open)


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
        lo, _hi = _ages(AgeRange(0, KAA_END_AGE - 1), on)
        # The default day is 30 June of the year of the 16th birthday: passed for those
        # born up to the year on.year − 16 once 30 June has come, one year earlier before.
        year = on.year - 16 if on >= date(on.year, 6, 30) else on.year - 17
        return GroupBounds(
            birth_from=lo,
            requires_no_school=True,
            requires_folkbokford=True,
            school_done_by=on,
            school_default_birth_to=date(year, 12, 31),
        )
    if code == "nyanland":
        return GroupBounds(permit_from=permit_from, permit_to=on)
    if code == "etablering":
        return GroupBounds(in_establishment_on=on)
    if code == "utbildningskontrakt":
        lo, hi = _ages(rules.education_contract, on)
        return GroupBounds(birth_from=lo, birth_to=hi, requires_no_school=True)
    raise ValueError(f"Okänd målgrupp: {code}")
