"""Swedish organisation numbers (organisationsnummer)."""

from __future__ import annotations

import uuid

from ungtui.domain.identity import luhn_check_digit


def parse_orgnr(text: str) -> str:
    """Return `NNNNNN-NNNN`; a ValueError says in Swedish what is wrong."""
    if not text.strip():
        raise ValueError("Ange organisationsnumret, till exempel 212000-1124.")
    digits = "".join(ch for ch in text if not ch.isspace() and ch != "-")
    if not digits.isdigit():
        raise ValueError("Organisationsnumret får bara innehålla siffror och bindestreck.")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if len(digits) != 10:
        raise ValueError("Ett organisationsnummer har 10 siffror, till exempel 212000-1124.")
    if int(digits[2]) < 2:
        raise ValueError(
            "Tredje siffran i ett organisationsnummer är minst 2; "
            "det här ser ut som ett personnummer."
        )
    expected = luhn_check_digit(digits[:9])
    if int(digits[9]) != expected:
        raise ValueError(f"Kontrollsiffran stämmer inte (ska vara {expected}).")
    return f"{digits[:6]}-{digits[6:]}"


# Ids of records that must be the same on every install are derived from what identifies
# them (uuid5). Organisations are identified by their number, so every install that
# registers, loads or receives an organisation with a number holds it under one id.
SHIPPED_NAMESPACE = uuid.UUID("6f1f3c2e-4a8b-4f1e-9a55-1c0d2e7b9a10")


def derived_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(SHIPPED_NAMESPACE, f"{kind}:{key}"))


def organisation_id(org_nr: str) -> str:
    """The record id of the organisation with this (normalised) number."""
    return derived_id("organisation", org_nr)
