import json

from ungtui.demo.fill import fill_demo
from ungtui.domain.identity import parse_identity
from ungtui.services.people.individuals import IndividualFilter, count_individuals, list_individuals
from ungtui.services.people.organisations import current_user
from ungtui.services.sync.dump import dump_json
from ungtui.store.database import open_database


def test_demo_is_valid_and_repeatable(tmp_path):
    first = open_database(tmp_path / "a.db")
    second = open_database(tmp_path / "b.db")
    fill_demo(first, individuals=120, seed=5)
    fill_demo(second, individuals=120, seed=5)
    assert dump_json(first) == dump_json(second)
    assert count_individuals(first, IndividualFilter()) == 120
    user = current_user(first)
    assert user is not None and user.organisation_name == "Malmö stad"
    for row in list_individuals(first, IndividualFilter(), limit=120):
        if row.identity_kind != "reservnummer":
            assert parse_identity(row.identity).normalized == row.identity
            # Skatteverket's test serials: nobody real has these numbers.
            assert row.identity[9:11] in ("98", "99")
    first.close()
    second.close()


def test_dump_is_canonical_json_without_local_columns(db, user):
    data = json.loads(dump_json(db))
    assert {
        "consent",
        "individual",
        "meeting",
        "meetingaction",
        "meetingattendee",
        "meetingdecision",
        "meetingseries",
        "organisation",
        "referral",
        "referral_event",
        "responsibility",
        "staff",
        "unit",
    } <= set(data)
    org = data["organisation"][0]
    assert org == {
        "deleted_at": None,
        "id": org["id"],
        "kind": "kommun",
        "merged_into": None,
        "name": "Malmö stad",
        "org_nr": "212000-1124",
    }
    assert "setting" not in data
