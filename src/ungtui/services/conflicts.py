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
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.individuals import FIELD_LABELS, display_name
from ungtui.services.sync import open_conflicts
from ungtui.services.unit_of_work import as_log_text
from ungtui.store.database import Database
from ungtui.store.models import ChangeLog
from ungtui.sync import hlc, state
from ungtui.sync.changes import refresh_clusters

TABLE_LABELS = {
    "individual": "Deltagare",
    "consent": "Samtycke",
    "responsibility": "Ansvar",
    "organisation": "Organisation",
    "unit": "Enhet",
    "staff": "Handläggare",
}
OTHER_FIELD_LABELS = {
    "name": "Namn",
    "role": "Roll",
    "org_nr": "Organisationsnummer",
    "kind": "Typ",
    "purpose": "Syfte",
    "data_categories": "Uppgifter",
    "form": "Form",
    "valid_from": "Gäller från",
    "valid_to": "Gäller till",
    "withdrawn_on": "Återkallat",
    "organisation_id": "Organisation",
    "unit_id": "Enhet",
    "staff_id": "Handläggare",
}
# Free text a person may type over both values; other fields are settled by choosing.
EDITABLE = {"first_name", "last_name", "phone", "email", "address", "name", "role", "purpose"}


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
    record: str
    field_label: str
    values: list[ConflictValue]  # the one shown now first
    editable: bool


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field) or OTHER_FIELD_LABELS.get(field, field)


def shown(field: str, value: Any) -> str:
    if field == "identity_number" and value:
        return mask_identity(value)
    if value is None or value == "":
        return "(tomt)"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


def _person_name(conn, person_id: str | None) -> str:
    row = conn.exec_driver_sql(
        "SELECT first_name, last_name FROM individual WHERE id = ?", (person_id,)
    ).first()
    return display_name(*row) if row else "okänd person"


def _record_label(conn, tbl: str, row_id: str) -> str:
    if tbl == "individual":
        return _person_name(conn, row_id)
    if tbl in ("consent", "responsibility"):
        person = conn.exec_driver_sql(
            f"SELECT individual_id FROM {tbl} WHERE id = ?", (row_id,)
        ).scalar()
        return f"{TABLE_LABELS[tbl]} för {_person_name(conn, person)}"
    if tbl in ("organisation", "unit", "staff"):
        name = conn.exec_driver_sql(f"SELECT name FROM {tbl} WHERE id = ?", (row_id,)).scalar()
        return f"{TABLE_LABELS[tbl]} {name or ''}".strip()
    return TABLE_LABELS.get(tbl, tbl)


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
        labels = {(c.table, c.row_id): _record_label(conn, c.table, c.row_id) for c in conflicts}

    def where(site: str) -> str:
        if site == me:
            return "den här datorn"
        return sites.get(site, f"installation {site[:8]}")

    def when(stamp: str) -> str:
        moment = datetime.fromtimestamp(hlc.decode(stamp)[0] / 1000, UTC)
        return clock.local_time(moment).strftime("%Y-%m-%d %H:%M")

    return [
        ConflictView(
            table=c.table,
            row_id=c.row_id,
            field=c.field,
            record=labels[(c.table, c.row_id)],
            field_label=field_label(c.field),
            values=[
                ConflictValue(v, shown(c.field, v), when(stamp), where(site))
                for v, stamp, site in c.versions
            ],
            editable=c.field in EDITABLE,
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
        if field not in EDITABLE and value == "":
            raise ServiceError("Välj ett av värdena.")
    with db.engine.begin() as conn:
        fields, tomb = state.load_row(conn, table, row_id)
        register = fields.get(field)
        if tomb or register is None:
            raise NotFound("Posten finns inte längre.")
        if not register.in_conflict:
            raise ServiceError("Konflikten är redan löst, kanske på en annan installation.")
        candidates = [v[0] for v in register.versions]
        if field not in EDITABLE and value not in candidates:
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
