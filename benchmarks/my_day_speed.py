"""How fast Min dag, the start screen, is read at 100,000 people.

    ungtui demo --individuals 100000 --db big.db      # once, a few minutes
    python benchmarks/my_day_speed.py --db big.db [--runs 20]

Times what the screen's worker does (services.my_day.my_day) for the install's own user,
the whole of it and each part, as the screen would read it on opening and on coming
back. The goal is under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from ungtui.services import clock, my_day, my_day_first
from ungtui.services.people.individuals import IndividualFilter, count_individuals
from ungtui.services.people.organisations import current_user
from ungtui.store.database import open_database


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    return (
        f"{label}: median {statistics.median(ordered):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="made with: ungtui demo --individuals N")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        raise SystemExit(f"{path} finns inte; skapa den med ungtui demo --individuals 100000")
    db = open_database(path)
    user = current_user(db)
    if user is None:
        raise SystemExit("Databasen har ingen användare.")
    people = count_individuals(db, IndividualFilter())
    print(f"databas: {path} ({people} personer), användare: {user.name}")
    today = clock.today()
    first = timed(lambda: my_day.my_day(db, user, today=today))
    print(f"första läsningen: {first:.1f} ms")
    print(summary("Min dag", [timed(lambda: my_day.my_day(db, user)) for _ in range(args.runs)]))
    def first(part):
        def read():
            with db.read() as conn:
                part(conn)

        return read

    parts = {
        "möten": first(lambda conn: my_day_first.meetings(conn, today)),
        "remisser": first(lambda conn: my_day_first.referrals(conn, user, today)),
        "åtgärder": first(lambda conn: my_day_first.actions(conn, user, today)),
        "90 dagar": lambda: my_day._guarantee(db, user, today),
        "uppföljningar": lambda: my_day._follow_ups(db, user, today),
        "partner": first(lambda conn: my_day_first.partners(conn, user, today)),
    }
    for label, part in parts.items():
        print("  " + summary(label, [timed(part) for _ in range(max(args.runs // 2, 3))]))
    db.close()


if __name__ == "__main__":
    main()
