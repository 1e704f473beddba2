"""`ungtui process …`: the quick answer without opening the app, and Markdown in and out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ungtui.cli.common import (
    Refused,
    UsageError,
    add_replace_option,
    on_database,
    whole_number,
    write_trusted,
)
from ungtui.domain.fields import escape_for_terminal


def add_commands(commands, common: argparse.ArgumentParser) -> None:
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
    on_database(process, _run)


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


def _run(args: argparse.Namespace, db) -> int:
    from ungtui.services.people.organisations import current_user

    user = current_user(db)
    actor = user.staff_id if user else None
    if args.process_command == "search":
        return _search(db, args)
    if args.process_command == "export":
        return _export(db, args)
    if args.process_command == "import":
        return _import(db, args, actor)
    from ungtui.services.processes.starting_content import load_starting_content

    summary = load_starting_content(db, actor_id=actor)
    print(
        f"Läste in {summary.agreements} överenskommelser och {summary.processes} arbetsprocesser."
    )
    return 0


def _search(db, args: argparse.Namespace) -> int:
    from ungtui.services.processes.processes import search
    from ungtui.store.process_search import ProcessQuery

    if args.limit < 1:
        raise UsageError("Antalet träffar måste vara minst 1.")
    rows = search(db, ProcessQuery(" ".join(args.query)), limit=args.limit)
    if not rows:
        print("Inga arbetsprocesser matchar.")
    for row in rows:
        print(f"{row.title} — {row.status}")
        snippet = row.snippet if len(row.snippet) <= 160 else row.snippet[:159] + "…"
        write_trusted(f"  {_marked(snippet)}\n")
    return 0


def _export(db, args: argparse.Namespace) -> int:
    from ungtui.services.private_files import write_private_text
    from ungtui.services.processes.processes import export_process, find_process

    text = export_process(db, find_process(db, args.process))
    if args.out:
        write_private_text(Path(args.out), text, replace=args.replace)
        print(f"Skrev {args.out}.")
    else:
        sys.stdout.write(text)
    return 0


def _import(db, args: argparse.Namespace, actor: str | None) -> int:
    from ungtui.services.processes.processes import import_process

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise Refused(f"Filen {args.file} kunde inte läsas: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise Refused(f"Filen {args.file} är inte text i UTF-8. Spara den som UTF-8.") from None
    result = import_process(db, text, actor_id=actor)
    if result.created:
        print("Arbetsprocessen är inläst som ny.")
    elif result.changed:
        print("Arbetsprocessen är uppdaterad; den tidigare texten finns kvar som version.")
    else:
        print("Inget var ändrat; arbetsprocessen är som förut.")
    return 0
