"""What changed between two versions of a text, line by line."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "+" added, "-" removed, " " unchanged context, "@" a gap between hunks
    text: str


def diff_lines(old: str, new: str, context: int = 2) -> list[DiffLine]:
    """Added and removed lines with a little unchanged context; empty when equal."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=context))
    result: list[DiffLine] = []
    # The first two lines name the files; a text line may itself start with "---".
    for line in lines[2:]:
        if line.startswith("@@"):
            result.append(DiffLine("@", "…"))
        else:
            result.append(DiffLine(line[0], line[1:]))
    return result
