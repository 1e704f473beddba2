"""Remisser driven by real keys: send (with and without consent), receive, decline with
and without a reason, the overdue list, a new referral, and a person's referrals."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Input, Static

from tests.tui.helpers import settle, type_text
from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import register_user
from ungtui.services.referrals.referrals import (
    ReferralDraft,
    TransitionInput,
    create_referral,
    get_referral,
    transition_referral,
)
from ungtui.store.database import open_database
from ungtui.tui.app import UngApp
from ungtui.tui.screens.people.individual_detail import IndividualDetailScreen
from ungtui.tui.screens.referrals.referral_detail import ReferralDetailScreen
from ungtui.tui.screens.referrals.referral_form import ReferralFormScreen
from ungtui.tui.screens.referrals.referral_step import StepScreen
from ungtui.tui.screens.referrals.referrals import IndividualReferralsScreen, ReferralsScreen
from ungtui.tui.widgets.form import FormField


class World:
    """AF's Karin and the kommun's Sofia (the install's user); Åsa has consent for AF,
    Örjan has none. AF sent Sofia's unit a referral about Åsa on 2026-11-02 (overdue)."""

    def __init__(self, path):
        self.db = open_database(path)
        self.af = register_user(
            self.db,
            name="Karin Lind",
            unit_name="Malmö Unga",
            organisation_name="Arbetsförmedlingen",
            org_nr="202100-2114",
            kind="af",
        )
        self.kommun = register_user(
            self.db,
            name="Sofia Berg",
            unit_name="Jobbcenter Unga",
            organisation_name="Malmö stad",
            org_nr="212000-1124",
            kind="kommun",
        )
        self.asa = self.person("20050317-9806", "Åsa", "Öberg")
        self.orjan = self.person("20040101-9815", "Örjan", "Lund")
        # Jobbcenter Unga may refer Åsa to AF, and AF may refer her to Jobbcenter Unga.
        add_consent(
            self.db,
            self.asa,
            ConsentInput(
                organisation_id=self.af.organisation_id,
                purpose="Planering",
                purposes=["remiss"],
                data_categories=["arbete"],
                valid_from="2026-01-01",
            ),
            actor_id=self.kommun.staff_id,
        )
        add_consent(
            self.db,
            self.asa,
            ConsentInput(
                organisation_id=self.kommun.organisation_id,
                receiver_domain="arbetsmarknad",
                purpose="Planering",
                purposes=["remiss"],
                data_categories=["arbete"],
                valid_from="2026-01-01",
            ),
            actor_id=self.af.staff_id,
        )
        early = date(2026, 11, 2)
        self.incoming = create_referral(
            self.db,
            self.af,
            ReferralDraft(
                individual_id=self.asa,
                to_organisation_id=self.kommun.organisation_id,
                to_unit_id=self.kommun.unit_id,
                kind="labour_market",
                measure="Arbetsträning",
                purpose="Pröva lager",
            ),
            today=early,
        )
        transition_referral(
            self.db, self.af, self.incoming, TransitionInput(action="send"), today=early
        )

    def person(self, number, first, last) -> str:
        return save_individual(
            self.db,
            IndividualInput(identity=number, first_name=first, last_name=last),
            actor_id=self.kommun.staff_id,
            organisation_id=self.kommun.organisation_id,
        )

    def draft_to_af(self, person) -> str:
        return create_referral(
            self.db,
            self.kommun,
            ReferralDraft(
                individual_id=person,
                to_organisation_id=self.af.organisation_id,
                to_unit_id=self.af.unit_id,
                kind="other",
                measure="Inskrivning",
                purpose="Planering mot arbete",
            ),
        )


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path / "remisser.db")
    yield w
    w.db.close()


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#referrals", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def title(app) -> str:
    return str(app.screen.query_one("#referral-title", Static).render())


async def open_section(pilot) -> None:
    await settle(pilot)
    await pilot.press("f4")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReferralsScreen)


