"""Authority, not just authenticity (sync.changes, rules 1–5): what a correctly signed file
may still not do, and what it may."""

from __future__ import annotations

import uuid

import pytest

from tests.sync_helpers import Install, add_person, kommun_and_af
from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.people.individuals import get_individual, remove_individual
from ungtui.services.sync.sync import (
    Sender,
    build_changes,
    confirm_duplicate,
    duplicate_queue,
    import_changes,
)
from ungtui.sync import state
from ungtui.sync.changes import ChangeSet


@pytest.fixture
def two(tmp_path):
    kommun, af = kommun_and_af(tmp_path)
    yield kommun, af
    kommun.db.close()
    af.db.close()


def send(sender: Install, receiver: Install, changes: ChangeSet | None = None):
    """What sender would export for receiver's organisation, taken in by receiver."""
    changes = changes or build_changes(
        sender.db, for_organisation=receiver.user.organisation_id
    )
    return import_changes(receiver.db, changes, Sender(sender.site, sender.user.organisation_id))


def consent_for(install: Install, person: str, other: Install) -> None:
    add_consent(
        install.db,
        person,
        ConsentInput(
            purposes=["samordning"],
            organisation_id=other.user.organisation_id,
            purpose="Samordning av insatser",
            data_categories=["kontakt"],
            valid_from="2026-11-01",
        ),
        actor_id=install.user.staff_id,
    )


def alive(install: Install, person: str) -> bool:
    try:
        return get_individual(install.db, person).individual.deleted_at is None
    except Exception:
        return False


# --- rule 1: removals -------------------------------------------------------------------------


