"""The single door for writes to domain records.

Every create, change and removal goes through a UnitOfWork: one transaction, each changed
field written to the change log and stamped for sync (sync.state.stamp_local) in that same
transaction. So no other module may add or delete domain records in a session.

The few writes that are no domain record go through the same door, so that services open
no transaction of their own (tests/test_transactions.py names the exceptions): a setting
of this install, a row derived from records, and an audit entry for reading.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from itertools import repeat
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from ungtui.domain.fields import record_problems, rule_for, text_problem
from ungtui.domain.vocabulary import FIELD_LABELS
from ungtui.services import audit
from ungtui.services.errors import ServiceError, ValidationError, explain_database_error
from ungtui.store.columns import Columns
from ungtui.store.database import Database
from ungtui.store.models import ChangeLog, Record, Setting, utc_now
from ungtui.sync.state import SYNCED_COLUMNS, stamp_local, stamp_new_rows

REGISTERED_MEANWHILE = (
    "Numret registrerades nyss på en annan person, i ett annat fönster eller av en annan "
    "inläsning. Inget sparades."
)
CREATED = "*skapad*"
REMOVED = "*borttagen*"


def as_log_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


class UnitOfWork:
    def __init__(self, db: Database, actor_id: str | None, *, shipped: bool = False) -> None:
        """`shipped`: the records created are shipped starting content, stamped alike on
        every install that loads them (sync.state.SHIPPED_SITE)."""
        self._db = db
        self.actor_id = actor_id
        self.shipped = shipped
        self.session: Session
        self._changes: list[tuple[str, str, dict[str, Any]]] = []
        self._removals: list[tuple[str, str]] = []
        self._audit: dict[str, list[tuple[str | None, str]]] = {}
        # New records to stamp for sync, table by table, in the order they were written.
        self._inserted: list[tuple[str, Sequence[dict[str, Any]] | Columns]] = []
        self._shipped: set[tuple[str, str]] = set()
        self._collecting: bool | None = None  # the garbage collector's state before a bulk write
        # What insert_many created of each person: one audit entry a person, not a record.
        self._created_in_bulk: dict[str, list[str]] = {}

    def __enter__(self) -> UnitOfWork:
        self.session = Session(self._db.engine, expire_on_commit=False)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.session.flush()
                conn = self.session.connection()
                if self._inserted:
                    stamp_new_rows(conn, self._inserted)
                stamp_local(conn, self._changes, self._removals, shipped=self._shipped)
                if self._created_in_bulk:
                    self._audit.setdefault("skapade", []).extend(
                        (person, ", ".join(what)) for person, what in self._created_in_bulk.items()
                    )
                for action, entries in self._audit.items():
                    audit.write(conn, self.actor_id, action, entries)
                self.session.commit()
            else:
                self.session.rollback()
        except OperationalError as error:
            self.session.rollback()
            raise ServiceError(explain_database_error(error)) from error
        except IntegrityError as error:
            self.session.rollback()
            if "identity_number" not in str(error):
                raise
            # Two saves of one number raced; the unique index let the first one in.
            raise ValidationError({"identity": REGISTERED_MEANWHILE}) from error
        finally:
            self.session.close()
            if self._collecting:
                gc.enable()
        if isinstance(exc, OperationalError):
            raise ServiceError(explain_database_error(exc)) from exc
        if isinstance(exc, IntegrityError) and "identity_number" in str(exc):
            raise ValidationError({"identity": REGISTERED_MEANWHILE}) from exc

    def _bulk(self) -> None:
        """Before a bulk write: no garbage collection until the unit of work ends. A bulk
        write makes and keeps 100,000s of dicts and tuples, none in a cycle, and the
        collector would walk them all again and again; an import of 10,000 people spent
        some 0.3 s of its 5 s in it."""
        if self._collecting is None:
            self._collecting = gc.isenabled()
            gc.disable()

    def _log(self, record: Record, field: str, old: Any, new: Any) -> None:
        self.session.add(
            ChangeLog(
                table_name=record.__tablename__,
                record_id=record.id,
                field=field,
                old_value=as_log_text(old),
                new_value=as_log_text(new),
                actor_id=self.actor_id,
            )
        )

    def _audit_person(self, record: Record, action: str, fields: list[str] = ()) -> None:
        """Everything done to a person's records goes in the audit log by itself."""
        table = record.__tablename__
        person = record.id if table == "individual" else getattr(record, "individual_id", None)
        if person is None:
            return
        what = audit.RECORD_NAMES.get(table, table)
        labels = [FIELD_LABELS[f] for f in fields if f in FIELD_LABELS]
        if labels:
            what = f"{what}: {', '.join(labels).lower()}"
        self._audit.setdefault(action, []).append((person, what))

    @staticmethod
    def _check(table: str, values: dict[str, Any]) -> None:
        """The one door refuses text no screen or file should carry (domain.fields)."""
        problems = record_problems(table, values)
        if problems:
            raise ValidationError(problems)

    def create(self, record: Record, *, shipped: bool = False) -> Record:
        """Add a record; `shipped` (or a shipped unit of work) stamps it as starting
        content, alike on every install."""
        self._check(record.__tablename__, record.model_dump())
        if shipped or self.shipped:
            self._shipped.add((record.__tablename__, record.id))
        self.session.add(record)
        self._log(record, CREATED, None, None)
        self._audit_person(record, "skapade")
        columns = SYNCED_COLUMNS[record.__tablename__]
        self._changes.append(
            (record.__tablename__, record.id, {c: getattr(record, c) for c in columns})
        )
        return record

    def insert_many(
        self, model: type[Record], rows: list[dict[str, Any]] | Columns
    ) -> list[str]:
        """Create many new records at once (a table import): logged, audited and stamped for
        sync as create() does, but written with one statement per table instead of one ORM
        object per row, which costs far more than the write itself. The rows come as dicts
        or column by column; a value a row lacks is the model's default. Returns the ids."""
        given = rows if isinstance(rows, Columns) else _as_columns(model, rows)
        if not given.count:
            return []
        self._bulk()
        table = model.__tablename__
        _check_many(table, given)
        now = utc_now()
        # Ids in key order: each insert lands beside the last one in the index.
        ids = given.values.get("id") or sorted(new_ids(given.count))
        defaults = {
            name: info.default
            for name, info in model.model_fields.items()
            if info.default_factory is None
            and not info.is_required()
            and name not in given.values
            and name not in given.same
        }
        full = Columns(
            given.count,
            {**given.values, "id": ids},
            {
                **defaults,
                **{k: now for k in ("created_at", "updated_at") if k not in given.values},
                **{k: v for k, v in given.same.items() if k != "id"},
            },
        )
        conn = self.session.connection()
        bulk_insert(conn, model.__table__, full)
        # One log entry a record, column by column: only the ids differ from row to row.
        log = Columns(
            given.count,
            {"id": sorted(new_ids(given.count)), "record_id": ids},
            dict(
                at=now,
                table_name=table,
                field=CREATED,
                old_value=None,
                new_value=None,
                actor_id=self.actor_id,
            ),
        )
        bulk_insert(conn, ChangeLog.__table__, log)
        what = audit.RECORD_NAMES.get(table, table)
        people = ids if table == "individual" else full.column("individual_id")
        created = self._created_in_bulk
        for person in people:
            if person:
                created.setdefault(person, []).append(what)
        self._inserted.append((table, full))
        return list(ids)

    def insert_generated(self, model: type, rows: list[dict[str, Any]] | Columns) -> None:
        """Write made-up records as they are (demo data: ids, times and every value given
        by the caller, as dicts or column by column) and stamp them for sync. No change
        log or audit entries of their own: demo data writes the change log it shows itself
        (a `ChangeLog` model here is written and not stamped, as it is no synced record)."""
        if not (rows.count if isinstance(rows, Columns) else rows):
            return
        self._bulk()
        bulk_insert(self.session.connection(), model.__table__, rows)
        if model.__tablename__ in SYNCED_COLUMNS:
            self._inserted.append((model.__tablename__, rows))

    def update(self, record: Record, **values: Any) -> dict[str, tuple[Any, Any]]:
        """Set the given fields; returns {field: (old, new)} for those that changed."""
        changed: dict[str, tuple[Any, Any]] = {}
        self._check(
            record.__tablename__,
            {f: new for f, new in values.items() if getattr(record, f) != new},
        )
        for field, new in values.items():
            old = getattr(record, field)
            if old != new:
                setattr(record, field, new)
                changed[field] = (old, new)
                self._log(record, field, old, new)
        if changed:
            self._audit_person(record, "ändrade", list(changed))
            record.updated_at = utc_now()
            self.session.add(record)
            self._changes.append(
                (record.__tablename__, record.id, {f: new for f, (_old, new) in changed.items()})
            )
        return changed

    def remove(self, record: Record) -> None:
        """A tombstone: the record stays, marked removed, so the removal can travel."""
        if record.deleted_at is None:
            record.deleted_at = utc_now()
            record.updated_at = record.deleted_at
            self.session.add(record)
            self._log(record, REMOVED, None, None)
            self._audit_person(record, "tog bort")
            self._removals.append((record.__tablename__, record.id))

    # --- writes that are no domain record: nothing logged as a change, nothing synced ---

    def set_setting(self, key: str, value: str | None) -> None:
        """A setting of this install; None removes it."""
        setting = self.session.get(Setting, key)
        if value is None:
            if setting is not None:
                self.session.delete(setting)
        elif setting is None:
            self.session.add(Setting(key=key, value=value))
        else:
            setting.value = value
            self.session.add(setting)

    def store_derived(self, row: SQLModel) -> SQLModel:
        """A row derived from records (a cached state), replacing the one of its key:
        written with what it derives from, rebuilt on each install rather than synced."""
        return self.session.merge(row)

    def log_access(self, action: str, entries: list[tuple[str | None, str]]) -> None:
        """An audit entry that changes no record: personal data shown, handed out or
        exported (services.audit.ACTIONS); written when the unit of work commits."""
        self._audit.setdefault(action, []).extend(entries)


