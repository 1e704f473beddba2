"""Command line: `ungtui` opens the app; sub-commands work on a database without it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ungtui import __version__
from ungtui.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    SwedishArgumentParser,
    add_replace_option,
    debugging,
    escaped_output,
    fail,
    refuse_existing_out,
    unescaped_output,
    whole_number,
)
from ungtui.cli.meetings import add_meeting_commands, run_meeting_command
from ungtui.cli.process import add_process_parser
from ungtui.cli.referrals import add_referral_parser
from ungtui.cli.report import add_report_parser
from ungtui.cli.table import COMMANDS as TABLE_COMMANDS
from ungtui.cli.table import add_table_commands, run_table_command
from ungtui.config import DB_ENV, default_db_path, resolve_db_path
from ungtui.store.database import StoreError, open_database

# More fictional people than any register holds: a mistyped number stops here, not after
# hours of work and gigabytes of disk.
DEMO_MAX = 1_000_000


def _db_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help=f"databasfil (annars ${DB_ENV}, annars {default_db_path()})",
    )


def _parser() -> argparse.ArgumentParser:
    # --db may come before or after the sub-command; after it, it must not reset the
    # value given before it, hence SUPPRESS.
    common = SwedishArgumentParser(add_help=False)
    _db_option(common, argparse.SUPPRESS)
    parser = SwedishArgumentParser(
        prog="ungtui",
        description="Samverkan kring unga och nyanlända: register, samtycken och möten "
        "för kommun och Arbetsförmedlingen. Utan kommando öppnas programmet.",
    )
    _db_option(parser, None)
    parser.add_argument(
        "--version", action="version", version=f"ungtui {__version__}", help="visa versionen"
    )
    commands = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    commands.add_parser("open", parents=[common], help="öppna programmet (standard)")
    demo = commands.add_parser(
        "demo", parents=[common], help="fyll en databas med påhittade exempeldata"
    )
    demo.add_argument(
        "--individuals",
        type=whole_number,
        default=300,
        metavar="N",
        help=f"antal personer (högst {DEMO_MAX:,})".replace(",", " "),
    )
    demo.add_argument("--seed", type=whole_number, default=1, metavar="S", help="slumpfrö")
    dump = commands.add_parser("dump", parents=[common], help="skriv alla poster som kanonisk JSON")
    dump.add_argument("--out", metavar="FILE", help="fil att skriva till (annars skärmen)")
    add_replace_option(dump)
    dump.add_argument(
        "--med-kansliga",
        dest="sensitive",
        action="store_true",
        help="ta med känsliga uppgifter (hälsa, funktionsnedsättning), som annars utelämnas",
    )
    commands.add_parser("where", parents=[common], help="visa var databasen ligger")
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
    imp = commands.add_parser("import", parents=[common], help="läs in en synkfil")
    imp.add_argument("file", metavar="FILE", help="synkfilen")
    imp.add_argument(
        "--trust",
        metavar="FINGERAVTRYCK",
        help="godkänn en ny avsändare vars fingeravtryck du har jämfört per telefon",
    )
    commands.add_parser("conflicts", parents=[common], help="lista olösta synkkonflikter")
    from ungtui.cli.privacy import add_commands as add_privacy_commands

    add_privacy_commands(commands, common)
    add_referral_parser(commands, common)
    add_process_parser(commands, common)
    add_meeting_commands(commands, common)
    add_table_commands(commands, common)
    add_report_parser(commands, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Every command's output is escaped (cli_common), and whatever goes wrong ends in one
    Swedish line and a non-zero exit code, never a traceback (unless UNGTUI_DEBUG is set)."""
    with escaped_output():
        try:
            return _main(argv)
        except KeyboardInterrupt:
            return fail("Avbrutet.", EXIT_INTERRUPTED)
        except BrokenPipeError:
            # Piped into `head`, which stopped reading: not an error for the user.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            return 0
        except Exception as error:
            if debugging():
                raise
            return fail(
                f"Ett oväntat fel inträffade ({type(error).__name__}); kommandot avbröts. "
                "Kör det igen med UNGTUI_DEBUG=1 för att se detaljerna."
            )


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if refusal := refuse_existing_out(args):
        return fail(refusal, EXIT_USAGE)
    path = resolve_db_path(args.db)
    if args.command == "where":
        print(path)
        return 0
    if args.command == "demo":
        return _demo(path, args.individuals, args.seed)
    if args.command in ("backup", "restore"):
        from ungtui.cli.privacy import run_before_open

        return run_before_open(path, args)
    if args.command == "import" and not Path(args.file).is_file():
        # Before the database: a mistyped file name must not leave a new empty one behind.
        return fail(f"Filen {args.file} finns inte. Ingen databas har skapats eller ändrats.")
    try:
        # An import may start a new install from a colleague's full export.
        db = open_database(path, create=args.command in (None, "open", "import"))
    except StoreError as exc:
        return fail(str(exc))
    try:
        if args.command == "dump":
            return _dump(db, args.out, args.sensitive, args.replace)
        if args.command in ("audit-log", "extract"):
            from ungtui.cli.privacy import run_after_open

            return run_after_open(db, args)
        if args.command in ("export", "import", "conflicts"):
            from ungtui.cli.sync import run_sync_command

            return run_sync_command(db, args)
        if args.command == "referral":
            from ungtui.cli.referrals import run_referral_command

            return run_referral_command(db, args)
        if args.command == "process":
            from ungtui.cli.process import run_process_command

            return run_process_command(db, args)
        if args.command == "meeting":
            return run_meeting_command(db, args)
        if args.command in TABLE_COMMANDS:
            return run_table_command(db, args)
        if args.command == "report":
            from ungtui.cli.report import run_report_command

            return run_report_command(db, args)
        from ungtui.tui.app import UngApp

        with unescaped_output():  # the app draws with escape sequences of its own
            UngApp(db).run()
        return 0
    finally:
        db.close()


def _demo(path: Path, individuals: int, seed: int) -> int:
    from ungtui.services.demo import fill_demo

    if individuals < 0:
        return fail("Antalet personer kan inte vara negativt.")
    if individuals > DEMO_MAX:
        return fail(
            f"Högst {DEMO_MAX:,} påhittade personer; välj ett mindre antal.".replace(",", " ")
        )
    if path.exists():
        return fail(
            f"{path} finns redan. Exempeldata skrivs bara till en ny fil, så att inga "
            "riktiga uppgifter blandas med påhittade."
        )
    try:
        db = open_database(path)
    except StoreError as exc:
        return fail(str(exc))
    try:
        summary = fill_demo(db, individuals=individuals, seed=seed)
    finally:
        db.close()
    print(
        f"Skapade {summary.individuals} påhittade personer och {summary.consents} samtycken "
        f"i {path} på {summary.seconds:.1f} s."
    )
    return 0


def _dump(db, out: str | None, sensitive: bool = False, replace: bool = False) -> int:
    from ungtui.services.dump import dump_json
    from ungtui.services.errors import ServiceError
    from ungtui.services.private_files import write_private_text

    text = dump_json(db, include_sensitive=sensitive)
    if out:
        # Every record, personal data included: readable by the owner only.
        try:
            write_private_text(Path(out), text, replace=replace)
        except ServiceError as error:
            return fail(str(error))
    else:
        sys.stdout.write(text)
    return 0
