"""What the app reads before its first screen is drawn: who is using it and this
install's privacy settings. sqlite3 alone, no SQLAlchemy or models, so the start screen is
up while the rest is still being imported (benchmarks/startup_speed.py); the guard is
tests/tui/test_start_imports.py. Both are plain reads of the install's own settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from ungtui.store.database import Database

CURRENT_STAFF_KEY = "current_staff_id"  # store.models has the same, for its readers
IDLE_MINUTES_KEY = "idle_lock_minutes"
LOCK_PASSPHRASE_KEY = "idle_lock_passphrase"
SHARE_IN_MEETINGS_KEY = "screen_share_in_meetings"
DEFAULT_IDLE_MINUTES = 10


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


def _settings(db: Database, *keys: str) -> dict[str, str]:
    with db.read() as conn:
        marks = ", ".join("?" for _ in keys)
        rows = conn.execute(f'SELECT "key", value FROM setting WHERE "key" IN ({marks})', keys)
        return dict(rows.fetchall())


def current_user(db: Database) -> CurrentUser | None:
    staff_id = _settings(db, CURRENT_STAFF_KEY).get(CURRENT_STAFF_KEY)
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
    found = _settings(db, IDLE_MINUTES_KEY, LOCK_PASSPHRASE_KEY, SHARE_IN_MEETINGS_KEY)
    minutes = found.get(IDLE_MINUTES_KEY)
    return PrivacySettings(
        idle_minutes=int(minutes) if minutes is not None else DEFAULT_IDLE_MINUTES,
        lock_passphrase_hash=found.get(LOCK_PASSPHRASE_KEY) or "",
        share_in_meetings=found.get(SHARE_IN_MEETINGS_KEY) == "1",
    )
