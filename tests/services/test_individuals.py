from datetime import date

import pytest
from sqlmodel import select

from ungtui.services.errors import NotFound, ValidationError
from ungtui.services.people.individuals import (
    IndividualFilter,
    IndividualInput,
    count_individuals,
    find_same_identity,
    get_individual,
    list_individuals,
    remove_individual,
    save_individual,
)
from ungtui.store.models import ChangeLog, Individual

# Fictional numbers in Skatteverket's test range (serial 98x/99x), check digits by hand.
ASA = "20050317-9806"  # woman, born 2005-03-17
ALI_SAMORDNING = "19980472-9912"  # samordningsnummer, born 1998-04-12


def save(db, user, **fields):
    data = IndividualInput(**fields)
    return save_individual(db, data, actor_id=user.staff_id, organisation_id=user.organisation_id)


def test_save_and_read_back_a_person(db, user):
    person_id = save(
        db, user, identity="0503179806", first_name="Åsa", last_name="Öberg", gender="kvinna"
    )
    detail = get_individual(db, person_id, organisation_id=user.organisation_id)
    person = detail.individual
    assert person.identity_number == ASA
    assert person.identity_kind == "personnummer"
    assert person.birth_date == date(2005, 3, 17)
    assert detail.age == 21
    # 21 and no diploma: also a candidate for an utbildningskontrakt.
    assert [g.code for g in detail.groups] == ["unga_16_24", "unga_16_29", "utbildningskontrakt"]
    assert detail.case_organisation == "Malmö stad"
    assert detail.responsibilities == [("Malmö stad", "Sofia Berg", "Jobbcenter Unga")]
    assert detail.history[0].field == "Registrerad"


def test_invalid_number_saves_nothing_and_says_why(db, user):
    with pytest.raises(ValidationError) as caught:
        save(db, user, identity="20050317-9807", first_name="Åsa", last_name="Öberg")
    assert "Kontrollsiffran" in caught.value.errors["identity"]
    with db.session() as session:
        assert session.exec(select(Individual)).all() == []
        assert (
            session.exec(select(ChangeLog).where(ChangeLog.table_name == "individual")).all() == []
        )


def test_impossible_birth_date_and_missing_name(db, user):
    with pytest.raises(ValidationError) as caught:
        save(db, user, birth_date="2006-02-29")
    assert caught.value.errors == {
        "birth_date": "Datumet 2006-02-29 finns inte.",
        "last_name": "Ange minst ett namn.",
    }


def test_letters_in_the_phone_number_save_nothing(db, user):
    with pytest.raises(ValidationError) as caught:
        save(db, user, identity="20050317-9806", first_name="Åsa", phone="abc")
    assert caught.value.errors == {
        "phone": "”abc” ser inte ut som ett telefonnummer. "
        "Skriv det med siffror, t.ex. 070-123 45 67."
    }
    with db.session() as session:
        assert session.exec(select(Individual)).all() == []


def test_person_without_number_gets_a_reserve_id(db, user):
    person_id = save(db, user, birth_date="2008-06-01", first_name="Noor", reserve_id="")
    person = get_individual(db, person_id).individual
    assert person.identity_kind == "reservnummer"
    assert person.identity_number is None
    assert person.reserve_id.startswith("R-")
    assert person.birth_date == date(2008, 6, 1)


