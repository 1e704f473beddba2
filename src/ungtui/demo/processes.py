"""Demo data for work processes: the starting content, plus a little history to look at
(an edited process with two versions, one that a party has ended, review dates)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

from ungtui.services.processes.processes import (
    end_process,
    find_process,
    process_input,
    save_process,
)
from ungtui.services.processes.starting_content import load_starting_content, shipped_id
from ungtui.store.database import Database


def _demo_id(name: str) -> str:
    # Fixed ids, so the same seed gives the same database (see fill_demo).
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"ungtui-demo:{name}"))


def fill_demo_processes(db: Database, *, actor_id: str | None, today: date) -> None:
    load_starting_content(db, actor_id=actor_id)
    weekly = find_process(db, "Veckovis samverkansgrupp i Värnamo")
    data = process_input(db, weekly)
    data = replace(
        data,
        local_proposal=data.local_proposal.replace(
            "- Gruppen noterar vem som gör vad till nästa gång.",
            "- Gruppen noterar vem som gör vad till nästa gång; beslut skrivs in i ungtui "
            "under mötet.",
        ),
        last_reviewed=today - timedelta(days=60),
        next_review=today + timedelta(days=300),
    )
    save_process(db, data, actor_id=actor_id, process_id=weekly, version_id=_demo_id("v2"))
    samung = find_process(db, "SamUng i Gislaved")
    data = replace(
        process_input(db, samung),
        last_reviewed=today - timedelta(days=400),
        next_review=today - timedelta(days=35),
    )
    save_process(db, data, actor_id=actor_id, process_id=samung, version_id=_demo_id("v3"))
    ended = find_process(db, "Operation Integration – praktik under språkintroduktion")
    end_process(
        db,
        ended,
        party_id=shipped_id("organisation", "Värnamo kommun"),
        on=today - timedelta(days=30),
        actor_id=actor_id,
        version_id=_demo_id("v4"),
    )
