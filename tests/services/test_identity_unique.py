"""One identity number, one person, among those registered on this install; yet a person
registered on another install with the same number still arrives by sync, and waits in the
duplicates queue for a person to merge (store.migrations.V_IDENTITY_HERE)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import col, select

from tests.sync_helpers import Install, add_person, edit
from ungtui.services.errors import ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.table_files import read_table
from ungtui.services.people.table_import import (
    apply_import,
    guess_mapping,
    plan_import,
    report_lines,
)
from ungtui.services.sync.sync import Sender, build_changes, duplicate_queue, import_changes
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import open_database
from ungtui.store.migrations import V_IDENTITY_HERE, statements
from ungtui.store.models import Individual
from ungtui.sync.changes import person_of

ERIK = "19811218-9876"
LIST = (
    "Personnummer;Förnamn;Efternamn\n"
    "19811218-9876;Erik;Ek\n"
    "20050317-9806;Åsa;Öberg\n"
    "19980472-9912;Ali;Öztürk\n"
)


def _live(db) -> list[tuple[str, str]]:
    with db.session() as session:
        return sorted(
            (p.identity_number, p.first_name)
            for p in session.exec(select(Individual).where(col(Individual.deleted_at).is_(None)))
        )


def _plan(db, user, path):
    table = read_table(path)
    return plan_import(
        db, table, guess_mapping(table.headers), organisation_id=user.organisation_id
    )


def test_two_imports_checked_at_once_register_each_person_once(db, user, tmp_path):
    path = tmp_path / "lista.csv"
    path.write_text(LIST, encoding="utf-8")
    # Both runs check the list before either writes: both see three new people.
    first, second = _plan(db, user, path), _plan(db, user, path)
    assert len(first.creates) == len(second.creates) == 3
    apply_import(db, first, actor_id=user.staff_id, organisation_id=user.organisation_id)
    result = apply_import(db, second, actor_id=user.staff_id, organisation_id=user.organisation_id)
    assert result.created == 0
    assert [r.row for r in second.meanwhile] == [2, 3, 4]
    lines = report_lines(second, applied=True)
    assert "Redan registrerade under tiden, inte inlästa igen: 3." in lines
    assert (
        "  Rad 2: Registrerades under tiden (av en annan inläsning eller i ett annat "
        "fönster); inte inläst en gång till." in lines
    )
    assert _live(db) == [
        ("19811218-9876", "Erik"),
        ("19980472-9912", "Ali"),
        ("20050317-9806", "Åsa"),
    ]


def test_the_index_itself_refuses_a_second_registration_here(db, user, monkeypatch, tmp_path):
    """Were the check in the transaction missing, the store would still refuse."""
    import ungtui.services.people.table_import as table_import

    path = tmp_path / "lista.csv"
    path.write_text(LIST, encoding="utf-8")
    first, second = _plan(db, user, path), _plan(db, user, path)
    apply_import(db, first, actor_id=user.staff_id, organisation_id=user.organisation_id)
    monkeypatch.setattr(table_import, "_drop_registered_meanwhile", lambda uow, plan: None)
    with pytest.raises(ValidationError, match="registrerades nyss på en annan person"):
        apply_import(db, second, actor_id=user.staff_id, organisation_id=user.organisation_id)
    assert len(_live(db)) == 3


def test_two_import_table_processes_at_once(db, user, tmp_path):
    """A real race: two `ungtui import-table` of the same list started together."""
    db_path = db.path
    path = tmp_path / "lista.csv"
    path.write_text(LIST, encoding="utf-8")
    command = [sys.executable, "-m", "ungtui", "import-table", "--db", str(db_path), str(path)]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(_live(db)) == 3
    said = "".join(out for out, _err in outputs)
    # The second either saw the first's people when it checked, or found them meanwhile.
    assert said.count("Skapades: 3 nya personer.") == 1
    assert "Skapades: 0 nya personer." in said


def test_the_same_number_from_another_install_lands_and_waits_to_be_merged(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek")
    here = add_person(a, identity=ERIK, first_name="Erik")
    there = add_person(b, identity=ERIK, first_name="Eric")
    summary = b.send(a, full=True)
    assert summary.new >= 1 and summary.duplicates == 1
    assert _live(a.db) == [(ERIK, "Eric"), (ERIK, "Erik")]
    [pair] = duplicate_queue(a.db)
    assert (pair.first_id, pair.second_id) == tuple(sorted((here, there)))
    assert pair.identity_number == ERIK and not pair.suggested
    # Registering the number a third time here is still refused.
    with pytest.raises(ValidationError, match="redan registrerat"):
        add_person(a, identity=ERIK, first_name="Erika")


def test_sync_bringing_a_number_that_another_person_here_has_still_lands(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    p = add_person(a, identity=ERIK, first_name="Erik")
    q = add_person(a, identity="20050317-9806", first_name="Åsa", last_name="Öberg")
    # B knows Erik but not Åsa (her consent does not cover B's organisation).
    b = Install(
        tmp_path / "b.db",
        "Jonas Ek",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
    )
    changes = build_changes(a.db, for_organisation=None, full=True)
    changes.rows = [r for r in changes.rows if q not in (r["id"], person_of(r))]
    import_changes(b.db, changes, Sender(a.site, a.user.organisation_id))
    # On B someone types Åsa's number for Erik by mistake; it travels to A as it is.
    edit(b, p, identity="20050317-9806")
    b.send(a)
    assert _live(a.db) == [("20050317-9806", "Erik"), ("20050317-9806", "Åsa")]
    with a.db.session() as session:
        erik = session.get(Individual, p)
        assert erik.identity_here is None  # no longer this install's own number
    [pair] = duplicate_queue(a.db)
    assert {pair.first_id, pair.second_id} == {p, q}


def test_migration_marks_numbers_registered_here_that_are_not_duplicates(db, user):
    erik = save_individual(
        db,
        IndividualInput(identity=ERIK, first_name="Erik", last_name="Ek"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    with UnitOfWork(db, None) as uow:  # two of one number, as older versions allowed
        twins = [
            uow.create(Individual(identity_number="20050317-9806", first_name=name)).id
            for name in ("Åsa", "Asa")
        ]
    path = Path(db.path)
    db.close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP INDEX ux_individual_identity_here;ALTER TABLE individual DROP COLUMN identity_here;"
    )
    for statement in statements(V_IDENTITY_HERE):
        conn.execute(statement)
    conn.commit()
    conn.close()
    again = open_database(path)
    try:
        with again.session() as session:
            flags = {p.id: p.identity_here for p in session.exec(select(Individual))}
        assert flags == {erik: True, twins[0]: None, twins[1]: None}
    finally:
        again.close()
