"""The list import screen and the export dialog, driven by real keys."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import select
from textual.widgets import Select, Static

from tests.tui.helpers import settle, type_text
from ungtui.services.people.table_import import remembered_mapping
from ungtui.store.models import Individual
from ungtui.tui.app import UngApp
from ungtui.tui.screens.people.individuals import IndividualsScreen
from ungtui.tui.screens.people.table_import import TableImportScreen
from ungtui.tui.screens.privacy.list_export import ListExportScreen

FIXTURES = Path(__file__).parent.parent / "fixtures"


def report(app) -> str:
    return str(app.screen.query_one("#import-report-text", Static).render())


async def test_mapping_is_guessed_corrected_checked_and_imported(db, user, tmp_path):
    path = tmp_path / "lista.csv"
    shutil.copy(FIXTURES / "deltagare_cp1252.csv", path)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, TableImportScreen)
        await type_text(pilot, str(path))
        await pilot.press("enter")
        await settle(pilot)
        guessed = [app.screen.query_one(f"#column-{i}", Select).value for i in range(6)]
        assert guessed == [
            "identity",
            "first_name",
            "last_name",
            "gender",
            "caseworker",
            "entry_date",
        ]
        # Jonas Ek works elsewhere in this install's world: unknown here.
        assert "Skapas: 2 nya personer." in report(app)
        assert "Rad 5: Okänd handläggare ”Jonas Ek”" in report(app)

        # The caseworker column is left out: its rows come in with the importer responsible.
        app.screen.query_one("#column-4", Select).focus()
        await pilot.press("enter")
        await pilot.press("home")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#column-4", Select).value is Select.NULL
        assert "Skapas: 4 nya personer." in report(app)
        assert "Kan inte läsas in: 3." in report(app)
        assert "Rad 5:" not in report(app)

        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # "Läs in" in the question
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
    with db.session() as session:
        names = sorted(p.last_name for p in session.exec(select(Individual)).all())
    assert names == ["Hassan", "Nilsson", "Ähläng", "Öberg"]
    headers = ["Personnummer", "Förnamn", "Efternamn", "Kön", "Handläggare", "Inskriven"]
    assert remembered_mapping(db, headers)[4] is None


async def test_a_missing_file_is_said_in_swedish_and_nothing_happens(db, user, tmp_path):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await type_text(pilot, str(tmp_path / "finns-inte.csv"))
        await pilot.press("enter")
        await settle(pilot)
        status = str(app.screen.query_one("#import-status", Static).render())
        assert status == "Filen finns-inte.csv finns inte. Kontrollera sökvägen."
        await pilot.press("ctrl+s")
        await settle(pilot)
        status = str(app.screen.query_one("#import-status", Static).render())
        assert status == "Läs först in en fil: skriv sökvägen och tryck Enter."
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)


async def test_export_dialog_writes_the_list(db, user, tmp_path):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ListExportScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
    written = list((tmp_path / "dokument-ungtui").glob("deltagare-*.csv"))
    assert [p.name for p in written] == ["deltagare-2026-11-24.csv"]
    assert written[0].read_text(encoding="utf-8-sig").startswith("Efternamn;Förnamn;")
