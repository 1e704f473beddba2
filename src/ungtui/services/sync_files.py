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
from ungtui.domain.data_categories import CATEGORIES, IDENTITET
from ungtui.domain.data_categories import labels as category_labels
from ungtui.domain.disclosure import Holder
from ungtui.domain.secrecy import describe, domain_label, domains_for_kind
from ungtui.domain.text import fold, initials
from ungtui.services import audit, clock
from ungtui.services.errors import ServiceError, explain_database_error
from ungtui.services.individuals import display_name
from ungtui.services.person_data import held_categories
from ungtui.services.sync import (
    Sender,
    apply_changes,
    collect_changes,
    export_plan,
    is_own_domain,
    own_organisation,
    receiver_for,
)
from ungtui.store.database import Database
from ungtui.store.migrations import LATEST_VERSION
from ungtui.sync import hlc, holders, sharing, state
from ungtui.sync import organisations as orgs
from ungtui.sync.changes import ImportSummary, newest_stamp
from ungtui.sync.fileformat import (
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
# The export preview names at most this many people one by one; the counts cover all.
PREVIEW_PEOPLE = 200


@dataclass(frozen=True)
class PersonShare:
    """One person in the export preview: the kinds of data held here that go, and those
    that stay (a consent does not cover them for the receiver)."""

    individual_id: str
    first_name: str
    last_name: str
    birth_year: int | None
    goes: tuple[str, ...]
    stays: tuple[str, ...]

    @property
    def name(self) -> str:
        return display_name(self.first_name, self.last_name)

    def line(self, *, masked: bool = False) -> str:
        who = initials(self.first_name, self.last_name) if masked else self.name
        if self.birth_year:
            who += f" (f. {self.birth_year})"
        text = f"{who}: följer med: {category_labels(self.goes) or 'inget'}"
        if self.stays:
            text += f" · stannar här: {category_labels(self.stays)}"
        return text


@dataclass(frozen=True)
class ExportTarget:
    """A receiver an export can be addressed to: an organisation, or one nämnd of one."""

    organisation_id: str
    domain: str | None
    label: str

    @property
    def value(self) -> str:
        """One string for a list to hold: the organisation id, and the domain after '#'."""
        return f"{self.organisation_id}#{self.domain}" if self.domain else self.organisation_id

    @staticmethod
    def parse(value: str) -> tuple[str, str | None]:
        organisation_id, _, domain = value.partition("#")
        return organisation_id, domain or None


@dataclass(frozen=True)
class ExportPreview:
    organisation_id: str
    organisation_name: str
    own: bool  # the receiver is this install's own nämnd: nothing is held back
    people_included: int
    people_left_out: int  # no consent covering the receiver today
    full: bool = True  # the next file holds everything, not only what is new
    reason: str = ""  # Swedish: why it is full, or since when it holds changes
    # Sent to the receiver before and no longer covered: the file tells it to drop what
    # it has from here about them (sync.withdrawal).
    people_removed: int = 0
    receiver: str = ""  # the receiver as a party: "Malmö stad – Socialtjänsten"
    # People with anything going or staying, by name (at most PREVIEW_PEOPLE of them).
    people: tuple[PersonShare, ...] = ()
    more_people: int = 0  # left out of `people` for length

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
    if report.categories:
        kinds = category_labels(report.categories).lower()
        if "individual" in report.removed:
            parts.append("uppgifter i personuppgifterna")
        text = (
            f"Borttaget om {who}: {', '.join(parts) or 'inget'} från {sender_name} ({kinds}), "
            f"eftersom {sender_name} inte längre får lämna sådana uppgifter om personen hit "
            "(samtycket omfattar dem inte längre)."
        )
    else:
        if "individual" in report.removed:
            parts.append(
                "personuppgifterna utom namn och nummer" if report.person_kept else "personen"
            )
        text = (
            f"Borttaget om {who}: {', '.join(parts) or 'inget'} från {sender_name}, eftersom "
            f"{sender_name} inte längre får lämna uppgifter om personen hit (samtycket har "
            "upphört)."
        )
    if report.kept_own:
        own = "post" if report.kept_own == 1 else "poster"
        text += f" Era egna {report.kept_own} {own} om personen finns kvar."
    return text


def my_fingerprint(db: Database) -> str:
    with db.engine.begin() as conn:
        return fingerprint(public_bytes(state.signing_key(conn)))


def export_targets(db: Database) -> list[ExportTarget]:
    """Who a file can be for: every organisation; each nämnd of one's own kommun, and of
    another kommun those with a unit known here (its installs' units come with their
    files). A kommun as a whole is a receiver too, covered only by consents for the whole
    kommun."""
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, name, org_nr, kind FROM organisation"
            " WHERE deleted_at IS NULL AND merged_into IS NULL ORDER BY name"
        ).all()
        units = holders.unit_holders(conn)
        unit_orgs = dict(conn.exec_driver_sql("SELECT id, organisation_id FROM unit").all())
        own = holders.own_holder(conn)
        keys = orgs.organisation_keys(conn)
    domains: dict[str, set[str]] = {}
    for unit_id, holder in units.items():
        if holder.domain:
            org_id = unit_orgs.get(unit_id, "")
            domains.setdefault(org_id, set()).add(holder.domain)
    targets = []
    for org_id, name, number, kind in rows:
        label = f"{name} ({number})" if number else name
        kinds = domains_for_kind(kind)
        if len(kinds) == 1:
            targets.append(ExportTarget(org_id, None, label))
            continue
        targets.append(ExportTarget(org_id, None, f"{label} – alla nämnder"))
        own_kommun = own is not None and keys.get(org_id, org_id) == own.organisation
        for code in kinds:
            if own_kommun or code in domains.get(org_id, set()):
                mine = own is not None and own == Holder(keys.get(org_id, org_id), code)
                suffix = " (din egen nämnd)" if mine else ""
                targets.append(
                    ExportTarget(org_id, code, f"{label} – {domain_label(code)}{suffix}")
                )
    return targets


