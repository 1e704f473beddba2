"""What an export carries and how an import merges it (sync.md §6.3).

Both walk the change log in batches, so memory stays small at 100,000 people:

- An export (`collect_stream`) reads `sync_row` one table at a time for a full export, or
  only the rows after the acknowledged point for a delta (the index on `local_seq`), and
  yields one change at a time. Which records and fields travel is decided by the
  export's scope (sync.scope), nowhere else. Registers that travel whole are copied into
  the file as stored, without being parsed.
- An import (`apply`) takes checked changes one at a time (sync.validate checked all of
  them first) and applies them in batches of BATCH records: one query loads what the
  batch's records hold here, the merge runs in memory, and one prepared statement per
  table writes the batch.

A ChangeSet is the same content held in memory, for small exchanges and tests.

Authority, not just authenticity. A file signed by a known key is still only allowed to
do what the protocol lets its sender do:

1. Removal of a record (a tombstone) is applied when the sender belongs to this install's
   own organisation (colleagues share one register), or when the record was created by
   the sender's organisation (its origin). A removal from another organisation of a
   record it did not create — a person this install registered, say — is not applied; the
   import names it as refused.
2. A purge (the sender may no longer share a person with us, sync.withdrawal) removes
   only records whose origin is the sender's organisation, never records this
   organisation or install created, nor those a third organisation shared. Only another
   organisation sends purges; purges from one's own organisation, or from a sender whose
   organisation is unknown, are refused.
3. A merge of two people is applied only when both records are here and carry the same
   identity number. From one's own organisation a record removed here counts as agreeing
   (a colleague merged the two before the removal reached them; the removal then removes
   the merged person everywhere alike). Any other merge becomes a suggestion in the
   duplicates queue (`sync_merge_suggestion`), for a person here to confirm or dismiss;
   a suggestion whose records later arrive with one number is applied then (unless a
   person here has dismissed it).
4. A merge of two organisation records with two different organisation numbers is never
   applied (a number is the organisation's identity).
5. Acknowledgements never move this install's identity: an acknowledgement names the
   file it confirms, and one naming a file this install did not write (or a sequence
   number it never reached) is ignored with a warning (services.sync.sync.apply_changes).
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from sqlalchemy.engine import Connection

from ungtui.store.models import PERSON_TABLE_NAMES as PERSON_TABLES
from ungtui.sync import holders, state
from ungtui.sync import organisations as orgs
from ungtui.sync.register import Register, covered, merge
from ungtui.sync.scope import (
    ExportScope,
    allowed_individuals,  # noqa: F401 (its home until issue 15)
    clusters,
    export_scope,
    record_sent,
)
from ungtui.sync.withdrawal import (
    RemovedPerson,
    record_origin,
    remove_received_categories,
    remove_received_person,
    site_keys,
)

BATCH = 500


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
    # {site: [the highest sequence number received from it, the file that brought it]}
    acks: dict[str, list] = field(default_factory=dict)
    # Organisation records found to be one organisation: [id_a, id_b, hlc, site]
    org_merges: list[list[str]] = field(default_factory=list)
    file_id: str = ""

    def manifest(self) -> dict:
        manifest = {
            "sender": self.sender,
            "seq_from": self.seq_from,
            "seq_to": self.seq_to,
            "full": self.full,
            "acks": self.acks,
        }
        if self.narrowed:
            manifest["narrowed"] = self.narrowed
        return manifest

    def items(self) -> Iterator[dict]:
        """The changes in the order a file holds them (sync.validate.SECTIONS)."""
        for edge in self.org_merges:
            yield {"om": list(edge)}
        for pid in self.grants:
            yield {"g": pid}
        for pid in self.purges:
            yield {"p": pid}
        yield from self.rows
        for edge in self.merges:
            yield {"m": list(edge)}

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
    # Changes the sender had no authority to make, not applied (see the module docstring).
    refused: list[str] = field(default_factory=list)
    # Who a withdrawal removed data about, by name: shown to the user, never stored.
    removed: list[RemovedPerson] = field(default_factory=list)
    organisations_merged: int = 0
    suggested: int = 0  # merges that became suggestions in the duplicates queue
    # The individuals the file held records of, in first-seen order (for the audit log).
    people: dict[str, None] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "new": self.new,
            "updated": self.updated,
            "known": self.known,
            "conflicts": self.conflicts,
            "duplicates": self.duplicates,
            "purged": self.purged,
            "warnings": self.warnings,
            "refused": self.refused,
        }


# --- export --------------------------------------------------------------------------


class StoredRow(NamedTuple):
    """A record whose registers travel as stored: its JSON is copied, not parsed."""

    tbl: str
    row_id: str
    fields: str  # the stored registers' JSON (with each register's local "s", ignored)
    dot: list | None
    origin: str | None

    def line(self) -> bytes:
        parts = [
            '{"t":',
            json.dumps(self.tbl),
            ',"id":',
            json.dumps(self.row_id),
            ',"f":',
            state.full_json(self.fields),
            ',"d":',
            json.dumps(self.dot),
        ]
        if self.origin:
            parts += [',"o":', json.dumps(self.origin, ensure_ascii=False)]
        parts.append("}")
        return "".join(parts).encode()

    def as_dict(self) -> dict:
        registers = state.registers_json(self.fields)
        row = {
            "t": self.tbl,
            "id": self.row_id,
            "f": {col: {"v": reg["v"], "vv": reg["vv"]} for col, reg in registers.items()},
            "d": self.dot,
        }
        if self.origin:
            row["o"] = self.origin
        return row


def line_of(item: dict | StoredRow) -> bytes:
    if isinstance(item, StoredRow):
        return item.line()
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()


def file_lines(changes: ChangeSet) -> Iterator[bytes]:
    """The lines of a file's body for a change set held in memory: the manifest, the
    changes, and the end line with the count of each section."""
    counts = {"om": 0, "g": 0, "p": 0, "rows": 0, "m": 0}
    yield line_of(changes.manifest())
    for item in changes.items():
        kind = next(iter(item)) if len(item) == 1 else "rows"
        counts[kind if kind in counts else "rows"] += 1
        yield line_of(item)
    yield line_of({"end": counts})


@dataclass
class Export:
    """An export being written: its manifest, its changes as a stream, and what the
    stream has counted so far (complete once it is consumed)."""

    manifest: dict
    scope: ExportScope
    items: Iterator[dict | StoredRow] = field(default_factory=lambda: iter(()))
    counts: dict[str, int] = field(
        default_factory=lambda: {"om": 0, "g": 0, "p": 0, "rows": 0, "m": 0}
    )
    changes: int = 0  # fields, removals, merges and purges
    people: dict[str, None] = field(default_factory=dict)  # whose records travel

    @property
    def full(self) -> bool:
        return self.manifest["full"]

    @property
    def seq_to(self) -> int:
        return self.manifest["seq_to"]

    def end_line(self) -> dict:
        return {"end": self.counts}


def collect_stream(
    conn: Connection,
    *,
    since: int,
    scope: ExportScope,
    acks: dict[str, list],
) -> Export:
    """Everything changed after `since` that the scope lets travel, as a stream to be
    consumed inside the caller's transaction."""
    export = Export(
        manifest={
            "sender": state.site_id(conn),
            "seq_from": since + 1,
            "seq_to": state.current_seq(conn),
            "full": since == 0,
            "acks": acks,
        },
        scope=scope,
    )
    if scope.narrowed:
        # Issue 17: people the receiver may still receive, less about than before.
        export.manifest["narrowed"] = scope.narrowed
    export.items = _items(conn, since, export)
    return export


