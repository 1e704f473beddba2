"""The starting content: the five agreements of the seeds and the work processes under
them, shipped with ungtui and loaded on request.

Shipped records get ids derived from what identifies them (uuid5): an organisation from
its number (or its name where the seeds give none), an agreement or a process from its
key. They are written with one shared stamp (sync.state.SHIPPED_SITE), so two installs
that both load the content hold identical records: sync merges them without a conflict,
and an edit on either install later simply wins. Loading twice adds nothing; a shipped
record someone removed stays removed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from sqlmodel import select

from ungtui.content.agreements import AGREEMENTS, OTHER_ORGANISATIONS
from ungtui.domain.orgnr import derived_id
from ungtui.domain.text import fold
from ungtui.services.processes.agreements import AgreementInput, save_agreement
from ungtui.services.processes.processes import import_process
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.guarantee_rules import set_agreement_guarantee
from ungtui.store.database import Database
from ungtui.store.models import Agreement, Organisation, WorkProcess
from ungtui.sync import organisations as orgs
from ungtui.sync import state


def shipped_id(kind: str, key: str) -> str:
    return derived_id(kind, key)


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
    """Organisation id by name, adding those that are missing. The content refers to its
    organisations by their derived ids, whatever records of them this install holds
    already, so that its records are the same on every install; a record here with the
    same number becomes one organisation with the shipped one."""
    wanted = {(name, nr, kind) for a in AGREEMENTS for (name, nr, kind) in a["parties"]}
    wanted |= set(OTHER_ORGANISATIONS)
    ids: dict[str, str] = {}
    added = 0
    with UnitOfWork(db, actor_id, shipped=True) as uow:
        for name, org_nr, kind in sorted(wanted, key=lambda o: o[0]):
            org_id = shipped_id("organisation", org_nr or name)
            if uow.session.get(Organisation, org_id) is None:
                uow.create(Organisation(id=org_id, name=name, org_nr=org_nr, kind=kind))
                added += 1
            ids[name] = org_id
    with db.engine.begin() as conn:
        orgs.merge_same_numbers(conn)
        _own_is_shipped(conn, {name: ids[name] for name, nr, _k in wanted if not nr})
    return ids, added


def _own_is_shipped(conn, unnumbered: dict[str, str]) -> None:
    """A party the seeds name without a number, of the same name as this install's own
    organisation (set up with its number), is that organisation: one record, merged by
    the same door as any other, so the content's processes name the user's own."""
    own = orgs.own_organisation_id(conn)
    row = conn.exec_driver_sql(
        "SELECT name FROM organisation WHERE id = ? AND org_nr IS NOT NULL", (own,)
    ).first()
    if row is None:
        return
    for name, shipped in unnumbered.items():
        if fold(name) == fold(row[0]) and orgs.organisation_key(conn, shipped) != (
            orgs.organisation_key(conn, own)
        ):
            orgs.add_merge(conn, own, shipped)
            orgs.refresh_organisation_clusters(conn)


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
            shipped=True,
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
        import_process(
            db,
            text,
            actor_id=actor_id,
            new_id=process_id,
            shipped=True,
            organisations=organisations,
        )
        processes += 1
    return LoadSummary(agreements, processes, organisations_added)


def settle_shipped_authors(conn) -> int:
    """Installs from before shipped content was stamped alike each wrote its own user as
    the author of the first version of every shipped process, so two of them meet with a
    conflict per process about who wrote text nobody here wrote. The first version of a
    shipped process has no author (as loading it now writes it): writing that on each
    such install makes the competing values one. Returns how many were settled."""
    settled = 0
    for version_id in _first_versions():
        fields, tomb = state.load_row(conn, "work_process_version", version_id)
        author = fields.get("author_id")
        if tomb or author is None or not author.in_conflict:
            continue
        state.stamp_local(conn, [("work_process_version", version_id, {"author_id": None})], [])
        state.materialize(conn, "work_process_version", version_id)
        settled += 1
    return settled


@cache
def _first_versions() -> tuple[str, ...]:
    """The ids of the shipped processes' first versions. Asked on every import of a sync
    file: reading the shipped files and deriving the ids each time was a third of this
    check's time. The shipped files do not change while ungtui runs."""
    return tuple(
        str(uuid.uuid5(uuid.UUID(shipped_id("process", name)), "version-1"))
        for name, _text in process_files()
    )
