from __future__ import annotations

import shutil

import pytest

from ungtui.tui.app import UngApp


@pytest.fixture(autouse=True)
def start_at_the_register(monkeypatch):
    """The app opens on Min dag; most screen tests are about the register and begin there.
    Tests of the start itself use `opens_on_min_dag`."""
    monkeypatch.setattr(UngApp, "START_SECTION", "deltagare")


@pytest.fixture(autouse=True)
def start_objects_stay_collectable(monkeypatch):
    """The app freezes what start-up made, once a process; in the tests one process opens
    hundreds of apps, and each frozen one would stay in memory to the end of the run."""
    monkeypatch.setattr("ungtui.tui.app.leave_start_objects_alone", lambda: None)


@pytest.fixture
def opens_on_min_dag(monkeypatch):
    monkeypatch.setattr(UngApp, "START_SECTION", "min_dag")


@pytest.fixture(scope="session")
def _demo_files(tmp_path_factory):
    return {}


@pytest.fixture
def demo_copy(_demo_files, tmp_path_factory, tmp_path):
    """A fresh copy of a demo database, built once a session for each size and seed (on
    the tests' fixed day: the first test to ask builds it), so many screen tests can
    start from the same people without making them again."""
    from ungtui.demo.fill import fill_demo
    from ungtui.store.database import open_database

    opened = []

    def copy(individuals: int, seed: int):
        key = (individuals, seed)
        if key not in _demo_files:
            path = tmp_path_factory.mktemp("demo") / f"demo-{individuals}-{seed}.db"
            db = open_database(path)
            fill_demo(db, individuals=individuals, seed=seed)
            db.close()
            _demo_files[key] = path
        target = tmp_path / f"demo-{individuals}-{seed}.db"
        shutil.copy(_demo_files[key], target)  # with its owner-only mode
        db = open_database(target)
        opened.append(db)
        return db

    yield copy
    for db in opened:
        db.close()
