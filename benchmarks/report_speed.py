"""How long the follow-up report takes at 100,000 people, against one plain aggregate.

    python benchmarks/report_speed.py [--individuals 100000] [--db bench.db] [--runs 5]

Builds the database with the demo data if it does not exist (kept between runs), then
times what F6 and `ungtui report` do: the whole report for a period and the one before
it, with and without an agreement's goals, and the CSV export.

The baseline is one plain aggregate over the same population, measured in the same run:
the people on the way some day of the period, counted by gender (one SQL query, nothing
else). The target (issue 20) is a report at most 3 times that for a year and a quarter.
The report and the baseline are run in turn, so that a change in the machine's load
falls on both alike; the ratio is worked out per pair. Medians of several runs are
printed with the fastest and the slowest, and the load of the machine, since a shared
machine can double any figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from ungtui.demo.fill import fill_demo
from ungtui.domain.periods import parse_period
from ungtui.services.followup.report import build_report
from ungtui.services.followup.report_export import as_csv
from ungtui.services.processes.agreements import list_agreements
from ungtui.store.database import open_database

RUNS = 5
TARGET_RATIO = 3.0

# The same population as the report's way figures: every way that touches the period.
BASELINE_SQL = """
SELECT i.gender, COUNT(*) FROM way w JOIN individual i ON i.id = w.individual_id
WHERE w.deleted_at IS NULL AND i.deleted_at IS NULL
  AND w.entry_date <= :end AND (w.exit_on IS NULL OR w.exit_on >= :start)
GROUP BY i.gender
"""


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def times_of(fn, runs: int) -> list[float]:
    fn()  # warm the page cache, as a second report in the same session would have it
    return [timed(fn) for _ in range(runs)]


def baseline(db, period) -> None:
    from sqlalchemy import text

    with db.engine.connect() as conn:
        conn.execute(
            text(BASELINE_SQL),
            {"start": period.start.isoformat(), "end": period.end.isoformat()},
        ).all()


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
    print("belastning före (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    agreement = next((a.id for a in list_agreements(db) if "nyanlända" in a.title), None)
    cases = [
        ("år 2026", "2026", None, True),
        ("kvartal 2026Q2", "2026Q2", None, True),
        ("termin HT2026", "HT2026", None, False),
        ("år 2026 med mål", "2026", agreement, False),
    ]
    for label, text, agreement_id, against_baseline in cases:
        period = parse_period(text)

        def ours_once(p=period, a=agreement_id) -> None:
            build_report(db, p, a)

        if not against_baseline:
            ours = times_of(ours_once, args.runs)
            print(
                f"rapport {label}: median {statistics.median(ours):.2f} s, "
                f"snabbast {min(ours):.2f} s, långsammast {max(ours):.2f} s"
            )
            continue
        # Turn about, so that a change in the machine's load falls on both alike.
        ours_once()
        baseline(db, period)
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(timed(ours_once))
            base.append(timed(lambda p=period: baseline(db, p)))
        ratios = sorted(o / b for o, b in zip(ours, base, strict=True))
        print(
            f"rapport {label}: median {statistics.median(ours):.2f} s "
            f"({min(ours):.2f}–{max(ours):.2f})\n"
            f"  baslinje (vägar i perioden per kön, en fråga): median "
            f"{statistics.median(base):.3f} s ({min(base):.3f}–{max(base):.3f})\n"
            f"  kvot rapport/baslinje: median {statistics.median(ratios):.1f} "
            f"({ratios[0]:.1f}–{ratios[-1]:.1f}; mål ≤ {TARGET_RATIO:.0f})"
        )
    report = build_report(db, parse_period("2026"))
    csv_times = [timed(lambda: as_csv(report)) for _ in range(args.runs)]
    print(f"CSV med små tal dolda: median {statistics.median(csv_times) * 1000:.0f} ms")
    print("belastning efter (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    db.close()


if __name__ == "__main__":
    main()
