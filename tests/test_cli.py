import json

import pytest

from ungtui import __version__
from ungtui.cli import main


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
