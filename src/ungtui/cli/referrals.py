"""`ungtui referral`: the referral lists as text, and the default time to answer."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from ungtui.cli.common import Refused, UsageError, on_database

ACTIONS = ("list", "days")
PAGE = 500
USAGE = "Skriv: ungtui referral list [--overdue], eller ungtui referral days [ANTAL]."


def add_commands(commands, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "referral",
        parents=[common],
        help="remisser: list skriver inkorg, skickade och försenade; days visar eller "
        "ändrar svarsfristen",
    )
    parser.add_argument("action", nargs="?", metavar="list|days", help="vad som ska göras")
    parser.add_argument("value", nargs="?", metavar="ANTAL", help="arbetsdagar (för days)")
    parser.add_argument(
        "--overdue", action="store_true", help="bara remisser som väntar på svar efter svarsdagen"
    )
    parser.add_argument(
        "--all", action="store_true", help="även avslutade, avböjda och återkallade"
    )
    on_database(parser, _run)


def _run(args: argparse.Namespace, db) -> int:
    if args.action not in ACTIONS:
        what = f"Okänt remisskommando: {args.action}." if args.action else "Ange vad du vill göra."
        raise UsageError(f"{what} {USAGE}")
    if args.action == "days":
        return _days(db, args.value)
    if args.value is not None:
        raise UsageError(f"list tar inget värde ({args.value}). {USAGE}")
    return _list(db, overdue_only=args.overdue, include_ended=args.all)


def _days(db, value: str | None) -> int:
    from ungtui.services.errors import ValidationError
    from ungtui.services.referrals.referrals import reply_working_days, set_reply_working_days

    if value is None:
        print(f"Svara senast sätts till {reply_working_days(db)} arbetsdagar efter i dag.")
        return 0
    try:
        days = set_reply_working_days(db, value)
    except ValidationError as error:
        # Its range is fixed: a wrong value is a wrong command line, as for any flag.
        raise UsageError(str(error)) from None
    print(f"Nya remisser får svara senast {days} arbetsdagar efter i dag.")
    return 0


def _rows(db, view: str, user, include_ended: bool) -> Iterator:
    from ungtui.services.referrals.referrals import list_referrals

    offset = 0
    while True:
        page = list_referrals(
            db,
            view,
            organisation_id=user.organisation_id,
            own_unit_id=user.unit_id,
            include_ended=include_ended,
            offset=offset,
            limit=PAGE,
        )
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def line(row) -> str:
    """One referral as a line; overdue ones are marked in words, not only in colour."""
    marker = "FÖRSENAD" if row.overdue else ""
    return (
        f"{marker:<9}{row.reply_by.isoformat()}  {row.state_label:<11} {row.person[:26]:<26}  "
        f"{row.kind}: {row.measure}  ({row.from_label} → {row.to_label})"
    )


def _list(db, *, overdue_only: bool, include_ended: bool) -> int:
    from ungtui.services.people.organisations import current_user
    from ungtui.services.referrals.referrals import VIEWS, view_counts

    user = current_user(db)
    if user is None:
        raise Refused(
            "Databasen har ingen användare än. Öppna programmet en gång och ange vem "
            "du är; remisslistorna visas för din enhet."
        )
    counts = view_counts(db, user.organisation_id, own_unit_id=user.unit_id)
    print(
        # The lists are the unit's, as on the screen: another unit's referrals are its own.
        f"Remisser för {user.organisation_name}, {user.unit_name}: {counts.overdue} försenade, "
        f"{counts.inbox} i inkorgen ({counts.inbox_new} nya), {counts.sent} skickade."
    )
    views = ("overdue",) if overdue_only else ("overdue", "inbox", "sent")
    for view in views:
        print()
        print(f"{VIEWS[view]}:")
        print(f"{'':<9}{'Svara senast':<12}  {'Läge':<11} {'Person':<26}  Remiss")
        found = False
        for row in _rows(db, view, user, include_ended):
            found = True
            print(line(row))
        if not found:
            print("  (inga)")
    return 0
