"""Backup and restore of the whole database file.

A backup is taken with SQLite's online backup API, so it is consistent even while the app
is open and writing. It may be sealed with the team passphrase (Argon2id + AES-256-GCM, the
keys made as for sync files) so a lost USB stick gives nothing away. A restore checks the
backup completely (decryption, SQLite integrity, a schema this version knows) before it
touches the database, and keeps the old database file aside instead of deleting it.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import sqlite3
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ungtui.services.errors import ServiceError
from ungtui.store.migrations import LATEST_VERSION
from ungtui.sync import fileformat

MAGIC = b"UNGBACK1\n"
SQLITE_MAGIC = b"SQLite format 3\x00"
FORMAT = "ungtui-backup/1"
MIN_PASSPHRASE = 10


@dataclass(frozen=True)
class BackupResult:
    path: Path
    encrypted: bool
    size: int


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    old_database_kept_as: Path | None


def _private_temp(near: Path) -> Path:
    temporary = near.with_name(f".{near.name}.{uuid.uuid4().hex[:8]}.tmp")
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    return temporary


def _write_private(path: Path, data: bytes) -> None:
    temporary = _private_temp(path)
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def backup(db_path: Path, out: Path, *, passphrase: str | None = None) -> BackupResult:
    """Copy the database at `db_path` to `out` (a file, or a folder to put one in)."""
    db_path, out = Path(db_path), Path(out)
    if passphrase is not None and len(passphrase) < MIN_PASSPHRASE:
        raise ServiceError(f"Lösenfrasen måste ha minst {MIN_PASSPHRASE} tecken.")
    if out.is_dir():
        stamp = datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M%S")
        out = out / f"ungtui-kopia-{stamp}{'.ungbackup' if passphrase else '.db'}"
    if not out.parent.is_dir():
        raise ServiceError(f"Mappen {out.parent} finns inte.")
    if out.resolve() == db_path.resolve():
        raise ServiceError("Säkerhetskopian kan inte skrivas över själva databasen.")
    copy = _private_temp(out)
    try:
        source = sqlite3.connect(db_path, timeout=5)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # one step: a consistent snapshot even while others write
        except sqlite3.Error as error:
            raise ServiceError(
                "Databasen kunde inte kopieras. Försök igen om en stund; inget har ändrats."
            ) from error
        finally:
            target.close()
            source.close()
        data = copy.read_bytes()
        if passphrase is not None:
            data = _seal(data, passphrase)
        _write_private(out, data)
    except OSError as error:
        raise ServiceError(f"Säkerhetskopian kunde inte skrivas: {error.strerror}.") from error
    finally:
        copy.unlink(missing_ok=True)
    return BackupResult(out, passphrase is not None, len(data))


def _seal(plain: bytes, passphrase: str) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    enc_key, check_key = fileformat.passphrase_keys(passphrase, salt, fileformat.KDF_PARAMS)
    header = json.dumps(
        {
            "format": FORMAT,
            "kdf": {**fileformat.KDF_PARAMS, "salt": base64.b64encode(salt).decode()},
            "nonce": base64.b64encode(nonce).decode(),
            "key_check": base64.b64encode(
                hmac.digest(check_key, b"ungtui key check", "sha256")
            ).decode(),
        },
        sort_keys=True,
    ).encode()
    sealed = AESGCM(enc_key).encrypt(nonce, plain, header)
    return MAGIC + struct.pack(">I", len(header)) + header + sealed


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _open_sealed(data: bytes, passphrase: str | None) -> bytes:
    damaged = ServiceError("Säkerhetskopian är skadad eller ofullständig. Inget har ändrats.")
    if passphrase is None:
        raise ServiceError("Säkerhetskopian är krypterad: ange teamets lösenfras.")
    try:
        (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
        raw_header = data[len(MAGIC) + 4 : len(MAGIC) + 4 + length]
        header = json.loads(raw_header)
        kdf = dict(header["kdf"])
        salt = base64.b64decode(kdf.pop("salt"))
        nonce = base64.b64decode(header["nonce"])
        expected_check = base64.b64decode(header["key_check"])
    except (struct.error, ValueError, KeyError, TypeError):
        raise damaged from None
    if header.get("format") != FORMAT:
        raise ServiceError("Filen är ingen säkerhetskopia från ungtui. Inget har ändrats.")
    try:
        enc_key, check_key = fileformat.passphrase_keys(passphrase, salt, kdf)
    except (ValueError, fileformat.SyncFileError):
        raise damaged from None
    if not hmac.compare_digest(
        hmac.digest(check_key, b"ungtui key check", "sha256"), expected_check
    ):
        raise ServiceError("Fel lösenfras för säkerhetskopian. Inget har ändrats.")
    try:
        return AESGCM(enc_key).decrypt(nonce, data[len(MAGIC) + 4 + length :], raw_header)
    except InvalidTag:
        raise damaged from None


def _check_database(path: Path) -> None:
    """Refuse anything but an intact ungtui database this version can open."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise ServiceError(
            "Säkerhetskopian är skadad och kan inte läsas. Inget har ändrats."
        ) from None
    if result != "ok":
        raise ServiceError(
            "Säkerhetskopian är skadad (SQLite-kontrollen misslyckades). Inget har ändrats."
        )
    if "individual" not in tables or version < 1:
        raise ServiceError("Filen är ingen databas från ungtui. Inget har ändrats.")
    if version > LATEST_VERSION:
        raise ServiceError(
            "Säkerhetskopian kommer från en nyare version av ungtui. Uppdatera ungtui först. "
            "Inget har ändrats."
        )


def restore(backup_file: Path, db_path: Path, *, passphrase: str | None = None) -> RestoreResult:
    """Put `backup_file` in place of the database at `db_path`. Close the app first."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    try:
        data = backup_file.read_bytes()
    except FileNotFoundError:
        raise ServiceError(f"Filen {backup_file.name} finns inte.") from None
    except OSError as error:
        raise ServiceError(f"Filen kunde inte läsas: {error.strerror}.") from None
    if data.startswith(MAGIC):
        data = _open_sealed(data, passphrase)
    elif not data.startswith(SQLITE_MAGIC):
        raise ServiceError("Filen är ingen säkerhetskopia från ungtui. Inget har ändrats.")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    candidate = _private_temp(db_path)
    try:
        candidate.write_bytes(data)
        _check_database(candidate)
        kept = _set_aside(db_path) if db_path.exists() else None
        os.replace(candidate, db_path)
    finally:
        candidate.unlink(missing_ok=True)
    return RestoreResult(backup_file, kept)


def _set_aside(db_path: Path) -> Path:
    """Fold the write-ahead log into the old file, then move it aside under a new name."""
    try:
        conn = sqlite3.connect(db_path, timeout=1)
        try:
            conn.execute("BEGIN EXCLUSIVE")  # fails while the app has the database open
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.OperationalError:
        raise ServiceError(
            "Databasen används just nu. Stäng ungtui i alla fönster och försök igen. "
            "Inget har ändrats."
        ) from None
    stamp = datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M%S")
    kept = db_path.with_name(f"{db_path.stem}.före-återställning-{stamp}{db_path.suffix}")
    os.replace(db_path, kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return kept
