"""Records confirmed to be one person (merged duplicates) are read together."""

from __future__ import annotations

from sqlmodel import Session, select

from ungtui.store.models import Individual


def same_person_ids(session: Session, individual_id: str) -> list[str]:
    """The record and any records merged into it."""
    merged = session.exec(
        select(Individual.id).where(Individual.merged_into == individual_id)
    ).all()
    return [individual_id, *merged]