def _items(conn: Connection, since: int, export: Export) -> Iterator[dict | StoredRow]:
    scope = export.scope
    counts = export.counts
    # Organisations are no one's personal data: their merges go to everyone.
    for edge in conn.exec_driver_sql(
        "SELECT id_a, id_b, hlc, site FROM sync_org_merge WHERE local_seq > ?"
        " ORDER BY id_a, id_b",
        (since,),
    ):
        counts["om"] += 1
        export.changes += 1
        yield {"om": list(edge)}
    grants = scope.grants
    for pid in sorted(grants):
        counts["g"] += 1
        yield {"g": pid}
    for pid in scope.purges:
        counts["p"] += 1
        export.changes += 1
        yield {"p": pid}
    export.changes += len(scope.narrowed)
    for tbl, row_id, fields_json, tomb_hlc, tomb_site, origin, person, whole in _stored(
        conn, since, grants, scope.rereads()
    ):
        if not scope.travels(tbl, person):
            continue
        dot = [tomb_hlc, tomb_site] if tomb_hlc else None
        chosen_filter = scope.fields_for(tbl)
        item: dict | StoredRow
        if whole and chosen_filter is None:
            item = StoredRow(tbl, row_id, fields_json, dot, origin)
            export.changes += state.register_count(fields_json)
        else:
            registers = state.registers_json(fields_json)
            chosen = {
                col: {"v": reg["v"], "vv": reg["vv"]}
                for col, reg in registers.items()
                if whole or reg.get("s", 0) > since
            }
            if chosen_filter is not None:
                narrowed = scope.narrow(tbl, row_id, person, registers, chosen)
                if narrowed is None:
                    continue  # not this record to this receiver (sync.sharing)
                chosen = narrowed
            if not chosen and not dot:
                continue
            item = {"t": tbl, "id": row_id, "f": chosen, "d": dot}
            if origin:
                item["o"] = origin
            export.changes += len(chosen)
        if dot:
            export.changes += 1
        if person:
            export.people[person] = None
        counts["rows"] += 1
        yield item
    for id_a, id_b, stamp, site in conn.exec_driver_sql(
        "SELECT id_a, id_b, hlc, site FROM sync_merge WHERE local_seq > ? ORDER BY id_a, id_b",
        (since,),
    ):
        if not scope.filtered or id_a in scope.allowed or id_b in scope.allowed:
            counts["m"] += 1
            export.changes += 1
            yield {"m": [id_a, id_b, stamp, site]}


