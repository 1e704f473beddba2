from __future__ import annotations

from datetime import date

import pytest

from ungtui.services import clock
from ungtui.services.people.organisations import register_user
from ungtui.store.database import open_database

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Ages and target groups depend on the day; every test runs on the same one."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def no_user_database(monkeypatch, tmp_path):
    # Never touch the developer's own database, nor their documents.
    monkeypatch.setenv("UNGTUI_DB", str(tmp_path / "env.db"))
    monkeypatch.setenv("UNGTUI_EXPORT_DIR", str(tmp_path / "dokument-ungtui"))


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "test.db")
    yield database
    database.close()


@pytest.fixture
def user(db):
    return register_user(
        db,
        name="Sofia Berg",
        unit_name="Jobbcenter Unga",
        role="arbetsmarknadssekreterare",
        organisation_name="Malmö stad",
        org_nr="212000-1124",
        kind="kommun",
    )
