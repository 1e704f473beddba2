"""Every input error on the command line is one Swedish line and a non-zero exit code,
never a traceback; whatever a command prints, text from the register cannot steer the
terminal."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import zipfile

import pytest

from ungtui.cli import main
from ungtui.services.people import table_files
from ungtui.store.database import open_database


def one_line(capsys, *, out: str = "") -> str:
    captured = capsys.readouterr()
    err = captured.err
    assert err.count("\n") == 1, err
    assert err.startswith("ungtui"), err
    assert "Traceback" not in err and "error:" not in err and "usage:" not in err
    if out is not None:
        assert captured.out == out
    return err.strip()


@pytest.fixture
def registered(db, user):
    """A database with its user, by path, as the commands take it."""
    return db.path


# --- argparse in Swedish ------------------------------------------------------------------


def test_an_unknown_option(capsys):
    with pytest.raises(SystemExit) as done:
        main(["dump", "--färg"])
    assert done.value.code == 2
    assert one_line(capsys) == (
        "ungtui: okänt argument eller okänd flagga: --färg. Se ungtui --help."
    )


def test_a_missing_argument_and_a_missing_value(capsys):
    with pytest.raises(SystemExit) as done:
        main(["report"])
    assert done.value.code == 2
    assert one_line(capsys) == ("ungtui report: det här saknas: --period. Se ungtui report --help.")
    with pytest.raises(SystemExit):
        main(["report", "--period"])
    assert one_line(capsys) == (
        "ungtui report: --period: ett värde behövs efter flaggan. Se ungtui report --help."
    )


def test_a_wrong_choice_and_a_number_that_is_not_one(capsys):
    with pytest.raises(SystemExit):
        main(["extract", "--person", "x", "--format", "xml"])
    assert one_line(capsys) == (
        "ungtui extract: --format: okänt val 'xml' (välj bland 'md', 'json'). "
        "Se ungtui extract --help."
    )
    with pytest.raises(SystemExit):
        main(["demo", "--individuals", "många"])
    assert one_line(capsys) == (
        "ungtui demo: --individuals: ”många” är inget heltal. Se ungtui demo --help."
    )
    with pytest.raises(SystemExit):
        main(["flyga"])
    assert one_line(capsys).startswith("ungtui: KOMMANDO: okänt val 'flyga' (välj bland ")


def test_help_is_swedish(capsys):
    with pytest.raises(SystemExit) as done:
        main(["report", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("användning: ungtui report ")
    assert "flaggor:" in out and "visa den här hjälpen" in out
    assert "usage" not in out and "options:" not in out


# --- input the commands check ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "shown"),
    [("0001", "0001"), ("2026-01-01..9999-12-31", "2026-01-01..9999-12-31"), ("1899", "1899")],
)
def test_periods_outside_the_years_a_report_can_cover(registered, capsys, period, shown):
    assert main(["report", "--db", str(registered), "--period", period]) == 2
    assert one_line(capsys) == (
        f"ungtui: Perioden {shown} ligger utanför åren 1900–2100. Skriv till exempel 2026, "
        "2026H1, VT2026, HT2026, 2026Q3 eller 2026-01-01..2026-03-31."
    )


def test_random_bytes_as_a_list(registered, tmp_path, capsys):
    noise = tmp_path / "brus.csv"
    noise.write_bytes(os.urandom(200_000))
    assert main(["import-table", "--db", str(registered), str(noise)]) == 1
    assert one_line(capsys) == (
        "ungtui: Filen innehåller binära data och är ingen CSV-fil. Om det är en Excel-fil: "
        "spara den som .xlsx eller som CSV och försök igen."
    )
    # Without a single zero byte the reader still cannot make a list of it.
    noise.write_bytes(os.urandom(200_000).replace(b"\x00", b"\x01"))
    assert main(["import-table", "--db", str(registered), str(noise)]) == 1
    assert "ungtui: Filen" in one_line(capsys)


def test_a_list_too_large_is_refused_while_it_is_read(registered, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(table_files, "MAX_BYTES", 10_000)
    big = tmp_path / "stor.csv"
    big.write_text("Personnummer;Förnamn;Efternamn\n" + "19811218-9876;Erik;Ek\n" * 1000)
    assert main(["import-table", "--db", str(registered), str(big)]) == 1
    assert one_line(capsys) == (
        "ungtui: Filen är större än 0 MB. Dela upp listan i flera filer; inget har lästs in."
    )
    monkeypatch.setattr(table_files, "MAX_BYTES", 50 * 1024 * 1024)
    monkeypatch.setattr(table_files, "MAX_ROWS", 100)
    assert main(["import-table", "--db", str(registered), str(big)]) == 1
    assert one_line(capsys) == (
        "ungtui: Listan har fler än 100 rader. Dela upp den i flera filer; inget har lästs in."
    )


def test_an_xlsx_bomb_and_a_long_workbook(registered, tmp_path, capsys, monkeypatch):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Personnummer", "Förnamn", "Efternamn"])
    for _ in range(300):
        sheet.append(["19811218-9876", "Erik", "Ek"])
    path = tmp_path / "lista.xlsx"
    book.save(path)
    monkeypatch.setattr(table_files, "MAX_ROWS", 100)
    assert main(["import-table", "--db", str(registered), str(path), "--dry-run"]) == 1
    assert "Listan har fler än 100 rader" in one_line(capsys)

    # A part that unpacks to far more than it takes on disk.
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            z.writestr(item, source.read(item))
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * (3 * 1024 * 1024) + b"</sst>")
    assert bomb.stat().st_size < 200_000
    monkeypatch.setattr(table_files, "XLSX_MAX_SHARED_STRINGS", 1024 * 1024)
    assert main(["import-table", "--db", str(registered), str(bomb)]) == 1
    assert one_line(capsys) == (
        "ungtui: Arbetsboken packas upp till mer än 400 MB och är för stor för en lista med "
        "personer. Spara bara listan i en ny arbetsbok; inget har lästs in."
    )


def test_demo_has_a_limit(tmp_path, capsys):
    path = tmp_path / "jättestor.db"
    assert main(["demo", "--db", str(path), "--individuals", "1000000000"]) == 2
    assert one_line(capsys) == (
        "ungtui: Högst 1 000 000 påhittade personer; välj ett mindre antal."
    )
    assert not path.exists()


def test_import_of_a_missing_file_creates_no_folder_and_no_database(tmp_path, capsys):
    target = tmp_path / "ny-mapp" / "min.db"
    assert main(["import", "--db", str(target), str(tmp_path / "saknas.ungsync")]) == 1
    assert one_line(capsys) == (
        f"ungtui: Filen {tmp_path / 'saknas.ungsync'} finns inte. Ingen databas har skapats "
        "eller ändrats."
    )
    assert not target.parent.exists()


def test_anything_unforeseen_is_still_one_line(registered, capsys, monkeypatch):
    import ungtui.services.sync.dump as dump

    def broken(*_args, **_kwargs):
        raise RuntimeError("något oväntat")

    monkeypatch.setattr(dump, "dump_json", broken)
    assert main(["dump", "--db", str(registered)]) == 1
    assert one_line(capsys) == (
        "ungtui: Ett oväntat fel inträffade (RuntimeError); kommandot avbröts. Kör det igen "
        "med UNGTUI_DEBUG=1 för att se detaljerna."
    )


# --- what commands print -------------------------------------------------------------------

ESCAPES = "Ek\x1b]0;Hackad\x07\x1b[2J\x1b]52;c;aGVq\x07\x9b"


def _person_with_escapes(path) -> str:
    db = open_database(path)
    from ungtui.services.people.individuals import IndividualInput, save_individual
    from ungtui.services.people.organisations import current_user

    user = current_user(db)
    pid = save_individual(
        db,
        IndividualInput(identity="19811218-9876", first_name="Erik", last_name="Ek"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    db.close()
    # As a peer's file or an older version could have left it.
    conn = sqlite3.connect(path)
    conn.execute("UPDATE individual SET last_name = ? WHERE id = ?", (ESCAPES, pid))
    conn.commit()
    conn.close()
    return pid


def test_an_extract_prints_escape_codes_as_text(registered, capsys):
    _person_with_escapes(registered)
    assert main(["extract", "--db", str(registered), "--person", "198112189876"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "Ek\\u001b]0;Hackad\\u0007\\u001b[2J\\u001b]52;c;aGVq\\u0007\\u009b" in out
    # JSON stays JSON, and says exactly what is stored.
    assert (
        main(["extract", "--db", str(registered), "--person", "198112189876", "--format", "json"])
        == 0
    )
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    shown = [
        value
        for section in json.loads(out)["avsnitt"]
        for record in section["uppgifter"]
        for value in record.values()
    ]
    assert ESCAPES in shown


def test_lists_print_escape_codes_as_text(registered, capsys):
    _person_with_escapes(registered)
    assert main(["dump", "--db", str(registered)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    assert json.loads(out)["individual"][0]["last_name"] == ESCAPES


def test_a_peers_unknown_table_name_is_never_printed(tmp_path, capsys, monkeypatch):
    """A record of an unknown kind refuses the whole file (issue 15); the line names the
    change, and the name the file gave it only when it is a plain identifier."""
    import uuid

    from tests.sync_helpers import Install
    from ungtui import __version__
    from ungtui.services.sync.sync import build_changes, own_organisation
    from ungtui.store.migrations import LATEST_VERSION
    from ungtui.sync import state
    from ungtui.sync.changes import file_lines
    from ungtui.sync.fileformat import HeaderFields, write_lines

    monkeypatch.setenv("UNGTUI_PASSPHRASE", "korv med bröd och senap")
    sender = Install(tmp_path / "avsandare.db", "Karin Lind")
    changes = build_changes(sender.db, for_organisation=None, full=True)
    changes.rows.append({"t": "okänd\x1b]0;Hackad\x07", "id": "x", "f": {}, "d": None})
    with sender.db.engine.begin() as conn:
        data = write_lines(
            file_lines(changes),
            passphrase="korv med bröd och senap",
            signing_key=state.signing_key(conn),
            fields=HeaderFields(
                sender_site=changes.sender,
                sender_org=own_organisation(conn),
                schema_version=LATEST_VERSION,
                app_version=__version__,
                file_id=str(uuid.uuid4()),
                kind="full",
                created_hlc=state.clock(conn).last,
            ),
        )
    path = tmp_path / "fil.ungsync"
    path.write_bytes(data)
    target = tmp_path / "mottagare.db"
    assert main(["import", "--db", str(target), str(path)]) == 3
    fingerprint = capsys.readouterr().err.split('--trust "')[1].split('"')[0]
    assert main(["import", "--db", str(target), str(path), "--trust", fingerprint]) == 1
    printed = capsys.readouterr()
    assert "\x1b" not in printed.err + printed.out and "\x07" not in printed.err + printed.out
    assert printed.err == (
        f"ungtui: Filen har inte lästs in: ändring nr {len(changes.rows)} gäller en okänd "
        "sorts post. Ingenting har ändrats; be avsändaren rätta det och göra en ny export.\n"
    )


def test_the_escaping_stream_keeps_what_is_safe():
    import sys

    from ungtui.cli.common import escaped_output

    buffer = io.StringIO()
    saved = sys.stdout
    sys.stdout = buffer
    try:
        with escaped_output():
            print("Öztürk;Åsa\t[/]Trasig\r\nrad två")
    finally:
        sys.stdout = saved
    assert buffer.getvalue() == "Öztürk;Åsa\t[/]Trasig\r\nrad två\n"
