"""The one place that asks what day it is, so tests and snapshots can fix it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today() -> date:
    return datetime.now(STOCKHOLM).date()


def now() -> datetime:
    """The wall clock in Sweden, on the day today() says. A day fixed by tests or
    snapshots has no time of day of its own: it is read at its first moment, so what
    they show does not change with the hour they run."""
    moment = datetime.now(STOCKHOLM)
    day = today()
    if moment.date() != day:
        return datetime.combine(day, time(0, 0), tzinfo=STOCKHOLM)
    return moment


def local_time(moment: datetime) -> datetime:
    """A stored UTC time as the wall clock in Sweden showed it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(STOCKHOLM)
