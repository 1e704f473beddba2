"""Bringing spreadsheet lists in: the fixture files in tests/fixtures (made by
make_table_fixtures.py) with the reports written out by hand."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import col, select

from ungtui.services.errors import ServiceError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.table_files import read_table
from ungtui.services.people.table_import import (
    apply_import,
    guess_mapping,
    load_mapping_file,
    mapping_json,
    plan_import,
    remember_mapping,
    remembered_mapping,
    report_lines,
)
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.models import Individual, Responsibility, Staff, Way, WayPhase

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def jonas(db, user):
    with UnitOfWork(db, None) as uow:
        staff = uow.create(Staff(name="Jonas Ek", unit_id=user.unit_id))
    return staff.id


def _plan(db, user, name, on_match="skip", mapping=None):
    table = read_table(FIXTURES / name)
    return plan_import(
        db,
        table,
        mapping or guess_mapping(table.headers),
        organisation_id=user.organisation_id,
        on_match=on_match,
    )


def _people(db):
    with db.session() as session:
        return {
            p.identity_number: p
            for p in session.exec(select(Individual).where(col(Individual.deleted_at).is_(None)))
        }


def test_cp1252_list_with_title_rows_blank_and_sum_row(db, user, jonas):
    table = read_table(FIXTURES / "deltagare_cp1252.csv")
    assert (table.encoding, table.separator, table.header_row) == ("cp1252", ";", 3)
    assert table.headers == [
        "Personnummer",
        "Förnamn",
        "Efternamn",
        "Kön",
        "Handläggare",
        "Inskriven",
    ]
    plan = _plan(db, user, "deltagare_cp1252.csv")
    assert report_lines(plan) == [
        "Rader lästa: 7.",
        "Skapas: 3 nya personer.",
        "Uppdateras: 0 redan registrerade.",
        "Oförändrade (redan registrerade med samma uppgifter): 0.",
        "Kan inte läsas in: 4.",
        "Hoppade över: 1 tom rad, summeringsrad (rad 12).",
        "",
        "Kan inte läsas in:",
        "  Rad 8: Personnummer: Kontrollsiffran stämmer inte. Kontrollera numret med personen.",
        "  Rad 9: Inskriven: Datumet ”31/2/2024” finns inte.",
        "  Rad 10: Okänd handläggare ”Karin Okänd”; lägg upp handläggaren eller rätta namnet "
        "i filen.",
        "  Rad 11: Samma person som rad 4.",
    ]
    assert _people(db) == {}  # checking writes nothing

    result = apply_import(db, plan, actor_id=user.staff_id, organisation_id=user.organisation_id)

    assert (result.created, result.updated) == (3, 0)
    people = _people(db)
    assert sorted(people) == ["19990314-1233", "20010522-2343", "20050305-3456"]
    asa = people["19990314-1233"]
    assert (asa.first_name, asa.last_name, asa.gender) == ("Åsa", "Öberg", "kvinna")
    assert asa.birth_date == date(1999, 3, 14)
    assert asa.case_organisation_id == user.organisation_id
    assert people["20010522-2343"].last_name == "Ähläng"
    with db.session() as session:
        responsible = {
            r.individual_id: r.staff_id for r in session.exec(select(Responsibility)).all()
        }
        ways = {w.individual_id: w.entry_date for w in session.exec(select(Way)).all()}
        phases = [(p.phase, p.started_on) for p in session.exec(select(WayPhase)).all()]
    assert responsible == {
        asa.id: user.staff_id,
        people["20010522-2343"].id: jonas,
        people["20050305-3456"].id: user.staff_id,  # empty cell: whoever imports
    }
    # 2024-03-05, 5/3/2024 and 05.03.24 are the same day.
    assert set(ways.values()) == {date(2024, 3, 5)}
    assert phases == [("inflode", date(2024, 3, 5))] * 3


def test_import_is_logged_audited_and_stamped_for_sync(db, user, jonas):
    plan = _plan(db, user, "deltagare_cp1252.csv")
    apply_import(db, plan, actor_id=user.staff_id, organisation_id=user.organisation_id)
    asa = _people(db)["19990314-1233"]
    with db.engine.connect() as conn:
        audit = conn.exec_driver_sql(
            "SELECT action, detail, actor_id FROM audit_entry WHERE individual_id = ? ORDER BY seq",
            (asa.id,),
        ).all()
        log = conn.exec_driver_sql(
            "SELECT table_name, field FROM changelog WHERE record_id = ?", (asa.id,)
        ).all()
        synced = conn.exec_driver_sql(
            "SELECT tbl, fields FROM sync_row WHERE row_id = ?", (asa.id,)
        ).all()
    # One entry for the person: an import of 10,000 people is 10,000 lines in the log.
    assert [(a, d) for a, d, _ in audit] == [
        ("skapade", "personuppgifter, ansvarig handläggare, väg, fas"),
    ]
    assert {actor for *_, actor in audit} == {user.staff_id}
    assert log == [("individual", "*skapad*")]
    assert synced[0][0] == "individual"
    assert "19990314-1233" in synced[0][1]


def test_utf8_bom_names_in_one_column_and_people_already_registered(db, user, jonas):
    viktor = save_individual(
        db,
        IndividualInput(
            identity="20071103-7895",
            first_name="Viktor",
            last_name="Ek",
            gender="man",
            phone="070-111 22 33",
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    nour = save_individual(
        db,
        IndividualInput(
            identity="20020228-1119",
            first_name="Nour",
            last_name="Ali",
            gender="kvinna",
            phone="070-000 00 00",
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    table = read_table(FIXTURES / "deltagare_utf8bom.csv")
    assert (table.encoding, table.header_row) == ("utf-8-sig", 1)

    skip = _plan(db, user, "deltagare_utf8bom.csv")
    assert report_lines(skip) == [
        "Rader lästa: 5.",
        "Skapas: 1 ny person.",
        "Uppdateras: 0 redan registrerade.",
        "Oförändrade (redan registrerade med samma uppgifter): 1.",
        "Redan registrerade med andra uppgifter, hoppas över: 1.",
        "Kan inte läsas in: 2.",
        "",
        "Kan inte läsas in:",
        "  Rad 5: Samma person som rad 2.",
        "  Rad 6: Födelsedatum: Ange födelsedatum när personen saknar personnummer.",
        "",
        "Redan registrerade, skiljer sig (välj uppdatera för att ändra):",
        "  Rad 3: telefon, handläggare",
    ]
    assert [m.individual_id for m in skip.unchanged] == [viktor]
    assert skip.creates[0].values["first_name"] == "Leila"
    assert skip.creates[0].values["last_name"] == "Haddad"

    update = _plan(db, user, "deltagare_utf8bom.csv", on_match="update")
    assert [(u.row, u.individual_id) for u in update.updates] == [(3, nour)]
    apply_import(db, update, actor_id=user.staff_id, organisation_id=user.organisation_id)
    people = _people(db)
    assert people["20020228-1119"].phone == "070-999 88 77"
    assert people["20040815-2221"].gender == "kvinna"
    with db.session() as session:
        responsible = session.exec(
            select(Responsibility.staff_id).where(
                Responsibility.individual_id == nour, col(Responsibility.deleted_at).is_(None)
            )
        ).all()
    assert responsible == [jonas]
    # A second run finds everyone in place and changes nothing.
    again = _plan(db, user, "deltagare_utf8bom.csv", on_match="update")
    assert (len(again.creates), len(again.updates), len(again.unchanged)) == (0, 0, 3)


def test_xlsx_with_merged_title_numbers_and_total_row(db, user):
    table = read_table(FIXTURES / "deltagare.xlsx")
    assert (table.sheet, table.header_row) == ("Deltagare", 2)
    plan = _plan(db, user, "deltagare.xlsx")
    assert report_lines(plan) == [
        "Rader lästa: 4.",
        "Skapas: 2 nya personer.",
        "Uppdateras: 0 redan registrerade.",
        "Oförändrade (redan registrerade med samma uppgifter): 0.",
        "Kan inte läsas in: 2.",
        "Hoppade över: 1 tom rad, summeringsrad (rad 8).",
        "",
        "Kan inte läsas in:",
        "  Rad 5: Födelsedatum: stämmer inte med personnumret.",
        "  Rad 6: Personnummer: Excel har skrivit om numret i exponentform och tappat siffror; "
        "formatera kolumnen som text i Excel och spara listan igen.",
    ]
    # 408152221 is 040815-2221 with its leading zero lost.
    assert [c.values["identity_number"] for c in plan.creates] == [
        "19970707-3335",
        "20040815-2221",
    ]
    assert [c.entry_date for c in plan.creates] == [date(2024, 3, 5)] * 2


def test_other_sheet_and_missing_sheet(db, user):
    with pytest.raises(ServiceError, match="ingen rad har fler än en ifylld cell"):
        read_table(FIXTURES / "deltagare.xlsx", "Anteckningar")
    with pytest.raises(
        ServiceError,
        match=re.escape("Bladet ”Blad9” finns inte. Bladen heter: Deltagare, Anteckningar."),
    ):
        read_table(FIXTURES / "deltagare.xlsx", "Blad9")


def test_unusable_mapping_is_refused_before_any_row(db, user):
    table = read_table(FIXTURES / "deltagare_cp1252.csv")
    mapping = ["identity", "identity", None, None, None, None]
    with pytest.raises(ServiceError) as caught:
        plan_import(db, table, mapping, organisation_id=user.organisation_id)
    assert str(caught.value) == (
        "Personnummer är vald för flera kolumner; välj den för en. Ingen kolumn är vald som "
        "namn; välj Namn, Förnamn eller Efternamn."
    )


def test_saved_mapping_file_and_remembered_mapping(db, user, tmp_path):
    table = read_table(FIXTURES / "deltagare_cp1252.csv")
    mine = ["identity", "first_name", "last_name", None, None, None]
    path = tmp_path / "mappning.json"
    path.write_text(mapping_json(table.headers, mine), encoding="utf-8")
    assert load_mapping_file(path, table.headers) == mine
    assert remembered_mapping(db, table.headers) is None
    remember_mapping(db, table.headers, mine)
    assert remembered_mapping(db, table.headers) == mine
    assert remembered_mapping(db, ["Pnr"]) is None
    path.write_text('{"kolumner": {"Pnr": "skostorlek"}}', encoding="utf-8")
    with pytest.raises(ServiceError, match="Mappningsfilen ska se ut så här"):
        load_mapping_file(path, table.headers)


def test_number_shared_by_two_registered_people_is_matched_by_name(db, user):
    save_individual(
        db,
        IndividualInput(identity="19990314-1233", first_name="Ida", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    # The second with the same number was registered on another install and came by sync.
    with UnitOfWork(db, None) as uow:
        uow.create(
            Individual(
                identity_number="19990314-1233",
                birth_date=date(1999, 3, 14),
                first_name="Lo",
                last_name="Öberg",
            )
        )
    plan = _plan(db, user, "deltagare_cp1252.csv")
    assert [(r.row, r.reason) for r in plan.review] == [
        (
            4,
            "2 registrerade personer har samma nummer och inget av dem samma namn; "
            "kontrollera för hand vem som avses.",
        )
    ]


def test_missing_file_and_wrong_kind(tmp_path):
    with pytest.raises(ServiceError, match=re.escape("Filen lista.csv finns inte")):
        read_table(tmp_path / "lista.csv")
    (tmp_path / "lista.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(ServiceError, match=re.escape("Spara listan som .xlsx eller CSV")):
        read_table(tmp_path / "lista.xls")
    (tmp_path / "trasig.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ServiceError, match="gick inte att läsa som en Excel-arbetsbok"):
        read_table(tmp_path / "trasig.xlsx")
