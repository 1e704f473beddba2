"""This install's own settings, in one place: their keys in the Setting table, how a
stored value is read (domain.install_settings holds the rules), and how they are written.

The Setting table is install-local: it is never synced, dumped or logged, so a laptop
that goes to meetings can lock sooner than a desk in the office. Everything is read at
once into one typed InstallSettings. A stored value the rules refuse (not a number, out
of range, a mapping that is not JSON) is not used: the default stands in for it and its
key is listed in `refused`, so nothing that reads settings can fail on a bad row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import select

from ungtui.domain.install_settings import (
    IDLE_MINUTES,
    REPLY_WORKING_DAYS,
    RETENTION_YEARS,
    parse_flag,
)
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import CURRENT_STAFF_KEY, Setting

IDLE_MINUTES_KEY = "idle_lock_minutes"
LOCK_PASSPHRASE_KEY = "idle_lock_passphrase"
SHARE_IN_MEETINGS_KEY = "screen_share_in_meetings"
REPLY_DAYS_KEY = "referral_reply_working_days"
RETENTION_YEARS_PREFIX = "retention_years:"  # + organisation id
IMPORT_MAPPING_KEY = "table_import_mapping"
# Kept in store.models too: sync and the audit log read it with plain SQL.
__all__ = ["CURRENT_STAFF_KEY", "InstallSettings", "read_settings", "write_settings"]


@dataclass(frozen=True)
class ImportMapping:
    """The columns a table import last mapped a list with exactly these headers to."""

    headers: tuple[str, ...]
    mapping: tuple[str | None, ...]


@dataclass(frozen=True)
class InstallSettings:
    idle_minutes: int = IDLE_MINUTES.default  # 0 = never lock
    lock_passphrase_hash: str = ""  # "" = any key unlocks
    share_in_meetings: bool = False
    reply_working_days: int = REPLY_WORKING_DAYS.default
    # Years to keep a closed case, for the organisations that set their own.
    retention_years: dict[str, int] = field(default_factory=dict)
    current_staff_id: str | None = None
    import_mappings: tuple[ImportMapping, ...] = ()  # oldest first, at most 10
    refused: tuple[str, ...] = ()  # keys whose stored values were not used

    def retention_years_for(self, organisation_id: str) -> int:
        return self.retention_years.get(organisation_id, RETENTION_YEARS.default)


def _mappings(stored: str) -> tuple[ImportMapping, ...]:
    """ValueError unless a list of {"headers": [text], "mapping": [text or null]}."""
    found = json.loads(stored)
    if not isinstance(found, list):
        raise ValueError
    out = []
    for entry in found:
        headers, mapping = entry.get("headers"), entry.get("mapping")
        if not (
            isinstance(headers, list)
            and isinstance(mapping, list)
            and all(isinstance(h, str) for h in headers)
            and all(m is None or isinstance(m, str) for m in mapping)
        ):
            raise ValueError
        out.append(ImportMapping(tuple(headers), tuple(mapping)))
    return tuple(out)


def settings_from_rows(rows: dict[str, str]) -> InstallSettings:
    """The settings from the Setting table's rows (key → stored text)."""
    refused: list[str] = []

    def number(key: str, rule) -> int:
        stored = rows.get(key)
        if stored is not None and not rule.accepts(stored):
            refused.append(key)
        return rule.read(stored)

    years = {}
    for key, stored in sorted(rows.items()):
        if key.startswith(RETENTION_YEARS_PREFIX):
            if RETENTION_YEARS.accepts(stored):
                years[key.removeprefix(RETENTION_YEARS_PREFIX)] = RETENTION_YEARS.parse(stored)
            else:
                refused.append(key)
    mappings: tuple[ImportMapping, ...] = ()
    if IMPORT_MAPPING_KEY in rows:
        try:
            mappings = _mappings(rows[IMPORT_MAPPING_KEY])
        except (ValueError, AttributeError):
            refused.append(IMPORT_MAPPING_KEY)
    return InstallSettings(
        idle_minutes=number(IDLE_MINUTES_KEY, IDLE_MINUTES),
        lock_passphrase_hash=rows.get(LOCK_PASSPHRASE_KEY, ""),
        share_in_meetings=parse_flag(rows.get(SHARE_IN_MEETINGS_KEY)),
        reply_working_days=number(REPLY_DAYS_KEY, REPLY_WORKING_DAYS),
        retention_years=years,
        current_staff_id=rows.get(CURRENT_STAFF_KEY) or None,
        import_mappings=mappings,
        refused=tuple(refused),
    )


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
