"""Backup and restore of the whole database file.

A backup is taken with SQLite's online backup API, so it is consistent even while the app
is open and writing. It may be sealed with the team passphrase (Argon2id + AES-256-GCM, the
keys made as for sync files) so a lost USB stick gives nothing away: the snapshot is made
beside the database and encrypted as it streams to the backup's folder, where only
ciphertext is ever written (services.private_files writes it). A restore checks the backup
completely (decryption, SQLite integrity, a schema this version knows) before it touches
the database, refuses while any ungtui has the database open, keeps the old file aside
instead of deleting it, and leaves no -wal or -shm file behind.
"""

from __future__ import annotations

import base64
import contextlib
import hmac
import json
import os
import shutil
import sqlite3
import struct
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ungtui.services.errors import ServiceError
from ungtui.services.private_files import check_target, private_file
from ungtui.store.database import DatabaseInUse, exclusive_use
from ungtui.store.migrations import LATEST_VERSION
from ungtui.sync import fileformat

MAGIC = b"UNGBACK1\n"
SQLITE_MAGIC = b"SQLite format 3\x00"
FORMAT = "ungtui-backup/1"
MIN_PASSPHRASE = 10
CHUNK = 1024 * 1024
TAG_BYTES = 16
STALE_SNAPSHOT_SECONDS = 3600


@dataclass(frozen=True)
class BackupResult:
    path: Path
    encrypted: bool
    size: int


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    old_database_kept_as: Path | None


def _snapshot_temp(db_path: Path) -> Path:
    """An empty owner-only file beside the database (never in the backup's folder: an
    encrypted backup's plaintext must not touch the USB stick, even for a moment)."""
    for stale in db_path.parent.glob(f".{db_path.name}.kopia-*.tmp"):
        # Left by a backup that was killed: plaintext beside the database it came from,
        # removed once it is surely not another backup's work in progress.
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > STALE_SNAPSHOT_SECONDS:
                stale.unlink()
    temporary = db_path.with_name(f".{db_path.name}.kopia-{uuid.uuid4().hex[:12]}.tmp")
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(temporary, flags, 0o600))
    return temporary


def _snapshot(db_path: Path, into: Path) -> None:
    # Read-write although it only reads: closing it as the last connection removes the
    # -wal and -shm files, where a read-only one would leave them beside the database.
    source = sqlite3.connect(db_path, timeout=5)
    target = sqlite3.connect(into)
    try:
        source.backup(target)  # one step: a consistent snapshot even while others write
        # One file, no journal beside it: the copy opens anywhere, read-only media too.
        target.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        raise ServiceError(
            "Databasen kunde inte kopieras. Försök igen om en stund; inget har ändrats."
        ) from error
    finally:
        target.close()
        source.close()


def backup(
    db_path: Path, out: Path, *, passphrase: str | None = None, replace: bool = False
) -> BackupResult:
    """Copy the database at `db_path` to `out` (a file, or a folder to put one in)."""
    db_path, out = Path(db_path), Path(out).expanduser()
    if passphrase is not None and len(passphrase) < MIN_PASSPHRASE:
        raise ServiceError(f"Lösenfrasen måste ha minst {MIN_PASSPHRASE} tecken.")
    if out.is_dir():
        stamp = datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M%S")
        out = out / f"ungtui-kopia-{stamp}{'.ungbackup' if passphrase else '.db'}"
    out = check_target(out, replace=replace)
    if out.resolve() == db_path.resolve():
        raise ServiceError("Säkerhetskopian kan inte skrivas över själva databasen.")
    snapshot = _snapshot_temp(db_path)
    try:
        _snapshot(db_path, snapshot)
        with private_file(out, replace=replace) as handle, open(snapshot, "rb") as plain:
            if passphrase is None:
                shutil.copyfileobj(plain, handle, CHUNK)
            else:
                _seal(plain, handle, passphrase)
    except OSError as error:
        raise ServiceError(f"Säkerhetskopian kunde inte göras: {error.strerror}.") from error
    finally:
        snapshot.unlink(missing_ok=True)
    return BackupResult(out, passphrase is not None, out.stat().st_size)


def _header(passphrase: str, salt: bytes, nonce: bytes) -> tuple[bytes, bytes]:
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
    return enc_key, header


