from __future__ import annotations

import gc
from datetime import date

import pytest

from tests.database_template import new_database
from ungtui.services import clock
from ungtui.services.people.organisations import register_user
from ungtui.sync import fileformat

TODAY = date(2026, 11, 24)


# Garbage collection cost about a sixth of the CPU time of a screen test: every Textual app
# makes hundreds of thousands of objects, and each full collection walked all the modules
# imported too. So the objects alive once the tests are collected (modules, classes) are
# frozen out of collections, and the young generation is collected less often. Garbage is
# still collected, only in larger batches; no test depends on when.
GC_THRESHOLDS = (50_000, 20, 10)


def pytest_sessionstart(session):
    gc.set_threshold(*GC_THRESHOLDS)


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


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


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    """Argon2id at its real cost (64 MiB) takes about 0.1 s a sync file or backup, a few
    hundred times over the suite. Files carry their own parameters, so cheap ones run the
    same code; tests/test_sync_files.py keeps the real cost with its `real_kdf` fixture."""
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})


@pytest.fixture
def db(tmp_path):
    database = new_database(tmp_path / "test.db")
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
