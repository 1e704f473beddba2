"""Use cases of sync: make an export, take in an import, look at and settle conflicts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.engine import Connection

from ungtui.domain.disclosure import Holder, same_secrecy
from ungtui.domain.text import display_name
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError
from ungtui.services.processes.starting_content import settle_shipped_authors
from ungtui.store import person_search
from ungtui.store.database import Database
from ungtui.sync import holders, sharing, state
from ungtui.sync import organisations as orgs
from ungtui.sync.changes import (
    ChangeSet,
    Export,
    ImportSummary,
    apply,
    clusters,
    collect,
    collect_stream,
    refresh_clusters,
)
from ungtui.sync.scope import export_scope, record_sent
from ungtui.sync.validate import Checker, check_all


def own_organisation(conn: Connection) -> str | None:
    return orgs.own_organisation_id(conn)


def _acks(conn: Connection) -> dict[str, list]:
    """What this install confirms having received: per site, the highest sequence number
    and the file that brought it (the sender checks that it wrote that file)."""
    return {
        site: [seq, file_id]
        for site, seq, file_id in conn.exec_driver_sql(
            "SELECT site_id, received_seq, received_file FROM sync_site"
            " WHERE received_seq > 0 AND received_file IS NOT NULL"
        )
    }


def recipient_sites(
    conn: Connection, organisation_id: str | None, domain: str | None = None
) -> list[tuple[str, int]]:
    """(site, what it has confirmed of ours) for every known install of the organisation
    (of its domain, when one is named), found by the organisation's identity: a site is
    filed under the number its files named, or under the record of its organisation here.
    A site whose files named no domain counts for every domain."""
    wanted = orgs.organisation_key(conn, organisation_id)
    if wanted is None:
        return []
    keys = orgs.organisation_keys(conn)
    return [
        (site, acked)
        for site, org_nr, org_id, acked, site_domain in conn.exec_driver_sql(
            "SELECT site_id, org_nr, organisation_id, acked_seq, domain FROM sync_site"
        )
        if (org_nr or keys.get(org_id or "", org_id)) == wanted
        and (domain is None or not site_domain or site_domain == domain)
    ]


def receiver_for(
    conn: Connection, organisation_id: str | None, domain: str | None = None
) -> Holder | None:
    """The party an export for the organisation (and domain) is addressed to."""
    return sharing.receiver_holder(conn, organisation_id, domain)


def is_own_domain(conn: Connection, receiver: Holder | None) -> bool:
    own = holders.own_holder(conn)
    return receiver is not None and own is not None and same_secrecy(own, receiver)


@dataclass(frozen=True)
class ExportPlan:
    """What the next export for an organisation will be, and why."""

    full: bool
    since: int  # this install's sequence number the export starts after
    reason: str  # Swedish: why full, or since when
    since_at: str | None = None  # local time of the confirmed export the delta follows


def export_plan(
    conn: Connection,
    organisation_id: str | None,
    *,
    full: bool = False,
    domain: str | None = None,
) -> ExportPlan:
    name = (
        conn.exec_driver_sql(
            "SELECT name FROM organisation WHERE id = ?", (organisation_id,)
        ).scalar()
        or "mottagaren"
    )
    receiver = receiver_for(conn, organisation_id, domain)
    if receiver is not None:
        domain = receiver.domain
    if full:
        return ExportPlan(True, 0, "du valde fullständig export")
    if state.meta_value(conn, "full_next") == "1":
        # After a new site id (a copied database) peers know nothing under it yet.
        return ExportPlan(
            True,
            0,
            "databasen har fått en ny identitet (den är en kopia eller återställd), "
            "så mottagarna känner inte till dess ändringar",
        )
    sites = recipient_sites(conn, organisation_id, domain)
    own = is_own_domain(conn, receiver)
    if not sites:
        if own:
            return ExportPlan(
                True, 0, f"ingen annan installation i {name} har skickat någon fil hit än"
            )
        return ExportPlan(True, 0, f"{name} har inte skickat någon fil hit än")
    since = min(seq for _site, seq in sites)
    if since == 0:
        if own:
            return ExportPlan(
                True,
                0,
                f"ingen annan installation i {name} har ännu bekräftat att den läst in en fil "
                "härifrån",
            )
        return ExportPlan(
            True, 0, f"{name} har ännu inte bekräftat att den läst in någon fil härifrån"
        )
    # The last file to this organisation that its installs have confirmed all of.
    keys = orgs.organisation_keys(conn)
    wanted = keys.get(organisation_id or "", organisation_id)
    at = max(
        (
            at
            for at, org_id in conn.exec_driver_sql(
                "SELECT at, organisation_id FROM sync_export WHERE seq_to <= ? AND seq_to > 0",
                (since,),
            )
            if keys.get(org_id or "", org_id) == wanted
        ),
        default=None,
    )
    when = None
    if at:
        when = clock.local_time(datetime.fromisoformat(at)).strftime("%Y-%m-%d %H:%M")
    who = f"installationerna i {name}" if own else name
    reason = (
        f"{who} har bekräftat ändringarna till och med filen {when}"
        if when
        else f"{who} har bekräftat ändringarna till och med nr {since}"
    )
    return ExportPlan(False, since, reason, when)


def build_changes(
    db: Database,
    *,
    for_organisation: str | None,
    full: bool = False,
    today: date | None = None,
    domain: str | None = None,
) -> ChangeSet:
    """A change set in memory, recorded as exported (as a written file is), so that the
    receiver's acknowledgement of it counts."""
    with db.engine.begin() as conn:
        changes = collect_changes(
            conn, for_organisation=for_organisation, full=full, today=today, domain=domain
        )
        record_export(conn, changes.file_id, for_organisation, changes.seq_to)
        return changes


