"""How a person is named in a meeting: at the least identifying level, or in full. Apart from
domain.meeting_consent (which re-exports them) so that Min dag's first read can name the
people on actions without importing the disclosure rules before the first frame."""

from __future__ import annotations

from datetime import date

from ungtui.domain.text import first_letter


def initials(first_name: str, last_name: str) -> str:
    """`Åsa Öberg` -> `Å.Ö.`; double names give each part: `Al-Hassan` -> `A.-H.`"""
    parts = []
    for name in (first_name, last_name):
        for word in name.split():
            letters = [letter for p in word.split("-") if (letter := first_letter(p))]
            if letters:
                parts.append("-".join(f"{letter}." for letter in letters))
    return "".join(parts) or "?"


def masked_name(first_name: str, last_name: str, birth_date: date | None) -> str:
    """The least identifying name that still tells the room who is meant."""
    mark = initials(first_name, last_name)
    return f"{mark} (f. {birth_date.year})" if birth_date else mark


def full_name(first_name: str, last_name: str, birth_date: date | None) -> str:
    name = " ".join(part for part in (first_name, last_name) if part) or "(namn saknas)"
    return f"{name} (f. {birth_date.year})" if birth_date else name
