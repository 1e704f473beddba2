"""Reading a spreadsheet list as it comes: CSV from a Swedish Excel (Windows-1252 or UTF-8
with BOM, ';' or ','), or an .xlsx workbook. Title rows above the header, blank rows and a
sum row at the bottom are left out; every kept row keeps the row number Excel shows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ungtui.domain.table_import import cell_text, guess_mapping, is_total_row
from ungtui.services.errors import ServiceError, os_reason

# The header is looked for among the first rows that have anything in them.
HEADER_SEARCH_ROWS = 15


@dataclass
class SheetTable:
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number in the file, cells)
    header_row: int
    encoding: str = ""  # CSV only
    separator: str = ""  # CSV only
    sheet: str = ""  # xlsx only
    blank_rows: int = 0
    total_rows: list[int] = field(default_factory=list)


def read_table(path: Path, sheet: str | None = None) -> SheetTable:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ServiceError(f"Filen {path.name} finns inte. Kontrollera sökvägen.")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet:
            raise ServiceError("En CSV-fil har inga blad; ta bort --sheet.")
        return _read_csv(path)
    if suffix == ".xls":
        raise ServiceError(
            "Det gamla Excel-formatet .xls kan inte läsas. Spara listan som .xlsx eller CSV."
        )
    raise ServiceError("Filen måste vara .csv eller .xlsx.")


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in. A BOM settles it; otherwise UTF-8 when the bytes
    are valid UTF-8, else Windows-1252 (what Swedish Excel writes as 'CSV')."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def guess_separator(text: str) -> str:
    """The character that splits the first lines into the same, largest number of fields."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    best, best_score = ";", (0, 0)
    for candidate in (";", "\t", ",", "|"):
        counts = [len(row) for row in csv.reader(lines, delimiter=candidate)]
        if not counts or max(counts) < 2:
            continue
        widest = max(counts)
        score = (sum(1 for c in counts if c == widest), widest)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_csv(path: Path) -> SheetTable:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ServiceError(f"Filen kunde inte läsas: {os_reason(error)}.") from error
    text, encoding = decode(data)
    separator = guess_separator(text)
    rows = [
        (number, list(cells))
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=separator), 1)
    ]
    table = _shape(rows)
    table.encoding, table.separator = encoding, separator
    return table


def sheet_names(path: Path) -> list[str]:
    workbook = _open_workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a damaged or foreign file: say so, never a traceback
        raise ServiceError(
            "Filen gick inte att läsa som en Excel-arbetsbok (.xlsx). Öppna den i Excel "
            "och spara den igen."
        ) from error


def _read_xlsx(path: Path, sheet: str | None) -> SheetTable:
    workbook = _open_workbook(path)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ServiceError(
                f"Bladet ”{sheet}” finns inte. Bladen heter: {', '.join(workbook.sheetnames)}."
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows = [
            (number, list(cells))
            for number, cells in enumerate(worksheet.iter_rows(values_only=True), 1)
        ]
        title = worksheet.title
    finally:
        workbook.close()
    table = _shape(rows)
    table.sheet = title
    return table


def _filled(cells: list[object]) -> int:
    return sum(1 for c in cells if cell_text(c))


def _header_index(rows: list[tuple[int, list[object]]]) -> int:
    """The row that names most known columns; merged title rows above it (one filled cell)
    lose. With no known names at all, the first row with two or more filled cells."""
    candidates = [i for i, (_n, cells) in enumerate(rows) if _filled(cells)][:HEADER_SEARCH_ROWS]
    best, best_known = None, 0
    for index in candidates:
        cells = rows[index][1]
        known = sum(1 for m in guess_mapping([cell_text(c) for c in cells]) if m)
        if known > best_known:
            best, best_known = index, known
    if best is not None:
        return best
    for index in candidates:
        if _filled(rows[index][1]) >= 2:
            return index
    raise ServiceError("Filen innehåller ingen lista: ingen rad har fler än en ifylld cell.")


def _shape(rows: list[tuple[int, list[object]]]) -> SheetTable:
    if not any(_filled(cells) for _n, cells in rows):
        raise ServiceError("Filen är tom.")
    index = _header_index(rows)
    header_number, header_cells = rows[index]
    headers = [cell_text(c) for c in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    table = SheetTable(headers=headers, rows=[], header_row=header_number)
    for number, cells in rows[index + 1 :]:
        cells = [*cells[:width], *[None] * (width - len(cells))]
        if not _filled(cells):
            table.blank_rows += 1
        elif is_total_row(cells):
            table.total_rows.append(number)
        else:
            table.rows.append((number, cells))
    return table