async def test_inbox_shows_the_overdue_referral_first_with_a_text_marker(world):
    world.draft_to_af(world.asa)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_section(pilot)
        assert "1 Inkorg 1 (1 nya)" in title(app)
        assert "2 Skickade 1" in title(app)
        assert "3 Försenade 1" in title(app)
        assert rows(app) == [
            [
                "FÖRSENAD",
                "2026-11-16",
                "Ny",  # not received here yet: what "(1 nya)" counts
                "Öberg, Åsa",
                "Arbetsträning",
                "från Arbetsförmedlingen",
            ]
        ]
        await pilot.press("2")
        await settle(pilot)
        assert [r[2] for r in rows(app)] == ["Utkast"]
        await pilot.press("3")
        await settle(pilot)
        assert [r[0] for r in rows(app)] == ["FÖRSENAD"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "min_dag"


async def test_receive_then_decline_without_and_with_a_reason(world):
    app = UngApp(world.db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_section(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        assert get_referral(world.db, world.incoming).state == "received"

        await pilot.press("x")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no reason: refused at the field
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        error = app.screen.query_one("#field-reason", FormField).query_one(".field-error")
        assert str(error.render()) == "Skriv skälet till att remissen avböjs. Det krävs och sparas."
        assert get_referral(world.db, world.incoming).state == "received"
        await type_text(pilot, "Ingen plats i december")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        detail = get_referral(world.db, world.incoming)
        assert detail.state == "declined"
        assert detail.events[-1].reason == "Ingen plats i december"
        history = app.screen.query_one("#referral-events", DataTable)
        assert [str(history.get_row_at(i)[1]) for i in range(history.row_count)] == [
            "Skickad",
            "Mottagen",
            "Avböjd",
        ]
        await pilot.press("escape")
        await settle(pilot)
        assert rows(app) == []  # ended ones are hidden
        await pilot.press("a")
        await settle(pilot)
        assert [r[2] for r in rows(app)] == ["Avböjd"]


async def test_send_with_consent(world):
    referral = world.draft_to_af(world.asa)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_section(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        line = str(app.screen.query_one("#consent-line", Static).render())
        assert line == (
            "Får skickas: Samtycke från Malmö stad – Arbetsmarknadsenheten till "
            "Arbetsförmedlingen för remiss eller anvisning till insats gäller."
        )
        await pilot.press("tab")  # from Datum to the note
        await type_text(pilot, "Ringt Karin")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        detail = get_referral(world.db, referral)
        assert detail.state == "sent"
        assert detail.events[-1].note == "Ringt Karin"


async def test_send_without_consent_is_stopped_until_a_legal_ground_is_typed(world):
    referral = world.draft_to_af(world.orjan)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_section(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        line = str(app.screen.query_one("#consent-line", Static).render())
        assert line.startswith(
            "STOPP: Samtycke saknas från Malmö stad – Arbetsmarknadsenheten till "
            "Arbetsförmedlingen."
        )
        ground = app.screen.query_one("#field-exception_ground", FormField)
        assert ground.display
        assert app.screen.focused is app.screen.query_one("#ground", Input)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert get_referral(world.db, referral).state == "draft"
        await type_text(pilot, "OSL 10 kap. 2 paragrafen, nödvändigt för verksamheten")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        event = get_referral(world.db, referral).events[-1]
        assert event.consent_exception is True
        assert event.consent_basis == "OSL 10 kap. 2 paragrafen, nödvändigt för verksamheten"


async def test_a_new_referral_from_the_section(world):
    app = UngApp(world.db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_section(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "lund")
        await settle(pilot)
        await pilot.press("enter")  # the only hit is taken at once
        await settle(pilot)
        assert isinstance(app.screen, ReferralFormScreen)
        form = app.screen
        form.query_one("#to_organisation_id").value = world.af.organisation_id
        await settle(pilot)
        # A referral to AF is offered the kind Arbetsförmedlingen (it was "Annat").
        assert form.query_one("#kind").value == "employment_service"
        form.query_one("#kind").value = "provider"
        form.query_one("#measure", Input).focus()
        await type_text(pilot, "Rusta och matcha")
        await pilot.press("ctrl+s")  # no purpose yet
        await settle(pilot)
        assert isinstance(app.screen, ReferralFormScreen)
        form.query_one("#purpose", Input).focus()
        await type_text(pilot, "Arbete inom handel")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        detail = app.screen.detail
        assert detail is not None
        assert (detail.person, detail.state) == ("Lund, Örjan", "draft")
        assert detail.referral.reply_by == date(2026, 12, 8)


async def test_a_persons_referrals_from_the_person_view(world):
    app = UngApp(world.db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.open_person(world.asa)
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, IndividualReferralsScreen)
        assert title(app) == "Remisser för Öberg, Åsa"
        assert [r[3] for r in rows(app)] == ["Öberg, Åsa"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)


async def test_screen_share_shows_initials_in_the_list_and_the_referral(world):
    world.draft_to_af(world.asa)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_section(pilot)
        await pilot.press("f9")
        await settle(pilot)
        assert [r[3] for r in rows(app)] == ["Å.Ö."]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        heading = str(app.screen.query_one("#referral-heading", Static).render())
        assert heading.endswith("– Å.Ö.") and "Öberg" not in heading
        await pilot.press("f9")
        await settle(pilot)
        heading = str(app.screen.query_one("#referral-heading", Static).render())
        assert heading.endswith("– Öberg, Åsa")