def _stored(
    conn: Connection, since: int, grants: set[str], rereads: set[str] | None = None
) -> Iterator[tuple]:
    """(tbl, row_id, fields, tomb_hlc, tomb_site, origin, person, whole) of every record
    changed after `since`, and of every record of a granted person (whole) or of a person
    in `rereads` (read again, whole only when granted: categories newly covered)."""
    rereads = grants if rereads is None else rereads
    if since == 0:
        # A full export: each table in key order, its person found by a join.
        for tbl in state.TABLES:
            if tbl == "individual":
                query = (
                    "SELECT row_id, fields, tomb_hlc, tomb_site, origin, row_id FROM sync_row"
                    " WHERE tbl = ?"
                )
            elif tbl in PERSON_TABLES:
                query = (
                    "SELECT s.row_id, s.fields, s.tomb_hlc, s.tomb_site, s.origin,"
                    f' t.individual_id FROM sync_row s LEFT JOIN "{tbl}" t ON t.id = s.row_id'
                    " WHERE s.tbl = ?"
                )
            else:
                query = (
                    "SELECT row_id, fields, tomb_hlc, tomb_site, origin, NULL FROM sync_row"
                    " WHERE tbl = ?"
                )
            for row in conn.exec_driver_sql(query, (tbl,)):
                yield (tbl, *row, True)
        return
    # A delta: only what changed after the acknowledged point, by the local_seq index.
    result = conn.exec_driver_sql(
        "SELECT tbl, row_id, fields, tomb_hlc, tomb_site, origin FROM sync_row"
        " WHERE local_seq > ? ORDER BY local_seq",
        (since,),
    )
    while batch := result.fetchmany(BATCH):
        owners = _owners(conn, batch)
        for tbl, row_id, fields_json, tomb_hlc, tomb_site, origin in batch:
            person = row_id if tbl == "individual" else owners.get((tbl, row_id))
            yield (tbl, row_id, fields_json, tomb_hlc, tomb_site, origin, person, person in grants)
    # Granted people: everything about them travels, also what changed before `since`.
    ordered = sorted(rereads)
    for start in range(0, len(ordered), BATCH):
        part = ordered[start : start + BATCH]
        marks = ", ".join("?" * len(part))
        for row in conn.exec_driver_sql(
            "SELECT row_id, fields, tomb_hlc, tomb_site, origin, row_id FROM sync_row"
            f" WHERE tbl = 'individual' AND row_id IN ({marks}) AND local_seq <= ?",
            (*part, since),
        ):
            yield ("individual", *row, row[0] in grants)
        for tbl in PERSON_TABLES:
            for row in conn.exec_driver_sql(
                "SELECT s.row_id, s.fields, s.tomb_hlc, s.tomb_site, s.origin, t.individual_id"
                f' FROM "{tbl}" t JOIN sync_row s ON s.tbl = ? AND s.row_id = t.id'
                f" WHERE t.individual_id IN ({marks}) AND s.local_seq <= ?",
                (tbl, *part, since),
            ):
                yield (tbl, *row, row[5] in grants)


def _owners(conn: Connection, batch: Sequence) -> dict[tuple[str, str], str]:
    """The individual each person-table record of a batch is about (its domain row)."""
    by_table: dict[str, list[str]] = defaultdict(list)
    for tbl, row_id, *_rest in batch:
        if tbl in PERSON_TABLES:
            by_table[tbl].append(row_id)
    owners = {}
    for tbl, ids in by_table.items():
        marks = ", ".join("?" * len(ids))
        for row_id, pid in conn.exec_driver_sql(
            f'SELECT id, individual_id FROM "{tbl}" WHERE id IN ({marks})', tuple(ids)
        ):
            owners[(tbl, row_id)] = pid
    return owners


def collect(
    conn: Connection,
    *,
    since: int,
    for_organisation: str | None,
    own_organisation: str | None = None,
    today: date,
    acks: dict[str, list],
    file_id: str = "",
    for_domain: str | None = None,
) -> ChangeSet:
    """Everything changed after `since`, minus what the recipient may not receive, held in
    memory (small exchanges and tests; files use collect_stream). A recipient of another
    secrecy domain (organisation, or nämnd of one) gets what sync.sharing's plan allows,
    record by record and field by field (sync.scope)."""
    scope = export_scope(conn, for_organisation, own_organisation, today, for_domain)
    record_sent(conn, scope)
    export = collect_stream(conn, since=since, scope=scope, acks=acks)
    changes = ChangeSet(
        sender=export.manifest["sender"],
        seq_from=export.manifest["seq_from"],
        seq_to=export.manifest["seq_to"],
        full=export.full,
        acks=acks,
        narrowed=dict(scope.narrowed),
        file_id=file_id,
    )
    for item in export.items:
        if isinstance(item, StoredRow):
            changes.rows.append(item.as_dict())
        elif "t" in item:
            changes.rows.append(item)
        elif "om" in item:
            changes.org_merges.append(item["om"])
        elif "g" in item:
            changes.grants.append(item["g"])
        elif "p" in item:
            changes.purges.append(item["p"])
        else:
            changes.merges.append(item["m"])
    return changes


