"""Who in the room may hear about a person, and how the person is named there.

The Ombudsman (JO 3507-2017) criticised sharing secret data in a joint meeting without the
individual's documented consent. So before a person is discussed, every organisation
present must either hold the person's case or be covered by a consent in force. For a
meeting that has already been held, the consent must also still be in force today: the
minutes are shared now, and a withdrawn consent stops that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ungtui.domain.consent import is_in_force


@dataclass(frozen=True)
class Present:
    """An organisation in the room. Unregistered ones (an external provider typed by
    name) have no id, and so can never be covered by a recorded consent."""

    organisation_id: str | None
    name: str


@dataclass(frozen=True)
class ConsentFacts:
    organisation_id: str
    valid_from: date
    valid_to: date | None
    withdrawn_on: date | None


def days_to_check(meeting_day: date, today: date) -> tuple[date, ...]:
    if meeting_day < today:
        return (meeting_day, today)
    return (meeting_day,)


def uncovered(
    present: Iterable[Present],
    case_organisation_id: str | None,
    consents: Sequence[ConsentFacts],
    days: Sequence[date],
) -> list[Present]:
    """The organisations present that may not hear about the person, in the given order."""
    missing: list[Present] = []
    seen: set[tuple[str | None, str]] = set()
    for org in present:
        key = (org.organisation_id, org.name if org.organisation_id is None else "")
        if key in seen:
            continue
        seen.add(key)
        if org.organisation_id is not None and org.organisation_id == case_organisation_id:
            continue
        covered = org.organisation_id is not None and all(
            any(
                c.organisation_id == org.organisation_id
                and is_in_force(c.valid_from, c.valid_to, c.withdrawn_on, day)
                for c in consents
            )
            for day in days
        )
        if not covered:
            missing.append(org)
    return missing


def acknowledgement_covers(acknowledged: str, missing: Iterable[Present]) -> bool:
    """An acknowledgement names the organisations it was given for (one per line); a
    newcomer in the room needs a new one."""
    named = {line for line in acknowledged.splitlines() if line}
    return all(org.name in named for org in missing)


def initials(first_name: str, last_name: str) -> str:
    """`Åsa Öberg` -> `Å.Ö.`; double names give each part: `Al-Hassan` -> `A.-H.`"""
    parts = []
    for name in (first_name, last_name):
        for word in name.split():
            pieces = [p for p in word.split("-") if p]
            if pieces:
                parts.append("-".join(f"{p[0].upper()}." for p in pieces))
    return "".join(parts) or "?"


def masked_name(first_name: str, last_name: str, birth_date: date | None) -> str:
    """The least identifying name that still tells the room who is meant."""
    mark = initials(first_name, last_name)
    return f"{mark} (f. {birth_date.year})" if birth_date else mark


def full_name(first_name: str, last_name: str, birth_date: date | None) -> str:
    name = " ".join(part for part in (first_name, last_name) if part) or "(namn saknas)"
    return f"{name} (f. {birth_date.year})" if birth_date else name