def default_domain(db: Database, organisation_id: str) -> str | None:
    """The nämnd of a kommun a file is for when none is named: one's own for one's own
    kommun; for another, the one nämnd whose installs have sent files here, if only one
    has. None: the whole kommun (or an organisation that is one domain whole)."""
    with db.engine.connect() as conn:
        receiver = receiver_for(conn, organisation_id, None)
        if receiver is not None and receiver.domain is not None:
            return receiver.domain
        key = orgs.organisation_key(conn, organisation_id)
        keys = orgs.organisation_keys(conn)
        seen = {
            domain
            for org_nr, org_id, domain in conn.exec_driver_sql(
                "SELECT org_nr, organisation_id, domain FROM sync_site"
            )
            if domain and (org_nr or keys.get(org_id or "", org_id)) == key
        }
    return seen.pop() if len(seen) == 1 else None


def export_preview(
    db: Database, organisation_id: str, *, full: bool = False, domain: str | None = None
) -> ExportPreview:
    """What the next file for the receiver carries: how many people, who by name with the
    kinds of data that go and that stay, and who the receiver must drop."""
    today = clock.today()
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT name, kind FROM organisation WHERE id = ?", (organisation_id,)
        ).first()
        if row is None:
            raise ServiceError("Organisationen finns inte i registret.")
        name, kind = row
        receiver = receiver_for(conn, organisation_id, domain)
        assert receiver is not None
        label = describe(name, receiver.domain, kind)
        plan = export_plan(conn, organisation_id, full=full, domain=receiver.domain)
        own = is_own_domain(conn, receiver)
        shown = "FROM individual WHERE deleted_at IS NULL AND merged_into IS NULL"
        total = conn.exec_driver_sql(f"SELECT count(*) {shown}").scalar_one()
        if own:
            return ExportPreview(
                organisation_id, name, own, total, 0, plan.full, plan.reason, receiver=label
            )
        # The same plan as the export itself, so the numbers are what will travel.
        share = sharing.share_plan(conn, receiver, today)
        allowed = share.people if share else {}
        people = conn.exec_driver_sql(
            f"SELECT id, first_name, last_name, birth_date {shown} ORDER BY sort_key, id"
        ).all()
        included = sum(1 for p in people if p[0] in allowed)
        sent = {
            pid
            for (pid,) in conn.exec_driver_sql(
                "SELECT individual_id FROM sync_sent WHERE organisation_id = ?",
                (receiver.key,),
            )
        }
        listed = [p for p in people if p[0] in allowed][:PREVIEW_PEOPLE]
        held = held_categories(conn, [p[0] for p in listed])
    shares = []
    for pid, first, last, birth in listed:
        covered = allowed.get(pid, frozenset())
        have = held.get(pid, set()) | {IDENTITET}
        shares.append(
            PersonShare(
                pid,
                first or "",
                last or "",
                int(str(birth)[:4]) if birth else None,
                tuple(c for c in CATEGORIES if c in covered and c in have),
                tuple(c for c in CATEGORIES if c in have and c not in covered),
            )
        )
    return ExportPreview(
        organisation_id,
        name,
        own,
        included,
        total - included,
        plan.full,
        plan.reason,
        len(sent - set(allowed)),
        receiver=label,
        people=tuple(shares),
        more_people=max(0, included - len(listed)),
    )


