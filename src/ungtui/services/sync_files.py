"""Sync files on disk: what an export will carry, writing one, and taking one in.

A file is checked and opened whole before anything is written, and taken in within one
transaction, so a damaged file, a wrong passphrase or a killed process leaves the
database as it was.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import OperationalError

from ungtui import __version__
from ungtui.domain.text import fold, initials
from ungtui.services import audit, clock
from ungtui.services.errors import ServiceError, explain_database_error, os_reason
from ungtui.services.private_files import check_target, write_private_bytes
from ungtui.services.sync import (
    Sender,
    apply_changes,
    collect_changes,
    export_plan,
    own_organisation,
)
from ungtui.store.database import Database
from ungtui.store.migrations import LATEST_VERSION
from ungtui.sync import hlc, state
from ungtui.sync import organisations as orgs
from ungtui.sync.changes import (
    ImportSummary,
    allowed_individuals,
    check_stamps,
    newest_stamp,
)
from ungtui.sync.fileformat import (
    MAGIC,
    MAX_HEADER,
    SUFFIX,
    Header,
    Party,
    SyncFileError,
    fingerprint,
    public_bytes,
    read_bytes,
    read_header,
    write_bytes,
)
from ungtui.sync.withdrawal import RemovedPerson

MIN_PASSPHRASE = 10


@dataclass(frozen=True)
class ExportPreview:
    organisation_id: str
    organisation_name: str
    own: bool
    people_included: int
    people_left_out: int  # no consent covering the organisation today
    full: bool = True  # the next file holds everything, not only what is new
    reason: str = ""  # Swedish: why it is full, or since when it holds changes
    # Sent to the organisation before and no longer covered: the file tells it to drop
    # what it has from here about them (sync.withdrawal).
    people_removed: int = 0

    @property
    def kind_line(self) -> str:
        """The kind of the next file with its reason, as the Synk screen says it."""
        if self.full:
            return f"Fullständig export: {self.reason}."
        return f"Ändringar sedan förra bekräftade filen: {self.reason}."


@dataclass(frozen=True)
class ExportResult:
    path: Path
    changes: int
    rows: int
    full: bool
    purges: int


class UnknownSender(SyncFileError):
    """A sender never seen before: its key must be confirmed by its fingerprint."""

    def __init__(self, fingerprint: str) -> None:
        super().__init__(
            "Filen kommer från en installation som inte är känd här. Ring avsändaren och "
            f"jämför fingeravtrycket {fingerprint}; läs sedan in filen igen och godkänn det."
        )
        self.fingerprint = fingerprint


@dataclass
class ImportResult:
    summary: ImportSummary = field(default_factory=ImportSummary)
    status: str = "imported"  # imported | already | own
    message: str = ""
    sender_fingerprint: str = ""
    sender_name: str = ""  # the sending organisation, as named here

    def removal_lines(self, *, masked: bool = False) -> list[str]:
        """One Swedish line per person a withdrawal removed data about: who (initials
        when the screen is shared), what, why, and what of ours stays."""
        return [
            describe_removal(r, self.sender_name or "avsändaren", masked=masked)
            for r in self.summary.removed
        ]


# How many records of each kind a removal line names, singular and plural.
_KINDS = {
    "individual": ("personuppgifter", "personuppgifter"),
    "consent": ("samtycke", "samtycken"),
    "responsibility": ("ansvarig handläggare", "ansvariga handläggare"),
    "way": ("väg", "vägar"),
    "way_phase": ("fas", "faser"),
    "mapping": ("kartläggning", "kartläggningar"),
    "individual_measure": ("insats", "insatser"),
    "exit_follow_up": ("uppföljning efter avslut", "uppföljningar efter avslut"),
    "referral": ("remiss", "remisser"),
    "referral_event": ("remissteg", "remissteg"),
    "agendaitem": ("punkt på möte", "punkter på möten"),
    "meetingdecision": ("mötesbeslut", "mötesbeslut"),
    "meetingaction": ("åtgärd från möte", "åtgärder från möten"),
}


def describe_removal(report: RemovedPerson, sender_name: str, *, masked: bool = False) -> str:
    if masked:  # as the screens show people while the screen is shared
        who = initials(report.first_name, report.last_name)
        if report.birth_year:
            who += f" (f. {report.birth_year})"
    else:
        who = f"{report.first_name} {report.last_name}".strip() or "okänd person"
    parts = []
    for tbl, count in report.removed.items():
        if tbl == "individual":
            continue
        one, many = _KINDS.get(tbl, (tbl, tbl))
        parts.append(f"{count} {one if count == 1 else many}")
    if "individual" in report.removed:
        parts.append("personuppgifterna utom namn och nummer" if report.person_kept else "personen")
    text = (
        f"Borttaget om {who}: {', '.join(parts) or 'inget'} från {sender_name}, eftersom "
        f"{sender_name} inte längre får lämna uppgifter om personen hit (samtycket har upphört)."
    )
    if report.kept_own:
        own = "post" if report.kept_own == 1 else "poster"
        text += f" Era egna {report.kept_own} {own} om personen finns kvar."
    return text


def my_fingerprint(db: Database) -> str | None:
    """This install's fingerprint, or None while the file has no identity of its own yet
    (a copied database gets one at its first write): showing it is only a read."""
    with db.engine.connect() as conn:
        meta = state.current_identity(conn)
    if meta is None:
        return None
    return fingerprint(public_bytes(state.key_from(meta)))


def export_preview(db: Database, organisation_id: str, *, full: bool = False) -> ExportPreview:
    with db.engine.connect() as conn:
        name = conn.exec_driver_sql(
            "SELECT name FROM organisation WHERE id = ?", (organisation_id,)
        ).scalar_one_or_none()
        if name is None:
            raise ServiceError("Organisationen finns inte i registret.")
        plan = export_plan(conn, organisation_id, full=full)
        own = orgs.organisation_key(conn, organisation_id) == orgs.own_organisation_key(conn)
        shown = "FROM individual WHERE deleted_at IS NULL AND merged_into IS NULL"
        total = conn.exec_driver_sql(f"SELECT count(*) {shown}").scalar_one()
        if own:
            return ExportPreview(organisation_id, name, own, total, 0, plan.full, plan.reason)
        # The same rule as the export itself, so the numbers are what will travel.
        allowed = allowed_individuals(conn, organisation_id, clock.today())
        included = sum(1 for (pid,) in conn.exec_driver_sql(f"SELECT id {shown}") if pid in allowed)
        sent = {
            pid
            for (pid,) in conn.exec_driver_sql(
                "SELECT individual_id FROM sync_sent WHERE organisation_id = ?",
                (orgs.organisation_key(conn, organisation_id),),
            )
        }
    return ExportPreview(
        organisation_id,
        name,
        own,
        included,
        total - included,
        plan.full,
        plan.reason,
        len(sent - allowed),
    )


def _party(conn, organisation_id: str | None) -> Party | None:
    if not organisation_id:
        return None
    row = conn.exec_driver_sql(
        "SELECT id, name, org_nr, merged_into FROM organisation WHERE id = ?", (organisation_id,)
    ).first()
    if row is None:
        return None
    oid, name, _number, merged = row
    shown = merged or oid
    key = orgs.organisation_key(conn, oid)
    # The identity is the number when the organisation has one, else the record it is.
    return Party(org_nr=key if key != shown else None, id=shown, name=name)


def default_file_name(db: Database) -> str:
    """No personal data in the name: sender's short id, date and sequence number."""
    with db.engine.begin() as conn:
        site = state.site_id(conn)[:8]
        seq = state.current_seq(conn)
    return f"{site}-{clock.today():%Y%m%d}-{seq}{SUFFIX}"


