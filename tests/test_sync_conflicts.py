"""Conflicts as a person sees and settles them (sync.md §6.5)."""

from __future__ import annotations

import pytest

from tests.sync_helpers import Install, add_person, edit
from ungtui.services.errors import ServiceError
from ungtui.services.people.individuals import get_individual
from ungtui.services.sync.conflicts import list_conflicts, resolve_conflict
from ungtui.services.sync.sync import open_conflicts


@pytest.fixture
def conflicted(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    person = add_person(a, first_name="Märta", last_name="Öberg")
    a.send(b)
    edit(a, person, phone="070-111 11 11")
    edit(b, person, phone="070-222 22 22")  # later: shown everywhere
    a.send(b)
    b.send(a)
    yield a, b, person
    a.db.close()
    b.db.close()


def test_a_conflict_names_the_person_the_field_and_both_values(conflicted):
    a, _b, _person = conflicted
    [view] = list_conflicts(a.db)
    assert view.record == "Öberg, Märta"
    assert view.field_label == "Telefon"
    assert [v.shown for v in view.values] == ["070-222 22 22", "070-111 11 11"]
    assert view.values[1].where == "den här datorn"
    assert view.values[0].where == "Malmö stad"
    assert view.editable


def test_keeping_the_shown_value_clears_the_conflict_everywhere(conflicted):
    a, b, person = conflicted
    resolve_conflict(a.db, "individual", person, "phone", "070-222 22 22", actor_id=None)
    assert open_conflicts(a.db) == []
    a.send(b)
    assert open_conflicts(b.db) == []
    assert get_individual(b.db, person).individual.phone == "070-222 22 22"
    assert a.dump() == b.dump()


def test_choosing_the_other_value_shows_it_everywhere(conflicted):
    a, b, person = conflicted
    resolve_conflict(b.db, "individual", person, "phone", "070-111 11 11", actor_id=None)
    b.send(a)
    for install in (a, b):
        assert open_conflicts(install.db) == []
        assert get_individual(install.db, person).individual.phone == "070-111 11 11"


def test_typing_a_third_value_settles_it(conflicted):
    a, b, person = conflicted
    resolve_conflict(a.db, "individual", person, "phone", " 070-333 33 33 ", actor_id=None)
    a.send(b)
    assert get_individual(b.db, person).individual.phone == "070-333 33 33"
    assert open_conflicts(b.db) == []


def test_a_field_that_is_not_free_text_only_takes_one_of_the_values(conflicted):
    a, b, person = conflicted
    edit(a, person, status="vilande")
    edit(b, person, status="avslutad")
    a.send(b)
    with pytest.raises(ServiceError, match="Välj ett av värdena"):
        resolve_conflict(b.db, "individual", person, "status", "aktiv", actor_id=None)
    assert get_individual(b.db, person).individual.status == "avslutad"


def test_settling_twice_says_it_is_already_settled(conflicted):
    a, _b, person = conflicted
    resolve_conflict(a.db, "individual", person, "phone", "070-111 11 11", actor_id=None)
    with pytest.raises(ServiceError, match="redan löst"):
        resolve_conflict(a.db, "individual", person, "phone", "070-222 22 22", actor_id=None)