# --- bulk inserts ----------------------------------------------------------------------


class _Inserter:
    """One table's INSERT for many rows, with each value converted as SQLAlchemy converts
    it (so a row written here reads exactly like one the ORM wrote), without the cost of
    an SQLAlchemy statement per row: for 100,000 people that cost was several times the
    insert itself. Columns a row lacks get the column's default, as SQLAlchemy gives."""

    def __init__(self, table: Table, dialect: Any) -> None:
        self.table = table
        self.columns = [c.name for c in table.columns]
        self.processors = {
            c.name: c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns
        }
        self.defaults = {c.name: c.default for c in table.columns if c.default is not None}
        # An aware time as SQLAlchemy's SQLite DATETIME stores it (UTC, no offset, with
        # microseconds), by C methods instead of a format string per value.
        self.converters = {
            c.name: _utc_text
            for c in table.columns
            if isinstance(c.type, UTCDateTime)
            and dialect.name == "sqlite"
            and getattr(c.type.dialect_impl(dialect).impl, "_storage_format", None)
            == _SQLITE_DATETIME
        }

    def run(self, conn: Connection, rows: list[dict[str, Any]] | Columns) -> None:
        if isinstance(rows, Columns):
            given = set(rows.names())
            count = rows.count
        else:
            given = set()
            for row in rows:
                given.update(row)
            count = len(rows)
        unknown = given - set(self.columns)
        if unknown:
            raise ValueError(f"no such column in {self.table.name}: {sorted(unknown)}")
        columns = [c for c in self.columns if c in given or c in self.defaults]
        # Column by column: a comprehension per column costs far less than a loop per value.
        values: list[Any] = []
        done: dict[tuple[int, Any], tuple[Any, list[Any]]] = {}  # (the column, converted)
        for name in columns:
            convert = self.converters.get(name) or self.processors[name]
            if isinstance(rows, Columns) and name in rows.same:
                # One value for every row: converted once.
                value = rows.same[name]
                if convert is not None and value is not None:
                    value = convert(value)
                values.append(repeat(value, count))
                continue
            if isinstance(rows, Columns) and name in rows.values:
                column = rows.values[name]
            else:
                if isinstance(rows, Columns):
                    column = [_MISSING] * count
                else:
                    column = [row.get(name, _MISSING) for row in rows]
                if name not in given or _MISSING in column:
                    column = _with_defaults(column, self.defaults.get(name))
            if convert is not None:
                # The demo gives one list for created_at and updated_at: converted once.
                key = (id(column), convert)
                if key not in done:
                    done[key] = (column, _converted(column, convert))
                column = done[key][1]
            values.append(column)
        params = list(zip(*values, strict=True))
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        conn.exec_driver_sql(f'INSERT INTO "{self.table.name}" ({names}) VALUES ({marks})', params)


