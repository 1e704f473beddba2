"""The app's memory (RSS) at the individuals list and after visiting every section once,
against a bare Textual app showing the same first page of names.

    python benchmarks/tui_memory.py --db big.db

Each app runs in a fresh Python process of its own under Textual's Pilot (headless,
120×40), so neither counts the other's imports:

- ungtui: opens on Min dag; F2 and the list's first page ("at the list"); then F10 and F2
  to F8 in turn, each section left to read what it shows, and back to F2 ("after every
  section"). RSS is read from /proc/self/status after a gc.
- the bare app (benchmarks/bare_app.py): RSS once its page is in the table.

Prints the figures and the ratios. Goal: at most 150 MiB after every section.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

SECTION_KEYS = ["f10", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f2"]


def rss_mib() -> float:
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("VmRSS saknas i /proc/self/status")


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def measure_ours(path: str) -> dict:
    from ungtui.store.database import open_database
    from ungtui.tui.app import UngApp

    db = open_database(path, create=False)
    app = UngApp(db)
    figures = {}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
            figures["at_list"] = rss_mib()
            for key in SECTION_KEYS:
                await pilot.press(key)
                await settle(pilot)
            figures["after_sections"] = rss_mib()
    finally:
        db.close()
    return figures


async def measure_bare(path: str) -> dict:
    sys.path.insert(0, str(Path(__file__).parent))
    from bare_app import BareApp

    app = BareApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        return {"at_list": rss_mib()}


def run_child(which: str, path: str) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--db", path, "--child", which],
        capture_output=True, text=True, check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="made with: ungtui demo --individuals N")
    parser.add_argument("--child", choices=("ours", "bare"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        measure = measure_ours if args.child == "ours" else measure_bare
        print(json.dumps(asyncio.run(measure(args.db))))
        return
    path = str(Path(args.db).resolve())
    if not Path(path).exists():
        raise SystemExit(f"{path} finns inte; skapa den med ungtui demo --individuals 100000")
    print(f"databas: {path}, {os.getloadavg()[0]:.2f} i last")
    bare = run_child("bare", path)["at_list"]
    ours = run_child("ours", path)
    print(f"bar app vid listan: {bare:.0f} MiB")
    print(f"ungtui vid listan: {ours['at_list']:.0f} MiB ({ours['at_list'] / bare:.2f}×)")
    print(f"ungtui efter alla delar: {ours['after_sections']:.0f} MiB "
          f"({ours['after_sections'] / bare:.2f}×; mål ≤ 150 MiB)")


if __name__ == "__main__":
    main()
