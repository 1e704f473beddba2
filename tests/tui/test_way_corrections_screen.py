"""Correcting mistakes through real keys: Delete on the way and in the catalogue."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.tui.helpers import settle, type_text
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.way.measures import LocalMeasureInput, add_local_measure, list_catalogue
from ungtui.services.way.way import (
    ExitInput,
    FollowUpInput,
    PhaseInput,
    WayStartInput,
    add_phase,
    exit_way,
    record_follow_up,
    start_way,
)
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.way.measure_catalogue import CatalogueScreen
from ungtui.tui.screens.way.way import WayScreen
from ungtui.tui.screens.way.way_forms import WayFormScreen


def first_cells(table: DataTable) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def open_way(pilot) -> WayScreen:
    await settle(pilot)
    await pilot.press("enter", "p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, WayScreen)
    return pilot.app.screen


async def confirm_removal(pilot) -> None:
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("tab", "enter")  # from Avbryt to Ta bort
    await settle(pilot)


def person_with_way(db, user) -> str:
    pid = save_individual(
        db,
        IndividualInput(first_name="Rätta", last_name="Felsson", identity="20040202-1232"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    return start_way(db, pid, WayStartInput(entry_date="2026-03-02"), actor_id=user.staff_id)


async def test_delete_removes_a_follow_up_then_the_exit_then_a_phase(db, user):
    way_id = person_with_way(db, user)
    add_phase(db, way_id, PhaseInput("planering", "2026-04-01"), actor_id=None)
    exit_way(db, way_id, ExitInput("2026-05-04", "studier"), actor_id=None)
    record_follow_up(db, way_id, FollowUpInput(90, "2026-08-03", "studier"), actor_id=None)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_way(pilot)
        phases = screen.query_one("#phases", DataTable)
        assert first_cells(phases) == ["2026-05-04", "2026-04-01", "2026-03-02"]
        await pilot.press("tab")  # to the phases, the exit row marked
        await pilot.press("delete")
        await settle(pilot)
        await confirm_removal(pilot)  # refused: a follow-up is recorded after the exit
        assert first_cells(phases) == ["2026-05-04", "2026-04-01", "2026-03-02"]
        await pilot.press("tab")  # to the follow-ups, 90 days marked
        await pilot.press("delete")
        await settle(pilot)
        assert "Uppföljningen efter 90 dagar (2026-08-03" in str(
            app.screen.query_one(".dialog-text").render()
        )
        await confirm_removal(pilot)
        follow = screen.query_one("#follow-ups", DataTable)
        assert [str(c) for c in follow.get_row_at(0)] == [
            "90 dagar",
            "2026-08-02",
            "",
            "Dags att följa upp",
        ]
        await pilot.press("shift+tab", "delete")  # back to the phases: the exit
        await settle(pilot)
        await confirm_removal(pilot)
        assert first_cells(phases) == ["2026-04-01", "2026-03-02"]
        assert "Vägen är inte avslutad" in str(screen.query_one("#exit-section").render())
        phases.focus()
        await pilot.press("delete")  # the planning phase, entered by mistake
        await settle(pilot)
        await pilot.press("escape")  # changed my mind: nothing happens
        await settle(pilot)
        assert first_cells(phases) == ["2026-04-01", "2026-03-02"]
        await pilot.press("delete")
        await settle(pilot)
        await confirm_removal(pilot)
        assert first_cells(phases) == ["2026-03-02"]
        assert "Inflöde/uppsökande sedan 2026-03-02" in str(
            screen.query_one("#way-summary").render()
        )


async def test_the_catalogue_edits_and_removes_local_measures_only(db, user):
    person_with_way(db, user)
    add_local_measure(db, LocalMeasureInput("Sommarjobb", user.organisation_id), actor_id=None)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_way(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 17
        await pilot.press("delete")  # a national measure: refused, nothing asked
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)
        await pilot.press("ctrl+end", "e")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        await pilot.press("end")  # the name is selected on focus; keep it and add
        await type_text(pilot, " för unga")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)
        assert str(table.get_row_at(16)[0]) == "Sommarjobb för unga"
        await pilot.press("delete")
        await settle(pilot)
        await confirm_removal(pilot)
        assert table.row_count == 16
    assert "Sommarjobb för unga" not in {r.name for r in list_catalogue(db)}


async def test_follow_ups_due_from_the_list_and_from_the_90_day_list(db, user):
    from ungtui.tui.screens.way.follow_ups_due import FollowUpsDueScreen
    from ungtui.tui.screens.way.guarantee import GuaranteeScreen

    way_id = person_with_way(db, user)
    exit_way(db, way_id, ExitInput("2026-05-31", "studier"), actor_id=None)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpsDueScreen)
        table = app.screen.query_one(DataTable)
        assert [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)] == [
            [
                "Felsson, Rätta",
                "20040202-XXXX",
                "2026-05-31",
                "Reguljära studier",
                "90 dagar",
                "2026-08-29",
                "försenad 87 d",
            ],
            [
                "Felsson, Rätta",
                "20040202-XXXX",
                "2026-05-31",
                "Reguljära studier",
                "180 dagar",
                "2026-11-27",
                "om 3 dagar",
            ],
        ]
        intro = str(app.screen.query_one("#due-intro").render())
        assert intro.startswith("1 uppföljning är försenad och 1 ska göras inom 14 dagar.")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GuaranteeScreen)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, FollowUpsDueScreen)
