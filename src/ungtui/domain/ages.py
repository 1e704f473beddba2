"""Ages in completed years, the way Swedish rules count them."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta


def age_on(birth_date: date, on: date) -> int:
    """Completed years. Someone born on 29 February turns a year older on 28 February in
    other years, because relativedelta clamps 29 February to the 28th."""
    return relativedelta(on, birth_date).years


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