def record_export(conn: Connection, file_id: str, organisation_id: str | None, seq_to: int) -> None:
    conn.exec_driver_sql(
        "INSERT INTO sync_export (file_id, at, organisation_id, seq_to) VALUES (?, ?, ?, ?)",
        (file_id, datetime.now(UTC).isoformat(timespec="seconds"), organisation_id, seq_to),
    )
    state.set_meta_value(conn, "full_next", None)


def collect_changes(
    conn: Connection,
    *,
    for_organisation: str | None,
    full: bool = False,
    today: date | None = None,
    domain: str | None = None,
) -> ChangeSet:
    """What an export for the organisation (one domain of it, when named) carries, in
    memory, inside the caller's transaction."""
    # Duplicates of one organisation number become one organisation before anything is
    # written for the recipient (older databases may hold some).
    orgs.merge_same_numbers(conn)
    since = export_plan(conn, for_organisation, full=full, domain=domain).since
    changes = collect(
        conn,
        since=since,
        for_organisation=for_organisation,
        today=today or clock.today(),
        acks=_acks(conn),
        file_id=str(uuid.uuid4()),
        for_domain=domain,
    )
    return changes


def stream_changes(
    conn: Connection,
    *,
    for_organisation: str | None,
    full: bool = False,
    today: date | None = None,
    domain: str | None = None,
) -> Export:
    """What an export for the organisation (one domain of it, when named) carries, as a
    stream to be written inside the caller's transaction; who the recipient now holds is
    recorded in it too."""
    orgs.merge_same_numbers(conn)
    since = export_plan(conn, for_organisation, full=full, domain=domain).since
    scope = export_scope(
        conn, for_organisation, own_organisation(conn), today or clock.today(), domain
    )
    record_sent(conn, scope)
    return collect_stream(conn, since=since, scope=scope, acks=_acks(conn))


@dataclass(frozen=True)
class Sender:
    site: str
    organisation_id: str | None = None
    public_key: str = ""
    fingerprint: str = ""
    org_nr: str | None = None  # the sending organisation's identity, when the file names it
    domain: str | None = None  # the sending party's secrecy domain, when the file names it


def apply_changes(conn: Connection, changes: ChangeSet, sender: Sender) -> ImportSummary:
    """Check, then merge, a change set held in memory, inside the caller's transaction."""
    checker = Checker(full=changes.full)
    check_all(changes.manifest(), changes.items(), checker)
    return take_in(
        conn,
        changes.manifest(),
        changes.items(),
        sender,
        newest=checker.newest,
        file_id=changes.file_id,
    )


