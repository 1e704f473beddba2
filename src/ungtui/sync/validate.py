"""Every change from another install is checked against the schema before any is applied.

A sync file (or an in-memory change set) is a manifest and a stream of changes in
sections: organisation merges, grants, purges, records, person merges, and an end line
with the count of each. This module checks each of them, in one pass and in bounded
memory, without touching the database:

- the manifest: the sender named in the header, sequence numbers that are counters (whole
  numbers, not negative, in order), the kind (full or delta) the header names, and
  acknowledgements of the form [sequence number, file id];
- sections in their order, each change an object of its kind, counts that add up;
- a record: a known table (an unknown one is refused, not kept or sent on), a well-formed
  record id, only known fields, each field a register {"v": versions, "vv": version
  vector} (a register without its version vector is refused); a removed record carries
  no values, a live one at least one; at most MAX_VERSIONS competing versions;
- each version [value, stamp, site]: the value of the column's type (domain.values:
  dates are dates, yes/no is true or false, numbers are numbers, text is text of the
  column's length and without control characters), a well-formed stamp and site, and
  covered by the register's own version vector;
- every stamp — of versions, of version vectors, of removals and merges — well formed and
  not more than the allowed skew (one day) ahead of this computer's wall clock. The
  version vector is checked too: a vector far in the future would make every later edit
  look already seen, and so blank a field for good.

The first problem refuses the whole file, with one Swedish line naming the change: its
table, field and record id, never a value (values may be personal data). Names that came
from the file (an unknown table or field) are shown only when they are plain identifiers.

The checker also finds the newest stamp, which the import's clock then moves past.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, String, TypeDecorator

from ungtui.domain import values as rules
from ungtui.sync import hlc as hlcmod
from ungtui.sync.fileformat import SyncFileError
from ungtui.sync.state import SHIPPED_SITE, SYNCED_COLUMNS, TABLES

SECTIONS = ("om", "g", "p", "rows", "m")
MANIFEST_KEYS = frozenset({"sender", "seq_from", "seq_to", "full", "acks"})
ROW_KEYS = frozenset({"t", "id", "f", "d", "o"})
REGISTER_KEYS = frozenset({"v", "vv", "s"})
# Concurrent versions of one field, and installs in one version vector: far more than any
# team has, few enough that one register stays small.
MAX_VERSIONS = 64
MAX_SITES = 1024
MAX_ACKS = 10_000
# Commas and brackets in one line: a record of legitimate size has a few thousand at most.
# Refused before parsing, so that a line cannot make the parser build millions of objects.
MAX_TOKENS = 1_000_000

_HLC = re.compile(r"\d{13}\.\d{5}")
_ORG_KEY = re.compile(r"\d{6}-\d{4}")
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,40}")
# Columns that hold the id of the individual a record is about: who may receive it and
# whose it is depend on them, so they must be ids (or empty).
PERSON_COLUMNS = frozenset({"individual_id"})


class ChangeError(SyncFileError):
    """A change that may not be applied: the file is refused whole."""


def refusal(problem: str) -> ChangeError:
    return ChangeError(
        f"Filen har inte lästs in: {problem}. Ingenting har ändrats; be avsändaren rätta "
        "det och göra en ny export."
    )


def _shown(name: object) -> str:
    """A name from the file, shown only if it is a plain identifier."""
    return f" ({name})" if isinstance(name, str) and _NAME.fullmatch(name) else ""


def _checker(tbl: str, col: str) -> Callable[[Any], str | None]:
    """The value rule of one synced column, from its SQL type and domain.values."""
    column = TABLES[tbl].c[col]
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if col in PERSON_COLUMNS:
        return lambda v: None if v is None or v == "" else rules.record_id_problem(v)
    if isinstance(kind, Boolean):
        return rules.bool_problem
    if isinstance(kind, DateTime):
        return rules.datetime_problem
    if isinstance(kind, Date):
        return rules.date_problem
    if isinstance(kind, Integer):
        return rules.int_problem
    if isinstance(kind, Float):
        return rules.number_problem
    if isinstance(kind, String):
        check = rules.text_check(tbl, col)

        def text(value: Any) -> str | None:
            if type(value) is not str:
                return "ska vara text"
            return check(value)

        return text
    raise TypeError(f"no value rule for {tbl}.{col}")


# None is allowed in every column: a field written empty (a missing value is stored as
# null in the register and materialised as the column's default).
CHECKERS: dict[str, dict[str, Callable[[Any], str | None]]] = {
    tbl: {col: _checker(tbl, col) for col in cols} for tbl, cols in SYNCED_COLUMNS.items()
}


def skew_limit(now_ms: int | None = None) -> str:
    """The newest stamp a file may carry: this computer's wall clock plus the skew."""
    now_ms = hlcmod.wall_millis() if now_ms is None else now_ms
    return hlcmod.encode(now_ms + hlcmod.MAX_AHEAD_MS, 99999)


