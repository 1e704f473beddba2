"""Every domain record as canonical JSON: equal data gives equal bytes."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import select

from ungtui.store.database import Database
from ungtui.store.models import DOMAIN_TABLES

# Install-local bookkeeping, not data: when this copy was written, a derived index, and
# whether a number was registered here.
LOCAL_COLUMNS = {"created_at", "updated_at", "search_key", "identity_here"}


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def is_sensitive(column) -> bool:
    """Special-category data (health, disability): marked in store.models."""
    return bool(column.info.get("sensitive"))


def dump_records(db: Database, *, include_sensitive: bool = False) -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {}
    with db.engine.connect() as conn:
        for model in DOMAIN_TABLES:
            table = model.__table__
            columns = [
                c
                for c in table.columns
                if c.name not in LOCAL_COLUMNS and (include_sensitive or not is_sensitive(c))
            ]
            rows = conn.execute(select(*columns).order_by(table.c.id)).all()
            result[table.name] = [
                {c.name: _plain(value) for c, value in zip(columns, row, strict=True)}
                for row in rows
            ]
    return result


def dump_json(db: Database, *, include_sensitive: bool = False) -> str:
    records = dump_records(db, include_sensitive=include_sensitive)
    return json.dumps(records, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