def test_a_number_already_registered_here_is_refused_at_the_field(db, user):
    first = save(db, user, identity=ASA, first_name="Åsa", last_name="Öberg")
    assert [s.id for s in find_same_identity(db, ASA)] == [first]
    assert find_same_identity(db, ASA, exclude_id=first) == []
    with pytest.raises(ValidationError) as caught:
        save(db, user, identity="200503179806", first_name="Åsa", last_name="Öberg")
    assert caught.value.errors == {
        "identity": "Numret är redan registrerat på en annan person. Öppna den personen i "
        "stället; är numret fel där, rätta det först."
    }
    other = save(db, user, identity=ALI_SAMORDNING, first_name="Ali", last_name="Öztürk")
    with pytest.raises(ValidationError, match="redan registrerat"):
        save_individual(
            db,
            IndividualInput(identity=ASA, first_name="Ali", last_name="Öztürk"),
            actor_id=user.staff_id,
            organisation_id=user.organisation_id,
            individual_id=other,
        )
    # Saving the person under their own number again is no duplicate.
    save_individual(
        db,
        IndividualInput(identity=ASA, first_name="Åsa", last_name="Öberg-Lind"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
        individual_id=first,
    )
    assert [s.id for s in find_same_identity(db, ASA)] == [first]


def test_search_is_accent_insensitive_and_matches_number_parts(db, user):
    save(db, user, identity=ALI_SAMORDNING, first_name="Ali", last_name="Öztürk")
    save(db, user, identity=ASA, first_name="Åsa", last_name="Öberg")
    save(db, user, birth_date="2001-01-01", first_name="Erik", last_name="Svensson")

    def names(text):
        rows = list_individuals(db, IndividualFilter(text=text))
        return [r.name for r in rows]

    assert names("ozturk") == ["Öztürk, Ali"]
    assert names("ÖZTÜRK") == ["Öztürk, Ali"]
    assert names("asa ob") == ["Öberg, Åsa"]
    assert names("0317") == ["Öberg, Åsa"]
    assert names("050317-98") == ["Öberg, Åsa"]
    # Accents are ignored when searching ("ö" finds Svensson too) but not when sorting.
    assert names("ö") == ["Svensson, Erik", "Öberg, Åsa", "Öztürk, Ali"]
    assert names("zzz") == []
    assert count_individuals(db, IndividualFilter(text="o")) == 3
    assert count_individuals(db, IndividualFilter(text="sson erik")) == 1


def test_filters_by_group_status_and_mine(db, user):
    young = save(db, user, birth_date="2008-11-24", first_name="Ung", status="aktiv")
    save(db, user, birth_date="1990-01-01", first_name="Vuxen", status="avslutad")
    kaa = save(db, user, birth_date="2008-11-25", first_name="Kaa")  # 17 on 2026-11-24
    schooled = save(db, user, birth_date="2009-01-01", first_name="Elev", in_upper_secondary=True)

    def ids(**kw):
        return {r.id for r in list_individuals(db, IndividualFilter(**kw))}

    assert ids(group="kaa") == {young, kaa}
    assert schooled not in ids(group="kaa")
    assert ids(group="unga_16_24") == {young, kaa, schooled}
    assert len(ids(status="avslutad")) == 1
    assert len(ids(mine_staff_id=user.staff_id)) == 4
    assert ids(mine_staff_id="någon annan") == set()


def test_list_pages_and_sorts_by_name(db, user):
    for last in ("Ceder", "Ask", "Björk", "Ek", "Dahl"):
        save(db, user, birth_date="2000-01-01", first_name="A", last_name=last)
    page1 = list_individuals(db, IndividualFilter(), offset=0, limit=2)
    page2 = list_individuals(db, IndividualFilter(), offset=2, limit=2)
    page3 = list_individuals(db, IndividualFilter(), offset=4, limit=2)
    assert [r.name for r in page1 + page2 + page3] == [
        "Ask, A",
        "Björk, A",
        "Ceder, A",
        "Dahl, A",
        "Ek, A",
    ]


def test_edit_logs_each_changed_field(db, user):
    person_id = save(db, user, identity=ASA, first_name="Åsa", last_name="Öberg")
    save_individual(
        db,
        IndividualInput(identity=ASA, first_name="Åsa", last_name="Lind", phone="070-123 45 67"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
        individual_id=person_id,
    )
    history = get_individual(db, person_id).history
    changes = {(h.field, h.old_value, h.new_value) for h in history}
    assert ("Efternamn", "Öberg", "Lind") in changes
    assert ("Telefon", "", "070-123 45 67") in changes
    assert not any(h.field == "Förnamn" for h in history)


def test_remove_is_a_tombstone(db, user):
    person_id = save(db, user, identity=ASA, first_name="Åsa", last_name="Öberg")
    remove_individual(db, person_id, actor_id=user.staff_id)
    assert list_individuals(db, IndividualFilter()) == []
    with db.session() as session:
        row = session.get(Individual, person_id)
    assert row is not None and row.deleted_at is not None
    # The tombstone keeps the id only; the values are blanked so they travel nowhere.
    assert (row.identity_number, row.first_name, row.last_name) == (None, "", "")
    with pytest.raises(NotFound):
        get_individual(db, person_id)
    with pytest.raises(NotFound):
        remove_individual(db, person_id, actor_id=user.staff_id)
