"""Who in the room may hear about a person, what may be said, and how they are named.

The Ombudsman (JO 3507-2017) criticised sharing secret data in a joint meeting without the
individual's documented consent. What this install's user says about a person is a
disclosure from the user's secrecy domain to every other domain in the room (a colleague
of the same domain is no one to disclose to), so each of them must be covered by a
consent in force for the meeting's purpose (domain.disclosure). Holding the person's case
is no reason. For a meeting already held, the consent must also still be in force today:
the minutes are shared now, and a withdrawn consent stops that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ungtui.domain.disclosure import ConsentTerms, Holder, disclosed_categories, same_secrecy

# Re-exported: the callers name people through this module.
from ungtui.domain.meeting_names import full_name as full_name
from ungtui.domain.meeting_names import initials as initials
from ungtui.domain.meeting_names import masked_name as masked_name


@dataclass(frozen=True)
class Present:
    """A party in the room, as a secrecy domain. Unregistered organisations (an external
    provider typed by name) have no holder, and so can never be covered by a consent."""

    holder: Holder | None
    name: str


def days_to_check(meeting_day: date, today: date) -> tuple[date, ...]:
    if meeting_day < today:
        return (meeting_day, today)
    return (meeting_day,)


def uncovered(
    present: Iterable[Present],
    consents: Sequence[ConsentTerms],
    days: Sequence[date],
    *,
    discloser: Holder,
    purpose: str,
) -> list[Present]:
    """The parties present that may hear nothing about the person from `discloser` for
    this purpose, in the given order, each once."""
    missing: list[Present] = []
    seen: set[tuple[Holder | None, str]] = set()
    for party in present:
        key = (party.holder, party.name if party.holder is None else "")
        if key in seen:
            continue
        seen.add(key)
        if party.holder is not None and same_secrecy(discloser, party.holder):
            continue
        covered = party.holder is not None and all(
            disclosed_categories(
                consents, discloser=discloser, receiver=party.holder, purposes=(purpose,), on=day
            )
            for day in days
        )
        if not covered:
            missing.append(party)
    return missing


def acknowledgement_covers(acknowledged: str, missing: Iterable[Present]) -> bool:
    """An acknowledgement names the organisations it was given for (one per line); a
    newcomer in the room needs a new one."""
    named = {line for line in acknowledged.splitlines() if line}
    return all(org.name in named for org in missing)
