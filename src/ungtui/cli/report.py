"""`ungtui report`: the follow-up for a period as CSV, Markdown or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ungtui.cli.common import Refused, UsageError, add_replace_option, on_database

FORMATS = ("csv", "md", "json")


def add_commands(commands, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "report",
        parents=[common],
        help="uppföljning för en period per kön och målgrupp (små tal visas som <5)",
    )
    parser.add_argument(
        "--period",
        required=True,
        metavar="P",
        help="2026, 2026H1, VT2026, HT2026, 2026Q3 eller 2026-01-01..2026-03-31",
    )
    parser.add_argument(
        "--agreement",
        metavar="A",
        help="överenskommelse (id eller en del av namnet): dess åldrar och mål",
    )
    parser.add_argument("--format", default="csv", metavar="csv|md|json", help="standard csv")
    parser.add_argument("--out", metavar="FILE", help="fil att skriva (annars skärmen)")
    add_replace_option(parser)
    on_database(parser, _run)


def _agreement_id(db, wanted: str) -> str:
    from ungtui.services.processes.agreements import list_agreements

    rows = list_agreements(db)
    folded = wanted.strip().casefold()
    exact = [r for r in rows if folded in (r.id, r.title.casefold())]
    found = exact or [r for r in rows if folded and folded in r.title.casefold()]
    if len(found) == 1:
        return found[0].id
    if not found:
        raise Refused(
            f"Ingen överenskommelse heter {wanted!r}. Ange id eller en del av namnet; "
            "överenskommelserna finns under F5 Arbetsprocesser."
        )
    names = "; ".join(r.title for r in found[:5])
    raise Refused(f"{wanted!r} passar flera överenskommelser: {names}. Skriv mer av namnet.")


def _run(args: argparse.Namespace, db) -> int:
    from ungtui.domain.periods import PeriodError, parse_period
    from ungtui.services.followup.report import build_report
    from ungtui.services.followup.report_export import render, write_report

    fmt = args.format.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"Okänt format {args.format!r}. Välj csv, md eller json.")
    try:
        period = parse_period(args.period)
    except PeriodError as error:
        # The form of a period, and the years it may cover, are fixed: a usage error.
        raise UsageError(str(error)) from None
    out = Path(args.out) if args.out else None
    if out is not None and not out.parent.is_dir():
        raise Refused(f"Mappen {out.parent} finns inte.")
    agreement = _agreement_id(db, args.agreement) if args.agreement else None
    report = build_report(db, period, agreement)
    if out is None:
        sys.stdout.write(render(report, fmt))
    else:
        write_report(report, fmt, out, replace=args.replace)
        print(f"Uppföljningen för {period.label} skrevs till {out}.", file=sys.stderr)
    return 0