def take_in(
    conn: Connection,
    manifest: dict,
    items: Iterable[dict],
    sender: Sender,
    *,
    newest: str,
    file_id: str,
) -> ImportSummary:
    """Merge checked changes into the database, inside the caller's transaction."""
    me = state.site_id(conn)
    organisation_key = sender.org_nr or orgs.organisation_key(conn, sender.organisation_id)
    sender_key = organisation_key
    if organisation_key and sender.domain:
        sender_key = Holder(organisation_key, sender.domain).key
    summary = apply(
        conn, items, newest=newest, sender_key=sender_key, narrowed=manifest.get("narrowed")
    )
    summary.conflicts = max(0, summary.conflicts - settle_shipped_authors(conn))
    known = conn.exec_driver_sql(
        "SELECT received_seq, acked_seq, received_file FROM sync_site WHERE site_id = ?",
        (sender.site,),
    ).first()
    received, acked, received_file = known if known else (0, 0, None)
    if manifest["seq_from"] > received + 1 and not manifest["full"]:
        summary.warnings.append(
            f"Det saknas ändringar från avsändaren (nr {received + 1}–{manifest['seq_from'] - 1}). "
            "Be om en fullständig export eller de filer som saknas."
        )
    elif manifest["seq_to"] >= received:
        received, received_file = manifest["seq_to"], file_id or received_file
    acked = _confirmed(conn, manifest["acks"].get(me), acked, summary)
    # The sender's organisation as recorded here: the record its number is shown under.
    organisation_id = orgs.id_for_key(conn, organisation_key) or sender.organisation_id
    conn.exec_driver_sql(
        "INSERT INTO sync_site (site_id, organisation_id, public_key, fingerprint, trusted,"
        " received_seq, acked_seq, last_exchange_at, org_nr, received_file, domain)"
        " VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (site_id) DO UPDATE SET received_seq = excluded.received_seq,"
        " acked_seq = excluded.acked_seq, last_exchange_at = excluded.last_exchange_at,"
        " received_file = excluded.received_file,"
        " organisation_id = coalesce(excluded.organisation_id, organisation_id),"
        " org_nr = coalesce(excluded.org_nr, org_nr),"
        " domain = coalesce(excluded.domain, domain),"
        " public_key = CASE WHEN public_key = '' THEN excluded.public_key ELSE public_key END,"
        " fingerprint = CASE WHEN fingerprint = '' THEN excluded.fingerprint"
        " ELSE fingerprint END",
        (
            sender.site,
            organisation_id,
            sender.public_key,
            sender.fingerprint,
            received,
            acked,
            datetime.now(UTC).isoformat(timespec="seconds"),
            organisation_key,
            received_file,
            sender.domain,
        ),
    )
    return summary


def _confirmed(conn: Connection, ack: list | None, acked: int, summary: ImportSummary) -> int:
    """What the sender confirms having of ours, if it holds up: the file it names must be
    one this install wrote, up to the sequence number it names. Anything else (a restored
    backup here, a confused or hostile sender) is ignored with a warning; it never changes
    this install's identity (sync.changes, rule 5)."""
    if not ack:
        return acked
    seq, file_id = ack
    written = conn.exec_driver_sql(
        "SELECT seq_to FROM sync_export WHERE file_id = ?", (file_id,)
    ).scalar_one_or_none()
    if written is None or written != seq or seq > state.current_seq(conn):
        summary.warnings.append(
            "Avsändaren bekräftar en fil härifrån som den här installationen inte har "
            f"skrivit (ändring nr {seq}). Bekräftelsen har inte använts; nästa export skickar "
            "det som behövs. Har databasen återställts från en säkerhetskopia?"
        )
        return acked
    return max(acked, seq)


def import_changes(db: Database, changes: ChangeSet, sender: Sender) -> ImportSummary:
    with db.engine.begin() as conn:
        summary = apply_changes(conn, changes, sender)
    forget_purged_keys(db, summary)
    return summary


def forget_purged_keys(db: Database, summary: ImportSummary) -> None:
    """After an import that purged people the sender may no longer share with us: their
    search keys leave the trigram index's older segments too, not only its current view
    (an erasure by retention does the same before its VACUUM)."""
    if summary.purged:
        with db.engine.connect() as conn:
            person_search.forget_old_keys(person_search.driver(conn))


@dataclass(frozen=True)
class Conflict:
    table: str
    row_id: str
    field: str
    versions: list[tuple[object, str, str]]  # (value, hlc, site), the shown one first


