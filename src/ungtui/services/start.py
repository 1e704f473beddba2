"""What the app reads before its first screen is drawn: who is using it and this
install's privacy settings. sqlite3 alone, no SQLAlchemy or models, so the start screen is
up while the rest is still being imported (benchmarks/startup_speed.py); the guard is
tests/tui/test_start_imports.py. Both are plain reads of the install's own settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from ungtui.domain.install_settings import (
    IDLE_MINUTES_KEY,
    LOCK_PASSPHRASE_KEY,
    SHARE_IN_MEETINGS_KEY,
    InstallSettings,
    settings_from_rows,
)
from ungtui.store.database import Database

__all__ = [
    "IDLE_MINUTES_KEY",
    "LOCK_PASSPHRASE_KEY",
    "SHARE_IN_MEETINGS_KEY",
    "CurrentUser",
    "PrivacySettings",
    "current_user",
    "install_settings",
    "privacy_settings",
]

@dataclass(frozen=True)
class CurrentUser:
    staff_id: str
    name: str
    unit_id: str
    unit_name: str
    organisation_id: str
    organisation_name: str


@dataclass(frozen=True)
class PrivacySettings:
    idle_minutes: int  # 0 = never lock
    lock_passphrase_hash: str  # "" = any key unlocks
    share_in_meetings: bool


def install_settings(db: Database) -> InstallSettings:
    """All of this install's settings, read as services.install_settings reads them."""
    with db.read() as conn:
        rows = conn.execute('SELECT "key", value FROM setting').fetchall()
    return settings_from_rows(dict(rows))


def current_user(db: Database) -> CurrentUser | None:
    staff_id = install_settings(db).current_staff_id
    if staff_id is None:
        return None
    with db.read() as conn:
        row = conn.execute(
            "SELECT s.id, s.name, u.id, u.name, o.id, o.name FROM staff s"
            " JOIN unit u ON u.id = s.unit_id JOIN organisation o ON o.id = u.organisation_id"
            " WHERE s.id = ?",
            (staff_id,),
        ).fetchone()
    return CurrentUser(*row) if row else None


def privacy_settings(db: Database) -> PrivacySettings:
    found = install_settings(db)
    return PrivacySettings(
        idle_minutes=found.idle_minutes,
        lock_passphrase_hash=found.lock_passphrase_hash,
        share_in_meetings=found.share_in_meetings,
    )
