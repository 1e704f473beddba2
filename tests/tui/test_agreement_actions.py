"""Pilot tests of what is done to an agreement: its guarantee, and notice."""

from __future__ import annotations

import pytest
from textual.widgets import Markdown, Static

from tests.tui.helpers import settle, type_text
from ungtui.services.way.guarantee_rules import guarantee_rules
from ungtui.tui.app import UngApp
from ungtui.tui.screens.processes.agreements import AgreementDetailScreen
from ungtui.tui.screens.way.way_forms import WayFormScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(10, 3)


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
        # Stockholm's agreement promises no measure within a set time.
        assert "| Garanti om insats | ingen (g lägger till en om överenskommelsen har en) |" in text
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
        # Only Västerås' Ungdomskontraktet holds one, as shipped.
        assert [a.title[:17] for a in guarantee_rules(demo_db).agreements] == [
            "Ungdomskontraktet"
        ]
        await pilot.press("tab")  # the refused field has the focus; next is the highest age
        await type_text(pilot, "29")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AgreementDetailScreen)
        text = app.screen.query_one("#agreement-text", Markdown).source
        assert (
            "| Garanti om insats | 16–29 år den dag personen tackar ja; en insats som leder "
            "mot arbete eller studier inom 60 dagar |"
        ) in text
    own, _vasteras = guarantee_rules(demo_db).agreements
    assert (own.rule.min_age, own.rule.max_age, own.rule.days) == (16, 29, 60)


async def test_notice_is_given_with_a_date_and_a_question(demo_db):
    from textual.widgets import DataTable, Input, Select

    from ungtui.services.processes.agreements import get_agreement
    from ungtui.tui.screens.confirm import ConfirmScreen

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("tab", "a")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(1)[0]).startswith("Lokal överenskommelse om samverkan")
        await pilot.press("down", "enter")  # Malmö, three months' notice
        await settle(pilot)
        assert isinstance(app.screen, AgreementDetailScreen)
        agreement_id = app.screen.agreement_id
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        party = app.screen.query_one("#in-party", Select)
        party.value = Select.NULL
        app.screen.query_one("#in-on", Input).focus()
        await type_text(pilot, "2026-12-01")
        await pilot.press("ctrl+s")  # no party, a day ahead: both refused, nothing saved
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        on_error = app.screen.query_one("#field-on .field-error", Static)
        assert str(on_error.render()) == (
            "Ange dagen då uppsägningen lämnades; den kan inte ligga i framtiden."
        )
        party_error = app.screen.query_one("#field-party .field-error", Static)
        assert str(party_error.render()) == "Välj vilken part som säger upp överenskommelsen."
        party.value = party._options[1][1]
        app.screen.query_one("#in-on", Input).focus()
        await type_text(pilot, "2026-08-31")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        text = str(app.screen.query_one(".dialog-text", Static).render())
        assert "gäller den t.o.m. 2026-11-30" in text
        assert get_agreement(demo_db, agreement_id).notice_given_on is None
        await pilot.press("tab", "enter")  # Säg upp
        await settle(pilot)
        assert isinstance(app.screen, AgreementDetailScreen)
        shown = app.screen.query_one("#agreement-text", Markdown).source
        assert "| Status | Uppsagd, gäller t.o.m. 2026-11-30 |" in shown
        assert "| Uppsagd | 2026-08-31 av " in shown
    detail = get_agreement(demo_db, agreement_id)
    assert str(detail.notice_given_on) == "2026-08-31"
    assert detail.state == "uppsagd"


async def test_notice_of_an_agreement_without_a_notice_period_leaves_the_last_day_open(demo_db):
    from textual.widgets import Input, Select

    from ungtui.services.processes.agreements import get_agreement
    from ungtui.tui.screens.confirm import ConfirmScreen

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_first_agreement(pilot)  # Stockholm: no notice period stated
        agreement_id = app.screen.agreement_id
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        party = app.screen.query_one("#in-party", Select)
        party.value = party._options[1][1]
        app.screen.query_one("#in-on", Input).focus()
        await type_text(pilot, "2026-08-31")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        text = str(app.screen.query_one(".dialog-text", Static).render())
        assert "anger ingen uppsägningstid, så den står som uppsagd utan sista dag" in text
        await pilot.press("tab", "enter")
        await settle(pilot)
        shown = app.screen.query_one("#agreement-text", Markdown).source
        assert (
            "| Status | Uppsagd 2026-08-31; ingen uppsägningstid angiven, sista dag inte "
            "bestämd |"
        ) in shown
    assert get_agreement(demo_db, agreement_id).state == "uppsagd"