def test_a_colleague_may_remove_what_another_colleague_registered(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    person = add_person(a, first_name="Åsa")
    a.send(b)
    remove_individual(b.db, person, actor_id=b.user.staff_id)
    summary = b.send(a)
    assert summary.refused == []
    assert not alive(a, person)


def test_another_organisation_may_remove_only_what_it_created(two):
    kommun, af = two
    theirs = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    consent_for(kommun, theirs, af)
    send(kommun, af)
    ours = add_person(af, identity="000229-9824", first_name="Omar", last_name="Ali")
    consent_for(af, ours, kommun)
    send(af, kommun)
    assert alive(kommun, ours)

    remove_individual(af.db, ours, actor_id=af.user.staff_id)
    changes = build_changes(af.db, for_organisation=kommun.user.organisation_id)
    # A buggy AF install also sends a removal of the kommun's person.
    with af.db.engine.connect() as conn:
        stamp = state.clock(conn).last
    changes.rows.append({"t": "individual", "id": theirs, "f": {}, "d": [stamp, af.site]})
    summary = send(af, kommun, changes)
    assert not alive(kommun, ours)  # AF's own registration: its removal travels
    assert alive(kommun, theirs)  # the kommun's registration: not AF's to remove
    assert summary.refused == [
        "1 borttagning(ar) av poster som avsändarens organisation inte har skapat (en annan "
        "organisation får bara ta bort det den själv har lämnat), till exempel posten "
        f"individual {theirs}."
    ]


def test_a_removal_from_a_sender_of_unknown_organisation_is_refused(two):
    kommun, af = two
    person = add_person(kommun, first_name="Åsa")
    changes = build_changes(af.db, for_organisation=kommun.user.organisation_id)
    with kommun.db.engine.connect() as conn:
        stamp = state.clock(conn).last
    changes.rows.append({"t": "individual", "id": person, "f": {}, "d": [stamp, af.site]})
    summary = import_changes(kommun.db, changes, Sender(af.site))
    assert len(summary.refused) == 1
    assert alive(kommun, person)


# --- rule 3: merges -----------------------------------------------------------------------------


def test_a_merge_from_another_organisation_with_one_number_is_applied(two):
    kommun, af = two
    second = add_person(af, identity="811218-9876", first_name="Åsa", last_name="Eek")
    consent_for(af, second, kommun)
    first = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    consent_for(kommun, first, af)
    send(kommun, af)  # the same number registered on both installs: a duplicate at AF
    [pair] = duplicate_queue(af.db)
    assert not pair.suggested
    shown_as = confirm_duplicate(af.db, pair.first_id, pair.second_id)
    summary = send(af, kommun)
    assert summary.suggested == 0
    assert duplicate_queue(kommun.db) == []
    assert get_individual(kommun.db, first).individual.id == shown_as
    assert get_individual(kommun.db, second).individual.id == shown_as


def test_a_merge_waits_for_its_records_and_is_applied_when_they_agree(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    c = Install(tmp_path / "c.db", "Karin Lind", join=a)
    x = add_person(a, identity="811218-9876", first_name="Åsa", last_name="Ek")
    y = add_person(b, identity="811218-9876", first_name="Åsa", last_name="Eek")
    b.send(a)
    confirm_duplicate(a.db, x, y)
    # The merge reaches C before one of its records (that row was lost on the way).
    changes = build_changes(a.db, for_organisation=None, full=True)
    changes.rows = [row for row in changes.rows if row["id"] != y]
    summary = import_changes(c.db, changes, Sender(a.site, a.user.organisation_id))
    assert summary.suggested == 1
    assert get_individual(c.db, x).individual.id == x  # not merged yet
    assert duplicate_queue(c.db) == []  # nothing to show: one record is not here
    b.send(c)
    smallest = min(x, y)
    assert get_individual(c.db, x).individual.id == smallest
    assert get_individual(c.db, y).individual.id == smallest
    with c.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sync_merge_suggestion").scalar() == 0
    for sender, receiver in ((a, c), (c, a), (b, a), (a, b)):
        sender.send(receiver)
    assert a.dump() == b.dump() == c.dump()


def test_a_suggestion_confirmed_here_merges_and_leaves_the_queue(two):
    kommun, af = two
    first = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    second = add_person(kommun, identity="000229-9824", first_name="Åsa", last_name="Ek")
    for person in (first, second):
        consent_for(kommun, person, af)
    send(kommun, af)
    changes = build_changes(af.db, for_organisation=kommun.user.organisation_id)
    with af.db.engine.connect() as conn:
        stamp = state.clock(conn).last
    changes.merges.append([*sorted((first, second)), stamp, af.site])
    summary = send(af, kommun, changes)
    assert summary.suggested == 1
    [pair] = duplicate_queue(kommun.db)
    assert pair.suggested_by == "Arbetsförmedlingen"
    assert (pair.identity_number, pair.second_identity_number) in {
        ("19811218-9876", "20000229-9824"),
        ("20000229-9824", "19811218-9876"),
    }
    confirm_duplicate(kommun.db, pair.first_id, pair.second_id)
    assert duplicate_queue(kommun.db) == []
    assert get_individual(kommun.db, second).individual.id == min(first, second)


def test_a_colleagues_merge_of_a_record_removed_here_is_applied(tmp_path):
    """A merges x and y while B removes x: after the exchange both show the same."""
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    x = add_person(a, identity="811218-9876", first_name="Åsa", last_name="Ek")
    y = add_person(b, identity="811218-9876", first_name="Åsa", last_name="Eek")
    a.send(b)
    b.send(a)
    confirm_duplicate(a.db, x, y)
    remove_individual(b.db, x, actor_id=b.user.staff_id)
    a.send(b)
    b.send(a)
    assert a.dump() == b.dump()
    assert not alive(a, y) and not alive(b, y)  # a removal of a member removes the person


# --- rule 4: organisations ------------------------------------------------------------------


def test_two_organisations_with_different_numbers_are_never_merged_by_a_file(two):
    kommun, af = two
    changes = build_changes(af.db, for_organisation=kommun.user.organisation_id)
    with af.db.engine.connect() as conn:
        stamp = state.clock(conn).last
    ids = sorted((kommun.user.organisation_id, af.user.organisation_id))
    changes.org_merges.append([*ids, stamp, af.site])
    summary = send(af, kommun, changes)
    assert summary.refused == [
        "1 sammanslagning(ar) av organisationer med olika organisationsnummer."
    ]
    with kommun.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sync_org_merge").scalar() == 0
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM organisation WHERE merged_into IS NOT NULL"
            ).scalar()
            == 0
        )


# --- rule 5: acknowledgements ---------------------------------------------------------------


def _acked(at: Install, other: Install) -> int:
    with at.db.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT acked_seq FROM sync_site WHERE site_id = ?", (other.site,)
        ).scalar_one()


def test_an_acknowledgement_counts_only_for_a_file_this_install_wrote(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    add_person(a, first_name="Åsa")
    sent = build_changes(a.db, for_organisation=None)
    import_changes(b.db, sent, Sender(a.site, a.user.organisation_id))
    back = build_changes(b.db, for_organisation=None)
    assert back.acks[a.site] == [sent.seq_to, sent.file_id]
    import_changes(a.db, back, Sender(b.site, b.user.organisation_id))
    assert _acked(a, b) == sent.seq_to

    forged = build_changes(b.db, for_organisation=None)
    forged.acks[a.site] = [sent.seq_to + 50, str(uuid.uuid4())]
    with a.db.engine.connect() as conn:
        site, key = state.meta_value(conn, "site_id"), state.meta_value(conn, "signing_key")
    summary = import_changes(a.db, forged, Sender(b.site, b.user.organisation_id))
    assert [w for w in summary.warnings if "inte har skrivit" in w]
    assert _acked(a, b) == sent.seq_to
    with a.db.engine.connect() as conn:
        assert (state.meta_value(conn, "site_id"), state.meta_value(conn, "signing_key")) == (
            site,
            key,
        )
