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
    groups_not_decided,
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


def test_without_school_data_no_group_rests_on_school_and_the_gap_is_named():
    # 18, received from another organisation without Utbildning och skolgång: the columns'
    # defaults (not in school, no diploma) would make her KAA; they say nothing.
    unknown = PersonFacts(birth_date=date(2008, 2, 29), school_known=False)
    assert codes(birth_date=date(2008, 2, 29), school_known=False) == ["unga_16_24", "unga_16_29"]
    assert [(m.label, m.reason) for m in groups_not_decided(unknown, ON)] == [
        ("KAA", "kan inte avgöras: uppgift om gymnasieskola och examen saknas här")
    ]
    # 22: utbildningskontrakt is the one that cannot be told.
    older = PersonFacts(birth_date=date(2004, 5, 1), school_known=False)
    assert [m.code for m in target_groups(older, ON)] == ["unga_16_24", "unga_16_29"]
    assert [m.code for m in groups_not_decided(older, ON)] == ["utbildningskontrakt"]
    # 30, or on a samordningsnummer at 18: nothing rests on school anyway.
    assert groups_not_decided(PersonFacts(date(1996, 11, 24), school_known=False), ON) == []
    assert (
        groups_not_decided(
            PersonFacts(date(2008, 2, 29), has_samordningsnummer=True, school_known=False), ON
        )
        == []
    )
    # Known school data: nothing undecided.
    assert groups_not_decided(PersonFacts(birth_date=date(2008, 2, 29)), ON) == []


def test_youth_limits():
    # 15, sixteen tomorrow: no age group; in KAA, since compulsory school ended in June.
    assert codes(birth_date=date(2010, 11, 25)) == ["kaa"]
    assert codes(birth_date=date(2010, 11, 25), in_upper_secondary=True) == []
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


def test_the_establishment_programme_is_a_recorded_fact_not_an_age():
    # Participation is an AF decision: a newcomer of 35 without a recorded programme is
    # one of the "övriga nyanlända", not in the programme.
    permit = date(2025, 6, 1)
    adult = dict(birth_date=date(1990, 1, 1), residence_permit_date=permit)
    assert codes(**adult, has_upper_secondary_diploma=True) == ["nyanland"]
    assert codes(
        **adult, has_upper_secondary_diploma=True, establishment_from=date(2025, 8, 1)
    ) == ["nyanland", "etablering"]
    # The programme ended 2026-10-31: on 2026-11-24 an "övrig nyanländ" again.
    assert codes(
        **adult,
        has_upper_secondary_diploma=True,
        establishment_from=date(2025, 8, 1),
        establishment_until=date(2026, 10, 31),
    ) == ["nyanland"]
    # Its last day counts; the day it starts counts; a start in the future does not.
    facts = PersonFacts(**adult, establishment_from=date(2025, 8, 1),
                        establishment_until=date(2026, 10, 31))  # fmt: skip
    assert "etablering" in [m.code for m in target_groups(facts, date(2026, 10, 31))]
    assert "etablering" in [m.code for m in target_groups(facts, date(2025, 8, 1))]
    assert "etablering" not in [m.code for m in target_groups(facts, date(2025, 7, 31))]
    # Age no longer decides: 66 and in the programme is in it, 40 and not is not.
    assert "etablering" in codes(
        birth_date=date(1960, 1, 1), residence_permit_date=permit,
        establishment_from=date(2025, 9, 1),
    )  # fmt: skip
    assert "etablering" not in codes(birth_date=date(1986, 1, 1), residence_permit_date=permit)


def test_kaa_starts_when_compulsory_school_is_completed_not_at_16():
    # Without a recorded day: compulsory school ends with the spring term of the year
    # the person turns 16 (skollagen 7 kap. 12 §); KAA from 30 June that year.
    autumn_born = PersonFacts(birth_date=date(2010, 12, 1))  # 16 on 2026-12-01
    assert "kaa" not in [m.code for m in target_groups(autumn_born, date(2026, 6, 29))]
    # 15 years old, done with compulsory school: in KAA.
    assert "kaa" in [m.code for m in target_groups(autumn_born, date(2026, 6, 30))]
    spring_born = PersonFacts(birth_date=date(2010, 3, 1))  # 16 on 2026-03-01
    assert "kaa" not in [m.code for m in target_groups(spring_born, date(2026, 5, 1))]
    # Finished a year late, on a recorded day: 16 and 17 are not enough.
    late = PersonFacts(birth_date=date(2009, 5, 5), compulsory_school_done_on=date(2026, 6, 12))
    assert "kaa" not in [m.code for m in target_groups(late, date(2026, 6, 11))]
    assert "kaa" in [m.code for m in target_groups(late, date(2026, 6, 12))]


def test_kaa_requires_folkbokforing():
    # A samordningsnummer means the person is not folkbokförd: the municipal activity
    # responsibility covers young people "i kommunen", those registered there.
    assert "kaa" in codes(birth_date=date(2008, 1, 1))
    assert "kaa" not in codes(birth_date=date(2008, 1, 1), has_samordningsnummer=True)


def test_reasons_are_swedish_and_name_the_dates():
    [young, wide, new, est] = target_groups(
        PersonFacts(
            birth_date=date(2003, 5, 1),
            residence_permit_date=date(2024, 5, 1),
            has_upper_secondary_diploma=True,
            establishment_from=date(2024, 9, 2),
        ),
        ON,
    )
    assert young.label == "Unga 16–24"
    assert young.reason == "23 år (16–24 år)"
    assert new.reason == (
        "Första uppehållstillstånd 2024-05-01, inom 36 månader (t.o.m. 2027-05-01)"
    )
    assert est.reason == "I etableringsprogrammet sedan 2024-09-02"
    [kaa] = [
        m for m in target_groups(PersonFacts(birth_date=date(2008, 1, 1)), ON) if m.code == "kaa"
    ]
    assert kaa.reason == (
        "18 år, skolplikten fullgjord 2024-06-30 (vårterminen det år hen fyllde 16), "
        "går inte i gymnasieskolan och saknar gymnasieexamen"
    )
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
