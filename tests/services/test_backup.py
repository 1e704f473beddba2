"""Backup while others write, restore that refuses bad files, and private file modes."""

from __future__ import annotations

import sqlite3
import stat
import threading
from datetime import date

import pytest

from ungtui.cli import main
from ungtui.services.audit import AuditFilter, list_entries
from ungtui.services.errors import ServiceError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.privacy import backup as backup_module
from ungtui.services.privacy.backup import backup, restore
from ungtui.services.private_files import free_name
from ungtui.services.sync.sync_files import export_file
from ungtui.store.database import open_database
from ungtui.sync import fileformat

PASSPHRASE = "korv med bröd och senap"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})


def add(db, user, n: int) -> str:
    return save_individual(
        db,
        IndividualInput(birth_date="2005-03-17", first_name=f"Test{n}", last_name="Testsson"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


def people(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT first_name FROM individual ORDER BY 1")]
    finally:
        conn.close()


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_backup_while_another_connection_writes_is_consistent(db, user, tmp_path):
    for n in range(5):
        add(db, user, n)
    stop = threading.Event()

    def keep_writing():
        n = 100
        while not stop.is_set():
            add(db, user, n)  # a person and their caseworker in one transaction
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        copies = [backup(db.path, tmp_path / f"kopia{i}.db").path for i in range(3)]
    finally:
        stop.set()
        writer.join()
    for copy in copies:
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        persons = conn.execute("SELECT COUNT(*) FROM individual").fetchone()[0]
        caseworkers = conn.execute("SELECT COUNT(*) FROM responsibility").fetchone()[0]
        conn.close()
        assert persons >= 5
        assert persons == caseworkers  # never half of a write
        assert mode(copy) == 0o600


def test_encrypted_backup_restores_and_keeps_the_old_database(db, user, tmp_path):
    add(db, user, 1)
    sealed = backup(db.path, tmp_path / "kopia.ungbackup", passphrase=PASSPHRASE)
    assert sealed.encrypted and mode(sealed.path) == 0o600
    assert b"Test1" not in sealed.path.read_bytes()
    add(db, user, 2)
    db.close()
    result = restore(sealed.path, db.path, passphrase=PASSPHRASE)
    assert people(db.path) == ["Test1"]
    assert result.old_database_kept_as is not None
    assert people(result.old_database_kept_as) == ["Test1", "Test2"]
    reopened = open_database(db.path)  # a restored file opens as a working database
    reopened.close()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) // 2], "skadad"),
        # The first byte of the last page (its b-tree page type): SQLite's integrity check
        # cannot see every flipped byte (one inside a text value reads as other text).
        (lambda data: data[:-4096] + bytes([data[-4096] ^ 0xFF]) + data[-4095:], "skadad"),
        (lambda data: "hej hej, det här är ingen databas".encode(), "ingen säkerhetskopia"),
    ],
)
def test_damaged_backup_is_refused_and_the_database_is_untouched(
    db, user, tmp_path, damage, message
):
    add(db, user, 1)
    plain = backup(db.path, tmp_path / "kopia.db").path
    add(db, user, 2)
    bad = tmp_path / "trasig.db"
    bad.write_bytes(damage(plain.read_bytes()))
    before = db.path.read_bytes()
    with pytest.raises(ServiceError, match=message):
        restore(bad, db.path)
    assert db.path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "före" in p.name) == []


def test_wrong_passphrase_and_foreign_sqlite_are_refused(db, user, tmp_path):
    add(db, user, 1)
    sealed = backup(db.path, tmp_path / "kopia.ungbackup", passphrase=PASSPHRASE).path
    with pytest.raises(ServiceError, match="Fel lösenfras"):
        restore(sealed, db.path, passphrase="fel fras men lång")
    foreign = tmp_path / "annan.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ServiceError, match="ingen databas från ungtui"):
        restore(foreign, db.path)
    assert people(db.path) == ["Test1"]


def test_files_the_app_writes_are_private(db, user, tmp_path, monkeypatch, capsys):
    assert mode(db.path) == 0o600
    person = add(db, user, 1)
    sync_file = tmp_path / "fil.ungsync"
    export_file(db, for_organisation=user.organisation_id, out=sync_file, passphrase=PASSPHRASE)
    assert mode(sync_file) == 0o600
    assert main(["dump", "--db", str(db.path), "--out", str(tmp_path / "dump.json")]) == 0
    assert mode(tmp_path / "dump.json") == 0o600
    assert main(["audit-log", "--db", str(db.path), "--out", str(tmp_path / "logg.csv")]) == 0
    assert mode(tmp_path / "logg.csv") == 0o600
    monkeypatch.setenv("UNGTUI_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "kopior"
    out.mkdir()
    assert main(["backup", "--db", str(db.path), "--out", str(out), "--encrypt"]) == 0
    (made,) = out.iterdir()
    assert made.name.startswith("ungtui-kopia-") and made.suffix == ".ungbackup"
    assert mode(made) == 0o600
    assert free_name(tmp_path, "ungtui-logg", ".csv", date(2026, 11, 24)).name == (
        "ungtui-logg-2026-11-24.csv"
    )
    (tmp_path / "ungtui-logg-2026-11-24.csv").write_text("")
    assert free_name(tmp_path, "ungtui-logg", ".csv", date(2026, 11, 24)).name == (
        "ungtui-logg-2026-11-24-2.csv"
    )
    assert [e.individual_id for e in list_entries(db, AuditFilter(action="exporterade"))] == [
        person
    ]
    capsys.readouterr()


def test_restore_command_refuses_a_damaged_file_in_swedish(db, user, tmp_path, capsys):
    add(db, user, 1)
    bad = tmp_path / "trasig.ungbackup"
    bad.write_bytes(backup_module.MAGIC + b"\x00\x00\x00\x05{}")
    db.close()
    code = main(["restore", "--db", str(db.path), str(bad)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("ungtui: ")
    assert "Traceback" not in err
    assert people(db.path) == ["Test1"]
