"""Files between two organisations: addressed, incremental both ways, and a withdrawal that
drops only what was shared (issue 14, items 4–6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync_helpers import Install, add_person
from ungtui.services.consent.consents import ConsentInput, add_consent, withdraw_consent
from ungtui.services.meetings.meeting_agenda import add_person_item
from ungtui.services.meetings.meetings import MeetingInput, save_meeting
from ungtui.services.people.organisations import add_organisation
from ungtui.services.sync.sync_files import export_file, export_preview, import_file, peek_sender
from ungtui.services.way.way import WayStartInput, start_way
from ungtui.sync.fileformat import SyncFileError, peek

PASSPHRASE = "blåbär cykel tisdag hamn"
KOMMUN_NR, AF_NR, FK_NR = "212000-1124", "202100-2114", "202100-5521"


@pytest.fixture
def two(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    af = Install(
        tmp_path / "af.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr=AF_NR,
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    add_organisation(kommun.db, name="Arbetsförmedlingen", org_nr=AF_NR, kind="af")
    add_organisation(af.db, name="Malmö stad", org_nr=KOMMUN_NR, kind="kommun")
    yield kommun, af
    kommun.db.close()
    af.db.close()


def carry(sender: Install, receiver: Install, folder: Path, *, full: bool = False):
    """Export for the receiver's organisation, take the file in; (changes, result)."""
    exported = export_file(
        sender.db,
        for_organisation=receiver.user.organisation_id,
        out=folder,
        passphrase=PASSPHRASE,
        full=full,
    )
    _site, fingerprint = peek_sender(exported.path)
    taken = import_file(receiver.db, exported.path, passphrase=PASSPHRASE, trust=fingerprint)
    return exported, taken


def consent(install: Install, person: str, organisation_id: str) -> str:
    return add_consent(
        install.db,
        person,
        ConsentInput(
            organisation_id=organisation_id,
            purpose="Samordning av insatser",
            purposes=["samordning", "remiss"],
            data_categories=["kontakt", "arbete"],
            valid_from="2026-11-01",
        ),
        actor_id=install.user.staff_id,
    )


# --- addressed files ---------------------------------------------------------------------


def test_the_header_names_the_receiving_organisation_and_the_sender(two, tmp_path):
    kommun, af = two
    exported, _ = carry(kommun, af, tmp_path)
    header = peek(exported.path)
    assert (header.recipient.org_nr, header.recipient.name) == (AF_NR, "Arbetsförmedlingen")
    assert (header.sender.org_nr, header.sender.name) == (KOMMUN_NR, "Malmö stad")
    assert header.sender_site == kommun.site


def test_a_file_for_another_organisation_is_refused_before_it_is_opened(two, tmp_path):
    kommun, af = two
    fk = add_organisation(kommun.db, name="Försäkringskassan", org_nr=FK_NR, kind="fk")
    exported = export_file(kommun.db, for_organisation=fk, out=tmp_path, passphrase=PASSPHRASE)
    before = af.dump()
    # A wrong passphrase too: the address is checked before anything is decrypted.
    with pytest.raises(SyncFileError) as refused:
        import_file(af.db, exported.path, passphrase="fel fras som är lång", trust=None)
    assert str(refused.value) == (
        "Filen är adresserad till Försäkringskassan (202100-5521), inte till Arbetsförmedlingen. "
        "Den har inte lästs in; be avsändaren exportera en fil till er organisation."
    )
    assert af.dump() == before


def test_a_new_install_may_start_from_a_file_for_its_organisation(two, tmp_path):
    from ungtui.store.database import open_database

    kommun, _af = two
    exported = export_file(
        kommun.db, for_organisation=kommun.user.organisation_id, out=tmp_path, passphrase=PASSPHRASE
    )
    fresh = open_database(tmp_path / "ny.db")
    _site, fingerprint = peek_sender(exported.path)
    result = import_file(fresh, exported.path, passphrase=PASSPHRASE, trust=fingerprint)
    assert result.status == "imported"
    fresh.close()


