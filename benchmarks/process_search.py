"""How fast the work-process search answers over 2,000 processes.

    python benchmarks/process_search.py [--processes 2000] [--repeat 50]

Builds a fresh database in a temporary folder: the shipped starting content, then
synthetic processes made by mixing sentences of the shipped texts (so the words and their
frequencies are Swedish and realistic) until there are --processes in all. Then times,
per query, what the F5 screen's worker does for one keystroke: one page of 50 ranked hits
with snippets plus the total count. Prints median and 95th percentile in milliseconds,
wall clock (what the user waits) and this process's CPU time (steadier on a shared
machine).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from ungtui.services.processes.processes import count, search
from ungtui.services.processes.starting_content import load_starting_content, process_files
from ungtui.store.database import open_database
from ungtui.store.models import WorkProcess
from ungtui.store.process_search import ProcessQuery

QUERIES = [
    "kaa fyller 20",
    "overgang",
    "språkintroduktion",
    "arbetsförmedlingen leverantör",
    "samverkansgrupp",
    "ut",  # a short prefix: many hits
    "jobbspår 180 platser",
    "ungdomskontraktet 90 dagar",
]


def sentences() -> list[str]:
    found: list[str] = []
    for _name, text in process_files():
        body = text.split("---", 2)[2]
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(body.split())):
            if len(sentence) > 30 and not sentence.startswith("#"):
                found.append(sentence)
    return found


def build(path: Path, total: int, seed: int) -> None:
    db = open_database(path)
    load_starting_content(db, actor_id=None)
    rng = random.Random(seed)
    pool = sentences()
    titles = [name.split("-", 1)[1].replace("-", " ").capitalize() for name, _ in process_files()]
    now = datetime.now(UTC)
    rows = []
    for number in range(total - len(titles)):
        rows.append(
            dict(
                id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                created_at=now,
                updated_at=now,
                title=f"{rng.choice(titles)} {number}",
                what_agreed=" ".join(rng.sample(pool, 4)),
                how_done="\n".join(f"{i}. {s}" for i, s in enumerate(rng.sample(pool, 5), 1)),
                responsible_role="Samordnare",
                parties="",
                target_groups=rng.choice(["kaa", "unga_16_24", "nyanland", "unga_16_29"]),
                measures="",
                source="Syntetisk",
                version=1,
            )
        )
    # Straight into the table (the index triggers still run); no sync stamps are needed
    # for a measurement.
    with db.engine.begin() as conn:
        conn.execute(insert(WorkProcess.__table__), rows)
    db.close()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        started = time.perf_counter()
        build(path, args.processes, args.seed)
        print(f"{args.processes} processer byggda på {time.perf_counter() - started:.1f} s")
        db = open_database(path)
        print(
            f"{'sökning':32} {'träffar':>7} {'median ms':>10} {'p95 ms':>8}"
            f" {'CPU median':>11} {'CPU p95':>8}"
        )
        for words in QUERIES:
            query = ProcessQuery(words)
            wall, cpu = [], []
            for _ in range(args.repeat):
                w0, c0 = time.perf_counter(), time.process_time()
                search(db, query, limit=50)
                hits = count(db, query)
                wall.append((time.perf_counter() - w0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            print(
                f"{words:32} {hits:>7} {statistics.median(wall):>10.2f} {p95(wall):>8.2f}"
                f" {statistics.median(cpu):>11.2f} {p95(cpu):>8.2f}"
            )
        db.close()


if __name__ == "__main__":
    main()
