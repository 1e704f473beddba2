"""The SQL that lists and reports count ages and permit periods with, run in SQLite,
agrees with the Python rules of domain.ages and domain.dates on every day: birthdays,
29 February in leap and other years, the turn of a century, month ends."""

from __future__ import annotations

import calendar
import sqlite3
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ungtui.domain.ages import age_on, age_sql, birth_parts_sql, leap_year_sql, turns, turns_sql
from ungtui.domain.dates import (
    day_number,
    day_number_sql,
    months_after,
    months_after_number_sql,
)
from ungtui.domain.identity import luhn_check_digit, parse_identity

days = st.dates(min_value=date(1890, 1, 1), max_value=date(2110, 12, 31))

AGE = age_sql(":day", *birth_parts_sql(":born"))


@pytest.fixture(scope="module")
def db():
    conn = sqlite3.connect(":memory:")
    yield conn
    conn.close()


def sql_age(db, born: date, day: date) -> int:
    found = db.execute(f"SELECT {AGE}", {"day": day.isoformat(), "born": born.isoformat()})
    return found.fetchone()[0]


@settings(max_examples=2000, deadline=None)
@given(born=days, later=st.integers(min_value=0, max_value=120 * 366))
# 29 February: a year older on 28 February in other years, on the 29th in leap years.
@example(date(2008, 2, 29), 6574)  # 2026-02-28: 18
@example(date(2008, 2, 29), 6573)  # 2026-02-27: 17
@example(date(2008, 2, 29), 7304)  # 2028-02-28: 19, the birthday is tomorrow
@example(date(2008, 2, 29), 7305)  # 2028-02-29: 20
@example(date(1896, 2, 29), 1460)  # 1900-02-28: 1900 has no 29 February
@example(date(1996, 2, 29), 1460)  # 2000-02-28: 2000 has one
# An ordinary birthday, the day before and the day itself; the birth day itself.
@example(date(2003, 2, 28), 9131)  # 2028-02-28: 25
@example(date(2003, 2, 28), 9130)  # 2028-02-27: 24
@example(date(2003, 2, 28), 0)
def test_age_in_sql_is_age_on(db, born, later):
    day = date.fromordinal(min(born.toordinal() + later, date(9999, 12, 31).toordinal()))
    assert sql_age(db, born, day) == age_on(born, day)


def test_age_in_sql_by_hand(db):
    # Written out, so that the property above cannot agree with a wrong age_on.
    assert sql_age(db, date(2008, 2, 29), date(2026, 2, 28)) == 18
    assert sql_age(db, date(2008, 2, 29), date(2026, 2, 27)) == 17
    assert sql_age(db, date(2008, 2, 29), date(2028, 2, 28)) == 19
    assert sql_age(db, date(2008, 2, 29), date(2028, 2, 29)) == 20
    assert sql_age(db, date(2002, 12, 31), date(2026, 12, 30)) == 23
    assert sql_age(db, date(2002, 12, 31), date(2026, 12, 31)) == 24


def test_no_age_without_a_birth_date_or_a_day(db):
    # The report's subgroups treat an unknown age as in no age range: it must stay NULL.
    for born, day in ((None, "2026-05-01"), ("2008-02-29", None), (None, None)):
        assert db.execute(f"SELECT {AGE}", {"day": day, "born": born}).fetchone()[0] is None
    parts = age_sql(":day", ":year", ":md")
    # A year without the day of the year (or the other way round) is no age either.
    for year, md in ((2008, None), (None, "02-29")):
        found = db.execute(f"SELECT {parts}", {"day": "2026-02-28", "year": year, "md": md})
        assert found.fetchone()[0] is None


def test_a_samordningsnummer_is_aged_from_its_real_birth_day(db):
    # Day 89 = 29 February + 60: the register keeps the birth date, and ages are read
    # from it, never from the number.
    nine = "080289328"
    number = f"20{nine}{luhn_check_digit(nine)}"
    identity = parse_identity(number, today=date(2026, 12, 1))
    assert identity.kind == "samordningsnummer"
    assert identity.birth_date == date(2008, 2, 29)
    assert sql_age(db, identity.birth_date, date(2026, 2, 28)) == 18
    assert sql_age(db, identity.birth_date, date(2026, 2, 27)) == 17


@given(year=st.integers(min_value=1, max_value=9999))
@example(1900)
@example(2000)
@example(2024)
def test_leap_year_in_sql(db, year):
    found = db.execute(f"SELECT {leap_year_sql(':y')}", {"y": year}).fetchone()[0]
    assert bool(found) == calendar.isleap(year)


@settings(max_examples=2000, deadline=None)
@given(born=days, on=days)
@example(date(2008, 2, 29), date(2026, 2, 28))
@example(date(2008, 2, 29), date(2026, 2, 27))
@example(date(2008, 2, 29), date(2028, 2, 28))
@example(date(1896, 2, 29), date(1900, 2, 28))
@example(date(2010, 5, 10), date(2009, 5, 11))  # before the birth: towards zero
def test_age_on_counts_as_relativedelta_does(born, on):
    # age_on works the years out by arithmetic for speed; relativedelta is the rule it
    # replaced, and the one the docstring states.
    from dateutil.relativedelta import relativedelta

    assert age_on(born, on) == relativedelta(on, born).years


