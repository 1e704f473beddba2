"""Opening a database only to read it changes nothing: sample.db stays byte for byte
what git has after the app is opened on it and quit, and after the commands that only
read; no lock, journal or other file is left beside it, and its mode is not touched."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.tui.helpers import settle
from ungtui.cli import main
from ungtui.demo.fill import fill_demo
from ungtui.services.referrals.referrals import refresh_states
from ungtui.store.database import open_database
from ungtui.store.migrations import LATEST_VERSION
from ungtui.tui.app import UngApp

SAMPLE = Path(__file__).parent.parent.parent / "sample.db"
READ_ONLY = [
    ["dump"],
    ["where"],
    ["conflicts"],
    ["meeting", "list"],
    ["referral", "list"],
    ["process", "search", "arbete"],
    ["report", "--period", "2026"],
    ["audit-log"],
]


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(p.stat().st_mode))
        for p in folder.iterdir()
    }


@pytest.fixture
def clone(tmp_path):
    """sample.db as a fresh clone has it: another path than where it was made, mode 0644.
    A sample.db from before this branch's newest migration is first brought up to date
    elsewhere, as regenerating it does (a migration is a write that has to happen once, and
    demo data now comes with the referral lists' cache built)."""
    source = SAMPLE
    conn = sqlite3.connect(f"file:{SAMPLE}?mode=ro&immutable=1", uri=True)
    behind = conn.execute("PRAGMA user_version").fetchone()[0] < LATEST_VERSION
    conn.close()
    if behind:
        made = tmp_path / "gjord" / "sample.db"
        made.parent.mkdir()
        shutil.copyfile(SAMPLE, made)
        db = open_database(made, create=False)
        refresh_states(db)
        db.close()
        source = made
    folder = tmp_path / "klon"
    folder.mkdir()
    path = folder / "sample.db"
    shutil.copyfile(source, path)
    path.chmod(0o644)
    return path


async def test_opening_the_app_on_sample_db_browsing_and_quitting_changes_nothing(clone):
    before = fingerprint(clone.parent)
    db = open_database(clone, create=False)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "end", "home")
        await settle(pilot)
        # Every section, the Synk screen's own fingerprint included (a copied file has
        # none of its own yet, and showing that must not make one).
        for key in ("f3", "f4", "f5", "f6", "f7", "5", "f8", "f2"):
            await pilot.press(key)
            await settle(pilot)
        await pilot.press("ctrl+q")
    db.close()
    assert fingerprint(clone.parent) == before


def test_commands_that_only_read_change_nothing(clone, capsys):
    before = fingerprint(clone.parent)
    for command in READ_ONLY:
        assert main([*command, "--db", str(clone)]) == 0, command
        assert fingerprint(clone.parent) == before, command
    capsys.readouterr()


def test_a_new_demo_database_reads_without_writing_referrals_included(tmp_path, capsys):
    made = tmp_path / "gjord" / "demo.db"
    made.parent.mkdir()
    db = open_database(made)
    fill_demo(db, individuals=20, seed=7)
    db.close()
    folder = tmp_path / "annan-plats"
    folder.mkdir()
    path = folder / "demo.db"
    shutil.copyfile(made, path)
    before = fingerprint(folder)
    for command in READ_ONLY:
        assert main([*command, "--db", str(path)]) == 0, command
        assert fingerprint(folder) == before, command
    capsys.readouterr()


def test_the_first_write_to_a_copy_gives_it_its_own_identity(clone):
    from ungtui.sync import state

    with open_database(clone, create=False).engine.begin() as conn:
        before = dict(conn.exec_driver_sql("SELECT key, value FROM sync_meta").all())
    db = open_database(clone, create=False)
    try:
        with db.engine.begin() as conn:
            site = state.site_id(conn)
            meta = dict(conn.exec_driver_sql("SELECT key, value FROM sync_meta").all())
    finally:
        db.close()
    assert site != before["site_id"]
    assert meta["full_next"] == "1"
    assert meta["instance"].split("|")[1] == str(clone.resolve())
