"""The Textual application: thin; the screens do the work."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.content import Content
from textual.screen import Screen

from ungtui.domain.fields import for_display
from ungtui.services.start import CurrentUser, current_user, privacy_settings
from ungtui.store.database import Database
from ungtui.tui.app_base import UngAppBase
from ungtui.tui.commands import Palette, PersonCommands, ProcessCommands, ThemeCommands
from ungtui.tui.garbage import collect_in_larger_batches, leave_start_objects_alone
from ungtui.tui.keys import alt_digit, focus_opening_list, run_shortcut_now
from ungtui.tui.sections import HOME, SECTIONS
from ungtui.tui.widgets.input_layout import typing_lays_out_only_the_field

typing_lays_out_only_the_field()


class UngApp(UngAppBase):
    TITLE = "ungtui"
    SUB_TITLE = ""  # the user, unit and organisation once known (_open_register)
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {PersonCommands, ProcessCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS = [
        Binding("f1", "help", "Hjälp", id="help", show=False),
        Binding("ctrl+p", "command_palette", "Hitta", show=False, priority=True, id="find"),
        Binding("ctrl+q", "quit", "Avsluta", priority=True, id="quit"),
        # Priority, so that focus moves as the key is read: as a plain binding Tab first
        # goes to the field and back up, and letters typed right after it (type-ahead on a
        # slow machine) land in the field being left.
        Binding("tab", "focus_next", show=False, priority=True, id="next_field"),
        Binding("shift+tab", "focus_previous", show=False, priority=True, id="previous_field"),
        Binding(
            "f9", "toggle_screen_share", "Dela skärm", priority=True, show=False, id="screen_share"
        ),
        *(
            # Shown by the section bar, not the footer; priority so they work while typing.
            Binding(s.key, f"section('{s.mode}')", s.title, show=False, priority=True)
            for s in SECTIONS
        ),
    ]
    MODES = {s.mode: s.make_screen for s in SECTIONS}
    SECTIONS = SECTIONS
    # Where the app opens; Esc from the start of a section leads here too.
    START_SECTION = HOME
    # Screens read these classes to fit 80 columns and 24 lines (see app.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    IDLE_CHECK_SECONDS = 5.0

    def __init__(self, db: Database, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.db = db
        self.user: CurrentUser | None = None
        self._monotonic = monotonic  # tests move time forward instead of waiting
        self._last_activity = monotonic()
        self.locked = False
        self._first_frame_shown = False
        self._after_first_frame: list[Callable[[], object]] = []
        self._start_settled = False
        self._asking_to_quit = False

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the first frame is on the terminal (soon, if it is already):
        for work that would hold that frame back. A worker importing SQLAlchemy keeps the
        GIL so busy that Textual's first frame waits until it is done."""
        if self._first_frame_shown:
            self.call_later(callback)
        else:
            self._after_first_frame.append(callback)

    def _display(self, screen: Screen, renderable: object) -> None:
        # Textual's display step, which also runs for frames it skips (during a batch, or
        # with nothing to draw); its public post_display_hook cannot tell those apart.
        super()._display(screen, renderable)  # type: ignore[arg-type]
        if renderable is not None and not self._batch_count and not self._first_frame_shown:
            self._first_frame_shown = True
            for callback in self._after_first_frame:
                self.call_later(callback)
            self._after_first_frame.clear()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Tab is a priority binding (above); on the idle lock that says "press any key"
        # it must reach the lock as a key like any other.
        if action in ("focus_next", "focus_previous"):
            return not getattr(self.screen, "takes_any_key", False)
        return True

    def on_mount(self) -> None:
        collect_in_larger_batches()
        self.theme = "textual-dark"
        # Read once here and again when changed, not on every idle check.
        self.privacy = privacy_settings(self.db)
        self.set_interval(self.IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.user = current_user(self.db)
        if self.user is None:
            from ungtui.tui.screens.setup import SetupScreen

            self.push_screen(SetupScreen(), self._after_setup)
        else:
            self._open_register()

    def start_settled(self) -> None:
        """The start section has read everything it shows; what start-up imported and made
        stays alive for the whole session."""
        if not self._start_settled:
            self._start_settled = True
            leave_start_objects_alone()

    def _after_setup(self, user: CurrentUser | None) -> None:
        if user is None:
            self.exit()
            return
        self.user = user
        self._open_register()
        from ungtui.tui.screens.processes.processes import offer_starting_content

        offer_starting_content(self)

    def _open_register(self) -> None:
        assert self.user is not None
        self.sub_title = f"{self.user.name} · {self.user.unit_name}, {self.user.organisation_name}"
        self.switch_mode(self.START_SECTION)

    def action_section(self, mode: str) -> None:
        """A section's key: to where that section was left, or, pressed in the section
        itself, back to its start (F2 on a person: the list)."""
        if self.user is None or self.locked:
            return
        if self.current_mode == mode:
            self.back_to_section_start()
            return
        self.switch_mode(mode)
        if mode == "moten" and self.privacy.share_in_meetings:
            self.screen_share = True

    def back_to_section_start(self) -> None:
        """Close everything opened in this section; a form with typed changes asks first."""
        from ungtui.tui.screens.base import UngScreen
        from ungtui.tui.screens.form_base import FormBehaviour

        while len(self.screen_stack) > 1:
            top = self.screen
            if isinstance(top, FormBehaviour) and top.has_changes():
                top.ask_before_closing(then=self.back_to_section_start)
                return
            self.pop_screen()
        if isinstance(self.screen, UngScreen):
            self.screen.start_again()

    async def action_quit(self) -> None:
        """Ctrl+Q asks first when a form, in any section, has typed changes; Esc in that
        form would ask too. Ctrl+Q again on that question quits."""
        mode = self._form_with_changes()
        if mode is None or self._asking_to_quit:
            self.exit()
            return
        from ungtui.tui.screens.confirm import ConfirmScreen

        def answer(choice: str | None) -> None:
            self._asking_to_quit = False
            if choice == "quit":
                self.exit()
            elif mode != self.current_mode:
                self.switch_mode(mode)  # back to the form, on top of its section

        self._asking_to_quit = True
        self.push_screen(
            ConfirmScreen(
                "Avsluta utan att spara?",
                "Ett formulär har ändringar som inte är sparade.",
                [("stay", "Fortsätt redigera"), ("quit", "Avsluta utan att spara")],
            ),
            answer,
        )

    def _form_with_changes(self) -> str | None:
        """The section (mode) of a form with typed changes, if any."""
        from ungtui.tui.screens.form_base import FormBehaviour

        # The current section's forms first: that is where the user was typing.
        stacks = sorted(self._screen_stacks.items(), key=lambda item: item[0] != self.current_mode)
        for mode, stack in stacks:
            for screen in reversed(stack):
                if isinstance(screen, FormBehaviour) and screen.has_changes():
                    return mode
        return None

    # --- screen-share mode and the idle lock ----------------------------------------

    def action_toggle_screen_share(self) -> None:
        if not self.locked:
            self.screen_share = not self.screen_share

    def watch_screen_share(self, on: bool) -> None:
        self.title = "ungtui · SKÄRMDELNING PÅ (F9 stänger av)" if on else "ungtui"

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_activity = self._monotonic()
        if isinstance(event, events.Key):
            # Also as the key comes back up unhandled, when its bindings are looked up.
            focus_opening_list(self)
        if isinstance(event, events.Key) and not event.is_forwarded:
            event = alt_digit(self, event)
            # A list whose search takes letters typed in it (the register) moves the
            # focus now, before the next key is routed, as run_shortcut_now does.
            search_on_typing = getattr(self.screen, "search_on_typing", None)
            if search_on_typing is not None:
                search_on_typing(event)
            if await run_shortcut_now(self, event):
                self.app_focus = True
                return
        if isinstance(event, events.Paste) and not event.is_forwarded:
            from ungtui.tui.paste import one_line_paste

            one_line_paste(self, event)
        await super().on_event(event)

    def lock_if_idle(self) -> None:
        """Lock when the keyboard has been still longer than this install allows."""
        if self.locked or self.user is None:
            return
        settings = self.privacy
        idle = self._monotonic() - self._last_activity
        if settings.idle_minutes and idle >= settings.idle_minutes * 60:
            from ungtui.tui.screens.privacy.lock import LockScreen

            self.locked = True
            self.push_screen(LockScreen(settings.lock_passphrase_hash), self._unlocked)

    def _unlocked(self, _result: object = None) -> None:
        self.locked = False
        self._last_activity = self._monotonic()

    def back_to_home(self) -> None:
        """Escape on a section's first screen goes back to Min dag itself, not to what was
        opened from it earlier (F10 goes there)."""
        self.open_section_start(HOME)

    def open_section_start(self, mode: str) -> None:
        """A section at its first screen (a list, Min dag): what was opened in it is closed,
        a form with typed changes asking first."""
        self.action_section(mode)
        if self.current_mode == mode:
            self.back_to_section_start()

    def action_new_individual(self) -> None:
        from ungtui.tui.screens.people.individual_form import IndividualFormScreen

        self.push_screen(IndividualFormScreen(None))

    def action_sync(self) -> None:
        self.action_section("synk")

    def action_command_palette(self) -> None:
        if self.locked:
            return
        # Textual types the app it asks about as App[object]; ours returns nothing (None).
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(Palette(placeholder="Sök person (namn eller nummer) eller kommando …"))

    def search_themes(self) -> None:
        self.push_screen(Palette(providers=[ThemeCommands], placeholder="Sök färgtema …"))

    def action_help_quit(self) -> None:
        # Ctrl+C outside a text field: Textual would say so in English.
        self.notify("Tryck Ctrl+Q för att avsluta ungtui.", title="Vill du avsluta?")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Min dag", "Det som väntar på dig i dag (F10)", lambda: self.action_section(HOME)
        )
        yield SystemCommand("Hjälp", "Visa tangenter och hjälp (F1)", self.action_help)
        yield SystemCommand(
            "Synk", "Exportera, läs in synkfiler, lös konflikter och dubbletter", self.action_sync
        )
        yield SystemCommand(
            "Skärmdelning",
            "Visa personer med initialer och maskerade nummer (F9)",
            self.action_toggle_screen_share,
        )
        yield SystemCommand(
            "Integritet",
            "Tid till skärmlås, lösenfras för att låsa upp, skärmdelning i möten",
            self.action_privacy_settings,
        )
        yield SystemCommand(
            "Enheter och nämnder",
            "Vilken nämnd varje enhet hör till: sekretess gäller mellan nämnderna",
            self.action_units,
        )
        yield SystemCommand(
            "Byt färgtema", "Välj färger som passar din skärm", self.action_change_theme
        )
        yield SystemCommand("Avsluta", "Stäng ungtui (Ctrl+Q)", self.action_quit)

    # --- text from people is shown as text (tui.widgets.plain) ------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity="information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages quote names, file names and errors
        that came from people, and those are never markup or terminal codes."""
        super().notify(
            for_display(message, multiline=True),
            title=for_display(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def format_title(self, title: str, sub_title: str) -> Content:
        # The sub-title names the user, the unit and the organisation.
        return super().format_title(for_display(title), for_display(sub_title))

    def action_help(self) -> None:
        if self.locked:
            return
        from ungtui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_units(self) -> None:
        from ungtui.tui.screens.people.units import UnitsScreen

        self.push_screen(UnitsScreen())

    def action_privacy_settings(self) -> None:
        from ungtui.tui.screens.privacy.privacy_settings import PrivacySettingsScreen

        self.push_screen(PrivacySettingsScreen())

    # --- navigation: screens open each other's records through these ------------------

    def open_person(self, individual_id: str) -> None:
        from ungtui.tui.screens.people.individual_detail import IndividualDetailScreen

        self.push_screen(IndividualDetailScreen(individual_id))

    def open_process(self, process_id: str) -> None:
        from ungtui.tui.screens.processes.process_detail import ProcessDetailScreen

        self.push_screen(ProcessDetailScreen(process_id))

    def open_agreement(self, agreement_id: str) -> None:
        from ungtui.tui.screens.processes.agreements import AgreementDetailScreen

        self.push_screen(AgreementDetailScreen(agreement_id))

    def open_referral(self, referral_id: str) -> None:
        from ungtui.tui.screens.referrals.referral_detail import ReferralDetailScreen

        self.push_screen(ReferralDetailScreen(referral_id))
