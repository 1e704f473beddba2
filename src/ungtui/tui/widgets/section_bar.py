"""One line under the header naming the sections and their keys; the current one stands out.

It fits the terminal: full titles where they fit, short ones on a narrow screen, and on
the narrowest the keys that work everywhere move to a second line rather than off the
edge.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.screen import Screen
from textual.widget import Widget


@dataclass(frozen=True)
class Section:
    """One of the app's top-level sections (the list is tui.sections.SECTIONS)."""

    mode: str
    key: str
    title: str
    make_screen: Callable[[], Screen]
    short: str = ""  # the title on a narrow screen


GLOBAL_KEYS = "F9 Dela skärm  F1 Hjälp"
GLOBAL_SHORT = "F9 Dela  F1 Hjälp"


def sections_line(
    sections: Sequence[Section], current: str, short: bool, keys_only: bool = False
) -> Text:
    line = Text()
    for index, section in enumerate(sections):
        title = section.short if short and section.mode != current else section.title
        label = f"{section.key.upper()} {title}"
        if keys_only and section.mode != current:
            label = section.key.upper()
        if index:
            line.append(" ")
        if section.mode == current:
            line.append(f" {label} ", style="bold reverse")
        else:
            line.append(label)
    return line


def bar_lines(sections: Sequence[Section], current: str, room: int) -> list[Text]:
    """The bar in `room` columns: one line, or two on the narrowest screens."""
    for short, keys in ((False, GLOBAL_KEYS), (True, GLOBAL_KEYS), (True, GLOBAL_SHORT)):
        line = sections_line(sections, current, short)
        if line.cell_len + 2 + len(keys) <= room:
            line.append("  ")
            line.append(keys, style="dim")
            return [line]
    second = Text(GLOBAL_KEYS, style="dim")
    for short, keys_only in ((True, False), (True, True)):
        line = sections_line(sections, current, short, keys_only)
        if line.cell_len <= room:
            return [line, second]
    return [line, second]


class SectionBar(Widget):
    DEFAULT_CSS = """
    SectionBar {
        height: auto;
        padding: 0 0 0 1;
        background: $boost;
        color: $text-muted;
    }
    """

    def __init__(self, current: str, sections: Sequence[Section]) -> None:
        super().__init__(id="section-bar")
        self.current = current
        # Passed in, not imported: the section list names the screens that show this bar.
        self.sections = sections

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(bar_lines(self.sections, self.current, width))

    def render(self) -> Text:
        return Text("\n").join(bar_lines(self.sections, self.current, self.size.width))
