"""The SQL bounds for each target group agree with the rules themselves, for all days."""

from __future__ import annotations

from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from ungtui.domain.dates import earliest_start_still_within
from ungtui.domain.group_filters import GroupBounds, group_bounds
from ungtui.domain.target_groups import GROUPS, PersonFacts, target_groups

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2040, 12, 31))


def inside(bounds: GroupBounds, facts: PersonFacts) -> bool:
    if bounds.birth_from or bounds.birth_to:
        if facts.birth_date is None:
            return False
        if bounds.birth_from and facts.birth_date < bounds.birth_from:
            return False
        if bounds.birth_to and facts.birth_date > bounds.birth_to:
            return False
    if bounds.permit_from or bounds.permit_to:
        permit = facts.residence_permit_date
        if permit is None or permit < bounds.permit_from or permit > bounds.permit_to:
            return False
    if bounds.requires_folkbokford and facts.has_samordningsnummer:
        return False
    if bounds.school_done_by is not None:
        done = facts.compulsory_school_done_on
        if done is not None and done > bounds.school_done_by:
            return False
        if done is None and facts.birth_date > bounds.school_default_birth_to:
            return False
    if bounds.in_establishment_on is not None:
        start, end = facts.establishment_from, facts.establishment_until
        on = bounds.in_establishment_on
        if start is None or start > on or (end is not None and end < on):
            return False
    in_school = facts.in_upper_secondary or facts.has_upper_secondary_diploma
    return not (bounds.requires_no_school and in_school)


@given(
    on=days,
    birth=days,
    permit=st.one_of(st.none(), days),
    in_school=st.booleans(),
    diploma=st.booleans(),
    school_done=st.one_of(st.none(), days),
    samordning=st.booleans(),
    est_from=st.one_of(st.none(), days),
    est_until=st.one_of(st.none(), days),
)
# Around 30 June of the 16th year, and a 20th birthday.
@example(date(2026, 6, 29), date(2010, 12, 31), None, False, False, None, False, None, None)
@example(date(2026, 6, 30), date(2010, 12, 31), None, False, False, None, False, None, None)
@example(date(2026, 6, 30), date(2011, 1, 1), None, False, False, None, False, None, None)
@example(date(2026, 3, 1), date(2006, 3, 1), None, False, False, None, False, None, None)
@example(date(2026, 2, 28), date(2006, 3, 1), None, False, False, None, False, None, None)
def test_bounds_agree_with_rules(
    on, birth, permit, in_school, diploma, school_done, samordning, est_from, est_until
):
    facts = PersonFacts(
        birth_date=birth,
        in_upper_secondary=in_school,
        has_upper_secondary_diploma=diploma,
        residence_permit_date=permit,
        compulsory_school_done_on=school_done,
        has_samordningsnummer=samordning,
        establishment_from=est_from,
        establishment_until=est_until,
    )
    by_rule = {m.code for m in target_groups(facts, on)}
    by_bounds = {code for code in GROUPS if inside(group_bounds(code, on), facts)}
    assert by_rule == by_bounds


def test_newcomer_window_at_month_ends():
    # The 36 months end with the day 36 months later, that day included (lag 1930:173).
    # On 2023-02-28 a permit of 2020-02-28 or 2020-02-29 is on its last day.
    assert earliest_start_still_within(36, date(2023, 2, 28)) == date(2020, 2, 28)
    # 2023-11-29 + 36 months = 2026-11-29, the last day; 2023-11-28 ended the day before.
    assert earliest_start_still_within(36, date(2026, 11, 29)) == date(2023, 11, 29)
    assert earliest_start_still_within(36, date(2026, 11, 24)) == date(2023, 11, 24)
    # 2023-03-31 + 36 months = 2026-03-31; on 2026-03-31 every permit from 2023-03-31.
    assert earliest_start_still_within(36, date(2026, 3, 31)) == date(2023, 3, 31)
