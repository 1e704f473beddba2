from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

from ungtui.tui.app import UngApp

try:
    import fcntl
except ImportError:  # Windows has none: workers there may build the same demo side by side
    fcntl = None


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
    """Where the demo databases are built: under xdist one folder for all the workers of
    a run (each size and seed is built once a run, not once a worker: a demo costs 1–3 s
    of CPU, most of it the starting content); otherwise this session's own."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder; each worker's is popen-gwN under it
    folder = base / "demo-databases"
    folder.mkdir(exist_ok=True)
    return folder


@contextlib.contextmanager
def _only_one_builds(lock_path: Path):
    """While one worker builds a demo, another that needs the same one waits for it."""
    with open(lock_path, "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _built_demo(folder: Path, individuals: int, seed: int) -> Path:
    from ungtui.demo.fill import fill_demo
    from ungtui.store.database import open_database

    path = folder / f"demo-{individuals}-{seed}.db"
    if path.exists():
        return path
    with _only_one_builds(folder / f"demo-{individuals}-{seed}.lock"):
        if not path.exists():
            # Built under another name and moved into place whole: a worker that finds
            # the file finds it finished.
            building = folder / f"building-{individuals}-{seed}-{os.getpid()}.db"
            db = open_database(building)
            fill_demo(db, individuals=individuals, seed=seed)
            db.close()
            for suffix in ("-wal", "-shm"):
                assert not Path(f"{building}{suffix}").exists()  # all in the one file
            os.replace(building, path)
    return path


@pytest.fixture
def demo_copy(_demo_files, tmp_path):
    """A fresh copy of a demo database, built once a run for each size and seed (on the
    tests' fixed day: the first test to ask builds it), so many screen tests can start
    from the same people without making them again."""
    from ungtui.store.database import open_database

    opened = []

    def copy(individuals: int, seed: int):
        target = tmp_path / f"demo-{individuals}-{seed}.db"
        shutil.copy(_built_demo(_demo_files, individuals, seed), target)  # owner-only mode
        db = open_database(target)
        opened.append(db)
        return db

    yield copy
    for db in opened:
        db.close()
