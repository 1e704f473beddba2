"""F1: how to use what is on screen."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ungtui.tui.widgets.footer import KeyFooter


@lru_cache(maxsize=2)  # F1 again at the same width shows it at once
def markdown_as_text(markdown: str, width: int) -> Text:
    """The Markdown laid out once for `width` columns. Textual's Markdown widget makes a
    widget of every paragraph and list item (300 in the help), and a Static holding Rich's
    Markdown lays it all out again each time it is measured or drawn: the help took 2.4 s
    and 0.6 s of CPU to show, and 0.45 s (0.15 s of it the screen itself) this way."""
    console = Console(width=width, force_terminal=True, color_system="truecolor")
    text = Text()
    for line in console.render_lines(Markdown(markdown), pad=False):
        for segment in line:
            text.append(segment.text, segment.style)
        text.append("\n")
    return text


class HelpText(Static):
    def __init__(self, markdown: str) -> None:
        super().__init__(id="help-text")
        self._markdown = markdown
        self._width = 0

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.update(markdown_as_text(self._markdown, self._width))


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
            yield HelpText(text)
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss()
