"""Where ungtui keeps its data on this machine."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_documents_dir, user_downloads_dir

APP_NAME = "ungtui"
DB_ENV = "UNGTUI_DB"
EXPORT_ENV = "UNGTUI_EXPORT_DIR"


def default_db_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "ungtui.db"


def resolve_db_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """--db wins, then $UNGTUI_DB, then the per-user data directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def export_folder() -> Path:
    """Where the app puts files for the user (lists, reports, minutes, extracts, the log,
    sync files): one ungtui folder among the user's documents, made on first use and
    readable by the owner only. $UNGTUI_EXPORT_DIR names another. Where the folder cannot
    be made, the home folder; every message says where a file went."""
    env = os.environ.get(EXPORT_ENV)
    folder = Path(env).expanduser() if env else Path(user_documents_dir()) / APP_NAME
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return Path.home()
    return folder


def sync_folders() -> list[tuple[str, Path]]:
    """Folders where a received sync file is likely to be, for picking one without
    typing a path: downloads (e-mail), ungtui's own folder, and USB sticks."""
    found = [
        ("Hämtade filer", Path(user_downloads_dir())),
        ("ungtui i Dokument", export_folder()),
    ]
    user = os.environ.get("USER", "")
    for base in (Path("/media") / user, Path("/run/media") / user, Path("/Volumes")):
        try:
            found += [(f"{d.name} (USB)", d) for d in sorted(base.iterdir()) if d.is_dir()]
        except OSError:
            continue
    unique: dict[Path, str] = {}
    for label, folder in found:
        if folder.is_dir() and folder not in unique:
            unique[folder] = label
    return [(label, folder) for folder, label in unique.items()]
