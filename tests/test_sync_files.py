"""Sync files end to end: export_file / import_file against the adversarial cases of
sync.md §6.6. Every expected outcome is written out by hand; "unchanged" is checked on the
domain dump and on every table of the database file, bookkeeping included."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.sync_craft import fields_of, open_file, split, write_file
from tests.sync_helpers import Install, add_person, edit
from ungtui.services.people.individuals import get_individual
from ungtui.services.people.organisations import CurrentUser
from ungtui.services.sync.dump import dump_json
from ungtui.services.sync.sync import open_conflicts
from ungtui.services.sync.sync_files import UnknownSender, export_file, import_file, my_fingerprint
from ungtui.store.database import Database, open_database
from ungtui.store.migrations import LATEST_VERSION
from ungtui.sync import fileformat, hlc, state
from ungtui.sync.fileformat import MAGIC, NewerSchema, SyncFileError, WrongPassphrase

PASSPHRASE = "korv med bröd och senap"
ROOT = Path(__file__).resolve().parent.parent
YEAR_MS = 365 * 24 * 60 * 60 * 1000
REAL_KDF = dict(fileformat.KDF_PARAMS)


# --- helpers ---------------------------------------------------------------------------


@dataclass
class Node:
    """An install as the tests use it: a database and the user working in it."""

    db: Database
    user: CurrentUser
    path: Path

    def reopen(self) -> None:
        self.db.close()
        self.db = open_database(self.path)

    @property
    def site(self) -> str:
        with self.db.engine.begin() as conn:
            return state.site_id(conn)


def node(install: Install, path: Path) -> Node:
    return Node(install.db, install.user, path)


class Files:
    """Numbered file names, so no export overwrites another."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def export(self, sender: Node, *, full: bool = False) -> Path:
        self.count += 1
        out = self.folder / f"fil-{self.count}.ungsync"
        export_file(
            sender.db,
            for_organisation=sender.user.organisation_id,
            out=out,
            passphrase=PASSPHRASE,
            full=full,
        )
        return out

    def send(self, sender: Node, receiver: Node, *, full: bool = False):
        path = self.export(sender, full=full)
        return import_file(
            receiver.db, path, passphrase=PASSPHRASE, trust=my_fingerprint(sender.db)
        )


def snapshot(db: Database) -> tuple[str, dict]:
    """The domain dump and every row of every table: what 'nothing written' means."""
    with db.engine.connect() as conn:
        names = [
            name
            for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        tables = {
            name: sorted(
                (tuple(row) for row in conn.exec_driver_sql(f'SELECT * FROM "{name}"')), key=repr
            )
            for name in names
        }
    return dump_json(db), tables


def shown(at: Node, person_id: str):
    return get_individual(at.db, person_id).individual


def hand_fingerprint(db: Database) -> str:
    """The fingerprint worked out here from the stored key, not by fileformat."""
    with db.engine.connect() as conn:
        raw = conn.exec_driver_sql(
            "SELECT value FROM sync_meta WHERE key = 'signing_key'"
        ).scalar_one()
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(raw))
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    digest = hashlib.sha256(public).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def copy_closed(at: Node, target: Path) -> None:
    """Close the database and copy its file (a copy to another place, or a backup)."""
    at.db.close()
    shutil.copy(at.path, target)
    wal = Path(f"{at.path}-wal")
    if wal.exists():
        shutil.copy(wal, f"{target}-wal")


def restore_in_place(backup: Path, at: Node) -> None:
    """Put a backup back over the database file: same path, same inode."""
    at.db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{at.path}{suffix}").unlink(missing_ok=True)
    inode = os.stat(at.path).st_ino
    shutil.copy(backup, at.path)
    assert os.stat(at.path).st_ino == inode
    wal = Path(f"{backup}-wal")
    if wal.exists():
        shutil.copy(wal, f"{at.path}-wal")
    at.db = open_database(at.path)


def join(header: bytes, signature: bytes, body: bytes) -> bytes:
    return MAGIC + struct.pack(">I", len(header)) + header + signature + body


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    """Argon2id at its real cost takes about 0.1 s a file; the files carry their own
    parameters, so cheap ones run the same code. Tests asking for `real_kdf` keep them."""
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})


