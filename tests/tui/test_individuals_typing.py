"""The register while a search is typed, by real keys: the names come at once, the
caseworker and the way's marks once typing pauses — empty until then, never a value from
before — and a long search scrolls in its field. Hand-built people (today 2026-11-24)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input

import ungtui.tui.screens.people.individuals as screen_module
from tests.tui.helpers import row_text, screen_text, settle
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation
from ungtui.services.processes.agreements import AgreementInput, save_agreement
from ungtui.services.way.guarantee_rules import set_agreement_guarantee
from ungtui.services.way.way import WayStartInput, start_way
from ungtui.tui.app import UngApp
from ungtui.tui.screens.people.individuals import IndividualsScreen

TODAY = "2026-11-24"
ASA = "20050317-9806"  # fictional, Skatteverket's test range


@pytest.fixture
def two_people(db, user):
    """Åsa, 21 when she joined on 2026-09-01 under a 16–24, 90-day guarantee (deadline
    2026-11-30, within its 14 days' warning), and Bo, 36 when he joined: no deadline. Sofia
    Berg answers for both."""
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    agreement = save_agreement(
        db, AgreementInput(title="Ungdomskontraktet", party_ids=[user.organisation_id, af]),
        actor_id=None,
    )  # fmt: skip
    set_agreement_guarantee(db, agreement, min_age=16, max_age=24, days=90, actor_id=None)
    ids = {}
    for name, data, joined in (
        ("asa", IndividualInput(identity=ASA, first_name="Åsa", last_name="Öberg"), "2026-09-01"),
        ("bo", IndividualInput(reserve_id="R-TEST02", birth_date="1990-01-01",
                               first_name="Bo", last_name="Ek"), "2026-11-01"),
    ):  # fmt: skip
        ids[name] = save_individual(
            db, data, actor_id=user.staff_id, organisation_id=user.organisation_id
        )
        start_way(
            db, ids[name], WayStartInput(entry_date=joined, joined_on=joined),
            actor_id=user.staff_id,
        )  # fmt: skip
    return ids


def rows(app) -> list[list[str]]:
    table = app.screen.query_one("#individuals", DataTable)
    return [row_text(table, i) for i in range(table.row_count)]


EMPTY = ["", "", ""]  # caseworker, phase, next date before the fill
ASA_FILLED = ["Sofia Berg", "Inflöde", "! 2026-11-30 garanti"]
BO_FILLED = ["Sofia Berg", "Inflöde", ""]


def costly(row: list[str]) -> list[str]:
    # Columns: name, number, age, groups, caseworker, status, phase, next date.
    return [row[4], row[6], row[7]]


async def test_caseworker_and_marks_come_once_typing_pauses(db, two_people, monkeypatch):
    # A pause longer than the keys below take, on any machine the tests run on.
    monkeypatch.setattr(IndividualsScreen, "SETTLE", 1.0)
    filled_for: list[str] = []
    fill_in = screen_module.fill_in

    def counted(db, rows, **kw):
        filled_for.append(app.screen.filter.text)
        return fill_in(db, rows, **kw)

    monkeypatch.setattr(screen_module, "fill_in", counted)
    app = UngApp(db)
    # Wide enough for every column, the caseworker's too.
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert [(r[0], costly(r)) for r in rows(app)] == [
            ("Ek, Bo", BO_FILLED),
            ("Öberg, Åsa", ASA_FILLED),
        ]
        assert filled_for == [""]

        await pilot.press("slash", "ö", "b")
        # Each letter's names are on screen as soon as they are read...
        await wait_until(pilot, lambda: [r[0] for r in rows(app)] == ["Öberg, Åsa"])
        # ...and while letters keep coming, Åsa's caseworker and marks are empty, not
        # the ones shown a moment ago.
        assert costly(rows(app)[0]) == EMPTY
        assert filled_for == [""]
        assert "räknar" in str(app.screen.query_one("#list-status").render())

        await settle(pilot)
        # Typing paused: filled in once, for what was typed last, and counted.
        assert filled_for == ["", "öb"]
        assert [(r[0], costly(r)) for r in rows(app)] == [("Öberg, Åsa", ASA_FILLED)]
        assert str(app.screen.query_one("#list-status").render()).startswith("1 deltagare")

        # Masking still covers the row (F9), filled cells and all.
        await pilot.press("f9")
        await settle(pilot)
        name, number, *_ = rows(app)[0]
        assert ASA not in number and "Öberg" not in name
        assert costly(rows(app)[0]) == ASA_FILLED


async def wait_until(pilot, check, tries: int = 200) -> None:
    for _ in range(tries):
        if check():
            return
        await pilot.pause(0.01)
    raise AssertionError("the list never showed what was asked for")


async def test_a_long_search_scrolls_in_its_field(db, two_people):
    app = UngApp(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        search = app.screen.query_one("#search", Input)
        before = search.region
        await pilot.press("slash", *"abcdefghijklmnopqrstuvwxyz0123456789", "ö", "b", "e", "r")
        await settle(pilot)
        assert search.value == "abcdefghijklmnopqrstuvwxyz0123456789öber"
        # The field stays where it was and shows the end of what was typed, by the cursor.
        assert search.region == before
        assert search.region.width < len(search.value)
        assert search.scroll_x > 0
        assert "0123456789öber" in screen_text(pilot)
        assert rows(app) == []
        # Back to the start of the text: it scrolls back.
        await pilot.press("home")
        await settle(pilot)
        assert search.scroll_x == 0
        assert "abcdefghij" in screen_text(pilot)
