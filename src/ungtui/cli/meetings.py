"""`ungtui meeting list` and `ungtui meeting minutes`: meetings from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ungtui.cli.common import UsageError, add_replace_option, on_database, whole_number


def add_commands(commands, common: argparse.ArgumentParser) -> None:
    meeting = commands.add_parser("meeting", parents=[common], help="möten och protokoll")
    actions = meeting.add_subparsers(dest="meeting_command", metavar="ÅTGÄRD", required=True)
    listing = actions.add_parser("list", parents=[common], help="lista möten med id")
    listing.add_argument(
        "--when", default="alla", metavar="NÄR", help="kommande, tidigare eller alla (standard)"
    )
    listing.add_argument(
        "--limit", type=whole_number, default=100, metavar="N", help="högst N möten"
    )
    minutes = actions.add_parser("minutes", parents=[common], help="skriv ett mötes protokoll")
    minutes.add_argument("id", metavar="ID", help="mötets id (minst de sex första tecknen)")
    minutes.add_argument("--format", default="md", metavar="md|txt", help="Markdown eller text")
    minutes.add_argument("--out", metavar="FILE", help="fil att skriva (annars skärmen)")
    add_replace_option(minutes)
    on_database(meeting, _run)


def _run(args: argparse.Namespace, db) -> int:
    if args.meeting_command == "list":
        return _list(db, args.when, args.limit)
    return _minutes(db, args.id, args.format, args.out, args.replace)


def _list(db, when: str, limit: int) -> int:
    from ungtui.services.meetings.meetings import (
        WHEN_FILTERS,
        MeetingFilter,
        count_meetings,
        list_meetings,
    )

    if when not in WHEN_FILTERS:
        raise UsageError(f"--when {when} finns inte: välj kommande, tidigare eller alla.")
    if limit < 1:
        raise UsageError("--limit måste vara minst 1.")
    flt = MeetingFilter(when=when)
    total = count_meetings(db, flt)
    if not total:
        print("Inga möten.")
        return 0
    for row in list_meetings(db, flt, limit=limit):
        series = " (serie)" if row.in_series else ""
        items = "1 punkt" if row.items == 1 else f"{row.items} punkter"
        print(
            f"{row.id[:8]}  {row.starts:%Y-%m-%d %H:%M}  {row.kind:<20}  {row.title}{series}"
            f"  · {items}"
        )
    shown = min(total, limit)
    print(f"{shown} av {total} möten. Protokoll: ungtui meeting minutes ID")
    return 0


def _minutes(db, wanted: str, fmt: str, out: str | None, replace: bool) -> int:
    from ungtui.services.meetings.meetings import SHORTEST_ID, TOO_SHORT_ID, find_meeting_id
    from ungtui.services.meetings.minutes import FORMATS, build_minutes, write_minutes

    if fmt not in FORMATS:
        raise UsageError(f"Formatet {fmt} finns inte: välj md eller txt.")
    if len(wanted.strip()) < SHORTEST_ID:
        raise UsageError(TOO_SHORT_ID)  # how the command was written, not what is stored
    text = build_minutes(db, find_meeting_id(db, wanted), fmt)
    if out is None:
        sys.stdout.write(text)
        return 0
    path = write_minutes(Path(out), text, replace=replace)
    print(f"Protokollet är sparat i {path} (läsbart bara för dig).")
    return 0
