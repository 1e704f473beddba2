"""Files with personal data that the app writes for the user: owner-only, never overwritten,
named by kind and day so the name itself tells nothing about anyone."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from ungtui.services.errors import ServiceError, os_reason


def free_name(folder: Path, stem: str, suffix: str, day: date) -> Path:
    number = 1
    while True:
        extra = "" if number == 1 else f"-{number}"
        path = folder / f"{stem}-{day.isoformat()}{extra}{suffix}"
        if not path.exists():
            return path
        number += 1


def write_private_text(path: Path, text: str, *, replace: bool = False) -> Path:
    flags = os.O_CREAT | os.O_WRONLY | (os.O_TRUNC if replace else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as error:
        raise ServiceError(f"Filen kunde inte skrivas: {os_reason(error)}.") from error
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path
