"""What leaves the screen: small numbers hidden (worked out by hand for the population in
population.py), CSV for Swedish Excel read back with the csv module, Markdown, JSON, and
the command line."""

from __future__ import annotations

import csv
import json
import stat

import pytest

from tests.report.population import build_population
from ungtui.cli import main
from ungtui.domain.periods import parse_period
from ungtui.services.followup.report import Cell, Indicator, build_report
from ungtui.services.followup.report_export import (
    as_csv,
    as_json,
    as_markdown,
    hidden_keys,
    write_to_folder,
)


@pytest.fixture
def pop(db, user):
    return build_population(db, user)


@pytest.fixture
def report(db, pop):
    return build_report(db, parse_period("2026H1"))


def csv_rows(text: str) -> dict[tuple[str, str, str], list[str]]:
    assert text.startswith("\ufeff")
    rows = list(csv.reader(text.removeprefix("\ufeff").splitlines(), delimiter=";"))
    assert rows[0] == [
        "Period",
        "Indikator",
        "Målgrupp",
        "Kön",
        "Värde",
        "Enhet",
        "Föregående period (2025H2)",
        "Förändring",
    ]
    return {(r[1], r[2], r[3]): r[4:] for r in rows[1:] if len(r) == 8}


def test_csv_hides_small_numbers_and_what_would_give_them_away(report):
    rows = csv_rows(as_csv(report))
    inflow = "Inflöde (nya inskrivna)"
    # Women 6, men 6, other 2, total 14: the 2 is hidden, and the women's 6 with it, or
    # 14 − 6 − 6 would give it back. The men's 6 goes too: 5 of the men are in the
    # establishment programme (shown), and 6 − 5 would give away the one who is not.
    assert rows[(inflow, "Totalt", "Kvinnor")] == ["x", "antal", "5", "–"]
    assert rows[(inflow, "Totalt", "Män")] == ["x", "antal", "0", "–"]
    assert rows[(inflow, "Totalt", "Annat/okänt")] == ["<5", "antal", "0", "–"]
    assert rows[(inflow, "Totalt", "Totalt")] == ["14", "antal", "5", "+9"]
    assert rows[(inflow, "Nyanlända i etableringsprogrammet", "Män")][0] == "5"
    # 16–24: women 6, men 1, other 2, total 9. The hidden 1 and 2 together are 3, which
    # 9 − 6 would give away: the women's 6 goes, not the total.
    assert rows[(inflow, "Unga 16–24", "Kvinnor")][0] == "x"
    assert rows[(inflow, "Unga 16–24", "Män")][0] == "<5"
    assert rows[(inflow, "Unga 16–24", "Annat/okänt")][0] == "<5"
    assert rows[(inflow, "Unga 16–24", "Totalt")][0] == "9"
    assert rows[(inflow, "KAA", "Totalt")][0] == "<5"


def test_csv_exits_add_up_without_giving_the_one_to_studies_away(report):
    rows = csv_rows(as_csv(report))
    # Men: 6 exits = 5 to work + 1 to studies. The 1 is hidden, so the 5 must be too; and
    # the 5 in the programme who left are shown, so the men's 6 goes (6 − 5 = 1), and
    # with no women or others leaving, the total 6 with it.
    assert rows[("Avslutade", "Totalt", "Män")][0] == "x"
    assert rows[("Avslutade", "Totalt", "Totalt")][0] == "x"
    assert rows[("Avslutade", "Nyanlända i etableringsprogrammet", "Män")][0] == "5"
    assert rows[("Avslutade: Reguljära studier", "Totalt", "Män")][0] == "<5"
    assert rows[("Avslutade: Arbete utan subvention", "Totalt", "Män")][0] == "x"
    assert rows[("Avslutade: Arbete utan subvention", "Totalt", "Totalt")][0] == "x"
    assert rows[("Avslutade: Program med aktivitetsstöd", "Totalt", "Totalt")] == [
        "0",
        "antal",
        "5",
        "-5",
    ]


def test_csv_shares_medians_and_decimal_comma(report):
    rows = csv_rows(as_csv(report))
    assert rows[("Mediandagar till första insats", "Totalt", "Totalt")] == [
        "35,5",
        "dagar",
        "–",
        "–",
    ]
    assert rows[("Mediandagar till första insats", "Övriga nyanlända", "Totalt")][0] == "<5"
    guarantee = "Andel med insats inom 90 dagar (garantin)"
    # 7 of 8: the one without a measure is alone, so the share would give them away.
    assert rows[(guarantee, "Totalt", "Totalt")][0] == "<5"
    # Women: 6 of 6, everyone in a group under ten: hidden; 2025H2 none of the five (G5).
    assert rows[(guarantee, "Totalt", "Kvinnor")] == ["<5", "procent", "<5", "–"]
    # Exits to work or studies, 6 of 6: the same.
    assert rows[("Andel avslutade till arbete/studier", "Totalt", "Totalt")][0] == "<5"
    # 6 of 14 unemployed started work or studies: 42,9 %, decimal comma; 2025H2: 0 of 5.
    share = "Andel arbetslösa som började arbeta eller studera"
    assert rows[(share, "Totalt", "Totalt")] == ["42,9", "procent", "<5", "–"]


