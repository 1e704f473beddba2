"""Every file the app writes, written one way.

The files hold personal data (extracts, lists, minutes, backups, sync files), so each is
written whole or not at all, readable by its owner only, and never through a link someone
planted at the path:

1. a temporary file is created in the target's own folder with O_CREAT | O_EXCL |
   O_NOFOLLOW and mode 0600 (a new file: an existing file's looser mode is never kept);
2. the content is written, flushed and fsynced;
3. it is moved into place: over the target when the user asked to replace it (rename
   replaces a link itself, never what it points to), else linked in under the name, which
   fails if the name was taken meanwhile;
4. on any error (a full disk, a file too large, an I/O error, a kill of the writer function)
   the temporary file is removed and one Swedish line says what happened.

Names are chosen by kind and day (`free_name`) so the name itself tells nothing about
anyone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from ungtui.services.errors import ServiceError, os_reason

TEMP_PREFIX = ".ungtui-"
TEMP_SUFFIX = ".tmp"


class TargetExists(ServiceError):
    """The file is there already and the user did not ask to replace it."""


def free_name(folder: Path, stem: str, suffix: str, day: date) -> Path:
    number = 1
    while True:
        extra = "" if number == 1 else f"-{number}"
        path = folder / f"{stem}-{day.isoformat()}{extra}{suffix}"
        if not os.path.lexists(path):
            return path
        number += 1


def check_target(path: Path, *, replace: bool = False) -> Path:
    """Refuse what no writer may write to: a missing folder, a link, a folder, and an
    existing file unless it is to be replaced."""
    path = Path(path).expanduser()
    if not path.parent.is_dir():
        raise ServiceError(f"Mappen {path.parent} finns inte.")
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return path
    except OSError as error:
        raise ServiceError(_explain(error, path)) from None
    if stat.S_ISLNK(found.st_mode):
        raise ServiceError(
            f"{path.name} är en länk till en annan fil. ungtui skriver aldrig genom en länk; "
            "välj ett annat filnamn."
        )
    if not stat.S_ISREG(found.st_mode):
        raise ServiceError(f"{path.name} finns redan och är ingen vanlig fil; välj ett annat namn.")
    if not replace:
        raise TargetExists(
            f"Filen {path.name} finns redan och skrivs inte över; välj ett annat namn."
        )
    return path


def _explain(error: OSError, path: Path) -> str:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"Disken är full: {path.name} kunde inte skrivas. Ingen ofullständig fil finns "
            "kvar; frigör utrymme och försök igen."
        )
    if error.errno == errno.EFBIG:
        return (
            f"{path.name} blev för stor för disken eller filsystemet (till exempel ett "
            "USB-minne med FAT32). Ingen ofullständig fil finns kvar."
        )
    if error.errno == errno.EIO:
        return (
            f"Skrivfel på disken när {path.name} skrevs (trasigt eller utdraget minne?). "
            "Ingen ofullständig fil finns kvar."
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Ingen behörighet att skriva {path.name} i {path.parent}."
    if error.errno == errno.ELOOP:
        return f"{path.name} är en länk; ungtui skriver aldrig genom en länk."
    return f"{path.name} kunde inte skrivas: {os_reason(error)}. Ingen ofullständig fil finns kvar."


def _temporary(folder: Path) -> tuple[Path, int]:
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    for _ in range(5):
        candidate = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}{TEMP_SUFFIX}"
        try:
            return candidate, os.open(candidate, flags, 0o600)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def _place(temporary: Path, path: Path, replace: bool) -> None:
    if replace:
        os.replace(temporary, path)
        return
    try:
        # A hard link fails if the name was taken since the check: never clobbered.
        os.link(temporary, path, follow_symlinks=False)
    except FileExistsError:
        raise TargetExists(
            f"Filen {path.name} finns redan och skrivs inte över; välj ett annat namn."
        ) from None
    except OSError:
        # No hard links here (a FAT USB stick): look once more, then rename.
        if os.path.lexists(path):
            raise TargetExists(
                f"Filen {path.name} finns redan och skrivs inte över; välj ett annat namn."
            ) from None
        os.rename(temporary, path)
        return
    temporary.unlink()


def _handle(fd: int) -> BinaryIO:
    return os.fdopen(fd, "wb")


def _sync_folder(folder: Path) -> None:
    # The rename is only durable once the folder itself is on disk.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def private_file(path: Path, *, replace: bool = False) -> Iterator[BinaryIO]:
    """A binary handle to write `path` through; see the module's steps. Raises
    ServiceError (TargetExists when the file is there and `replace` is False)."""
    path = check_target(path, replace=replace)
    temporary: Path | None = None
    try:
        temporary, fd = _temporary(path.parent)
        with _handle(fd) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _place(temporary, path, replace)
        temporary = None
        _sync_folder(path.parent)
    except OSError as error:
        raise ServiceError(_explain(error, path)) from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


def write_private_bytes(path: Path, data: bytes, *, replace: bool = False) -> Path:
    path = Path(path).expanduser()
    with private_file(path, replace=replace) as handle:
        handle.write(data)
    return path


def write_private_text(path: Path, text: str, *, replace: bool = False) -> Path:
    # A lone surrogate (never valid text) cannot be written as UTF-8; it becomes U+FFFD.
    return write_private_bytes(path, text.encode("utf-8", errors="replace"), replace=replace)