def _party(conn, organisation_id: str | None, holder: Holder | None = None) -> Party | None:
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
    return Party(
        org_nr=key if key != shown else None,
        id=shown,
        name=name,
        domain=holder.domain if holder else None,
    )


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
    domain: str | None = None,
) -> ExportResult:
    """Write the file for the organisation (one nämnd of it, when `domain` is named)."""
    _check_passphrase(passphrase)
    out = Path(out)
    if out.is_dir():
        out = out / default_file_name(db)
    if not out.parent.is_dir():
        raise ServiceError(f"Mappen {out.parent} finns inte.")
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with db.engine.begin() as conn:
            # What was sent to whom is committed only together with a written file.
            changes = collect_changes(
                conn, for_organisation=for_organisation, full=full, domain=domain
            )
            receiver = receiver_for(conn, for_organisation, domain)
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
                recipient=_party(conn, for_organisation, receiver),
                sender=_party(conn, own_organisation(conn), holders.own_holder(conn)),
            )
            fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, out)
            conn.exec_driver_sql(
                "INSERT INTO sync_export (file_id, at, organisation_id, seq_to)"
                " VALUES (?, ?, ?, ?)",
                (file_id, _now(), for_organisation, changes.seq_to),
            )
            state.set_meta_value(conn, "full_next", None)
            to = _organisation_name(conn, for_organisation)
            if receiver is not None and receiver.domain and len(
                domains_for_kind(_organisation_kind(conn, for_organisation))
            ) > 1:
                to = f"{to} – {domain_label(receiver.domain)}"
            audit.write(
                conn,
                audit.install_user(conn),
                "exporterade",
                ((pid, f"synkfil till {to}") for pid in audit.people_in_rows(changes.rows)),
            )
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ServiceError(f"Filen kunde inte skrivas: {error.strerror}.") from error
    except OperationalError as error:
        temporary.unlink(missing_ok=True)
        raise ServiceError(explain_database_error(error)) from error
    return ExportResult(
        path=out,
        changes=changes.change_count,
        rows=len(changes.rows),
        full=changes.full,
        purges=len(changes.purges),
    )


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
        raise SyncFileError(f"Filen kunde inte läsas: {error.strerror}.") from None


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
    if hlc.too_far_ahead(newest_stamp(changes)):
        raise SyncFileError(
            "Avsändarens klocka ligger mer än ett dygn före din. Filen har inte lästs in; "
            "be avsändaren ställa klockan rätt och göra en ny export."
        )
    try:
        with db.engine.begin() as conn:
            result = _take_in(conn, header, changes, digest, trust)
    except OperationalError as error:
        raise ServiceError(explain_database_error(error)) from error
    return result


def _check_address(db: Database, header: Header) -> None:
    """A file for another organisation, or for another nämnd of one's own, is refused
    before anything in it is decrypted. Files from versions without addresses, and a new
    install that has not yet said which organisation it works for, are let through."""
    if header.recipient is None:
        return
    with db.engine.connect() as conn:
        own_id = orgs.own_organisation_id(conn)
        if own_id is None:
            return
        own_key = orgs.organisation_key(conn, own_id)
        own_name, own_number, own_kind = conn.exec_driver_sql(
            "SELECT name, org_nr, kind FROM organisation WHERE id = ?", (own_id,)
        ).one()
        own_holder = holders.own_holder(conn)
        to = header.recipient
        to_key = to.org_nr or orgs.organisation_key(conn, to.id)
    same_organisation = to_key == own_key or (
        not own_number and fold(to.name) == fold(own_name)
    )  # an install without a number for its own organisation: the name must do
    own_domain = own_holder.domain if own_holder else None
    if same_organisation and (to.domain is None or to.domain == own_domain):
        return
    if same_organisation:
        raise SyncFileError(
            f"Filen är adresserad till {describe(own_name, to.domain, own_kind)}, inte till "
            f"{describe(own_name, own_domain, own_kind)}. Den har inte lästs in; be avsändaren "
            "exportera en fil till er nämnd."
        )
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
            domain=header.sender.domain if header.sender else None,
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
            why = "samtycket har upphört"
            if report.categories:
                why = f"samtycket omfattar inte längre {category_labels(report.categories)}"
                if tbl == "individual":
                    what = "uppgifter i personuppgifterna"
            elif tbl == "individual" and report.person_kept:
                what = "personuppgifter utom namn och nummer"
            entries.append((report.individual_id, f"{what} från {sender_name} ({why.lower()})"))
    audit.write(conn, audit.install_user(conn), "tog bort", entries)


def _organisation_kind(conn, organisation_id: str | None) -> str:
    kind = conn.exec_driver_sql(
        "SELECT kind FROM organisation WHERE id = ?", (organisation_id,)
    ).scalar_one_or_none()
    return kind or "annan"


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
