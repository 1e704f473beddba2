"""How long the follow-up report takes at 100,000 people (the target is 2 s).

    python benchmarks/report_speed.py [--individuals 100000] [--db bench.db]

Builds the database with the demo data (kept between runs), then times what F6 and
`ungtui report` do: the whole report for a period and the one before it, with and
without an agreement's goals, and the CSV export. Each is run several times; the median
and the slowest are printed, with the load of the machine, since a shared machine can
double any figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from ungtui.domain.periods import parse_period
from ungtui.services.agreements import list_agreements
from ungtui.services.demo import fill_demo
from ungtui.services.report import build_report
from ungtui.services.report_export import as_csv
from ungtui.store.database import open_database

RUNS = 5


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--individuals", type=int, default=100_000)
    parser.add_argument("--db", default="bench.db")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        db = open_database(path)
        summary = fill_demo(db, individuals=args.individuals, seed=7)
        print(f"demo: {summary.individuals} personer på {summary.seconds:.1f} s")
    else:
        db = open_database(path)
    with db.engine.connect() as conn:
        people = conn.exec_driver_sql("SELECT COUNT(*) FROM individual").scalar_one()
        ways = conn.exec_driver_sql("SELECT COUNT(*) FROM way").scalar_one()
    print(f"databas: {path} ({people} personer, {ways} vägar)")
    agreement = next((a.id for a in list_agreements(db) if "nyanlända" in a.title), None)
    cases = [
        ("år 2026", "2026", None),
        ("termin HT2026", "HT2026", None),
        ("kvartal 2026Q2", "2026Q2", None),
        ("år 2026 med mål", "2026", agreement),
    ]
    for label, text, agreement_id in cases:
        period = parse_period(text)
        times = [
            timed(lambda p=period, a=agreement_id: build_report(db, p, a)) for _ in range(args.runs)
        ]
        print(
            f"rapport {label}: median {statistics.median(times):.2f} s, "
            f"snabbast {min(times):.2f} s, långsammast {max(times):.2f} s"
        )
    report = build_report(db, parse_period("2026"))
    csv_times = [timed(lambda: as_csv(report)) for _ in range(args.runs)]
    print(f"CSV med små tal dolda: median {statistics.median(csv_times) * 1000:.0f} ms")
    print("belastning (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    db.close()


if __name__ == "__main__":
    main()
