"""Ages in completed years, the way Swedish rules count them."""

from __future__ import annotations

from calendar import isleap
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def age_on(birth_date: date, on: date) -> int:
    """Completed years. Someone born on 29 February turns a year older on 28 February in
    other years (relativedelta clamps 29 February to the 28th, and so does this).

    Whole years by arithmetic, not relativedelta: the register works out an age and the
    target groups for every row of every page it shows, and a demo of 100,000 people
    asks for 150,000 ages; relativedelta was a fifth of a search's time. A day before the
    birth, or a datetime, goes to relativedelta (it counts towards zero); the tests in
    tests/domain/test_ages.py and test_ages_sql.py compare the two."""
    if type(birth_date) is not date or type(on) is not date or on < birth_date:
        return relativedelta(on, birth_date).years
    birthday = (birth_date.month, birth_date.day)
    if birthday == (2, 29) and not isleap(on.year):
        birthday = (2, 28)
    return on.year - birth_date.year - ((on.month, on.day) < birthday)


def turns(birth_date: date, years: int) -> date:
    """The day someone turns `years` (years >= 1): from that day on age_on is at least
    `years`, and before it less. Someone born on 29 February turns a year older on 28
    February in other years, as age_on counts."""
    year = birth_date.year + years
    if (birth_date.month, birth_date.day) == (2, 29) and not isleap(year):
        return date(year, 2, 28)
    return birth_date.replace(year=year)


def birth_date_bounds(min_age: int, max_age: int, on: date) -> tuple[date, date]:
    """(earliest, latest) birth dates, inclusive, of people aged min_age..max_age on `on`."""
    latest = on - relativedelta(years=min_age)
    earliest = on - relativedelta(years=max_age + 1) + timedelta(days=1)
    # Clamping at 29 February can shift either end by a day; step until exact.
    while age_on(latest, on) < min_age:
        latest -= timedelta(days=1)
    while age_on(latest + timedelta(days=1), on) >= min_age:
        latest += timedelta(days=1)
    while age_on(earliest, on) > max_age:
        earliest += timedelta(days=1)
    while age_on(earliest - timedelta(days=1), on) <= max_age:
        earliest -= timedelta(days=1)
    return earliest, latest


# --- the same rule in SQL ---------------------------------------------------------------
#
# Lists and reports count ages for thousands of people at once, in SQLite, over ISO date
# text. These build the SQL expressions from the rule above, so that the rule is stated
# here once; tests/domain/test_ages_sql.py checks them against age_on in SQLite.


def birth_parts_sql(birth_date: str) -> tuple[str, str]:
    """(birth year as an integer, 'MM-DD') of an ISO date expression, for age_sql. A
    report works them out once per person and passes its own columns instead."""
    return f"CAST(substr({birth_date}, 1, 4) AS INTEGER)", f"substr({birth_date}, 6, 5)"


def leap_year_sql(year: str) -> str:
    """Whether the integer expression `year` is a leap year."""
    return f"(({year}) % 4 = 0 AND (({year}) % 100 <> 0 OR ({year}) % 400 = 0))"


def turns_sql(birth_number: str, years: int) -> str:
    """turns() as an SQL expression over a birth date as a day number (YYYYMMDD,
    domain.dates.day_number_sql), giving a day number; NULL in, NULL out. A report works
    these out once per person, so that someone's age group on a day is a comparison of
    two integers. `birth_number` is repeated: pass a column."""
    years = int(years)
    return f"""(CASE WHEN {birth_number} % 10000 = 229
        AND NOT {leap_year_sql(f"{birth_number} / 10000 + {years}")}
      THEN {birth_number} + {years * 10000 - 1} ELSE {birth_number} + {years * 10000} END)"""


def age_sql(day: str, birth_year: str, birth_md: str) -> str:
    """age_on(birth date, day) as an SQL expression, for a `day` on or after the birth
    date (ISO text expressions; see birth_parts_sql). Whole years, less one while the
    birthday is still ahead that year; someone born on 29 February has their birthday on
    28 February when the year has no 29 February. `day` is repeated: pass a column or a
    parameter, not a subquery."""
    day_year = f"CAST(substr({day}, 1, 4) AS INTEGER)"
    day_md = f"substr({day}, 6, 5)"
    # A CASE rather than AND/NOT: SQLite works out every operand of an AND in a value,
    # and the leap year is wanted only on 28 February. NULL in, NULL out, as before.
    return f"""({day_year} - {birth_year}
      - CASE WHEN {day_md} >= {birth_md} THEN 0
          WHEN {day_md} = '02-28' AND {birth_md} = '02-29'
            AND NOT {leap_year_sql(day_year)} THEN 0
          WHEN {day_md} < {birth_md} THEN 1 END)"""
