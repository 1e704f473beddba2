"""Remisser by real keys: a step's Datum is the step's date (the dialog opens in it), the
inbox holds what is addressed to the user's unit and marks what is new, only the addressed
unit receives (not another unit of its nämnd), Skickade is the unit's own, and the
"Svara senast" hint describes the day typed.

Today is 2026-11-24 (tests/conftest.py). Malmö stad's Sofia works at Jobbcenter Unga,
Miriam at KAA-enheten: two nämnder, two parties. Omar at Jobbtorg: Sofia's nämnd, another
unit, another party.
"""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Input, Static

from tests.tui.helpers import row_text, settle, type_text
from tests.tui.test_referrals_screen import World, open_section, rows, title
from ungtui.services.people.organisations import register_user
from ungtui.services.referrals.referrals import (
    ReferralDraft,
    TransitionInput,
    create_referral,
    get_referral,
    transition_referral,
)
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.models import CURRENT_STAFF_KEY
from ungtui.tui.app import UngApp
from ungtui.tui.screens.referrals.referral_detail import ReferralDetailScreen
from ungtui.tui.screens.referrals.referral_form import ReferralFormScreen
from ungtui.tui.screens.referrals.referral_step import StepScreen


def error_at(app, name: str) -> str:
    return str(app.screen.query_one(f"#field-{name} .field-error", Static).render())


def hint_at(app, name: str) -> str:
    hint = app.screen.query_one(f"#field-{name} .field-hint", Static)
    return str(hint.render()) if hint.display else ""


def history(app) -> list[list[str]]:
    table = app.screen.query_one("#referral-events", DataTable)
    return [row_text(table, i) for i in range(table.row_count)]


async def retype(pilot, text: str) -> None:
    """Empty the focused field and type `text`, as a user does: Ctrl+A, Ctrl+K."""
    await pilot.press("ctrl+a", "ctrl+k")
    await type_text(pilot, text)


