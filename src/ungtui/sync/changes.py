"""What an export carries and how an import merges it (sync.md §6.3).

A ChangeSet is the plain content of a sync file, before compression, encryption and
signing (see fileformat.py). Collecting and applying work on one Connection inside one
transaction.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Connection

from ungtui.store.models import PERSON_TABLES as PERSON_MODELS
from ungtui.sync import hlc as hlcmod
from ungtui.sync import holders, sharing, state
from ungtui.sync import organisations as orgs
from ungtui.sync.register import Register, covered, merge, smallest_of_groups
from ungtui.sync.withdrawal import (
    RemovedPerson,
    remove_received_categories,
    remove_received_person,
)

# Rows that belong to one individual: they travel only where that person's consent allows,
# and go when it is withdrawn. A table joins by having an `individual_id` column.
PERSON_TABLES = tuple(model.__tablename__ for model in PERSON_MODELS)


@dataclass
class ChangeSet:
    sender: str
    seq_from: int
    seq_to: int
    full: bool
    # {"t", "id", "f": {col: reg}, "d": dot, "o": origin organisation (its number)}
    rows: list[dict] = field(default_factory=list)
    merges: list[list[str]] = field(default_factory=list)  # [id_a, id_b, hlc, site]
    purges: list[str] = field(default_factory=list)  # individual ids the receiver must drop
    # {individual id: [categories]}: what the receiver must drop of what it has from us
    # about a person it may still receive (a consent covers less than before).
    narrowed: dict[str, list[str]] = field(default_factory=dict)
    grants: list[str] = field(default_factory=list)  # individual ids sent again in full
    acks: dict[str, int] = field(default_factory=dict)
    # Organisation records found to be one organisation: [id_a, id_b, hlc, site]
    org_merges: list[list[str]] = field(default_factory=list)

    @property
    def change_count(self) -> int:
        return (
            sum(len(r["f"]) + (1 if r.get("d") else 0) for r in self.rows)
            + len(self.merges)
            + len(self.purges)
            + len(self.narrowed)
            + len(self.org_merges)
        )


@dataclass
class ImportSummary:
    new: int = 0
    updated: int = 0
    known: int = 0
    conflicts: int = 0
    duplicates: int = 0
    purged: int = 0
    warnings: list[str] = field(default_factory=list)
    # Who a withdrawal removed data about, by name: shown to the user, never stored.
    removed: list[RemovedPerson] = field(default_factory=list)
    organisations_merged: int = 0

    def as_dict(self) -> dict:
        return {
            "new": self.new,
            "updated": self.updated,
            "known": self.known,
            "conflicts": self.conflicts,
            "duplicates": self.duplicates,
            "purged": self.purged,
            "warnings": self.warnings,
        }


# --- who may receive whom ------------------------------------------------------------


def clusters(conn: Connection) -> dict[str, str]:
    """Each merged individual's canonical id: the smallest id of its connected group."""
    return smallest_of_groups(conn.exec_driver_sql("SELECT id_a, id_b FROM sync_merge").all())


# --- export --------------------------------------------------------------------------


