"""The one place that asks what day it is, so tests and snapshots can fix it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today() -> date:
    return datetime.now(STOCKHOLM).date()


def local_time(moment: datetime) -> datetime:
    """A stored UTC time as the wall clock in Sweden showed it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(STOCKHOLM)
