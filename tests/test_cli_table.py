from pathlib import Path

from ungtui.cli import main
from ungtui.services.people.individuals import IndividualFilter, count_individuals

FIXTURES = Path(__file__).parent / "fixtures"


def test_dry_run_reports_and_writes_nothing_then_import_writes(db, user, tmp_path, capsys):
    path = str(tmp_path / "test.db")
    args = ["import-table", "--db", path, str(FIXTURES / "deltagare.xlsx")]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Rubrikrad: rad 2 (blad Deltagare)." in out
    assert "  Pers.nr → Personnummer" in out
    assert "Skapas: 2 nya personer." in out
    assert count_individuals(db, IndividualFilter()) == 0
    assert main(args) == 0
    assert "Skapades: 2 nya personer." in capsys.readouterr().out
    assert count_individuals(db, IndividualFilter()) == 2


def test_a_missing_file_exits_1_and_an_unknown_list_2(db, user, tmp_path, capsys):
    path = str(tmp_path / "test.db")
    assert main(["import-table", "--db", path, str(tmp_path / "saknas.csv")]) == 1
    assert capsys.readouterr().err == (
        "ungtui: Filen saknas.csv finns inte. Kontrollera sökvägen.\n"
    )
    assert main(["export-table", "skor", "--db", path, "--out", str(tmp_path / "a.csv")]) == 2
    assert "Okänd lista ”skor”" in capsys.readouterr().err