# --- deltas both ways --------------------------------------------------------------------


def test_after_an_acknowledged_file_each_direction_sends_only_what_is_new(two, tmp_path):
    kommun, af = two
    person = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    consent(kommun, person, af.user.organisation_id)
    sent = {"kommun": [], "af": []}
    # One new person a round; one number, one person on an install (issue 16).
    numbers = ["121212-1212", "121212-1220", "121212-1238"]
    for round_ in range(3):
        exported, _ = carry(kommun, af, tmp_path)
        sent["kommun"].append((exported.full, exported.changes))
        add_person(af, identity=numbers[round_], first_name=f"Ali{round_}", last_name="Öz")
        exported, _ = carry(af, kommun, tmp_path)
        sent["af"].append((exported.full, exported.changes))
    assert [full for full, _n in sent["kommun"]] == [True, False, False]
    assert [full for full, _n in sent["af"]] == [True, False, False]
    assert sent["kommun"][2][1] < sent["kommun"][0][1]
    assert sent["af"][2][1] < sent["af"][0][1]


def test_the_preview_says_full_or_since_when_and_why(two, tmp_path):
    kommun, af = two
    preview = export_preview(kommun.db, af.user.organisation_id)
    assert (preview.full, preview.kind_line) == (
        True,
        "Fullständig export: Arbetsförmedlingen har inte skickat någon fil hit än.",
    )
    carry(af, kommun, tmp_path)  # AF is known here now, but has had nothing from us
    preview = export_preview(kommun.db, af.user.organisation_id)
    assert preview.kind_line == (
        "Fullständig export: Arbetsförmedlingen har ännu inte bekräftat att den läst in "
        "någon fil härifrån."
    )
    carry(kommun, af, tmp_path)
    carry(af, kommun, tmp_path)  # its file says it has read ours
    preview = export_preview(kommun.db, af.user.organisation_id)
    assert not preview.full
    assert preview.kind_line.startswith(
        "Ändringar sedan förra bekräftade filen: Arbetsförmedlingen har bekräftat ändringarna "
        "till och med filen 20"
    )
    chosen = export_preview(kommun.db, af.user.organisation_id, full=True)
    assert chosen.kind_line == "Fullständig export: du valde fullständig export."


# --- withdrawal --------------------------------------------------------------------------


def test_withdrawal_drops_the_senders_data_and_keeps_the_receivers_own(two, tmp_path):
    kommun, af = two
    person = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    given = consent(kommun, person, af.user.organisation_id)
    carry(kommun, af, tmp_path)
    start_way(af.db, person, WayStartInput(entry_date="2026-11-20"), actor_id=af.user.staff_id)
    assert export_preview(kommun.db, af.user.organisation_id).people_removed == 0
    withdraw_consent(kommun.db, given, actor_id=kommun.user.staff_id)
    assert export_preview(kommun.db, af.user.organisation_id).people_removed == 1
    _exported, taken = carry(kommun, af, tmp_path)
    assert export_preview(kommun.db, af.user.organisation_id).people_removed == 0
    [removed] = taken.summary.removed
    assert (removed.first_name, removed.last_name, removed.kept_own) == ("Åsa", "Ek", 2)
    assert removed.removed == {"responsibility": 1, "consent": 1, "individual": 1}
    assert taken.removal_lines(masked=True) == [
        "Borttaget om Å.E. (f. 1981): 1 ansvarig handläggare, 1 samtycke, personuppgifterna "
        "utom namn och nummer från Malmö stad, eftersom Malmö stad inte längre får lämna "
        "uppgifter om personen hit (samtycket har upphört). Era egna 2 poster om personen "
        "finns kvar."
    ]
    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM way").scalar() == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM way_phase").scalar() == 1
        assert conn.exec_driver_sql("SELECT first_name, phone FROM individual").all() == [
            ("Åsa", "")
        ]


