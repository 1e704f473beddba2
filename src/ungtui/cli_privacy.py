"""Command-line backup, restore and audit-log export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ungtui.cli_common import add_replace_option, fail
from ungtui.services.errors import ServiceError
from ungtui.services.private_files import write_private_text


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "backup", parents=[common], help="gör en säkerhetskopia (går bra medan programmet är öppet)"
    )
    backup.add_argument("--out", required=True, metavar="FILE", help="fil eller mapp att skriva")
    backup.add_argument("--encrypt", action="store_true", help="kryptera med teamets lösenfras")
    add_replace_option(backup)
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="ersätt databasen med en säkerhetskopia (den gamla sparas bredvid)",
    )
    restore.add_argument("file", metavar="FILE", help="säkerhetskopian")
    log = commands.add_parser(
        "audit-log", parents=[common], help="skriv granskningsloggen som CSV (utan namn)"
    )
    log.add_argument("--out", metavar="FILE", help="fil att skriva (annars skärmen)")
    add_replace_option(log)
    extract = commands.add_parser(
        "extract", parents=[common], help="registerutdrag: allt som finns om en person"
    )
    extract.add_argument(
        "--person", required=True, metavar="NR_ELLER_ID", help="personnummer eller post-id"
    )
    extract.add_argument("--format", choices=("md", "json"), default="md")
    extract.add_argument("--out", metavar="FILE", help="fil att skriva (annars skärmen)")
    add_replace_option(extract)


COMMANDS = ("backup", "restore", "audit-log", "extract")


def run_before_open(path: Path, args: argparse.Namespace) -> int:
    """backup and restore work on the file itself, without opening it as the app does."""
    # Here, not at the top: cli_sync brings the sync services, which `ungtui` alone (the
    # app) must not wait for.
    from ungtui.cli_sync import CommandError, passphrase_from_user
    from ungtui.services.backup import backup, is_encrypted, restore

    try:
        if args.command == "backup":
            if not path.exists():
                raise CommandError(f"Databasen {path} finns inte.")
            passphrase = passphrase_from_user() if args.encrypt else None
            result = backup(path, Path(args.out), passphrase=passphrase, replace=args.replace)
            kind = "Krypterad säkerhetskopia" if result.encrypted else "Säkerhetskopia"
            print(f"{kind} skriven: {result.path} ({result.size // 1024} kB).")
            return 0
        source = Path(args.file)
        passphrase = passphrase_from_user() if source.exists() and is_encrypted(source) else None
        result = restore(source, path, passphrase=passphrase)
        print(f"Databasen {path} är återställd från {result.restored_from}.")
        if result.old_database_kept_as:
            print(f"Den tidigare databasen finns kvar som {result.old_database_kept_as}.")
        return 0
    except (CommandError, ServiceError) as error:
        return fail(str(error))


def run_after_open(db, args: argparse.Namespace) -> int:
    from ungtui.services.audit import as_csv, install_user
    from ungtui.services.extract import as_json, as_markdown, build_extract, find_person

    try:
        if args.command == "audit-log":
            text = as_csv(db)
        else:
            person = find_person(db, args.person)
            with db.engine.connect() as conn:
                actor = install_user(conn)
            extract = build_extract(db, person, actor_id=actor)
            text = as_json(extract) if args.format == "json" else as_markdown(extract)
        if not args.out:
            sys.stdout.write(text)
            return 0
        write_private_text(Path(args.out), text, replace=args.replace)
    except ServiceError as error:
        return fail(str(error))
    print(f"Skrivet till {args.out}.")
    return 0