class Checker:
    """Checks a manifest and the changes after it, one at a time."""

    def __init__(
        self,
        *,
        sender_site: str | None = None,
        full: bool | None = None,
        limit: str | None = None,
    ) -> None:
        self.sender_site = sender_site
        self.full = full
        self.limit = limit or skew_limit()
        self.newest = hlcmod.encode(0, 0)
        self.counts = dict.fromkeys(SECTIONS, 0)
        self.position = 0  # the change being checked, counted from 1
        self._section = 0
        self._stamps: set[str] = set()
        self._sites: set[str] = {SHIPPED_SITE}

    # --- manifest and end --------------------------------------------------------------

    def manifest(self, data: object) -> dict:
        if type(data) is not dict or not data.keys() <= MANIFEST_KEYS or len(data) != 5:
            raise refusal("filens innehållsförteckning är inte giltig")
        sender = data["sender"]
        if type(sender) is not str or not rules.UUID.fullmatch(sender):
            raise refusal("filens innehållsförteckning saknar en giltig avsändare")
        if self.sender_site is not None and sender != self.sender_site:
            raise refusal("filens innehåll kommer från en annan avsändare än huvudet anger")
        seq_from, seq_to = data["seq_from"], data["seq_to"]
        if not (_counter(seq_from) and _counter(seq_to) and seq_from <= seq_to + 1):
            raise refusal("filens ändringsnummer är inte giltiga")
        full = data["full"]
        if type(full) is not bool or (self.full is not None and full != self.full):
            raise refusal("filens innehåll stämmer inte med huvudet (fullständig eller ändringar)")
        acks = data["acks"]
        if type(acks) is not dict or len(acks) > MAX_ACKS:
            raise refusal("filens bekräftelser är inte giltiga")
        for site, ack in acks.items():
            if not (
                self._site(site)
                and type(ack) is list
                and len(ack) == 2
                and _counter(ack[0])
                and type(ack[1]) is str
                and rules.UUID.fullmatch(ack[1])
            ):
                raise refusal("filens bekräftelser är inte giltiga")
        return data

    def end(self, data: object) -> None:
        counts = data.get("end") if type(data) is dict and len(data) == 1 else None
        if type(counts) is not dict or counts != self.counts:
            raise refusal("filens sista rad stämmer inte med antalet ändringar i den")

    # --- changes -----------------------------------------------------------------------

    def item(self, data: object) -> None:
        self.position += 1
        if type(data) is not dict:
            raise refusal(f"ändring nr {self.position} är inte en post")
        if "t" in data:
            section = 3
            self._row(data)
        elif len(data) != 1:
            raise refusal(f"ändring nr {self.position} är av en okänd sort")
        elif "om" in data:
            section = 0
            self._edge(data["om"])
        elif "g" in data:
            section = 1
            self._id(data["g"])
        elif "p" in data:
            section = 2
            self._id(data["p"])
        elif "m" in data:
            section = 4
            self._edge(data["m"])
        else:
            raise refusal(f"ändring nr {self.position} är av en okänd sort")
        if section < self._section:
            raise refusal(f"ändring nr {self.position} står på fel plats i filen")
        self._section = section
        self.counts[SECTIONS[section]] += 1

    def _id(self, value: object) -> None:
        if rules.record_id_problem(value):
            raise refusal(f"ändring nr {self.position} har ett post-id som inte är giltigt")

    def _edge(self, edge: object) -> None:
        if not (
            type(edge) is list
            and len(edge) == 4
            and type(edge[0]) is str
            and type(edge[1]) is str
            and rules.UUID.fullmatch(edge[0])
            and rules.UUID.fullmatch(edge[1])
            and edge[0] < edge[1]
            and self._site(edge[3])
        ):
            raise refusal(f"sammanslagningen i ändring nr {self.position} är inte giltig")
        if problem := self._stamp(edge[2]):
            raise refusal(f"sammanslagningen i ändring nr {self.position} {problem}")

    def _row(self, row: dict) -> None:
        tbl, rid = row.get("t"), row.get("id")
        if not row.keys() <= ROW_KEYS or "id" not in row or "f" not in row:
            raise refusal(f"ändring nr {self.position} är inte en giltig post")
        columns = CHECKERS.get(tbl) if type(tbl) is str else None
        if columns is None:
            raise refusal(f"ändring nr {self.position} gäller en okänd sorts post{_shown(tbl)}")
        if rules.record_id_problem(rid):
            raise refusal(f"ändring nr {self.position} ({tbl}) har ett post-id som inte är giltigt")
        where = f"posten {tbl} {rid}"
        removed = row.get("d")
        if removed is not None:
            if not (type(removed) is list and len(removed) == 2 and self._site(removed[1])):
                raise refusal(f"borttagningen av {where} är inte giltig")
            if problem := self._stamp(removed[0]):
                raise refusal(f"borttagningen av {where} {problem}")
        origin = row.get("o")
        if origin is not None and not (
            type(origin) is str and (_ORG_KEY.fullmatch(origin) or rules.UUID.fullmatch(origin))
        ):
            raise refusal(f"{where} anger en ursprunglig organisation som inte är giltig")
        fields = row["f"]
        if type(fields) is not dict:
            raise refusal(f"{where} har inga giltiga fält")
        for col, reg in fields.items():
            check = columns.get(col) if type(col) is str else None
            if check is None:
                raise refusal(f"{where} har ett okänt fält{_shown(col)}")
            problem = self._register(reg, check, removed is not None)
            if problem:
                raise refusal(f"fältet {col} i {where} {problem}")

    def _register(self, reg: object, check: Callable, removed: bool) -> str | None:
        """None, or what is wrong with one register (the hot path: written for speed)."""
        # Most registers hold one version whose own stamp is the whole vector, with a stamp
        # and a site already seen in this file: checked in a few steps.
        if type(reg) is dict and not removed:
            versions, vv = reg.get("v"), reg.get("vv")
            size = len(reg)
            if (
                type(versions) is list
                and len(versions) == 1
                and type(vv) is dict
                and len(vv) == 1
                and (size == 2 or (size == 3 and _counter(reg.get("s"))))
            ):
                version = versions[0]
                if type(version) is list and len(version) == 3:
                    value, stamp, site = version
                    if (
                        type(stamp) is str
                        and type(site) is str
                        and vv.get(site) == stamp
                        and stamp in self._stamps
                        and site in self._sites
                    ):
                        return None if value is None else check(value)
        if type(reg) is not dict or "v" not in reg or not reg.keys() <= REGISTER_KEYS:
            return "är inte giltigt"
        vv = reg.get("vv")
        if vv is None:
            return "saknar sin versionsvektor"
        if type(vv) is not dict or not 0 < len(vv) <= MAX_SITES:
            return "har ingen giltig versionsvektor"
        stamps, sites = self._stamps, self._sites
        for site, stamp in vv.items():
            if type(stamp) is not str:
                return "har en tidsstämpel som inte är giltig"
            if site not in sites and not self._site(site):
                return "har en versionsvektor som inte är giltig"
            if stamp not in stamps and (problem := self._stamp(stamp)):
                return problem
        if "s" in reg and not _counter(reg["s"]):
            return "har ett ändringsnummer som inte är giltigt"
        versions = reg["v"]
        if type(versions) is not list or len(versions) > MAX_VERSIONS:
            return "har inga giltiga versioner"
        if removed:
            return "har värden fast posten är borttagen" if versions else None
        if not versions:
            return "saknar värde"
        for version in versions:
            if type(version) is not list or len(version) != 3:
                return "har en version som inte är giltig"
            value, stamp, site = version
            if type(stamp) is not str or type(site) is not str:
                return "har en version som inte är giltig"
            if stamp not in stamps and (problem := self._stamp(stamp)):
                return problem
            if site not in sites and not self._site(site):
                return "har en version från en installation som inte är giltig"
            if vv.get(site, "") < stamp:
                return "har en version som dess versionsvektor inte täcker"
            if value is not None and (problem := check(value)):
                return problem
        if len(versions) > 1 and len({(v[1], v[2]) for v in versions}) < len(versions):
            return "har två versioner med samma tidsstämpel"
        return None

    def _stamp(self, stamp: object) -> str | None:
        """None for a stamp well formed and not too far ahead (remembered), else why."""
        if type(stamp) is not str or not _HLC.fullmatch(stamp):
            return "har en tidsstämpel som inte är giltig"
        if stamp > self.limit:
            return (
                "har en tidsstämpel mer än ett dygn före den här datorns klocka "
                "(avsändarens klocka går fel?)"
            )
        if stamp > self.newest:
            self.newest = stamp
        if len(self._stamps) > 200_000:
            self._stamps.clear()
        self._stamps.add(stamp)
        return None

    def _site(self, site: object) -> bool:
        if type(site) is not str:
            return False
        if site in self._sites:
            return True
        if rules.UUID.fullmatch(site):
            if len(self._sites) > 10_000:
                self._sites = {SHIPPED_SITE}
            self._sites.add(site)
            return True
        return False


