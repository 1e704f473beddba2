"""This install's privacy settings: idle lock time and passphrase, screen-share in meetings."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import Checkbox, Header, Input, Static

from ungtui.services.privacy.privacy_settings import privacy_settings, save_privacy_settings
from ungtui.tui.screens.form_base import FormScreen
from ungtui.tui.widgets.footer import KeyFooter
from ungtui.tui.widgets.form import FormField, FormScroll


class PrivacySettingsScreen(FormScreen[None]):

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Integritet på den här datorn", classes="screen-title")
        with FormScroll(id="form"):
            yield FormField(
                "Lås skärmen efter så många minuter utan tangenttryck",
                Input(id="idle_minutes"),
                name="idle_minutes",
                hint="0 = lås aldrig. Standard är 10 minuter.",
            )
            yield FormField(
                "Ny lösenfras för att låsa upp",
                Input(password=True, id="passphrase"),
                name="passphrase",
                hint="Tomt = behåll som det är. Utan lösenfras låser valfri tangent upp.",
            )
            yield Checkbox("Ta bort lösenfrasen", id="remove_passphrase")
            yield Checkbox("Skärmdelning slås på när Möten öppnas", id="share_in_meetings")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        settings = privacy_settings(self.app.db)
        self.app.call_from_thread(self._fill, settings)

    def _fill(self, settings) -> None:
        self.query_one("#idle_minutes", Input).value = str(settings.idle_minutes)
        self.query_one("#share_in_meetings", Checkbox).value = settings.share_in_meetings
        if not settings.lock_passphrase_hash:
            self.query_one("#remove_passphrase", Checkbox).display = False
        self.query_one("#idle_minutes", Input).focus()
        self.call_after_refresh(self.mark_clean)

    def action_save(self) -> None:
        self._save(
            self.query_one("#idle_minutes", Input).value,
            self.query_one("#passphrase", Input).value,
            self.query_one("#remove_passphrase", Checkbox).value,
            self.query_one("#share_in_meetings", Checkbox).value,
        )

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, minutes: str, passphrase: str, remove: bool, share: bool) -> None:
        def write() -> None:
            # The app reads its settings once; it has the new ones from here on.
            self.app.privacy = save_privacy_settings(
                self.app.db,
                idle_minutes=minutes,
                new_passphrase=passphrase,
                remove_passphrase=remove,
                share_in_meetings=share,
            )

        self.save_and_close(write, "Inställningarna är sparade.")
