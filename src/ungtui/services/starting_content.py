"""The starting content: the five agreements of the seeds and the work processes under
them, shipped with ungtui and loaded on request.

Shipped records get ids derived from their names (uuid5), so two installs that both load
the content hold the same records, and sync merges them instead of doubling them.
Loading twice adds nothing; a shipped record someone removed stays removed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from importlib.resources import files

from sqlmodel import col, select

from ungtui.content.agreements import AGREEMENTS, OTHER_ORGANISATIONS
from ungtui.domain.text import fold
from ungtui.services.agreements import AgreementInput, save_agreement
from ungtui.services.guarantee_rules import set_agreement_guarantee
from ungtui.services.processes import import_process
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Agreement, Organisation, WorkProcess

_NAMESPACE = uuid.UUID("6f1f3c2e-4a8b-4f1e-9a55-1c0d2e7b9a10")


def shipped_id(kind: str, key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


@dataclass(frozen=True)
class LoadSummary:
    agreements: int
    processes: int
    organisations: int


def process_files() -> list[tuple[str, str]]:
    """(name, text) of each shipped process file, in file order."""
    folder = files("ungtui.content").joinpath("processes")
    entries = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".md")),
        key=lambda entry: entry.name,
    )
    return [
        (entry.name.removesuffix(".md"), entry.read_text(encoding="utf-8")) for entry in entries
    ]


def _ensure_organisations(db: Database, actor_id: str | None) -> tuple[dict[str, str], int]:
    """Organisation id by name, adding those that are missing (found by org.nr or name)."""
    wanted = {(name, nr, kind) for a in AGREEMENTS for (name, nr, kind) in a["parties"]}
    wanted |= set(OTHER_ORGANISATIONS)
    ids: dict[str, str] = {}
    added = 0
    with UnitOfWork(db, actor_id) as uow:
        existing = uow.session.exec(
            select(Organisation).where(col(Organisation.deleted_at).is_(None))
        ).all()
        for name, org_nr, kind in sorted(wanted, key=lambda o: o[0]):
            found = next((o for o in existing if org_nr and o.org_nr == org_nr), None) or next(
                (o for o in existing if fold(o.name) == fold(name)), None
            )
            if found is None:
                found = uow.create(
                    Organisation(
                        id=shipped_id("organisation", org_nr or name),
                        name=name,
                        org_nr=org_nr,
                        kind=kind,
                    )
                )
                added += 1
            ids[name] = found.id
    return ids, added


def load_starting_content(db: Database, *, actor_id: str | None) -> LoadSummary:
    organisations, organisations_added = _ensure_organisations(db, actor_id)
    with db.session() as session:
        known_agreements = set(session.exec(select(Agreement.id)).all())
        known_processes = set(session.exec(select(WorkProcess.id)).all())
    agreements = 0
    for item in AGREEMENTS:
        agreement_id = shipped_id("agreement", item["key"])
        if agreement_id in known_agreements:
            continue
        save_agreement(
            db,
            AgreementInput(
                title=item["title"],
                purpose=item["purpose"],
                party_ids=[organisations[name] for name, _nr, _kind in item["parties"]],
                target_groups=list(item["target_groups"]),
                goals=list(item["goals"]),
                appendices=list(item["appendices"]),
                valid_from=item["valid_from"],
                valid_until=item["valid_until"],
                notice_months=item["notice_months"],
                revision=item["revision"],
                next_revision=item["next_revision"],
                process_commitment_months=item.get("process_commitment_months"),
            ),
            actor_id=actor_id,
            new_id=agreement_id,
        )
        if "guarantee" in item:
            low, high, days, counts = item["guarantee"]
            set_agreement_guarantee(
                db,
                agreement_id,
                min_age=low,
                max_age=high,
                days=days,
                counts=counts,
                actor_id=actor_id,
            )
        agreements += 1
    processes = 0
    for name, text in process_files():
        process_id = shipped_id("process", name)
        if process_id in known_processes:
            continue
        import_process(db, text, actor_id=actor_id, new_id=process_id)
        processes += 1
    return LoadSummary(agreements, processes, organisations_added)
