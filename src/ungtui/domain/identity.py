"""Swedish identity numbers: personnummer and samordningsnummer.

python-stdnum refuses samordningsnummer (day + 60), which many newly arrived people
have, so the rules are written out here; they are short and fully tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_ALLOWED = re.compile(r"^[0-9+\-]+$")


@dataclass(frozen=True)
class Identity:
    kind: str  # "personnummer" or "samordningsnummer"
    normalized: str  # "YYYYMMDD-NNNN"; a samordningsnummer keeps its day + 60
    birth_date: date

    @property
    def digits(self) -> str:
        return self.normalized.replace("-", "")

    @property
    def masked(self) -> str:
        return mask_identity(self.normalized)

    @property
    def legal_gender(self) -> str:
        return "man" if int(self.normalized[11]) % 2 else "kvinna"


def luhn_check_digit(nine_digits: str) -> int:
    # Every other digit from the first doubled, a two-digit product counted as its digit
    # sum; by table lookups, since an import checks 10,000s of numbers.
    total = sum(map(_DOUBLED.__getitem__, nine_digits[0::2])) + sum(map(int, nine_digits[1::2]))
    return (10 - total % 10) % 10


_DOUBLED = {str(d): 2 * d - 9 if d > 4 else 2 * d for d in range(10)}


def mask_identity(normalized: str | None) -> str:
    if not normalized:
        return ""
    return normalized[:-4] + "XXXX"


def format_ten(normalized: str) -> str:
    """The short form people write: YYMMDD-NNNN."""
    return normalized[2:]


def parse_identity(text: str, today: date | None = None) -> Identity:
    """Read a number as people type it; a ValueError says in Swedish what is wrong."""
    today = today or date.today()
    compact = "".join(text.split())
    if not compact:
        raise ValueError("Ange ett personnummer eller samordningsnummer.")
    if not _ALLOWED.match(compact) or compact.count("-") + compact.count("+") > 1:
        raise ValueError("Numret får bara innehålla siffror och ett bindestreck eller plus.")
    centenarian = "+" in compact
    digits = compact.replace("-", "").replace("+", "")
    if len(digits) not in (10, 12):
        raise ValueError(
            f"Fel längd: ett personnummer har 10 eller 12 siffror, inte {len(digits)}."
        )
    separator_at = max(compact.find("-"), compact.find("+"))
    if separator_at != -1 and separator_at != len(compact) - 5:
        raise ValueError("Bindestrecket ska stå före de fyra sista siffrorna.")
    if len(digits) == 12:
        year = int(digits[:4])
        rest = digits[2:]
    else:
        rest = digits
        if centenarian:
            year = _centenarian_year(int(digits[:2]), today)
        else:
            year = _year_from_two_digits(
                int(digits[:2]), int(digits[2:4]), int(digits[4:6]), today
            )
    month, day = int(rest[2:4]), int(rest[4:6])
    kind = "personnummer"
    if day > 60:
        kind = "samordningsnummer"
        day -= 60
    try:
        birth = date(year, month, day)
    except ValueError:
        shown = f"{year:04d}-{month:02d}-{day:02d}"
        raise ValueError(f"Datumet finns inte: {shown}.") from None
    if birth > today:
        raise ValueError(f"Födelsedatumet {birth.isoformat()} ligger i framtiden.")
    if rest[6:9] == "000":
        raise ValueError("Födelsenumret 000 finns inte; kontrollera numret med personen.")
    if int(rest[9]) != luhn_check_digit(rest[:9]):
        # Never name the digit that would fit: a mistyped middle digit would then become
        # a valid number for someone else.
        raise ValueError("Kontrollsiffran stämmer inte. Kontrollera numret med personen.")
    normalized = f"{year:04d}{rest[2:6]}-{rest[6:]}"
    return Identity(kind=kind, normalized=normalized, birth_date=birth)


def _centenarian_year(yy: int, today: date) -> int:
    """With a plus sign: the latest year ending in `yy` in which someone turns 100 no
    later than this calendar year (Skatteverket: the plus is used from the year of the
    100th birthday)."""
    latest = today.year - 100
    return latest - (latest - yy) % 100


def _year_from_two_digits(yy: int, month: int, day: int, today: date) -> int:
    """The latest century in which the birth date is not after today."""
    year = today.year - (today.year % 100) + yy
    if day > 60:
        day -= 60
    try:
        candidate = date(year, month, day)
    except ValueError:
        # An impossible date is reported later; guess by year only.
        return year if year <= today.year else year - 100
    return year if candidate <= today else year - 100
