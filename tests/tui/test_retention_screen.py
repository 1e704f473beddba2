"""Gallring (F8, g): the years are checked, and changing them erases nothing."""

from __future__ import annotations

from sqlmodel import col, func, select
from textual.widgets import DataTable, Input, Static

from tests.tui.helpers import settle, type_text
from ungtui.store.models import Individual
from ungtui.tui.app import UngApp
from ungtui.tui.screens.privacy.retention import RetentionScreen


async def test_years_are_checked_and_a_change_says_nothing_is_erased(demo_copy):
    db = demo_copy(60, 11)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in ("f8", "g"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, RetentionScreen)
        people_before = living(db)
        rows_before = app.screen.query_one("#candidates", DataTable).row_count
        await pilot.press("t", "ctrl+u")
        await type_text(pilot, "abc")
        await pilot.press("enter")
        await settle(pilot)
        error = str(app.screen.query_one("#years-error", Static).render())
        assert error == "Skriv antal år som en siffra, till exempel 5."
        assert not any("sparar" in n.message for n in app._notifications)

        await pilot.press("ctrl+u")
        await type_text(pilot, "1")
        await pilot.press("enter")
        await settle(pilot)
        assert str(app.screen.query_one("#years-error", Static).render()) == ""
        assert app.screen.query_one("#retention-years", Input).value == "1"
        messages = [n.message for n in app._notifications]
        assert messages[-1] == (
            "Malmö stad sparar avslutade ärenden i 1 år. "
            "Listan visar vilka som kan gallras; inget raderas förrän du trycker r."
        )
        # Fewer years: as many or more can be erased, and none has been.
        assert app.screen.query_one("#candidates", DataTable).row_count >= rows_before
        assert living(db) == people_before


def living(db) -> int:
    with db.session() as session:
        return session.exec(
            select(func.count()).where(col(Individual.deleted_at).is_(None))
        ).one()
