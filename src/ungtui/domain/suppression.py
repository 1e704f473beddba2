"""Small numbers: what may leave the screen.

A figure that counts 1–4 individuals is shown as '<5' in everything exported, and so is
any figure built on so few people (a share, a median). Hiding one cell is not enough when
a total is shown beside its parts: total minus the other parts gives it back. So wherever
a total and its parts are published together, a relation with exactly one hidden cell
gets a second one hidden — the smallest other non-zero part, or the total when no part
is left — and this repeats until no relation gives a hidden cell away. Zero is never
hidden: knowing that nobody is in a cell tells nothing about a person.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

SMALL_MAX = 4
HIDDEN = "<5"
# A cell hidden only so that a total cannot give a small one away. It is not small, so
# calling it '<5' would be untrue — and would let a reader solve the sum: two '<5' cells
# that add up to 8 must both be 4.
PROTECTED = "x"


def is_small(people: int) -> bool:
    return 1 <= people <= SMALL_MAX


def share_is_hidden(part: int, whole: int) -> bool:
    """A share reveals its part, and the rest, once the whole is known."""
    return is_small(whole) or is_small(part) or is_small(whole - part)


def hidden_cells(values: Mapping[K, int], sums: Iterable[tuple[K, Sequence[K]]]) -> set[K]:
    """The cells to hide: the small ones, and enough others that no (total, parts)
    relation has exactly one hidden cell."""
    hidden = {key for key, value in values.items() if is_small(value)}
    relations = [(total, tuple(parts)) for total, parts in sums]
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            cells = (total, *parts)
            if sum(1 for cell in cells if cell in hidden) != 1:
                continue
            candidates = [p for p in parts if p not in hidden and values.get(p, 0) > 0]
            if candidates:
                hidden.add(min(candidates, key=lambda p: (values[p], parts.index(p))))
            elif total not in hidden and values.get(total, 0) > 0:
                hidden.add(total)
            else:
                continue
            changed = True
    return hidden
