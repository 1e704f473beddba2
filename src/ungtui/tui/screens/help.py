"""F1: how to use what is on screen."""

from __future__ import annotations

from importlib.resources import files

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from ungtui.tui.widgets.footer import KeyFooter


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Stäng", id="close_help"),
        Binding("f1", "close", "Stäng", show=False),
        Binding("q", "close", "Stäng", show=False),
    ]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        text = files("ungtui.tui").joinpath("help.md").read_text(encoding="utf-8")
        with VerticalScroll(id="help"):
            yield Markdown(text)
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss()
