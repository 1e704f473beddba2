"""Sync between organisations and around merges and removals (sync.md §6.6, cases 10–12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync_helpers import Install, add_person, edit
from ungtui.services.consent.consents import ConsentInput, add_consent, withdraw_consent
from ungtui.services.people.individuals import get_individual, remove_individual
from ungtui.services.sync.sync import (
    confirm_duplicate,
    duplicate_queue,
)
from ungtui.services.sync.sync_files import export_preview


def send_for(sender: Install, receiver: Install):
    return sender.send_to(receiver)


def people(install: Install) -> set[str]:
    with install.db.engine.connect() as conn:
        return {
            f"{first} {last}"
            for first, last in conn.exec_driver_sql(
                "SELECT first_name, last_name FROM individual WHERE deleted_at IS NULL"
            )
        }


@pytest.fixture
def kommun_and_af(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    af = Install(
        tmp_path / "af.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    send_for(af, kommun)  # the kommun learns of AF's organisation
    yield kommun, af
    kommun.db.close()
    af.db.close()


def consent_for(
    install: Install, person: str, organisation_id: str, categories=("kontakt", "arbete")
) -> str:
    return add_consent(
        install.db,
        person,
        ConsentInput(
            organisation_id=organisation_id,
            purpose="Samordning av insatser",
            purposes=["samordning", "remiss"],
            data_categories=list(categories),
            valid_from="2026-11-01",
        ),
        actor_id=install.user.staff_id,
    )


def test_only_people_whose_consent_covers_the_receiver_travel(kommun_and_af):
    kommun, af = kommun_and_af
    with_consent = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    add_person(kommun, identity="121212-1212", first_name="Örjan", last_name="Lund")
    consent_for(kommun, with_consent, af.user.organisation_id)
    preview = export_preview(kommun.db, af.user.organisation_id)
    assert (preview.people_included, preview.people_left_out) == (1, 1)
    assert export_preview(kommun.db, kommun.user.organisation_id).people_included == 2
    send_for(kommun, af)
    assert people(af) == {"Åsa Ek"}


def test_a_withdrawn_consent_purges_the_person_at_the_receiver(kommun_and_af):
    kommun, af = kommun_and_af
    person = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    consent = consent_for(kommun, person, af.user.organisation_id)
    send_for(kommun, af)
    assert people(af) == {"Åsa Ek"}

    withdraw_consent(kommun.db, consent, actor_id=kommun.user.staff_id)
    summary = send_for(kommun, af)
    assert summary.purged == 1
    assert people(af) == set()
    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM consent").scalar_one() == 0


def test_a_removal_against_an_edit_leaves_no_trace_of_the_number(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    person = add_person(a, identity="811218-9876", first_name="Åsa", last_name="Ek")
    a.send(b)
    remove_individual(a.db, person, actor_id=a.user.staff_id)
    edit(b, person, phone="070-999 99 99")
    summary = a.send(b)
    b.send(a)
    assert "Borttagningen gäller" in " ".join(summary.warnings)
    for install in (a, b):
        with pytest.raises(Exception, match="finns inte"):
            get_individual(install.db, person)
        with install.db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        install.db.close()
        data = Path(install.db.path).read_bytes()
        assert b"811218" not in data and b"19811218" not in data
        assert b"070-999" not in data


def test_concurrent_merges_of_three_records_become_one_person(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    c = Install(tmp_path / "c.db", "Karin Lind", join=a)
    x = add_person(a, identity="811218-9876", first_name="Åsa", last_name="Ek")
    y = add_person(b, identity="811218-9876", first_name="Åsa", last_name="Eek")
    z = add_person(c, identity="811218-9876", first_name="Åsa", last_name="Ekh")
    for sender in (a, b, c):
        for receiver in (a, b, c):
            if sender is not receiver:
                sender.send(receiver)
    assert len(duplicate_queue(a.db)) == 2  # three records, two pairs to look at
    confirm_duplicate(a.db, x, y)  # A: x and y are one person
    confirm_duplicate(b.db, x, z)  # B, at the same time: x and z are one person
    a.send(c)
    b.send(c)
    c.send(a)
    c.send(b)
    smallest = min(x, y, z)
    for install in (a, b, c):
        assert duplicate_queue(install.db) == []
        shown = get_individual(install.db, x).individual
        assert shown.id == smallest
        for member in (x, y, z):
            assert get_individual(install.db, member).individual.id == smallest
    assert a.dump() == b.dump() == c.dump()
