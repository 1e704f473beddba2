"""Agreements (överenskommelser): when one is in force.

Seed 000: valid from a date "and until further notice"; either party may give notice at
the strategic steering group, with three months' notice unless agreed otherwise. Seeds
001 and 004: revised yearly, with a stated next revision date.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

STATES = {
    "ej_börjat": "Gäller inte än",
    "gäller": "Gäller",
    "revision_försenad": "Gäller, revision försenad",
    "uppsagd": "Uppsagd",
    "upphört": "Upphört",
}


def notice_ends(notice_given_on: date, notice_months: int | None) -> date:
    """The last day an agreement under notice is still in force (an agreement that
    states no notice period ends the day notice is given)."""
    return notice_given_on + relativedelta(months=notice_months or 0)


def agreement_state(
    valid_from: date,
    valid_until: date | None,
    notice_months: int | None,
    notice_given_on: date | None,
    next_revision: date | None,
    on: date,
) -> str:
    if on < valid_from:
        return "ej_börjat"
    if valid_until is not None and on > valid_until:
        return "upphört"
    if notice_given_on is not None and notice_given_on <= on:
        if on > notice_ends(notice_given_on, notice_months):
            return "upphört"
        return "uppsagd"
    if next_revision is not None and next_revision < on:
        return "revision_försenad"
    return "gäller"


def state_text(
    valid_from: date,
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
        return f"Gäller från {valid_from.isoformat()}"
    if state == "uppsagd":
        assert notice_given_on is not None
        return f"Uppsagd, gäller t.o.m. {notice_ends(notice_given_on, notice_months).isoformat()}"
    if state == "upphört":
        if notice_given_on is not None and notice_given_on <= on:
            end = notice_ends(notice_given_on, notice_months)
        else:
            assert valid_until is not None
            end = valid_until
        return f"Upphört {end.isoformat()}"
    if state == "revision_försenad":
        assert next_revision is not None
        return f"Gäller, revision försenad (skulle ske {next_revision.isoformat()})"
    if valid_until is not None:
        return f"Gäller t.o.m. {valid_until.isoformat()}"
    return "Gäller tills vidare"
