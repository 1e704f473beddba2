"""A multi-value register with a version vector: one field of one record.

Concurrent writes to the same field are all kept until an edit that has seen them
replaces them; the visible value is the one with the greatest dot (hlc, site), the same
on every install. Equal values are one value. This is the rule sync.md §4 validated
against a model with any delivery order, repeats and losses.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

Version = tuple[Any, str, str]  # (value, hlc, site)


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _dot(version: Version) -> tuple[str, str]:
    return version[1], version[2]


@dataclass
class Register:
    versions: list[Version] = field(default_factory=list)
    vv: dict[str, str] = field(default_factory=dict)
    # This install's sequence number when the register last changed: the export cursor.
    seq: int = field(default=0, compare=False)

    @property
    def value(self) -> Any:
        return self.versions[0][0] if self.versions else None

    @property
    def in_conflict(self) -> bool:
        return len(self.versions) > 1

    def to_json(self, with_seq: bool = True) -> dict:
        data: dict[str, Any] = {"v": [list(v) for v in self.versions], "vv": self.vv}
        if with_seq:
            data["s"] = self.seq
        return data

    @classmethod
    def from_json(cls, data: dict) -> Register:
        return cls([tuple(v) for v in data["v"]], dict(data["vv"]), data.get("s", 0))


def covered(version: Version, vv: dict[str, str]) -> bool:
    return vv.get(version[2], "") >= version[1]


def _normal(versions: list[Version]) -> list[Version]:
    best: dict[str, Version] = {}
    for version in versions:
        key = _key(version[0])
        if key not in best or _dot(version) > _dot(best[key]):
            best[key] = version
    return sorted(best.values(), key=_dot, reverse=True)


def merge(a: Register, b: Register) -> Register:
    a_dots = {_dot(v) for v in a.versions}
    b_dots = {_dot(v) for v in b.versions}
    kept = [v for v in a.versions if _dot(v) in b_dots or not covered(v, b.vv)]
    kept += [v for v in b.versions if _dot(v) not in a_dots and not covered(v, a.vv)]
    vv = dict(a.vv)
    for site, stamp in b.vv.items():
        if stamp > vv.get(site, ""):
            vv[site] = stamp
    return Register(_normal(kept), vv)


def write(current: Register | None, value: Any, hlc: str, site: str, seq: int = 0) -> Register:
    """A local edit: it has seen every version here, so it replaces them all."""
    vv = dict(current.vv) if current else {}
    vv[site] = hlc
    return Register([(value, hlc, site)], vv, seq)


def smallest_of_groups(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each id of a connected group of "same record" edges mapped to the group's smallest
    id. Edge union commutes, so installs holding the same edges agree (sync.md §6.3)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}