def _check_passphrase(passphrase: str) -> None:
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise ServiceError(
            f"Lösenfrasen måste ha minst {MIN_PASSPHRASE} tecken. Använd teamets gemensamma "
            "lösenfras, gärna några ord i rad."
        )


def export_file(
    db: Database,
    *,
    for_organisation: str,
    out: Path,
    passphrase: str,
    full: bool = False,
    replace: bool = False,
) -> ExportResult:
    _check_passphrase(passphrase)
    out = Path(out)
    if out.is_dir():
        out = _free(out / default_file_name(db))
    check_target(out, replace=replace)
    try:
        with db.engine.begin() as conn:
            # What was sent to whom is committed only together with a written file.
            changes = collect_changes(conn, for_organisation=for_organisation, full=full)
            file_id = str(uuid.uuid4())
            data = write_bytes(
                changes,
                passphrase=passphrase,
                signing_key=state.signing_key(conn),
                sender_org=own_organisation(conn),
                schema_version=LATEST_VERSION,
                app_version=__version__,
                file_id=file_id,
                created_hlc=state.clock(conn).last,
                recipient=_party(conn, for_organisation),
                sender=_party(conn, own_organisation(conn)),
            )
            # Written whole before what was sent is committed (services.private_files).
            write_private_bytes(out, data, replace=replace)
            conn.exec_driver_sql(
                "INSERT INTO sync_export (file_id, at, organisation_id, seq_to)"
                " VALUES (?, ?, ?, ?)",
                (file_id, _now(), for_organisation, changes.seq_to),
            )
            state.set_meta_value(conn, "full_next", None)
            receiver = _organisation_name(conn, for_organisation)
            audit.write(
                conn,
                audit.install_user(conn),
                "exporterade",
                ((pid, f"synkfil till {receiver}") for pid in audit.people_in_rows(changes.rows)),
            )
    except OperationalError as error:
        raise ServiceError(explain_database_error(error)) from error
    return ExportResult(
        path=out,
        changes=changes.change_count,
        rows=len(changes.rows),
        full=changes.full,
        purges=len(changes.purges),
    )


