"""The key line is composed again only when what it shows changes, not on every focus
change (Textual's footer does; at a few ms each it was a tenth of a screen's CPU) nor on a
new screen's first resize; the screens under a new one are not laid out again for it."""

from __future__ import annotations

import pytest
from textual._compositor import Compositor
from textual.geometry import Size

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
    laid_out = []
    reflow = Compositor.reflow

    def counting_layouts(self, parent, size):
        laid_out.append((type(parent).__name__, size))
        return reflow(self, parent, size)

    monkeypatch.setattr(Compositor, "reflow", counting_layouts)
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        laid_out.clear()
        await pilot.press("n")
        await settle(pilot)
        footer = app.screen.query_one(KeyFooter)
        # Composed empty as it is mounted, then once with the screen's keys: its first
        # resize, at the width it was composed for, does not compose the same keys again.
        assert composed.count(footer) == 2
        # The register under the form is not laid out again for the form's first resize.
        assert ("IndividualsScreen", Size(120, 40)) not in laid_out
        line = [str(k.description) for k in footer.query("FooterKey")]
        assert "Spara" in line
        before = len(composed)
        for _ in range(3):  # identity, reserve number, first name: the same keys
            await pilot.press("tab")
            await settle(pilot)
        assert len(composed) == before
        assert [str(k.description) for k in footer.query("FooterKey")] == line

        # A changed terminal still lays out the screen on top and the one under it, and
        # the key line fits the new width.
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert ("IndividualFormScreen", Size(80, 24)) in laid_out
        assert ("IndividualsScreen", Size(80, 24)) in laid_out
        assert composed.count(footer) == 3
        narrow = [str(k.description) for k in footer.query("FooterKey")]
        assert narrow != line and "Avsluta" in narrow


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
