"""Swedish working days: weekdays that are not public holidays.

The holidays are the ones in lagen (1989:253) om allmänna helgdagar plus the national day,
computed from dateutil's Easter and the fixed and moving days. Julafton, midsommarafton
and nyårsafton are not public holidays in law, but offices, schools and authorities are
closed on them in practice (and collective agreements treat them as holidays), so a reply
cannot be expected on them: they count as non-working days here.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter


def _saturday_between(year: int, month: int, first_day: int) -> date:
    """The Saturday in the seven days starting at `first_day` of `month`."""
    start = date(year, month, first_day)
    return start + timedelta(days=(5 - start.weekday()) % 7)


def _friday_between(year: int, month: int, first_day: int) -> date:
    start = date(year, month, first_day)
    return start + timedelta(days=(4 - start.weekday()) % 7)


@cache
def swedish_holidays(year: int) -> dict[date, str]:
    """Every non-working day of `year` that is not simply a Saturday or Sunday."""
    easter_day = easter(year)
    # Alla helgons dag is the Saturday from 31 October to 6 November.
    all_saints = _saturday_between(year, 10, 31)
    days = {
        date(year, 1, 1): "nyårsdagen",
        date(year, 1, 6): "trettondedag jul",
        easter_day - timedelta(days=2): "långfredagen",
        easter_day - timedelta(days=1): "påskafton",
        easter_day: "påskdagen",
        easter_day + timedelta(days=1): "annandag påsk",
        date(year, 5, 1): "första maj",
        easter_day + timedelta(days=39): "Kristi himmelsfärds dag",
        easter_day + timedelta(days=49): "pingstdagen",
        date(year, 6, 6): "Sveriges nationaldag",
        _friday_between(year, 6, 19): "midsommarafton",
        _saturday_between(year, 6, 20): "midsommardagen",
        all_saints: "alla helgons dag",
        date(year, 12, 24): "julafton",
        date(year, 12, 25): "juldagen",
        date(year, 12, 26): "annandag jul",
        date(year, 12, 31): "nyårsafton",
    }
    return dict(sorted(days.items()))


def holiday_name(day: date) -> str | None:
    return swedish_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in swedish_holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The day `count` working days after `start`; `start` itself is not counted.

    Sent on a Friday with one working day to answer: the reply is due on Monday (or on
    the first working day after it).
    """
    if count < 0:
        raise ValueError("Antalet arbetsdagar kan inte vara negativt.")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    days = (start + timedelta(days=offset) for offset in range(1, (end - start).days + 1))
    return sum(1 for day in days if is_working_day(day))


def working_days_until(start: date, end: date) -> int:
    """How many working days from `start` (not counted) up to and including `end`: the
    count `add_working_days(start, n)` needs to reach `end` when `end` is a working day.
    0 when `end` is not after `start`."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
