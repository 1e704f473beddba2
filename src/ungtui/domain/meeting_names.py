"""How a person is named in a meeting: at the least identifying level, or in full. Apart from
domain.meeting_consent (which re-exports them) so that Min dag's first read can name the
people on actions without importing the disclosure rules before the first frame."""

from __future__ import annotations

from datetime import date

from ungtui.domain.text import initials

__all__ = ["full_name", "initials", "masked_name"]


def masked_name(first_name: str, last_name: str, birth_date: date | None) -> str:
    """The least identifying name that still tells the room who is meant."""
    mark = initials(first_name, last_name)
    return f"{mark} (f. {birth_date.year})" if birth_date else mark


def full_name(first_name: str, last_name: str, birth_date: date | None) -> str:
    name = " ".join(part for part in (first_name, last_name) if part) or "(namn saknas)"
    return f"{name} (f. {birth_date.year})" if birth_date else name
