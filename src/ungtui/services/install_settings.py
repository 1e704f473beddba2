"""This install's own settings, in one place: their keys in the Setting table, how a
stored value is read (domain.install_settings holds the rules), and how they are written.

The Setting table is install-local: it is never synced, dumped or logged, so a laptop
that goes to meetings can lock sooner than a desk in the office. Everything is read at
once into one typed InstallSettings (domain.install_settings.settings_from_rows, which
services.start uses too, with sqlite3, before the first screen). A stored value the rules
refuse is not used: the default stands in and its key is listed in `refused`.
"""

from __future__ import annotations

import json

from sqlmodel import select

from ungtui.domain.install_settings import (
    CURRENT_STAFF_KEY,
    IDLE_MINUTES_KEY,
    IMPORT_MAPPING_KEY,
    LOCK_PASSPHRASE_KEY,
    REPLY_DAYS_KEY,
    RETENTION_YEARS_PREFIX,
    SHARE_IN_MEETINGS_KEY,
    ImportMapping,
    InstallSettings,
    settings_from_rows,
)
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Setting

__all__ = [
    "CURRENT_STAFF_KEY",
    "IDLE_MINUTES_KEY",
    "IMPORT_MAPPING_KEY",
    "LOCK_PASSPHRASE_KEY",
    "REPLY_DAYS_KEY",
    "RETENTION_YEARS_PREFIX",
    "SHARE_IN_MEETINGS_KEY",
    "ImportMapping",
    "InstallSettings",
    "read_settings",
    "settings_from_rows",
    "write_settings",
]


def read_settings(db: Database) -> InstallSettings:
    with db.session() as session:
        rows = {s.key: s.value for s in session.exec(select(Setting)).all()}
    return settings_from_rows(rows)


def write_settings(db: Database, values: dict[str, str | None]) -> InstallSettings:
    """Write `values` together (None removes the key) and read everything back.
    Settings of this install, not domain records: they neither sync nor log."""
    with UnitOfWork(db, None) as uow:
        for key, value in values.items():
            uow.set_setting(key, value)
    return read_settings(db)


def mappings_json(mappings: tuple[ImportMapping, ...]) -> str:
    return json.dumps(
        [{"headers": list(m.headers), "mapping": list(m.mapping)} for m in mappings],
        ensure_ascii=False,
    )
