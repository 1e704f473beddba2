"""Restore never pulls a database from under a running ungtui, a running ungtui never
saves into a file that was replaced, and backups never leave plaintext or journal files
where they should not."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from ungtui.cli import main
from ungtui.services.errors import ServiceError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.privacy import backup as backup_module
from ungtui.services.privacy.backup import backup, restore
from ungtui.store.database import open_database
from ungtui.sync import fileformat

PASSPHRASE = "korv med bröd och senap"
IN_USE = (
    "Databasen används just nu av ungtui (ett öppet fönster eller ett kommando som körs). "
    "Stäng det och försök igen. Inget har ändrats."
)
REPLACED = (
    "Databasfilen har bytts ut eller flyttats medan programmet var öppet (till exempel av en "
    "återställning). Inget sparades. Stäng ungtui och öppna det igen."
)


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})


def add(db, user, name: str) -> str:
    return save_individual(
        db,
        IndividualInput(birth_date="2005-03-17", first_name=name, last_name="Testsson"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


def names(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT first_name FROM individual ORDER BY 1")]
    finally:
        conn.close()


def test_restore_is_refused_while_another_process_has_the_database_open(db, user, tmp_path):
    add(db, user, "Före")
    copy = backup(db.path, tmp_path / "kopia.db").path
    add(db, user, "Efter")
    db.close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys
                from ungtui.store.database import open_database
                db = open_database({str(db.path)!r})
                print("öppen", flush=True)
                sys.stdin.read()
                db.close()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "öppen"
        with pytest.raises(ServiceError) as caught:
            restore(copy, db.path)
        assert str(caught.value) == IN_USE
        assert names(db.path) == ["Efter", "Före"]
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    result = restore(copy, db.path)  # closed now: it goes through
    assert names(db.path) == ["Före"]
    assert result.old_database_kept_as is not None


def test_restore_by_command_while_this_install_has_it_open(db, user, tmp_path, capsys):
    add(db, user, "Före")
    copy = backup(db.path, tmp_path / "kopia.db").path
    assert main(["restore", "--db", str(db.path), str(copy)]) == 1
    assert capsys.readouterr().err == f"ungtui: {IN_USE}\n"
    add(db, user, "Efter")  # the open database goes on working
    assert names(db.path) == ["Efter", "Före"]


def test_restore_leaves_no_journal_files_behind(db, user, tmp_path):
    add(db, user, "Före")
    sealed = backup(db.path, tmp_path / "kopia.ungbackup", passphrase=PASSPHRASE).path
    db.close()
    result = restore(sealed, db.path, passphrase=PASSPHRASE)
    assert sorted(p.name for p in db.path.parent.iterdir()) == sorted(
        [db.path.name, result.old_database_kept_as.name, sealed.name]
    )
    reopened = open_database(db.path)
    add(reopened, user, "Sedan")
    reopened.close()
    assert names(db.path) == ["Före", "Sedan"]
    left = [
        p.name for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm", ".tmp", ".lock"))
    ]
    assert left == []


def test_a_running_app_refuses_to_save_into_a_replaced_file(db, user, tmp_path):
    add(db, user, "Före")
    copy = backup(db.path, tmp_path / "kopia.db").path
    # Replaced behind its back (restore's lock bypassed: a file copied over by hand).
    aside = tmp_path / "undan.db"
    os.replace(db.path, aside)
    os.replace(copy, db.path)
    with pytest.raises(ServiceError) as caught:
        add(db, user, "Förlorad")
    assert str(caught.value) == REPLACED
    assert names(db.path) == ["Före"]


def test_a_backup_made_before_streaming_still_restores(db, user, tmp_path):
    """The streamed format is byte for byte what one sealed block was."""
    import struct

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    add(db, user, "Gammal")
    plain = backup(db.path, tmp_path / "kopia.db").path.read_bytes()
    salt, nonce = os.urandom(16), os.urandom(12)
    enc_key, header = backup_module._header(PASSPHRASE, salt, nonce)
    old = tmp_path / "gammal.ungbackup"
    sealed = AESGCM(enc_key).encrypt(nonce, plain, header)  # all at once, as before
    old.write_bytes(backup_module.MAGIC + struct.pack(">I", len(header)) + header + sealed)
    add(db, user, "Ny")
    db.close()
    restore(old, db.path, passphrase=PASSPHRASE)
    assert names(db.path) == ["Gammal"]


def test_a_killed_encrypted_backup_leaves_no_plaintext_in_the_target_folder(db, user, tmp_path):
    for n in range(30):
        add(db, user, f"Hemlig{n}")
    db.close()
    stick = tmp_path / "usb"
    stick.mkdir()
    script = textwrap.dedent(
        f"""
        import os, signal
        from ungtui.services import private_files
        from ungtui.services.privacy.backup import backup
        from ungtui.sync import fileformat
        fileformat.KDF_PARAMS = {{"alg": "argon2id", "t": 1, "m": 256, "p": 4}}

        class Killed:
            def __init__(self, inner):
                self.inner = inner
            def write(self, data):
                self.inner.write(data[:100])
                self.inner.flush()
                os.kill(os.getpid(), signal.SIGKILL)  # pulled power, mid-write
            def __getattr__(self, name):
                return getattr(self.inner, name)
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                self.inner.close()

        private_files._handle = lambda fd: Killed(os.fdopen(fd, "wb"))
        backup({str(db.path)!r}, {str(stick)!r}, passphrase={PASSPHRASE!r})
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert run.returncode == -signal.SIGKILL
    left = list(stick.iterdir())
    for path in left:
        data = path.read_bytes()
        assert b"SQLite format 3" not in data and b"Hemlig" not in data
    # The snapshot the killed backup was encrypting lies beside the database, never on the
    # stick; the next backup clears it away once it is clearly abandoned.
    stale = [p for p in db.path.parent.iterdir() if ".kopia-" in p.name]
    assert len(stale) == 1 and stale[0].stat().st_mode & 0o077 == 0
    old = time.time() - 2 * backup_module.STALE_SNAPSHOT_SECONDS
    os.utime(stale[0], (old, old))
    backup(db.path, tmp_path / "ny-kopia.db")
    assert not stale[0].exists()


def test_an_encrypted_backup_holds_no_plaintext_and_no_journal(db, user, tmp_path):
    add(db, user, "Hemlig")
    stick = tmp_path / "usb"
    stick.mkdir()
    made = backup(db.path, stick, passphrase=PASSPHRASE).path
    assert [p.name for p in stick.iterdir()] == [made.name]
    assert b"Hemlig" not in made.read_bytes()
    assert not [p for p in db.path.parent.iterdir() if ".kopia-" in p.name]


def test_a_backup_leaves_the_database_and_its_folder_as_they_were(db, user, tmp_path):
    add(db, user, "Orörd")
    db.close()
    before = {p.name: p.read_bytes() for p in db.path.parent.iterdir()}
    stick = tmp_path / "usb"
    stick.mkdir()
    backup(db.path, stick / "kopia.db")
    backup(db.path, stick, passphrase=PASSPHRASE)
    assert {p.name: p.read_bytes() for p in db.path.parent.iterdir() if p != stick} == before
