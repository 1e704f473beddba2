"""This install's privacy settings: the idle lock and screen-share mode.

Install-local (services.install_settings): a laptop that goes to meetings may want a
shorter lock than the one on an office desk.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ungtui.domain.install_settings import IDLE_MINUTES, MIN_LOCK_PASSPHRASE
from ungtui.services.errors import ValidationError
from ungtui.services.install_settings import (
    IDLE_MINUTES_KEY,
    LOCK_PASSPHRASE_KEY,
    SHARE_IN_MEETINGS_KEY,
    write_settings,
)
from ungtui.services.start import PrivacySettings
from ungtui.services.start import privacy_settings as privacy_settings
from ungtui.store.database import Database

__all__ = ["DEFAULT_IDLE_MINUTES", "MIN_LOCK_PASSPHRASE", "PrivacySettings", "privacy_settings"]

DEFAULT_IDLE_MINUTES = IDLE_MINUTES.default


def _minutes(text: str) -> int:
    try:
        return IDLE_MINUTES.parse(text)
    except ValueError as error:
        raise ValidationError({"idle_minutes": str(error)}) from None


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
    write_settings(db, values)
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
