"""The sync files of a folder, read from their plaintext headers only: newest first, with
the sender and the day, and whether this install has them already."""

from __future__ import annotations

from tests.sync_helpers import Install, add_person
from ungtui.services.errors import ServiceError
from ungtui.services.sync.sync_files import (
    export_file,
    import_file,
    list_peers,
    list_sync_files,
    peek_sender,
)
from ungtui.sync.fileformat import MAGIC

PASSPHRASE = "korv med bröd och senap"


def test_files_newest_first_with_sender_and_state(tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    karin = Install(tmp_path / "karin.db", "Karin Lind")
    jonas = Install(tmp_path / "jonas.db", "Jonas Ek", join=karin)
    add_person(karin, first_name="Märta", last_name="Öberg")
    org = karin.user.organisation_id
    first = export_file(karin.db, for_organisation=org, out=usb, passphrase=PASSPHRASE).path
    add_person(karin, identity="20050317-9806", first_name="Åsa", last_name="Öberg")
    second = export_file(karin.db, for_organisation=org, out=usb, passphrase=PASSPHRASE).path
    (usb / "anteckningar.txt").write_text("inte en synkfil", encoding="utf-8")
    (usb / "trasig.ungsync").write_bytes(b"UNGSYNC1\n\x00")

    import_file(jonas.db, first, passphrase=PASSPHRASE, trust=peek_sender(first)[1])
    found = list_sync_files(jonas.db, usb)
    readable = [f for f in found if f.state != "oläslig"]
    assert [f.path for f in readable] == [second, first]  # newest first
    assert [f.state for f in readable] == ["ny", "inläst"]
    assert {f.sender for f in readable} == {"Malmö stad"}
    assert all(f.created is not None for f in readable)
    assert readable[0].created >= readable[1].created
    assert [f.path.name for f in found if f.state == "oläslig"] == ["trasig.ungsync"]
    # At the sender the same files are its own.
    assert {f.state for f in list_sync_files(karin.db, usb) if f.state != "oläslig"} == {"egen"}

    # Jonas's file back says how far he has read Karin's: her first file, not the second.
    back = export_file(jonas.db, for_organisation=org, out=tmp_path, passphrase=PASSPHRASE).path
    with karin.db.engine.begin() as conn:
        # Both files of one day (walker29 #9: the day alone did not tell which).
        conn.exec_driver_sql(
            "UPDATE sync_export SET at = CASE WHEN seq_to = (SELECT max(seq_to) FROM"
            " sync_export) THEN '2026-12-02T14:30:00+00:00' ELSE '2026-12-02T09:05:00+00:00' END"
        )
    import_file(karin.db, back, passphrase=PASSPHRASE, trust=peek_sender(back)[1])
    [peer] = list_peers(karin.db)
    assert peer.files_read == 1
    assert peer.confirmed == "vår fil från 2026-12-02 10:05"  # Swedish winter time, UTC+1


def test_only_the_header_is_read(tmp_path):
    karin = Install(tmp_path / "karin.db", "Karin Lind")
    path = export_file(
        karin.db, for_organisation=karin.user.organisation_id, out=tmp_path, passphrase=PASSPHRASE
    ).path
    data = path.read_bytes()
    # Magic, the header's length, the header, its 64-byte signature: then the body.
    body_start = len(MAGIC) + 4 + int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big") + 64
    assert len(data) > body_start + 10
    # A body overwritten at the same size still lists: nothing past the header is read.
    path.write_bytes(data[:body_start] + b"\x00" * (len(data) - body_start))
    [info] = list_sync_files(karin.db, tmp_path)
    assert (info.state, info.sender, info.problem) == ("egen", "Malmö stad", "")


def test_an_old_or_cut_file_lists_with_a_swedish_reason(tmp_path):
    karin = Install(tmp_path / "karin.db", "Karin Lind")
    path = export_file(
        karin.db, for_organisation=karin.user.organisation_id, out=tmp_path, passphrase=PASSPHRASE
    ).path
    data = path.read_bytes()
    path.write_bytes(data[:-10])  # the header's size says more than is there
    (tmp_path / "gammal.ungsync").write_bytes(b"UNGSYNC1\n" + b"\x00" * 40)
    (tmp_path / "tom.ungsync").write_bytes(b"")
    found = {f.path.name: (f.state, f.problem) for f in list_sync_files(karin.db, tmp_path)}
    assert found == {
        path.name: ("oläslig", "Filen är ofullständig (avkortad). Be om en ny kopia."),
        "gammal.ungsync": (
            "oläslig",
            "Filen är gjord av en äldre version av ungtui och kan inte läsas in av den "
            "här versionen. Be avsändaren uppdatera ungtui och göra en ny export.",
        ),
        "tom.ungsync": ("oläslig", "Det här är ingen synkfil från ungtui."),
    }


def test_a_folder_that_cannot_be_read_is_said_in_swedish(tmp_path):
    karin = Install(tmp_path / "karin.db", "Karin Lind")
    missing = tmp_path / "finns-inte"
    try:
        list_sync_files(karin.db, missing)
    except ServiceError as error:
        assert str(error) == f"Mappen {missing} kan inte läsas: den finns inte."
    else:
        raise AssertionError("a missing folder must be refused")


def test_an_export_to_a_folder_that_does_not_exist_is_refused(tmp_path):
    """A path without the file suffix that does not exist is a folder meant: the file
    is not written under that name (no Läs in would list it)."""
    karin = Install(tmp_path / "karin.db", "Karin Lind")
    org = karin.user.organisation_id
    usb = tmp_path / "usb"
    try:
        export_file(karin.db, for_organisation=org, out=usb, passphrase=PASSPHRASE)
    except ServiceError as error:
        assert str(error) == (
            f"Mappen {usb} finns inte. Välj en mapp som finns, eller skriv ett filnamn som "
            "slutar på .ungsync."
        )
    else:
        raise AssertionError("a missing folder must be refused")
    assert not usb.exists()
    named = export_file(
        karin.db, for_organisation=org, out=tmp_path / "till-jonas.ungsync", passphrase=PASSPHRASE
    )
    assert named.path == tmp_path / "till-jonas.ungsync"


def test_a_sender_not_known_here_is_named_by_its_fingerprint(tmp_path):
    karin = Install(tmp_path / "karin.db", "Karin Lind")
    vellinge = Install(
        tmp_path / "vellinge.db",
        "Vera Holm",
        organisation_name="Vellinge kommun",
        org_nr="212000-1090",
    )
    path = export_file(
        karin.db, for_organisation=karin.user.organisation_id, out=tmp_path, passphrase=PASSPHRASE
    ).path
    [info] = list_sync_files(vellinge.db, tmp_path)
    fingerprint = peek_sender(path)[1]
    assert info.sender == f"okänd ({fingerprint[:9]} …)"
    # Karin's own file, for Malmö stad: the list says it is not for Vellinge from its
    # header, before anyone types a passphrase for it.
    assert (info.state, info.receiver) == (
        "inte till er",
        "Malmö stad – Arbetsmarknadsenheten",
    )
    assert info.problem == (
        "Filen är adresserad till Malmö stad (212000-1124), inte till Vellinge kommun. Den "
        "har inte lästs in; be avsändaren exportera en fil till er organisation."
    )