_MISSING = object()


def _with_defaults(column: list[Any], default: Any) -> list[Any]:
    """The column with each missing value replaced by the table column's default."""
    if default is None:
        return [None if v is _MISSING else v for v in column]
    if default.is_callable:
        return [default.arg(None) if v is _MISSING else v for v in column]
    return [default.arg if v is _MISSING else v for v in column]


def _converted(column: list[Any], convert: Any) -> list[Any]:
    """Converted values; each distinct value converted once (an import's rows share one
    creation time, many rows share a day or a yes/no)."""
    try:
        distinct = set(column)
    except TypeError:  # something unhashable: convert every value
        return [None if v is None else convert(v) for v in column]
    distinct.discard(None)
    done = {v: convert(v) for v in distinct}
    done[None] = None
    return [done[v] for v in column]


def new_ids(count: int) -> list[str]:
    """`count` new random (version 4) UUIDs as text, as store.models.new_id makes one:
    from one read of the system's random source, without a UUID object for each. The
    version nibble is set to 4 and the variant's two high bits to 10, as uuid.uuid4 does."""
    h = os.urandom(16 * count).hex()
    variant = _VARIANT
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-4{h[i + 13 : i + 16]}-"
        f"{variant[h[i + 16]]}{h[i + 17 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


# A random hex digit with its two high bits set to 10 (8, 9, a or b), its low two kept.
_VARIANT = {d: "89ab"[int(d, 16) & 3] for d in "0123456789abcdef"}


