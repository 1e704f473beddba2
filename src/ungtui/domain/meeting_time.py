"""Meeting times as people say them, and the dates of a recurring series.

`idag 13`, `imorgon 8`, `tis 9:30`, `2026-12-01 10:00`, `1/12 10`, `3 dec 14.15`, `+7`,
`+2v 10`, `+3 ad`. A time is local (Europe/Stockholm) wall-clock time; the caller stores
it as UTC. A weekday word means the next such day after today: on a Tuesday, `tis` is next
week's Tuesday (say `idag` for today), as people mean it when they book a meeting.

`parse_day` reads a day alone the same way; it is the one date syntax of every date field
(a reply-by day, a consent's last day, a phase's first day), so `+3 ad` (three working
days, domain.working_days) and `igår` work wherever a day is typed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta
from dateutil.rrule import WEEKLY, rrule

from ungtui.domain.dates import parse_iso_date
from ungtui.domain.working_days import add_working_days

WEEKDAYS = (MO, TU, WE, TH, FR, SA, SU)
WEEKDAY_NAMES = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
_WEEKDAY_WORDS: dict[str, int] = {}
for _index, _name in enumerate(WEEKDAY_NAMES):
    _WEEKDAY_WORDS[_name] = _index
    _WEEKDAY_WORDS[_name[:3]] = _index
    _WEEKDAY_WORDS[_name[:2]] = _index
# Without å/ä/ö, as people type on a foreign keyboard.
_WEEKDAY_WORDS.update({"mandag": 0, "man": 0, "lordag": 5, "lor": 5, "sondag": 6, "son": 6})

MONTH_NAMES = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
_MONTH_WORDS = {name: i + 1 for i, name in enumerate(MONTH_NAMES)}
_MONTH_WORDS.update({name[:3]: i + 1 for i, name in enumerate(MONTH_NAMES)})

_RELATIVE_DAYS = {
    "igår": -1,
    "i går": -1,
    "igar": -1,
    "i gar": -1,
    "idag": 0,
    "i dag": 0,
    "imorgon": 1,
    "i morgon": 1,
    "imorn": 1,
    "i morn": 1,
    "övermorgon": 2,
    "i övermorgon": 2,
    "overmorgon": 2,
}
_TIME = re.compile(r"^(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?$")
_PLUS = re.compile(
    r"^\+\s*(\d{1,3})\s*(d|dag|dagar|v|vecka|veckor|ad|arbetsdag|arbetsdagar)?$"
)
_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}))?$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})\s+([a-zåäö]+)\.?(?:\s+(\d{4}))?$")

EXAMPLES = "idag 13, imorgon 8, tis 9:30, 2026-12-01 10:00, 1/12 10 eller +7"
# How a day alone is typed, for the hints and errors of every date field.
DAY_EXAMPLES = "2026-12-01, idag, imorgon, fre, 1/12, +14 eller +3 ad"


def _parse_time(token: str) -> time | None:
    """A clock time, or None when the token is not one; ValueError when it is impossible."""
    match = _TIME.match(token)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"Klockslaget {token} finns inte. Skriv till exempel 9:30 eller 13.")
    return time(hour, minute)


def _split_time(text: str) -> tuple[str, time | None]:
    """Split off a trailing clock time: `tis 9:30` -> (`tis`, 09:30)."""
    whole = _parse_time(text)
    if whole is not None:
        return "", whole
    head, _, last = text.rpartition(" ")
    if head:
        if head.endswith(" kl") or head.endswith(" kl."):
            head = head.rsplit(" ", 1)[0]
        found = _parse_time(last)
        if found is not None:
            return head.strip(), found
    return text, None


def _parse_date(text: str, today: date) -> date:
    if not text:
        return today
    if text in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[text])
    words = text.split()
    if words[0] in ("nästa", "nasta") and len(words) == 2 and words[1] in _WEEKDAY_WORDS:
        # "nästa tisdag": the Tuesday of next week, even when this week's is still ahead.
        monday = today + relativedelta(weekday=MO(+1), days=1)
        return monday + timedelta(days=_WEEKDAY_WORDS[words[1]])
    if text in _WEEKDAY_WORDS:
        return today + relativedelta(days=1, weekday=WEEKDAYS[_WEEKDAY_WORDS[text]](+1))
    plus = _PLUS.match(text)
    if plus:
        count, unit = int(plus.group(1)), plus.group(2) or "d"
        if unit.startswith("a"):
            return add_working_days(today, count)
        if unit.startswith("v"):
            return today + timedelta(weeks=count)
        return today + timedelta(days=count)
    if text[:1].isdigit() and "-" in text:
        return parse_iso_date(text)
    day_month = _DAY_MONTH.match(text)
    if day_month:
        day, month, year = day_month.groups()
        return _day_in_year(int(day), int(month), int(year) if year else None, today, text)
    named = _DAY_MONTH_NAME.match(text)
    if named and named.group(2) in _MONTH_WORDS:
        day, month_word, year = named.groups()
        month = _MONTH_WORDS[month_word]
        return _day_in_year(int(day), month, int(year) if year else None, today, text)
    raise ValueError(f"”{text}” förstås inte som en dag. Skriv till exempel {EXAMPLES}.")


def _day_in_year(day: int, month: int, year: int | None, today: date, text: str) -> date:
    """A day given without a year is the next such day: in December, 5/1 is next January."""
    if not 1 <= month <= 12:
        raise ValueError(f"Månaden i ”{text}” finns inte. Skriv dag/månad, till exempel 1/12.")
    for candidate_year in [year] if year else [today.year, today.year + 1]:
        try:
            found = date(candidate_year, month, day)
        except ValueError:
            if year or candidate_year > today.year:
                raise ValueError(f"Dagen ”{text}” finns inte.") from None
            continue
        if year or found >= today:
            return found
    raise ValueError(f"Dagen ”{text}” finns inte.")


def parse_meeting_time(text: str, today: date, default_time: time | None = None) -> datetime:
    """A local date and time from what was typed; a ValueError says in Swedish why not.

    Without a clock time, `default_time` is used; with none given, the time is asked for.
    """
    cleaned = " ".join(text.strip().casefold().replace(",", " ").split())
    if not cleaned:
        raise ValueError(f"Ange när mötet är, till exempel {EXAMPLES}.")
    date_text, clock = _split_time(cleaned)
    if not date_text and clock is None:
        raise ValueError(f"”{text.strip()}” förstås inte. Skriv till exempel {EXAMPLES}.")
    day = _parse_date(date_text, today)
    if clock is None:
        if default_time is None:
            raise ValueError(f"Ange också klockslag, till exempel ”{text.strip()} 10:00”.")
        clock = default_time
    return datetime.combine(day, clock)


def describe(moment: datetime) -> str:
    """`tisdag 2026-12-01 kl. 09:30`: what a parsed time is read back as."""
    return f"{WEEKDAY_NAMES[moment.weekday()]} {moment:%Y-%m-%d} kl. {moment:%H:%M}"


SERIES_INTERVALS: dict[int, str] = {1: "Varje vecka", 2: "Varannan vecka"}


def next_in_series(last: datetime, interval_weeks: int, count: int) -> list[datetime]:
    """The next `count` meetings after `last`, same weekday and local clock time.

    Computed on local wall-clock time, so a 10:00 meeting stays at 10:00 across the
    change to and from summer time.
    """
    if interval_weeks not in SERIES_INTERVALS:
        raise ValueError("En serie möts varje vecka eller varannan vecka.")
    if count < 1:
        return []
    rule = rrule(WEEKLY, interval=interval_weeks, dtstart=last, count=count + 1)
    return list(rule)[1:]


def parse_day(text: str, today: date) -> date:
    """A day alone, typed the same ways as a meeting time (`fre`, `+14`, `+3 ad`, `1/12`,
    ISO); a ValueError says in Swedish why not."""
    cleaned = " ".join(text.strip().casefold().replace(",", " ").split())
    if not cleaned:
        raise ValueError(f"Ange ett datum, till exempel {DAY_EXAMPLES}.")
    try:
        return _parse_date(cleaned, today)
    except ValueError as exc:
        if "förstås inte" in str(exc):
            raise ValueError(
                f"”{text.strip()}” förstås inte som en dag. Skriv till exempel {DAY_EXAMPLES}."
            ) from None
        raise


def describe_day(day: date) -> str:
    """`tisdag 2026-12-01`: what a parsed day is read back as under its field."""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.isoformat()}"
