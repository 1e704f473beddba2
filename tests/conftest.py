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


# The longest tests start first and the short ones come last, so that no worker is left
# running a long test after the others have run out of work (pyproject's `--dist
# worksteal` hands the end of a busy worker's queue to an idle one). Measured with
# --durations at -n 2: the convergence machine alone took a sixth of a worker's time, and
# where it sat mid-collection it could be the last test running. Order only: every test
# still runs, and none depends on another having run.
SLOW_FIRST = (
    "tests/test_sync_convergence.py",
    "tests/tui/test_untrusted_text.py",
    "tests/tui/test_sync_screen.py",
    "tests/tui/test_process_form.py",
    "tests/tui/test_two_organisations_screens.py",
    "tests/test_cli_package.py",
    "tests/test_fuzz_untrusted_input.py",
)


def _start_rank(item) -> int:
    for rank, prefix in enumerate(SLOW_FIRST):
        if item.nodeid.startswith(prefix):
            return rank
    # Then the screen tests, which take seconds each, then the rest.
    return len(SLOW_FIRST) + (0 if item.nodeid.startswith("tests/tui/") else 1)


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_start_rank)  # stable: each file's tests keep their order


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
