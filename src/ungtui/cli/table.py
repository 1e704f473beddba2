"""`ungtui import-table`: bring a spreadsheet list of people in; `ungtui export-table`:
take a list out as CSV or xlsx."""

from __future__ import annotations

import argparse
from pathlib import Path

from ungtui.cli.common import Refused, UsageError, add_replace_option, on_database


def add_commands(commands, common: argparse.ArgumentParser) -> None:
    imp = commands.add_parser(
        "import-table",
        parents=[common],
        help="läs in en lista med personer från .csv eller .xlsx",
        description="Läser en lista med personer (CSV från Excel eller .xlsx), gissar vilken "
        "kolumn som är vad, kontrollerar varje rad och läser in de godkända i ett svep.",
    )
    imp.add_argument("file", metavar="FILE", help="listan (.csv eller .xlsx)")
    imp.add_argument("--sheet", metavar="NAME", help="bladet i en .xlsx (annars det första)")
    imp.add_argument(
        "--mapping",
        metavar="FILE",
        help='sparad mappning (JSON: {"kolumner": {"Pnr": "identity", ...}})',
    )
    imp.add_argument("--save-mapping", metavar="FILE", help="spara mappningen som användes")
    add_replace_option(imp)
    imp.add_argument(
        "--dry-run", action="store_true", help="bara kontrollera och visa rapporten; inget sparas"
    )
    imp.add_argument(
        "--update",
        action="store_true",
        help="uppdatera redan registrerade personer med uppgifterna i filen (annars hoppas "
        "de över)",
    )
    on_database(imp, _import)
    exp = commands.add_parser(
        "export-table",
        parents=[common],
        help="skriv en lista (deltagare, åtgärder, remisser) till .csv eller .xlsx",
    )
    exp.add_argument(
        "list_name",
        metavar="LISTA",
        help="deltagare, atgarder (öppna åtgärder från möten) eller remisser",
    )
    exp.add_argument("--out", required=True, metavar="FILE", help="fil att skriva (.csv/.xlsx)")
    exp.add_argument(
        "--hela-nummer",
        dest="reveal",
        action="store_true",
        help="skriv hela personnumret (annars döljs de fyra sista siffrorna)",
    )
    exp.add_argument(
        "--alla", dest="all", action="store_true", help="deltagare: även vilande och avslutade"
    )
    add_replace_option(exp)
    exp.add_argument(
        "--for",
        dest="for_org",
        metavar="ORG",
        help="listan är till en annan part: bara det samtycken täcker för den kommer med "
        "(utan: för eget bruk i din nämnd)",
    )
    exp.add_argument("--namnd", dest="domain", metavar="NÄMND", help="mottagande nämnd i en kommun")
    on_database(exp, _export)


def _user(db):
    from ungtui.services.people.organisations import current_user

    user = current_user(db)
    if user is None:
        raise Refused(
            "Databasen har ingen användare än. Öppna programmet en gång och ange vem du är."
        )
    return user


def _import(args: argparse.Namespace, db) -> int:
    from ungtui.domain.table_import import FIELDS, guess_mapping
    from ungtui.services.people.table_files import read_table
    from ungtui.services.people.table_import import (
        apply_import,
        load_mapping_file,
        mapping_json,
        plan_import,
        remembered_mapping,
        report_lines,
    )
    from ungtui.services.private_files import write_private_text

    user = _user(db)
    table = read_table(Path(args.file), args.sheet)
    if args.mapping:
        mapping = load_mapping_file(Path(args.mapping), table.headers)
    else:
        mapping = remembered_mapping(db, table.headers) or guess_mapping(table.headers)
    where = f"blad {table.sheet}" if table.sheet else f"{table.encoding}, ”{table.separator}”"
    print(f"Rubrikrad: rad {table.header_row} ({where}). Kolumner:")
    for header, name in zip(table.headers, mapping, strict=True):
        print(f"  {header or '(utan rubrik)'} → {FIELDS[name] if name else 'används inte'}")
    plan = plan_import(
        db,
        table,
        mapping,
        organisation_id=user.organisation_id,
        on_match="update" if args.update else "skip",
    )
    if args.save_mapping:
        write_private_text(
            Path(args.save_mapping), mapping_json(table.headers, mapping), replace=args.replace
        )
    if args.dry_run:
        print("\n".join(["", "Kontroll (inget sparas):", *report_lines(plan)]))
        return 0
    apply_import(db, plan, actor_id=user.staff_id, organisation_id=user.organisation_id)
    print("\n".join(["", "Inläst:", *report_lines(plan, applied=True)]))
    return 0


def _export(args: argparse.Namespace, db) -> int:
    from ungtui.cli.sync import receiver_domain
    from ungtui.domain.text import plural
    from ungtui.services.meetings.meeting_actions import ActionFilter
    from ungtui.services.people.individuals import IndividualFilter
    from ungtui.services.people.organisations import find_organisation
    from ungtui.services.privacy.list_export import (
        LISTS,
        export_individuals,
        export_open_actions,
        export_referrals,
        list_receiver,
    )

    user = _user(db)
    if args.list_name not in LISTS:
        raise UsageError(f"Okänd lista ”{args.list_name}”; välj {', '.join(LISTS)}.")
    out = Path(args.out)
    receiver = None
    if args.for_org:
        org = find_organisation(db, args.for_org).id
        receiver = list_receiver(db, org, receiver_domain(db, org, args.domain))
    if args.list_name == "deltagare":
        flt = IndividualFilter(status=None if args.all else "aktiv")
        result = export_individuals(
            db, user, flt, out, reveal=args.reveal, receiver=receiver, replace=args.replace
        )
    elif args.list_name == "atgarder":
        result = export_open_actions(
            db, user, ActionFilter(), out, receiver=receiver, replace=args.replace
        )
    else:
        result = export_referrals(
            db, user, out, reveal=args.reveal, receiver=receiver, replace=args.replace
        )
    print(f"Skrev {plural(result.rows, 'rad', 'rader')} till {result.path}.")
    return 0
