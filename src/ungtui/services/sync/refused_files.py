"""Sync files this install refused to read in (a wrong passphrase, a file not for us, a
sender not confirmed), remembered by file name until the file is read in: Läs in keeps
saying so after a restart, where "ny" would read as a file never tried. An install-local
setting, never synced; a file's name holds no names (sync.fileformat)."""

from __future__ import annotations

import json

from sqlmodel import select

from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Setting

KEY = "synk.avvisade_filer"
# The newest refusals kept: files seldom linger, and a folder's list is read whole.
KEEP = 50


def _read(session) -> dict[str, list[str]]:
    row = session.exec(select(Setting).where(Setting.key == KEY)).first()
    try:
        found = json.loads(row.value) if row is not None else {}
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def refused_files(db: Database) -> dict[str, tuple[str, str]]:
    """{file name: (what Läge says, why in full)} of the files refused here."""
    with db.session() as session:
        found = _read(session)
    return {
        name: (value[0], value[1])
        for name, value in found.items()
        if isinstance(value, list) and len(value) == 2
    }


def remember_refusal(db: Database, name: str, label: str, why: str) -> None:
    with UnitOfWork(db, None) as uow:
        found = _read(uow.session)
        found.pop(name, None)
        found[name] = [label, why]  # last in: the newest
        kept = dict(list(found.items())[-KEEP:])
        uow.set_setting(KEY, json.dumps(kept, ensure_ascii=False))


def forget_refusal(db: Database, name: str) -> None:
    with UnitOfWork(db, None) as uow:
        found = _read(uow.session)
        if found.pop(name, None) is not None:
            uow.set_setting(KEY, json.dumps(found, ensure_ascii=False) if found else None)
