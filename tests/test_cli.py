import json

import pytest

from ungtui import __version__
from ungtui.cli import main
from ungtui.services.sync.sync_files import peek_file


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"ungtui {__version__}"


def test_demo_then_dump_with_db_before_or_after_the_command(tmp_path, capsys):
    path = tmp_path / "demo.db"
    assert main(["demo", "--db", str(path), "--individuals", "25", "--seed", "4"]) == 0
    assert "Skapade 25 påhittade personer" in capsys.readouterr().out
    out = tmp_path / "dump.json"
    assert main(["--db", str(path), "dump", "--out", str(out)]) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["individual"]) == 25
    assert main(["dump", "--db", str(path)]) == 0
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")


def test_demo_never_writes_into_an_existing_file(tmp_path, capsys):
    path = tmp_path / "riktig.db"
    path.write_bytes(b"")
    assert main(["demo", "--db", str(path)]) == 1
    assert "finns redan" in capsys.readouterr().err
    assert path.read_bytes() == b""


def test_damaged_file_gives_one_swedish_line_and_exit_1(tmp_path, capsys):
    path = tmp_path / "trasig.db"
    path.write_text("inte en databas\n" * 100)
    assert main(["dump", "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ungtui: Filen trasig.db är inte en ungtui-databas")
    assert "Traceback" not in err


def test_dump_of_a_missing_database_creates_nothing(tmp_path, capsys):
    path = tmp_path / "saknas.db"
    assert main(["dump", "--db", str(path)]) == 1
    assert "finns inte" in capsys.readouterr().err
    assert not path.exists()


def test_db_from_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("UNGTUI_DB", str(tmp_path / "från-miljön.db"))
    assert main(["where"]) == 0
    assert capsys.readouterr().out.strip().endswith("från-miljön.db")


def test_export_then_import_into_a_new_database_by_the_command_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("UNGTUI_PASSPHRASE", "korv med bröd och senap")
    source = tmp_path / "karin.db"
    assert main(["demo", "--db", str(source), "--individuals", "12", "--seed", "2"]) == 0
    sync_file = tmp_path / "till-malmo.ungsync"
    assert (
        main(["export", "--db", str(source), "--for", "212000-1124", "--out", str(sync_file)]) == 0
    )
    out = capsys.readouterr().out
    assert "Fullständig export till Malmö stad" in out

    target = tmp_path / "ny" / "jonas.db"
    target.parent.mkdir()
    # A sender not seen before: refused until its fingerprint is confirmed.
    assert main(["import", "--db", str(target), str(sync_file)]) == 3
    err = capsys.readouterr().err
    assert "jämför fingeravtrycket" in err
    fingerprint = err.split('--trust "')[1].split('"')[0]
    assert len(fingerprint.split()) == 8

    assert main(["import", "--db", str(target), str(sync_file), "--trust", fingerprint]) == 0
    assert capsys.readouterr().out.startswith("Inläst: ")
    assert main(["import", "--db", str(target), str(sync_file)]) == 0
    assert "redan inläst" in capsys.readouterr().out
    assert main(["conflicts", "--db", str(target)]) == 0
    assert capsys.readouterr().out.strip() == "Inga olösta konflikter."


def test_import_with_the_wrong_passphrase_is_one_line_and_changes_nothing(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("UNGTUI_PASSPHRASE", "korv med bröd och senap")
    source = tmp_path / "karin.db"
    assert main(["demo", "--db", str(source), "--individuals", "5"]) == 0
    sync_file = tmp_path / "fil.ungsync"
    assert (
        main(["export", "--db", str(source), "--for", "Malmö stad", "--out", str(sync_file)]) == 0
    )
    capsys.readouterr()
    monkeypatch.setenv("UNGTUI_PASSPHRASE", "fel lösenfras helt och hållet")
    target = tmp_path / "jonas.db"
    # The sender is asked about first (before anything is decrypted); confirmed, the
    # passphrase is what is wrong.
    trust = peek_file(sync_file).fingerprint
    assert main(["import", "--db", str(target), str(sync_file), "--trust", trust]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("ungtui: Fel lösenfras")
    assert main(["dump", "--db", str(target)]) == 0
    assert '"individual": []' in capsys.readouterr().out


def test_export_for_an_unknown_organisation(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("UNGTUI_PASSPHRASE", "korv med bröd och senap")
    source = tmp_path / "karin.db"
    assert main(["demo", "--db", str(source), "--individuals", "3"]) == 0
    out = tmp_path / "x.ungsync"
    assert main(["export", "--db", str(source), "--for", "Lunds kommun", "--out", str(out)]) == 1
    assert "finns inte här" in capsys.readouterr().err
    assert not out.exists()


def test_meeting_list_and_minutes(tmp_path, capsys):
    import stat

    path = tmp_path / "moten.db"
    assert main(["demo", "--db", str(path), "--individuals", "40", "--seed", "2"]) == 0
    capsys.readouterr()
    assert main(["meeting", "list", "--db", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "8 av 8 möten. Protokoll: ungtui meeting minutes ID"
    today_line = next(line for line in lines if "2026-11-24 10:00" in line)
    meeting_id = today_line.split()[0]
    assert "Samverkansgrupp unga (serie)" in today_line

    assert main(["meeting", "minutes", "--db", str(path), meeting_id]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# Protokoll: Samverkansgrupp unga\n")
    assert "## Öppna åtgärder från tidigare möten" in text

    out = tmp_path / "protokoll.txt"
    assert (
        main(
            [
                "meeting",
                "minutes",
                "--db",
                str(path),
                meeting_id,
                "--format",
                "txt",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "läsbart bara för dig" in capsys.readouterr().out
    assert out.read_text(encoding="utf-8").startswith("PROTOKOLL: SAMVERKANSGRUPP UNGA\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_meeting_minutes_bad_input_in_swedish(tmp_path, capsys):
    path = tmp_path / "moten.db"
    assert main(["demo", "--db", str(path), "--individuals", "10"]) == 0
    capsys.readouterr()
    assert main(["meeting", "minutes", "--db", str(path), "ffffffff"]) == 1
    err = capsys.readouterr().err
    assert err == "ungtui: Inget möte har id ffffffff.\n"
    assert main(["meeting", "minutes", "--db", str(path), "ffffffff", "--format", "pdf"]) == 2
    assert "Formatet pdf finns inte: välj md eller txt." in capsys.readouterr().err
    # Too short an id is how the command was written: a usage error, like a bad format.
    assert main(["meeting", "minutes", "--db", str(path), "zzz"]) == 2
    assert capsys.readouterr().err == (
        "ungtui: Ange mötets id, minst de sex första tecknen (se ungtui meeting list).\n"
    )
    assert main(["meeting", "list", "--db", str(path), "--when", "snart"]) == 2
    assert "Traceback" not in capsys.readouterr().err