# --- import --------------------------------------------------------------------------


def person_of(row: dict) -> str | None:
    """The individual a change-set row of a person table is about."""
    reg = row["f"].get("individual_id")
    if reg and reg["v"]:
        return reg["v"][0][0]
    return None


def apply(
    conn: Connection,
    items: Iterable[dict],
    *,
    newest: str,
    sender_key: str | None = None,
    narrowed: dict[str, list[str]] | None = None,
) -> ImportSummary:
    """Merge checked changes (sync.validate) in order. The caller holds the transaction.
    `newest`: the newest stamp among them, which the clock moves past. `sender_key`: the
    sending organisation's identity (its number); a record that carries no origin of its
    own counts as the sender's, and a purge drops what the sender shared."""
    return _Import(conn, sender_key, newest, narrowed).run(items)


class _Import:
    def __init__(
        self,
        conn: Connection,
        sender_key: str | None,
        newest: str,
        narrowed: dict[str, list[str]] | None = None,
    ) -> None:
        self.conn = conn
        self.sender_key = sender_key
        self.summary = ImportSummary()
        clock = state.clock(conn)
        clock.observe(newest)
        state.save_clock(conn, clock)
        self.seq = state.next_seq(conn)
        self.newest = newest
        self.me = state.site_id(conn)
        # A party is an organisation and a secrecy domain of it (sync.holders); an install
        # with no user yet is its organisation.
        self.own_key = holders.own_holder_key(conn) or orgs.own_organisation_key(conn)
        self.narrowed = narrowed or {}
        # A colleague: an install of one's own organisation (any of its nämnder). A purge
        # or a narrowing comes only from another party: one's own exact party (organisation
        # and domain) never sends one.
        self.same_organisation = (
            self.own_key is not None
            and sender_key is not None
            and sender_key.partition("#")[0] == self.own_key.partition("#")[0]
        )
        self.same_party = self.own_key is not None and sender_key == self.own_key
        self.blocked: set[tuple[str, str]] | None = None
        self.purges: list[str] = []
        self.batch: list[dict] = []
        self.touched_people: set[str] = set()
        self.conflicted: dict[tuple[str, str], int] = {}
        self.organisations_changed = False
        self.org_merges_added = False
        self.merges: list[list[str]] = []
        self.refusals: dict[str, list[str]] = defaultdict(list)
        self._sites: dict[str, str] | None = None

    def run(self, items: Iterable[dict]) -> ImportSummary:
        conn = self.conn
        orgs.begin_bulk(conn)
        try:
            for item in items:
                if "t" in item:
                    if self.blocked is None:
                        self._finish_header_sections()
                    self.batch.append(item)
                    if len(self.batch) >= BATCH:
                        self._flush()
                elif "om" in item:
                    self._org_merge(item["om"])
                elif "g" in item:
                    self._grant(item["g"])
                elif "p" in item:
                    self.purges.append(item["p"])  # few: applied together, before records
                elif "m" in item:
                    self.merges.append(item["m"])
            if self.blocked is None:
                self._finish_header_sections()
            self._flush()
            self._apply_merges()
            if self.merges or self.touched_people:
                refresh_clusters(conn)
            if self.organisations_changed:
                orgs.refresh_organisation_clusters(conn)
            # A record of an organisation this install holds under another id: one
            # organisation.
            summary = self.summary
            summary.organisations_merged = orgs.merge_same_numbers(conn)
            if summary.organisations_merged and self.conflicted:
                # Competing ids of one organisation are no conflict once it is one record.
                summary.conflicts = sum(
                    max(0, _conflicts(conn, tbl, state.load_row(conn, tbl, rid)[0]) - before)
                    for (tbl, rid), before in self.conflicted.items()
                )
        finally:
            orgs.end_bulk(conn)
        self.summary.duplicates = _duplicates_among(conn, self.touched_people)
        self._report_refusals()
        return self.summary

    # --- organisation merges, grants and purges ----------------------------------------

    def _org_merge(self, edge: list) -> None:
        id_a, id_b, stamp, site = edge
        numbers: dict[str, str | None] = dict(
            self.conn.exec_driver_sql(
                "SELECT id, org_nr FROM organisation WHERE id IN (?, ?)", (id_a, id_b)
            ).all()
        )
        first, second = numbers.get(id_a), numbers.get(id_b)
        if first and second and first != second:
            self.refusals["org_merge"].append(f"{id_a} {id_b}")
            return
        added = self.conn.exec_driver_sql(
            "INSERT OR IGNORE INTO sync_org_merge (id_a, id_b, hlc, site, local_seq)"
            " VALUES (?, ?, ?, ?, ?)",
            (id_a, id_b, stamp, site, self.seq),
        ).rowcount
        self.org_merges_added = self.org_merges_added or bool(added)

    def _grant(self, pid: str) -> None:
        self.conn.exec_driver_sql(
            "DELETE FROM sync_purged WHERE individual_id = ? AND organisation IN (?, '')",
            (pid, self.sender_key or ""),
        )

    def _finish_header_sections(self) -> None:
        if self.org_merges_added:
            orgs.refresh_organisation_clusters(self.conn)
        if self.purges:
            if self.same_party:
                self.refusals["purge_own"] = list(self.purges)
            elif not self.sender_key:
                self.refusals["purge_unknown"] = list(self.purges)
            else:
                self._purge(self.purges)
        if self.narrowed:
            if self.same_party or not self.sender_key:
                self.refusals["narrowed"] = sorted(self.narrowed)
            else:
                self._narrow(self.narrowed)
            self.narrowed = {}
        self.blocked = {
            (pid, org)
            for pid, org in self.conn.exec_driver_sql(
                "SELECT individual_id, organisation FROM sync_purged"
            )
        }

    def _purge(self, purges: list[str]) -> None:
        """People the sender may no longer share with us (consent ended): drop what it
        shared, keep our own records (sync.withdrawal)."""
        conn = self.conn
        canon = clusters(conn)
        groups: dict[str, list[str]] = defaultdict(list)
        for pid, root in canon.items():
            groups[root].append(pid)
        merged_people = False
        nothing = 0
        for pid in purges:
            root = canon.get(pid, pid)
            members = sorted(set(groups.get(root, [])) | {pid})
            merged_people = merged_people or len(members) > 1
            report = remove_received_person(
                conn,
                root,
                sender_key=self.sender_key,
                own_key=self.own_key,
                members=members,
                own_site=self.me,
            )
            conn.exec_driver_sql(
                "INSERT OR REPLACE INTO sync_purged (individual_id, organisation, hlc)"
                " VALUES (?, ?, ?)",
                [(member, self.sender_key or "", self.newest) for member in members],
            )
            if report is not None and report.removed:
                self.summary.removed.append(report)
                self.summary.purged += 1
            else:
                nothing += 1
        if nothing:
            self.summary.warnings.append(
                f"Avsändaren bad om att ta bort uppgifter om {nothing} person(er) som den inte "
                "har lämnat hit. Inget har tagits bort: det er egen organisation eller en annan "
                "har skrivit om dem finns kvar."
            )
        if merged_people:
            refresh_clusters(conn)

    def _narrow(self, narrowed: dict[str, list[str]]) -> None:
        """People the sender may share less about with us (issue 17): drop the categories
        it no longer shares, keep the rest and our own records."""
        conn = self.conn
        canon = clusters(conn)
        for pid, categories in sorted(narrowed.items()):
            root = canon.get(pid, pid)
            members = sorted({p for p, r in canon.items() if r == root} | {pid})
            report = remove_received_categories(
                conn,
                root,
                frozenset(categories),
                sender_key=self.sender_key,
                own_key=self.own_key,
                members=members,
                own_site=self.me,
            )
            if report is not None and report.removed:
                self.summary.removed.append(report)
                self.summary.purged += 1

    # --- records -----------------------------------------------------------------------

    def _flush(self) -> None:
        batch, self.batch = self.batch, []
        if not batch:
            return
        conn = self.conn
        summary = self.summary
        blocked = self.blocked or set()
        stored = _load_batch(conn, batch)
        current: dict[tuple[str, str], _Held] = {}
        for row in batch:
            tbl, row_id = row["t"], row["id"]
            key = (tbl, row_id)
            person = row_id if tbl == "individual" else person_of(row)
            if person:
                summary.people[person] = None
            held = current.get(key)
            if held is None:
                held = _Held(stored.get(key))
                current[key] = held
            origin = held.origin or row.get("o") or self.sender_key
            if person and blocked and _is_blocked(blocked, person, held.origin or origin):
                continue
            incoming_tomb = tuple(row["d"]) if row.get("d") else None
            if held.new and incoming_tomb is None:
                if not row["f"]:
                    summary.known += 1  # nothing to make a record of
                    continue
                # A record not here yet (most of a first full import): its registers are
                # taken as they came (all checked), without a merge.
                held.take(row["f"])
                held.origin = origin
                summary.new += 1
                self._touched(tbl, row_id)
                if held.raw_conflicts:
                    after = _conflicts(conn, tbl, held.registers())
                    summary.conflicts += after
                    if after:
                        self.conflicted[key] = 0
                continue
            if incoming_tomb and not held.tomb and not self._may_remove(tbl, row_id, held, row):
                self.refusals["removal"].append(f"{tbl} {row_id}")
                continue
            fields, tomb = held.registers(), held.tomb
            existed = held.existed
            before_conflicts = held.conflicts_before(conn, tbl)
            new_tomb = (
                min(t for t in (tomb, incoming_tomb) if t) if (tomb or incoming_tomb) else None
            )
            changed = False
            if new_tomb:
                fields, changed, dropped = _merge_into_tombstone(fields, row["f"], self.seq)
                changed = changed or new_tomb != tomb
                if dropped:
                    warning = (
                        "En post som ändrats har samtidigt tagits bort på en annan "
                        "installation. Borttagningen gäller; ändringen har inte sparats."
                    )
                    if warning not in summary.warnings:
                        summary.warnings.append(warning)
            else:
                for col, data in row["f"].items():
                    incoming = Register([tuple(v) for v in data["v"]], dict(data["vv"]))
                    local = fields.get(col)
                    result = merge(local, incoming) if local else incoming
                    if local is None or result != local:
                        result.seq = self.seq
                        fields[col] = result
                        changed = True
            if not changed:
                summary.known += 1
                continue
            held.set(fields, new_tomb)
            if held.origin is None:
                held.origin = origin
            after_conflicts = _conflicts(conn, tbl, fields)
            summary.conflicts += max(0, after_conflicts - before_conflicts)
            if after_conflicts > before_conflicts:
                self.conflicted[key] = before_conflicts
            if existed:
                summary.updated += 1
            else:
                summary.new += 1
            self._touched(tbl, row_id)
        _write_batch(conn, current, self.seq)

    def _touched(self, tbl: str, row_id: str) -> None:
        if tbl == "individual":
            self.touched_people.add(row_id)
        elif tbl == "organisation":
            self.organisations_changed = True

    def _may_remove(self, tbl: str, row_id: str, held: _Held, row: dict) -> bool:
        """May the sender remove this record here? (Rule 1 of the module docstring.)"""
        if self.same_organisation or self.own_key is None:
            return True
        if not self.sender_key:
            return False
        if held.stored is None:  # not here: only a record of the sender's own
            return holders.same_holder(row.get("o") or self.sender_key, self.sender_key)
        origin = held.origin
        if origin is None:
            if self._sites is None:
                self._sites = site_keys(self.conn)
            origin = record_origin(self.conn, tbl, row_id, self._sites)
        return holders.same_holder(origin, self.sender_key)

    # --- person merges -----------------------------------------------------------------

    def _apply_merges(self) -> None:
        conn = self.conn
        for id_a, id_b, stamp, site in self.merges:
            known = conn.exec_driver_sql(
                "SELECT 1 FROM sync_merge WHERE id_a = ? AND id_b = ?", (id_a, id_b)
            ).first()
            if known:
                continue
            if merge_agreed(conn, id_a, id_b, colleague=self._colleague_merge()):
                self._add_merge(id_a, id_b, stamp, site)
            else:
                added = conn.exec_driver_sql(
                    "INSERT OR IGNORE INTO sync_merge_suggestion"
                    " (id_a, id_b, hlc, site, organisation, colleague)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (id_a, id_b, stamp, site, self.sender_key or "", self._colleague_merge()),
                ).rowcount
                self.summary.suggested += added
        # Suggestions from earlier files whose records have arrived since.
        for id_a, id_b, stamp, site, colleague in conn.exec_driver_sql(
            "SELECT id_a, id_b, hlc, site, colleague FROM sync_merge_suggestion"
            " WHERE dismissed = 0"
        ).all():
            if merge_agreed(conn, id_a, id_b, colleague=bool(colleague)):
                self._add_merge(id_a, id_b, stamp, site)
        if self.summary.suggested:
            self.summary.warnings.append(
                f"{self.summary.suggested} sammanslagning(ar) av personer har inte gjorts, "
                "eftersom posterna inte har samma personnummer här. De finns som förslag "
                "under Dubbletter."
            )

    def _colleague_merge(self) -> bool:
        return self.same_organisation or self.own_key is None

    def _add_merge(self, id_a: str, id_b: str, stamp: str, site: str) -> None:
        added = self.conn.exec_driver_sql(
            "INSERT OR IGNORE INTO sync_merge (id_a, id_b, hlc, site, local_seq)"
            " VALUES (?, ?, ?, ?, ?)",
            (id_a, id_b, stamp, site, self.seq),
        ).rowcount
        self.conn.exec_driver_sql(
            "DELETE FROM sync_merge_suggestion WHERE id_a = ? AND id_b = ?", (id_a, id_b)
        )
        if added:
            self.touched_people.update((id_a, id_b))
            self.merges.append([id_a, id_b, stamp, site])

    # --- refusals ------------------------------------------------------------------------

    def _report_refusals(self) -> None:
        lines = self.summary.refused
        found = self.refusals
        if found.get("removal"):
            lines.append(
                f"{len(found['removal'])} borttagning(ar) av poster som avsändarens "
                "organisation inte har skapat (en annan organisation får bara ta bort det "
                f"den själv har lämnat), till exempel posten {found['removal'][0]}."
            )
        if found.get("purge_own"):
            lines.append(
                f"{len(found['purge_own'])} begäran om att ta bort personer från en "
                "installation i den egna organisationen (sådana skickas bara till andra "
                "organisationer när ett samtycke har upphört)."
            )
        if found.get("purge_unknown"):
            lines.append(
                f"{len(found['purge_unknown'])} begäran om att ta bort personer från en "
                "avsändare vars organisation inte är känd här; inget har tagits bort."
            )
        if found.get("narrowed"):
            lines.append(
                f"{len(found['narrowed'])} begäran om att ta bort delar av uppgifterna om "
                "personer från en installation i den egna organisationen eller en okänd "
                "avsändare; inget har tagits bort."
            )
        if found.get("org_merge"):
            lines.append(
                f"{len(found['org_merge'])} sammanslagning(ar) av organisationer med olika "
                "organisationsnummer."
            )


