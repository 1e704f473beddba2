"""Dates as caseworkers type and read them: ISO YYYY-MM-DD, Swedish messages."""

from __future__ import annotations

import re
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

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


def earliest_start_still_within(months: int, on: date) -> date:
    """The first start date s for which `on < s + months` still holds.

    Adding months clamps at month ends (2020-02-29 + 36 months = 2023-02-28), so
    `on - months` is not always the exact boundary; `s + months` only grows with `s`,
    so stepping a few days from just below it finds the exact one.
    """
    start = on - relativedelta(months=months) - timedelta(days=4)
    while start + relativedelta(months=months) <= on:
        start += timedelta(days=1)
    return start
