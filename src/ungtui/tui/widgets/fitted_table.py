"""A table that fits the terminal, from 80 columns up.

Each column has a priority: when the columns do not fit, the least important go first
(highest number first, 0 never), a growing column (names, texts) takes what is left over
or gives some back, and a cell too long for its column ends in "…". What the highlighted
row holds in hidden or shortened cells is written out in full under the table, in a
RowDetail line, so nothing is lost to a narrow screen.

The table keeps every row's cells for all columns, so it can lay itself out again when
the terminal is resized; it is meant for the pages of a list (a few hundred rows), as
every list here is.

It is a PlainTable: every cell and label is text, never markup, with steering characters
removed before it is measured, shortened or written out under the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable, Static
from textual.widgets.data_table import CellType, DuplicateKey, Row, RowKey

from ungtui.tui.widgets.plain import PlainTable, clean_text, label_text
from ungtui.tui.widgets.plain import plain as plain_text

ELLIPSIS = "…"
# A cell may be worked out for the width it gets (a title with a snippet under it).
Renderer = Callable[[int], Text]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    priority: int = 0  # 0: always shown; higher numbers are left out first
    grow: bool = False  # takes the room left over, gives back down to `least`
    least: int = 10


def fit_columns(columns: Sequence[Column], room: int, padding: int = 1) -> list[tuple[Column, int]]:
    """The columns shown in `room` cells, with their widths, in their order. A growing
    column gives back down to its `least` before any column is left out."""
    shown = list(columns)

    def need(cols: list[Column]) -> int:
        return sum(min(c.width, c.least) if c.grow else c.width for c in cols) + (
            2 * padding * len(cols)
        )

    while need(shown) > room:
        droppable = [c for c in shown if c.priority > 0]
        if not droppable:
            break
        # The least important goes first; of equals, the one furthest right.
        worst = max(droppable, key=lambda c: (c.priority, shown.index(c)))
        shown.remove(worst)
    spare = room - need(shown)
    growing = [c for c in shown if c.grow]
    widths = {c.key: min(c.width, c.least) if c.grow else c.width for c in shown}
    if growing:
        share, rest = divmod(max(spare, 0), len(growing))
        for index, c in enumerate(growing):
            widths[c.key] += share + (1 if index < rest else 0)
    return [(c, widths[c.key]) for c in shown]


def plain(cell: object) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return "" if cell is None else str(cell)


def shortened(cell: object, width: int) -> object:
    """A cell cut to `width` with "…" at the end, keeping a Text's style."""
    if isinstance(cell, Text):
        if cell.cell_len <= width or "\n" in cell.plain:
            return cell
        cut = cell.copy()
        cut.truncate(width, overflow="ellipsis")
        return cut
    text = plain(cell)
    if len(text) <= width:
        return cell
    return text[: max(width - 1, 0)] + ELLIPSIS


_MADE_LIMIT = 20_000
# DataTable's bookkeeping of rows that add_rows_at_once does itself (Textual 8).
_ROW_FIELDS = ("_row_locations", "_data", "rows", "_new_rows", "_update_count",
               "_require_update_dimensions", "_highlight_cursor")  # fmt: skip


class RowDetail(Static):
    """Under a FittedTable: the highlighted row's hidden and shortened cells in full."""

    DEFAULT_CSS = """
    RowDetail { height: auto; min-height: 1; max-height: 3; padding: 0 1; color: $text-muted; }
    """


def _clean(cell: object) -> object:
    """A cell as text (PlainTable's rule: never markup, no steering characters), before
    it is measured, cut or written out under the table."""
    if isinstance(cell, str):
        return plain_text(cell)
    return clean_text(cell) if isinstance(cell, Text) else cell


