"""Follow-up periods: a year, a half, a term, a quarter or two dates, and the period of
the same length just before it (what a steering group compares with).

Terms follow the calendar halves (VT January–June, HT July–December): the steering
groups follow up per term, and a term that stopped at the school's dates would leave days
out of the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

KINDS = ("year", "half", "term", "quarter", "dates")

EXAMPLES = "2026, 2026H1, VT2026, HT2026, 2026Q3 eller 2026-01-01..2026-03-31"
YEAR_MIN, YEAR_MAX = 1900, 2100


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        year = self.start.year
        if self.kind == "year":
            return str(year)
        if self.kind == "half":
            return f"{year}H{1 if self.start.month == 1 else 2}"
        if self.kind == "term":
            return f"{'VT' if self.start.month == 1 else 'HT'}{year}"
        if self.kind == "quarter":
            return f"{year}Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def previous(self) -> Period:
        """The period of the same length ending the day before this one starts."""
        if self.kind == "dates":
            end = self.start - timedelta(days=1)
            return Period("dates", end - timedelta(days=self.days - 1), end)
        months = {"year": 12, "half": 6, "term": 6, "quarter": 3}[self.kind]
        start = self.start - relativedelta(months=months)
        return Period(self.kind, start, self.start - timedelta(days=1))

    def in_year(self, year: int) -> Period:
        """The same part of another year (a goal 'higher than 2022' compares with it)."""
        shift = relativedelta(years=year - self.start.year)
        return Period(self.kind, self.start + shift, self.end + shift)


def _calendar(kind: str, year: int, first_month: int, months: int) -> Period:
    start = date(year, first_month, 1)
    return Period(kind, start, start + relativedelta(months=months) - timedelta(days=1))


def parse_period(text: str) -> Period:
    period = _parse(text)
    # The period before is compared with, and six periods back are drawn: outside these
    # years a typo (0001, 9999) is what it will be, and the dates would run off the calendar.
    if not (period.start.year >= YEAR_MIN and period.end.year <= YEAR_MAX):
        raise PeriodError(
            f"Perioden {text.strip()} ligger utanför åren {YEAR_MIN}–{YEAR_MAX}. "
            f"Skriv till exempel {EXAMPLES}."
        )
    return period


def _parse(text: str) -> Period:
    raw = text.strip().upper().replace(" ", "")
    # "K3 2026" (spaces gone: "K32026") is read as "2026K3".
    raw = re.sub(r"^([QKH]\d)-?(\d{4})$", r"\2\1", raw)
    if not raw:
        raise PeriodError(f"Ange en period, till exempel {EXAMPLES}.")
    try:
        if m := re.fullmatch(r"(\d{4})", raw):
            return _calendar("year", int(m[1]), 1, 12)
        if m := re.fullmatch(r"(\d{4})-?H([12])", raw):
            return _calendar("half", int(m[1]), 1 if m[2] == "1" else 7, 6)
        if m := re.fullmatch(r"(VT|HT)(\d{4})", raw):
            return _calendar("term", int(m[2]), 1 if m[1] == "VT" else 7, 6)
        # K for kvartal, as Swedish writes it, as well as Q.
        if m := re.fullmatch(r"(\d{4})-?[QK]([1-4])", raw):
            return _calendar("quarter", int(m[1]), 3 * int(m[2]) - 2, 3)
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", raw):
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
            if end < start:
                raise PeriodError(
                    f"Perioden {text.strip()} slutar före den börjar. Skriv det tidigaste "
                    "datumet först."
                )
            return Period("dates", start, end)
    except ValueError as error:
        if isinstance(error, PeriodError):
            raise
        raise PeriodError(
            f"Perioden {text.strip()} innehåller ett datum som inte finns. "
            "Skriv datum som ÅÅÅÅ-MM-DD."
        ) from error
    raise PeriodError(f"Okänd period ”{text.strip()}”. Skriv till exempel {EXAMPLES}.")


def current_term(today: date) -> Period:
    return parse_period(f"{'VT' if today.month <= 6 else 'HT'}{today.year}")
