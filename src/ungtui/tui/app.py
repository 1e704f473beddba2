"""The Textual application: thin; the screens do the work."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen

from ungtui.services.organisations import CurrentUser, current_user
from ungtui.store.database import Database
from ungtui.tui.commands import PersonCommands
from ungtui.tui.screens.help import HelpScreen
from ungtui.tui.screens.setup import SetupScreen
from ungtui.tui.sections import HOME, SECTIONS


class UngApp(App[None]):
    TITLE = "ungtui"
    SUB_TITLE = "Deltagare"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {PersonCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("f1", "help", "Hjälp", id="help"),
        Binding("ctrl+p", "command_palette", "Hitta", show=False, priority=True, id="find"),
        Binding("ctrl+q", "quit", "Avsluta", priority=True, id="quit"),
        *(
            # Shown by the section bar, not the footer; priority so they work while typing.
            Binding(s.key, f"section('{s.mode}')", s.title, show=False, priority=True)
            for s in SECTIONS
        ),
    ]
    MODES = {s.mode: s.make_screen for s in SECTIONS}

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.user: CurrentUser | None = None

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.user = current_user(self.db)
        if self.user is None:
            self.push_screen(SetupScreen(), self._after_setup)
        else:
            self._open_register()

    def _after_setup(self, user: CurrentUser | None) -> None:
        if user is None:
            self.exit()
            return
        self.user = user
        self._open_register()
        from ungtui.tui.screens.processes import offer_starting_content

        offer_starting_content(self)

    def _open_register(self) -> None:
        assert self.user is not None
        self.sub_title = f"{self.user.name} · {self.user.unit_name}, {self.user.organisation_name}"
        self.switch_mode(HOME)

    def action_section(self, mode: str) -> None:
        if self.user is not None and self.current_mode != mode:
            self.switch_mode(mode)

    def back_to_home(self) -> None:
        """Escape on a section's first screen goes back to the register."""
        self.action_section(HOME)

    def action_new_individual(self) -> None:
        from ungtui.tui.screens.individual_form import IndividualFormScreen

        self.push_screen(IndividualFormScreen(None))

    def action_sync(self) -> None:
        self.action_section("synk")

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(
                CommandPalette(placeholder="Sök person (namn eller nummer) eller kommando …")
            )

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Hjälp", "Visa tangenter och hjälp (F1)", self.action_help)
        yield SystemCommand(
            "Synk", "Exportera, läs in synkfiler, lös konflikter och dubbletter", self.action_sync
        )
        yield SystemCommand(
            "Byt färgtema", "Välj färger som passar din skärm", self.action_change_theme
        )
        yield SystemCommand("Avsluta", "Stäng ungtui (Ctrl+Q)", self.exit)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def open_individual(self, individual_id: str) -> None:
        from ungtui.tui.screens.individual_detail import IndividualDetailScreen

        self.push_screen(IndividualDetailScreen(individual_id))
