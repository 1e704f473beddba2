"""One line under the header naming the sections and their keys; the current one stands out."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ungtui.tui.sections import SECTIONS


class SectionBar(Static):
    DEFAULT_CSS = """
    SectionBar {
        height: 1;
        padding: 0 1;
        background: $boost;
        color: $text-muted;
    }
    """

    def __init__(self, current: str) -> None:
        super().__init__(self._line(current), id="section-bar")

    @staticmethod
    def _line(current: str) -> Text:
        line = Text()
        for section in SECTIONS:
            label = f"{section.key.upper()} {section.title}"
            if section.mode == current:
                line.append(f" {label} ", style="bold reverse")
            else:
                line.append(f" {label} ")
        # Keys that work everywhere: here, so that each screen's footer has room for its own.
        line.append("   F9 Dela skärm  F1 Hjälp", style="dim")
        return line
