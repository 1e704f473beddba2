"""The individual's way (Ungdomens väg, seed 003): phases, exit outcomes, follow-up dates,
and the one date on the way that matters next.

A way is one period from entry to exit; someone who comes back later starts a new one.
Phases are dated rows, so going back (from insats to planering when a measure ends)
keeps its history. Exit is not a phase row but the way's own exit date and outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# Stored codes in the order the way runs; "avslutad" is shown when the way has an exit.
PHASES: dict[str, str] = {
    "inflode": "Inflöde/uppsökande",
    "kartlaggning": "Kartläggning",
    "planering": "Planering",
    "insats": "Insats",
    "uppfoljning": "Uppföljning",
    "avslutad": "Avslutad",
}
WORKING_PHASES = tuple(code for code in PHASES if code != "avslutad")
SHORT_PHASES: dict[str, str] = {
    "inflode": "Inflöde",
    "kartlaggning": "Kartläggn.",
    "planering": "Planering",
    "insats": "Insats",
    "uppfoljning": "Uppföljn.",
    "avslutad": "Avslutad",
}

# Outcome on exit and at each follow-up (seed 001 counts work and regular studies as
# establishment; seed 003/004 follow programmes with activity support and assistance).
OUTCOMES: dict[str, str] = {
    "arbete": "Arbete utan subvention",
    "arbete_subvention": "Arbete med subvention",
    "studier": "Reguljära studier",
    "program": "Program med aktivitetsstöd",
    "annan_insats": "Annan insats",
    "flyttat": "Flyttat",
    "okant": "Okänt eller avbrutit",
    "ekonomiskt_bistand": "Ekonomiskt bistånd",
}
# A tuple, not a set: the report adds up cells in this order, so that they come out in
# the same order in every process (a set's order follows the string hash's seed).
ESTABLISHED: tuple[str, ...] = ("arbete", "arbete_subvention", "studier")

FOLLOW_UP_DAYS: tuple[int, ...] = (90, 180, 360)


@dataclass(frozen=True)
class PhaseMark:
    phase: str
    started_on: date


def current_phase(marks: Iterable[PhaseMark], exit_on: date | None) -> PhaseMark | None:
    """The phase a way is in: the latest dated phase, or 'avslutad' once it has an exit.

    Two phases on the same day (typed at once, or arriving by sync from two installs)
    are ordered by the way's order, so the later step wins.
    """
    if exit_on is not None:
        return PhaseMark("avslutad", exit_on)
    ordered = sorted(marks, key=lambda m: (m.started_on, WORKING_PHASES.index(m.phase)))
    return ordered[-1] if ordered else None


def follow_up_due(exit_on: date) -> dict[int, date]:
    """The days after exit when the outcome is checked again: {90: date, 180: …, 360: …}."""
    return {days: exit_on + timedelta(days=days) for days in FOLLOW_UP_DAYS}


@dataclass(frozen=True)
class NextDate:
    on: date
    what: str  # short Swedish label for a list column

    def __str__(self) -> str:
        return f"{self.on.isoformat()} {self.what}"


@dataclass(frozen=True)
class MeasureDates:
    start_date: date
    end_date: date | None
    status: str


def next_date(
    *,
    today: date,
    exit_on: date | None,
    followed_up: Iterable[int] = (),
    guarantee_deadline: date | None = None,
    measures: Iterable[MeasureDates] = (),
) -> NextDate | None:
    """The earliest date still ahead of the caseworker (or overdue) on this way.

    After exit: the next follow-up not yet recorded, even if its day has passed.
    Before: an open 90-day deadline, a measure starting or ending.
    """
    if exit_on is not None:
        done = set(followed_up)
        for days, on in follow_up_due(exit_on).items():
            if days not in done:
                return NextDate(on, f"uppf. {days} d")
        return None
    candidates: list[NextDate] = []
    if guarantee_deadline is not None:
        candidates.append(NextDate(guarantee_deadline, "garanti"))
    for m in measures:
        if m.status == "planerad" and m.start_date >= today:
            candidates.append(NextDate(m.start_date, "insatsstart"))
        elif m.status == "pagaende" and m.end_date is not None and m.end_date >= today:
            candidates.append(NextDate(m.end_date, "insatsslut"))
    return min(candidates, key=lambda n: n.on) if candidates else None