def _counter(value: object) -> bool:
    return type(value) is int and 0 <= value < 2**63


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a number here")


def parse(line: bytes, position: int) -> Any:
    """One line of JSON, refused before parsing when it could only be a flood of objects."""
    if line.count(b",") + line.count(b"[") + line.count(b"{") > MAX_TOKENS:
        raise refusal(f"ändring nr {position} är orimligt stor")
    try:
        return json.loads(line.decode("utf-8"), parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise refusal(f"ändring nr {position} går inte att läsa (inte giltig JSON)") from None


def checked_lines(lines: Iterable[bytes], checker: Checker) -> Iterator[Any]:
    """Parse and check the lines of a body: the manifest first, then each change (yielded
    once checked), then the end line. Nothing is yielded past the first problem."""
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        raise refusal("filen är tom")
    yield checker.manifest(parse(first, 0))
    pending = None
    for line in iterator:
        if pending is not None:
            checker.item(pending)
            yield pending
        pending = parse(line, checker.position + 1)
    if pending is None:
        raise refusal("filen saknar sin sista rad")
    checker.end(pending)


def check_all(manifest: dict, items: Iterable[Any], checker: Checker) -> None:
    """Check an in-memory change set the same way as a file."""
    checker.manifest(manifest)
    for item in items:
        checker.item(item)
