"""This install's privacy settings: the idle lock and screen-share mode.

Install-local (the Setting table is never synced): a laptop that goes to meetings may want
a shorter lock than the one on an office desk.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ungtui.services.errors import ValidationError
from ungtui.services.start import (
    IDLE_MINUTES_KEY,
    LOCK_PASSPHRASE_KEY,
    SHARE_IN_MEETINGS_KEY,
    PrivacySettings,
)
from ungtui.services.start import privacy_settings as privacy_settings
from ungtui.store.database import Database
from ungtui.store.models import Setting

MIN_LOCK_PASSPHRASE = 6


def _get(db: Database, key: str) -> str | None:
    with db.session() as session:
        setting = session.get(Setting, key)
        return setting.value if setting else None


def _minutes(text: str) -> int:
    try:
        minutes = int(text.strip())
    except ValueError:
        raise ValidationError(
            {"idle_minutes": "Skriv antal minuter som en siffra, till exempel 10 (0 = aldrig)."}
        ) from None
    if not 0 <= minutes <= 240:
        raise ValidationError({"idle_minutes": "Välj mellan 0 (aldrig) och 240 minuter."})
    return minutes


def save_privacy_settings(
    db: Database,
    *,
    idle_minutes: str,
    new_passphrase: str = "",
    remove_passphrase: bool = False,
    share_in_meetings: bool = False,
) -> PrivacySettings:
    """Checks everything first, then saves everything: a refused field changes nothing.
    An empty `new_passphrase` keeps the one there is."""
    minutes = _minutes(idle_minutes)
    if new_passphrase and len(new_passphrase) < MIN_LOCK_PASSPHRASE:
        raise ValidationError(
            {"passphrase": f"Lösenfrasen måste ha minst {MIN_LOCK_PASSPHRASE} tecken."}
        )
    values: dict[str, str | None] = {
        IDLE_MINUTES_KEY: str(minutes),
        SHARE_IN_MEETINGS_KEY: "1" if share_in_meetings else None,
    }
    if remove_passphrase:
        values[LOCK_PASSPHRASE_KEY] = None
    elif new_passphrase:
        values[LOCK_PASSPHRASE_KEY] = hash_passphrase(new_passphrase)
    with db.session() as session:
        for key, value in values.items():
            setting = session.get(Setting, key)
            if value is None:
                if setting is not None:
                    session.delete(setting)
            elif setting is None:
                session.add(Setting(key=key, value=value))
            else:
                setting.value = value
                session.add(setting)
        session.commit()
    return privacy_settings(db)


def hash_passphrase(passphrase: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(passphrase.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def passphrase_matches(passphrase: str, stored: str) -> bool:
    try:
        _kind, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hash_passphrase(passphrase, bytes.fromhex(salt)).split("$")[2]
    return hmac.compare_digest(candidate, digest)
