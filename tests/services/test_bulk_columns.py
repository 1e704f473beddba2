"""Made-up rows given column by column (store.columns.Columns) are written and stamped for
sync exactly as the same rows given as dicts: the demo hands its people and ways over
that way. Expected values written by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.columns import Columns
from ungtui.store.models import Individual

WHEN = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC)


def person(pid: str, first: str, number: str | None, birth: date | None, school: bool) -> dict:
    return dict(
        id=pid,
        identity_kind="personnummer" if number else "reservnummer",
        identity_number=number,
        birth_date=birth,
        first_name=first,
        last_name="Öberg",
        in_upper_secondary=school,
        created_at=WHEN,
        updated_at=WHEN,
        search_key="",
        sort_key="",
    )


def test_columns_write_and_stamp_what_dicts_do(db):
    rows = [
        person("a1", "Åsa", "19990314-1233", date(1999, 3, 14), True),
        person("a2", 'Nour "N" Ali', None, None, False),
    ]
    varying = ["id", "identity_kind", "identity_number", "birth_date", "first_name"]
    varying += ["in_upper_secondary"]
    columns = Columns.of_tuples(
        varying,
        [(f"b{row['id'][1]}", *(row[name] for name in varying[1:])) for row in rows],
        # One value for every row; status, email and the rest left to their defaults.
        dict(last_name="Öberg", created_at=WHEN, updated_at=WHEN, search_key="", sort_key=""),
    )
    with UnitOfWork(db, None) as uow:
        uow.insert_generated(Individual, rows)
        uow.insert_generated(Individual, columns)
    with db.engine.connect() as conn:
        written = {
            row[0]: row[1:]
            for row in conn.exec_driver_sql(
                "SELECT id, identity_number, birth_date, first_name, last_name,"
                " in_upper_secondary, created_at, status, email, deleted_at FROM individual"
            )
        }
        stamped = dict(conn.exec_driver_sql("SELECT row_id, fields FROM sync_row").all())
    assert (
        written["a1"]
        == written["b1"]
        == (
            "19990314-1233",
            "1999-03-14",
            "Åsa",
            "Öberg",
            1,
            "2026-03-04 05:06:07.000089",
            "aktiv",
            "",
            None,
        )
    )
    assert (
        written["a2"]
        == written["b2"]
        == (
            None,
            None,
            'Nour "N" Ali',
            "Öberg",
            0,
            "2026-03-04 05:06:07.000089",
            "aktiv",
            "",
            None,
        )
    )
    assert set(stamped) == {"a1", "a2", "b1", "b2"}
    assert stamped["a1"] == stamped["b1"] and stamped["a2"] == stamped["b2"]
    # The values as compact_json writes them: a value a row lacks is null.
    body = stamped["a2"].split("]", 1)[1]
    assert body == (
        ',"address":null,"af_status":null,"birth_date":null,"case_organisation_id":null,'
        '"compulsory_school_done_on":null,"email":null,"establishment_from":null,'
        '"establishment_until":null,"first_name":"Nour \\"N\\" Ali","gender":null,'
        '"has_upper_secondary_diploma":null,"identity_kind":"reservnummer",'
        '"identity_number":null,"in_upper_secondary":false,"last_name":"Öberg",'
        '"municipality":null,"phone":null,"reserve_id":null,'
        '"residence_permit_date":null,"status":null}'
    )


def test_columns_of_unequal_length_are_refused():
    with pytest.raises(ValueError, match="column b has 1 values, not 2"):
        Columns(2, {"a": [1, 2], "b": [1]})
    with pytest.raises(ValueError, match="columns given twice"):
        Columns(1, {"a": [1]}, {"a": 2})
    assert Columns.of_tuples(("a", "b"), []).column("b") == []
    assert Columns.of_tuples(("a",), [(1,), (2,)], {"c": 3}).column("c") == [3, 3]
