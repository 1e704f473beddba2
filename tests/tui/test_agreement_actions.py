"""Pilot tests of what is done to an agreement: its own 90-day guarantee, and notice."""

from __future__ import annotations

import pytest
from textual.widgets import Markdown, Static

from tests.tui.helpers import settle, type_text
from ungtui.services.demo import fill_demo
from ungtui.services.guarantee_rules import guarantee_rules
from ungtui.store.database import open_database
from ungtui.tui.app import UngApp
from ungtui.tui.screens.agreements import AgreementDetailScreen
from ungtui.tui.screens.way_forms import WayFormScreen


@pytest.fixture
def demo_db(tmp_path):
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, individuals=10, seed=3)
    yield db
    db.close()


async def open_first_agreement(pilot) -> None:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    await pilot.press("tab", "a")  # leave the search field, open the agreements
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AgreementDetailScreen)


async def test_the_agreement_gets_its_own_guarantee_ages_and_days(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_agreement(pilot)
        text = app.screen.query_one("#agreement-text", Markdown).source
        assert "| 90-dagarsgaranti | enligt installationens standard" in text
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        await type_text(pilot, "16")
        await pilot.press("tab", "tab")
        await type_text(pilot, "60")
        await pilot.press("ctrl+s")  # the highest age is missing: refused, nothing saved
        await settle(pilot)
        error = app.screen.query_one("#field-min_age .field-error", Static)
        assert str(error.render()) == (
            "Fyll i lägsta ålder, högsta ålder och dagar – eller lämna alla tomma."
        )
        assert guarantee_rules(demo_db).agreements == ()
        await pilot.press("tab")  # the refused field has the focus; next is the highest age
        await type_text(pilot, "29")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementDetailScreen)
        text = app.screen.query_one("#agreement-text", Markdown).source
        assert "| 90-dagarsgaranti | 16–29 år vid inflödet, 60 dagar |" in text
    (own,) = guarantee_rules(demo_db).agreements
    assert (own.rule.min_age, own.rule.max_age, own.rule.days) == (16, 29, 60)