class _Held:
    """A record of a batch as it stands here: as stored, then as merged so far. A record
    new here keeps the registers it came with as plain JSON (`raw`) until something
    needs them as Registers (a second change to it in the same batch)."""

    __slots__ = (
        "_before",
        "_fields",
        "changed",
        "existed",
        "origin",
        "raw",
        "raw_conflicts",
        "stored",
        "tomb",
    )

    def __init__(self, stored: tuple | None) -> None:
        self.stored = stored
        self.origin: str | None = stored[3] if stored else None
        self.tomb: tuple | None = (stored[1], stored[2]) if stored and stored[1] else None
        self.existed = stored is not None
        self.changed = False
        self.raw: dict | None = None
        self.raw_conflicts = False
        self._fields: dict[str, Register] | None = None if stored else {}
        self._before: int | None = None

    @property
    def new(self) -> bool:
        return not self.existed

    def take(self, registers: dict) -> None:
        self.raw = registers
        self.raw_conflicts = any(len(reg["v"]) > 1 for reg in registers.values())
        self._fields = None
        self.existed = self.changed = True

    def registers(self) -> dict[str, Register]:
        if self._fields is None:
            if self.raw is not None:
                source = self.raw
                self.raw = None
            else:
                assert self.stored is not None  # a record is read from a file or from here
                source = state.registers_json(self.stored[0])
            self._fields = {
                col: Register([tuple(v) for v in reg["v"]], dict(reg["vv"]), reg.get("s", 0))
                for col, reg in source.items()
            }
        return self._fields

    def set(self, fields: dict[str, Register], tomb: tuple | None) -> None:
        self._fields, self.tomb, self.raw = fields, tomb, None
        self.existed = self.changed = True
        self._before = None

    def conflicts_before(self, conn: Connection, tbl: str) -> int:
        if self._before is None:
            fields = self.registers()
            self._before = _conflicts(conn, tbl, fields) if fields else 0
        return self._before

    def stored_json(self, seq: int) -> tuple[str, int]:
        """The registers as sync_row stores them, and how many are in conflict."""
        if self.raw is not None:
            data = {
                col: {"v": reg["v"], "vv": reg["vv"], "s": seq}
                for col, reg in sorted(self.raw.items())
            }
            conflicts = sum(1 for reg in self.raw.values() if len(reg["v"]) > 1)
            return json.dumps(data, ensure_ascii=False, separators=(",", ":")), conflicts
        fields = self.registers()
        return state.fields_json(fields), sum(1 for reg in fields.values() if reg.in_conflict)

    def shown(self) -> dict:
        if self.raw is not None:
            return {col: reg["v"][0][0] for col, reg in self.raw.items() if reg["v"]}
        return state.visible_values(self.registers())


