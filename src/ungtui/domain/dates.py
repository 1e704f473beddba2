"""Dates as caseworkers type and read them: ISO YYYY-MM-DD, Swedish messages."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from ungtui.domain.ages import leap_year_sql

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_iso_date(text: str) -> date:
    """Parse `YYYY-MM-DD`; a ValueError says in Swedish what is wrong."""
    cleaned = text.strip()
    match = _ISO.match(cleaned)
    if not match:
        raise ValueError(f"”{cleaned}” är inget datum. Skriv datum som ÅÅÅÅ-MM-DD.")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Datumet {cleaned} finns inte.") from None


def months_after(start: date, months: int) -> date:
    """The last day of a period of `months` months from `start`: the day with the same
    number in the last month, or that month's last day when it has no such day, and the
    period includes it (lag 1930:173 om beräkning av lagstadgad tid, 1 §)."""
    return start + relativedelta(months=months)


def day_number(day: date) -> int:
    """A day as the integer YYYYMMDD: it orders as the day does, and SQLite compares two
    integers with fewer steps than two texts (day_number_sql is its SQL form)."""
    return day.year * 10000 + day.month * 100 + day.day


def day_number_sql(iso: str) -> str:
    """day_number of an ISO date text expression (NULL stays NULL)."""
    return f"CAST(replace({iso}, '-', '') AS INTEGER)"


def months_after_number_sql(start: str, months: int) -> str:
    """months_after over day numbers (day_number_sql): the same month number and day
    `months` later, or that month's last day when it is shorter. Integer arithmetic
    only, cheaper than SQLite's date functions; NULL in, NULL out. `start` is repeated:
    pass a column."""
    months = int(months)
    total = f"(({start}) / 10000 * 12 + ({start}) / 100 % 100 - 1 + {months})"
    year, month = f"({total} / 12)", f"({total} % 12 + 1)"
    last = (
        f"CASE {month} WHEN 2 THEN 28 + {leap_year_sql(year)}"
        " WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END"
    )
    return f"({year} * 10000 + {month} * 100 + min(({start}) % 100, {last}))"


def earliest_start_still_within(months: int, on: date) -> date:
    """The first start date s whose period of `months` months still includes `on`
    (`on <= months_after(s, months)`).

    Adding months clamps at month ends (2020-02-29 + 36 months = 2023-02-28), so
    `on - months` is not always the exact boundary; `s + months` only grows with `s`,
    so stepping a few days from just below it finds the exact one.
    """
    start = on - relativedelta(months=months) - timedelta(days=4)
    while months_after(start, months) < on:
        start += timedelta(days=1)
    return start
