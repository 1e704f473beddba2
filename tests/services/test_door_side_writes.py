"""Writes that are no domain record still go through UnitOfWork: a setting of this install
and an audit entry for reading. They log no change, are stamped for no sync, and are
written with the rest of the unit of work or not at all."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ungtui.services.audit import AuditFilter, list_entries
from ungtui.services.privacy.privacy_settings import privacy_settings, save_privacy_settings
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.models import ChangeLog, Setting


def _settings(db) -> dict[str, str]:
    with db.session() as session:
        return {s.key: s.value for s in session.exec(select(Setting)).all()}


def _counts(db) -> tuple[int, int]:
    with db.engine.connect() as conn:
        log = conn.exec_driver_sql("SELECT count(*) FROM changelog").scalar_one()
        seq = conn.exec_driver_sql("SELECT count(*) FROM sync_row").scalar_one()
    return log, seq


def test_a_setting_is_added_changed_and_removed_unlogged_and_unsynced(db):
    before = _counts(db)
    with UnitOfWork(db, None) as uow:
        uow.set_setting("probe", "1")
    assert _settings(db)["probe"] == "1"
    with UnitOfWork(db, None) as uow:
        uow.set_setting("probe", "2")
    assert _settings(db)["probe"] == "2"
    with UnitOfWork(db, None) as uow:
        uow.set_setting("probe", None)
        uow.set_setting("never-there", None)
    assert "probe" not in _settings(db)
    assert "never-there" not in _settings(db)
    assert _counts(db) == before


def test_a_failed_unit_of_work_keeps_neither_setting_nor_log_entry(db, user):
    with pytest.raises(RuntimeError), UnitOfWork(db, user.staff_id) as uow:
        uow.set_setting("probe", "1")
        uow.log_access("visade", [(None, "personnummer")])
        raise RuntimeError("the file could not be written")
    assert "probe" not in _settings(db)
    assert list_entries(db, AuditFilter(action="visade")) == []


def test_an_access_is_logged_when_the_unit_of_work_commits(db, user):
    with UnitOfWork(db, user.staff_id) as uow:
        uow.log_access("visade", [(None, "personnummer")])
    entries = list_entries(db, AuditFilter(action="visade"))
    assert [(e.action, e.detail, e.actor_name) for e in entries] == [
        ("visade", "personnummer", "Sofia Berg")
    ]
    with db.session() as session:
        assert session.exec(select(ChangeLog).where(ChangeLog.field == "visade")).all() == []


def test_removing_the_lock_passphrase_removes_it(db):
    save_privacy_settings(db, idle_minutes="10", new_passphrase="korv med bröd")
    assert privacy_settings(db).lock_passphrase_hash.startswith("scrypt$")
    save_privacy_settings(db, idle_minutes="10", remove_passphrase=True)
    assert privacy_settings(db).lock_passphrase_hash == ""
    assert "idle_lock_passphrase" not in _settings(db)