def open_conflicts(db: Database) -> list[Conflict]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT tbl, row_id, fields FROM sync_row WHERE conflicts > 0 ORDER BY tbl, row_id"
        ).all()
        alias = orgs.alias_map(conn)
    found = []
    for tbl, row_id, fields in rows:
        for col, reg in sorted(state.registers_json(fields).items()):
            if len(reg["v"]) > 1 and not orgs.settled_by_merge(
                tbl, col, [v[0] for v in reg["v"]], alias
            ):
                found.append(Conflict(tbl, row_id, col, [tuple(v) for v in reg["v"]]))
    return found


@dataclass(frozen=True)
class DuplicatePair:
    first_id: str
    second_id: str
    first_name: str
    second_name: str
    identity_number: str
    # A merge another install made that is not applied here (the two records do not carry
    # one identity number here): the other record's number, and who suggested it.
    second_identity_number: str = ""
    suggested_by: str = ""

    @property
    def suggested(self) -> bool:
        return bool(self.suggested_by)


# The duplicate queue in one query, so the screen reads a page of it at a time (21,964
# pairs at 100,000 people would otherwise all sit in memory): first the pairs of people
# carrying one identity number (each number's live records by the person they show as,
# neighbours in id order; sync.changes._duplicates_among counts them for an import), by
# id; then merges other installs made that are suggestions here (merge_suggestions),
# unless already such a pair. The numbers are found in the identity-number index first,
# so only records sharing a number are read (the planner would otherwise read every
# record to check deleted_at).
_QUEUE_SQL = """
WITH doubled(number) AS (
    SELECT identity_number FROM individual INDEXED BY ix_individual_identity_number
    WHERE identity_number IS NOT NULL GROUP BY identity_number HAVING count(*) > 1
),
roots(number, root) AS (
    SELECT DISTINCT i.identity_number, coalesce(i.merged_into, i.id)
    FROM doubled CROSS JOIN individual i INDEXED BY ix_individual_identity_number
        ON i.identity_number = doubled.number
    WHERE i.deleted_at IS NULL
),
pairs(a, b) AS MATERIALIZED (
    SELECT a, b FROM (
        SELECT root AS a, lead(root) OVER (PARTITION BY number ORDER BY root) AS b
        FROM roots
    ) WHERE b IS NOT NULL
),
queue(kind, a, b, organisation) AS (
    SELECT 0, a, b, NULL FROM pairs
    UNION ALL
    SELECT 1, s.id_a, s.id_b, s.organisation FROM sync_merge_suggestion s
    JOIN individual sa ON sa.id = s.id_a JOIN individual sb ON sb.id = s.id_b
    WHERE s.dismissed = 0 AND sa.deleted_at IS NULL AND sb.deleted_at IS NULL
    AND coalesce(sa.merged_into, sa.id) != coalesce(sb.merged_into, sb.id)
    AND NOT EXISTS (SELECT 1 FROM pairs p WHERE p.a = s.id_a AND p.b = s.id_b)
)
SELECT kind, a, b, organisation, count(*) OVER () FROM queue ORDER BY kind, a, b
LIMIT ? OFFSET ?
"""


def duplicate_page(db: Database, offset: int, limit: int | None) -> tuple[list[DuplicatePair], int]:
    """`limit` entries of the duplicate queue from `offset` (all when None), and how many
    the whole queue holds (0 past its end)."""
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            _QUEUE_SQL, (-1 if limit is None else limit, offset)
        ).all()
        ids = sorted({pid for _kind, a, b, _org, _n in rows for pid in (a, b)})
        names = (
            {
                pid: (display_name(first, last), number or "")
                for pid, first, last, number in conn.exec_driver_sql(
                    "SELECT id, first_name, last_name, identity_number FROM individual"
                    f" WHERE id IN ({', '.join('?' * len(ids))})",
                    tuple(ids),
                )
            }
            if ids
            else {}
        )
        by_org = (
            {
                key: name
                for key, name in (
                    (orgs.organisation_key(conn, oid), name)
                    for oid, name in conn.exec_driver_sql("SELECT id, name FROM organisation")
                )
            }
            if any(kind for kind, *_ in rows)
            else {}
        )
    page = []
    for kind, a, b, org, _n in rows:
        if not kind:
            page.append(DuplicatePair(a, b, names[a][0], names[b][0], names[a][1]))
            continue
        page.append(
            DuplicatePair(
                a,
                b,
                names[a][0],
                names[b][0],
                names[a][1],
                second_identity_number=names[b][1],
                # A party's key may name a nämnd after '#' (sync.holders).
                suggested_by=by_org.get(org) or by_org.get((org or "").partition("#")[0])
                or "en annan installation",
            )
        )
    return page, rows[0][4] if rows else 0


