"""Ages and target groups on given days; every expected value worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ungtui.domain.ages import age_on, birth_date_bounds
from ungtui.domain.target_groups import (
    DEFAULT_RULES,
    AgeRange,
    PersonFacts,
    TargetGroupRules,
    short_codes,
    target_groups,
)
from ungtui.domain.text import fold, swedish_sort_key


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2008, 11, 24), date(2026, 11, 23), 17),  # the day before the birthday
        (date(2008, 11, 24), date(2026, 11, 24), 18),  # on the birthday
        (date(2008, 11, 24), date(2026, 11, 25), 18),
        # Born on a leap day: a year older on 28 February in other years.
        (date(2008, 2, 29), date(2026, 2, 27), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(2000, 1, 31), date(2026, 1, 30), 25),
        (date(2000, 1, 31), date(2026, 1, 31), 26),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_birth_date_bounds_by_hand():
    # Aged 16–24 on 2026-11-24: born 2001-11-25 … 2010-11-24.
    assert birth_date_bounds(16, 24, date(2026, 11, 24)) == (date(2001, 11, 25), date(2010, 11, 24))
    # On 2026-02-28 a leap-day child of 2008 has just turned 18.
    assert birth_date_bounds(18, 18, date(2026, 2, 28)) == (date(2007, 3, 1), date(2008, 2, 29))


@given(
    min_age=st.integers(0, 70),
    span=st.integers(0, 50),
    on=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2060, 12, 31)),
)
def test_birth_date_bounds_agree_with_age(min_age, span, on, born):
    if born > on:
        return
    lo, hi = birth_date_bounds(min_age, min_age + span, on)
    assert (lo <= born <= hi) == (min_age <= age_on(born, on) <= min_age + span)


ON = date(2026, 11, 24)


def codes(**facts) -> list[str]:
    return [m.code for m in target_groups(PersonFacts(**facts), ON)]


def test_kaa_is_under_twenty_without_school():
    assert codes(birth_date=date(2008, 1, 1)) == ["unga_16_24", "unga_16_29", "kaa"]
    assert codes(birth_date=date(2008, 1, 1), in_upper_secondary=True) == [
        "unga_16_24",
        "unga_16_29",
    ]
    # Turned 20 yesterday: no longer KAA, now an utbildningskontrakt candidate.
    assert codes(birth_date=date(2006, 11, 23)) == [
        "unga_16_24",
        "unga_16_29",
        "utbildningskontrakt",
    ]
    # Turns 20 tomorrow: still KAA.
    assert "kaa" in codes(birth_date=date(2006, 11, 25))


def test_youth_limits():
    assert codes(birth_date=date(2010, 11, 25)) == []  # 15, sixteen tomorrow
    assert codes(birth_date=date(2001, 11, 24), has_upper_secondary_diploma=True) == [
        "unga_16_29"
    ]  # 25 today
    assert codes(birth_date=date(1996, 11, 25), has_upper_secondary_diploma=True) == [
        "unga_16_29"
    ]  # 29, thirty tomorrow
    assert codes(birth_date=date(1996, 11, 24)) == []  # 30 today
    assert codes(birth_date=None) == []


def test_newcomer_window_counts_36_months_with_month_ends():
    # "Upp till 36 månader efter": the period ends with the day 36 months later, that day
    # included (lag 1930:173 om beräkning av lagstadgad tid, 1 §).
    # 2023-11-24 + 36 months = 2026-11-24: today is the last day inside.
    assert "nyanland" in codes(
        birth_date=date(1990, 1, 1), residence_permit_date=date(2023, 11, 24)
    )
    assert "nyanland" not in codes(
        birth_date=date(1990, 1, 1), residence_permit_date=date(2023, 11, 23)
    )
    # 2020-02-29 + 36 months = 2023-02-28 (no 29th that February: the month's last day).
    facts = PersonFacts(birth_date=date(1990, 1, 1), residence_permit_date=date(2020, 2, 29))
    assert "nyanland" in [m.code for m in target_groups(facts, date(2023, 2, 28))]
    assert "nyanland" not in [m.code for m in target_groups(facts, date(2023, 3, 1))]
    # A permit dated in the future does not count yet.
    assert "nyanland" not in codes(
        birth_date=date(1990, 1, 1), residence_permit_date=date(2026, 12, 1)
    )


def test_establishment_programme_is_newcomers_aged_20_to_65():
    permit = date(2025, 6, 1)
    assert codes(
        birth_date=date(1990, 1, 1), residence_permit_date=permit, has_upper_secondary_diploma=True
    ) == ["nyanland", "etablering"]
    assert "etablering" not in codes(birth_date=date(2007, 1, 1), residence_permit_date=permit)
    assert "etablering" in codes(birth_date=date(1961, 1, 1), residence_permit_date=permit)  # 65
    assert "etablering" not in codes(birth_date=date(1960, 1, 1), residence_permit_date=permit)


def test_reasons_are_swedish_and_name_the_dates():
    [young, wide, new, est] = target_groups(
        PersonFacts(
            birth_date=date(2003, 5, 1),
            residence_permit_date=date(2024, 5, 1),
            has_upper_secondary_diploma=True,
        ),
        ON,
    )
    assert young.label == "Unga 16–24"
    assert young.reason == "23 år (16–24 år)"
    assert new.reason == ("Första uppehållstillstånd 2024-05-01, inom 36 månader (t.o.m. 2027-05-01)")
    assert est.reason == "Nyanländ och 23 år (20–65 år)"
    assert short_codes([young, wide, new, est]) == "16–24, 16–29, Nyanl., Etabl."


def test_limits_are_configurable_per_agreement():
    rules = TargetGroupRules(
        valid_from=date(2024, 1, 1), source="Lokal överenskommelse", young_narrow=AgeRange(16, 20)
    )
    [match] = [
        m
        for m in target_groups(PersonFacts(birth_date=date(2004, 1, 1)), ON, rules)
        if m.code == "unga_16_24"
    ] or [None]
    assert match is None  # 22 is outside 16–20
    assert DEFAULT_RULES.young_narrow == AgeRange(16, 24)


def test_fold_and_swedish_order():
    assert fold("Öztürk") == "ozturk"
    assert fold("  Åsa   ÄNGLUND ") == "asa anglund"
    names = ["Öberg", "Zetterlund", "Åberg", "Ängel", "Andersson", "ärlig"]
    assert sorted(names, key=swedish_sort_key) == [
        "Andersson",
        "Zetterlund",
        "Åberg",
        "Ängel",
        "ärlig",
        "Öberg",
    ]
