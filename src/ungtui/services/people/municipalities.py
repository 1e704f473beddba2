"""Which registered municipality (Individual.municipality) means which municipal party.

People are registered in a municipality by its name ("Gislaved"); the party is an
organisation named for the authority ("Gislaveds kommun", "Malmö stad"). An agreement
that names municipalities as parties covers people registered in them.
"""

from __future__ import annotations

from sqlmodel import Session, select

from ungtui.domain.text import fold
from ungtui.store.models import Individual


def recorded_municipalities(session: Session) -> set[str]:
    """Every municipality name typed for someone: a few hundred at most."""
    return set(
        session.exec(
            select(Individual.municipality).where(Individual.municipality != "").distinct()
        ).all()
    )


def municipality_names(organisation_name: str, recorded: set[str]) -> tuple[str, ...]:
    """The registered-municipality names that mean this party: 'Gislaveds kommun' is
    Gislaved, 'Malmö stad' is Malmö, 'Stockholms stad' is Stockholm — as typed, in any
    case, with or without å, ä and ö."""
    base = organisation_name
    for suffix in (" kommun", " stad", " Kommun", " Stad"):
        base = base.removesuffix(suffix)
    forms = {base, base[:-1]} if base.endswith("s") else {base}
    folded = {fold(form) for form in forms}
    return tuple(sorted(forms | {name for name in recorded if fold(name) in folded}))
