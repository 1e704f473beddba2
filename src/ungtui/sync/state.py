"""Sync bookkeeping inside the database: identity, clock, field registers, materialising.

Everything here works on one SQLAlchemy Connection inside the caller's transaction, so a
change and its stamps are written together or not at all.
"""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from itertools import repeat
from operator import itemgetter
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Boolean, Date, DateTime, TypeDecorator
from sqlalchemy.engine import Connection

from ungtui.domain.text import person_search_key, person_sort_key
from ungtui.store.columns import Columns
from ungtui.store.database import instance_of
from ungtui.store.models import DOMAIN_TABLES, table_name, table_of
from ungtui.sync import hlc as hlcmod
from ungtui.sync import holders
from ungtui.sync import org_identity as orgs
from ungtui.sync.register import Register, write

# Columns that are this install's own bookkeeping or derived from other columns.
LOCAL_COLUMNS = {
    "id",
    "created_at",
    "updated_at",
    "deleted_at",
    "search_key",
    "sort_key",
    "merged_into",
    "identity_here",
}
TABLES = {table_name(model): table_of(model) for model in DOMAIN_TABLES}
# Shipped starting content is written with this one dot on every install that loads it,
# so two installs hold identical registers for it: it merges without a conflict, and a
# later edit anywhere covers it (its version vector includes the dot).
SHIPPED_SITE = "ungtui-startinnehall"
SHIPPED_HLC = hlcmod.encode(0, 1)
SYNCED_COLUMNS = {
    name: [c.name for c in table.columns if c.name not in LOCAL_COLUMNS]
    for name, table in TABLES.items()
}


# --- values between Python, JSON and the domain tables --------------------------------


def to_json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _column_type(tbl: str, col: str) -> Any:
    # SQLModel stores datetimes through a decorator (aware UTC); its base is a DateTime.
    column_type = TABLES[tbl].c[col].type
    return column_type.impl if isinstance(column_type, TypeDecorator) else column_type


def from_json_value(tbl: str, col: str, value: Any) -> Any:
    if value is None:
        return None
    column_type = _column_type(tbl, col)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Boolean):
        return bool(value)
    return value


def blank_value(tbl: str, col: str) -> Any:
    """What a tombstoned record holds instead of its values."""
    column = TABLES[tbl].c[col]
    column_type = _column_type(tbl, col)
    if column.nullable:
        return None
    if isinstance(column_type, Boolean):
        return False
    if isinstance(column_type, DateTime):
        return datetime(1, 1, 1, tzinfo=UTC)
    if isinstance(column_type, Date):
        return date(1, 1, 1)
    return ""


# --- bulk writes ---------------------------------------------------------------------

# Pages SQLite keeps in memory while one import writes a whole file (KiB): inserts into
# the large indexes of 100,000 people then mostly find their pages in memory. An import
# of that size measured 90 s with SQLite's default 2 MiB, 78 s with this.
BULK_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def bulk_writes(conn: Connection) -> Iterator[None]:
    """A larger page cache for the length of one bulk write, then the usual one again
    (the connection goes back to the pool)."""
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


# --- identity and clock ------------------------------------------------------------


def _meta(conn: Connection) -> dict[str, str]:
    return dict(conn.exec_driver_sql("SELECT key, value FROM sync_meta").all())


def _set_meta(conn: Connection, **values: str) -> None:
    conn.exec_driver_sql(
        "INSERT OR REPLACE INTO sync_meta (key, value) VALUES (?, ?)",
        [(k, v) for k, v in values.items()],
    )


def meta_value(conn: Connection, key: str) -> str | None:
    return _meta(conn).get(key)


