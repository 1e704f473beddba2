"""Swedish organisation numbers (organisationsnummer)."""

from __future__ import annotations

from ungtui.domain.identity import luhn_check_digit


def parse_orgnr(text: str) -> str:
    """Return `NNNNNN-NNNN`; a ValueError says in Swedish what is wrong."""
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
