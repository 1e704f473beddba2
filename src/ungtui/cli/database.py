"""`ungtui open`, `where`, `demo` and `dump`: the database itself."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ungtui.cli.common import (
    Refused,
    UsageError,
    add_replace_option,
    on_database,
    on_path,
    opened,
    unescaped_output,
    whole_number,
)

# More fictional people than any register holds: a mistyped number stops here, not after
# hours of work and gigabytes of disk.
DEMO_MAX = 1_000_000


def add_commands(commands, common: argparse.ArgumentParser) -> None:
    on_database(
        commands.add_parser("open", parents=[common], help="öppna programmet (standard)"),
        open_app,
        create=True,
    )
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
    on_path(demo, _demo)
    dump = commands.add_parser("dump", parents=[common], help="skriv alla poster som kanonisk JSON")
    dump.add_argument("--out", metavar="FILE", help="fil att skriva till (annars skärmen)")
    add_replace_option(dump)
    dump.add_argument(
        "--med-kansliga",
        dest="sensitive",
        action="store_true",
        help="ta med känsliga uppgifter (hälsa, funktionsnedsättning), som annars utelämnas",
    )
    on_database(dump, _dump)
    on_path(
        commands.add_parser("where", parents=[common], help="visa var databasen ligger"), _where
    )


def open_app(args: argparse.Namespace, db) -> int:
    from ungtui.tui.app import UngApp

    with unescaped_output():  # the app draws with escape sequences of its own
        UngApp(db).run()
    return 0


def _where(args: argparse.Namespace, path: Path) -> int:
    print(path)
    return 0


def _demo(args: argparse.Namespace, path: Path) -> int:
    if args.individuals < 0:
        raise UsageError("Antalet personer kan inte vara negativt.")
    if args.individuals > DEMO_MAX:
        raise UsageError(
            f"Högst {DEMO_MAX:,} påhittade personer; välj ett mindre antal.".replace(",", " ")
        )
    if path.exists():
        raise Refused(
            f"{path} finns redan. Exempeldata skrivs bara till en ny fil, så att inga "
            "riktiga uppgifter blandas med påhittade."
        )
    from ungtui.demo.fill import fill_demo

    with opened(path, create=True) as db:
        summary = fill_demo(db, individuals=args.individuals, seed=args.seed)
    print(
        f"Skapade {summary.individuals} påhittade personer och {summary.consents} samtycken "
        f"i {path} på {summary.seconds:.1f} s."
    )
    return 0


def _dump(args: argparse.Namespace, db) -> int:
    from ungtui.services.private_files import write_private_text
    from ungtui.services.sync.dump import dump_json

    text = dump_json(db, include_sensitive=args.sensitive)
    if args.out:
        # Every record, personal data included: readable by the owner only.
        write_private_text(Path(args.out), text, replace=args.replace)
    else:
        sys.stdout.write(text)
    return 0