@pytest.fixture
def real_kdf(monkeypatch):
    monkeypatch.setattr(fileformat, "KDF_PARAMS", REAL_KDF)
    return REAL_KDF


@pytest.fixture
def joined(tmp_path):
    """A and B of one organisation, B started from A's data; no file has travelled yet,
    so neither knows the other's signing key."""
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    nodes = node(a, tmp_path / "a.db"), node(b, tmp_path / "b.db")
    yield nodes
    for n in nodes:
        n.db.close()


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "filer"
    folder.mkdir()
    return Files(folder)


@pytest.fixture
def pair(joined, files):
    """A and B that have each taken in one file from the other and trust each other."""
    a, b = joined
    files.send(a, b)
    files.send(b, a)
    return a, b


# --- 1, 2: the same file again, and one's own file -------------------------------------


def test_same_file_twice_is_already_read(real_kdf, pair, files):
    a, b = pair
    person = add_person(a)
    path = files.export(a)
    first = import_file(b.db, path, passphrase=PASSPHRASE)
    assert first.status == "imported"
    assert first.summary.new >= 1
    assert shown(b, person).last_name == "Ek"
    before = snapshot(b.db)
    again = import_file(b.db, path, passphrase=PASSPHRASE)
    assert again.status == "already"
    assert "redan inläst" in again.message
    assert snapshot(b.db) == before


def test_own_export_changes_nothing(pair, files):
    a, _b = pair
    add_person(a)
    path = files.export(a)
    before = snapshot(a.db)
    result = import_file(a.db, path, passphrase=PASSPHRASE)
    assert result.status == "own"
    assert "den här installationen" in result.message
    assert snapshot(a.db) == before


# --- 3-6: damaged, edited, foreign files and the wrong passphrase -----------------------