def _load_batch(conn: Connection, batch: list[dict]) -> dict[tuple[str, str], tuple]:
    """What the batch's records hold here: (fields JSON, tomb hlc, tomb site, origin)."""
    by_table: dict[str, set[str]] = defaultdict(set)
    for row in batch:
        by_table[row["t"]].add(row["id"])
    found = {}
    for tbl, ids in by_table.items():
        ordered = sorted(ids)
        marks = ", ".join("?" * len(ordered))
        for row_id, *rest in conn.exec_driver_sql(
            "SELECT row_id, fields, tomb_hlc, tomb_site, origin FROM sync_row"
            f" WHERE tbl = ? AND row_id IN ({marks})",
            (tbl, *ordered),
        ):
            found[(tbl, row_id)] = tuple(rest)
    return found


def _write_batch(conn: Connection, current: dict[tuple[str, str], _Held], seq: int) -> None:
    """One statement for the registers of the batch, one per table for its domain rows."""
    changed = [(key, held) for key, held in current.items() if held.changed]
    if not changed:
        return
    params = []
    by_table: dict[str, list] = defaultdict(list)
    for (tbl, rid), held in changed:
        data, conflicts = held.stored_json(seq)
        tomb = held.tomb
        params.append(
            (
                tbl,
                rid,
                data,
                tomb[0] if tomb else None,
                tomb[1] if tomb else None,
                seq,
                conflicts,
                held.origin,
            )
        )
        by_table[tbl].append((rid, held.shown(), tomb))
    state.save_rows(conn, params)
    for tbl, rows in by_table.items():
        state.write_domain_rows(conn, tbl, rows)


