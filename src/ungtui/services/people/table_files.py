"""Reading a spreadsheet list as it comes: CSV from a Swedish Excel (Windows-1252 or UTF-8
with BOM, ';' or ','), or an .xlsx workbook. Title rows above the header, blank rows and a
sum row at the bottom are left out; every kept row keeps the row number Excel shows."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from ungtui.domain.table_import import cell_text, guess_mapping, is_total_row
from ungtui.services.errors import ServiceError, os_reason

# The header is looked for among the first rows that have anything in them.
HEADER_SEARCH_ROWS = 15
# A list of people from a spreadsheet, not a data dump: larger input is refused while it
# is read, before it can fill the memory of an old laptop (a 1 GB file, a zip bomb).
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
# An .xlsx is a zip: what its parts unpack to is capped too; the shared strings are read
# into memory whole, so they have a cap of their own.
XLSX_MAX_UNPACKED = 400 * 1024 * 1024
XLSX_MAX_SHARED_STRINGS = 64 * 1024 * 1024
_MB = 1024 * 1024


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


def _too_big() -> ServiceError:
    return ServiceError(
        f"Filen är större än {MAX_BYTES // _MB} MB. Dela upp listan i flera filer; "
        "inget har lästs in."
    )


def _too_many_rows() -> ServiceError:
    return ServiceError(
        f"Listan har fler än {MAX_ROWS:,} rader. Dela upp den i flera filer; inget har "
        "lästs in.".replace(",", " ")
    )


def _read_capped(path: Path) -> bytes:
    """The file's bytes, read in pieces and stopped at the cap: its size as the folder
    reports it is not trusted (a pipe or a special file has none)."""
    chunks: list[bytes] = []
    total = 0
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_MB):
                total += len(chunk)
                if total > MAX_BYTES:
                    raise _too_big()
                chunks.append(chunk)
    except OSError as error:
        raise ServiceError(f"Filen kunde inte läsas: {os_reason(error)}.") from error
    return b"".join(chunks)


def _read_csv(path: Path) -> SheetTable:
    data = _read_capped(path)
    if b"\x00" in data:
        raise ServiceError(
            "Filen innehåller binära data och är ingen CSV-fil. Om det är en Excel-fil: "
            "spara den som .xlsx eller som CSV och försök igen."
        )
    text, encoding = decode(data)
    separator = guess_separator(text)
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=separator), 1):
            if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many_rows()
            rows.append((number, cells[:MAX_COLUMNS]))
    except csv.Error:
        raise ServiceError(
            f"Filen går inte att läsa som en lista (CSV): rad {len(rows) + 1} är trasig. "
            "Öppna den i Excel och spara den som CSV igen."
        ) from None
    table = _shape(rows)
    table.encoding, table.separator = encoding, separator
    return table


def sheet_names(path: Path) -> list[str]:
    workbook = _open_workbook(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _not_a_workbook() -> ServiceError:
    return ServiceError(
        "Filen gick inte att läsa som en Excel-arbetsbok (.xlsx). Öppna den i Excel och "
        "spara den igen."
    )


def _check_workbook_size(path: Path) -> None:
    """Refuse a workbook whose parts would unpack to more than the caps, before openpyxl
    unpacks anything (the sizes a zip declares are the most it will read of each part)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _too_big()
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_workbook() from None
    unpacked = sum(part.file_size for part in parts)
    strings = sum(part.file_size for part in parts if part.filename.endswith("sharedStrings.xml"))
    if unpacked > XLSX_MAX_UNPACKED or strings > XLSX_MAX_SHARED_STRINGS:
        raise ServiceError(
            f"Arbetsboken packas upp till mer än {XLSX_MAX_UNPACKED // _MB} MB och är för "
            "stor för en lista med personer. Spara bara listan i en ny arbetsbok; inget har "
            "lästs in."
        )


def _open_workbook(path: Path):
    from openpyxl import load_workbook

    _check_workbook_size(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a damaged or foreign file: say so, never a traceback
        raise _not_a_workbook() from error


def _read_xlsx(path: Path, sheet: str | None) -> SheetTable:
    workbook = _open_workbook(path)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise ServiceError(
                f"Bladet ”{sheet}” finns inte. Bladen heter: {', '.join(workbook.sheetnames)}."
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        rows = []
        try:
            # Read-only: rows stream from the file, stopped at the caps.
            cells_by_row = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            for number, cells in enumerate(cells_by_row, 1):
                if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise _too_many_rows()
                rows.append((number, list(cells)))
        except ServiceError:
            raise
        except Exception as error:  # damaged XML inside the zip
            raise _not_a_workbook() from error
        title = worksheet.title
    finally:
        workbook.close()
    table = _shape(rows)
    table.sheet = title
    return table


def _filled(cells: list[object]) -> int:
    return sum(map(bool, map(cell_text, cells)))


def _header_index(rows: list[tuple[int, list[object]]]) -> int:
    """The row that names most known columns; merged title rows above it (one filled cell)
    lose. With no known names at all, the first row with two or more filled cells."""
    filled = (i for i, (_n, cells) in enumerate(rows) if _filled(cells))
    candidates = list(islice(filled, HEADER_SEARCH_ROWS))
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
        texts = [*map(cell_text, cells)]  # is_total_row reads a cell's text as the cell
        if not any(texts):
            table.blank_rows += 1
        elif is_total_row(texts):
            table.total_rows.append(number)
        else:
            table.rows.append((number, cells))
    return table