def collect(
    conn: Connection,
    *,
    since: int,
    for_organisation: str | None,
    today: date,
    acks: dict[str, int],
    for_domain: str | None = None,
) -> ChangeSet:
    """Everything changed after `since`, minus what the recipient may not receive: a
    recipient of another secrecy domain (organisation, or nämnd of one) gets what
    sync.sharing's plan allows, record by record and field by field."""
    sender = state.site_id(conn)
    seq_to = state.current_seq(conn)
    receiver = sharing.receiver_holder(conn, for_organisation, for_domain)
    share = sharing.share_plan(conn, receiver, today) if receiver else None
    filtered = share is not None
    allowed: set[str] = set()
    grants: set[str] = set()
    purges: list[str] = []
    narrowed: dict[str, list[str]] = {}
    if share is not None:
        allowed = set(share.people)
        # What was sent to the receiver is kept by its identity (and domain), so that a
        # merge of its records here does not make us forget what it holds.
        grants, purges, narrowed = share.record_sent(conn)

    owner = _row_owner(conn) if filtered else {}
    rows = []
    query = "SELECT tbl, row_id, fields, tomb_hlc, tomb_site, local_seq, origin FROM sync_row"
    for tbl, row_id, fields_json, tomb_hlc, tomb_site, local_seq, origin in conn.exec_driver_sql(
        query + " ORDER BY local_seq, tbl, row_id"
    ):
        person = row_id if tbl == "individual" else owner.get((tbl, row_id))
        # A person table's row with no individual_id (a meeting's free topic) is about
        # nobody, and travels like any other row.
        about_a_person = tbl == "individual" or (tbl in PERSON_TABLES and person is not None)
        if filtered and about_a_person and person not in allowed:
            continue
        whole = person in grants
        if local_seq <= since and not whole and not (share and share.refreshes(person)):
            continue
        registers = json.loads(fields_json)
        chosen = {
            col: {"v": reg["v"], "vv": reg["vv"]}
            for col, reg in registers.items()
            if whole or reg.get("s", 0) > since
        }
        if share is not None and about_a_person:
            chosen = share.fields_to_send(tbl, row_id, person, registers, chosen)
            if chosen is None:
                continue
        dot = [tomb_hlc, tomb_site] if tomb_hlc else None
        if chosen or dot:
            row = {"t": tbl, "id": row_id, "f": chosen, "d": dot}
            if origin:
                row["o"] = origin
            rows.append(row)
    merges = [
        list(m)
        for m in conn.exec_driver_sql(
            "SELECT id_a, id_b, hlc, site FROM sync_merge WHERE local_seq > ? OR ? = 0"
            " ORDER BY id_a, id_b",
            (since, since),
        )
        if not filtered or m[0] in allowed or m[1] in allowed
    ]
    # Organisations are no one's personal data: their merges go to everyone.
    org_merges = [
        list(m)
        for m in conn.exec_driver_sql(
            "SELECT id_a, id_b, hlc, site FROM sync_org_merge WHERE local_seq > ? OR ? = 0"
            " ORDER BY id_a, id_b",
            (since, since),
        )
    ]
    return ChangeSet(
        sender=sender,
        seq_from=since + 1,
        seq_to=seq_to,
        full=since == 0,
        rows=rows,
        merges=merges,
        purges=purges,
        narrowed=narrowed,
        grants=sorted(grants),
        acks=acks,
        org_merges=org_merges,
    )


def _row_owner(conn: Connection) -> dict[tuple[str, str], str]:
    owner = {}
    for tbl in PERSON_TABLES:
        for row_id, pid in conn.exec_driver_sql(f"SELECT id, individual_id FROM {tbl}"):
            owner[(tbl, row_id)] = pid
    return owner


# --- import --------------------------------------------------------------------------


def newest_stamp(changes: ChangeSet) -> str:
    stamps = [hlcmod.encode(0, 0)]
    for row in changes.rows:
        for reg in row["f"].values():
            stamps.extend(v[1] for v in reg["v"])
        if row.get("d"):
            stamps.append(row["d"][0])
    stamps.extend(m[2] for m in changes.merges)
    stamps.extend(m[2] for m in changes.org_merges)
    return max(stamps)