class FittedTable(PlainTable):
    def __init__(
        self,
        columns: Sequence[Column],
        *,
        detail: str | None = None,
        id: str | None = None,
        **options,
    ) -> None:
        super().__init__(id=id, **options)
        self.specs: list[Column] = list(columns)
        self._detail_id = detail
        self._full: dict[RowKey, tuple[tuple, int | None]] = {}
        self._shown = [(c, c.width) for c in self.specs]
        self._serial = 0
        # A str cell as shown at a width, made once: a page's ages, statuses, groups and
        # empty cells repeat, and each made anew was most of the time a page took to add.
        # The Texts are shared between cells and never changed in place.
        self._made: dict[tuple[str, int], object] = {}

    @property
    def _shown(self) -> list[tuple[Column, int]]:
        return self._shown_columns

    @_shown.setter
    def _shown(self, shown: list[tuple[Column, int]]) -> None:
        self._shown_columns = shown
        index = {c.key: i for i, c in enumerate(self.specs)}
        # Where each shown column's cell is in a row as given, and its width.
        self._plan = [(index[c.key], width) for c, width in shown]

    def on_mount(self) -> None:
        self._add_columns()

    # --- columns ---------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column]) -> None:
        """New columns (the rows go with the old ones)."""
        self.specs = list(columns)
        self._full.clear()
        super().clear(columns=True)
        self._shown = self._fit() if self.size.width else [(c, c.width) for c in self.specs]
        self._add_columns()

    def _room(self) -> int:
        return self.size.width - self.styles.scrollbar_size_vertical

    def _fit(self) -> list[tuple[Column, int]]:
        return fit_columns(self.specs, self._room(), self.cell_padding)

    def _add_columns(self) -> None:
        for column, width in self._shown:
            super().add_column(column.label, width=width, key=column.key)

    def on_resize(self) -> None:
        if not self.size.width:
            return
        fitted = self._fit()
        if [(c.key, w) for c, w in fitted] == [(c.key, w) for c, w in self._shown]:
            return
        keep = self.cursor_row
        self._shown = fitted
        super().clear(columns=True)
        self._add_columns()
        for key, (cells, height) in self._full.items():
            super().add_row(*self._visible(cells), key=key.value, height=height)
        if self.row_count:
            self.move_cursor(row=min(keep, self.row_count - 1))
        self._show_detail()

    # --- rows --------------------------------------------------------------------------

    def _visible(self, cells: tuple) -> list:
        shown = []
        made = self._made
        for index, width in self._plan:
            cell = cells[index] if index < len(cells) else ""
            if type(cell) is str:
                key = (cell, width)
                text = made.get(key)
                if text is None:
                    if len(made) >= _MADE_LIMIT:
                        made.clear()
                    text = made[key] = shortened(plain_text(cell), width)
                shown.append(text)
                continue
            if callable(cell):
                cell = cell(width)
            shown.append(shortened(_clean(cell), width))
        return shown

    def add_row(
        self,
        *cells: CellType | Renderer,
        height: int | None = 1,
        key: str | None = None,
        label=None,
    ) -> RowKey:
        if key is None:
            self._serial += 1
            key = f"row-{self._serial}"
        # The cells are text already (_visible); PlainTable would clean them once more.
        row_key = DataTable.add_row(
            self,
            *self._visible(cells),
            height=height,
            key=key,
            label=None if label is None else label_text(label),
        )
        self._full[row_key] = (tuple(cells), height)
        if self.cursor_row == self.row_count - 1:
            self._show_detail()
        return row_key

    def add_rows_at_once(self, rows: Sequence[tuple[str, Sequence[CellType]]]) -> None:
        """Rows of height 1, (key, cells) each, as add_row adds them one by one, with
        DataTable's bookkeeping for a new row done once for them all: per row it set the
        cursor anew, listed the columns twice and asked for an idle pass, which was most
        of the time a page of a hundred rows took to add. That bookkeeping is DataTable's
        own (Textual 8); where it is not as expected, the rows go in one by one."""
        if not all(hasattr(self, name) for name in _ROW_FIELDS) or not self._columns_ready():
            for key, cells in rows:
                self.add_row(*cells, key=key)
            return
        if not rows:
            return
        keys = [RowKey(key) for key, _cells in rows]
        # Checked before any row goes in, so that a refused page leaves the table whole.
        seen: set[RowKey] = set()
        for row_key in keys:
            if row_key in self._row_locations or row_key in seen:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            seen.add(row_key)
        column_keys = [column.key for column in self.ordered_columns]
        was_empty = self.row_count == 0
        for row_key, (_key, cells) in zip(keys, rows, strict=True):
            self._row_locations[row_key] = self.row_count
            self._data[row_key] = dict(zip(column_keys, self._visible(tuple(cells)), strict=True))
            self.rows[row_key] = Row(row_key, 1, None, False)
            self._new_rows.add(row_key)
            self._full[row_key] = (tuple(cells), 1)
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()
        self._show_detail()

    def _columns_ready(self) -> bool:
        # Every shown column in the table, in the same order as the plan.
        return [c.key.value for c in self.ordered_columns] == [c.key for c, _w in self._shown]

    def update_cell(self, row_key, column_key, value, *, update_width: bool = False) -> None:
        column = column_key.value if hasattr(column_key, "value") else column_key
        self._put(row_key, column, value, update_width)
        self._show_detail()

    def update_cells(self, changes: dict[str, dict[str, object]]) -> None:
        """New values for many cells: {row key: {column key: value}}; rows no longer in
        the table are passed over. The line under the table is written once."""
        for row_key, cells in changes.items():
            if RowKey(row_key) not in self._full:
                continue
            for column, value in cells.items():
                self._put(row_key, column, value, False)
        self._show_detail()

    def _put(self, row_key, column: str, value, update_width: bool) -> None:
        key = row_key if isinstance(row_key, RowKey) else RowKey(row_key)
        cells, height = self._full[key]
        position = [c.key for c in self.specs].index(column)
        cells = (*cells[:position], value, *cells[position + 1 :])
        self._full[key] = (cells, height)
        width = next((w for c, w in self._shown if c.key == column), None)
        if width is not None:
            shown = _clean(value(width)) if callable(value) else shortened(_clean(value), width)
            super().update_cell(key, column, shown, update_width=update_width)

    def remove_row(self, row_key) -> None:
        self._full.pop(row_key if isinstance(row_key, RowKey) else RowKey(row_key), None)
        super().remove_row(row_key)

    def clear(self, columns: bool = False):
        self._full.clear()
        if columns:
            self.specs = []
            self._shown = []
        result = super().clear(columns)
        self._show_detail()
        return result

    def full_row(self, row_key) -> tuple:
        """Every cell of a row as it was given, hidden columns too."""
        return self._full[row_key if isinstance(row_key, RowKey) else RowKey(row_key)][0]

    # --- the detail line -----------------------------------------------------------------

    def detail_text(self) -> str:
        """What the highlighted row holds that the screen does not show in full."""
        if not self.row_count:
            return ""
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        cells, _height = self._full.get(key, ((), 1))
        widths = {c.key: w for c, w in self._shown}
        parts = []
        for index, column in enumerate(self.specs):
            cell = cells[index] if index < len(cells) else ""
            width = widths.get(column.key)
            if callable(cell) and width is not None:
                continue  # worked out for its width: shortened on purpose
            text = " ".join(plain(_clean(cell(10_000) if callable(cell) else cell)).split())
            if not text:
                continue
            if width is None or len(text) > width:
                parts.append(f"{column.label}: {text}" if column.label else text)
        return " · ".join(parts)

    def _show_detail(self) -> None:
        if self._detail_id is None or not self.is_mounted:
            return
        found = self.screen.query(f"#{self._detail_id}")
        if found:
            found.first(Static).update(plain_text(self.detail_text()))

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        # DataTable sets the cursor anew, unmoved, with every row it adds: writing the
        # line again for each was a third of the time a list page took to show. Rows,
        # cells and a cleared table write it themselves.
        if old != new:
            self._show_detail()
