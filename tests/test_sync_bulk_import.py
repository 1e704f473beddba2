"""People brought in by a table import (issue 20's bulk path) travel by sync exactly as
people typed in one by one: to a colleague whole, to another organisation only as far as
a consent reaches, and field by field after later edits. Their registers are stored in the
compact form (sync.state.compact_json); every expected value here is written by hand."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.people.table_files import read_table
from ungtui.services.people.table_import import apply_import, guess_mapping, plan_import
from ungtui.services.sync.sync import build_changes
from ungtui.services.unit_of_work import UnitOfWork, bulk_insert, new_ids
from ungtui.store.models import Individual
from ungtui.sync import state

from .sync_helpers import Install, add_person, edit, kommun_and_af

LIST = (
    "Pnr;Namn;Kön;Telefon;Inskriven\r\n"
    "19990314-1233;Åsa Öberg;K;070-111 22 33;2026-09-01\r\n"
    "20040512-2482;Nour Ali;kvinna;070-999 88 77;15/9/2026\r\n"
)


def import_list(install: Install, tmp_path) -> None:
    path = tmp_path / "lista.csv"
    path.write_bytes(LIST.encode("cp1252"))
    table = read_table(path)
    plan = plan_import(
        install.db,
        table,
        guess_mapping(table.headers),
        organisation_id=install.user.organisation_id,
    )
    assert len(plan.creates) == 2 and not plan.rejected
    apply_import(
        install.db,
        plan,
        actor_id=install.user.staff_id,
        organisation_id=install.user.organisation_id,
    )


def people(install: Install) -> dict[str, tuple]:
    with install.db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT identity_number, first_name, last_name, gender, phone, birth_date,"
            " identity_kind, status, id FROM individual WHERE deleted_at IS NULL"
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def registers(install: Install) -> dict[tuple[str, str], dict]:
    """Every record's registers as the full form, without this install's local "s"."""
    with install.db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT tbl, row_id, fields FROM sync_row").all()
    return {
        (tbl, rid): {
            col: {"v": reg["v"], "vv": reg["vv"]}
            for col, reg in state.registers_json(fields).items()
        }
        for tbl, rid, fields in rows
    }


def stored_fields(install: Install, row_id: str) -> str:
    with install.db.engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT fields FROM sync_row WHERE row_id = ?", (row_id,)
        ).scalar_one()


def test_the_compact_form_carries_one_dot_for_every_field():
    text = state.compact_json(
        "0001764000000.00002",
        "site-a",
        7,
        {"first_name": "Åsa", "birth_date": date(1999, 3, 14), "in_upper_secondary": True},
    )
    assert text == (
        '{"@":["0001764000000.00002","site-a",7],"birth_date":"1999-03-14",'
        '"first_name":"Åsa","in_upper_secondary":true}'
    )
    dot = {"vv": {"site-a": "0001764000000.00002"}, "s": 7}
    assert state.registers_json(text) == {
        "birth_date": {"v": [["1999-03-14", "0001764000000.00002", "site-a"]], **dot},
        "first_name": {"v": [["Åsa", "0001764000000.00002", "site-a"]], **dot},
        "in_upper_secondary": {"v": [[True, "0001764000000.00002", "site-a"]], **dot},
    }
    # A file carries the full form, as for any other record.
    assert state.full_json(text) == (
        '{"birth_date":{"v":[["1999-03-14","0001764000000.00002","site-a"]],'
        '"vv":{"site-a":"0001764000000.00002"}},'
        '"first_name":{"v":[["Åsa","0001764000000.00002","site-a"]],'
        '"vv":{"site-a":"0001764000000.00002"}},'
        '"in_upper_secondary":{"v":[[true,"0001764000000.00002","site-a"]],'
        '"vv":{"site-a":"0001764000000.00002"}}}'
    )
    assert state.register_count(text) == 3
    full = '{"a":{"v":[[1,"h","s"]],"vv":{"s":"h"},"s":1},"b":{"v":[],"vv":{"s":"h"},"s":1}}'
    assert state.full_json(full) == full
    assert state.register_count(full) == 2


def test_compact_texts_are_compact_json_of_each_row_column_by_column():
    """The bulk stamp builds the texts column by column, encoding each distinct value
    once; they are exactly compact_json's, also for nulls, a missing value, yes/no beside
    1/0 in one column (equal in Python, not in JSON), dates, times and a list."""
    rows = [
        {
            "a": 'Öz"t\\ü\n',
            "b": None,
            "c": True,
            "d": 1,
            "e": date(2026, 1, 2),
            "f": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        },
        {"a": 'Öz"t\\ü\n', "c": False, "d": True, "e": None, "f": None},
        {"a": ["x", 1], "b": None, "c": 1, "d": 0, "e": date(2026, 1, 2)},
    ]
    texts = state.compact_texts(
        "0001764000000.00002", "site-a", 7, ["f", "e", "d", "c", "b", "a"], rows
    )
    assert texts == [
        '{"@":["0001764000000.00002","site-a",7],"a":"Öz\\"t\\\\ü\\n","b":null,"c":true,'
        '"d":1,"e":"2026-01-02","f":"2026-01-02T03:04:05+00:00"}',
        '{"@":["0001764000000.00002","site-a",7],"a":"Öz\\"t\\\\ü\\n","b":null,"c":false,'
        '"d":true,"e":null,"f":null}',
        '{"@":["0001764000000.00002","site-a",7],"a":["x",1],"b":null,"c":1,"d":0,'
        '"e":"2026-01-02","f":null}',
    ]
    assert texts == [
        state.compact_json("0001764000000.00002", "site-a", 7, {c: row.get(c) for c in "abcdef"})
        for row in rows
    ]
    assert state.compact_texts("h", "s", 1, ["a"], []) == []


def test_imported_people_are_stored_compact_and_read_back_whole(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    import_list(kommun, tmp_path)
    asa = people(kommun)["19990314-1233"]
    text = stored_fields(kommun, asa[-1])
    assert text.startswith('{"@":["')
    assert len(text) < 700  # the full form of the same registers took about 1.6 KB
    with kommun.db.engine.connect() as conn:
        fields, tomb = state.load_row(conn, "individual", asa[-1])
    assert tomb is None
    assert {col: reg.value for col, reg in fields.items() if reg.value not in (None, "")} == {
        "identity_kind": "personnummer",
        "identity_number": "19990314-1233",
        "birth_date": "1999-03-14",
        "first_name": "Åsa",
        "last_name": "Öberg",
        "gender": "kvinna",
        "phone": "070-111 22 33",
        "status": "aktiv",
        "case_organisation_id": kommun.user.organisation_id,
        "in_upper_secondary": False,
        "has_upper_secondary_diploma": False,
    }
    [(stamp, site)] = {(v[1], v[2]) for reg in fields.values() for v in reg.versions}
    assert site == kommun.site
    assert all(reg.vv == {kommun.site: stamp} for reg in fields.values())


def test_imported_people_reach_a_colleague_identically(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    colleague = Install(tmp_path / "kollega.db", "Tomas Nyberg", join=kommun)
    import_list(kommun, tmp_path)
    kommun.send(colleague)

    there = people(colleague)
    assert {k: v[:-1] for k, v in there.items()} == {
        "19990314-1233": (
            "Åsa",
            "Öberg",
            "kvinna",
            "070-111 22 33",
            "1999-03-14",
            "personnummer",
            "aktiv",
        ),
        "20040512-2482": (
            "Nour",
            "Ali",
            "kvinna",
            "070-999 88 77",
            "2004-05-12",
            "personnummer",
            "aktiv",
        ),
    }
    with colleague.db.engine.connect() as conn:
        ways = conn.exec_driver_sql(
            "SELECT i.first_name, w.entry_date, p.phase, p.started_on, s.name"
            " FROM way w JOIN individual i ON i.id = w.individual_id"
            " JOIN way_phase p ON p.way_id = w.id"
            " JOIN responsibility r ON r.individual_id = i.id"
            " JOIN staff s ON s.id = r.staff_id ORDER BY i.first_name"
        ).all()
    assert ways == [
        ("Nour", "2026-09-15", "inflode", "2026-09-15", "Sofia Berg"),
        ("Åsa", "2026-09-01", "inflode", "2026-09-01", "Sofia Berg"),
    ]
    # Every register arrived with the importing install's dot, field by field.
    sent = registers(kommun)
    # (The colleague has one record more: its own user, not sent back yet.)
    there_registers = registers(colleague)
    assert {key: there_registers.get(key) for key in sent} == sent
    assert len([key for key in sent if key[0] == "individual"]) == 2  # Åsa and Nour
    asa = there["19990314-1233"][-1]
    assert {reg["v"][0][2] for reg in sent[("individual", asa)].values()} == {kommun.site}


def test_an_edit_on_each_side_after_the_import_merges_field_by_field(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    colleague = Install(tmp_path / "kollega.db", "Tomas Nyberg", join=kommun)
    import_list(kommun, tmp_path)
    kommun.send(colleague)
    asa = people(kommun)["19990314-1233"][-1]

    edit(colleague, asa, phone="070-555 44 33")
    edit(kommun, asa, last_name="Öberg Lind")
    # An edited record is stored in the full form again.
    assert not stored_fields(kommun, asa).startswith('{"@":')
    colleague.send(kommun)
    kommun.send(colleague)

    for install in (kommun, colleague):
        assert people(install)["19990314-1233"][:4] == (
            "Åsa",
            "Öberg Lind",
            "kvinna",
            "070-555 44 33",
        )
        with install.db.engine.connect() as conn:
            assert (
                conn.exec_driver_sql("SELECT count(*) FROM sync_row WHERE conflicts > 0").scalar()
                == 0
            )
    assert registers(kommun) == registers(colleague)


def _consent(kommun: Install, person: str, af: str, categories: list[str]) -> None:
    add_consent(
        kommun.db,
        person,
        ConsentInput(
            organisation_id=af,
            purposes=["samordning"],
            data_categories=categories,
            valid_from="2026-01-01",
        ),
        actor_id=kommun.user.staff_id,
    )


def test_a_consent_narrows_an_imported_person_as_it_narrows_a_typed_one(tmp_path):
    kommun, af = kommun_and_af(tmp_path)
    with kommun.db.engine.connect() as conn:
        af_id = conn.exec_driver_sql(
            "SELECT id FROM organisation WHERE org_nr = '202100-2114'"
        ).scalar_one()
    import_list(kommun, tmp_path)
    asa = people(kommun)["19990314-1233"][-1]
    typed = add_person(kommun, identity="19811218-9876", first_name="Erik", last_name="Ek")
    for person in (asa, typed):
        _consent(kommun, person, af_id, ["identitet", "kontakt"])

    changes = build_changes(kommun.db, for_organisation=af_id)
    sent = {row["id"]: row for row in changes.rows}
    identity_and_contact = {
        "identity_kind",
        "identity_number",
        "reserve_id",
        "birth_date",
        "first_name",
        "last_name",
        "gender",
        "residence_permit_date",
        "case_organisation_id",
        "phone",
        "email",
        "address",
        "municipality",
    }
    assert set(sent[asa]["f"]) == identity_and_contact
    assert set(sent[typed]["f"]) == identity_and_contact
    # Her way and responsibility are "arbete": not covered, not sent.
    with kommun.db.engine.connect() as conn:
        hers = {
            rid
            for (rid,) in conn.exec_driver_sql(
                "SELECT id FROM way WHERE individual_id = ? UNION"
                " SELECT id FROM way_phase WHERE individual_id = ? UNION"
                " SELECT id FROM responsibility WHERE individual_id = ?",
                (asa, asa, asa),
            )
        }
    assert len(hers) == 3 and not hers & set(sent)
    # Nour has no consent: nothing about her goes.
    nour = people(kommun)["20040512-2482"][-1]
    assert nour not in sent

    kommun.send_to(af)
    at_af = people(af)
    assert at_af["19990314-1233"][:5] == ("Åsa", "Öberg", "kvinna", "070-111 22 33", "1999-03-14")
    assert "20040512-2482" not in at_af


def test_bulk_insert_writes_what_the_orm_writes(db):
    when = datetime(2026, 3, 4, 5, 6, 7, 89, tzinfo=UTC)
    values = dict(
        identity_kind="personnummer",
        identity_number="19990314-1233",
        birth_date=date(1999, 3, 14),
        first_name="Åsa",
        last_name="Öberg",
        in_upper_secondary=True,
        created_at=when,
        updated_at=when,
    )
    with UnitOfWork(db, None) as uow:
        uow.create(Individual(id="orm", **values))
        bulk_insert(uow.session.connection(), Individual.__table__, [dict(values, id="bulk")])
    with db.engine.connect() as conn:
        rows = {
            row[0]: row[1:]
            for row in conn.exec_driver_sql(
                "SELECT id, birth_date, in_upper_secondary, has_upper_secondary_diploma,"
                " created_at, status, email, deleted_at FROM individual"
            )
        }
    assert (
        rows["bulk"]
        == rows["orm"]
        == (
            "1999-03-14",
            1,
            0,
            "2026-03-04 05:06:07.000089",
            "aktiv",
            "",
            None,
        )
    )


def test_new_ids_are_version_4_uuids_each_its_own():
    ids = new_ids(1000)
    assert len(set(ids)) == 1000
    pattern = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    assert all(pattern.fullmatch(i) for i in ids)
