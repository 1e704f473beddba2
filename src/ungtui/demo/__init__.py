"""Fictional demo data (`ungtui demo`): people, parties and staff first (fill.fill_demo), then
processes, referrals, the way and meetings."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any


def seeded_id(bits: int) -> str:
    """str(uuid.UUID(int=bits, version=4)), the same text without a UUID object: a demo
    of 100,000 people makes some 1,000,000 ids. The version digit is 4, and the variant
    digit's two high bits are 10 (8, 9, a or b), as UUID sets them; set in the number,
    whose hex by to_bytes is a quarter cheaper than by a format string."""
    h = (bits & _KEPT | _SET).to_bytes(16, "big").hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


# The version's four bits and the variant's two high bits, as UUID(version=4) sets them.
_KEPT = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_SET = (0x4000 << 64) | (0x8000 << 48)


# The demo draws some 50 values per person. random.Random's randint and choice each pass
# through two or three Python calls before the one that draws (_randbelow); for 100,000
# people those calls cost more than writing the people. The helpers below draw through
# that one call, so each gives exactly the value the public method would give for the
# same state of the generator (tests/services/test_demo_draws.py holds them to it): the
# same seed still gives the same database as before.


def below(rng: random.Random) -> Callable[[int], int]:
    """`below(n)`: rng.randrange(n); so rng.randint(a, b) is a + below(b - a + 1) and
    rng.choice(seq) is seq[below(len(seq))]."""
    return rng._randbelow  # type: ignore[attr-defined]  # private, but the one draw they make


def weighted(rng: random.Random, population: Sequence[Any], weights: Sequence[float]):
    """A function drawing rng.choices(population, weights)[0]."""
    cum = list(accumulate(weights))
    total = cum[-1] + 0.0  # as choices makes it
    hi = len(cum) - 1
    draw = rng.random

    def pick() -> Any:
        return population[bisect(cum, draw() * total, 0, hi)]

    return pick
