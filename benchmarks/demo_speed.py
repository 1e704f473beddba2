"""How fast `ungtui demo` fills a database, beside a raw insert of the same rows (issue 20).

    python benchmarks/demo_speed.py --db /tmp/demo.db [--individuals 100000] [--seed 11]

Ours: open a new database and fill it as `ungtui demo` does (demo.fill.fill_demo),
wall-clock and CPU time. Baseline, measured in the same run: every row the demo left in
the tables a user's data lives in (domain tables, change log, audit log, settings; not the
sync bookkeeping, which is what the raw insert lacks) is read back and inserted with
sqlite3 `executemany` into a second new database with the same schema, in one
transaction. Only the insert is timed. Prints both, the ratio (target: at most 2×) and
the number of rows per table. `--db` must not exist; the baseline goes beside it
(`NAME.raw`). Both files are left for inspection.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path

from ungtui.demo.fill import fill_demo
from ungtui.store.database import open_database

TARGET_RATIO = 2.0


def ours(path: Path, individuals: int, seed: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    db = open_database(path)
    try:
        fill_demo(db, individuals=individuals, seed=seed)
    finally:
        db.close()
    return time.perf_counter() - wall, time.process_time() - cpu


def _skipped(name: str) -> bool:
    # Sync bookkeeping is ours alone; the full-text indexes are derived: work_process_fts by
    # its trigger, the register's search index from the queue its triggers fill; so are the
    # report's rows of the ways and of the people (store.way_facts, store.person_facts).
    return name.startswith(
        (
            "sync_",
            "sqlite_",
            "work_process_fts",
            "individual_search",
            "individual_trigram",
            "person_search_queue",
            "way_fact",
            "person_fact",
        )
    )


def baseline(source: Path, target: Path) -> tuple[float, float, dict[str, int]]:
    """Insert the rows of `source` into a new `target` with the same schema, raw."""
    src = sqlite3.connect(source)
    schema = src.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        " AND name NOT LIKE 'sqlite_%' ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END"
    ).fetchall()
    tables = [name for kind, name, _sql in schema if kind == "table" and not _skipped(name)]
    data = {}
    for name in tables:
        rows = src.execute(f'SELECT * FROM "{name}"').fetchall()
        if rows:
            data[name] = rows
    src.close()
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode = WAL")
    dst.execute("PRAGMA synchronous = NORMAL")
    for kind, name, sql in schema:
        # A virtual table makes its own shadow tables.
        if kind == "table" and name.startswith(("work_process_fts_", "individual_search_")):
            continue
        dst.execute(sql)
    started, cpu = time.perf_counter(), time.process_time()
    dst.execute("BEGIN")
    for name, rows in data.items():
        marks = ", ".join("?" * len(rows[0]))
        dst.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    dst.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    dst.close()
    return seconds, cpu, {name: len(rows) for name, rows in data.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True, help="a new database file")
    parser.add_argument("--individuals", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    raw = args.db.with_name(args.db.name + ".raw")
    for path in (args.db, raw):
        if path.exists():
            sys.exit(f"{path} exists; give a new file")
    wall, cpu = ours(args.db, args.individuals, args.seed)
    base, base_cpu, counts = baseline(args.db, raw)
    print(f"demo of {args.individuals} people, seed {args.seed}")
    for name, count in sorted(counts.items()):
        print(f"  {name:<24} {count:>9} rows")
    print(f"{'baseline: raw executemany of the same rows':<46} {base:7.2f} s")
    print(f"{'baseline (CPU)':<46} {base_cpu:7.2f} s")
    print(f"{'ours: fill_demo':<46} {wall:7.2f} s")
    print(f"{'ours (CPU)':<46} {cpu:7.2f} s")
    ratio = wall / base
    verdict = "OK" if ratio <= TARGET_RATIO else "too slow"
    print(f"ratio ours/baseline: {ratio:.2f}× (target ≤ {TARGET_RATIO:g}×: {verdict})")
    # On a loaded machine wall-clock time mostly measures the wait for a core.
    print(f"ratio in CPU time: {cpu / base_cpu:.2f}×; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
