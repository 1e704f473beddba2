"""Opening the SQLite file: permissions, pragmas, migrations, sessions, and the two
guards against silent loss.

Opening a database the user only reads changes nothing in it: migrations run only when
the schema is behind, the journal mode is set only when the file is created or migrated,
and the check for a copied database is made when something is first written
(sync.state.ensure_identity), not on open.

While a Database is open it holds a shared lock on a lock file beside the database, so
`restore` (which takes the lock exclusively) refuses to replace a file some ungtui has
open. And every write first checks that the file at the path is still the one that was
opened: replaced by any other means, the app refuses to save instead of writing into the
file that was moved away.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from ungtui.store.migrations import NewerSchemaError, migrate, schema_version

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

try:
    import fcntl
except ImportError:  # Windows: no advisory locks of this kind; restore checks by SQLite only
    fcntl = None  # type: ignore[assignment]

BUSY_TIMEOUT_MS = 5000
LOCK_SUFFIX = ".lock"
# What sqlite3 raises, as SQLAlchemy and explain_database_error understand errors, when
# the database file was replaced while it was open.
REPLACED = "ungtui: database file replaced"
_READS = ("SELECT", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class StoreError(Exception):
    """A problem with the database file, with a Swedish message for the user."""


def _create_private_file(path: Path) -> None:
    # Personal data: readable by the owner only, decided before SQLite writes a byte.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _set_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Per connection only: nothing here writes to the file (the journal mode, which would,
    # is set when the file is created or migrated).
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    # Removed personal data is overwritten, not left in free pages of the file.
    cursor.execute("PRAGMA secure_delete = ON")
    # Sync delivers related records in any order, so references are not enforced here.
    cursor.execute("PRAGMA foreign_keys = OFF")
    cursor.close()


# A temporary database kept in memory (PRAGMA temp_store = MEMORY: the follow-up report's
# tables) holds every page it ever had until its connection closes; dropping the tables,
# VACUUM and shrink_memory give none back. At 100,000 people a report leaves some 80 MiB so
# in a pooled connection: one coming back to the pool with more than this is closed instead
# (the pool opens a new one when it is next needed, with the pragmas above).
TEMP_IN_MEMORY_LIMIT = 8 * 1024 * 1024


def _close_if_large_temp(dbapi_conn: sqlite3.Connection | None, record) -> None:
    if dbapi_conn is None:
        return
    try:
        cursor = dbapi_conn.cursor()
        try:
            if cursor.execute("PRAGMA temp_store").fetchone()[0] != 2:
                return
            pages = cursor.execute("PRAGMA temp.page_count").fetchone()[0]
            size = cursor.execute("PRAGMA temp.page_size").fetchone()[0]
        finally:
            cursor.close()
    except sqlite3.Error:  # a connection already broken: the pool deals with it
        return
    if pages * size > TEMP_IN_MEMORY_LIMIT:
        record.invalidate()


def _migrate_file(path: Path) -> None:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise StoreError(f"Databasen {path.name} kunde inte öppnas: {exc}.") from exc
    try:
        before = schema_version(conn)
        if migrate(conn) != before:
            # Written anyway: now is the time for the journal mode that lets the app read
            # while another window writes.
            conn.execute("PRAGMA journal_mode = WAL")
    except NewerSchemaError as exc:
        raise StoreError(str(exc)) from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(_explain(exc, path)) from exc
    finally:
        conn.close()


def instance_of(conn) -> str:
    """Which file on which machine a connection is on: a copy elsewhere (or a restored
    backup) differs. sync.state compares it with the one stored, before the first write."""
    rows = conn.exec_driver_sql("PRAGMA database_list").all()
    file = next(row[2] for row in rows if row[1] == "main")
    return f"{socket.gethostname()}|{os.path.realpath(file)}|{os.stat(file).st_ino}"


# --- the lock that restore respects ----------------------------------------------------


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def _lock(path: Path, exclusive: bool) -> int | None:
    """A descriptor holding a flock on the lock file, or None if another process holds it
    the other way. The file locked must still be the one at the path: a holder that let go
    last removes it, and a new one is made."""
    if fcntl is None:
        return None
    how = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    while True:
        fd = os.open(path, flags, 0o600)
        try:
            fcntl.flock(fd, how)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            same = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


def _unlock(path: Path, fd: int) -> None:
    if fcntl is not None:
        try:
            # The last holder removes the file, so a database opened and closed leaves
            # nothing beside it.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass
        else:
            with suppress(OSError):
                os.unlink(path)
    os.close(fd)


class DatabaseInUse(StoreError):
    pass


@contextmanager
def exclusive_use(db_path: Path) -> Iterator[None]:
    """For replacing the database file: refused while any ungtui has it open."""
    path = lock_path(Path(db_path))
    try:
        fd = _lock(path, exclusive=True)
    except OSError:
        fd = None  # a folder we cannot write in: SQLite's own lock is the check left
    else:
        if fd is None and fcntl is not None:
            raise DatabaseInUse(
                "Databasen används just nu av ungtui (ett öppet fönster eller ett kommando "
                "som körs). Stäng det och försök igen. Inget har ändrats."
            )
    try:
        yield
    finally:
        if fd is not None:
            _unlock(path, fd)


def _shared_lock(db_path: Path) -> int | None:
    try:
        return _lock(lock_path(db_path), exclusive=False)
    except OSError:
        return None  # read-only folder: nothing can be restored over it from here either


# --- the file the app opened is the file it writes --------------------------------------


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _guard_writes(engine: Engine, path: Path) -> None:
    from sqlalchemy import event

    opened = _file_identity(path)

    def check(_conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
        if statement.lstrip()[:9].upper().startswith(_READS):
            return
        if _file_identity(path) != opened:
            raise sqlite3.OperationalError(REPLACED)

    event.listen(engine, "before_cursor_execute", check)


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
    """One open database file. Sessions are short-lived and per unit of work.

    The SQLAlchemy engine is made when first used, not on opening: the app's start screen
    is read with sqlite3 alone (`read`), so SQLAlchemy and the models are imported while
    the first screen is already up, not before it."""

    def __init__(self, path: Path, lock_fd: int | None = None) -> None:
        self.path = path
        self._lock_fd = lock_fd
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._engine_lock:  # workers in threads may ask at the same time
                if self._engine is None:
                    self._engine = _make_engine(self.path)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A plain sqlite3 connection for reading, with the engine's pragmas, closed after.
        For what must be on screen before SQLAlchemy is imported; never for writing."""
        conn = _connect(self.path)
        try:
            yield conn
        finally:
            conn.close()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self._lock_fd is not None:
            _unlock(lock_path(self.path), self._lock_fd)
            self._lock_fd = None


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    _set_pragmas(conn, None)
    return conn


def _make_engine(path: Path) -> Engine:
    from sqlalchemy import event
    from sqlmodel import create_engine

    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _set_pragmas)
    event.listen(engine, "checkin", _close_if_large_temp)
    _guard_writes(engine, path)
    return engine


def open_database(path: str | os.PathLike[str], *, create: bool = True) -> Database:
    """Open (creating if allowed) and migrate the database at `path`."""
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path} är en mapp, inte en databasfil.")
    created = False
    if not path.exists():
        if not create:
            raise StoreError(f"Databasen {path} finns inte.")
        try:
            _create_private_file(path)
        except OSError as exc:
            raise StoreError(
                f"Databasen kunde inte skapas i {path.parent}: {exc.strerror}."
            ) from exc
        created = True
    lock_fd = _shared_lock(path)
    try:
        _migrate_file(path)
        try:
            # Sets the pragmas once now, while errors can still be explained.
            _connect(path).close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(_explain(exc, path)) from exc
    except BaseException:
        if lock_fd is not None:
            _unlock(lock_path(path), lock_fd)
        if created:
            path.unlink(missing_ok=True)
        raise
    return Database(path, lock_fd)