def apply(conn: Connection, changes: ChangeSet, *, sender_key: str | None = None) -> ImportSummary:
    """Merge a verified ChangeSet. The caller holds the transaction. `sender_key` is the
    sending party's key (sync.holders: its organisation's identity and its domain): a
    record that carries no origin of its own counts as the sender's, and a purge drops
    what the sender shared."""
    summary = ImportSummary()
    clock = state.clock(conn)
    clock.observe(newest_stamp(changes))
    state.save_clock(conn, clock)
    seq = state.next_seq(conn)
    own_key = holders.own_holder_key(conn)
    orgs.begin_bulk(conn)
    try:
        organisations_changed = _add_org_merges(conn, changes, seq)
        if organisations_changed:
            orgs.refresh_organisation_clusters(conn)
        blocked = _purge(conn, changes, summary, sender_key, own_key)
        touched_people: set[str] = set()
        conflicted: dict[tuple[str, str], int] = {}  # rows with new conflicts: how many before
        for row in changes.rows:
            tbl, row_id = row["t"], row["id"]
            if tbl not in state.TABLES:
                summary.warnings.append(f"Okänd sorts post ({tbl}) hoppades över.")
                continue
            origin = row.get("o") or sender_key
            person = row_id if tbl == "individual" else person_of(row)
            if person and blocked and _is_blocked(conn, blocked, person, tbl, row_id, origin):
                continue
            fields, tomb = state.load_row(conn, tbl, row_id)
            existed = bool(fields) or tomb is not None
            before_conflicts = _conflicts(conn, tbl, fields)
            incoming_tomb = tuple(row["d"]) if row.get("d") else None
            new_tomb = (
                min(t for t in (tomb, incoming_tomb) if t) if (tomb or incoming_tomb) else None
            )
            changed = False
            if new_tomb:
                fields, changed, dropped = _merge_into_tombstone(fields, row["f"], seq)
                changed = changed or new_tomb != tomb
                if dropped:
                    summary.warnings.append(
                        "En post som ändrats har samtidigt tagits bort på en annan "
                        "installation. Borttagningen gäller; ändringen har inte sparats."
                    )
            else:
                for col, data in row["f"].items():
                    incoming = Register.from_json(data)
                    local = fields.get(col)
                    result = merge(local, incoming) if local else incoming
                    if local is None or result != local:
                        result.seq = seq
                        fields[col] = result
                        changed = True
            if not changed:
                summary.known += 1
                continue
            state.save_row(conn, tbl, row_id, fields, new_tomb, seq, origin)
            state.write_domain(conn, tbl, row_id, fields, new_tomb)
            after_conflicts = _conflicts(conn, tbl, fields)
            summary.conflicts += max(0, after_conflicts - before_conflicts)
            if after_conflicts > before_conflicts:
                conflicted[(tbl, row_id)] = before_conflicts
            if existed:
                summary.updated += 1
            else:
                summary.new += 1
            if tbl == "individual":
                touched_people.add(row_id)
            elif tbl == "organisation":
                organisations_changed = True
        for id_a, id_b, stamp, site in changes.merges:
            added = conn.exec_driver_sql(
                "INSERT OR IGNORE INTO sync_merge (id_a, id_b, hlc, site, local_seq)"
                " VALUES (?, ?, ?, ?, ?)",
                (id_a, id_b, stamp, site, seq),
            ).rowcount
            if added:
                touched_people.update((id_a, id_b))
        if changes.merges or touched_people:
            refresh_clusters(conn)
        if organisations_changed:
            orgs.refresh_organisation_clusters(conn)
        # A record of an organisation this install holds under another id: one organisation.
        summary.organisations_merged = orgs.merge_same_numbers(conn)
        if summary.organisations_merged and conflicted:
            # Competing ids of one organisation are no conflict once it is one record.
            summary.conflicts = sum(
                max(0, _conflicts(conn, tbl, state.load_row(conn, tbl, row_id)[0]) - before)
                for (tbl, row_id), before in conflicted.items()
            )
    finally:
        orgs.end_bulk(conn)
    canon = clusters(conn)
    touched_roots = {canon.get(p, p) for p in touched_people}
    summary.duplicates = sum(1 for pair in possible_duplicates(conn) if set(pair) & touched_roots)
    return summary


def _conflicts(conn: Connection, tbl: str, fields: dict[str, Register]) -> int:
    """Fields with competing values a person must settle (not those that name one
    organisation under two of its merged ids)."""
    alias = orgs.alias_map(conn)
    return sum(
        1
        for col, reg in fields.items()
        if reg.in_conflict
        and not orgs.settled_by_merge(tbl, col, [v[0] for v in reg.versions], alias)
    )


def _add_org_merges(conn: Connection, changes: ChangeSet, seq: int) -> bool:
    added = 0
    for id_a, id_b, stamp, site in changes.org_merges:
        added += conn.exec_driver_sql(
            "INSERT OR IGNORE INTO sync_org_merge (id_a, id_b, hlc, site, local_seq)"
            " VALUES (?, ?, ?, ?, ?)",
            (id_a, id_b, stamp, site, seq),
        ).rowcount
    return bool(added)


def _is_blocked(
    conn: Connection,
    blocked: set[tuple[str, str]],
    person: str,
    tbl: str,
    row_id: str,
    origin: str | None,
) -> bool:
    """A record about a person whose data its party may no longer share with us."""
    if (person, "") in blocked:
        return True
    known = state.row_origin(conn, tbl, row_id) or origin or ""
    if (person, known) in blocked or (person, known.partition("#")[0]) in blocked:
        return True
    if "#" in known:
        return False
    # An origin written before domains names its organisation: any domain of it.
    return any(pid == person and holders.same_holder(known, who) for pid, who in blocked)


def _merge_into_tombstone(
    fields: dict[str, Register], incoming: dict[str, dict], seq: int
) -> tuple[dict[str, Register], bool, bool]:
    """A removed record keeps only version vectors; edits to it are dropped."""
    merged: dict[str, Register] = {}
    changed = dropped = False
    for col in set(fields) | set(incoming):
        local = fields.get(col, Register())
        other = Register.from_json(incoming[col]) if col in incoming else Register()
        # An edit the other side had not seen when the record was removed is lost.
        dropped = (
            dropped
            or any(not covered(v, local.vv) for v in other.versions if not local.versions)
            or any(not covered(v, other.vv) for v in local.versions if not other.versions)
        )
        vv = dict(local.vv)
        for site, stamp in other.vv.items():
            if stamp > vv.get(site, ""):
                vv[site] = stamp
        changed = changed or vv != local.vv or bool(local.versions)
        merged[col] = Register([], vv, seq)
    return merged, changed, dropped