def test_age_on_by_hand():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 18
    assert age_on(date(2008, 2, 29), date(2026, 2, 27)) == 17
    assert age_on(date(2008, 2, 29), date(2028, 2, 28)) == 19
    assert age_on(date(2008, 2, 29), date(2028, 2, 29)) == 20
    assert age_on(date(2002, 12, 31), date(2026, 12, 31)) == 24
    assert age_on(date(2002, 12, 31), date(2026, 12, 30)) == 23
    assert age_on(date(2010, 5, 10), date(2010, 5, 10)) == 0
    assert age_on(date(2010, 5, 10), date(2009, 5, 11)) == 0
    assert age_on(date(2010, 5, 10), date(2008, 5, 9)) == -2


# --- the day someone turns an age, and days as numbers (the report's boundary days) -------


def sql_turns(db, born: date, years: int) -> int:
    number = db.execute(f"SELECT {day_number_sql(':born')}", {"born": born.isoformat()})
    found = db.execute(f"SELECT {turns_sql(':b', years)}", {"b": number.fetchone()[0]})
    return found.fetchone()[0]


@settings(max_examples=2000, deadline=None)
@given(born=days, years=st.integers(min_value=1, max_value=120), later=st.integers(-3, 3))
@example(date(2008, 2, 29), 18, 0)  # turns 18 on 2026-02-28
@example(date(2008, 2, 29), 20, 0)  # turns 20 on 2028-02-29
@example(date(1880, 2, 29), 20, 0)  # 1900-02-28: 1900 has no 29 February
@example(date(1980, 2, 29), 20, 0)  # 2000-02-29: 2000 has one
@example(date(2003, 2, 28), 25, -1)
def test_turning_an_age_is_where_age_on_reaches_it(db, born, years, later):
    # From the day turns() gives on, age_on is at least `years`, the day before it is
    # less; and the SQL form over day numbers gives the same day.
    turned = turns(born, years)
    day = turned + timedelta(days=later)
    assert (age_on(born, day) >= years) == (later >= 0)
    assert sql_turns(db, born, years) == day_number(turned)


def test_turning_an_age_by_hand(db):
    # Written out, so that the property above cannot agree with a wrong turns().
    cases = [
        (date(2008, 2, 29), 18, date(2026, 2, 28)),  # no 29 February in 2026
        (date(2008, 2, 29), 20, date(2028, 2, 29)),
        (date(2000, 2, 29), 25, date(2025, 2, 28)),
        (date(2000, 2, 29), 30, date(2030, 2, 28)),
        (date(1880, 2, 29), 20, date(1900, 2, 28)),  # 1900 is no leap year
        (date(1980, 2, 29), 20, date(2000, 2, 29)),  # 2000 is one
        (date(2003, 2, 28), 25, date(2028, 2, 28)),
        (date(1996, 12, 31), 30, date(2026, 12, 31)),
        (date(2010, 3, 1), 16, date(2026, 3, 1)),
    ]
    for born, years, day in cases:
        assert turns(born, years) == day
        assert sql_turns(db, born, years) == day_number(day)


def test_a_samordningsnummer_turns_an_age_on_its_real_birth_day(db):
    # Day 89 = 29 February + 60: the person was born on 29 February 2008 and turns 20 on
    # 29 February 2028, not on a day counted from the number's day 89.
    nine = "080289328"
    identity = parse_identity(f"20{nine}{luhn_check_digit(nine)}", today=date(2026, 12, 1))
    assert identity.birth_date == date(2008, 2, 29)
    assert sql_turns(db, identity.birth_date, 20) == 20280229
    assert sql_turns(db, identity.birth_date, 18) == 20260228


def test_no_turning_day_without_a_birth_date(db):
    assert db.execute(f"SELECT {turns_sql(':b', 16)}", {"b": None}).fetchone()[0] is None


def test_day_numbers_order_as_days(db):
    assert day_number(date(2026, 2, 28)) == 20260228
    assert day_number(date(999, 1, 9)) == 9990109
    for text, number in (("2026-02-28", 20260228), ("1999-12-31", 19991231), (None, None)):
        found = db.execute(f"SELECT {day_number_sql(':d')}", {"d": text}).fetchone()[0]
        assert found == number
    assert day_number(date(2025, 12, 31)) < day_number(date(2026, 1, 1))


def sql_months_after_number(db, start: date, months: int) -> int:
    expression = months_after_number_sql(":start", months)
    return db.execute(f"SELECT {expression}", {"start": day_number(start)}).fetchone()[0]


@settings(max_examples=1000, deadline=None)
@given(start=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
       months=st.integers(min_value=0, max_value=240))  # fmt: skip
@example(date(2024, 2, 29), 36)  # 2027-02-28
@example(date(2024, 2, 29), 48)  # 2028-02-29
@example(date(1899, 12, 31), 2)  # 1900-02-28: 1900 has no 29 February
@example(date(2023, 11, 30), 1)  # across the turn of the year
def test_months_after_in_day_numbers(db, start, months):
    assert sql_months_after_number(db, start, months) == day_number(months_after(start, months))


def test_months_after_in_day_numbers_by_hand(db):
    cases = [
        (date(2023, 8, 31), 36, 20260831),
        (date(2024, 2, 29), 36, 20270228),  # the newcomer's last day
        (date(2025, 8, 31), 1, 20250930),
        (date(2024, 1, 31), 1, 20240229),
        (date(2023, 1, 31), 1, 20230228),
        (date(2025, 12, 15), 1, 20260115),
        (date(2025, 11, 30), 3, 20260228),
        (date(2026, 3, 1), 0, 20260301),
    ]
    for start, months, number in cases:
        assert sql_months_after_number(db, start, months) == number
    found = db.execute(f"SELECT {months_after_number_sql(':s', 36)}", {"s": None})
    assert found.fetchone()[0] is None
