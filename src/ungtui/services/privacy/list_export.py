"""Lists taken out of the app: CSV that Swedish Excel opens right (UTF-8 with BOM, ';',
CRLF) or .xlsx. Files are the user's own (0600, written by services.private_files),
identity numbers are masked unless the user chose otherwise, every person in a list goes
in the audit log as exported, in the same transaction that the file is written in, and
text that Excel would take for a formula is written as text.

A list is for someone: the user's own nämnd, or a receiver of another secrecy domain. For
a receiver, each column is of a kind of data (domain.data_categories) and a cell is
filled only where a consent from the user's nämnd to the receiver covers it for the
person (sync.sharing, the same plan a sync file follows); people it covers nothing for
are left out."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from ungtui.domain.data_categories import ARBETE, IDENTITET, KONTAKT, UTBILDNING
from ungtui.domain.disclosure import Holder
from ungtui.domain.fields import looks_like_formula, spreadsheet_text
from ungtui.domain.identity import mask_identity
from ungtui.domain.referral_states import STATES
from ungtui.domain.secrecy import describe
from ungtui.domain.vocabulary import GENDERS
from ungtui.services import audit, clock
from ungtui.services.errors import ServiceError
from ungtui.services.meetings.meeting_actions import ActionFilter, list_open_actions
from ungtui.services.people.individuals import IndividualFilter, list_individuals
from ungtui.services.people.organisations import CurrentUser
from ungtui.services.private_files import check_target as check_writable
from ungtui.services.private_files import private_file, write_private_text
from ungtui.services.referrals.referrals import VIEWS, list_referrals
from ungtui.services.sync.sync import is_own_domain, receiver_for
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Individual, MeetingAction
from ungtui.sync import sharing

LISTS: dict[str, str] = {
    "deltagare": "Deltagare",
    "atgarder": "Öppna åtgärder från möten",
    "remisser": "Remisser",
}
FORMATS: dict[str, str] = {".csv": "CSV (Excel, semikolon)", ".xlsx": "Excel-arbetsbok"}
PAGE = 1000

# Each column with the kinds of data it shows (all must be covered for a receiver). The
# target groups follow from age, first residence permit and school (KAA), so they show
# schooling too.
_I, _K, _U, _A = (IDENTITET,), (KONTAKT,), (UTBILDNING, ARBETE), (ARBETE,)
INDIVIDUAL_COLUMN_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Efternamn": _I,
    "Förnamn": _I,
    "Personnummer": _I,
    "Födelsedatum": _I,
    "Ålder": _I,
    "Kön": _I,
    "Telefon": _K,
    "E-post": _K,
    "Målgrupper": _U,
    "Handläggare": _A,
    "Status": _A,
    "Fas": _A,
    "Nästa datum": _A,
}
INDIVIDUAL_COLUMNS = list(INDIVIDUAL_COLUMN_CATEGORIES)
ACTION_COLUMN_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Senast": _A,
    "Försenad": _A,
    "Åtgärd": _A,
    "Ansvarig": _A,
    "Organisation": _A,
    "Person": _I,
    "Möte": _A,
}
ACTION_COLUMNS = list(ACTION_COLUMN_CATEGORIES)
REFERRAL_COLUMN_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Lista": _A,
    "Svara senast": _A,
    "Försenad": _A,
    "Läge": _A,
    "Person": _I,
    "Personnummer": _I,
    "Typ": _A,
    "Insats": _A,
    "Från": _A,
    "Till": _A,
    "Ändrad": _A,
}
REFERRAL_COLUMNS = list(REFERRAL_COLUMN_CATEGORIES)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def check_target(path: Path, *, replace: bool = False) -> Path:
    path = Path(path).expanduser()
    if path.suffix.lower() not in FORMATS:
        raise ServiceError("Filen måste sluta på .csv eller .xlsx.")
    return check_writable(path, replace=replace)


def csv_text(headers: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_text(_plain(v)) for v in row])
    return "\ufeff" + out.getvalue()


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def write_xlsx(
    path: Path, headers: list[str], rows: Iterable[list], title: str, *, replace: bool = False
) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            elif looks_like_formula(value):
                # A string cell (openpyxl made it a formula), shown with Excel's quote
                # prefix so that editing it does not turn it into one either.
                cell.data_type = "s"
                cell.quotePrefix = True
            cells.append(cell)
        sheet.append(cells)
    # Built in memory, then written: a disk that fills up fails our write, not openpyxl's
    # half-written zip (which would complain again when it is collected).
    buffer = io.BytesIO()
    workbook.save(buffer)
    with private_file(path, replace=replace) as handle:
        handle.write(buffer.getbuffer())


def _for_receiver(
    db: Database,
    receiver: Holder | None,
    columns: dict[str, tuple[str, ...]],
    rows: Iterator[tuple[str | None, list]],
) -> Iterator[tuple[str | None, list]]:
    """The rows as the receiver may have them: cells of kinds of data not covered for the
    person blanked, people covered for nothing left out, rows about no one kept."""
    if receiver is None:
        yield from rows
        return
    with db.engine.connect() as conn:
        plan = sharing.share_plan(conn, receiver, clock.today())
    if plan is None:  # the user's own nämnd: nothing is held back
        yield from rows
        return
    needs = [frozenset(categories) for categories in columns.values()]
    for person_id, row in rows:
        if person_id is None:
            yield person_id, row
            continue
        covered = plan.categories(person_id)
        if not covered:
            continue
        yield person_id, [
            value if need <= covered else "" for value, need in zip(row, needs, strict=True)
        ]


def _write(
    db: Database,
    user: CurrentUser | None,
    path: Path,
    headers: list[str],
    rows: Iterator[tuple[str | None, list]],
    *,
    title: str,
    detail: str,
    receiver: tuple[Holder, str] | None = None,
    columns: dict[str, tuple[str, ...]] | None = None,
    replace: bool = False,
) -> ExportResult:
    """Write the file and log each person in it; a failure leaves neither. `receiver`: the
    party the list is for and its name, when not the user's own nämnd."""
    path = check_target(path, replace=replace)
    people: dict[str, None] = {}
    cells: list[list] = []
    if receiver is not None:
        detail = f"{detail} till {receiver[1]}"
    for person_id, row in _for_receiver(
        db, receiver[0] if receiver else None, columns or {h: _A for h in headers}, rows
    ):
        if person_id:
            people[person_id] = None
        cells.append(row)
    kind = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    written = False
    try:
        with UnitOfWork(db, user.staff_id if user else None) as uow:
            uow.log_access("exporterade", [(pid, f"{detail} ({kind})") for pid in people])
            if kind == "csv":
                write_private_text(path, csv_text(headers, cells), replace=replace)
            else:
                write_xlsx(path, headers, cells, title, replace=replace)
            written = True
    except BaseException:
        if written:  # the log could not be saved: no file without its log entries
            path.unlink(missing_ok=True)
        raise
    return ExportResult(path, len(cells))


