"""The sync commands of the command line: export, import, conflicts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ungtui.cli.common import (
    EXIT_PARTLY_TAKEN_IN,
    NotTrusted,
    Refused,
    add_replace_option,
    on_database,
    on_path,
    opened,
)

PASSPHRASE_ENV = "UNGTUI_PASSPHRASE"


def add_commands(commands, common: argparse.ArgumentParser) -> None:
    export = commands.add_parser(
        "export", parents=[common], help="skriv en krypterad synkfil till en organisation"
    )
    export.add_argument(
        "--for",
        dest="for_org",
        required=True,
        metavar="ORG",
        help="mottagande organisation: namn, organisationsnummer eller id",
    )
    export.add_argument(
        "--namnd",
        dest="domain",
        metavar="NÄMND",
        help="mottagande nämnd i en kommun: socialtjanst, arbetsmarknad, skola_kaa, "
        "vuxenutbildning eller alla (utan: den enda nämnd som har skickat filer hit)",
    )
    export.add_argument("--out", required=True, metavar="FILE", help="fil eller mapp att skriva")
    export.add_argument("--full", action="store_true", help="allt, inte bara det nya")
    add_replace_option(export)
    on_database(export, _export)
    imp = commands.add_parser("import", parents=[common], help="läs in en synkfil")
    imp.add_argument("file", metavar="FILE", help="synkfilen")
    imp.add_argument(
        "--trust",
        metavar="FINGERAVTRYCK",
        help="godkänn en ny avsändare vars fingeravtryck du har jämfört per telefon",
    )
    on_path(imp, _import)
    on_database(
        commands.add_parser("conflicts", parents=[common], help="lista olösta synkkonflikter"),
        _conflicts,
    )


def passphrase_from_user() -> str:
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise Refused(f"Ingen lösenfras: sätt {PASSPHRASE_ENV} eller kör kommandot i en terminal.")
    return getpass.getpass("Teamets lösenfras: ")


def receiver_domain(db, organisation_id: str, wanted: str | None) -> str | None:
    """--namnd: a code or a name of a domain of the organisation; 'alla' is the whole
    kommun. Without it, the default of services.sync.sync_files.default_domain."""
    from ungtui.domain.secrecy import domain_label, domains_for_kind
    from ungtui.domain.text import fold
    from ungtui.services.people.organisations import list_organisations
    from ungtui.services.sync.sync_files import default_domain

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
    raise Refused(f"Okänd nämnd ”{wanted}”. Välj en av: {known} eller alla.")


def _export(args: argparse.Namespace, db) -> int:
    from ungtui.domain.text import plural
    from ungtui.services.people.organisations import find_organisation
    from ungtui.services.sync.sync_files import export_file, export_preview

    # A name, a number or an id; an ambiguous or unknown one is refused.
    org = find_organisation(db, args.for_org).id
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
        # With no consent in force, only what referrals and meetings carry goes (as the
        # Synk screen says it).
        why = (
            f"det gällande samtycken från er till {preview.receiver} omfattar"
            if preview.consents_in_force
            else f"inga gällande samtycken från er till {preview.receiver}; bara det som "
            "hör till remisser och möten"
        )
        print(
            f"Med: {plural(preview.people_included, 'person', 'personer')} ({why}). "
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


def _import(args: argparse.Namespace, path: Path) -> int:
    if not Path(args.file).is_file():
        # Before the database: a mistyped file name must not leave a new empty one behind.
        raise Refused(f"Filen {args.file} finns inte. Ingen databas har skapats eller ändrats.")
    # An import may start a new install from a colleague's full export.
    with opened(path, create=True) as db:
        return _import_into(db, args)


def _import_into(db, args: argparse.Namespace) -> int:
    from ungtui.services.sync.sync_files import UnknownSender, import_file

    try:
        result = import_file(
            db, Path(args.file), passphrase=passphrase_from_user(), trust=args.trust
        )
    except UnknownSender as error:
        raise NotTrusted(
            str(error),
            hint=f"Godkänn med: ungtui import --db {db.path} {args.file} "
            f'--trust "{error.fingerprint}"',
        ) from None
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
    return EXIT_PARTLY_TAKEN_IN if s.refused else 0


def _conflicts(args: argparse.Namespace, db) -> int:
    from ungtui.services.sync.conflicts import list_conflicts

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
