"""Text from people is shown as text: never read as markup, never steering the terminal.

A name like `[/]Trasig` or `[@click=app.quit]` is a name; an escape sequence in a field
from a peer's file must not reach the terminal. Everything a screen shows that came from a
user, a spreadsheet or another install goes through `plain` (or a `PlainTable`), which
gives a `rich.text.Text` with steering characters removed (domain.fields.for_display).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.style import Style, StyleType
from rich.text import Text
from textual.widgets import DataTable, Select
from textual.widgets.data_table import ColumnKey, RowKey

from ungtui.domain.fields import for_display, steering_spans

Part = str | Text | tuple[str, StyleType] | None


def plain(*parts: Part, multiline: bool = False, style: StyleType = "") -> Text:
    """One Text of the parts: a str is shown as written, (text, style) styled, a Text as
    it is (already made here). Nothing is parsed as markup."""
    out = Text(style=style, end="")
    for part in parts:
        if part is None:
            continue
        if isinstance(part, Text):
            out.append_text(clean_text(part))
        elif isinstance(part, tuple):
            out.append(for_display(part[0], multiline=multiline), part[1])
        else:
            out.append(for_display(part, multiline=multiline))
    return out


def clean_text(text: Text) -> Text:
    """A Text someone built from data (Text(name) is no markup, but an escape code in the
    name would still reach the terminal), with its steering characters removed and its
    styles kept."""
    spans = steering_spans(text.plain)
    if not spans:
        return text
    result = text.copy()
    for start, end in reversed(spans):  # from the end, so earlier offsets stay valid
        result = result[:start] + result[end:]
    return result


def lines(rows: Iterable[Part | Text]) -> Text:
    """Texts on lines of their own (a block of a detail view)."""
    return Text("\n", end="").join(
        row if isinstance(row, Text) else plain(row) for row in rows if row is not None
    )


def bold(text: str) -> tuple[str, Style]:
    return (text, Style(bold=True))


def input_value(text: object) -> str:
    """Stored text put in an Input or a TextArea to be edited: nothing that steers. Line
    breaks stay, so that saving unchanged text does not change it."""
    return for_display(text, multiline=True)


def _cell(value: object) -> object:
    # Numbers and dates DataTable already shows as plain text.
    if isinstance(value, str):
        return plain(value)
    return clean_text(value) if isinstance(value, Text) else value


def label_text(value: str | Text) -> Text:
    """A row or column label as text, never markup."""
    return plain(value) if isinstance(value, str) else clean_text(value)


class PlainTable(DataTable):
    """A DataTable whose str cells and labels are text, not markup (DataTable would parse
    every str cell as Rich markup: one name with `[/]` in it stopped the app)."""

    def add_column(
        self,
        label: str | Text,
        *,
        width: int | None = None,
        key: str | None = None,
        default: object | None = None,
    ) -> ColumnKey:
        return super().add_column(label_text(label), width=width, key=key, default=default)

    def add_row(
        self,
        *cells: object,
        height: int | None = 1,
        key: str | None = None,
        label: str | Text | None = None,
    ) -> RowKey:
        return super().add_row(
            *(_cell(c) for c in cells),
            height=height,
            key=key,
            label=None if label is None else label_text(label),
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: object,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, _cell(value), update_width=update_width)


class PlainSelect(Select):
    """A Select whose option labels are text: organisations, staff and sheet names come
    from people and other installs."""

    def __init__(self, options=(), **kwargs) -> None:
        super().__init__(_plain_options(options), **kwargs)

    def set_options(self, options) -> None:
        super().set_options(_plain_options(options))


def _plain_options(pairs) -> list:
    return [(plain(label) if isinstance(label, str) else label, value) for label, value in pairs]
