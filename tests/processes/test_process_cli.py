"""`ungtui process search | export | import | load`."""

from ungtui.cli import main
from ungtui.store.database import open_database

GOOD = """---
titel: Överlämning vid 20 år
parter: Malmö stad; Arbetsförmedlingen
ansvarig organisation: Malmö stad
ansvarig roll: KAA-samordnare
---

## Vad som har överenskommits

Kartläggningen följer med.

## Så bedrivs arbetet

1. Ett gemensamt samtal hålls.
"""


def test_search_prints_title_status_and_a_snippet(tmp_path, capsys):
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db), "--individuals", "3"]) == 0
    capsys.readouterr()
    assert main(["process", "search", "--db", str(db), "--limit", "1", "kaa", "fyller", "20"]) == 0
    assert capsys.readouterr().out == (
        "När en KAA-ungdom fyller 20 år — Aktiv\n"
        "  …Unga under *20* år som har en gymnasieutbildning men ingen…\n"
    )
    assert main(["process", "search", "--db", str(db), "operation", "integration"]) == 0
    # Ended by Värnamo kommun on 2026-10-25 under GGV's appendix, which says nothing
    # about how long the commitment runs: no last day until the parties set one.
    # (Active processes come first: the language introduction one names it too.)
    assert (
        "Operation Integration – praktik under språkintroduktion — "
        "Uppsagd 2026-10-25, sista dag inte bestämd"
    ) in capsys.readouterr().out.splitlines()


def test_export_then_import_elsewhere_and_a_refused_file(tmp_path, capsys):
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db), "--individuals", "3"]) == 0
    out = tmp_path / "process.md"
    assert main(["process", "export", "--db", str(db), "SamUng i Gislaved", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("---\ntitel: SamUng i Gislaved\nid: ")
    capsys.readouterr()
    assert main(["process", "import", "--db", str(db), str(out)]) == 0
    assert capsys.readouterr().out == "Inget var ändrat; arbetsprocessen är som förut.\n"

    bad = tmp_path / "fel.md"
    bad.write_text(GOOD.replace("ansvarig roll: KAA-samordnare\n", "roll: x\n"), encoding="utf-8")
    assert main(["process", "import", "--db", str(db), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ungtui: Filen lästes inte in: rad 5: okänd uppgift ”roll”.")
    good = tmp_path / "ny.md"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["process", "import", "--db", str(db), str(good)]) == 0
    assert capsys.readouterr().out == "Arbetsprocessen är inläst som ny.\n"
    assert main(["process", "import", "--db", str(db), str(tmp_path / "saknas.md")]) == 1
    assert "kunde inte läsas" in capsys.readouterr().err


def test_load_into_an_empty_database(tmp_path, capsys):
    db = tmp_path / "tom.db"
    open_database(db).close()
    assert main(["process", "load", "--db", str(db)]) == 0
    assert capsys.readouterr().out == "Läste in 5 överenskommelser och 15 arbetsprocesser.\n"
    assert main(["process", "search", "--db", str(db), "jobbspår"]) == 0
    assert "Jobbspår för nyanlända i Malmö — Aktiv" in capsys.readouterr().out
