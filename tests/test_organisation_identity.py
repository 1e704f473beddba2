"""An organisation is one thing everywhere: identified by its number (issue 14, item 1)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from tests.sync_helpers import Install
from ungtui.domain.disclosure import Holder
from ungtui.domain.orgnr import organisation_id, parse_orgnr
from ungtui.services import clock
from ungtui.services.consent.consents import ConsentInput, add_consent, may_disclose
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import (
    add_organisation,
    find_organisation,
    list_organisations,
    merge_organisations,
    organisation_duplicates,
    register_user,
    register_user_with_choice,
    set_organisation_number,
    setup_choices,
)
from ungtui.services.processes.agreements import AgreementInput, save_agreement
from ungtui.services.processes.starting_content import load_starting_content
from ungtui.services.sync.conflicts import list_conflicts
from ungtui.services.sync.sync import Sender, build_changes, import_changes
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import open_database
from ungtui.store.models import Agreement, Organisation, Unit
from ungtui.sync import organisations as orgs
from ungtui.sync.sharing import receiver_holder, share_plan

MALMO_ID = "fd8840a9-c38e-5585-9a86-0729c4117b09"  # uuid5 of "organisation:212000-1124"
AF_ID = "f32c3c9b-9198-5038-a402-5ef131905064"


def names(db) -> list[tuple[str, str | None]]:
    return [(o.name, o.org_nr) for o in list_organisations(db)]


# --- the number --------------------------------------------------------------------------


def test_the_id_of_an_organisation_is_derived_from_its_number():
    assert organisation_id("212000-1124") == MALMO_ID
    assert organisation_id("202100-2114") == AF_ID
    assert str(uuid.UUID(MALMO_ID)) == MALMO_ID


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Ange organisationsnumret, till exempel 212000-1124."),
        ("212000-1125", "Kontrollsiffran stämmer inte (ska vara 4)."),
        ("19811218-9876", "Ett organisationsnummer har 10 siffror, till exempel 212000-1124."),
        (
            "811218-9876",
            "Tredje siffran i ett organisationsnummer är minst 2; "
            "det här ser ut som ett personnummer.",
        ),
    ],
)
def test_a_bad_number_is_refused_with_a_swedish_reason(typed, message):
    with pytest.raises(ValueError) as error:
        parse_orgnr(typed)
    assert str(error.value) == message


def test_a_new_organisation_needs_a_number(db):
    with pytest.raises(ValidationError) as caught:
        add_organisation(db, name="Nordljus Kompetens AB", org_nr="", kind="leverantor")
    assert caught.value.errors == {"org_nr": "Ange organisationsnumret, till exempel 212000-1124."}
    assert list_organisations(db) == []


# --- setup, starting content, typed and received land on one record ----------------------


def test_setup_offers_the_starting_contents_parties_before_a_new_organisation(db):
    assert [c.label for c in setup_choices(db)] == [
        "Arbetsförmedlingen (202100-2114)",
        "Försäkringskassan (202100-5521)",
        "Malmö stad (212000-1124)",
        "Stockholms stad (212000-0142)",
        "Västerås stad (212000-2080)",
    ]


def test_a_picked_party_a_typed_one_and_the_starting_content_are_one_record(db):
    choice = next(c for c in setup_choices(db) if c.org_nr == "212000-1124")
    user = register_user_with_choice(
        db, name="Sofia Berg", unit_name="Jobbcenter Unga", choice=choice
    )
    assert user.organisation_id == MALMO_ID
    assert add_organisation(db, name="Malmö Stad", org_nr="2120001124", kind="kommun") == MALMO_ID
    load_starting_content(db, actor_id=user.staff_id)
    assert [n for n in names(db) if n[1] == "212000-1124"] == [("Malmö stad", "212000-1124")]
    with db.session() as session:
        agreement = session.get(
            Agreement,
            str(
                uuid.uuid5(
                    uuid.UUID("6f1f3c2e-4a8b-4f1e-9a55-1c0d2e7b9a10"), "agreement:000-malmo-unga"
                )
            ),
        )
    assert agreement.parties == f"{MALMO_ID},{AF_ID}"


def test_a_typed_name_differing_from_the_shipped_one_is_a_later_change(db):
    user = register_user(
        db,
        name="Sofia Berg",
        unit_name="Jobbcenter Unga",
        organisation_name="Malmö stad, arbetsmarknadsförvaltningen",
        org_nr="212000-1124",
        kind="kommun",
    )
    assert user.organisation_id == MALMO_ID
    assert user.organisation_name == "Malmö stad, arbetsmarknadsförvaltningen"
    with db.engine.connect() as conn:
        fields = conn.exec_driver_sql(
            "SELECT fields FROM sync_row WHERE tbl = 'organisation' AND row_id = ?", (MALMO_ID,)
        ).scalar()
    # Made as shipped (the shared dot), then renamed here: the rename covers the shipped
    # version, so another install's shipped copy is no conflict.
    assert '"org_nr":{"v":[["212000-1124","0000000000000.00001","ungtui-startinnehall"]]' in fields
    assert '"name":{"v":[["Malmö stad, arbetsmarknadsförvaltningen"' in fields


def test_units_and_staff_from_another_install_keep_their_organisation(tmp_path):
    kommun = Install(tmp_path / "k.db", "Sofia Berg")
    af = Install(
        tmp_path / "a.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    load_starting_content(kommun.db, actor_id=kommun.user.staff_id)
    af.send(kommun, for_organisation=kommun.user.organisation_id)
    with kommun.db.session() as session:
        unit = session.get(Unit, af.user.unit_id)
    assert unit.organisation_id == AF_ID
    assert [n for n in names(kommun.db) if n[1] == "202100-2114"] == [
        ("Arbetsförmedlingen", "202100-2114")
    ]


# --- records made before ids came from numbers -------------------------------------------


def legacy_record(db, name: str, number: str | None, kind: str = "kommun") -> str:
    """An organisation as older versions made it: a random id."""
    with UnitOfWork(db, None) as uow:
        return uow.create(Organisation(name=name, org_nr=number, kind=kind)).id


def test_records_with_one_number_become_one_organisation_and_references_follow(db, user):
    old_af = legacy_record(db, "Arbetsförmedlingen Malmö", "202100-2114", "af")
    new_af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    assert new_af == old_af  # typed with a known number: the record already here
    with UnitOfWork(db, None) as uow:
        shipped = uow.create(
            Organisation(id=AF_ID, name="Arbetsförmedlingen", org_nr="202100-2114")
        )
        unit = uow.create(Unit(organisation_id=shipped.id, name="AF Malmö Unga"))
    with db.engine.begin() as conn:
        assert orgs.merge_same_numbers(conn) == 1
    shown = min(old_af, AF_ID)
    assert [o.id for o in list_organisations(db) if o.org_nr == "202100-2114"] == [shown]
    with db.session() as session:
        assert session.get(Unit, unit.id).organisation_id == shown
        merged = session.get(Organisation, max(old_af, AF_ID))
        assert merged.merged_into == shown


def test_a_merge_travels_and_both_installs_converge(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    first = legacy_record(a.db, "Värnamo kommun", None)
    second = legacy_record(a.db, "Värnamo Kommun", None)
    a.send(b)
    [pair] = organisation_duplicates(b.db)
    assert {pair.first.id, pair.second.id} == {first, second}
    assert pair.reason == "samma namn, organisationsnummer saknas"
    shown = merge_organisations(b.db, first, second, actor_id=b.user.staff_id)
    assert shown == min(first, second)
    b.send(a)
    for install in (a, b):
        assert [o.id for o in list_organisations(install.db) if "rnamo" in o.name] == [shown]
        assert organisation_duplicates(install.db) == []
    assert a.dump() == b.dump()


def test_two_different_numbers_are_never_merged(db, user):
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    fk = add_organisation(db, name="Försäkringskassan", org_nr="202100-5521", kind="fk")
    with pytest.raises(ServiceError, match="olika organisationsnummer"):
        merge_organisations(db, af, fk, actor_id=user.staff_id)


def test_giving_a_record_its_number_makes_it_one_with_the_record_of_that_number(db, user):
    typed = legacy_record(db, "Arbetsförmedlingen", None, "af")
    known = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    assert len(organisation_duplicates(db)) == 1
    shown = set_organisation_number(db, typed, "2021002114", actor_id=user.staff_id)
    assert shown == min(typed, known)
    assert [o.org_nr for o in list_organisations(db) if o.name == "Arbetsförmedlingen"] == [
        "202100-2114"
    ]
    with pytest.raises(ValidationError):
        set_organisation_number(db, typed, "202100-2115", actor_id=user.staff_id)


# --- finding the organisation a person means ---------------------------------------------


def test_for_accepts_a_name_a_number_or_an_id_and_refuses_the_unclear(db, user):
    add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    legacy_record(db, "Malmö stad", None)
    assert find_organisation(db, "arbetsformedlingen").id == AF_ID
    assert find_organisation(db, "2021002114").id == AF_ID
    assert find_organisation(db, AF_ID).id == AF_ID
    with pytest.raises(ServiceError) as unclear:
        find_organisation(db, "Malmö stad")
    assert str(unclear.value).startswith(
        "”Malmö stad” passar flera organisationer: Malmö stad (212000-1124), id fd8840a9; "
        "Malmö stad (org.nr saknas), id "
    )
    with pytest.raises(ServiceError) as unknown:
        find_organisation(db, "Försäkringskassan")
    assert str(unknown.value) == (
        "Organisationen ”Försäkringskassan” finns inte här. Kända organisationer: "
        "Arbetsförmedlingen (202100-2114), Malmö stad (212000-1124), Malmö stad (org.nr saknas)."
    )
    with pytest.raises(
        ServiceError, match="Ingen organisation med organisationsnummer 202100-5521"
    ):
        find_organisation(db, "202100-5521")


# --- consent by identity -----------------------------------------------------------------


def test_a_consent_covers_the_organisation_whichever_record_it_names(tmp_path):
    db = open_database(tmp_path / "k.db")
    user = register_user(
        db,
        name="Sofia Berg",
        unit_name="JU",
        organisation_name="Malmö stad",
        org_nr="212000-1124",
        kind="kommun",
    )
    old_af = legacy_record(db, "Arbetsförmedlingen", "202100-2114", "af")
    with UnitOfWork(db, None) as uow:  # a second record of AF, not merged yet
        uow.create(Organisation(id=AF_ID, name="Arbetsförmedlingen", org_nr="202100-2114"))
    person = save_individual(
        db,
        IndividualInput(identity="811218-9876", first_name="Åsa", last_name="Ek"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    add_consent(
        db,
        person,
        ConsentInput(
            organisation_id=old_af,
            purpose="Samordning",
            purposes=["samordning"],
            data_categories=["kontakt"],
            valid_from="2026-11-01",
        ),
        actor_id=user.staff_id,
    )
    assert may_disclose(
        db,
        person,
        discloser=Holder("212000-1124", "arbetsmarknad"),
        receiver=Holder("202100-2114", "af"),
        purpose="samordning",
        category="kontakt",
    ).allowed
    with db.engine.begin() as conn:
        receiver = receiver_holder(conn, AF_ID)
        plan = share_plan(conn, receiver, clock.today())
        assert set(plan.people) == {person}
    db.close()


def test_the_export_and_import_services_keep_working_with_legacy_ids(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    changes = build_changes(a.db, for_organisation=a.user.organisation_id)
    b = open_database(tmp_path / "b.db")
    import_changes(b, changes, Sender(a.site, a.user.organisation_id))
    assert [(o.name, o.org_nr) for o in list_organisations(b)] == [("Malmö stad", "212000-1124")]
    b.close()


# --- databases from before this version ---------------------------------------------------


def legacy_install(path, name: str, org_name: str, number: str, kind: str, other: tuple):
    """An install as older versions left it: its own organisation under a random id, the
    other party too, and an agreement naming both (its id shipped, its parties not)."""
    db = open_database(path)
    own = legacy_record(db, org_name, number, kind)
    peer = legacy_record(db, *other)
    user = register_user(db, name=name, unit_name="Enheten", organisation_id=own)
    save_agreement(
        db,
        AgreementInput(
            title="Lokal överenskommelse om samverkan för unga Malmöbor 16–29 år",
            party_ids=[own, peer] if kind == "kommun" else [peer, own],
            valid_from=date(2020, 11, 1),
        ),
        actor_id=user.staff_id,
        new_id="5b5ef0a0-0000-4000-8000-000000000001",
    )
    return db, user


def test_an_older_pair_of_installs_ends_with_one_record_per_organisation(tmp_path):
    kommun, k_user = legacy_install(
        tmp_path / "k.db",
        "Sofia Berg",
        "Malmö stad",
        "212000-1124",
        "kommun",
        ("Arbetsförmedlingen", "202100-2114", "af"),
    )
    af, a_user = legacy_install(
        tmp_path / "a.db",
        "Ahmed Yusuf",
        "Arbetsförmedlingen",
        "202100-2114",
        "af",
        ("Malmö stad", "212000-1124", "kommun"),
    )

    def send(sender, sender_user, receiver) -> int:
        changes = build_changes(sender, for_organisation=sender_user.organisation_id)
        with sender.engine.begin() as conn:
            site = conn.exec_driver_sql("SELECT value FROM sync_meta WHERE key='site_id'").scalar()
        return import_changes(receiver, changes, Sender(site, sender_user.organisation_id))

    first = send(kommun, k_user, af)
    send(af, a_user, kommun)
    # The parties were written under two ids each: once merged they name the same two.
    assert first.conflicts == 0 and first.organisations_merged == 2
    for db in (kommun, af):
        assert [(o.name, o.org_nr) for o in list_organisations(db)] == [
            ("Arbetsförmedlingen", "202100-2114"),
            ("Malmö stad", "212000-1124"),
        ]
        assert list_conflicts(db) == []
    dumps = []
    for db in (kommun, af):
        with db.engine.connect() as conn:
            dumps.append(conn.exec_driver_sql("SELECT parties FROM agreement").scalar())
    assert dumps[0] == dumps[1]
    assert sorted(dumps[0].split(",")) == sorted(o.id for o in list_organisations(af))
    kommun.close()
    af.close()