def _free(path: Path) -> Path:
    """The default name, or with -2, -3 … when a file of that name is in the folder (the
    same day and sequence number: an export made twice)."""
    number = 1
    candidate = path
    while os.path.lexists(candidate):
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate
@dataclass(frozen=True)
class SyncFileInfo:
    """A sync file in a folder as its plaintext header describes it; nothing decrypted."""

    path: Path
    sender: str  # the sending organisation's name, when known here
    fingerprint: str
    created: datetime | None  # local time the sender wrote it
    full: bool
    state: str  # "ny" | "inläst" | "egen" | "oläslig"


def list_sync_files(db: Database, folder: Path) -> list[SyncFileInfo]:
    """The sync files in `folder`, newest first, each read only as far as its header."""
    try:
        paths = [p for p in Path(folder).iterdir() if p.suffix == SUFFIX and p.is_file()]
    except OSError as error:
        raise ServiceError(f"Mappen {folder} kan inte läsas: {os_reason(error)}.") from error
    with db.engine.connect() as conn:
        names = dict(conn.exec_driver_sql("SELECT id, name FROM organisation").all())
        read = {r[0] for r in conn.exec_driver_sql("SELECT file_id FROM sync_import")}
        own = {r[0] for r in conn.exec_driver_sql("SELECT file_id FROM sync_export")}
    found = []
    for path in paths:
        try:
            with path.open("rb") as handle:
                head = handle.read(len(MAGIC) + 4 + MAX_HEADER)
            header, _fields, _rest = read_header(head)
        except (OSError, SyncFileError):
            found.append(SyncFileInfo(path, "", "", None, False, "oläslig"))
            continue
        try:
            millis = hlc.decode(header.created_hlc)[0]
            created = clock.local_time(datetime.fromtimestamp(millis / 1000, UTC))
        except ValueError:
            created = None
        state = "egen" if header.file_id in own else "inläst" if header.file_id in read else "ny"
        # An organisation not known here yet: its key's fingerprint tells who it is.
        sender = names.get(header.sender_org or "", "") or f"okänd ({header.fingerprint[:9]} …)"
        found.append(
            SyncFileInfo(path, sender, header.fingerprint, created, header.kind == "full", state)
        )

    def newest(info: SyncFileInfo) -> float:
        if info.created is not None:
            return info.created.timestamp()
        try:
            return info.path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=newest, reverse=True)


