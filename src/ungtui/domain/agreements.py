"""Agreements (överenskommelser): when one is in force.

Seed 000: valid from a date "and until further notice"; either party may give notice at
the strategic steering group, with three months' notice unless agreed otherwise. Seeds
001 and 004: revised yearly, with a stated next revision date, and no notice period.

Where an agreement states no notice period, notice does not end it the same day: it
stays under notice until the parties record the last day they agree on. Where its text
gives no start date, it counts as in force from the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from dateutil.relativedelta import relativedelta

STATES = {
    "ej_börjat": "Gäller inte än",
    "gäller": "Gäller",
    "revision_försenad": "Gäller, revision försenad",
    "uppsagd": "Uppsagd",
    "upphört": "Upphört",
}

NO_NOTICE_PERIOD = (
    "Överenskommelsen anger ingen uppsägningstid; sista dagen bestäms av parterna."
)


# What an agreement states, as values: the shipped content (ungtui.content) is written in
# them and the services save them.


@dataclass(frozen=True)
class Indicator:
    """A goal's indicator as the agreement writes it. `baseline` is what a comparison is
    made with, as written: a year ("2018"), "föregående period", or "" (the agreement does
    not say, or the target is a level)."""

    indicator: str
    year: int | None = None
    target: str = ""
    baseline: str = ""


@dataclass(frozen=True)
class Goal:
    goal: str
    indicators: tuple[Indicator, ...] = ()


@dataclass(frozen=True)
class Appendix:
    number: int
    title: str


def notice_ends(notice_given_on: date, notice_months: int | None) -> date | None:
    """The last day an agreement under notice is still in force, or None when the
    agreement states no notice period (the parties decide the last day)."""
    if notice_months is None:
        return None
    return notice_given_on + relativedelta(months=notice_months)


class _Dated(Protocol):
    valid_until: date | None
    notice_given_on: date | None
    notice_months: int | None


def in_force_until(a: _Dated) -> date | None:
    """The last day in force as known today, or None: until further notice, or under
    notice without a last day yet."""
    ends = [a.valid_until] if a.valid_until else []
    if a.notice_given_on is not None:
        end = notice_ends(a.notice_given_on, a.notice_months)
        if end is not None:
            ends.append(end)
    return min(ends) if ends else None


def agreement_state(
    valid_from: date | None,
    valid_until: date | None,
    notice_months: int | None,
    notice_given_on: date | None,
    next_revision: date | None,
    on: date,
) -> str:
    if valid_from is not None and on < valid_from:
        return "ej_börjat"
    if valid_until is not None and on > valid_until:
        return "upphört"
    if notice_given_on is not None and notice_given_on <= on:
        end = notice_ends(notice_given_on, notice_months)
        if end is not None and on > end:
            return "upphört"
        return "uppsagd"
    if next_revision is not None and next_revision < on:
        return "revision_försenad"
    return "gäller"


def state_text(
    valid_from: date | None,
    valid_until: date | None,
    notice_months: int | None,
    notice_given_on: date | None,
    next_revision: date | None,
    on: date,
) -> str:
    state = agreement_state(
        valid_from, valid_until, notice_months, notice_given_on, next_revision, on
    )
    if state == "ej_börjat":
        assert valid_from is not None
        return f"Gäller från {valid_from.isoformat()}"
    if state == "uppsagd":
        assert notice_given_on is not None
        end = notice_ends(notice_given_on, notice_months)
        if end is None and valid_until is not None:
            end = valid_until
        if end is None:
            return (
                f"Uppsagd {notice_given_on.isoformat()}; ingen uppsägningstid angiven, "
                "sista dag inte bestämd"
            )
        if valid_until is not None:
            end = min(end, valid_until)
        return f"Uppsagd, gäller t.o.m. {end.isoformat()}"
    if state == "upphört":
        ends = [valid_until] if valid_until is not None and on > valid_until else []
        if notice_given_on is not None and notice_given_on <= on:
            end = notice_ends(notice_given_on, notice_months)
            if end is not None:
                ends.append(end)
        return f"Upphört {min(ends).isoformat()}"
    if state == "revision_försenad":
        assert next_revision is not None
        return f"Gäller, revision försenad (skulle ske {next_revision.isoformat()})"
    if valid_until is not None:
        return f"Gäller t.o.m. {valid_until.isoformat()}"
    return "Gäller tills vidare"
