"""When a consent (samtycke) is in force."""

from __future__ import annotations

from datetime import date

STATES = {
    "gäller": "Gäller",
    "ej_börjat": "Gäller inte än",
    "utgånget": "Utgånget",
    "återkallat": "Återkallat",
}


def consent_state(
    valid_from: date, valid_to: date | None, withdrawn_on: date | None, on: date
) -> str:
    """A withdrawal counts from its own day: data may not pass on the day it is withdrawn."""
    if withdrawn_on is not None and withdrawn_on <= on:
        return "återkallat"
    if on < valid_from:
        return "ej_börjat"
    if valid_to is not None and on > valid_to:
        return "utgånget"
    return "gäller"


def is_in_force(
    valid_from: date, valid_to: date | None, withdrawn_on: date | None, on: date
) -> bool:
    return consent_state(valid_from, valid_to, withdrawn_on, on) == "gäller"
