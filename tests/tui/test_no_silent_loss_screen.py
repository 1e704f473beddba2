"""The open app and a database file replaced under it: the form says so and saves
nothing, instead of "Sparat." for a person who ends up nowhere. And a number already
registered cannot be saved a second time from the form."""

from __future__ import annotations

import os

from textual.widgets import Button, Input

from tests.services.test_no_silent_loss import names
from tests.tui.helpers import settle, type_text
from tests.tui.test_untrusted_text import rendered
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.privacy.backup import backup
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.people.individual_form import IndividualFormScreen


async def test_saving_after_the_file_was_replaced_is_refused_with_a_clear_message(
    db, user, tmp_path
):
    copy = backup(db.path, tmp_path / "kopia.db").path
    app = UngApp(db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#birth_date", Input).focus()
        await type_text(pilot, "2005-03-17")
        app.screen.query_one("#last_name", Input).focus()
        await type_text(pilot, "Borta")
        os.replace(db.path, tmp_path / "undan.db")
        os.replace(copy, db.path)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause(0.2)
        assert isinstance(app.screen, IndividualFormScreen)  # nothing pretended to be saved
        text, _raw = rendered(app)
        assert "Databasfilen har bytts ut" in text
        assert "Sparat." not in text
    assert names(db.path) == []


async def test_a_number_already_registered_is_not_saved_twice_from_the_form(db, user):
    save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "0503179806")
        app.screen.query_one("#first_name", Input).focus()
        await type_text(pilot, "Dubblett")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        labels = [str(b.label) for b in app.screen.query(Button)]
        assert labels == ["Öppna befintlig", "Avbryt"]
    assert names(db.path) == ["Åsa"]
