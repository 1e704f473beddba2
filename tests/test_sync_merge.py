"""Field-level merge between installs, at the level of change sets (no files)."""

from __future__ import annotations

import pytest

from tests.sync_helpers import Install, add_person, edit
from ungtui.services.people.individuals import (
    get_individual,
    remove_individual,
)
from ungtui.services.sync.dump import dump_json
from ungtui.services.sync.sync import Sender, build_changes, import_changes, open_conflicts
from ungtui.sync import state


@pytest.fixture
def pair(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    yield a, b
    a.db.close()
    b.db.close()


def test_a_new_person_travels_and_dumps_match(pair):
    a, b = pair
    person = add_person(a)
    b_user_dump = b.dump()
    summary = a.send(b)
    assert summary.new >= 1
    assert get_individual(b.db, person).individual.last_name == "Ek"
    b.send(a)
    assert a.dump() == b.dump()
    assert a.dump() != b_user_dump


def test_edits_of_different_fields_both_survive(pair):
    a, b = pair
    person = add_person(a)
    a.send(b)
    edit(a, person, phone="070-111 11 11")
    edit(b, person, address="Storgatan 1")
    a.send(b)
    b.send(a)
    for install in (a, b):
        shown = get_individual(install.db, person).individual
        assert (shown.phone, shown.address) == ("070-111 11 11", "Storgatan 1")
        assert open_conflicts(install.db) == []
    assert a.dump() == b.dump()


@pytest.mark.parametrize("a_first", [True, False])
def test_same_field_on_both_keeps_the_loser_as_a_conflict(pair, a_first):
    a, b = pair
    person = add_person(a)
    a.send(b)
    edit(a, person, phone="070-111 11 11")
    edit(b, person, phone="070-222 22 22")  # later clock: the winner everywhere
    if a_first:
        a.send(b)
        b.send(a)
    else:
        b.send(a)
        a.send(b)
    for install in (a, b):
        assert get_individual(install.db, person).individual.phone == "070-222 22 22"
        [conflict] = open_conflicts(install.db)
        assert conflict.field == "phone"
        assert [v[0] for v in conflict.versions] == ["070-222 22 22", "070-111 11 11"]
    assert a.dump() == b.dump()

    # Resolving on A (choosing A's number) clears the conflict on B too.
    edit(a, person, phone="070-111 11 11")
    a.send(b)
    for install in (a, b):
        assert open_conflicts(install.db) == []
        assert get_individual(install.db, person).individual.phone == "070-111 11 11"


def test_equal_values_are_no_conflict(pair):
    a, b = pair
    person = add_person(a)
    a.send(b)
    edit(a, person, phone="070-333 33 33")
    edit(b, person, phone="070-333 33 33")
    a.send(b)
    b.send(a)
    assert open_conflicts(a.db) == open_conflicts(b.db) == []


def test_delete_wins_over_a_concurrent_edit_and_blanks_values(pair):
    a, b = pair
    person = add_person(a)
    a.send(b)
    remove_individual(a.db, person, actor_id=a.user.staff_id)
    edit(b, person, phone="070-444 44 44")
    b_summary = a.send(b)
    a_summary = b.send(a)
    assert a.dump() == b.dump()
    with a.db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT deleted_at, identity_number, phone FROM individual WHERE id = ?", (person,)
        ).one()
    assert row[0] is not None and row[1] is None and row[2] == ""
    assert b_summary.updated == 1
    # B is told its edit did not survive; A, which removed, hears nothing of it.
    assert any("Borttagningen gäller" in w for w in b_summary.warnings)
    assert a_summary.warnings == []


def test_importing_the_same_changes_twice_changes_nothing(pair):
    a, b = pair
    add_person(a)
    a.send(b)
    before = b.dump()
    again = a.send(b, full=True)
    assert again.new == again.updated == 0
    assert again.known > 0
    assert b.dump() == before


def test_demo_data_travels_like_typed_data(tmp_path):
    from ungtui.demo.fill import fill_demo
    from ungtui.store.database import open_database

    source = open_database(tmp_path / "demo.db")
    fill_demo(source, individuals=25, seed=3)
    target = open_database(tmp_path / "empty.db")
    with source.engine.begin() as conn:
        site = state.site_id(conn)
    changes = build_changes(source, for_organisation=None, full=True)
    summary = import_changes(target, changes, Sender(site))
    # 4 organisations, 8 units, 10 staff and the 25 people at least, all new.
    assert summary.new >= 4 + 8 + 10 + 25
    assert dump_json(target) == dump_json(source)
