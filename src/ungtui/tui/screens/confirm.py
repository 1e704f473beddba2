"""A yes/no question in a modal, answered by key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from ungtui.tui.widgets.plain import plain


class ConfirmScreen(ModalScreen[str | None]):
    """Asks a question; dismisses with the id of the chosen button, or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Avbryt"),
        # The buttons stand side by side: the arrows move between them, as Tab does.
        Binding("right", "app.focus_next", show=False),
        Binding("left", "app.focus_previous", show=False),
    ]

    def __init__(self, title: str, text: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._choices = choices  # (id, label); the first is the default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # Questions quote names and file names: shown as text, never as markup.
            yield Static(plain(self._title), classes="dialog-title")
            yield Static(plain(self._text, multiline=True), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                for index, (choice_id, label) in enumerate(self._choices):
                    variant: ButtonVariant = "primary" if index == 0 else "default"
                    yield Button(plain(label), id=choice_id, variant=variant)

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
