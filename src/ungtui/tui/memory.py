"""Giving memory back to the system after a large passing need (the follow-up report).

glibc keeps what a thread freed in that thread's arena, cut into pieces between the few
allocations still alive, and the process stays as large as at its peak. At 100,000 people
one report (SQLite's cache and temporary tables, ~165 MiB at the peak) left the app ~160
MiB larger although the memory was freed (store.database closes the connection that held
the tables); returned with malloc_trim(0), ~4 MiB. Linux with glibc only; elsewhere (musl,
macOS, Windows) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def give_back_freed_memory() -> bool:
    """Return freed heap pages to the system; False where that cannot be done."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