def test_truncated_and_foreign_files_are_refused(pair, files, tmp_path):
    a, b = pair
    add_person(a)
    data = files.export(a).read_bytes()
    prefix, header, _signature, body = split(data)
    head_end = len(prefix) + len(header)
    # The header names the body's size: any cut is seen before anything is decrypted.
    cuts = {
        "empty": (data[:0], "ingen synkfil"),
        "inside MAGIC": (data[:5], "ingen synkfil"),
        "inside the length": (data[: len(MAGIC) + 2], "avkortad"),
        "inside the header": (data[: len(MAGIC) + 4 + 20], "avkortad"),
        "inside the header's signature": (data[: head_end + 10], "avkortad"),
        "header only": (data[: head_end + 64], "avkortad"),
        "mid-body": (data[: head_end + 64 + len(body) // 2], "avkortad"),
        "last byte removed": (data[:-1], "avkortad"),
        "a byte added": (data + b"\x00", "skadad"),
    }
    before = snapshot(b.db)
    for name, (cut, words) in cuts.items():
        path = tmp_path / f"avkortad-{len(cut)}.ungsync"
        path.write_bytes(cut)
        with pytest.raises(SyncFileError) as caught:
            import_file(b.db, path, passphrase=PASSPHRASE)
        assert not isinstance(caught.value, WrongPassphrase), name
        assert words in str(caught.value), (name, str(caught.value))
        assert snapshot(b.db) == before, name

    text = tmp_path / "anteckningar.txt"
    text.write_text("Möte med Erik på tisdag kl 10.\n", encoding="utf-8")
    with pytest.raises(SyncFileError, match="ingen synkfil"):
        import_file(b.db, text, passphrase=PASSPHRASE)
    with pytest.raises(SyncFileError, match="finns inte"):
        import_file(b.db, tmp_path / "saknas.ungsync", passphrase=PASSPHRASE)
    # A file of the first format (whole-body GCM, read whole) is no longer read.
    old = tmp_path / "gammal.ungsync"
    old.write_bytes(b"UNGSYNC1\n" + data[len(MAGIC) :])
    with pytest.raises(SyncFileError) as caught:
        import_file(b.db, old, passphrase=PASSPHRASE)
    assert str(caught.value) == (
        "Filen är gjord av en äldre version av ungtui och kan inte läsas in av den här "
        "versionen. Be avsändaren uppdatera ungtui och göra en ny export."
    )
    assert snapshot(b.db) == before


def test_one_flipped_byte_is_damage(pair, files, tmp_path):
    a, b = pair
    add_person(a)
    data = files.export(a).read_bytes()
    _prefix, header, signature, body = split(data)
    before = snapshot(b.db)
    # In the body (first, middle, and in the last segment's signature): damage.
    for where in (0, len(body) // 2, len(body) - 1):
        flipped = bytearray(body)
        flipped[where] ^= 0x01
        path = tmp_path / f"vänd-{where}.ungsync"
        path.write_bytes(join(header, signature, bytes(flipped)))
        with pytest.raises(SyncFileError, match="skadad") as caught:
            import_file(b.db, path, passphrase=PASSPHRASE)
        assert not isinstance(caught.value, WrongPassphrase)
        assert snapshot(b.db) == before
    # In the header's signature: the header is not the sender's.
    flipped = bytearray(signature)
    flipped[10] ^= 0x01
    path = tmp_path / "vänd-underskrift.ungsync"
    path.write_bytes(join(header, bytes(flipped), body))
    with pytest.raises(SyncFileError, match="huvud är skadat"):
        import_file(b.db, path, passphrase=PASSPHRASE)
    assert snapshot(b.db) == before


def _other_hex(ch: str) -> str:
    return "0" if ch != "0" else "1"


def test_edited_header_is_refused(pair, files, tmp_path):
    a, b = pair
    add_person(a)
    data = files.export(a).read_bytes()
    _prefix, header, signature, sealed = split(data)
    fields = json.loads(header)
    assert fields["kind"] == "delta"
    site = fields["sender_site"]
    edits = {
        # Same length: only the bytes differ.
        "sender": header.replace(site.encode(), (_other_hex(site[0]) + site[1:]).encode()),
        "schema": header.replace(
            f'"schema_version":{LATEST_VERSION}'.encode(),
            f'"schema_version":{LATEST_VERSION - 1}'.encode(),
        ),
        "app version": header.replace(
            f'"app_version":"{fields["app_version"]}"'.encode(),
            f'"app_version":"{"9" * len(fields["app_version"])}"'.encode(),
        ),
        # Another length, with the length field written to match.
        "kind": header.replace(b'"kind":"delta"', b'"kind":"full"'),
        "organisation": header.replace(b'"sender_org":"', b'"sender_org":"x'),
    }
    before = snapshot(b.db)
    for name, edited in edits.items():
        assert edited != header, name
        path = tmp_path / f"ändrad-{name}.ungsync"
        path.write_bytes(join(edited, signature, sealed))
        # The header's signature no longer holds: refused before anything is decrypted.
        with pytest.raises(SyncFileError, match="huvud är skadat") as caught:
            import_file(b.db, path, passphrase=PASSPHRASE)
        assert not isinstance(caught.value, WrongPassphrase | NewerSchema), name
        assert snapshot(b.db) == before, name

    # Key-derivation parameters from an edited header must not make the reader spend
    # unbounded memory or time before the header can be checked.
    for name, value in {"m": 2147483648, "t": 100000000}.items():
        edited = re.sub(rf'"{name}":\d+'.encode(), f'"{name}":{value}'.encode(), header)
        assert json.loads(edited)["kdf"][name] == value
        path = tmp_path / f"ändrad-kdf-{name}.ungsync"
        path.write_bytes(join(edited, signature, sealed))
        with pytest.raises(SyncFileError, match="skadat"):
            import_file(b.db, path, passphrase=PASSPHRASE)
        assert snapshot(b.db) == before, name


def test_wrong_passphrase_is_told_apart_from_damage(real_kdf, pair, files):
    a, b = pair
    add_person(a)
    path = files.export(a)
    before = snapshot(b.db)
    with pytest.raises(WrongPassphrase) as caught:
        import_file(b.db, path, passphrase="korv med bröd och ketchup")
    message = str(caught.value)
    assert "lösenfras" in message
    assert "skadad" not in message
    assert snapshot(b.db) == before
    # The right one still works afterwards.
    assert import_file(b.db, path, passphrase=PASSPHRASE).status == "imported"


# --- 7: who sent it ---------------------------------------------------------------------


def test_unknown_sender_needs_its_fingerprint_confirmed(real_kdf, joined, files):
    a, b = joined
    person = add_person(a)
    path = files.export(a)
    expected = hand_fingerprint(a.db)
    assert re.fullmatch(r"([0-9A-F]{4} ){7}[0-9A-F]{4}", expected)
    before = snapshot(b.db)

    with pytest.raises(UnknownSender) as caught:
        import_file(b.db, path, passphrase=PASSPHRASE)
    assert caught.value.fingerprint == expected
    assert expected in str(caught.value)
    assert snapshot(b.db) == before

    # Asked about before anything is decrypted: even a wrong passphrase gets the question.
    with pytest.raises(UnknownSender):
        import_file(b.db, path, passphrase="fel lösenfras, inte teamets")
    assert snapshot(b.db) == before

    # A fingerprint that is not the sender's is no confirmation.
    with pytest.raises(UnknownSender):
        import_file(b.db, path, passphrase=PASSPHRASE, trust=hand_fingerprint(b.db))
    assert snapshot(b.db) == before

    # Read aloud over the phone and typed without spaces, in lower case: accepted.
    typed = expected.replace(" ", "").lower()
    result = import_file(b.db, path, passphrase=PASSPHRASE, trust=typed)
    assert result.status == "imported"
    assert result.sender_fingerprint == expected
    assert shown(b, person).first_name == "Erik"

    # Known from now on: the next file needs no confirmation.
    edit(a, person, phone="070-123 45 67")
    result = import_file(b.db, files.export(a), passphrase=PASSPHRASE)
    assert result.status == "imported"
    assert shown(b, person).phone == "070-123 45 67"


def test_a_known_site_with_a_new_key_is_refused(pair, files):
    a, b = pair
    person = add_person(a)
    files.send(a, b)
    # Someone presents A's site id with another key.
    new_key = Ed25519PrivateKey.generate()
    raw = new_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    site_before = a.site
    with a.db.engine.begin() as conn:
        state.set_meta_value(conn, "signing_key", base64.b64encode(raw).decode())
    assert a.site == site_before
    edit(a, person, phone="070-999 99 99")
    path = files.export(a)
    before = snapshot(b.db)
    for trust in (None, hand_fingerprint(a.db)):  # not even a confirmed fingerprint helps
        with pytest.raises(SyncFileError, match="nyckel har bytts") as caught:
            import_file(b.db, path, passphrase=PASSPHRASE, trust=trust)
        assert not isinstance(caught.value, UnknownSender)
        assert snapshot(b.db) == before
    assert shown(b, person).phone == ""


def test_a_file_in_this_installs_name_with_another_key_is_refused(pair, files, tmp_path):
    """Someone presents the receiver's own site id: only the receiver's own key may. The
    file is refused from its header, confirmed fingerprint or not, and the receiver keeps
    its identity."""
    a, b = pair
    add_person(a)
    opened = open_file(files.export(a), PASSPHRASE)
    stranger = Ed25519PrivateKey.generate()
    lines = [
        json.dumps({**opened.manifest, "sender": b.site}).encode(),
        json.dumps({"end": {"om": 0, "g": 0, "p": 0, "rows": 0, "m": 0}}).encode(),
    ]
    forged = tmp_path / "i-b-s-namn.ungsync"
    forged.write_bytes(
        fileformat.write_lines(
            lines,
            passphrase=PASSPHRASE,
            signing_key=stranger,
            fields=fields_of(opened.header, sender_site=b.site, sender=None),
        )
    )
    before = snapshot(b.db)
    site = b.site
    for trust in (None, fileformat.fingerprint(fileformat.public_bytes(stranger))):
        with pytest.raises(SyncFileError) as caught:
            import_file(b.db, forged, passphrase=PASSPHRASE, trust=trust)
        assert str(caught.value) == (
            "Filen utger sig för att komma från den här installationen men är underskriven "
            "med en annan nyckel. Den har inte lästs in."
        )
    assert snapshot(b.db) == before
    assert b.site == site


# --- 8: a newer program ----------------------------------------------------------------


def test_file_from_a_newer_schema_is_refused(pair, files, tmp_path):
    a, b = pair
    add_person(a)
    opened = open_file(files.export(a), PASSPHRASE)
    path = write_file(
        tmp_path / "nyare.ungsync",
        opened,
        sender=a.db,
        passphrase=PASSPHRASE,
        schema_version=LATEST_VERSION + 1,
        app_version="9.9.9",
    )
    before = snapshot(b.db)
    with pytest.raises(NewerSchema, match="Uppdatera ungtui") as caught:
        import_file(b.db, path, passphrase=PASSPHRASE)
    assert f"databasversion {LATEST_VERSION + 1}" in str(caught.value)
    assert snapshot(b.db) == before


# --- 9: the same field on two installs --------------------------------------------------


@pytest.mark.parametrize("a_first", [True, False])
def test_same_field_on_both_gives_one_conflict_everywhere(pair, files, a_first):
    a, b = pair
    person = add_person(a)
    files.send(a, b)
    edit(a, person, phone="070-111 11 11")
    edit(b, person, phone="070-222 22 22")  # later clock: the winner everywhere
    if a_first:
        files.send(a, b)
        files.send(b, a)
    else:
        files.send(b, a)
        files.send(a, b)
    for at in (a, b):
        assert shown(at, person).phone == "070-222 22 22"
        [conflict] = open_conflicts(at.db)
        assert (conflict.table, conflict.row_id, conflict.field) == (
            "individual",
            person,
            "phone",
        )
        assert [v[0] for v in conflict.versions] == ["070-222 22 22", "070-111 11 11"]
    assert open_conflicts(a.db) == open_conflicts(b.db)
    assert dump_json(a.db) == dump_json(b.db)

    # Settled on A, the conflict goes on B too.
    edit(a, person, phone="070-111 11 11")
    files.send(a, b)
    for at in (a, b):
        assert open_conflicts(at.db) == []
        assert shown(at, person).phone == "070-111 11 11"
    assert dump_json(a.db) == dump_json(b.db)


# --- 13: lost files and gaps ------------------------------------------------------------


def test_a_lost_delta_is_carried_by_the_next_one(pair, files):
    """A delta runs from what the receiver has confirmed, so a lost file leaves no gap."""
    a, b = pair
    person = add_person(a)
    files.export(a)  # never arrives
    edit(a, person, phone="070-555 55 55")
    result = import_file(b.db, files.export(a), passphrase=PASSPHRASE)
    assert result.summary.warnings == []
    assert shown(b, person).phone == "070-555 55 55"
    assert dump_json(a.db) == dump_json(b.db)


def _received(at: Node, sender: Node) -> int:
    with at.db.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT received_seq FROM sync_site WHERE site_id = ?", (sender.site,)
        ).scalar_one()


def test_a_gap_is_warned_about_and_a_full_export_heals_it(pair, files, tmp_path):
    """B restored from a backup in place: A believes B has changes B no longer has."""
    a, b = pair
    backup = tmp_path / "b-backup.db"
    copy_closed(b, backup)
    b.reopen()
    received_at_backup = _received(b, a)

    person = add_person(a, phone="070-100 00 00")
    files.send(a, b)
    files.send(b, a)  # A now counts B as having everything up to here
    assert _received(b, a) > received_at_backup

    restore_in_place(backup, b)
    assert _received(b, a) == received_at_backup

    edit(a, person, email="erik.ek@example.se")
    result = import_file(b.db, files.export(a), passphrase=PASSPHRASE)
    assert result.status == "imported"
    gap, ack = result.summary.warnings
    assert "saknas" in gap
    assert "fullständig export" in gap
    # A confirms a file of B's that the restored B never wrote: not taken as B's own.
    assert "inte har skrivit" in ack
    # B does not confirm what it has not got.
    assert _received(b, a) == received_at_backup

    healed = import_file(b.db, files.export(a, full=True), passphrase=PASSPHRASE)
    assert not any("saknas" in warning for warning in healed.summary.warnings)
    assert shown(b, person).phone == "070-100 00 00"
    assert shown(b, person).email == "erik.ek@example.se"
    assert dump_json(a.db) == dump_json(b.db)
    files.send(b, a)
    assert dump_json(a.db) == dump_json(b.db)


# --- 14: clocks -------------------------------------------------------------------------


def test_a_sender_clock_far_ahead_is_refused(pair, files, monkeypatch):
    a, b = pair
    person = add_person(a)
    files.send(a, b)
    real = hlc.wall_millis
    monkeypatch.setattr(hlc, "wall_millis", lambda: real() + 2 * YEAR_MS)
    edit(a, person, phone="070-777 77 77")
    monkeypatch.setattr(hlc, "wall_millis", real)
    path = files.export(a)
    before = snapshot(b.db)
    with pytest.raises(SyncFileError, match="klocka"):
        import_file(b.db, path, passphrase=PASSPHRASE)
    assert snapshot(b.db) == before
    with b.db.engine.connect() as conn:
        b_clock = conn.exec_driver_sql(
            "SELECT value FROM sync_meta WHERE key = 'clock'"
        ).scalar_one()
    assert hlc.decode(b_clock)[0] <= real()  # not dragged into the future


def test_local_clock_set_back_still_moves_the_hlc_forward(pair, monkeypatch):
    _a, b = pair
    person = add_person(b)
    with b.db.engine.begin() as conn:
        before = state.clock(conn).last
    real = hlc.wall_millis
    monkeypatch.setattr(hlc, "wall_millis", lambda: real() - YEAR_MS)
    edit(b, person, phone="070-888 88 88")
    with b.db.engine.begin() as conn:
        after = state.clock(conn).last
    millis, counter = hlc.decode(before)
    assert hlc.decode(after) == (millis, counter + 1)
    assert after > before


# --- 15: copies of a database -----------------------------------------------------------


def test_a_copied_database_becomes_its_own_install(pair, files, tmp_path):
    a, b = pair
    person = add_person(a)
    files.send(a, b)
    a_site, a_fp = a.site, hand_fingerprint(a.db)
    copy_path = tmp_path / "kopia.db"
    copy_closed(a, copy_path)
    a.reopen()
    assert a.site == a_site  # the original stays who it was

    clone = Node(open_database(copy_path), a.user, copy_path)
    edit(clone, person, phone="070-246 80 00")
    assert clone.site != a_site
    assert hand_fingerprint(clone.db) != a_fp
    edit(a, person, address="Storgatan 1")

    files.send(a, b)
    files.send(clone, b)  # a new key: confirmed by its fingerprint inside send
    files.send(b, a)
    files.send(b, clone)
    for at in (a, b, clone):
        assert shown(at, person).phone == "070-246 80 00"
        assert shown(at, person).address == "Storgatan 1"
        assert open_conflicts(at.db) == []
    assert dump_json(a.db) == dump_json(b.db) == dump_json(clone.db)
    clone.db.close()


def test_a_restored_backup_fed_its_own_newer_file_takes_a_new_identity(pair, files, tmp_path):
    a, b = pair
    backup = tmp_path / "a-backup.db"
    copy_closed(a, backup)
    a.reopen()
    a_site = a.site
    person = add_person(a, last_name="Öberg")
    newer = files.export(a)
    with a.db.engine.begin() as conn:
        newest = state.clock(conn).last

    # The backup is put back over the database file (same file on disk): nothing at
    # opening tells it from the original.
    restore_in_place(backup, a)
    restored = a
    assert restored.site == a_site

    result = import_file(restored.db, newer, passphrase=PASSPHRASE)
    assert result.status == "imported"
    assert restored.site != a_site
    assert shown(restored, person).last_name == "Öberg"
    with restored.db.engine.begin() as conn:
        assert state.clock(conn).last >= newest

    edit(restored, person, phone="070-135 79 00")
    with restored.db.engine.connect() as conn:
        fields = json.loads(
            conn.exec_driver_sql(
                "SELECT fields FROM sync_row WHERE tbl = 'individual' AND row_id = ?",
                (person,),
            ).scalar_one()
        )
    [(_value, stamp, site)] = fields["phone"]["v"]
    assert site == restored.site
    assert stamp > newest

    files.send(restored, b)
    files.send(b, restored)
    assert dump_json(restored.db) == dump_json(b.db)
    assert shown(b, person).phone == "070-135 79 00"


# --- killed in the middle ---------------------------------------------------------------

CHILD = r"""
import os, sys
from pathlib import Path
from ungtui.store.database import open_database
from ungtui.services.sync.sync_files import import_file
from ungtui.sync import changes

# Killed right after the import has written the registers of its Nth batch of records.
real = changes.state.save_rows
calls = 0

def dying(*args, **kwargs):
    global calls
    real(*args, **kwargs)
    calls += 1
    if calls >= int(sys.argv[4]):
        os._exit(9)

changes.state.save_rows = dying
db = open_database(sys.argv[1])
import_file(db, Path(sys.argv[2]), passphrase=sys.argv[3])
os._exit(0)
"""


def test_a_killed_import_leaves_the_database_as_it_was(pair, files, tmp_path):
    a, b = pair
    people = [
        add_person(a, identity=number, first_name=name, last_name="Lund")
        for number, name in (
            ("811218-9876", "Alva"),
            ("000229-9824", "Bo"),
            ("121212-1212", "Cissi"),
        )
    ]
    path = files.export(a)
    target = tmp_path / "b-kopia.db"
    copy_closed(b, target)
    b.reopen()
    copy = open_database(target)  # the copy takes its own identity now, not mid-import
    with copy.engine.begin() as conn:
        state.site_id(conn)
    before = snapshot(copy)
    copy.close()

    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(target), str(path), PASSPHRASE, "1"],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        timeout=120,
    )
    assert child.returncode == 9, child.stderr.decode()

    copy = open_database(target)
    try:
        assert snapshot(copy) == before
        result = import_file(copy, path, passphrase=PASSPHRASE)
        assert result.status == "imported"
        assert result.summary.new >= 3
        assert [shown(Node(copy, b.user, target), p).first_name for p in people] == [
            "Alva",
            "Bo",
            "Cissi",
        ]
        assert import_file(b.db, path, passphrase=PASSPHRASE).status == "imported"
        assert dump_json(copy) == dump_json(b.db)
    finally:
        copy.close()


