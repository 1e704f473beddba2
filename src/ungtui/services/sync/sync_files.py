"""Sync files on disk: what an export will carry, writing one, and taking one in.

Writing streams: the changes are read in batches and written segment by segment
(sync.fileformat), never held whole.

Taking a file in, in this order (sync.fileformat explains the first steps):

1. the plaintext header, without the passphrase: format, signature, sizes;
2. whether it was taken in before, whom it is addressed to, and who sent it: a sender
   never seen before is asked about (UnknownSender) and a known site presenting another
   key is refused, before anything is decrypted;
3. the passphrase;
4. a first reading: every segment verified and decrypted in turn, every change checked
   against the schema and the clock (sync.validate); nothing is written;
5. a second reading, in one transaction: the same segments (their digests must match the
   first reading's) applied in batches. Any error rolls the transaction back whole.

So a damaged, forged, oversized or invalid file, a wrong passphrase or a killed process
leaves the database as it was.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.exc import OperationalError

from ungtui import __version__
from ungtui.domain.data_categories import CATEGORIES, IDENTITET
from ungtui.domain.data_categories import labels as category_labels
from ungtui.domain.disclosure import Holder
from ungtui.domain.secrecy import (
    SECRECY_DOMAINS,
    describe,
    domain_label,
    domains_for_kind,
    single_domain,
)
from ungtui.domain.text import display_name, fold, initials
from ungtui.services import audit, clock
from ungtui.services.errors import ServiceError, explain_database_error, os_reason
from ungtui.services.people.person_data import held_categories
from ungtui.services.private_files import check_target, private_file
from ungtui.services.sync.sync import (
    Sender,
    export_plan,
    forget_purged_keys,
    is_own_domain,
    own_organisation,
    receiver_for,
    record_export,
    stream_changes,
    take_in,
)
from ungtui.store.database import Database
from ungtui.store.migrations import LATEST_VERSION
from ungtui.sync import hlc, holders, state
from ungtui.sync import organisations as orgs
from ungtui.sync.changes import ImportSummary, line_of
from ungtui.sync.fileformat import (
    SUFFIX,
    BodyReader,
    Header,
    HeaderFields,
    NewerSchema,
    Party,
    SyncFileError,
    Writer,
    fingerprint,
    open_file,
    open_keys,
    peek,
    public_bytes,
    read_header,
)
from ungtui.sync.scope import export_scope
from ungtui.sync.validate import Checker, checked_lines
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
    own: bool = False  # this install's own nämnd, or its own organisation when it is one

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
    # A file for a whole kommun, when one of its nämnder has sent files here: that nämnd
    # as a party ("Västerås stad – Arbetsmarknadsenheten"). Referrals and meetings with
    # it go only in a file for it, since any nämnd may read a file for the whole kommun.
    narrower: str = ""
    # Consents in force from this install's nämnd to the receiver, for anyone: none, and
    # only what referrals and meetings with it carry goes.
    consents_in_force: int = 0

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


class SenderNotTrusted(SyncFileError):
    """The file's signing key is not one this install trusts for its sender; the command
    line exits with its own code for it (cli.common.EXIT_TRUST)."""


class UnknownSender(SenderNotTrusted):
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
    "person_status": ("skol- eller AF-status", "skol- eller AF-statusar"),
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
        part = f"{count} {one if count == 1 else many}"
        if tbl == "referral_event" and report.own_answers:
            # Our answers to the sender's referral go with it; its record stays there.
            ours = "ert eget" if report.own_answers == 1 else "era egna"
            part += (
                f" ({report.own_answers} av dem {ours}; remissen med alla steg finns kvar hos "
                f"{sender_name})"
            )
        parts.append(part)
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


def my_fingerprint(db: Database) -> str | None:
    """This install's fingerprint, or None while the file has no identity of its own yet
    (a copied database gets one at its first write): showing it is only a read."""
    with db.engine.connect() as conn:
        meta = state.current_identity(conn)
    if meta is None:
        return None
    return fingerprint(public_bytes(state.key_from(meta)))


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
            mine = own is not None and keys.get(org_id, org_id) == own.organisation
            suffix = " (din egen organisation)" if mine else ""
            targets.append(ExportTarget(org_id, None, f"{label}{suffix}", own=mine))
            continue
        targets.append(ExportTarget(org_id, None, f"{label} – alla nämnder"))
        own_kommun = own is not None and keys.get(org_id, org_id) == own.organisation
        for code in kinds:
            if own_kommun or code in domains.get(org_id, set()):
                mine = own is not None and own == Holder(keys.get(org_id, org_id), code)
                suffix = " (din egen nämnd)" if mine else ""
                targets.append(
                    ExportTarget(
                        org_id, code, f"{label} – {domain_label(code)}{suffix}", own=mine
                    )
                )
    return targets


def default_target(db: Database, targets: list[ExportTarget]) -> str | None:
    """The receiver an export form starts with (a value of `targets`), never one's own
    side: a first export went to oneself by default. The other party when there is only
    one (another organisation, or a nämnd of one's own kommun with a unit known here),
    else the only one of them that has sent files here; None when that tells no one, so
    that the user chooses. A kommun is chosen at the nämnd that sent files, if one did."""
    with db.engine.connect() as conn:
        keys = orgs.organisation_keys(conn)
        own = holders.own_holder(conn)
        known = {(h.organisation, h.domain) for h in holders.unit_holders(conn, keys).values()}
        sent = set(
            conn.exec_driver_sql(
                "SELECT organisation_id, domain FROM sync_site WHERE organisation_id IS NOT NULL"
            ).all()
        )
    own_key = own.organisation if own is not None else None
    parties: dict[tuple[str, str | None], list[ExportTarget]] = {}
    for target in targets:
        key = keys.get(target.organisation_id, target.organisation_id)
        if target.own:
            continue
        if key == own_key:
            # One's own kommun: a nämnd someone here works in is a party; the rest of the
            # list (every nämnd a kommun has, the kommun as a whole) names no one known.
            if target.domain is None or (key, target.domain) not in known:
                continue
            party = (target.organisation_id, target.domain)
        else:
            party = (target.organisation_id, None)
        parties.setdefault(party, []).append(target)
    if len(parties) > 1:
        sender_orgs = {org_id for org_id, _domain in sent}
        parties = {
            (org_id, domain): found
            for (org_id, domain), found in parties.items()
            if (org_id in sender_orgs if domain is None else (org_id, domain) in sent)
        }
    if len(parties) != 1:
        return None
    [((org_id, domain), found)] = parties.items()
    if domain is not None:
        return ExportTarget(org_id, domain, "").value
    values = [t.value for t in found]
    wanted = ExportTarget(org_id, default_domain(db, org_id), "").value
    return wanted if wanted in values else values[0]


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
        scope = export_scope(conn, organisation_id, own_organisation(conn), today, domain)
        in_force = 0
        if scope.share is not None:
            allowed = scope.share.people
            plan_ = scope.share
            in_force = sum(
                1
                for terms in plan_.facts.consent_by_id.values()
                if terms.names_parties(plan_.discloser, plan_.receiver)
                and terms.state(today) == "gäller"
            )
        else:
            # No share plan (an install with no user yet): the organisation rule, all
            # categories of the people it lets through.
            every = frozenset(CATEGORIES)
            allowed = dict.fromkeys(scope.allowed, every) if scope.filtered else {}
        people = conn.exec_driver_sql(
            f"SELECT id, first_name, last_name, birth_date {shown} ORDER BY sort_key, id"
        ).all()
        included = sum(1 for p in people if p[0] in allowed)
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
    narrower = ""
    if receiver.domain is None and len(domains_for_kind(kind)) > 1:
        known = default_domain(db, organisation_id)
        narrower = describe(name, known, kind) if known else ""
    return ExportPreview(
        organisation_id,
        name,
        own,
        included,
        total - included,
        plan.full,
        plan.reason,
        len(scope.purges),  # what the file will ask the receiver to drop
        receiver=label,
        people=tuple(shares),
        more_people=max(0, included - len(listed)),
        narrower=narrower,
        consents_in_force=in_force,
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
    replace: bool = False,
    domain: str | None = None,
) -> ExportResult:
    """Write the file for the organisation (one nämnd of it, when `domain` is named)."""
    _check_passphrase(passphrase)
    out = Path(out)
    if out.is_dir():
        out = _free(out / default_file_name(db))
    elif not out.suffix and not out.exists():
        # A name without a suffix is a folder meant (a USB stick's, typed by hand): a file
        # by that name would be one that no Läs in lists.
        raise ServiceError(
            f"Mappen {out} finns inte. Välj en mapp som finns, eller skriv ett filnamn som "
            f"slutar på {SUFFIX}."
        )
    check_target(out, replace=replace)
    try:
        with db.engine.begin() as conn:
            # What was sent to whom is committed only together with a written file.
            export = stream_changes(
                conn, for_organisation=for_organisation, full=full, domain=domain
            )
            receiver = receiver_for(conn, for_organisation, domain)
            file_id = str(uuid.uuid4())
            own = own_organisation(conn)
            fields = HeaderFields(
                sender_site=export.manifest["sender"],
                sender_org=own,
                schema_version=LATEST_VERSION,
                app_version=__version__,
                file_id=file_id,
                kind="full" if export.full else "delta",
                created_hlc=state.clock(conn).last,
                recipient=_party(conn, for_organisation, receiver),
                sender=_party(conn, own, holders.own_holder(conn)),
            )
            with private_file(out, replace=replace) as handle:
                writer = Writer(
                    handle, fields, passphrase=passphrase, signing_key=state.signing_key(conn)
                )
                writer.write_line(_json_line(export.manifest))
                for item in export.items:
                    writer.write_line(line_of(item))
                writer.write_line(_json_line(export.end_line()))
                writer.close()
            record_export(conn, file_id, for_organisation, export.seq_to)
            to = _organisation_name(conn, for_organisation)
            if receiver is not None and receiver.domain and len(
                domains_for_kind(_organisation_kind(conn, for_organisation))
            ) > 1:
                to = f"{to} – {domain_label(receiver.domain)}"
            audit.write(
                conn,
                audit.install_user(conn),
                "exporterade",
                ((pid, f"synkfil till {to}") for pid in export.people),
            )
    except OperationalError as error:
        raise ServiceError(explain_database_error(error)) from error
    return ExportResult(
        path=out,
        changes=export.changes,
        rows=export.counts["rows"],
        full=export.full,
        purges=export.counts["p"],
    )


def _json_line(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class FilePeek:
    """What a sync file's plaintext header says, for a file picker: read without the
    passphrase and without reading the body (sync.fileformat.peek)."""

    sender_site: str
    sender_name: str
    sender_org_nr: str | None
    recipient_name: str
    recipient_org_nr: str | None
    fingerprint: str
    full: bool
    created: datetime  # UTC, from the sender's clock
    size: int  # bytes of the file


def peek_file(path: Path) -> FilePeek:
    header = peek(Path(path))
    return FilePeek(
        sender_site=header.sender_site,
        sender_name=header.sender.name if header.sender else "",
        sender_org_nr=header.sender.org_nr if header.sender else None,
        recipient_name=header.recipient.name if header.recipient else "",
        recipient_org_nr=header.recipient.org_nr if header.recipient else None,
        fingerprint=header.fingerprint,
        full=header.kind == "full",
        created=datetime.fromtimestamp(hlc.decode(header.created_hlc)[0] / 1000, UTC),
        size=header.body_offset + header.body_size,
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
    state: str  # "ny" | "inläst" | "egen" | "oläslig" | "inte till er"
    problem: str = ""  # why the file cannot be read here, one Swedish line
    # Whom the file is addressed to, as its header names it ("Arbetsförmedlingen",
    # "Malmö stad – Socialtjänsten"): the file name carries no names, the list does.
    receiver: str = ""


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
            header = peek(path)  # the signed header and the file's size; no body, no passphrase
        except SyncFileError as error:
            found.append(SyncFileInfo(path, "", "", None, False, "oläslig", str(error)))
            continue
        try:
            millis = hlc.decode(header.created_hlc)[0]
            created = clock.local_time(datetime.fromtimestamp(millis / 1000, UTC))
        except ValueError:
            created = None
        state = "egen" if header.file_id in own else "inläst" if header.file_id in read else "ny"
        problem = ""
        if state == "ny":
            # Addressed elsewhere: said here, from the header, not after the passphrase.
            try:
                _check_address(db, header)
            except SyncFileError as error:
                state, problem = "inte till er", str(error)
        # An organisation not known here yet: its key's fingerprint tells who it is.
        sender = names.get(header.sender_org or "", "") or f"okänd ({header.fingerprint[:9]} …)"
        found.append(
            SyncFileInfo(
                path,
                sender,
                header.fingerprint,
                created,
                header.kind == "full",
                state,
                problem,
                _receiver_label(header),
            )
        )

    def newest(info: SyncFileInfo) -> float:
        if info.created is not None:
            return info.created.timestamp()
        try:
            return info.path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found, key=newest, reverse=True)


def _receiver_label(header: Header) -> str:
    to = header.recipient
    if to is None:
        return ""  # a file from a version without addresses
    known = SECRECY_DOMAINS.get(to.domain or "")
    if known is None or any(single_domain(kind) == to.domain for kind in known.kinds):
        return to.name  # AF is one nämnd: "Arbetsförmedlingen – Arbetsförmedlingen" says no more
    return describe(to.name, to.domain)


def peek_sender(path: Path) -> tuple[str, str]:
    """(site id, fingerprint) from a file's plaintext header, for the trust question."""
    header = peek(Path(path))
    return header.sender_site, header.fingerprint


def import_file(
    db: Database,
    path: Path,
    *,
    passphrase: str,
    trust: str | None = None,
) -> ImportResult:
    """Take in one file. `trust` is the fingerprint the user has confirmed for a sender
    not seen before; without it such a file is refused before anything is decrypted."""
    with open_file(path) as source:
        try:
            return _import(db, source, passphrase, trust)
        except OSError as error:
            raise SyncFileError(f"Filen kunde inte läsas: {error.strerror}.") from None


def _import(db: Database, source: BinaryIO, passphrase: str, trust: str | None) -> ImportResult:
    # 1. The header: no passphrase needed, nothing decrypted.
    header = read_header(source)
    if header.schema_version > LATEST_VERSION:
        raise NewerSchema(
            f"Filen kommer från en nyare version av ungtui (databasversion "
            f"{header.schema_version}). Uppdatera ungtui och försök igen."
        )
    # 2. Taken in before? For us? From whom?
    with db.engine.connect() as conn:
        seen = _seen(conn, header)
    if seen:
        return ImportResult(
            status="already",
            message=f"Filen är redan inläst ({seen[:10]}). Inget har ändrats.",
        )
    _check_address(db, header)
    with db.engine.connect() as conn:
        sender_is = _check_sender(conn, header, trust)
    if sender_is == "own":
        return ImportResult(
            status="own",
            message="Filen är skapad av den här installationen. Inget har ändrats.",
        )
    # 3. The passphrase.
    keys = open_keys(header, passphrase)
    # 4. The first reading: every segment verified, every change checked, nothing written.
    first = BodyReader(source, header, keys)
    checker = Checker(sender_site=header.sender_site, full=header.kind == "full")
    for _checked in checked_lines(first.lines(), checker):
        pass
    # 5. The second reading, applied in one transaction.
    try:
        with db.engine.begin() as conn, state.bulk_writes(conn):
            if _seen(conn, header):
                raise SyncFileError("Filen lästes in av någon annan samtidigt. Inget har ändrats.")
            if _check_sender(conn, header, trust) == "restored":
                # A file this install signed that it has no record of writing: this database
                # is a backup put back in place (or a copy). A new identity keeps it apart
                # from the install that wrote the file.
                state.rekey(conn)
            second = BodyReader(source, header, keys, segment_digests=first.segment_digests)
            lines = second.lines()
            manifest = json.loads(next(lines))
            items = _items_of(lines)
            result = _take_in(conn, header, manifest, items, checker.newest, first.file_digest)
            if any(True for _rest in lines):  # the end line was the last; the reader checks
                raise SyncFileError("Filens innehåll är skadat. Be om en ny kopia.")
    except OperationalError as error:
        raise ServiceError(explain_database_error(error)) from error
    except (SyncFileError, ServiceError):
        raise
    except Exception as error:
        # Checked, yet not taken in (a fault here, not in the file): nothing is kept.
        raise SyncFileError(
            "Filen kunde inte läsas in på grund av ett fel i programmet. Ingenting har "
            "ändrats."
        ) from error
    forget_purged_keys(db, result.summary)
    return result


def _items_of(lines: Iterator[bytes]) -> Iterator[dict]:
    """The changes of a checked body: every line up to the end line."""
    for line in lines:
        item = json.loads(line.decode("utf-8"))
        if "end" in item:
            return
        yield item


def _seen(conn, header: Header) -> str | None:
    return conn.exec_driver_sql(
        "SELECT at FROM sync_import WHERE file_id = ? AND sender_site = ?",
        (header.file_id, header.sender_site),
    ).scalar()


def _check_sender(conn, header: Header, trust: str | None) -> str:
    """Who sent the file, decided from its signed header before anything is decrypted:
    "own" (a file this install wrote), "restored" (signed with this install's key but not
    written by it: this database is a backup put back), or "known". Raises UnknownSender
    for a sender never seen, and refuses a known site presenting another key."""
    identity = state.current_identity(conn)  # a read: a copied file has none of its own yet
    if identity is not None and header.sender_site == identity["site_id"]:
        own = conn.exec_driver_sql(
            "SELECT 1 FROM sync_export WHERE file_id = ?", (header.file_id,)
        ).first()
        if own:
            return "own"
        own_key = base64.b64encode(public_bytes(state.key_from(identity))).decode()
        if header.public_key != own_key:
            raise SenderNotTrusted(
                "Filen utger sig för att komma från den här installationen men är "
                "underskriven med en annan nyckel. Den har inte lästs in."
            )
        return "restored"
    known = conn.exec_driver_sql(
        "SELECT public_key FROM sync_site WHERE site_id = ?", (header.sender_site,)
    ).scalar()
    if known and known != header.public_key:
        raise SenderNotTrusted(
            "Avsändarens nyckel har bytts sedan förra filen. Filen har inte lästs in. "
            "Kontakta avsändaren innan ni fortsätter."
        )
    if not known and _normal(trust) != _normal(header.fingerprint):
        raise UnknownSender(header.fingerprint)
    return "known"


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


def _take_in(
    conn, header: Header, manifest: dict, items: Iterator[dict], newest: str, digest: str
) -> ImportResult:
    sender_number = header.sender.org_nr if header.sender else None
    summary = take_in(
        conn,
        manifest,
        items,
        Sender(
            header.sender_site,
            header.sender_org,
            header.public_key,
            header.fingerprint,
            org_nr=sender_number,
            domain=header.sender.domain if header.sender else None,
        ),
        newest=newest,
        file_id=header.file_id,
    )
    sender_id = orgs.id_for_key(conn, sender_number) or header.sender_org
    origin = _organisation_name(conn, sender_id) if sender_id else ""
    if origin == "okänd organisation" and header.sender and header.sender.name:
        origin = header.sender.name
    installation = f"synkfil från installation {header.fingerprint[:14]}"
    _audit_removals(conn, summary, origin or "avsändaren", installation)
    source = installation + (f" ({origin})" if origin else "")
    audit.write(
        conn,
        audit.install_user(conn),
        "läste in",
        ((pid, source) for pid in summary.people),
    )
    conn.exec_driver_sql(
        "INSERT INTO sync_import (file_sha256, file_id, sender_site, at, summary)"
        " VALUES (?, ?, ?, ?, ?)",
        (digest, header.file_id, header.sender_site, _now(), json.dumps(summary.as_dict())),
    )
    return ImportResult(summary=summary, sender_fingerprint=header.fingerprint, sender_name=origin)


def _audit_removals(conn, summary: ImportSummary, sender_name: str, source: str) -> None:
    """One audit entry per record a withdrawal removed, under the person it was about.
    The file removed them, not the person who read it in: the entries name the sync as
    the one who did it (audit.SYNC_ACTOR) and the file's sender in the text."""
    entries = []
    for report in summary.removed:
        own_steps = set(report.own_answer_ids)
        for tbl, row_id in report.removed_ids:
            what = audit.RECORD_NAMES.get(tbl, tbl)
            why = "samtycket har upphört"
            if report.categories:
                why = f"samtycket omfattar inte längre {category_labels(report.categories)}"
                if tbl == "individual":
                    what = "uppgifter i personuppgifterna"
            elif tbl == "individual" and report.person_kept:
                what = "personuppgifter utom namn och nummer"
            if tbl == "referral_event" and row_id in own_steps:
                what = "eget remissteg på remiss"
            entries.append(
                (report.individual_id, f"{what} från {sender_name} ({why.lower()}); {source}")
            )
    audit.write(conn, audit.SYNC_ACTOR, "tog bort", entries)


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
    received_seq: int  # the sender's own change numbers: not files, not for the screen
    acked_seq: int
    last_exchange_at: str | None
    files_read: int = 0  # files from this install read in here
    # When we wrote the newest file of ours it has confirmed reading (its files say how
    # far they have read ours); None: none confirmed yet.
    confirmed_export_at: str | None = None

    @property
    def confirmed(self) -> str:
        """Swedish, for the screen: how far the other install has confirmed our files."""
        if self.confirmed_export_at:
            # To the minute: two files of one day were told apart by nothing.
            written = clock.local_time(datetime.fromisoformat(self.confirmed_export_at))
            return f"vår fil från {written:%Y-%m-%d %H:%M}"
        return "ingen fil än"


def list_peers(db: Database) -> list[Peer]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT s.site_id, coalesce(o.name, '–'), s.fingerprint, s.received_seq,"
            " s.acked_seq, s.last_exchange_at,"
            " (SELECT count(*) FROM sync_import i WHERE i.sender_site = s.site_id),"
            " (SELECT max(e.at) FROM sync_export e"
            "  WHERE s.acked_seq > 0 AND e.seq_to <= s.acked_seq)"
            " FROM sync_site s"
            " LEFT JOIN organisation o ON o.id = s.organisation_id"
            " ORDER BY s.last_exchange_at DESC"
        ).all()
    return [Peer(*row) for row in rows]
