"""Opening the SQLite file: permissions, pragmas, migrations, sessions."""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, create_engine

from ungtui.store.migrations import NewerSchemaError, migrate

BUSY_TIMEOUT_MS = 5000


class StoreError(Exception):
    """A problem with the database file, with a Swedish message for the user."""


def _create_private_file(path: Path) -> None:
    # Personal data: readable by the owner only, decided before SQLite writes a byte.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Removed personal data is overwritten, not left in free pages of the file.
    cursor.execute("PRAGMA secure_delete = ON")
    # Sync delivers related records in any order, so references are not enforced here.
    cursor.execute("PRAGMA foreign_keys = OFF")
    cursor.close()


def _migrate_file(path: Path) -> None:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"Databasen {path.name} kunde inte öppnas: {exc}.") from exc
    try:
        migrate(conn)
    except NewerSchemaError as exc:
        raise StoreError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(_explain(exc, path)) from exc
    finally:
        conn.close()


def _instance(path: Path) -> str:
    # Which file on which machine: a copy elsewhere (or a restored backup) differs.
    return f"{socket.gethostname()}|{path.resolve()}|{os.stat(path).st_ino}"


def _forget_identity_if_copied(path: Path) -> None:
    """A database file copied to another place must not go on as the same install:
    two installs writing under one site id would make edits collide unseen. Dropping the
    site id here makes the next write create a new one (sync.state.ensure_identity), and
    the next export a full one, so peers are not told of a gap."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        here = _instance(path)
        meta = dict(conn.execute("SELECT key, value FROM sync_meta").fetchall())
        if meta.get("instance") == here:
            return
        conn.execute("BEGIN IMMEDIATE")
        if "site_id" in meta:
            conn.execute("DELETE FROM sync_meta WHERE key IN ('site_id', 'signing_key')")
            conn.execute("INSERT OR REPLACE INTO sync_meta VALUES ('full_next', '1')")
        conn.execute("INSERT OR REPLACE INTO sync_meta VALUES ('instance', ?)", (here,))
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        raise StoreError(_explain(exc, path)) from exc
    finally:
        conn.close()


def _explain(exc: sqlite3.DatabaseError, path: Path) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return (
            f"Databasen {path.name} är låst av ett annat program. "
            "Stäng det andra fönstret med ungtui och försök igen."
        )
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return (
            f"Filen {path.name} är inte en ungtui-databas eller är skadad. "
            "Kontrollera sökvägen eller återställ från en säkerhetskopia."
        )
    return f"Databasen {path.name} kunde inte öppnas ({exc})."


def take_write_lock(conn) -> None:
    """Start the write transaction now (SQLite's RESERVED lock; waits for another writer):
    what is read after this stays true until the commit. Writes nothing."""
    conn.exec_driver_sql("DELETE FROM setting WHERE 0")


class Database:
    """One open database file. Sessions are short-lived and per unit of work."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_database(path: str | os.PathLike[str], *, create: bool = True) -> Database:
    """Open (creating if allowed) and migrate the database at `path`."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} är en mapp, inte en databasfil.")
    if not path.exists():
        if not create:
            raise StoreError(f"Databasen {path} finns inte.")
        try:
            _create_private_file(path)
        except OSError as exc:
            raise StoreError(
                f"Databasen kunde inte skapas i {path.parent}: {exc.strerror}."
            ) from exc
    _migrate_file(path)
    _forget_identity_if_copied(path)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _set_pragmas)
    try:
        with engine.connect():
            pass  # sets WAL and the other pragmas now, while errors can still be explained
    except OperationalError as exc:
        engine.dispose()
        raise StoreError(_explain(exc.orig, path)) from exc
    return Database(path, engine)
