"""`ungtui process …`: the quick answer without opening the app, and Markdown in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ungtui.cli_common import add_replace_option, fail, whole_number, write_trusted
from ungtui.domain.fields import escape_for_terminal
from ungtui.services.errors import NotFound, ServiceError
from ungtui.store.database import Database

BAD_INPUT = 2


def add_process_parser(commands, common: argparse.ArgumentParser) -> None:
    process = commands.add_parser(
        "process", parents=[common], help="sök, exportera och läs in arbetsprocesser"
    )
    sub = process.add_subparsers(dest="process_command", metavar="KOMMANDO", required=True)
    find = sub.add_parser(
        "search", parents=[common], help="skriv ut de bästa träffarna för några ord"
    )
    find.add_argument("query", nargs="+", metavar="ORD", help="sökord; å, ä, ö behövs inte")
    find.add_argument(
        "--limit", type=whole_number, default=5, metavar="N", help="antal träffar (5)"
    )
    out = sub.add_parser("export", parents=[common], help="skriv en process som Markdown")
    out.add_argument("process", metavar="PROCESS", help="processens id eller exakta titel")
    out.add_argument("--out", metavar="FILE", help="fil att skriva till (annars skärmen)")
    add_replace_option(out)
    into = sub.add_parser("import", parents=[common], help="läs in en process från en Markdown-fil")
    into.add_argument("file", metavar="FILE", help="Markdown-filen")
    sub.add_parser(
        "load",
        parents=[common],
        help="läs in startinnehållet: överenskommelser och arbetsprocesser",
    )


def _fail(message: str, code: int = BAD_INPUT) -> int:
    return fail(message, code)


def _marked(snippet: str) -> str:
    from ungtui.store.process_search import MARK_END, MARK_START

    # The snippet is the process's own text: its control characters are escaped before
    # the marks become the program's own highlighting.
    pieces = snippet.replace(MARK_END, MARK_START).split(MARK_START)
    parts = [escape_for_terminal(piece) for piece in pieces]
    bold = sys.stdout.isatty()
    return "".join(
        part if index % 2 == 0 else (f"\x1b[1m{part}\x1b[0m" if bold else f"*{part}*")
        for index, part in enumerate(parts)
    )


def run_process_command(db: Database, args: argparse.Namespace) -> int:
    # Imported here: `ungtui` alone opens the app, which must not wait for these.
    from ungtui.services.organisations import current_user
    from ungtui.services.private_files import write_private_text
    from ungtui.services.processes import (
        ImportRefused,
        export_process,
        find_process,
        import_process,
        search,
    )
    from ungtui.services.starting_content import load_starting_content
    from ungtui.store.process_search import ProcessQuery

    user = current_user(db)
    actor = user.staff_id if user else None
    try:
        if args.process_command == "search":
            if args.limit < 1:
                return _fail("Antalet träffar måste vara minst 1.")
            rows = search(db, ProcessQuery(" ".join(args.query)), limit=args.limit)
            if not rows:
                print("Inga arbetsprocesser matchar.")
            for row in rows:
                print(f"{row.title} — {row.status}")
                snippet = row.snippet if len(row.snippet) <= 160 else row.snippet[:159] + "…"
                write_trusted(f"  {_marked(snippet)}\n")
            return 0
        if args.process_command == "export":
            text = export_process(db, find_process(db, args.process))
            if args.out:
                write_private_text(Path(args.out), text, replace=args.replace)
                print(f"Skrev {args.out}.")
            else:
                sys.stdout.write(text)
            return 0
        if args.process_command == "import":
            try:
                text = Path(args.file).read_text(encoding="utf-8")
            except OSError as exc:
                return _fail(f"Filen {args.file} kunde inte läsas: {exc.strerror}.")
            except UnicodeDecodeError:
                return _fail(f"Filen {args.file} är inte text i UTF-8. Spara den som UTF-8.")
            result = import_process(db, text, actor_id=actor)
            if result.created:
                print("Arbetsprocessen är inläst som ny.")
            elif result.changed:
                print("Arbetsprocessen är uppdaterad; den tidigare texten finns kvar som version.")
            else:
                print("Inget var ändrat; arbetsprocessen är som förut.")
            return 0
        summary = load_starting_content(db, actor_id=actor)
        print(
            f"Läste in {summary.agreements} överenskommelser och {summary.processes} "
            "arbetsprocesser."
        )
        return 0
    except (ImportRefused, NotFound) as exc:
        return _fail(str(exc))
    except ServiceError as exc:
        return _fail(str(exc), 1)