def duplicate_queue(db: Database) -> list[DuplicatePair]:
    """People registered twice (on two installs, say) waiting for a person to confirm,
    then merges other installs made that are suggestions here."""
    return duplicate_page(db, 0, None)[0]


def confirm_duplicate(db: Database, first_id: str, second_id: str) -> str:
    """Record that two records are one person; returns the id it is now shown under."""
    if first_id == second_id:
        raise ServiceError("Det är samma post.")
    id_a, id_b = sorted((first_id, second_id))
    with db.engine.begin() as conn:
        found = conn.exec_driver_sql(
            "SELECT count(*) FROM individual WHERE id IN (?, ?) AND deleted_at IS NULL",
            (id_a, id_b),
        ).scalar_one()
        if found != 2:
            raise NotFound("En av personerna finns inte längre i registret.")
        meta = state.ensure_identity(conn)
        tick = state.clock(conn)
        stamp = tick.tick()
        state.save_clock(conn, tick)
        seq = state.next_seq(conn)
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO sync_merge (id_a, id_b, hlc, site, local_seq)"
            " VALUES (?, ?, ?, ?, ?)",
            (id_a, id_b, stamp, meta["site_id"], seq),
        )
        conn.exec_driver_sql(
            "DELETE FROM sync_merge_suggestion WHERE id_a = ? AND id_b = ?", (id_a, id_b)
        )
        refresh_clusters(conn)
        return clusters(conn).get(id_a, id_a)


# What the person record shows, compared before a merge: (column, label).
_MERGE_FIELDS = (
    ("first_name", "Förnamn"),
    ("last_name", "Efternamn"),
    ("case_organisation_id", "Ärendet hos"),
    ("phone", "Telefon"),
    ("email", "E-post"),
    ("address", "Adress"),
)


@dataclass(frozen=True)
class MergeOutcome:
    """What a merge of two person records will show, where the two differ: field by
    field the value written last on any install stands (sync.changes._show_group), and
    the other stays in its record, not shown."""

    # (label, the value that stands, the value no longer shown)
    differences: tuple[tuple[str, str, str], ...]


def merge_outcome(db: Database, first_id: str, second_id: str) -> MergeOutcome:
    differences = []
    with db.engine.connect() as conn:
        rows = [state.load_row(conn, "individual", pid)[0] for pid in (first_id, second_id)]
        if not all(rows):
            raise NotFound("En av personerna finns inte längre i registret.")
        names = dict(conn.exec_driver_sql("SELECT id, name FROM organisation").all())
        for column, label in _MERGE_FIELDS:
            found = [row.get(column) for row in rows]
            values = [reg.value if reg is not None and reg.versions else None for reg in found]
            if column == "case_organisation_id":
                values = [names.get(v, "") if v else None for v in values]
            shown = [str(v or "").strip() for v in values]
            if shown[0] == shown[1]:
                continue
            stamps = [
                (reg.versions[0][1], reg.versions[0][2]) if reg and reg.versions else ("", "")
                for reg in found
            ]
            # Written in one tick (a demo, an import): the first member of the group is
            # kept, and for a pair that is the smaller id (smallest_of_groups' order).
            if stamps[0] != stamps[1]:
                wins = 0 if stamps[0] > stamps[1] else 1
            else:
                wins = 0 if first_id < second_id else 1
            differences.append((label, shown[wins], shown[1 - wins]))
    return MergeOutcome(tuple(differences))


def dismiss_suggestion(db: Database, first_id: str, second_id: str) -> None:
    """A person here says a suggested merge is not one person: it leaves the queue, and
    the same merge arriving again (relayed by another install) does not bring it back."""
    id_a, id_b = sorted((first_id, second_id))
    with db.engine.begin() as conn:
        found = conn.exec_driver_sql(
            "UPDATE sync_merge_suggestion SET dismissed = 1 WHERE id_a = ? AND id_b = ?",
            (id_a, id_b),
        ).rowcount
    if not found:
        raise NotFound("Förslaget finns inte längre.")
