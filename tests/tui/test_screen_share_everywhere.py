"""F9 is pressed just before the screen is shared: whatever screen is open redraws at
once, with no participant's full name or identity number left on it. One test per
screen; each first checks that a full name was there to hide. (The 90-day list and a
job track's participants, empty in this demo, are in test_screen_share_way.py.)"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from tests.tui.helpers import screen_text, settle, type_text
from ungtui.domain.text import display_name
from ungtui.store.models import Individual
from ungtui.tui.app import UngApp


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(60, 11)


def personal(db) -> tuple[set[str], set[str]]:
    """Every participant's name as lists ("Last, First") and titles ("First Last") show
    it, and every full identity number."""
    with db.session() as session:
        people = session.exec(select(Individual)).all()
    names = set()
    for p in people:
        names.add(display_name(p.first_name, p.last_name))
        names.add(f"{p.first_name} {p.last_name}")
    numbers = {p.identity_number for p in people if p.identity_number}
    return names, numbers


def shown(text: str, names: set[str], numbers: set[str]) -> set[str]:
    words = " ".join(text.split())
    found = {n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", words)}
    return found | {n for n in numbers if n in words}


async def check_f9(db, *steps: str) -> None:
    names, numbers = personal(db)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for step in steps:
            if step.startswith("type:"):
                await type_text(pilot, step.removeprefix("type:"))
            else:
                await pilot.press(step)
            await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert shown(screen_text(pilot), names, numbers), "a full name to hide"
        screen = type(app.screen)
        await pilot.press("f9")
        await settle(pilot)
        assert type(app.screen) is screen  # the same screen, redrawn
        assert shown(screen_text(pilot), names, numbers) == set()


async def test_min_dag(demo_copy, opens_on_min_dag):
    await check_f9(demo_copy(300, 1))  # a day with referrals and follow-ups to name


async def test_the_register(demo_db):
    await check_f9(demo_db, "v")  # a revealed number is masked too


async def test_a_person(demo_db):
    await check_f9(demo_db, "enter", "v")


async def test_a_persons_way(demo_db):
    await check_f9(demo_db, "enter", "p")


async def test_follow_ups_due(demo_db):
    await check_f9(demo_db, "u")


async def test_the_referral_list(demo_db):
    await check_f9(demo_db, "f4")


async def test_a_referral(demo_db):
    await check_f9(demo_db, "f4", "enter")


async def test_a_persons_referrals(demo_db):
    await check_f9(demo_db, "enter", "r")


async def test_a_meeting(demo_db):
    await check_f9(demo_db, "f3", "enter", "down", "down")


async def test_the_audit_log(demo_db):
    """Reported: F8 kept full names until left and opened again."""
    await check_f9(demo_db, "enter", "escape", "f8")


async def test_the_person_picker_for_a_referral(demo_db):
    await check_f9(demo_db, "f4", "n")


async def test_the_person_picker_in_a_meeting(demo_db):
    await check_f9(demo_db, "f3", "enter", "p", "type:an")


async def test_the_person_form(demo_db):
    await check_f9(demo_db, "e")


async def test_a_referral_form(demo_db):
    await check_f9(demo_db, "enter", "r", "n")


async def test_the_register_extract(demo_db):
    await check_f9(demo_db, "enter", "u")


async def test_the_duplicates_in_sync(demo_db):
    await check_f9(demo_db, "f7", "4")
