"""Lists taken out: what Swedish Excel opens right, masked numbers, owner-only files, the
audit log, and a round trip export -> import that changes nothing."""

from __future__ import annotations

import re
import stat

import pytest
from openpyxl import load_workbook

from ungtui.services.errors import ServiceError
from ungtui.services.people.individuals import IndividualFilter, IndividualInput, save_individual
from ungtui.services.people.table_files import read_table
from ungtui.services.people.table_import import guess_mapping, plan_import
from ungtui.services.privacy.list_export import export_individuals


@pytest.fixture
def people(db, user):
    ids = []
    for identity, first, last, gender, birth in (
        ("19990314-1233", "Åsa", "Öberg", "kvinna", ""),
        ("20010522-2343", "Jörgen", "Ähläng", "man", ""),
        ("", "Ali", "Berg", "man", "2004-06-01"),
    ):
        ids.append(
            save_individual(
                db,
                IndividualInput(
                    identity=identity,
                    first_name=first,
                    last_name=last,
                    gender=gender,
                    birth_date=birth,
                    reserve_id="R-0A1B2C" if not identity else "",
                ),
                actor_id=user.staff_id,
                organisation_id=user.organisation_id,
            )
        )
    return ids


def test_csv_is_utf8_bom_semicolons_masked_and_owner_only(db, user, people, tmp_path):
    path = tmp_path / "deltagare.csv"
    result = export_individuals(db, user, IndividualFilter(), path)
    assert result.rows == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "Efternamn;Förnamn;Personnummer;Födelsedatum;Ålder;Kön;Telefon;E-post;Målgrupper;"
        "Handläggare;Status;Fas;Nästa datum"
    )
    assert lines[1] == (
        "Berg;Ali;R-0A1B2C;2004-06-01;22;Man;;;16–24, 16–29, Utb.kontr.;Sofia Berg;Aktiv;;"
    )
    assert lines[2] == (
        "Ähläng;Jörgen;20010522-XXXX;2001-05-22;25;Man;;;16–29;Sofia Berg;Aktiv;;"
    )
    assert lines[3] == (
        "Öberg;Åsa;19990314-XXXX;1999-03-14;27;Kvinna;;;16–29;Sofia Berg;Aktiv;;"
    )
    with db.engine.connect() as conn:
        logged = conn.exec_driver_sql(
            "SELECT individual_id, detail FROM audit_entry WHERE action = 'exporterade'"
        ).all()
    assert sorted(logged) == sorted((pid, "deltagarlista (csv)") for pid in people)


def test_filter_applies_and_an_existing_file_is_never_overwritten(db, user, people, tmp_path):
    path = tmp_path / "urval.xlsx"
    result = export_individuals(db, user, IndividualFilter(text="öberg"), path)
    assert result.rows == 1
    with pytest.raises(ServiceError, match=re.escape("Filen urval.xlsx finns redan")):
        export_individuals(db, user, IndividualFilter(), path)
    with pytest.raises(ServiceError, match=re.escape("Filen måste sluta på .csv eller .xlsx")):
        export_individuals(db, user, IndividualFilter(), tmp_path / "lista.txt")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_export_then_import_changes_nothing(db, user, people, tmp_path, suffix):
    path = tmp_path / f"deltagare{suffix}"
    export_individuals(db, user, IndividualFilter(), path, reveal=True)
    table = read_table(path)
    plan = plan_import(
        db,
        table,
        guess_mapping(table.headers),
        organisation_id=user.organisation_id,
        on_match="update",
    )
    assert (len(plan.creates), len(plan.updates), len(plan.rejected), len(plan.review)) == (
        0,
        0,
        0,
        0,
    )
    assert sorted(m.individual_id for m in plan.unchanged) == sorted(people)


def test_whole_numbers_only_when_chosen_and_logged_as_such(db, user, people, tmp_path):
    path = tmp_path / "hela.xlsx"
    export_individuals(db, user, IndividualFilter(), path, reveal=True)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[3][:3] == ("Öberg", "Åsa", "19990314-1233")
    with db.engine.connect() as conn:
        details = {
            d
            for (d,) in conn.exec_driver_sql(
                "SELECT detail FROM audit_entry WHERE action = 'exporterade'"
            )
        }
    assert details == {"deltagarlista med hela identitetsnumret (xlsx)"}
    # A masked list cannot come back in: the report says why.
    masked = tmp_path / "dold.csv"
    export_individuals(db, user, IndividualFilter(), masked)
    table = read_table(masked)
    plan = plan_import(
        db, table, guess_mapping(table.headers), organisation_id=user.organisation_id
    )
    assert plan.rejected[0].reason == (
        "Personnummer: Numret är dolt (XXXX); ta ut listan med hela numret för att kunna "
        "läsa in den."
    )
