"""How fast a spreadsheet list of people validates and imports (issue 10: 10,000 rows < 10 s).

    python benchmarks/import_speed.py [--rows 10000] [--format csv|xlsx]

Writes a fictional list the way a Swedish Excel saves one (cp1252, ';', mixed date forms,
numbers with and without century), then times, in a fresh database: reading the file,
checking every row (the plan), and writing the accepted rows in one transaction; then
reading and checking the same file again, when every row is already registered.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from ungtui.domain.identity import luhn_check_digit
from ungtui.services.organisations import register_user
from ungtui.services.table_files import read_table
from ungtui.services.table_import import apply_import, guess_mapping, plan_import
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
    started = time.perf_counter()
    result = fn()
    print(f"{label:<44} {time.perf_counter() - started:6.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / f"lista.{args.format}"
        write(file, rows(args.rows))
        db = open_database(Path(folder) / "bench.db")
        user = register_user(db, name="Sofia Berg", unit_name="Jobbcenter", organisation_name="X")
        total = time.perf_counter()
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
        print(f"{'read, check and write, all together':<44} {time.perf_counter() - total:6.2f} s")
        again = time.perf_counter()
        table = read_table(file)
        plan = plan_import(db, table, mapping, organisation_id=user.organisation_id)
        print(f"{'read and check again (all registered)':<44} {time.perf_counter() - again:6.2f} s")
        print(f"rows unchanged on the second run: {len(plan.unchanged)} of {args.rows}")
        db.close()


if __name__ == "__main__":
    main()