async def test_the_send_date_typed_at_once_is_the_steps_date(tmp_path):
    world = World(tmp_path / "remisser.db")
    referral = world.draft_to_af(world.asa)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert app.screen.focused is app.screen.query_one("#happened_on", Input)
        await type_text(pilot, "2027-01-01")  # replaces today's date, selected on opening
        assert app.screen.query_one("#happened_on", Input).value == "2027-01-01"
        await pilot.press("tab")
        await type_text(pilot, "Ringt Karin")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert error_at(app, "happened_on") == "Datumet kan inte ligga i framtiden."
        assert get_referral(world.db, referral).state == "draft"
        # The refused field has the cursor again.
        assert app.screen.focused is app.screen.query_one("#happened_on", Input)
        await retype(pilot, "2026-11-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        (sent,) = history(app)
        assert sent[:2] == ["2026-11-20", "Skickad"]
    event = get_referral(world.db, referral).events[-1]
    assert (event.happened_on, event.note) == (date(2026, 11, 20), "Ringt Karin")
    world.db.close()


async def test_a_receive_date_before_the_send_date_is_refused(tmp_path):
    world = World(tmp_path / "remisser.db")  # AF sent Åsa's referral on 2026-11-02
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        await type_text(pilot, "2026-11-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert error_at(app, "happened_on") == (
            "Datumet kan inte vara före förra steget (2026-11-02)."
        )
        assert get_referral(world.db, world.incoming).state == "sent"
        await retype(pilot, "2026-11-03")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        assert [row[:2] for row in history(app)] == [
            ["2026-11-02", "Skickad"],
            ["2026-11-03", "Mottagen"],
        ]
        assert history(app)[1][3] == ""  # the date is not a note
    world.db.close()


def use_as(world, user) -> None:
    """This install's user from now on (the first run's choice)."""
    with UnitOfWork(world.db, None) as uow:
        uow.set_setting(CURRENT_STAFF_KEY, user.staff_id)


async def test_the_inbox_is_my_units_and_only_the_addressed_unit_receives(tmp_path):
    world = World(tmp_path / "remisser.db")
    miriam = register_user(
        world.db,
        name="Miriam Haddad",
        unit_name="KAA-enheten",
        organisation_id=world.kommun.organisation_id,
    )
    to_kaa = create_referral(
        world.db,
        world.kommun,
        ReferralDraft(
            individual_id=world.orjan,
            to_organisation_id=world.kommun.organisation_id,
            to_unit_id=miriam.unit_id,
            to_staff_id=miriam.staff_id,
            kind="other",
            measure="Kartläggning i En väg in",
            purpose="Tillbaka till skolan",
        ),
    )
    transition_referral(
        world.db,
        world.kommun,
        to_kaa,
        TransitionInput(action="send", exception_ground="Lag (2001:453) 12 kap. 10 §"),
    )
    use_as(world, world.kommun)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot)
        assert "1 Inkorg 1 (1 nya)" in title(app)
        assert "2 Skickade 1" in title(app)
        # AF's referral to Jobbcenter Unga; Sofia's own to KAA-enheten is not here.
        assert rows(app) == [
            [
                "FÖRSENAD",
                "2026-11-16",
                "Ny",
                "Öberg, Åsa",
                "Arbetsträning",
                "från Arbetsförmedlingen",
            ]
        ]
        await pilot.press("2")
        await settle(pilot)
        assert [(r[2], r[5]) for r in rows(app)] == [("Skickad", "Jobbcenter Unga → KAA-enhet…")]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        enabled = {key for key, b in app.screen.active_bindings.items() if b.enabled}
        assert {"w", "o", "e"} <= enabled and "m" not in enabled
        await pilot.press("m")  # KAA-enheten's step: nothing happens at Jobbcenter Unga
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
    assert get_referral(world.db, to_kaa).state == "sent"

    # Jobbtorg: Malmö stad's labour-market nämnd as Jobbcenter Unga is, another unit.
    omar = register_user(
        world.db,
        name="Omar Said",
        unit_name="Jobbtorg",
        organisation_id=world.kommun.organisation_id,
    )
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot)
        # AF's overdue referral to Jobbcenter Unga and Sofia's to KAA-enheten are not here.
        assert "1 Inkorg 0 (0 nya)   2 Skickade 0   3 Försenade 0" in title(app)
        for view in ("1", "2", "3"):
            await pilot.press(view)
            await settle(pilot)
            assert rows(app) == []
        # Åsa's own page lists the referral about her; Jobbtorg cannot receive it.
        app.open_person(world.asa)
        await settle(pilot)
        await pilot.press("r", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        enabled = {key for key, b in app.screen.active_bindings.items() if b.enabled}
        assert not {"m", "w", "o", "e", "k"} & enabled
        assert str(app.screen.query_one("#referral-next", Static).render()) == (
            "Möjligt nu: inget; din enhet är varken avsändare eller mottagare."
        )
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
    assert get_referral(world.db, world.incoming, actor=omar).state == "sent"

    use_as(world, miriam)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot)
        assert "1 Inkorg 1 (1 nya)" in title(app)
        assert [(r[2], r[3], r[5]) for r in rows(app)] == [
            ("Ny", "Lund, Örjan", "Jobbcenter Unga → KAA-enhet…")
        ]
        await pilot.press("enter")
        await settle(pilot)
        enabled = {key for key, b in app.screen.active_bindings.items() if b.enabled}
        assert "m" in enabled and not {"w", "o", "e"} & enabled
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert "1 Inkorg 1 (0 nya)" in title(app)
        assert [r[2] for r in rows(app)] == ["Mottagen"]
    assert get_referral(world.db, to_kaa).state == "received"
    world.db.close()


async def test_the_reply_by_hint_describes_the_day_typed(tmp_path):
    world = World(tmp_path / "remisser.db")
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "lund")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralFormScreen)
        assert hint_at(app, "reply_by") == (
            "→ tisdag 2026-12-08 · 10 arbetsdagar från i dag; helgdagar räknas inte."
        )
        app.screen.query_one("#reply_by", Input).focus()
        await retype(pilot, "2026-11-01")
        assert hint_at(app, "reply_by") == (
            "→ söndag 2026-11-01 · i det förflutna: svara senast kan inte ligga före i dag."
        )
        await retype(pilot, "2026-02-30")
        # Not a day: nothing about working days, only how a day is typed.
        assert hint_at(app, "reply_by") == (
            "Till exempel 2026-12-01, idag, imorgon, fre, 1/12, +14 eller +3 ad."
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_at(app, "reply_by") == "Datumet 2026-02-30 finns inte."
        app.screen.query_one("#reply_by", Input).focus()
        await retype(pilot, "2026-11-25")
        assert hint_at(app, "reply_by") == (
            "→ onsdag 2026-11-25 · 1 arbetsdag från i dag; helgdagar räknas inte."
        )
        await retype(pilot, "2026-12-25")
        assert hint_at(app, "reply_by") == (
            "→ fredag 2026-12-25 · 21 arbetsdagar från i dag; helgdagar räknas inte. "
            "Dagen är ingen arbetsdag."
        )
        await retype(pilot, "")
        assert hint_at(app, "reply_by") == (
            "Tomt: 10 arbetsdagar från i dag; helgdagar räknas inte."
        )
    world.db.close()