def _seal(plain: BinaryIO, out: BinaryIO, passphrase: str) -> None:
    """AES-256-GCM as the data streams through, in the same layout as one sealed block
    (MAGIC | header length | header | ciphertext | tag), so older backups still restore."""
    salt, nonce = os.urandom(16), os.urandom(12)
    enc_key, header = _header(passphrase, salt, nonce)
    out.write(MAGIC + struct.pack(">I", len(header)) + header)
    encryptor = Cipher(algorithms.AES(enc_key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(header)
    while chunk := plain.read(CHUNK):
        out.write(encryptor.update(chunk))
    out.write(encryptor.finalize())
    out.write(encryptor.tag)


def is_encrypted(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _open_sealed(source: BinaryIO, size: int, into: BinaryIO, passphrase: str | None) -> None:
    """Decrypt a sealed backup into `into` as it streams; the tag is checked at the end,
    and the caller throws `into` away if that fails."""
    damaged = ServiceError("Säkerhetskopian är skadad eller ofullständig. Inget har ändrats.")
    if passphrase is None:
        raise ServiceError("Säkerhetskopian är krypterad: ange teamets lösenfras.")
    try:
        source.seek(len(MAGIC))
        (length,) = struct.unpack(">I", source.read(4))
        if length > fileformat.MAX_HEADER:
            raise ValueError("header too long")
        raw_header = source.read(length)
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
    start = len(MAGIC) + 4 + length
    left = size - start - TAG_BYTES
    if left < 0 or len(nonce) < 8:
        raise damaged
    source.seek(size - TAG_BYTES)
    tag = source.read(TAG_BYTES)
    source.seek(start)
    decryptor = Cipher(algorithms.AES(enc_key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(raw_header)
    while left > 0:
        chunk = source.read(min(CHUNK, left))
        if not chunk:
            raise damaged
        left -= len(chunk)
        into.write(decryptor.update(chunk))
    try:
        into.write(decryptor.finalize())
    except InvalidTag:
        raise damaged from None


def _check_database(path: Path) -> None:
    """Refuse anything but an intact ungtui database this version can open; then give it
    the journal mode the app works in. The candidate is our own file, opened read-write so
    that closing it leaves no -wal or -shm file behind."""
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if result == "ok" and "individual" in tables and 1 <= version <= LATEST_VERSION:
                conn.execute("PRAGMA journal_mode = WAL")
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
    """Put `backup_file` in place of the database at `db_path`. Refused while any ungtui
    has the database open (store.database.exclusive_use); the old file is kept aside."""
    backup_file, db_path = Path(backup_file), Path(db_path)
    try:
        source = open(backup_file, "rb")  # noqa: SIM115
    except FileNotFoundError:
        raise ServiceError(f"Filen {backup_file.name} finns inte.") from None
    except OSError as error:
        raise ServiceError(f"Filen kunde inte läsas: {error.strerror}.") from None
    db_path.parent.mkdir(parents=True, exist_ok=True)
    candidate = _candidate(db_path)
    try:
        with source, open(candidate, "wb") as into:
            start = source.read(max(len(MAGIC), len(SQLITE_MAGIC)))
            size = os.fstat(source.fileno()).st_size
            if start.startswith(MAGIC):
                _open_sealed(source, size, into, passphrase)
            elif start.startswith(SQLITE_MAGIC):
                source.seek(0)
                shutil.copyfileobj(source, into, CHUNK)
            else:
                raise ServiceError("Filen är ingen säkerhetskopia från ungtui. Inget har ändrats.")
            into.flush()
            os.fsync(into.fileno())
        _check_database(candidate)
        with exclusive_use(db_path):
            kept = _set_aside(db_path) if db_path.exists() else None
            os.replace(candidate, db_path)
    except DatabaseInUse as error:
        raise ServiceError(str(error)) from None
    except OSError as error:
        raise ServiceError(
            f"Säkerhetskopian kunde inte läggas på plats: {error.strerror}. Inget har ändrats."
        ) from None
    finally:
        _remove_with_journal(candidate)
    return RestoreResult(backup_file, kept)


def _candidate(db_path: Path) -> Path:
    temporary = db_path.with_name(f".{db_path.name}.återställs-{uuid.uuid4().hex[:12]}.tmp")
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    os.close(os.open(temporary, flags, 0o600))
    return temporary


def _remove_with_journal(path: Path) -> None:
    for name in (str(path), f"{path}-wal", f"{path}-shm", f"{path}-journal"):
        Path(name).unlink(missing_ok=True)


def _set_aside(db_path: Path) -> Path:
    """Fold the write-ahead log into the old file, then move it aside under a new name."""
    try:
        conn = sqlite3.connect(db_path, timeout=1)
        try:
            conn.execute("BEGIN EXCLUSIVE")  # fails while another program writes
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