def test_a_backup_restored_in_place_does_not_lose_its_later_edits(pair, files, tmp_path):
    """Put back over its own file, a backup opens as the same install, with a lower
    change number than its peers have confirmed; its next edits must still reach them.
    A's acknowledgement names a file the restored B never wrote: B ignores it, with a
    warning, and keeps its identity (an acknowledgement never moves it)."""
    a, b = pair
    person = add_person(a)
    files.send(a, b)
    backup = tmp_path / "b-backup.db"
    copy_closed(b, backup)
    b.reopen()
    for phone in ("070-100 00 01", "070-100 00 02", "070-100 00 03"):
        edit(b, person, phone=phone)
    files.send(b, a)
    b_site, b_fingerprint = b.site, hand_fingerprint(b.db)

    restore_in_place(backup, b)
    assert b.site == b_site
    taken = files.send(a, b)  # A confirms B's numbers up to the last edit before the restore
    assert any("inte har skrivit" in warning for warning in taken.summary.warnings)
    assert (b.site, hand_fingerprint(b.db)) == (b_site, b_fingerprint)
    assert shown(b, person).phone == "070-100 00 03"  # relayed back from A
    edit(b, person, address="Lillgatan 2")
    files.send(b, a)
    assert shown(a, person).address == "Lillgatan 2"
    assert dump_json(a.db) == dump_json(b.db)
    # More edits on B, more than A had confirmed before the restore: they reach A too.
    for number in range(5):
        edit(b, person, email=f"erik{number}@example.se")
    files.send(b, a)
    assert shown(a, person).email == "erik4@example.se"
    assert dump_json(a.db) == dump_json(b.db)
