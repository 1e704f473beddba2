"""How often Python's cycle collector runs while the app is open.

Every screen makes and drops hundreds of thousands of small objects (segments, strips,
rows). With Python's default thresholds (700, 10, 10) a short walk through the sections at
100,000 people ran 9 full collections, each walking every object alive (Textual,
SQLAlchemy, every screen's widgets) for 150–600 ms; one landing between a key press and its
list made that key the slow one. Collecting the youngest objects in larger batches left no
full collection in the same walk, at 4 MiB more peak memory (measured with
gc.callbacks on the 100k demo database, load 4–5).
"""

from __future__ import annotations

import gc

YOUNGEST_BATCH = 10_000


def collect_in_larger_batches() -> None:
    """Raise the youngest generation's threshold; never lower one set before (the tests
    set a larger one)."""
    youngest, *older = gc.get_threshold()
    gc.set_threshold(max(youngest, YOUNGEST_BATCH), *older)


def leave_start_objects_alone() -> None:
    """Move what start-up made (modules, classes, the first screen) out of the collector's
    reach: a full collection later no longer walks it. Not collected first, since that
    takes 140 ms once the services are imported; the few thousand objects of start-up
    garbage left behind are less than a megabyte."""
    gc.freeze()