def set_meta_value(conn: Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.exec_driver_sql("DELETE FROM sync_meta WHERE key = ?", (key,))
    else:
        _set_meta(conn, **{key: value})


def ensure_identity(conn: Connection) -> dict[str, str]:
    """This install's identity, made when first needed. A database file copied to another
    place (or a backup put back) must not go on as the install it came from: two installs
    writing under one site id would make edits collide unseen. So when the file is not the
    one the identity was made on, a new site id and key are made, and the next export is a
    full one so that peers are not told of a gap. This is checked here, before the first
    write, rather than on open: opening a file only to read it changes nothing in it."""
    meta = _meta(conn)
    here = instance_of(conn)
    if meta.get("instance") != here:
        if "site_id" in meta:
            conn.exec_driver_sql("DELETE FROM sync_meta WHERE key IN ('site_id', 'signing_key')")
            _set_meta(conn, full_next="1")
        _set_meta(conn, instance=here)
        meta = _meta(conn)
    if "site_id" not in meta:
        rekey(conn)
        meta = _meta(conn)
    return meta


def rekey(conn: Connection) -> str:
    """A new site id and signing key: for a new install, or a copy of another install."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    site = str(uuid.uuid4())
    meta = _meta(conn)
    _set_meta(
        conn,
        site_id=site,
        signing_key=base64.b64encode(raw).decode(),
        clock=meta.get("clock", hlcmod.encode(0, 0)),
        seq=meta.get("seq", "0"),
    )
    if "site_id" in meta:
        _set_meta(conn, full_next="1")  # see build_changes
    return site


def site_id(conn: Connection) -> str:
    return ensure_identity(conn)["site_id"]


def current_identity(conn: Connection) -> dict[str, str] | None:
    """The identity if this file has its own already, without making one (a read)."""
    meta = _meta(conn)
    if meta.get("instance") != instance_of(conn) or "site_id" not in meta:
        return None
    return meta


def key_from(meta: dict[str, str]) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(meta["signing_key"]))


def signing_key(conn: Connection) -> Ed25519PrivateKey:
    return key_from(ensure_identity(conn))


def clock(conn: Connection) -> hlcmod.Clock:
    return hlcmod.Clock(ensure_identity(conn)["clock"])


def save_clock(conn: Connection, value: hlcmod.Clock) -> None:
    _set_meta(conn, clock=value.last)


def next_seq(conn: Connection) -> int:
    seq = int(ensure_identity(conn)["seq"]) + 1
    _set_meta(conn, seq=str(seq))
    return seq


def current_seq(conn: Connection) -> int:
    return int(ensure_identity(conn)["seq"])


# --- registers ---------------------------------------------------------------------


# A record created in bulk (a table import, demo data) has every register written by one
# dot and seen by nothing else: {col: {"v": [[value, hlc, site]], "vv": {site: hlc}, "s":
# seq}} repeats the same hlc, site and seq twice or thrice per field, some 1.6 KB a person.
# Such records are stored compact instead, {"@": [hlc, site, seq], col: value, ...}, which
# carries the same registers: `registers_json` expands it wherever registers are read, and
# a file always carries the full form (`full_json`). Any later write to the record stores
# the full form again. "@" is no column name, so the two forms cannot be confused.
COMPACT_MARK = '{"@":'


def _iso(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is no register value")


# to_json_value by the encoder itself: it asks only for what JSON has no form of.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_iso)


def compact_json(stamp: str, site: str, seq: int, values: dict[str, Any]) -> str:
    """The stored form of a record's registers written all at once by one dot."""
    data: dict[str, Any] = {"@": [stamp, site, seq]}
    for col in sorted(values):
        data[col] = values[col]
    return _COMPACT.encode(data)


def _expanded(data: dict, with_seq: bool = True) -> dict[str, dict]:
    stamp, site, seq = data.pop("@")
    vv = {site: stamp}
    if with_seq:
        return {
            col: {"v": [[value, stamp, site]], "vv": vv, "s": seq} for col, value in data.items()
        }
    return {col: {"v": [[value, stamp, site]], "vv": vv} for col, value in data.items()}


def registers_json(text: str) -> dict[str, dict]:
    """A stored `sync_row.fields`, compact or not, as {col: {"v", "vv", "s"}}."""
    data = json.loads(text)
    return _expanded(data) if text.startswith(COMPACT_MARK) else data


def full_json(text: str) -> str:
    """A stored `sync_row.fields` as a file carries it: the full form (a compact one
    expanded; the full form as stored, its local "s" left in and ignored by readers)."""
    if not text.startswith(COMPACT_MARK):
        return text
    return json.dumps(
        _expanded(json.loads(text), with_seq=False), ensure_ascii=False, separators=(",", ":")
    )


def register_count(text: str) -> int:
    """How many registers a stored `fields` holds, without parsing the full form."""
    if text.startswith(COMPACT_MARK):
        return len(json.loads(text)) - 1
    return text.count('"vv":')


def load_row(conn: Connection, tbl: str, row_id: str) -> tuple[dict[str, Register], tuple | None]:
    found = conn.exec_driver_sql(
        "SELECT fields, tomb_hlc, tomb_site FROM sync_row WHERE tbl = ? AND row_id = ?",
        (tbl, row_id),
    ).first()
    if found is None:
        return {}, None
    fields = {col: Register.from_json(data) for col, data in registers_json(found[0]).items()}
    tomb = (found[1], found[2]) if found[1] else None
    return fields, tomb


def fields_json(fields: dict[str, Register]) -> str:
    return json.dumps(
        {col: reg.to_json() for col, reg in sorted(fields.items())},
        ensure_ascii=False,
        separators=(",", ":"),
    )


_SAVE_ROW = (
    "INSERT INTO sync_row"
    " (tbl, row_id, fields, tomb_hlc, tomb_site, local_seq, conflicts, origin)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tbl, row_id) DO UPDATE SET"
    " fields = excluded.fields, tomb_hlc = excluded.tomb_hlc,"
    " tomb_site = excluded.tomb_site, local_seq = excluded.local_seq,"
    " conflicts = excluded.conflicts, origin = coalesce(sync_row.origin, excluded.origin)"
)


def _row_params(
    tbl: str,
    row_id: str,
    fields: dict[str, Register],
    tomb: tuple | None,
    seq: int,
    origin: str | None,
) -> tuple:
    conflicts = sum(1 for reg in fields.values() if reg.in_conflict)
    return (
        tbl,
        row_id,
        fields_json(fields),
        tomb[0] if tomb else None,
        tomb[1] if tomb else None,
        seq,
        conflicts,
        origin,
    )


def save_row(
    conn: Connection,
    tbl: str,
    row_id: str,
    fields: dict[str, Register],
    tomb: tuple | None,
    seq: int,
    origin: str | None = None,
) -> None:
    """Write a record's registers. Its origin, the organisation whose install created it,
    is set once: the first known value stays."""
    conn.exec_driver_sql(_SAVE_ROW, _row_params(tbl, row_id, fields, tomb, seq, origin))


def save_rows(conn: Connection, rows: list[tuple]) -> None:
    """Registers of many records in one statement: (tbl, row_id, fields JSON, tomb hlc,
    tomb site, seq, conflicts, origin)."""
    if rows:
        conn.exec_driver_sql(_SAVE_ROW, rows)


def row_origin(conn: Connection, tbl: str, row_id: str) -> str | None:
    return conn.exec_driver_sql(
        "SELECT origin FROM sync_row WHERE tbl = ? AND row_id = ?", (tbl, row_id)
    ).scalar()


def _next_stamp(conn: Connection) -> tuple[str, str, int]:
    """This install's site, a new clock stamp and a new sequence number for one write."""
    meta = ensure_identity(conn)
    tick = hlcmod.Clock(meta["clock"])
    stamp = tick.tick()
    save_clock(conn, tick)
    return meta["site_id"], stamp, next_seq(conn)


def stamp_local(
    conn: Connection,
    changes: Iterable[tuple[str, str, dict[str, Any]]],
    removals: Iterable[tuple[str, str]],
    *,
    shipped: set[tuple[str, str]] | frozenset = frozenset(),
) -> None:
    """Record local edits: one clock tick and one sequence number per transaction.
    `shipped`: (table, id) of new records that are shipped starting content, created
    with the shipped dot and no origin."""
    changes, removals = list(changes), list(removals)
    if not changes and not removals:
        return
    site, stamp, seq = _next_stamp(conn)
    origin = holders.own_holder_key(conn)
    for tbl, row_id, values in changes:
        fields, tomb = load_row(conn, tbl, row_id)
        if tomb:
            continue
        content = (tbl, row_id) in shipped and not fields
        dot_site, dot = (SHIPPED_SITE, SHIPPED_HLC) if content else (site, stamp)
        for col, value in values.items():
            if col in LOCAL_COLUMNS:
                continue
            fields[col] = write(fields.get(col), to_json_value(value), dot, dot_site, seq)
        save_row(conn, tbl, row_id, fields, None, seq, None if content else origin)
    for tbl, row_id in removals:
        fields, tomb = load_row(conn, tbl, row_id)
        save_row(conn, tbl, row_id, blanked(fields, seq), tomb or (stamp, site), seq)
        materialize(conn, tbl, row_id)


def stamp_new_rows(
    conn: Connection,
    rows_by_table: dict[str, Sequence[dict[str, Any]] | Columns]
    | Iterable[tuple[str, Sequence[dict[str, Any]] | Columns]],
) -> None:
    """Stamp freshly inserted records in bulk (demo data, table imports): one clock tick
    and one sequence number, and no reads, since such records have no registers yet.
    The records come table by table, as dicts or column by column (a table may come
    more than once)."""
    site, stamp, seq = _next_stamp(conn)
    origin = holders.own_holder_key(conn)
    chunks = rows_by_table.items() if isinstance(rows_by_table, dict) else rows_by_table
    by_table: dict[str, list[tuple[str, str]]] = {}
    for tbl, rows in chunks:
        texts = compact_texts(stamp, site, seq, SYNCED_COLUMNS[tbl], rows)
        ids = rows.column("id") if isinstance(rows, Columns) else [row["id"] for row in rows]
        by_table.setdefault(tbl, []).extend(zip(ids, texts, strict=True))
    # In key order, so that each insert lands beside the last one in the index.
    params: list[tuple] = []
    for tbl in sorted(by_table):
        pairs = sorted(by_table[tbl], key=itemgetter(0))
        params += zip(repeat(tbl), *zip(*pairs, strict=True), repeat(seq), repeat(origin))
    conn.exec_driver_sql(
        "INSERT INTO sync_row"
        " (tbl, row_id, fields, tomb_hlc, tomb_site, local_seq, conflicts, origin)"
        " VALUES (?, ?, ?, NULL, NULL, ?, 0, ?)",
        params,
    )


def compact_texts(
    stamp: str,
    site: str,
    seq: int,
    columns: Iterable[str],
    rows: Sequence[dict[str, Any]] | Columns,
) -> list[str]:
    """compact_json of every row (a value it lacks is None), the same text, made column by
    column: each distinct value of a column is encoded once, and the pieces of a row are
    joined in C. For 100,000s of records the encoder per record cost more than SQLite's
    insert of them."""
    encode = _COMPACT.encode
    encode_text = json.encoder.encode_basestring  # _COMPACT keeps non-ASCII as it is
    count = rows.count if isinstance(rows, Columns) else len(rows)
    if not count:
        return []
    # Pieces every row shares (the dot, and columns with one value for all) are joined
    # into the piece before them once.
    pieces: list[Any] = []
    shared = encode({"@": [stamp, site, seq]})[:-1]
    for col in sorted(columns):
        key = "," + encode(col) + ":"
        if isinstance(rows, Columns):
            if col not in rows.values:
                shared += key + encode(rows.same.get(col))
                continue
            values = rows.values[col]
        else:
            values = [row.get(col) for row in rows]
        if shared:
            pieces.append(repeat(shared, count))
            shared = ""
        try:
            distinct = set(values)
        except TypeError:  # something unhashable: encode every value
            distinct = None
        kinds = set(map(type, values)) - {type(None)}
        if distinct is None or len(kinds) > 1:
            # Mixed kinds too: True == 1 and False == 0 would share one encoding.
            pieces.append([key + encode(v) for v in values])
            continue
        if kinds == {str}:
            # What the encoder does with a text, without its Python call for each.
            done = {v: key + ("null" if v is None else encode_text(v)) for v in distinct}
        elif kinds == {date}:
            # And with a day (by _iso): its ISO text, which needs no escaping.
            done = {v: key + ("null" if v is None else f'"{v.isoformat()}"') for v in distinct}
        else:
            done = {v: key + encode(v) for v in distinct}
        pieces.append(list(map(done.__getitem__, values)))
    pieces.append(repeat(shared + "}", count))
    return list(map("".join, zip(*pieces, strict=True)))


def blanked(fields: dict[str, Register], seq: int) -> dict[str, Register]:
    # Values go, version vectors stay: later copies of old edits are recognised as seen.
    return {col: Register([], reg.vv, seq) for col, reg in fields.items()}


# --- from registers to the domain tables -------------------------------------------


def materialize(conn: Connection, tbl: str, row_id: str) -> None:
    fields, tomb = load_row(conn, tbl, row_id)
    write_domain(conn, tbl, row_id, fields, tomb)


def write_domain(
    conn: Connection, tbl: str, row_id: str, fields: dict[str, Register], tomb: tuple | None
) -> None:
    """Set the domain row to the visible values of its registers (blank if removed)."""
    write_domain_rows(conn, tbl, [(row_id, visible_values(fields), tomb)])


def visible_values(fields: dict[str, Register]) -> dict[str, Any]:
    """The value each register shows (registers without versions show nothing)."""
    return {col: reg.value for col, reg in fields.items() if reg.versions}


def write_domain_rows(
    conn: Connection, tbl: str, rows: list[tuple[str, dict[str, Any], tuple | None]]
) -> None:
    """Set many domain rows of one table at once, from (id, visible values, removal):
    one prepared statement for them all, with the values converted as SQLAlchemy
    converts them (so a row written here reads exactly like one the services wrote)."""
    if not rows:
        return
    writer = _writer(conn, tbl)
    alias = orgs.alias_map(conn) if tbl in orgs.ORG_REFERENCES else {}
    now = writer.now()
    params = []
    for row_id, shown, tomb in rows:
        values = writer.values(shown, tomb)
        if alias:
            orgs.map_references(tbl, values, alias)
        if tbl == "individual":
            _derive_individual(values)
        if tomb:
            # A removal blanks the values everywhere, the change log's copies too; who did
            # what, and when, stays.
            conn.exec_driver_sql(
                "UPDATE changelog SET old_value = NULL, new_value = NULL WHERE record_id = ?"
                " AND (old_value IS NOT NULL OR new_value IS NOT NULL)",
                (row_id,),
            )
        params.append(writer.params(row_id, now, values))
    conn.exec_driver_sql(writer.sql, params)


class _DomainWriter:
    """The upsert of one table, built once: the statement and, per column, how a value
    from a register becomes the value SQLAlchemy would have passed to SQLite."""

    def __init__(self, tbl: str, dialect: Any) -> None:
        table = TABLES[tbl]
        self.synced = SYNCED_COLUMNS[tbl]
        written = [*self.synced, "deleted_at", "updated_at"]
        if tbl == "individual":
            written += ["search_key", "sort_key"]
        self.columns = ["id", "created_at", *written]
        names = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join("?" * len(self.columns))
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in written)
        if tbl == "individual":
            # A number that did not come from this install is not this install's to keep
            # unique: it leaves the unique index (store.migrations.V_IDENTITY_HERE), so that
            # what sync writes always lands and a duplicate goes to the queue instead.
            updates += (
                ', "identity_here" = CASE WHEN "individual"."identity_number" IS'
                ' excluded."identity_number" THEN "individual"."identity_here" ELSE NULL END'
            )
        self.sql = (
            f'INSERT INTO "{tbl}" ({names}) VALUES ({marks})'
            f" ON CONFLICT (id) DO UPDATE SET {updates}"
        )
        # Any: a column without a bind processor is never passed through one (params).
        self.processors: dict[str, Any] = {
            c: table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in self.columns
        }
        self.kinds = {c: _column_type(tbl, c) for c in self.synced}
        self.nullable = {c: table.c[c].nullable for c in self.synced}
        defaults: dict[str, Any] = {c: table.c[c].default for c in self.synced}
        self.defaults = {
            c: default.arg
            for c, default in defaults.items()
            if default is not None and not callable(default.arg)
        }
        self.blanks = {c: blank_value(tbl, c) for c in self.synced}

    def now(self) -> Any:
        return self.processors["created_at"](datetime.now(UTC))

    def values(self, shown: dict[str, Any], tomb: tuple | None) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for col in self.synced:
            if tomb is None and col in shown and (shown[col] is not None or self.nullable[col]):
                values[col] = shown[col]
            elif tomb is None and col in self.defaults:
                values[col] = self.defaults[col]
            else:
                values[col] = self.blanks[col]
        values["deleted_at"] = _stamp_time(tomb[0]) if tomb else None
        return values

    def params(self, row_id: str, now: Any, values: dict[str, Any]) -> tuple:
        out = [row_id, now]
        processors, kinds = self.processors, self.kinds
        for col in self.columns[2:]:
            if col == "updated_at":
                out.append(now)
                continue
            value = values[col]
            if value is not None:
                kind = kinds.get(col)
                if isinstance(kind, Date) and not isinstance(kind, DateTime):
                    if type(value) is not str:  # a register holds the ISO text already
                        value = processors[col](value)
                elif isinstance(kind, DateTime) or col == "deleted_at":
                    if type(value) is str:
                        value = datetime.fromisoformat(value)
                    value = processors[col](value)
                elif isinstance(kind, Boolean):
                    value = processors[col](bool(value))
                elif processors[col] is not None:
                    value = processors[col](value)
            out.append(value)
        return tuple(out)


_WRITERS: dict[tuple[str, str], _DomainWriter] = {}


def _writer(conn: Connection, tbl: str) -> _DomainWriter:
    key = (tbl, conn.dialect.name)
    if key not in _WRITERS:
        _WRITERS[key] = _DomainWriter(tbl, conn.dialect)
    return _WRITERS[key]


def _derive_individual(values: dict[str, Any]) -> None:
    first, last = values.get("first_name") or "", values.get("last_name") or ""
    values["search_key"] = person_search_key(
        first, last, values.get("identity_number"), values.get("reserve_id")
    )
    values["sort_key"] = person_sort_key(first, last)


def _stamp_time(stamp: str) -> datetime:
    return datetime.fromtimestamp(hlcmod.decode(stamp)[0] / 1000, UTC)
