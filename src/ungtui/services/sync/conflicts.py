"""Conflicts after sync: concurrent edits of one field, shown and settled by a person.

Settling writes a local edit whose version vector covers every competing value, so the
settlement travels with the next export and clears the conflict on every install
(sync.md §6.5).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ungtui.domain.fields import field_problem
from ungtui.domain.identity import mask_identity
from ungtui.domain.text import display_name
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.sync.record_labels import ValueNames, column_label, record_kind
from ungtui.services.sync.sync import open_conflicts
from ungtui.services.unit_of_work import as_log_text
from ungtui.store.database import Database
from ungtui.store.models import ChangeLog
from ungtui.sync import hlc, state
from ungtui.sync.changes import refresh_clusters

# Free text a person may type over both values; other fields are settled by choosing.
EDITABLE = {"first_name", "last_name", "phone", "email", "address", "name", "role", "purpose"}
EDITABLE_BY_TABLE = {
    ("agendaitem", "notes"),
    ("meeting", "title"),
    ("meeting", "place"),
    ("agreement", "title"),
    ("work_process", "title"),
    ("work_process", "responsible_role"),
    ("meetingaction", "what"),
    ("meetingdecision", "text"),
    ("referral", "measure"),
    ("referral", "purpose"),
}


@dataclass(frozen=True)
class ConflictValue:
    value: Any
    shown: str
    when: str  # local time, YYYY-MM-DD HH:MM
    where: str  # which install: this one, or the organisation it belongs to


@dataclass(frozen=True)
class ConflictView:
    table: str
    row_id: str
    field: str
    kind: str  # what sort of record, in Swedish: "Samtycke", "Arbetsprocess"
    subject: str  # the person or thing by name: "Märta Öberg", "Ungdomens väg"
    field_label: str
    values: list[ConflictValue]  # the one shown now first
    editable: bool
    person: str = ""  # the person the record is about, "First Last"; "" when about no one

    @property
    def record(self) -> str:
        """The record as one line: the person's name for a person's own record, otherwise
        its kind and name."""
        if self.table == "individual":
            return self.subject
        return f"{self.kind}: {self.subject}" if self.subject else self.kind

    @property
    def about_person(self) -> bool:
        return bool(self.person)


def field_label(field: str, table: str = "individual") -> str:
    return column_label(table, field)


def shown(field: str, value: Any) -> str:
    if field == "identity_number" and value:
        return mask_identity(value)
    if value is None or value == "":
        return "(tomt)"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


def _person(conn, person_id: str | None) -> tuple[str, str]:
    """(how conflicts list the person, "First Last")."""
    row = conn.exec_driver_sql(
        "SELECT first_name, last_name FROM individual WHERE id = ?", (person_id,)
    ).first()
    if not row:
        return "okänd person", "okänd person"
    return display_name(*row), f"{row[0]} {row[1]}".strip()


# The column that names a record of each kind that is not about one person.
_NAME_COLUMNS = {
    "organisation": "name",
    "unit": "name",
    "staff": "name",
    "measure": "name",
    "job_track": "name",
    "agreement": "title",
    "work_process": "title",
    "meetingseries": "title",
    "meetingattendee": "name",
}


def _subject(conn, tbl: str, row_id: str) -> tuple[str, str]:
    """(the record's name, the person it is about or "")."""
    if tbl == "individual":
        listed, person = _person(conn, row_id)
        return listed, person
    columns = {c.name for c in state.TABLES[tbl].columns}
    if "individual_id" in columns:
        pid = conn.exec_driver_sql(
            f"SELECT individual_id FROM {tbl} WHERE id = ?", (row_id,)
        ).scalar()
        if pid:
            _listed, person = _person(conn, pid)
            return person, person
    if tbl in _NAME_COLUMNS:
        name = conn.exec_driver_sql(
            f"SELECT {_NAME_COLUMNS[tbl]} FROM {tbl} WHERE id = ?", (row_id,)
        ).scalar()
        return name or "", ""
    if tbl == "meeting":
        row = conn.exec_driver_sql(
            "SELECT starts_at, title FROM meeting WHERE id = ?", (row_id,)
        ).first()
        return (f"{str(row[0])[:10]} {row[1]}" if row else ""), ""
    if tbl in ("agendaitem", "meetingdecision", "meetingaction"):
        row = conn.exec_driver_sql(
            f"SELECT m.starts_at, m.title FROM {tbl} x JOIN meeting m ON m.id = x.meeting_id"
            " WHERE x.id = ?",
            (row_id,),
        ).first()
        return (f"{str(row[0])[:10]} {row[1]}" if row else ""), ""
    if tbl == "work_process_version":
        row = conn.exec_driver_sql(
            "SELECT p.title, v.version FROM work_process_version v"
            " JOIN work_process p ON p.id = v.process_id WHERE v.id = ?",
            (row_id,),
        ).first()
        return (f"{row[0]}, version {row[1]}" if row else ""), ""
    return "", ""


def list_conflicts(db: Database) -> list[ConflictView]:
    conflicts = open_conflicts(db)
    if not conflicts:
        return []
    with db.engine.connect() as conn:
        me = conn.exec_driver_sql("SELECT value FROM sync_meta WHERE key = 'site_id'").scalar()
        sites = dict(
            conn.exec_driver_sql(
                "SELECT s.site_id, coalesce(o.name, 'annan installation') FROM sync_site s"
                " LEFT JOIN organisation o ON o.id = s.organisation_id"
            ).all()
        )
        # Conflicts are few: name just the records they are on.
        subjects = {(c.table, c.row_id): _subject(conn, c.table, c.row_id) for c in conflicts}
        names = ValueNames(conn)

    def where(site: str) -> str:
        if site == me:
            return "den här datorn"
        if site == state.SHIPPED_SITE:
            return "startinnehållet"
        return sites.get(site, f"installation {site[:8]}")

    def when(stamp: str) -> str:
        moment = datetime.fromtimestamp(hlc.decode(stamp)[0] / 1000, UTC)
        return clock.local_time(moment).strftime("%Y-%m-%d %H:%M")

    return [
        ConflictView(
            table=c.table,
            row_id=c.row_id,
            field=c.field,
            kind=record_kind(c.table),
            subject=subjects[(c.table, c.row_id)][0],
            field_label=column_label(c.table, c.field),
            values=[
                ConflictValue(v, names.shown(c.table, c.field, v), when(stamp), where(site))
                for v, stamp, site in c.versions
            ],
            editable=c.field in EDITABLE or (c.table, c.field) in EDITABLE_BY_TABLE,
            person=subjects[(c.table, c.row_id)][1],
        )
        for c in conflicts
    ]


def resolve_conflict(
    db: Database, table: str, row_id: str, field: str, value: Any, *, actor_id: str | None
) -> None:
    """Settle one conflict with `value`: one of the competing values, or a typed one."""
    if table not in state.TABLES or field not in state.SYNCED_COLUMNS[table]:
        raise ServiceError("Okänt fält.")
    if isinstance(value, str):
        value = value.strip()
        if field not in EDITABLE and (table, field) not in EDITABLE_BY_TABLE and value == "":
            raise ServiceError("Välj ett av värdena.")
    with db.engine.begin() as conn:
        fields, tomb = state.load_row(conn, table, row_id)
        register = fields.get(field)
        if tomb or register is None:
            raise NotFound("Posten finns inte längre.")
        if not register.in_conflict:
            raise ServiceError("Konflikten är redan löst, kanske på en annan installation.")
        candidates = [v[0] for v in register.versions]
        editable = field in EDITABLE or (table, field) in EDITABLE_BY_TABLE
        if not editable and value not in candidates:
            raise ServiceError("Välj ett av värdena.")
        if value not in candidates and (problem := field_problem(table, field, value)):
            raise ValidationError({field: problem})  # a typed value goes through the door
        old = register.value
        # The edit covers every competing version, whether or not the value changes.
        state.stamp_local(
            conn, [(table, row_id, {field: state.from_json_value(table, field, value)})], []
        )
        state.materialize(conn, table, row_id)
        if table == "individual":
            refresh_clusters(conn)
        conn.execute(
            ChangeLog.__table__.insert().values(
                id=str(uuid.uuid4()),
                at=datetime.now(UTC),
                table_name=table,
                record_id=row_id,
                field=field,
                old_value=as_log_text(old),
                new_value=as_log_text(value),
                actor_id=actor_id,
            )
        )
