"""Screen-share mode (F9) on the way, the 90-day list and a job track's participants."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.tui.helpers import settle
from ungtui.domain.measures import national_measure_id
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.way.job_tracks import JobTrackInput, save_job_track
from ungtui.services.way.way import MeasureInput, WayStartInput, save_individual_measure, start_way
from ungtui.tui.app import UngApp
from ungtui.tui.screens.way.guarantee import GuaranteeScreen
from ungtui.tui.screens.way.job_track_participants import JobTrackParticipantsScreen
from ungtui.tui.screens.way.job_tracks import JobTracksScreen
from ungtui.tui.screens.way.way import WayScreen


def people(db, user) -> None:
    from tests.tui.test_way_screens import contract

    contract(db, user)
    # Joined the agreement's offer 2026-09-01 at 22: the deadline 2026-11-30 is 6 days away.
    near = save_individual(
        db,
        IndividualInput(first_name="Åsa", last_name="Öberg", identity="20040202-1232"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    start_way(
        db, near, WayStartInput(entry_date="2026-09-01", joined_on="2026-09-01"), actor_id=None
    )
    # Newly arrived (permit 2025-03-01), in a job track since 2026-10-05.
    track = save_job_track(
        db,
        JobTrackInput("Jobbspår vård", "Region Skåne", "", "2026-10-01", "", "20"),
        actor_id=None,
    )
    arrived = save_individual(
        db,
        IndividualInput(
            first_name="Ali",
            last_name="Öztürk",
            birth_date="1999-06-15",
            residence_permit_date="2025-03-01",
        ),
        actor_id=None,
        organisation_id=user.organisation_id,
    )
    way = start_way(db, arrived, WayStartInput(entry_date="2026-09-15"), actor_id=None)
    save_individual_measure(
        db,
        way,
        MeasureInput(
            measure_id=national_measure_id("jobbspar"),
            job_track_id=track,
            start_date="2026-10-05",
            status="pagaende",
        ),
        actor_id=None,
    )


def first_two(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)[:2]] for i in range(table.row_count)]


async def test_f9_masks_names_and_numbers_and_back(db, user):
    people(db, user)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GuaranteeScreen)
        watch = app.screen.query_one(DataTable)
        assert first_two(watch) == [["Öberg, Åsa", "20040202-XXXX"]]
        await pilot.press("f9")
        await settle(pilot)
        assert first_two(watch) == [["Å.Ö.", "20040202-XXXX"]]
        await pilot.press("enter")  # the way opens in screen-share mode
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        title = app.screen.query_one("#way-title")
        assert str(title.render()) == "Väg – Å.Ö."
        await pilot.press("f9")
        await settle(pilot)
        assert str(title.render()) == "Väg – Öberg, Åsa"
        await pilot.press("f9")
        await settle(pilot)
        assert str(title.render()) == "Väg – Å.Ö."
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, JobTracksScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JobTrackParticipantsScreen)
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)] == [
            "A.Ö.",
            "R-XXXX",
            "2026-10-05",
            "",
            "Pågående",
            "ja",
        ]
        await pilot.press("f9")
        await settle(pilot)
        assert first_two(table)[0][0] == "Öztürk, Ali"
        assert first_two(table)[0][1].startswith("R-") and first_two(table)[0][1] != "R-XXXX"