def _check_many(table: str, rows: Columns) -> None:
    """UnitOfWork._check for many rows. Column by column first: a column passes when its
    longest text is short enough and its texts joined by spaces hold no character the
    rule refuses (the rules refuse single characters, and never a space). Only when some
    column does not pass, or holds what that cannot judge, are the rows checked one by
    one, so that the first row with a problem is refused with record_problems' words."""
    columns = [*rows.values.items(), *((name, [v]) for name, v in rows.same.items())]
    for column, values in columns:
        kinds = set(map(type, values))
        if not any(issubclass(kind, str) for kind in kinds):
            continue
        rule = rule_for(table, column)
        if rule is None:
            continue
        if rule.json or not kinds <= _PLAIN:  # a str subclass: the slow, sure way
            return _check_rows(table, _as_rows(rows))
        texts = values if kinds == {str} else [v for v in values if type(v) is str]
        if max(map(len, texts), default=0) > rule.max_length or text_problem(
            " ".join(texts), multiline=rule.multiline, max_length=sys.maxsize
        ):
            return _check_rows(table, _as_rows(rows))
    return None


def _as_columns(model: type[Record], rows: list[dict[str, Any]]) -> Columns:
    """Rows as dicts, column by column; a value a row lacks is the model's default."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    values: dict[str, list[Any]] = {}
    for name in names:
        column = [row.get(name, _MISSING) for row in rows]
        if _MISSING in column:
            info = model.model_fields.get(name)
            if info is not None and info.default_factory is not None:
                column = [info.default_factory() if v is _MISSING else v for v in column]
            else:
                default = None if info is None or info.is_required() else info.default
                column = [default if v is _MISSING else v for v in column]
        values[name] = column
    return Columns(len(rows), values)


def _as_rows(rows: Columns) -> list[dict[str, Any]]:
    names = rows.names()
    columns = [rows.column(name) for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


# Kinds of value whose texts the column check above judges: text, and values that are no
# text at all (the door leaves those alone).
_PLAIN = {str, type(None), bool, int, float, date, datetime}


def _check_rows(table: str, rows: list[dict[str, Any]]) -> None:
    rules: dict[str, Any] = {}
    for row in rows:
        for column, value in row.items():
            if type(value) is not str:
                if isinstance(value, str):  # a str subclass: the slow, sure way
                    UnitOfWork._check(table, row)
                continue
            if column not in rules:
                rules[column] = rule_for(table, column)
            rule = rules[column]
            if rule is None:
                continue
            if rule.json or text_problem(
                value, multiline=rule.multiline, max_length=rule.max_length
            ):
                UnitOfWork._check(table, row)


_SQLITE_DATETIME = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


def _utc_text(value: datetime) -> str:
    if value.tzinfo is UTC:  # most: the same text with its "+00:00" cut off
        return value.isoformat(" ", "microseconds")[:-6]
    if value.utcoffset() is None:
        raise ValueError("a time without its time zone")  # as UTCDateTime refuses it
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


_INSERTERS: dict[tuple[str, str], _Inserter] = {}


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]] | Columns) -> None:
    """Insert many rows into one table with one prepared statement."""
    if not (rows.count if isinstance(rows, Columns) else rows):
        return
    key = (table.name, conn.dialect.name)
    if key not in _INSERTERS:
        _INSERTERS[key] = _Inserter(table, conn.dialect)
    _INSERTERS[key].run(conn, rows)
