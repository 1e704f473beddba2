"""Lists taken out of the app: CSV that Swedish Excel opens right (UTF-8 with BOM, ';',
CRLF) or .xlsx. Files are the user's own (0600), identity numbers are masked unless the
user chose otherwise, and every person in a list goes in the audit log as exported, in
the same transaction that the file is written in."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from ungtui.domain.identity import mask_identity
from ungtui.domain.referral_states import STATES
from ungtui.domain.vocabulary import GENDERS
from ungtui.services import audit, clock
from ungtui.services.errors import ServiceError, os_reason
from ungtui.services.individuals import IndividualFilter, list_individuals
from ungtui.services.meeting_actions import ActionFilter, list_open_actions
from ungtui.services.organisations import CurrentUser
from ungtui.services.private_files import write_private_text
from ungtui.services.referrals import VIEWS, list_referrals
from ungtui.store.database import Database
from ungtui.store.models import Individual, MeetingAction

LISTS: dict[str, str] = {
    "deltagare": "Deltagare",
    "atgarder": "Öppna åtgärder från möten",
    "remisser": "Remisser",
}
FORMATS: dict[str, str] = {".csv": "CSV (Excel, semikolon)", ".xlsx": "Excel-arbetsbok"}
PAGE = 1000

INDIVIDUAL_COLUMNS = [
    "Efternamn",
    "Förnamn",
    "Personnummer",
    "Födelsedatum",
    "Ålder",
    "Kön",
    "Målgrupper",
    "Handläggare",
    "Status",
    "Fas",
    "Nästa datum",
]
ACTION_COLUMNS = ["Senast", "Försenad", "Åtgärd", "Ansvarig", "Organisation", "Person", "Möte"]
REFERRAL_COLUMNS = [
    "Lista",
    "Svara senast",
    "Försenad",
    "Läge",
    "Person",
    "Personnummer",
    "Typ",
    "Insats",
    "Från",
    "Till",
    "Ändrad",
]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def check_target(path: Path) -> Path:
    path = Path(path).expanduser()
    if path.suffix.lower() not in FORMATS:
        raise ServiceError("Filen måste sluta på .csv eller .xlsx.")
    if path.exists():
        raise ServiceError(f"Filen {path.name} finns redan; välj ett annat namn.")
    if not path.parent.is_dir():
        raise ServiceError(f"Mappen {path.parent} finns inte.")
    return path


def csv_text(headers: list[str], rows: Iterable[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _plain(v) for v in row])
    return "\ufeff" + out.getvalue()


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def write_xlsx(path: Path, headers: list[str], rows: Iterable[list], title: str) -> None:
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
            cells.append(cell)
        sheet.append(cells)
    try:
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    except OSError as error:
        raise ServiceError(f"Filen kunde inte skrivas: {os_reason(error)}.") from error
    with os.fdopen(fd, "wb") as handle:
        workbook.save(handle)


def _write(
    db: Database,
    user: CurrentUser | None,
    path: Path,
    headers: list[str],
    rows: Iterator[tuple[str | None, list]],
    *,
    title: str,
    detail: str,
) -> ExportResult:
    """Write the file and log each person in it; a failure leaves neither."""
    path = check_target(path)
    people: dict[str, None] = {}
    cells: list[list] = []
    for person_id, row in rows:
        if person_id:
            people[person_id] = None
        cells.append(row)
    kind = "csv" if path.suffix.lower() == ".csv" else "xlsx"
    with db.engine.begin() as conn:
        audit.write(
            conn,
            user.staff_id if user else None,
            "exporterade",
            [(pid, f"{detail} ({kind})") for pid in people],
        )
        try:
            if kind == "csv":
                write_private_text(path, csv_text(headers, cells))
            else:
                write_xlsx(path, headers, cells, title)
        except BaseException:
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
    db: Database, user: CurrentUser | None, flt: ActionFilter, path: Path
) -> ExportResult:
    return _write(
        db,
        user,
        path,
        ACTION_COLUMNS,
        action_rows(db, flt),
        title="Öppna åtgärder",
        detail="lista med åtgärder från möten",
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
    )
