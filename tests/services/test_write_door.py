"""The write door refuses control characters and over-long text, field by field, and
writes nothing; the same rules hold for the form's service and for a table import."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from ungtui.services.errors import ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.table_files import read_table
from ungtui.services.people.table_import import guess_mapping, plan_import
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.way import MappingInput, save_mapping
from ungtui.store.models import ChangeLog, Individual, Mapping, Meeting

STEERING = (
    "innehåller ett osynligt styrtecken (till exempel från kopierad text) som inte kan "
    "sparas. Skriv in texten på nytt."
)


def save(db, user, **fields):
    return save_individual(
        db, IndividualInput(**fields), actor_id=user.staff_id, organisation_id=user.organisation_id
    )


def _count(db, model) -> int:
    with db.session() as session:
        return len(session.exec(select(model)).all())


def test_escape_sequences_in_a_name_are_refused_and_nothing_is_written(db, user):
    logged = _count(db, ChangeLog)
    with pytest.raises(ValidationError) as caught:
        save(db, user, birth_date="2004-05-06", first_name="Erik\x1b]0;hackad\x07", last_name="Ek")
    assert caught.value.errors == {"first_name": f"Förnamn {STEERING}"}
    with pytest.raises(ValidationError) as caught:
        save(db, user, birth_date="2004-05-06", first_name="Erik", last_name="Ek\x1b]52;c;aGVq\x07")
    assert caught.value.errors == {"last_name": f"Efternamn {STEERING}"}
    assert _count(db, Individual) == 0
    assert _count(db, ChangeLog) == logged


def test_markup_in_a_name_is_just_a_name(db, user):
    person = save(
        db, user, birth_date="2004-05-06", first_name="[/]Trasig", last_name="[bold red]x"
    )
    with db.session() as session:
        stored = session.get(Individual, person)
    assert (stored.first_name, stored.last_name) == ("[/]Trasig", "[bold red]x")


def test_too_long_and_multi_line_one_line_fields(db, user):
    with pytest.raises(ValidationError) as caught:
        save(
            db,
            user,
            birth_date="2004-05-06",
            first_name="Erik",
            last_name="E" * 101,
            address="Storgatan 1\n211 22 Malmö",
            phone="070\t123",
        )
    assert caught.value.errors == {
        "last_name": "Efternamn får vara högst 100 tecken (nu 101).",
        "address": "Adress får bara vara en rad (utan radbrytningar och tabbar).",
        "phone": "Telefon får bara vara en rad (utan radbrytningar och tabbar).",
    }
    save(db, user, birth_date="2004-05-06", first_name="Erik", last_name="E" * 100)
    assert _count(db, Individual) == 1


def test_free_text_may_run_over_lines_but_not_steer(db, user):
    person = save(db, user, birth_date="2004-05-06", first_name="Erik", last_name="Ek")
    save_mapping(
        db,
        person,
        MappingInput(mapped_on="2026-11-20", needs="Körkort.\nPraktik inom lager.\n\tGärna nära."),
        actor_id=user.staff_id,
    )
    with pytest.raises(ValidationError) as caught:
        save_mapping(
            db,
            person,
            MappingInput(mapped_on="2026-11-21", needs="Körkort\x1b[2J"),
            actor_id=user.staff_id,
        )
    assert caught.value.errors == {"needs": f"Behov {STEERING}"}
    assert _count(db, Mapping) == 1


def test_every_record_goes_through_the_same_door(db, user):
    with pytest.raises(ValidationError) as caught, UnitOfWork(db, user.staff_id) as uow:
        uow.create(
            Meeting(kind="samverkansgrupp", title="Vecka 48\nhemligt", starts_at=datetime.now(UTC))
        )
    assert caught.value.errors == {
        "title": "Rubrik får bara vara en rad (utan radbrytningar och tabbar)."
    }
    assert _count(db, Meeting) == 0


def test_a_spreadsheet_row_with_steering_text_is_refused_with_its_row(db, user, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text(
        "Personnummer;Förnamn;Efternamn;Telefon\n"
        "19811218-9876;Erik;Ek\x1b[2J;070-1\n"
        f"20050317-9806;Åsa;{'Ö' * 101};070-2\n"
        "19980472-9912;Ali;[/]Öztürk;070-3\n",
        encoding="utf-8",
    )
    table = read_table(path)
    plan = plan_import(
        db, table, guess_mapping(table.headers), organisation_id=user.organisation_id
    )
    assert [(r.row, r.reason) for r in plan.rejected] == [
        (2, f"Efternamn {STEERING}"),
        (3, "Efternamn får vara högst 100 tecken (nu 101)."),
    ]
    assert [c.values["last_name"] for c in plan.creates] == ["[/]Öztürk"]


def _person(first: str, last: str) -> dict:
    return dict(
        identity_kind="reservnummer",
        reserve_id=f"R-{first[:3]}",
        birth_date=datetime(2004, 5, 6).date(),
        first_name=first,
        last_name=last,
    )


def test_many_records_at_once_pass_the_same_door_row_by_row(db, user):
    """insert_many judges a column at a time; a refusal still names the first row's
    problem in the words of a single save, and nothing is written."""
    rows = [
        _person("Åsa Li", "Ek\tström"),  # a tab in a one-line field
        _person("Bo", "Öztürk\x1b[2J"),
        _person("Cy", "Lind"),
    ]
    with pytest.raises(ValidationError) as caught, UnitOfWork(db, user.staff_id) as uow:
        uow.insert_many(Individual, rows)
    assert caught.value.errors == {
        "last_name": "Efternamn får bara vara en rad (utan radbrytningar och tabbar)."
    }
    with pytest.raises(ValidationError) as caught, UnitOfWork(db, user.staff_id) as uow:
        uow.insert_many(Individual, [_person("Åsa Li", "Ek"), *rows[1:]])
    assert caught.value.errors == {"last_name": f"Efternamn {STEERING}"}
    with pytest.raises(ValidationError) as caught, UnitOfWork(db, user.staff_id) as uow:
        uow.insert_many(Individual, [_person("Åsa Li", "Ek"), _person("Bo", "Ö" * 101)])
    assert caught.value.errors == {"last_name": "Efternamn får vara högst 100 tecken (nu 101)."}
    assert _count(db, Individual) == 0
    with UnitOfWork(db, user.staff_id) as uow:
        uow.insert_many(Individual, [_person("Åsa Li", "Ek"), _person("Bo", "Ö" * 100)])
    assert _count(db, Individual) == 2
