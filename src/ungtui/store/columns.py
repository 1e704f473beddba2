"""Many new rows of one table given column by column, for bulk writes of made-up data.

A demo of 100,000 people makes about a million rows; a dict per row, read back key by
key to build each column, cost more than SQLite's insert of them. A generator that already
holds its values in lists hands them over as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Columns:
    """`count` rows: `values` holds one sequence of `count` values per column, `same` a
    value that every row has in that column."""

    count: int
    values: dict[str, Sequence[Any]]
    same: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, column in self.values.items():
            if len(column) != self.count:
                raise ValueError(f"column {name} has {len(column)} values, not {self.count}")
        both = self.values.keys() & self.same.keys()
        if both:
            raise ValueError(f"columns given twice: {sorted(both)}")

    @classmethod
    def of_tuples(
        cls, names: Sequence[str], rows: Sequence[Sequence[Any]], same: dict[str, Any] | None = None
    ) -> Columns:
        """From rows as tuples in the order of `names`."""
        values: dict[str, Sequence[Any]]
        if rows:
            values = dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))
        else:
            values = {name: [] for name in names}
        return cls(len(rows), values, dict(same or {}))

    def names(self) -> list[str]:
        return [*self.values, *self.same]

    def column(self, name: str, missing: Any = None) -> Sequence[Any]:
        """The values of one column; `missing` for each row if the column is not given."""
        if name in self.values:
            return self.values[name]
        return [self.same.get(name, missing)] * self.count
