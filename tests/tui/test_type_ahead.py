"""Keys typed in one burst while a screen opens reach it, in the order typed: on a slow
machine a caseworker types F2, "n" and the personnummer, or her name as the first run
starts, without waiting for the screens to appear. The form's scrolling body took the focus
first and swallowed those keys (FormScroll), and the register's search field held the focus
until the list took it, so "n" was typed into the search. The keys are sent as a terminal
sends them, without waiting in between (Pilot's press waits until each key is handled)."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Input

import ungtui.tui.app as app_module
from tests.tui.helpers import burst, settle
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import list_staff
from ungtui.store.database import open_database
from ungtui.tui.app import UngApp
from ungtui.tui.screens.help import HelpScreen
from ungtui.tui.screens.people import individual_form
from ungtui.tui.screens.people.individual_form import IndividualFormScreen
from ungtui.tui.screens.setup import SetupScreen


async def test_keys_typed_while_a_screen_opens_reach_it(db, user, opens_on_min_dag, monkeypatch):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "f1", "escape")
        await settle(pilot)
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)  # the Esc closed the help it opened

        # F2 from Min dag, "n" before the register has shown, and the number.
        burst(app, "f2", "n", "2", "0", "0", "3", "0", "1", "0", "1")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, IndividualFormScreen)
        assert app.screen.query_one("#identity", Input).value == "20030101"
        # What was typed before the form first showed is a change all the same: Esc asks.
        assert app.screen.has_changes()

        # A key typed in a field without an error lays nothing out: neither clearing the
        # absent error again nor the field's wider text (tui.widgets.input_layout).
        app.screen.query_one("#first_name", Input).focus()
        await settle(pilot)
        layouts = []
        screen = app.screen
        lay_out = screen._refresh_layout

        def counted(*args, **kwargs):
            layouts.append(1)
            return lay_out(*args, **kwargs)

        monkeypatch.setattr(screen, "_refresh_layout", counted)
        for key in "Märta":
            await pilot.press(key)
        assert app.screen.query_one("#first_name", Input).value == "Märta"
        assert layouts == []
        monkeypatch.undo()

        # An edit form whose load comes after a key typed in it keeps that key: the load
        # fills the other fields, and the typed one stays a change.
        person = save_individual(
            db,
            IndividualInput(identity="20040506-1235", first_name="Åsa", last_name="Öberg"),
            actor_id=user.staff_id,
            organisation_id=user.organisation_id,
        )
        gate = threading.Event()
        load = individual_form.get_individual

        def held_back(*args, **kwargs):
            gate.wait(10)
            return load(*args, **kwargs)

        monkeypatch.setattr(individual_form, "get_individual", held_back)
        app.pop_screen()
        app.push_screen(IndividualFormScreen(person))
        await pilot.pause()
        burst(app, "0", "7", "0")
        await pilot.pause()
        assert form_field(app, "#identity") == "070"  # typed while the load is held back
        gate.set()
        await settle(pilot)
        await settle(pilot)
        form = app.screen
        assert form_field(app, "#identity") == "070"
        assert form.query_one("#first_name", Input).value == "Åsa"
        assert form.query_one("#last_name", Input).value == "Öberg"
        assert form.has_changes()
        form.query_one("#identity", Input).value = "20040506-1235"
        assert not form.has_changes()  # the rest of the fill counts as unchanged

        # A key typed right after a load, before the screen is drawn again, is a change:
        # the loaded state is taken as the load fills the fields, not after the refresh.
        staff = [s for s in list_staff(db) if s.organisation_id == user.organisation_id]
        form._fill(staff, load(db, person, organisation_id=user.organisation_id))
        form.query_one("#phone", Input).value = "070-111 22 33"
        await settle(pilot)
        # (The second load's fresh caseworker list is itself a change here; the phone is
        # what this checks, in the form's picture of what was loaded.)
        assert form.has_changes()
        assert dict(form._clean or ())["phone"] == ""


def form_field(app: UngApp, selector: str) -> str:
    return app.screen.query_one(selector, Input).value


class KeysWaitingAtStart(UngApp):
    """Keys typed while the program starts wait in the terminal and all come in at once,
    before the first screen is up."""

    CSS_PATH = str(Path(app_module.__file__).with_name("app.tcss"))

    def on_mount(self) -> None:
        burst(self, "Å", "s", "a", "tab", "x")
        super().on_mount()


async def test_a_name_typed_while_the_first_run_opens_is_kept(tmp_path):
    db = open_database(tmp_path / "ny.db")
    app = KeysWaitingAtStart(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        assert app.screen.query_one("#name", Input).value == "Åsa"
        assert app.screen.query_one("#role", Input).value == "x"
    db.close()
