"""The sync commands of the command line: export, import, conflicts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ungtui.cli.common import fail
from ungtui.domain.secrecy import domain_label, domains_for_kind
from ungtui.domain.text import fold, plural
from ungtui.services.conflicts import list_conflicts
from ungtui.services.errors import ServiceError
from ungtui.services.organisations import find_organisation, list_organisations
from ungtui.services.sync_files import (
    UnknownSender,
    default_domain,
    export_file,
    export_preview,
    import_file,
)
from ungtui.store.database import Database
from ungtui.sync.fileformat import SyncFileError

PASSPHRASE_ENV = "UNGTUI_PASSPHRASE"
EXIT_UNKNOWN_SENDER = 3
# Taken in, but some changes were refused: the sender had no authority to make them.
EXIT_REFUSED_CHANGES = 4


class CommandError(Exception):
    pass


def passphrase_from_user() -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise CommandError(
            f"Ingen lösenfras: sätt {PASSPHRASE_ENV} eller kör kommandot i en terminal."
        )
    return getpass.getpass("Teamets lösenfras: ")


def _organisation(db: Database, wanted: str) -> str:
    """--for: a name, a number or an id; an ambiguous or unknown one is refused."""
    return find_organisation(db, wanted).id


def run_sync_command(db: Database, args: argparse.Namespace) -> int:
    try:
        if args.command == "export":
            return _export(db, args)
        if args.command == "import":
            return _import(db, args)
        return _conflicts(db)
    except UnknownSender as error:
        fail(str(error))
        print(
            f'Godkänn med: ungtui import --db {db.path} {args.file} --trust "{error.fingerprint}"',
            file=sys.stderr,
        )
        return EXIT_UNKNOWN_SENDER
    except (CommandError, ServiceError, SyncFileError) as error:
        return fail(str(error))


def receiver_domain(db: Database, organisation_id: str, wanted: str | None) -> str | None:
    """--namnd: a code or a name of a domain of the organisation; 'alla' is the whole
    kommun. Without it, the default of services.sync_files.default_domain."""
    if wanted is None:
        return default_domain(db, organisation_id)
    text = fold(wanted)
    if text in ("alla", "alla namnder", "hela"):
        return None
    kind = next(o.kind for o in list_organisations(db) if o.id == organisation_id)
    for code in domains_for_kind(kind):
        if text in (code, fold(domain_label(code))):
            return code
    known = ", ".join(domains_for_kind(kind))
    raise CommandError(f"Okänd nämnd ”{wanted}”. Välj en av: {known} eller alla.")


def _export(db: Database, args: argparse.Namespace) -> int:
    org = _organisation(db, args.for_org)
    domain = receiver_domain(db, org, getattr(args, "domain", None))
    preview = export_preview(db, org, full=args.full, domain=domain)
    result = export_file(
        db,
        for_organisation=org,
        out=Path(args.out),
        passphrase=passphrase_from_user(),
        full=args.full,
        replace=args.replace,
        domain=domain,
    )
    kind = "Fullständig export" if result.full else "Export av nya ändringar"
    changes = plural(result.changes, "ändring", "ändringar")
    print(f"{kind} till {preview.receiver}: {changes} i {result.path}.")
    print(preview.kind_line)
    if not preview.own:
        print(
            f"Med: {plural(preview.people_included, 'person', 'personer')} (det gällande "
            f"samtycken från er nämnd till {preview.receiver} omfattar). "
            f"Utan: {plural(preview.people_left_out, 'person', 'personer')} "
            "(inget gällande samtycke)."
        )
        for person in preview.people:
            print(f"  {person.line()}")
        if preview.more_people:
            print(f"  … och {plural(preview.more_people, 'person', 'personer')} till.")
    if result.purges:
        gone = plural(result.purges, "person tas", "personer tas")
        print(f"{gone} bort hos mottagaren (samtycket har upphört).")
    return 0


def _import(db: Database, args: argparse.Namespace) -> int:
    result = import_file(db, Path(args.file), passphrase=passphrase_from_user(), trust=args.trust)
    if result.status != "imported":
        print(result.message)
        return 0
    s = result.summary
    print(
        f"Inläst: {s.new} nya, {s.updated} uppdaterade, {s.known} redan kända, "
        f"{s.conflicts} konflikter, {s.duplicates} möjliga dubbletter, {s.purged} borttagna."
    )
    for line in result.removal_lines():
        print(line)
    for warning in s.warnings:
        print(f"Varning: {warning}")
    for refused in s.refused:
        print(f"Avvisat: {refused}", file=sys.stderr)
    return EXIT_REFUSED_CHANGES if s.refused else 0


def _conflicts(db: Database) -> int:
    conflicts = list_conflicts(db)
    if not conflicts:
        print("Inga olösta konflikter.")
        return 0
    for view in conflicts:
        print(f"{view.record} · {view.field_label}")
        for index, value in enumerate(view.values):
            marker = "visas" if index == 0 else "      "
            print(f"  {marker}  {value.shown}  ({value.when}, {value.where})")
    print(f"{len(conflicts)} konflikter. Lös dem i programmet under Synk.")
    return 0
