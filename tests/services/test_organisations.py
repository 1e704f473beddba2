import pytest

from ungtui.services.errors import ValidationError
from ungtui.services.people.organisations import (
    add_organisation,
    current_user,
    list_organisations,
    list_staff,
    register_user,
)


def test_no_user_on_a_new_database(db):
    assert current_user(db) is None


def test_register_user_creates_organisation_unit_and_staff(db, user):
    assert current_user(db) == user
    assert user.name == "Sofia Berg"
    assert user.unit_name == "Jobbcenter Unga"
    assert [(o.name, o.org_nr, o.kind) for o in list_organisations(db)] == [
        ("Malmö stad", "212000-1124", "kommun")
    ]
    assert [(s.name, s.unit_name, s.organisation_name) for s in list_staff(db)] == [
        ("Sofia Berg", "Jobbcenter Unga", "Malmö stad")
    ]


def test_second_user_joins_an_existing_organisation_and_unit(db, user):
    other = register_user(
        db, name="Jonas Ek", unit_name="Jobbcenter Unga", organisation_id=user.organisation_id
    )
    assert other.unit_id == user.unit_id
    assert len(list_organisations(db)) == 1


def test_bad_org_nr_and_empty_fields_are_refused(db):
    with pytest.raises(ValidationError) as caught:
        register_user(
            db, name=" ", unit_name="", organisation_name="Värnamo kommun", org_nr="212000-0564"
        )
    assert set(caught.value.errors) == {"name", "unit_name", "org_nr"}
    assert current_user(db) is None
    assert list_organisations(db) == []


def test_add_organisation_normalises_the_number(db):
    add_organisation(db, name="Arbetsförmedlingen", org_nr="2021002114", kind="af")
    assert list_organisations(db)[0].org_nr == "202100-2114"
