"""The idle lock: covers everything until a key, or the lock passphrase, is given."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ungtui.services.privacy.privacy_settings import passphrase_matches


class LockScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    LockScreen { background: $background 100%; align: center middle; }
    LockScreen > Vertical {
        width: 60; height: auto; padding: 1 2; border: round $primary;
    }
    LockScreen #lock-title { text-style: bold; }
    LockScreen #lock-error { color: $error; }
    """

    def __init__(self, passphrase_hash: str) -> None:
        super().__init__()
        self._hash = passphrase_hash

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("ungtui är låst", id="lock-title")
            if self._hash:
                yield Static(
                    "Skärmen låstes efter en stund utan tangenttryck. Skriv lösenfrasen "
                    "för att fortsätta."
                )
                yield Input(password=True, id="lock-passphrase")
                yield Static("", id="lock-error")
            else:
                yield Static(
                    "Skärmen låstes efter en stund utan tangenttryck. "
                    "Tryck på valfri tangent för att fortsätta."
                )

    @property
    def takes_any_key(self) -> bool:
        """Without a passphrase any key lifts the lock, Tab too (UngApp.check_action)."""
        return not self._hash

    def on_key(self, event: events.Key) -> None:
        if not self._hash:
            event.stop()
            self.dismiss()

    @on(Input.Submitted, "#lock-passphrase")
    def _try(self, event: Input.Submitted) -> None:
        self._check(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _check(self, text: str) -> None:
        # scrypt takes a moment: off the UI thread.
        if passphrase_matches(text, self._hash):
            self.app.call_from_thread(self.dismiss)
        else:
            self.app.call_from_thread(self._wrong)

    def _wrong(self) -> None:
        self.query_one("#lock-passphrase", Input).value = ""
        self.query_one("#lock-error", Static).update("Fel lösenfras. Försök igen.")
