"""Command-line backup, restore and audit-log export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ungtui.cli.common import Refused, add_replace_option, on_database, on_path
from ungtui.cli.sync import passphrase_from_user


def add_commands(commands, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "backup", parents=[common], help="gör en säkerhetskopia (går bra medan programmet är öppet)"
    )
    backup.add_argument("--out", required=True, metavar="FILE", help="fil eller mapp att skriva")
    backup.add_argument("--encrypt", action="store_true", help="kryptera med teamets lösenfras")
    add_replace_option(backup)
    on_path(backup, _backup)
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="ersätt databasen med en säkerhetskopia (den gamla sparas bredvid)",
    )
    restore.add_argument("file", metavar="FILE", help="säkerhetskopian")
    on_path(restore, _restore)
    log = commands.add_parser(
        "audit-log", parents=[common], help="skriv granskningsloggen som CSV (utan namn)"
    )
    log.add_argument("--out", metavar="FILE", help="fil att skriva (annars skärmen)")
    add_replace_option(log)
    on_database(log, _audit_log)
    extract = commands.add_parser(
        "extract", parents=[common], help="registerutdrag: allt som finns om en person"
    )
    extract.add_argument(
        "--person", required=True, metavar="NR_ELLER_ID", help="personnummer eller post-id"
    )
    extract.add_argument("--format", choices=("md", "json"), default="md")
    extract.add_argument("--out", metavar="FILE", help="fil att skriva (annars skärmen)")
    add_replace_option(extract)
    on_database(extract, _extract)


# backup and restore work on the file itself, without opening it as the app does.


def _backup(args: argparse.Namespace, path: Path) -> int:
    from ungtui.services.privacy.backup import backup

    if not path.exists():
        raise Refused(f"Databasen {path} finns inte.")
    passphrase = passphrase_from_user() if args.encrypt else None
    result = backup(path, Path(args.out), passphrase=passphrase, replace=args.replace)
    kind = "Krypterad säkerhetskopia" if result.encrypted else "Säkerhetskopia"
    print(f"{kind} skriven: {result.path} ({result.size // 1024} kB).")
    return 0


def _restore(args: argparse.Namespace, path: Path) -> int:
    from ungtui.services.privacy.backup import is_encrypted, restore

    source = Path(args.file)
    passphrase = passphrase_from_user() if source.exists() and is_encrypted(source) else None
    result = restore(source, path, passphrase=passphrase)
    print(f"Databasen {path} är återställd från {result.restored_from}.")
    if result.old_database_kept_as:
        print(f"Den tidigare databasen finns kvar som {result.old_database_kept_as}.")
    return 0


def _audit_log(args: argparse.Namespace, db) -> int:
    from ungtui.services.audit import as_csv

    return _write(args, as_csv(db))


def _extract(args: argparse.Namespace, db) -> int:
    from ungtui.services.audit import install_user
    from ungtui.services.privacy.extract import as_json, as_markdown, build_extract, find_person

    person = find_person(db, args.person)
    with db.engine.connect() as conn:
        actor = install_user(conn)
    extract = build_extract(db, person, actor_id=actor)
    return _write(args, as_json(extract) if args.format == "json" else as_markdown(extract))


def _write(args: argparse.Namespace, text: str) -> int:
    from ungtui.services.private_files import write_private_text

    if not args.out:
        sys.stdout.write(text)
        return 0
    write_private_text(Path(args.out), text, replace=args.replace)
    print(f"Skrivet till {args.out}.")
    return 0
