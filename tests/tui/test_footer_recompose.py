"""The key line is composed again only when what it shows changes, not on every focus
change (Textual's footer does; at a few ms each it was a tenth of a screen's CPU)."""

from __future__ import annotations

import pytest

from tests.tui.helpers import settle
from ungtui.tui.widgets.footer import KeyFooter


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(60, 11)


async def test_tab_between_fields_with_the_same_keys_leaves_the_footer_as_it_is(
    demo_db, monkeypatch
):
    from ungtui.tui.app import UngApp

    composed = []
    original = KeyFooter.compose

    def counting(self):
        composed.append(self)
        return original(self)

    monkeypatch.setattr(KeyFooter, "compose", counting)
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        line = [str(k.description) for k in footer.query("FooterKey")]
        assert "Spara" in line
        before = len(composed)
        for _ in range(3):  # identity, reserve number, first name: the same keys
            await pilot.press("tab")
            await settle(pilot)
        assert len(composed) == before
        assert [str(k.description) for k in footer.query("FooterKey")] == line


async def test_a_new_screen_has_its_size_classes_before_it_is_shown(demo_db):
    """Given on creation, not on the first resize: added after mounting they made every new
    screen style all its widgets a second time."""
    from ungtui.tui.app import UngApp
    from ungtui.tui.screens.people.individual_form import IndividualFormScreen

    app = UngApp(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = IndividualFormScreen(None)
        assert {"-narrow", "-short"} <= set(screen.classes)
        assert not {"-wide", "-tall"} & set(screen.classes)
