"""F6 Uppföljning driven by real keys, over the population of tests/report (figures
worked out by hand there; today is 2026-11-24)."""

from __future__ import annotations

import csv
import stat

import pytest
from textual.widgets import DataTable, Input, Static

from tests.report.population import build_population
from tests.tui.helpers import settle, type_text
from ungtui.tui.app import UngApp
from ungtui.tui.screens.followup.follow_up import FollowUpScreen


@pytest.fixture
def pop(db, user):
    return build_population(db, user)


def row(table: DataTable, key: str) -> list[str]:
    """A row's cells in full (a cell too long for its column is shortened on screen and
    given whole under the table)."""
    return [str(c) for c in table.full_row(key)]


async def open_follow_up(pilot, period: str) -> DataTable:
    await pilot.press("f6")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FollowUpScreen)
    await pilot.press("p")
    field = pilot.app.screen.query_one("#fu-period", Input)
    field.value = ""
    await type_text(pilot, period)
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen.query_one("#fu-table", DataTable)


async def test_a_period_by_gender_then_another_subgroup(db, pop):
    async with UngApp(db).run_test(size=(120, 40)) as pilot:
        table = await open_follow_up(pilot, "vt2026")
        screen = pilot.app.screen
        assert screen.query_one("#fu-period", Input).value == "VT2026"
        # Exact figures on screen: women 6, men 6, other 2, total 14; HT2025 had 5.
        assert row(table, "inflode") == [
            "Inflöde (nya inskrivna)", "6", "6", "2", "14", "5", "+9",
        ]  # fmt: skip
        assert row(table, "median_forsta_insats")[1:] == ["30", "41", "–", "35,5", "–", "–"]
        assert row(table, "jobbspar_platser")[1:] == ["", "", "", "10", "8", "+2"]
        assert "Inflöde (nya inskrivna), per målgrupp" in str(
            screen.query_one("#fu-bars", Static).render()
        )
        assert table.has_focus
        await pilot.press("g")  # Unga 16–24
        await settle(pilot)
        assert row(table, "inflode")[1:] == ["6", "1", "2", "9", "5", "+4"]
        status = str(screen.query_one("#fu-status", Static).render())
        assert "Unga 16–24" in status and "jämförs med HT2025" in status


async def test_a_bad_period_is_explained_and_nothing_changes(db, pop):
    async with UngApp(db).run_test(size=(120, 40)) as pilot:
        table = await open_follow_up(pilot, "VT2026")
        await pilot.press("p")
        pilot.app.screen.query_one("#fu-period", Input).value = ""
        await type_text(pilot, "2026H3")
        await pilot.press("enter")
        await settle(pilot)
        error = str(pilot.app.screen.query_one("#fu-error", Static).render())
        assert error.startswith("Okänd period ”2026H3”. Skriv till exempel 2026, 2026H1")
        assert row(table, "inflode")[4] == "14"


async def test_goals_of_an_agreement_and_the_line_over_periods(db, pop):
    async with UngApp(db).run_test(size=(120, 40)) as pilot:
        table = await open_follow_up(pilot, "2026")
        await pilot.press("a")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down")  # the only agreement, after "Ingen överenskommelse"
        await pilot.press("enter")
        await settle(pilot)
        assert table.has_focus
        assert row(table, "goal-0")[4:] == ["1", "", "Inte uppfyllt"]
        assert row(table, "goal-1")[4:] == ["10", "", "Uppfyllt"]
        assert row(table, "goal-3")[4:] == ["100 %", "0 %", "Uppfyllt"]
        assert row(table, "goal-4")[6] == "Mäts inte i registret"
        table.move_cursor(row=table.get_row_index("goal-3"))
        await settle(pilot)
        goal = str(pilot.app.screen.query_one("#fu-bars", Static).render())
        assert "Målnivå: Högre än 2025" in goal and "Jämförs med 2025: 0 %" in goal
        table.move_cursor(row=table.get_row_index("inflode"))
        await pilot.press("t")
        await settle(pilot)
        trend = str(pilot.app.screen.query_one("#fu-line", Static).render())
        # Six years up to 2026: 5 entered in 2025, 14 in 2026, none before.
        assert "2021" in trend and "2026" in trend
        assert trend.splitlines()[-1].split() == ["0", "0", "0", "0", "5", "14"]


async def test_export_hides_small_numbers_in_an_owner_only_file(db, pop, tmp_path):
    async with UngApp(db).run_test(size=(120, 40)) as pilot:
        await open_follow_up(pilot, "VT2026")
        await pilot.press("x")
        await settle(pilot)
    # The app's own folder among the documents (UNGTUI_EXPORT_DIR in tests/conftest.py).
    path = tmp_path / "dokument-ungtui" / "ungtui-uppfoljning-VT2026-2026-11-24.csv"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[1][1:5] == ["Inflöde (nya inskrivna)", "Totalt", "Kvinnor", "x"]
    assert rows[3][1:5] == ["Inflöde (nya inskrivna)", "Totalt", "Annat/okänt", "<5"]


async def test_escape_goes_home(db, pop):
    async with UngApp(db).run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, FollowUpScreen)
