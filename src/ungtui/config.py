"""Where ungtui keeps its data on this machine."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "ungtui"
DB_ENV = "UNGTUI_DB"


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
