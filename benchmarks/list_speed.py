"""How fast the individuals list opens and answers keystrokes at 100,000 people.

    python benchmarks/list_speed.py [--individuals 100000] [--db bench.db]

Builds the database with `ungtui demo` (kept between runs), then times what the list
screen's worker does: one page plus the total count, for an empty search and for each
prefix of a few typed searches, as a user would type them letter by letter.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from ungtui.demo.fill import fill_demo
from ungtui.services.people.individuals import IndividualFilter, count_individuals, list_individuals
from ungtui.store.database import open_database

TYPED = ["andersson", "ozturk", "sara lind", "0317", "19990", "ahmed h"]
PAGE = 100


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def list_and_count(db, flt: IndividualFilter) -> None:
    list_individuals(db, flt, offset=0, limit=PAGE)
    count_individuals(db, flt)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--individuals", type=int, default=100_000)
    parser.add_argument("--db", default="bench.db")
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        db = open_database(path)
        summary = fill_demo(db, individuals=args.individuals, seed=7)
        print(f"demo: {summary.individuals} personer på {summary.seconds:.1f} s")
    else:
        db = open_database(path)
    total = count_individuals(db, IndividualFilter())
    print(f"databas: {path} ({total} personer)")

    opens = [timed(lambda: list_and_count(db, IndividualFilter(status="aktiv"))) for _ in range(5)]
    print(
        f"öppna listan (sida + antal): median {statistics.median(opens):.1f} ms, "
        f"max {max(opens):.1f} ms"
    )

    keystrokes = []
    for text in TYPED:
        for end in range(1, len(text) + 1):
            flt = IndividualFilter(text=text[:end], status="aktiv")
            keystrokes.append(timed(lambda flt=flt: list_and_count(db, flt)))
    keystrokes.sort()
    p95 = keystrokes[int(len(keystrokes) * 0.95) - 1]
    print(
        f"tangenttryck i sökfältet ({len(keystrokes)} st): median "
        f"{statistics.median(keystrokes):.1f} ms, p95 {p95:.1f} ms, max {keystrokes[-1]:.1f} ms"
    )

    for group in ("unga_16_24", "kaa", "nyanland"):
        ms = timed(lambda g=group: list_and_count(db, IndividualFilter(group=g, status="aktiv")))
        print(f"filter {group}: {ms:.1f} ms")
    db.close()


if __name__ == "__main__":
    main()