def peek_sender(path: Path) -> tuple[str, str]:
    """(site id, fingerprint) from a file's plaintext header, for the trust question."""
    header, _fields, _rest = read_header(_read(path))
    return header.sender_site, header.fingerprint


def _read(path: Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise SyncFileError(f"Filen {Path(path).name} finns inte.") from None
    except OSError as error:
        raise SyncFileError(f"Filen kunde inte läsas: {os_reason(error)}.") from None


def import_file(
    db: Database,
    path: Path,
    *,
    passphrase: str,
    trust: str | None = None,
) -> ImportResult:
    """Take in one file. `trust` is the fingerprint the user has confirmed for a sender
    not seen before; without it such a file is refused before anything is written."""
    data = _read(path)
    digest = hashlib.sha256(data).hexdigest()
    with db.engine.connect() as conn:
        seen = conn.exec_driver_sql(
            "SELECT at FROM sync_import WHERE file_sha256 = ?", (digest,)
        ).scalar_one_or_none()
    if seen:
        return ImportResult(
            status="already",
            message=f"Filen är redan inläst ({seen[:10]}). Inget har ändrats.",
        )
    header, _fields, _rest = read_header(data)
    _check_address(db, header)
    header, changes = read_bytes(data, passphrase=passphrase, schema_version=LATEST_VERSION)
    try:
        check_stamps(changes)
        newest = newest_stamp(changes)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
        raise SyncFileError("Filens innehåll är skadat. Be om en ny kopia.") from None
    if hlc.too_far_ahead(newest):
        raise SyncFileError(
            "Avsändarens klocka ligger mer än ett dygn före din. Filen har inte lästs in; "
            "be avsändaren ställa klockan rätt och göra en ny export."
        )
    try:
        with db.engine.begin() as conn:
            result = _take_in(conn, header, changes, digest, trust)
    except OperationalError as error:
        raise ServiceError(explain_database_error(error)) from error
    except (SyncFileError, ServiceError):
        raise
    except Exception as error:
        # Signed by a known key, yet holding what cannot be taken in (a wrong kind of value,
        # a record that does not add up): the transaction is rolled back whole.
        raise SyncFileError(
            "Filen innehåller uppgifter som inte går att läsa in. Inget har ändrats; be "
            "avsändaren om en ny fil."
        ) from error
    return result


def _check_address(db: Database, header: Header) -> None:
    """A file for another organisation is refused before anything in it is decrypted.
    Files from versions without addresses, and a new install that has not yet said which
    organisation it works for, are let through."""
    if header.recipient is None:
        return
    with db.engine.connect() as conn:
        own_id = orgs.own_organisation_id(conn)
        if own_id is None:
            return
        own_key = orgs.organisation_key(conn, own_id)
        own_name, own_number = conn.exec_driver_sql(
            "SELECT name, org_nr FROM organisation WHERE id = ?", (own_id,)
        ).one()
        to = header.recipient
        to_key = to.org_nr or orgs.organisation_key(conn, to.id)
    if to_key == own_key:
        return
    if not own_number and fold(to.name) == fold(own_name):
        return  # this install has no number for its own organisation: the name must do
    named = f"{to.name} ({to.org_nr})" if to.org_nr else to.name or "en annan organisation"
    raise SyncFileError(
        f"Filen är adresserad till {named}, inte till {own_name}. Den har inte lästs in; "
        "be avsändaren exportera en fil till er organisation."
    )


def _take_in(conn, header, changes, digest: str, trust: str | None) -> ImportResult:
    me = state.site_id(conn)
    signed_by_us = False
    if header.sender_site == me:
        own = conn.exec_driver_sql(
            "SELECT 1 FROM sync_export WHERE file_id = ?", (header.file_id,)
        ).first()
        if own:
            return ImportResult(
                status="own",
                message="Filen är skapad av den här installationen. Inget har ändrats.",
            )
        # Our site id on a file we never wrote: this database is a copy (or a restored
        # backup) of the one that wrote it. A new identity keeps the two apart.
        own_key = base64.b64encode(public_bytes(state.signing_key(conn))).decode()
        signed_by_us = header.public_key == own_key  # our own key needs no confirmation
        state.rekey(conn)
    known = conn.exec_driver_sql(
        "SELECT public_key, fingerprint FROM sync_site WHERE site_id = ?", (header.sender_site,)
    ).first()
    if known and known[0] and known[0] != header.public_key:
        raise SyncFileError(
            "Avsändarens nyckel har bytts sedan förra filen. Filen har inte lästs in. "
            "Kontakta avsändaren innan ni fortsätter."
        )
    if (
        not (known and known[0])
        and not signed_by_us
        and _normal(trust) != _normal(header.fingerprint)
    ):
        raise UnknownSender(header.fingerprint)
    if changes.acks.get(me, 0) > state.current_seq(conn) and state.site_id(conn) == me:
        # The sender has had more of our changes than we have made: this database is a
        # backup put back in place. Without a new identity our next changes would carry
        # numbers the peers count as seen, and never be sent.
        state.rekey(conn)
    sender_number = header.sender.org_nr if header.sender else None
    summary = apply_changes(
        conn,
        changes,
        Sender(
            header.sender_site,
            header.sender_org,
            header.public_key,
            header.fingerprint,
            org_nr=sender_number,
        ),
    )
    sender_id = orgs.id_for_key(conn, sender_number) or header.sender_org
    origin = _organisation_name(conn, sender_id) if sender_id else ""
    if origin == "okänd organisation" and header.sender and header.sender.name:
        origin = header.sender.name
    _audit_removals(conn, summary, origin or "avsändaren")
    source = f"synkfil från installation {header.fingerprint[:14]}" + (
        f" ({origin})" if origin else ""
    )
    audit.write(
        conn,
        audit.install_user(conn),
        "läste in",
        ((pid, source) for pid in audit.people_in_rows(changes.rows)),
    )
    conn.exec_driver_sql(
        "INSERT INTO sync_import (file_sha256, file_id, sender_site, at, summary)"
        " VALUES (?, ?, ?, ?, ?)",
        (digest, header.file_id, header.sender_site, _now(), json.dumps(summary.as_dict())),
    )
    return ImportResult(summary=summary, sender_fingerprint=header.fingerprint, sender_name=origin)


def _audit_removals(conn, summary: ImportSummary, sender_name: str) -> None:
    """One audit entry per record a withdrawal removed, under the person it was about."""
    entries = []
    for report in summary.removed:
        for tbl, _row_id in report.removed_ids:
            what = audit.RECORD_NAMES.get(tbl, tbl)
            if tbl == "individual" and report.person_kept:
                what = "personuppgifter utom namn och nummer"
            entries.append(
                (
                    report.individual_id,
                    f"{what} från {sender_name} (samtycket har upphört)",
                )
            )
    audit.write(conn, audit.install_user(conn), "tog bort", entries)


def _organisation_name(conn, organisation_id: str | None) -> str:
    name = conn.exec_driver_sql(
        "SELECT name FROM organisation WHERE id = ?", (organisation_id,)
    ).scalar_one_or_none()
    return name or "okänd organisation"


def _normal(fp: str | None) -> str:
    return "".join((fp or "").split()).upper()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Peer:
    site_id: str
    organisation: str
    fingerprint: str
    received_seq: int
    acked_seq: int
    last_exchange_at: str | None


def list_peers(db: Database) -> list[Peer]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.site_id, coalesce(o.name, '–'), s.fingerprint, s.received_seq,"
            " s.acked_seq, s.last_exchange_at FROM sync_site s"
            " LEFT JOIN organisation o ON o.id = s.organisation_id"
            " ORDER BY s.last_exchange_at DESC"
        ).all()
    return [Peer(*row) for row in rows]
