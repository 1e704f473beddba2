"""How identity numbers and names appear on screen.

In screen-share mode (the app's `screen_share`, switched with Ctrl+D) numbers are always
masked and names shrink to initials, whatever a screen was asked to reveal.
"""

from __future__ import annotations

from ungtui.domain.identity import mask_identity
from ungtui.domain.text import initials


def shown_identity(identity: str, kind: str, revealed: bool, share: bool = False) -> str:
    if share:
        return "R-XXXX" if kind == "reservnummer" else mask_identity(identity)
    if kind == "reservnummer" or revealed:
        return identity
    return mask_identity(identity)


def shown_name(name: str, share: bool) -> str:
    """`name` as "First Last" or "Last, First"; initials in screen-share mode."""
    if not share:
        return name
    if "," in name:
        last, _, first = name.partition(",")
        return initials(first, last)
    first, _, last = name.strip().rpartition(" ")
    return initials(first, last) if first else initials(last, "")
