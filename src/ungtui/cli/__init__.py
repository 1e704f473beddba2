"""Command line: `ungtui` opens the app; sub-commands work on a database without it.

One module per command group (database, sync, privacy, referrals, process, meetings,
table, report) adds its sub-commands to the parser and names the function that runs each.
Building the parser imports only argparse and these modules: each one's services, the
database layer, sync, openpyxl and cryptography are imported inside the function that
runs its command, so `ungtui` starts the app, and `ungtui --help` answers, without loading
what other commands need (tests/test_cli_package.py holds this).

Whatever goes wrong ends in one place, main(): one Swedish line on stderr and the exit
code of its kind (common.EXIT_*), never a traceback (unless UNGTUI_DEBUG is set).
"""

from __future__ import annotations

import argparse
import os
import sys

from ungtui import __version__
from ungtui.cli import database, meetings, privacy, process, referrals, report, sync, table
from ungtui.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_REFUSED,
    EXIT_TRUST,
    CommandError,
    SwedishArgumentParser,
    debugging,
    escaped_output,
    fail,
    opened,
    refuse_existing_out,
)
from ungtui.config import DB_ENV, default_db_path, resolve_db_path

# The order of the groups is the order `ungtui --help` lists the commands in.
GROUPS = (database, sync, privacy, referrals, process, meetings, table, report)

# Errors of the layers below that end a command, and their exit codes; the first match
# wins, so a subclass comes before its base. Looked up in sys.modules, not imported: a
# class whose module was never loaded cannot have been raised, and importing it here
# would load the heavy layers for every command.
LIBRARY_ERRORS = (
    ("ungtui.services.sync.sync_files", "SenderNotTrusted", EXIT_TRUST),
    ("ungtui.services.errors", "ServiceError", EXIT_REFUSED),
    ("ungtui.sync.fileformat", "SyncFileError", EXIT_REFUSED),
    ("ungtui.store.database", "StoreError", EXIT_REFUSED),
)


def _db_option(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help=f"databasfil (annars ${DB_ENV}, annars {default_db_path()})",
    )


def build_parser() -> argparse.ArgumentParser:
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
    # Without a command: the app, which makes the database on first use.
    parser.set_defaults(run=database.open_app, opens="create")
    commands = parser.add_subparsers(dest="command", metavar="KOMMANDO")
    for group in GROUPS:
        group.add_commands(commands, common)
    return parser


def exit_code(error: BaseException) -> int | None:
    """The exit code for an error a command stops with; None for one nobody foresaw."""
    if isinstance(error, CommandError):
        return error.code
    for module_name, class_name, code in LIBRARY_ERRORS:
        module = sys.modules.get(module_name)
        kind = getattr(module, class_name, None) if module else None
        if kind is not None and isinstance(error, kind):
            return code
    return None


def main(argv: list[str] | None = None) -> int:
    """Every command's output is escaped (cli.common), and whatever goes wrong ends in one
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
            code = exit_code(error)
            if code is None:
                if debugging():
                    raise
                return fail(
                    f"Ett oväntat fel inträffade ({type(error).__name__}); kommandot avbröts. "
                    "Kör det igen med UNGTUI_DEBUG=1 för att se detaljerna."
                )
            fail(str(error), code)
            if hint := getattr(error, "hint", None):
                print(hint, file=sys.stderr)
            return code


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    refuse_existing_out(args)
    path = resolve_db_path(args.db)
    if args.opens is None:
        return args.run(args, path)
    with opened(path, create=args.opens == "create") as db:
        return args.run(args, db)