def _shown_identity(number: str | None, reserve: str | None, reveal: bool) -> str:
    if number:
        return number if reveal else mask_identity(number)
    return reserve or ""


# --- individuals ---------------------------------------------------------------------


def individual_rows(
    db: Database, user: CurrentUser | None, flt: IndividualFilter, reveal: bool
) -> Iterator[tuple[str, list]]:
    today = clock.today()
    offset = 0
    while True:
        page = list_individuals(
            db,
            flt,
            offset=offset,
            limit=PAGE,
            organisation_id=user.organisation_id if user else None,
            today=today,
        )
        if not page:
            return
        with db.session() as session:
            people = {
                p.id: p
                for p in session.exec(
                    select(Individual).where(col(Individual.id).in_([r.id for r in page]))
                )
            }
        for row in page:
            p = people[row.id]
            yield (
                row.id,
                [
                    p.last_name,
                    p.first_name,
                    _shown_identity(p.identity_number, p.reserve_id, reveal),
                    p.birth_date,
                    row.age,
                    GENDERS.get(p.gender, p.gender),
                    p.phone,
                    p.email,
                    row.groups,
                    row.caseworker,
                    row.status,
                    row.phase,
                    row.next_date,
                ],
            )
        offset += len(page)


def export_individuals(
    db: Database,
    user: CurrentUser | None,
    flt: IndividualFilter,
    path: Path,
    *,
    reveal: bool = False,
    replace: bool = False,
    receiver: tuple[Holder, str] | None = None,
) -> ExportResult:
    """The register as the list shows it with its current filter and sort."""
    detail = "deltagarlista" + (" med " + audit.REVEALED if reveal else "")
    return _write(
        db,
        user,
        path,
        INDIVIDUAL_COLUMNS,
        individual_rows(db, user, flt, reveal),
        title="Deltagare",
        detail=detail,
        replace=replace,
        receiver=receiver,
        columns=INDIVIDUAL_COLUMN_CATEGORIES,
    )


