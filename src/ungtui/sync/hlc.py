"""A hybrid logical clock: wall-clock milliseconds plus a counter.

Its string form sorts in time order, stays monotonic when the wall clock goes back, and
moves past every time seen in an imported file (Kulkarni et al. 2014; sync.md §6.1).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

# An imported stamp further ahead of our wall clock than this means a sender with a badly
# wrong clock; its file is refused rather than dragging every later edit into the future.
MAX_AHEAD_MS = 24 * 60 * 60 * 1000


def wall_millis() -> int:
    return int(time.time() * 1000)


def encode(millis: int, counter: int) -> str:
    return f"{millis:013d}.{counter:05d}"


_STAMP = re.compile(r"\d{13}\.\d{5}")


def is_stamp(text: str) -> bool:
    return _STAMP.fullmatch(text) is not None


def decode(stamp: str) -> tuple[int, int]:
    millis, counter = stamp.split(".")
    return int(millis), int(counter)


@dataclass
class Clock:
    last: str = encode(0, 0)

    def tick(self, now_ms: int | None = None) -> str:
        now_ms = wall_millis() if now_ms is None else now_ms
        millis, counter = decode(self.last)
        self.last = encode(now_ms, 0) if now_ms > millis else encode(millis, counter + 1)
        return self.last

    def observe(self, stamp: str) -> None:
        if stamp > self.last:
            self.last = stamp


def too_far_ahead(stamp: str, now_ms: int | None = None) -> bool:
    now_ms = wall_millis() if now_ms is None else now_ms
    return decode(stamp)[0] > now_ms + MAX_AHEAD_MS