def _is_blocked(blocked: set[tuple[str, str]], person: str, origin: str | None) -> bool:
    """A record about a person whose data its party may no longer share with us."""
    if (person, "") in blocked:
        return True
    known = origin or ""
    if (person, known) in blocked or (person, known.partition("#")[0]) in blocked:
        return True
    if "#" in known:
        return False
    # An origin written before domains names its organisation: any domain of it.
    return any(pid == person and holders.same_holder(known, who) for pid, who in blocked)


def _conflicts(conn: Connection, tbl: str, fields: dict[str, Register]) -> int:
    """Fields with competing values a person must settle (not those that name one
    organisation under two of its merged ids)."""
    if not any(reg.in_conflict for reg in fields.values()):
        return 0
    alias = orgs.alias_map(conn)
    return sum(
        1
        for col, reg in fields.items()
        if reg.in_conflict
        and not orgs.settled_by_merge(tbl, col, [v[0] for v in reg.versions], alias)
    )


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


# --- merged people -------------------------------------------------------------------


def merge_agreed(conn: Connection, id_a: str, id_b: str, *, colleague: bool) -> bool:
    """May a received merge of two people be applied here? (Rule 3 of the docstring.)
    Both records must be here and carry the same identity number; from one's own
    organisation a removed record agrees with any."""
    numbers = []
    for pid in (id_a, id_b):
        fields, tomb = state.load_row(conn, "individual", pid)
        if not fields and tomb is None:
            return False  # not here (yet): decided when it arrives
        if tomb is not None:
            if not colleague:
                return False
            continue
        reg = fields.get("identity_number")
        number = reg.value if reg is not None and reg.versions else None
        if not number:
            return False
        numbers.append(number)
    return len(set(numbers)) <= 1


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