def test_csv_figures_about_no_person_are_not_split_or_hidden(report):
    rows = csv_rows(as_csv(report))
    assert rows[("Platser i jobbspår", "Totalt", "Totalt")] == ["10", "antal", "8", "+2"]
    assert rows[("Hållna samverkansmöten", "Totalt", "Totalt")] == ["1", "antal", "0", "+1"]
    assert ("Platser i jobbspår", "KAA", "Totalt") not in rows
    # Five filled places are the five participants: shown, as the participants are.
    assert rows[("Tillsatta platser", "Totalt", "Totalt")] == ["5", "antal", "0", "+5"]
    # Referral kinds nobody was referred to are left out.
    assert ("Remisser: Vuxenutbildning/SYV", "Totalt", "Totalt") in rows
    assert ("Remisser: Försäkringskassan", "Totalt", "Totalt") not in rows


def test_filled_places_hide_with_the_participants():
    # Three men on a track with ten places: the three filled places are the three men.
    people = Indicator(
        "jobbspar_deltagare",
        "Deltagare i jobbspår",
        "antal",
        {("totalt", "man"): Cell(3, 3), ("totalt", "alla"): Cell(3, 3)},
    )
    filled = Indicator("jobbspar_tillsatta", "Tillsatta platser", "tal", {})
    filled.cells[("totalt", "alla")] = Cell(3, 0)
    places = Indicator("jobbspar_platser", "Platser", "tal", {("totalt", "alla"): Cell(10, 0)})
    assert hidden_keys([people, filled, places]) == {
        ("jobbspar_deltagare", "totalt", "man"): "<5",
        ("jobbspar_deltagare", "totalt", "alla"): "<5",
        ("jobbspar_tillsatta", "totalt", "alla"): "<5",
    }


def test_markdown_for_minutes(report):
    text = as_markdown(report)
    assert text.startswith("# Uppföljning 2026H1")
    assert "| Inflöde (nya inskrivna) | x | x | <5 | 14 | 5 | +9 |" in text
    assert "## Funktionsnedsättning med nedsatt arbetsförmåga" in text
    assert "en sådan andel visas inte" not in text  # this register has a guarantee


def test_json_for_other_tools(report):
    data = json.loads(as_json(report))
    assert data["period"] == "2026H1"
    inflow = next(i for i in data["indikatorer"] if i["nyckel"] == "inflode")
    total = next(c for c in inflow["celler"] if (c["målgrupp"], c["kön"]) == ("totalt", "alla"))
    assert total == {
        "målgrupp": "totalt",
        "kön": "alla",
        "värde": 14,
        "föregående": 5,
        "förändring": 9,
    }
    other = next(c for c in inflow["celler"] if (c["målgrupp"], c["kön"]) == ("totalt", "annat"))
    assert other["värde"] == "<5"


def test_goals_in_the_export(db, pop):
    text = as_csv(build_report(db, parse_period("2026"), pop.agreement_id))
    lines = text.splitlines()
    assert lines[-8] == "Mål;Indikator;Målnivå;Utfall;Jämförelse;Bedömning;Underlag"
    assert lines[-7] == (
        "Jobbspår;Antal jobbspår;Minst 3;1;;Inte uppfyllt;1 jobbspår i överenskommelsen"
    )
    assert lines[-6].endswith(
        "Antal platser i jobbspåren;Minst 10;10;;Uppfyllt;1 jobbspår i överenskommelsen"
    )
    # 5 of 5 participants and 6 of 6 leaving for work or studies: everyone in a group of
    # fewer than ten, so hidden, and the verdict with them; the 5 and 6 are not few.
    assert lines[-5].endswith(";<5;;För få för att redovisa;x personer i underlaget")
    assert lines[-4].endswith(
        "Högre än 2025;<5;2025: <5;För få för att redovisa;x personer i underlaget"
    )
    assert lines[-3].endswith(";Mäts inte i registret;")
    assert lines[-1].startswith("Underlag: alla, med ärende hos")


def test_files_are_for_the_owner_only(tmp_path, report):
    path = write_to_folder(report, "csv", tmp_path)
    assert path.name == "ungtui-uppfoljning-2026H1-2026-11-24.csv"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = write_to_folder(report, "csv", tmp_path)
    assert again.name == "ungtui-uppfoljning-2026H1-2026-11-24-2.csv"


def test_command_line(db, pop, tmp_path, capsys):
    out = tmp_path / "uppf.csv"
    db_path = str(db.path) if hasattr(db, "path") else None
    assert db_path
    assert main(["report", "--db", db_path, "--period", "VT2026", "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    first = ["VT2026", "Inflöde (nya inskrivna)", "Totalt", "Kvinnor", "x", "antal", "5", "–"]
    assert rows[1] == first
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    # Bad input: a Swedish message, exit code 2 for the command line, 1 for a file that is
    # already there; nothing written.
    assert main(["report", "--db", db_path, "--period", "2026H3"]) == 2
    assert "Okänd period" in capsys.readouterr().err
    assert main(["report", "--db", db_path, "--period", "2026", "--format", "xlsx"]) == 2
    assert main(["report", "--db", db_path, "--period", "2026", "--out", str(out)]) == 1
    assert "finns redan" in capsys.readouterr().err
    assert main(["report", "--db", db_path, "--period", "2026", "--agreement", "prov"]) == 0
    assert "Bedömning" in capsys.readouterr().out


def test_the_same_report_hides_the_same_cells_in_every_run(db, pop, tmp_path):
    """Which cells are hidden must not depend on Python's hash order: two runs with
    different hash seeds publish the same file."""
    import os
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from ungtui.store.database import open_database\n"
        "from ungtui.domain.periods import parse_period\n"
        "from ungtui.services.followup.report import build_report\n"
        "from ungtui.services.followup.report_export import as_csv\n"
        "sys.stdout.write(as_csv(build_report(open_database(sys.argv[1]), "
        "parse_period('2026H1'))))\n"
    )
    outputs = set()
    for seed in ("1", "3", "4"):
        run = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "test.db")],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
