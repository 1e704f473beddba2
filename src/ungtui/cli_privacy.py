"""Command-line backup, restore and audit-log export."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ungtui.cli_sync import CommandError, passphrase_from_user
from ungtui.services.errors import ServiceError


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    backup = commands.add_parser(
        "backup", parents=[common], help="gör en säkerhetskopia (går bra medan programmet är öppet)"
    )
    backup.add_argument("--out", required=True, metavar="FILE", help="fil eller mapp att skriva")
    backup.add_argument("--encrypt", action="store_true", help="kryptera med teamets lösenfras")
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


COMMANDS = ("backup", "restore", "audit-log")


def run_before_open(path: Path, args: argparse.Namespace) -> int:
    """backup and restore work on the file itself, without opening it as the app does."""
    from ungtui.services.backup import backup, is_encrypted, restore

    try:
        if args.command == "backup":
            if not path.exists():
                raise CommandError(f"Databasen {path} finns inte.")
            passphrase = passphrase_from_user() if args.encrypt else None
            result = backup(path, Path(args.out), passphrase=passphrase)
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
        print(f"ungtui: {error}", file=sys.stderr)
        return 1


def run_audit_log(db, args: argparse.Namespace) -> int:
    from ungtui.services.audit import as_csv

    text = as_csv(db)
    if not args.out:
        sys.stdout.write(text)
        return 0
    try:
        fd = os.open(args.out, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    except OSError as error:
        print(f"ungtui: Filen kunde inte skrivas: {error.strerror}.", file=sys.stderr)
        return 1
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    print(f"Loggen skriven till {args.out}.")
    return 0
