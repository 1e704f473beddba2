"""Every command that writes a file writes it the one way (services.private_files): a link
at the path is refused, an existing file is kept unless --skriv-over is given, the file is
owner-only, and a full disk is one Swedish line with nothing left behind."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from tests.services.test_private_files import FailingDisk
from ungtui.cli import main
from ungtui.demo.fill import fill_demo
from ungtui.services import private_files
from ungtui.store.database import open_database
from ungtui.sync import fileformat

PASSPHRASE = "korv med bröd och senap"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})
    monkeypatch.setenv("UNGTUI_PASSPHRASE", PASSPHRASE)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = open_database(path)
    fill_demo(db, individuals=8, seed=5)
    db.close()
    conn = sqlite3.connect(path)
    person = conn.execute(
        "SELECT identity_number FROM individual WHERE identity_number IS NOT NULL LIMIT 1"
    ).fetchone()[0]
    meeting = conn.execute("SELECT id FROM meeting LIMIT 1").fetchone()[0]
    process = conn.execute("SELECT id FROM work_process LIMIT 1").fetchone()[0]
    org = conn.execute("SELECT org_nr FROM organisation WHERE org_nr IS NOT NULL").fetchone()[0]
    conn.close()
    return {"db": str(path), "person": person, "meeting": meeting, "process": process, "org": org}


COMMANDS = {
    "dump": lambda d, out: ["dump", "--db", d["db"], "--out", out],
    "extract": lambda d, out: ["extract", "--db", d["db"], "--person", d["person"], "--out", out],
    "audit-log": lambda d, out: ["audit-log", "--db", d["db"], "--out", out],
    "minutes": lambda d, out: ["meeting", "minutes", d["meeting"], "--db", d["db"], "--out", out],
    "process": lambda d, out: ["process", "export", d["process"], "--db", d["db"], "--out", out],
    "report": lambda d, out: ["report", "--db", d["db"], "--period", "2026", "--out", out],
    "export-table-csv": lambda d, out: ["export-table", "deltagare", "--db", d["db"], "--out", out],
    "export-table-xlsx": lambda d, out: [
        "export-table",
        "deltagare",
        "--db",
        d["db"],
        "--out",
        out,
    ],
    "sync-export": lambda d, out: ["export", "--db", d["db"], "--for", d["org"], "--out", out],
    "backup": lambda d, out: ["backup", "--db", d["db"], "--out", out],
    "backup-encrypted": lambda d, out: ["backup", "--db", d["db"], "--out", out, "--encrypt"],
}
SUFFIX = {"export-table-xlsx": ".xlsx", "export-table-csv": ".csv", "report": ".csv"}


def target(tmp_path, name: str):
    folder = tmp_path / "ut"
    folder.mkdir(exist_ok=True)
    return folder / f"fil{SUFFIX.get(name, '.txt')}"


@pytest.mark.parametrize("name", COMMANDS)
def test_a_link_at_the_path_is_refused(demo, tmp_path, capsys, name):
    victim = tmp_path / "någon-annans.txt"
    victim.write_text("orörd")
    out = target(tmp_path, name)
    out.symlink_to(victim)
    for extra in ([], ["--skriv-over"]):
        assert main(COMMANDS[name](demo, str(out)) + extra) != 0
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("ungtui: ") and "Traceback" not in err
    assert victim.read_text() == "orörd"
    assert os.path.islink(out)


@pytest.mark.parametrize("name", COMMANDS)
def test_an_existing_file_is_replaced_only_when_asked(demo, tmp_path, capsys, name):
    out = target(tmp_path, name)
    out.write_text("gammalt")
    out.chmod(0o644)
    assert main(COMMANDS[name](demo, str(out))) == 1
    assert capsys.readouterr().err == (
        f"ungtui: Filen {out} finns redan och skrivs inte över. Välj ett annat namn, eller "
        "lägg till --skriv-over för att ersätta den.\n"
    )
    assert out.read_text() == "gammalt"
    assert main([*COMMANDS[name](demo, str(out)), "--skriv-over"]) == 0, capsys.readouterr()
    assert out.read_bytes() != b"gammalt"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


@pytest.mark.parametrize("name", COMMANDS)
def test_a_full_disk_is_one_line_and_leaves_nothing(demo, tmp_path, capsys, monkeypatch, name):
    monkeypatch.setattr(
        private_files,
        "_handle",
        lambda fd: FailingDisk(os.fdopen(fd, "wb"), 100, errno.ENOSPC),
    )
    out = target(tmp_path, name)
    before = Path(demo["db"]).read_bytes()
    assert main(COMMANDS[name](demo, str(out))) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "Disken är full" in err
    assert list(out.parent.iterdir()) == []
    if name not in ("sync-export", "extract"):  # an extract logs that it was read
        assert Path(demo["db"]).read_bytes() == before
