"""Start to first names visible, in a real terminal, against a bare Textual app.

    ungtui demo --individuals 100000 --seed 11 --db big.db     # once
    python benchmarks/startup_speed.py --db big.db [--runs 5]

What "first names visible" means here: ungtui opens on Min dag (F10), so that is the start
screen a caseworker sees, and its names (the people on referrals) are drawn with the
headings of its parts. The clock runs from starting `ungtui --db big.db` until the heading
"Remisser som väntar på svar" (the part with the first names) is on the terminal. "First
paint" is when the screen's title line "Min dag · <day>" is. Since services/my_day_first
reads the referrals with sqlite3 before the first frame, the two are the same frame; the
guarantees and follow-ups still read "Hämtar …" in it.

The baseline is benchmarks/bare_app.py: a bare Textual app that reads the individuals
list's first page of names with sqlite3 and shows them in a DataTable; its clock stops
when the first of those names is on the terminal.

Both run in tmux (120×40, a private server socket) and the screen is read with
capture-pane every 10 ms; the runs alternate between the two so load on the machine falls
on both alike. Prints the medians and the ratio.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bare_app import read_names

SOCKET = "i20start"
POLL = 0.01
TIMEOUT = 60.0
OURS_PAINT = "Min dag ·"
OURS_NAMES = "Remisser som väntar på svar"


def tmux(*args: str, check: bool = True) -> str:
    result = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check
    )
    return result.stdout


def timed_start(command: list[str], paint: str, names: str) -> tuple[float, float]:
    """Seconds from starting `command` until `paint`, and until `names`, are on screen."""
    tmux("kill-server", check=False)
    started = time.perf_counter()
    tmux(
        "new-session", "-d", "-x", "120", "-y", "40",
        "env", "LANG=C.UTF-8", "UNGTUI_DB=", *command,
    )
    painted = None
    try:
        while time.perf_counter() - started < TIMEOUT:
            screen = tmux("capture-pane", "-p", check=False)
            now = time.perf_counter() - started
            if painted is None and paint in screen:
                painted = now
            if names in screen:
                return painted or now, now
            time.sleep(POLL)
        raise SystemExit(f"{command[1:]}: inget på skärmen efter {TIMEOUT:.0f} s:\n{screen}")
    finally:
        tmux("kill-server", check=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, help="made with: ungtui demo --individuals N")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    path = Path(args.db).resolve()
    if not path.exists():
        raise SystemExit(f"{path} finns inte; skapa den med ungtui demo --individuals 100000")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    first_name = read_names(conn)[0][1]
    people = conn.execute("SELECT count(*) FROM individual").fetchone()[0]
    conn.close()
    print(f"databas: {path} ({people} personer), {os.getloadavg()[0]:.2f} i last")
    bare_cmd = [sys.executable, str(Path(__file__).parent / "bare_app.py"), "--db", str(path)]
    ours_cmd = [sys.executable, "-m", "ungtui", "--db", str(path)]
    bare, ours_paint, ours = [], [], []
    for _ in range(args.runs):
        bare.append(timed_start(bare_cmd, first_name, first_name)[1])
        paint, names = timed_start(ours_cmd, OURS_PAINT, OURS_NAMES)
        ours_paint.append(paint)
        ours.append(names)
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bar app, första namnen: median {b * 1000:.0f} ms (alla: "
          + ", ".join(f"{t * 1000:.0f}" for t in bare) + ")")
    print(f"ungtui, första bilden: median {statistics.median(ours_paint) * 1000:.0f} ms")
    print(f"ungtui, Min dag med namn: median {o * 1000:.0f} ms (alla: "
          + ", ".join(f"{t * 1000:.0f}" for t in ours) + ")")
    print(f"kvot: {o / b:.2f}× (mål ≤ 1,5×)")


if __name__ == "__main__":
    main()