def test_without_own_records_the_person_goes_entirely_and_comes_back_with_consent(two, tmp_path):
    kommun, af = two
    person = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    given = consent(kommun, person, af.user.organisation_id)
    carry(kommun, af, tmp_path)
    withdraw_consent(kommun.db, given, actor_id=kommun.user.staff_id)
    carry(kommun, af, tmp_path)
    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM individual").scalar() == 0
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM sync_row WHERE tbl = 'individual'").scalar()
            == 0
        )
    # A new consent later: everything the kommun holds comes back in full, but for the
    # withdrawn consent, which a first file does not carry either (walker28 #3).
    again = consent(kommun, person, af.user.organisation_id)
    carry(kommun, af, tmp_path)
    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT first_name FROM individual").all() == [("Åsa",)]
        assert conn.exec_driver_sql("SELECT id FROM consent").all() == [(again,)]


def test_a_withdrawal_keeps_what_a_third_organisation_shared(two, tmp_path):
    kommun, af = two
    person = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    given = consent(kommun, person, af.user.organisation_id)
    carry(kommun, af, tmp_path)
    meeting = save_meeting(
        af.db, MeetingInput(title="Avstämning", when="2026-11-24 10:00"), actor_id=af.user.staff_id
    )
    item = add_person_item(af.db, meeting, person, actor_id=af.user.staff_id)
    with af.db.engine.begin() as conn:  # as if Försäkringskassan's install had made it
        conn.exec_driver_sql(
            "UPDATE sync_row SET origin = ? WHERE tbl = 'agendaitem' AND row_id = ?",
            (FK_NR, item),
        )
    withdraw_consent(kommun.db, given, actor_id=kommun.user.staff_id)
    _exported, taken = carry(kommun, af, tmp_path)
    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id FROM agendaitem").all() == [(item,)]
    [removed] = taken.summary.removed
    assert removed.kept_own == 0 and removed.person_kept is True
    assert removed.removed == {"responsibility": 1, "consent": 1, "individual": 1}


def test_a_file_for_a_whole_kommun_names_the_namnd_that_has_sent_files_here(two, tmp_path):
    """Any nämnd may read a file for the whole kommun, so referrals and meetings with one
    nämnd stay out of it; the preview names the nämnd to choose instead."""
    kommun, af = two
    with af.db.engine.connect() as conn:
        malmo = conn.exec_driver_sql(
            "SELECT id FROM organisation WHERE org_nr = ?", (KOMMUN_NR,)
        ).scalar_one()
    assert export_preview(af.db, malmo).narrower == ""  # no nämnd known here yet
    carry(kommun, af, tmp_path)
    assert export_preview(af.db, malmo).narrower == "Malmö stad – Arbetsmarknadsenheten"
    assert export_preview(af.db, malmo, domain="arbetsmarknad").narrower == ""
    # AF is one authority: there is no narrower party to choose.
    assert export_preview(kommun.db, af.user.organisation_id).narrower == ""


def test_a_purged_person_leaves_no_trigram_in_the_receivers_search_index(two, tmp_path):
    from ungtui.services.people.individuals import IndividualFilter, list_names

    kommun, af = two
    person = add_person(kommun, identity="811218-9876", first_name="Kim", last_name="Qwxzy")
    given = consent(kommun, person, af.user.organisation_id)
    carry(kommun, af, tmp_path / "1.ungsync")
    # AF searches for her: her key is now in AF's trigram index.
    assert [r.name for r in list_names(af.db, IndividualFilter(text="qwx"))] == ["Qwxzy, Kim"]

    withdraw_consent(kommun.db, given, actor_id=kommun.user.staff_id)
    _, taken = carry(kommun, af, tmp_path / "2.ungsync")
    assert taken.summary.purged == 1
    with af.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    # FTS5 keeps a removed key's trigrams in older segments until they are merged.
    data = af.db.path.read_bytes()
    for trigram in (b"qwx", b"wxz", b"xzy"):
        assert trigram not in data
    assert list_names(af.db, IndividualFilter(text="qwx")) == []