def person_of(row: dict) -> str | None:
    """The individual a change-set row of a person table is about."""
    reg = row["f"].get("individual_id")
    if reg and reg["v"]:
        return reg["v"][0][0]
    return None


def _purge(
    conn: Connection,
    changes: ChangeSet,
    summary: ImportSummary,
    sender_key: str | None,
    own_key: str | None,
) -> set[tuple[str, str]]:
    """People the sender may no longer share with us (consent ended): drop what it shared,
    keep our own records (sync.withdrawal); people it may share less about: drop the
    categories no longer covered. Returns who is blocked from which sender."""
    for pid in changes.grants:
        conn.exec_driver_sql(
            "DELETE FROM sync_purged WHERE individual_id = ? AND organisation IN (?, '')",
            (pid, sender_key or ""),
        )
    if changes.purges:
        canon = clusters(conn)
        groups: dict[str, list[str]] = defaultdict(list)
        for pid, root in canon.items():
            groups[root].append(pid)
        stamp = newest_stamp(changes)
        merged_people = False
        for pid in changes.purges:
            root = canon.get(pid, pid)
            members = sorted(set(groups.get(root, [])) | {pid})
            merged_people = merged_people or len(members) > 1
            report = remove_received_person(
                conn, root, sender_key=sender_key, own_key=own_key, members=members
            )
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO sync_purged (individual_id, organisation, hlc)"
                " VALUES (?, ?, ?)",
                [(member, sender_key or "", stamp) for member in members],
            )
            if report is not None and report.removed:
                summary.removed.append(report)
                summary.purged += 1
        if merged_people:
            refresh_clusters(conn)
    if changes.narrowed:
        canon = clusters(conn)
        for pid, categories in sorted(changes.narrowed.items()):
            root = canon.get(pid, pid)
            members = sorted({p for p, r in canon.items() if r == root} | {pid})
            report = remove_received_categories(
                conn,
                root,
                frozenset(categories),
                sender_key=sender_key,
                own_key=own_key,
                members=members,
            )
            if report is not None and report.removed:
                summary.removed.append(report)
                summary.purged += 1
    return {
        (pid, org)
        for pid, org in conn.exec_driver_sql("SELECT individual_id, organisation FROM sync_purged")
    }


def refresh_clusters(conn: Connection) -> None:
    canon = clusters(conn)
    conn.exec_driver_sql("UPDATE individual SET merged_into = NULL WHERE merged_into IS NOT NULL")
    groups: dict[str, list[str]] = defaultdict(list)
    for pid, root in canon.items():
        groups[root].append(pid)
        if pid != root:
            # A member may have been the root of a smaller group before and still show
            # that group's values: it goes back to its own.
            fields, tomb = state.load_row(conn, "individual", pid)
            if fields or tomb:  # a merge can arrive before the member's own record
                state.write_domain(conn, "individual", pid, fields, tomb)
            conn.exec_driver_sql("UPDATE individual SET merged_into = ? WHERE id = ?", (root, pid))
    for root, members in groups.items():
        _show_group(conn, root, members)


def _show_group(conn: Connection, root: str, members: list[str]) -> None:
    """The merged person shows, field by field, the newest value any member holds; a
    removal of any member removes the person."""
    best: dict[str, Register] = {}
    removed = None
    for pid in members:
        fields, tomb = state.load_row(conn, "individual", pid)
        if tomb:
            removed = min(removed, tomb) if removed else tomb
        for col, reg in fields.items():
            if reg.versions and (col not in best or _dot(reg) > _dot(best[col])):
                best[col] = Register([reg.versions[0]], {})
    state.write_domain(conn, "individual", root, best, removed)


def _dot(reg: Register) -> tuple[str, str]:
    return reg.versions[0][1], reg.versions[0][2]


def possible_duplicates(conn: Connection) -> list[tuple[str, str]]:
    """Pairs of live people with the same identity number not yet merged into one."""
    canon = clusters(conn)
    by_number: dict[str, set[str]] = defaultdict(set)
    for pid, number in conn.exec_driver_sql(
        "SELECT id, identity_number FROM individual"
        " WHERE identity_number IS NOT NULL AND deleted_at IS NULL"
    ):
        by_number[number].add(canon.get(pid, pid))
    return sorted(
        pair for roots in by_number.values() for pair in itertools.pairwise(sorted(roots))
    )