def _duplicates_among(conn: Connection, people: set[str]) -> int:
    """How many pairs of the duplicate queue's first kind (services.sync.sync._QUEUE_SQL:
    one identity number, not yet one person) involve one of `people`: only the numbers
    those people carry are looked at, so a delta does not read the whole register."""
    if not people:
        return 0
    canon = clusters(conn)
    roots = {canon.get(p, p) for p in people}
    numbers: set[str] = set()
    ordered = sorted(people)
    for start in range(0, len(ordered), BATCH):
        part = ordered[start : start + BATCH]
        numbers.update(
            number
            for (number,) in conn.exec_driver_sql(
                "SELECT identity_number FROM individual WHERE identity_number IS NOT NULL"
                f" AND id IN ({', '.join('?' * len(part))})",
                tuple(part),
            )
        )
    by_number: dict[str, set[str]] = defaultdict(set)
    wanted = sorted(numbers)
    for start in range(0, len(wanted), BATCH):
        part = wanted[start : start + BATCH]
        for number, pid in conn.exec_driver_sql(
            "SELECT identity_number, id FROM individual WHERE deleted_at IS NULL"
            f" AND identity_number IN ({', '.join('?' * len(part))})",
            tuple(part),
        ):
            by_number[number].add(canon.get(pid, pid))
    return sum(
        1
        for group in by_number.values()
        for pair in itertools.pairwise(sorted(group))
        if set(pair) & roots
    )


def merge_suggestions(conn: Connection) -> list[tuple[str, str, str]]:
    """Received merges not applied here (rule 3): (id_a, id_b, suggesting organisation),
    for pairs whose records are both here, live and not already one person."""
    found = []
    for id_a, id_b, organisation in conn.exec_driver_sql(
        "SELECT s.id_a, s.id_b, s.organisation FROM sync_merge_suggestion s"
        " JOIN individual a ON a.id = s.id_a JOIN individual b ON b.id = s.id_b"
        " WHERE s.dismissed = 0 AND a.deleted_at IS NULL AND b.deleted_at IS NULL"
        " AND coalesce(a.merged_into, a.id) != coalesce(b.merged_into, b.id)"
        " ORDER BY s.id_a, s.id_b"
    ):
        found.append((id_a, id_b, organisation))
    return found
