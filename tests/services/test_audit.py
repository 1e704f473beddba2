"""The audit log: every action on a person's data leaves an entry, and entries stay."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from tests.sync_helpers import Install
from ungtui.services import audit
from ungtui.services.audit import AuditFilter, count_entries, list_entries, record_view
from ungtui.services.consent.consents import ConsentInput, add_consent, withdraw_consent
from ungtui.services.errors import ValidationError
from ungtui.services.people.individuals import (
    IndividualInput,
    get_individual,
    remove_individual,
    save_individual,
)
from ungtui.services.sync.sync_files import export_file, import_file, my_fingerprint
from ungtui.sync import fileformat

PASSPHRASE = "korv med bröd och senap"


def entries(db, person_id=None):
    """(action, detail) oldest first, as a reader would go through them."""
    rows = list_entries(db, AuditFilter(individual_id=person_id))
    return [(e.action, e.detail) for e in reversed(rows)]


@pytest.fixture
def person(db, user):
    return save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


def test_create_change_consent_and_removal_are_logged_with_who(db, user, person):
    detail = get_individual(db, person)
    data = IndividualInput(
        identity="20050317-9806", first_name="Åsa", last_name="Öberg-Lind", phone="070-1234567"
    )
    save_individual(db, data, actor_id=user.staff_id, organisation_id=None, individual_id=person)
    consent_id = add_consent(
        db,
        person,
        ConsentInput(
            organisation_id=user.organisation_id,
            receiver_domain="socialtjanst",
            purpose="Planering",
            purposes=["samordning"],
            data_categories=["kontakt"],
            form="skriftligt",
            valid_from="2026-01-01",
            valid_to="",
        ),
        actor_id=user.staff_id,
    )
    withdraw_consent(db, consent_id, on=date(2026, 11, 24), actor_id=user.staff_id)
    remove_individual(db, person, actor_id=user.staff_id)
    assert detail.individual.last_name == "Öberg"
    assert entries(db, person) == [
        ("skapade", "personuppgifter"),
        ("skapade", "ansvarig handläggare"),
        ("ändrade", "personuppgifter: efternamn, telefon"),
        ("skapade", "samtycke"),
        ("ändrade", "samtycke: återkallat"),
        ("tog bort", "personuppgifter"),
    ]
    newest = list_entries(db)[0]
    assert newest.actor_name == "Sofia Berg"
    assert newest.person_name == ""  # a removed person's name is gone from the database


def test_a_refused_write_leaves_no_entry(db, user, person):
    before = count_entries(db)
    with pytest.raises(ValidationError):
        save_individual(
            db,
            IndividualInput(identity="20050317-9807", first_name="Åsa", last_name="Öberg"),
            actor_id=user.staff_id,
            organisation_id=None,
            individual_id=person,
        )
    assert count_entries(db) == before


def test_views_are_logged_and_filter_by_action(db, user, person):
    record_view(db, user.staff_id, person, "personakt")
    record_view(db, user.staff_id, person, audit.REVEALED)
    views = list_entries(db, AuditFilter(action="visade"))
    assert [e.detail for e in views] == ["hela identitetsnumret", "personakt"]
    assert views[0].person_name == "Åsa Öberg"
    assert count_entries(db, AuditFilter(action="skapade")) == 2
    assert count_entries(db, AuditFilter(since=date(2000, 1, 1), until=date(2000, 12, 31))) == 0


def test_entries_name_no_one(db, user, person):
    """The log may be exported to a supervisor: names and numbers stay out of it."""
    record_view(db, user.staff_id, person, audit.REVEALED)
    text = audit.as_csv(db)
    assert text.startswith("\ufeffNr;Tid (UTC);Vem;Åtgärd;Person (post-id);Vad\r\n")
    assert person in text
    for secret in ("Åsa", "Öberg", "20050317", "9806"):
        assert secret not in text


def test_the_log_cannot_be_changed_or_emptied(db, user, person):
    conn = sqlite3.connect(db.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_entry SET action = 'visade'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_entry")
    conn.close()
    assert count_entries(db) == 2


def test_export_and_import_are_logged_per_person(tmp_path, monkeypatch):
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    person = save_individual(
        a.db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=a.user.staff_id,
        organisation_id=a.user.organisation_id,
    )
    path = tmp_path / "fil.ungsync"
    export_file(a.db, for_organisation=a.user.organisation_id, out=path, passphrase=PASSPHRASE)
    exported = list_entries(a.db, AuditFilter(action="exporterade"))
    assert [(e.individual_id, e.detail, e.actor_name) for e in exported] == [
        (person, "synkfil till Malmö stad – Arbetsmarknadsenheten", "Sofia Berg")
    ]
    import_file(b.db, path, passphrase=PASSPHRASE, trust=my_fingerprint(a.db))
    imported = list_entries(b.db, AuditFilter(action="läste in"))
    assert len(imported) == 1
    assert imported[0].individual_id == person
    assert imported[0].detail == (
        f"synkfil från installation {my_fingerprint(a.db)[:14]} (Malmö stad)"
    )
    assert imported[0].actor_name == "Jonas Ek"
    a.db.close()
    b.db.close()


def test_many_entries_at_once_are_stored_in_order_as_one_by_one(db, user):
    """1,000 entries or more go in with one statement; they read back exactly as
    entries written one at a time, in the order given, a missing person as none."""
    many = [
        (f"person-{n:04d}", "personuppgifter" if n % 2 else "väg: ”fas” \\ 2") for n in range(1200)
    ]
    many[5] = (None, "inläsning")
    with db.engine.begin() as conn:
        assert audit.write(conn, user.staff_id, "skapade", many) == 1200
        audit.write(conn, user.staff_id, "skapade", [("person-x", "ansvar")])
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT seq, actor_id, action, individual_id, detail FROM audit_entry"
            " WHERE action = 'skapade' ORDER BY seq"
        ).all()
    first = rows[0][0]
    assert [r[0] for r in rows] == list(range(first, first + 1201))
    assert [(r[3], r[4]) for r in rows] == [*many, ("person-x", "ansvar")]
    assert {(r[1], r[2]) for r in rows} == {(user.staff_id, "skapade")}