# --- open actions from meetings ------------------------------------------------------


def action_rows(db: Database, flt: ActionFilter) -> Iterator[tuple[str | None, list]]:
    today = clock.today()
    offset = 0
    while page := list_open_actions(db, flt, offset=offset, limit=PAGE):
        with db.session() as session:
            concerned = dict(
                session.exec(
                    select(MeetingAction.id, MeetingAction.individual_id).where(
                        col(MeetingAction.id).in_([a.id for a in page])
                    )
                ).all()
            )
        for a in page:
            yield (
                concerned.get(a.id),
                [
                    a.due_date,
                    "ja" if a.overdue(today) else "",
                    a.what,
                    a.responsible_name,
                    a.organisation_name,
                    a.person,  # initials and birth year, as the list shows them
                    a.meeting_label,
                ],
            )
        offset += len(page)


def export_open_actions(
    db: Database,
    user: CurrentUser | None,
    flt: ActionFilter,
    path: Path,
    *,
    receiver: tuple[Holder, str] | None = None,
    replace: bool = False,
) -> ExportResult:
    return _write(
        db,
        user,
        path,
        ACTION_COLUMNS,
        action_rows(db, flt),
        title="Öppna åtgärder",
        detail="lista med åtgärder från möten",
        replace=replace,
        receiver=receiver,
        columns=ACTION_COLUMN_CATEGORIES,
    )


# --- referrals -------------------------------------------------------------------------


def referral_rows(
    db: Database,
    user: CurrentUser,
    views: tuple[str, ...],
    reveal: bool,
    include_ended: bool,
    unit_id: str | None = None,
) -> Iterator[tuple[str, list]]:
    seen: set[str] = set()
    for view in views:
        offset = 0
        while page := list_referrals(
            db,
            view,
            organisation_id=user.organisation_id,
            unit_id=unit_id if view != "overdue" else None,
            own_unit_id=user.unit_id,
            include_ended=include_ended,
            offset=offset,
            limit=PAGE,
        ):
            with db.session() as session:
                numbers = {
                    pid: (number, reserve)
                    for pid, number, reserve in session.exec(
                        select(
                            Individual.id, Individual.identity_number, Individual.reserve_id
                        ).where(col(Individual.id).in_({r.individual_id for r in page}))
                    ).all()
                }
            for r in page:
                if r.id in seen:
                    continue
                seen.add(r.id)
                number, reserve = numbers.get(r.individual_id, (None, None))
                yield (
                    r.individual_id,
                    [
                        VIEWS[view],
                        r.reply_by,
                        "ja" if r.overdue else "",
                        STATES.get(r.state, r.state),
                        r.person,
                        _shown_identity(number, reserve, reveal),
                        r.kind,
                        r.measure,
                        r.from_label,
                        r.to_label,
                        r.changed_on,
                    ],
                )
            offset += len(page)


def export_referrals(
    db: Database,
    user: CurrentUser,
    path: Path,
    *,
    views: tuple[str, ...] = ("inbox", "sent"),
    reveal: bool = False,
    include_ended: bool = False,
    unit_id: str | None = None,
    replace: bool = False,
    receiver: tuple[Holder, str] | None = None,
) -> ExportResult:
    """The referral views as their lists show them; a referral in two views comes once."""
    detail = "remisslista" + (" med " + audit.REVEALED if reveal else "")
    return _write(
        db,
        user,
        path,
        REFERRAL_COLUMNS,
        referral_rows(db, user, views, reveal, include_ended, unit_id),
        title="Remisser",
        detail=detail,
        replace=replace,
        receiver=receiver,
        columns=REFERRAL_COLUMN_CATEGORIES,
    )


def list_receiver(
    db: Database, organisation_id: str, domain: str | None = None
) -> tuple[Holder, str] | None:
    """The party a list is for, with its name for the audit log; None for one's own
    nämnd, where nothing is held back."""
    with db.engine.connect() as conn:
        receiver = receiver_for(conn, organisation_id, domain)
        row = conn.exec_driver_sql(
            "SELECT name, kind FROM organisation WHERE id = ?", (organisation_id,)
        ).first()
        if receiver is None or row is None:
            raise ServiceError("Organisationen finns inte i registret.")
        if is_own_domain(conn, receiver):
            return None
    return receiver, describe(row[0], receiver.domain, row[1])
