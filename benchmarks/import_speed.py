"""How fast a spreadsheet list of people validates and imports (issue 10: 10,000 rows < 10 s;
issue 20: at most 3× a raw csv + executemany of the same rows).

    python benchmarks/import_speed.py [--db NEW.db] [--rows 10000] [--format csv|xlsx]

Writes a fictional list the way a Swedish Excel saves one (cp1252, ';', mixed date forms,
numbers with and without century), then times, in a fresh database (`--db`, or one in a
temporary folder): reading the file, checking every row (the plan), and writing the
accepted rows in one transaction; then reading and checking the same file again, when
every row is already registered.

Baseline, measured in the same run: the csv module reads the same file and sqlite3
`executemany` inserts the same rows the import wrote (people, their responsibility, way
and first phase, each with its own new id) into the same tables of a second fresh
database with the same schema (`NAME.raw`), in one transaction: no checks, no change log,
no audit log, no sync registers. Printed: both, and the ratio (csv only).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sqlite3
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from ungtui.domain.identity import luhn_check_digit
from ungtui.services.people.organisations import register_user
from ungtui.services.people.table_files import read_table
from ungtui.services.people.table_import import apply_import, guess_mapping, plan_import
from ungtui.store.database import open_database

FIRST = ["Amina", "Erik", "Sara", "Mohamed", "Elin", "Yusuf", "Noor", "Oskar", "Åsa", "Jörgen"]
LAST = ["Ahmed", "Andersson", "Öztürk", "Lind", "Hassan", "Nilsson", "Berg", "Kebede"]
HEADERS = ["Pnr", "Namn", "Kön", "Handläggare", "Inskriven", "Telefon"]


def identity(rng: random.Random, birth: date) -> str:
    serial = f"{birth:%y%m%d}{rng.randint(0, 999):03d}"
    return f"{birth:%Y%m%d}-{serial[6:]}{luhn_check_digit(serial)}"


def rows(count: int, seed: int = 1) -> list[list[str]]:
    rng = random.Random(seed)
    result = []
    for number in range(count):
        birth = date(1997, 1, 1) + timedelta(days=rng.randint(0, 3650))
        pnr = identity(rng, birth)
        if number % 2:
            pnr = pnr[2:]  # without century
        entry = date(2025, 1, 1) + timedelta(days=rng.randint(0, 600))
        shown = (entry.isoformat(), f"{entry.day}/{entry.month}/{entry.year}", f"{entry:%d.%m.%y}")
        result.append(
            [
                pnr,
                f"{rng.choice(FIRST)} {rng.choice(LAST)}-{number}",
                rng.choice(["K", "M", "kvinna", "man"]),
                "Sofia Berg",
                shown[number % 3],
                f"070-{number:07d}",
            ]
        )
    return result


def write(path: Path, data: list[list[str]]) -> None:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Deltagare")
        sheet.append(HEADERS)
        for row in data:
            sheet.append(row)
        workbook.save(path)
        return
    lines = [";".join(HEADERS), *(";".join(row) for row in data)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def timed(label: str, fn):
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label:<44} {wall:6.2f} s  (CPU {cpu:.2f} s)")
    return result


TARGET_RATIO = 3.0
_TABLES = ("individual", "responsibility", "way", "way_phase")


def _copy_schema(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    schema = src.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        " AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END"
    ).fetchall()
    src.close()
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode = WAL")
    for kind, name, sql in schema:
        # A virtual table makes its own shadow tables; its triggers fill it here too.
        if not (kind == "table" and name.startswith(("work_process_fts_", "individual_search_"))):
            dst.execute(sql)
    dst.close()


def baseline(file: Path, written: Path, target: Path) -> tuple[float, float]:
    """csv + executemany of the rows the import wrote into `written`, into `target`."""
    src = sqlite3.connect(written)
    shapes = {}
    for table in _TABLES:
        columns = [r[1] for r in src.execute(f'PRAGMA table_info("{table}")')]
        example = src.execute(f'SELECT * FROM "{table}" LIMIT 1').fetchone()
        shapes[table] = (columns, example)
    src.close()
    _copy_schema(written, target)
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA synchronous = NORMAL")
    started, cpu = time.perf_counter(), time.process_time()
    text = file.read_bytes().decode("cp1252")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    next(reader)
    people, responsibilities, ways, phases = [], [], [], []

    def row_of(table: str, **values: object) -> tuple:
        # The import's own row as a template: every column filled as the import filled it.
        columns, example = shapes[table]
        return tuple(values.get(c, v) for c, v in zip(columns, example, strict=True))

    seen = set()
    for pnr, name, gender, _caseworker, entry, phone in reader:
        if pnr[-11:] in seen:
            continue  # a number twice in the list: the import takes it once too
        seen.add(pnr[-11:])
        first, _, last = name.partition(" ")
        pid, way_id = str(uuid.uuid4()), str(uuid.uuid4())
        people.append(
            row_of(
                "individual",
                id=pid,
                identity_number=pnr,
                first_name=first,
                last_name=last,
                gender=gender,
                phone=phone,
            )
        )
        responsibilities.append(row_of("responsibility", id=str(uuid.uuid4()), individual_id=pid))
        ways.append(row_of("way", id=way_id, individual_id=pid, entry_date=entry))
        phases.append(
            row_of(
                "way_phase",
                id=str(uuid.uuid4()),
                way_id=way_id,
                individual_id=pid,
                started_on=entry,
            )
        )
    dst.execute("BEGIN")
    for table, data in zip(_TABLES, (people, responsibilities, ways, phases), strict=True):
        marks = ", ".join("?" * len(data[0]))
        dst.executemany(f'INSERT INTO "{table}" VALUES ({marks})', data)
    dst.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    dst.close()
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="a new database file (else a temporary one)")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"lista.{args.format}"
        write(file, rows(args.rows))
        path = args.db or Path(folder) / "bench.db"
        raw = path.with_name(path.name + ".raw")
        for existing in (path, raw):
            if existing.exists():
                raise SystemExit(f"{existing} exists; give a new file")
        db = open_database(path)
        user = register_user(
            db,
            name="Sofia Berg",
            unit_name="Jobbcenter",
            organisation_name="Malmö stad",
            org_nr="212000-1124",
        )
        total, total_cpu = time.perf_counter(), time.process_time()
        table = timed("read file", lambda: read_table(file))
        mapping = guess_mapping(table.headers)
        plan = timed(
            "check every row (plan)",
            lambda: plan_import(db, table, mapping, organisation_id=user.organisation_id),
        )
        timed(
            f"write {len(plan.creates)} people in one transaction",
            lambda: apply_import(
                db, plan, actor_id=user.staff_id, organisation_id=user.organisation_id
            ),
        )
        ours, ours_cpu = time.perf_counter() - total, time.process_time() - total_cpu
        print(f"{'read, check and write, all together':<44} {ours:6.2f} s")
        again = time.perf_counter()
        table = read_table(file)
        plan = plan_import(db, table, mapping, organisation_id=user.organisation_id)
        print(f"{'read and check again (all registered)':<44} {time.perf_counter() - again:6.2f} s")
        print(f"rows unchanged on the second run: {len(plan.unchanged)} of {args.rows}")
        db.close()
        if args.format == "csv":
            base, base_cpu = baseline(file, path, raw)
            print(f"{'baseline: csv module + sqlite3 executemany':<44} {base:6.2f} s")
            ratio = ours / base
            verdict = "OK" if ratio <= TARGET_RATIO else "too slow"
            print(f"ratio ours/baseline: {ratio:.2f}× (target ≤ {TARGET_RATIO:g}×: {verdict})")
            # On a loaded machine wall-clock time mostly measures the wait for a core.
            print(
                f"in CPU time: ours {ours_cpu:.2f} s, baseline {base_cpu:.2f} s, "
                f"{ours_cpu / base_cpu:.2f}×; load average {os.getloadavg()[0]:.1f}"
            )


if __name__ == "__main__":
    main()
