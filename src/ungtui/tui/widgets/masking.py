"""How identity numbers appear on screen."""

from __future__ import annotations

from ungtui.domain.identity import mask_identity


def shown_identity(identity: str, kind: str, revealed: bool) -> str:
    if kind == "reservnummer" or revealed:
        return identity
    return mask_identity(identity)
