"""Search keystroke to list shown, in the individuals list (F2), against a bare app.

    python benchmarks/search_speed.py --db big.db [--rounds 2]

Both apps run in this process under Textual's Pilot (headless, 120×40) and get the same
searches typed letter by letter, each letter only after the last one's list is shown:

- ungtui: F2, "/" into the search field, then the letters. A letter's time runs from the
  key press until the screen has put that letter's first page into the table (its
  `_update_status`, called right after the rows, records the moment; the count of all
  matches may come later and is not waited for).
- the bare app (benchmarks/bare_app.py --search): an Input and a DataTable; each change
  reads the page in a worker with raw SQL. Its time stops when the rows are in the table.

Prints p50 and p95 per app and the ratio. Goal: p95 ≤ 1.3× the bare app, and ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bare_app import BareApp

from ungtui.store.database import open_database
from ungtui.tui.app import UngApp

TYPED = ["andersson", "sjöberg", "åsa lind", "ahmed h", "öz", "19990"]
WAIT = 10.0


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(int(len(ordered) * share + 0.5) - 1, 0)]


async def wait_for(check, what: str) -> None:
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > WAIT:
            raise SystemExit(f"väntade förgäves på {what}")
        await asyncio.sleep(0.0005)


async def type_and_time(pilot, text: str, shown: dict[int, float], generation) -> list[float]:
    """Clears the field, then types `text`; the ms from each key to its page shown."""
    times = []
    for char in text:
        started = time.perf_counter()
        await pilot.press("space" if char == " " else char)
        wanted = generation()
        await wait_for(lambda wanted=wanted: wanted in shown, f"sidan efter {char!r}")
        times.append((shown[wanted] - started) * 1000)
    return times


async def clear_field(pilot, field) -> None:
    field.value = ""
    await pilot.pause()


async def ours(path: Path, rounds: int) -> list[float]:
    db = open_database(path, create=False)
    app = UngApp(db)
    times: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("f2")
            await wait_for(lambda: type(app.screen).__name__ == "IndividualsScreen", "F2")
            screen = app.screen
            shown: dict[int, float] = {}
            update_status = screen._update_status

            def record() -> None:
                shown.setdefault(screen._generation, time.perf_counter())
                update_status()

            screen._update_status = record
            await wait_for(lambda: screen._loaded > 0, "listan i ungtui")
            await pilot.press("slash")
            field = screen.query_one("#search")
            for round_ in range(rounds + 1):
                for text in TYPED:
                    took = await type_and_time(pilot, text, shown, lambda: screen._generation)
                    if round_:  # the first round warms caches and imports up
                        times.extend(took)
                    await clear_field(pilot, field)
                    await app.workers.wait_for_complete()
    finally:
        db.close()
    return times


async def bare(path: Path, rounds: int) -> list[float]:
    app = BareApp(str(path), search=True)
    shown: dict[int, float] = {}
    app.on_page_shown = lambda generation: shown.setdefault(generation, time.perf_counter())
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: 0 in shown, "listan i bar app")
        field = app.query_one("#search")
        for round_ in range(rounds + 1):
            for text in TYPED:
                took = await type_and_time(pilot, text, shown, lambda: app._generation)
                if round_:
                    times.extend(took)
                await clear_field(pilot, field)
                await app.workers.wait_for_complete()
    return times


def report(label: str, times: list[float]) -> tuple[float, float]:
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    print(f"{label}: {len(times)} tangenttryck, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(times):.1f} ms")
    return p50, p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="made with: ungtui demo --individuals N")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    path = Path(args.db).resolve()
    if not path.exists():
        raise SystemExit(f"{path} finns inte; skapa den med ungtui demo --individuals 100000")
    print(f"databas: {path}, {os.getloadavg()[0]:.2f} i last")
    bare_times = asyncio.run(bare(path, args.rounds))
    our_times = asyncio.run(ours(path, args.rounds))
    b50, b95 = report("bar app", bare_times)
    o50, o95 = report("ungtui", our_times)
    print(f"kvot p50: {o50 / b50:.2f}×, p95: {o95 / b95:.2f}× (mål p95 ≤ 1,3× och ≤ 50 ms)")


if __name__ == "__main__":
    main()
