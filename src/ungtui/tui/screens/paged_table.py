"""What every list paged from SQL shares: the first page when the list (re)loads, the next
one as the cursor nears the end of what is loaded, and pages of an older query dropped
when they arrive after a newer one was asked for (a search typed on, a filter changed).

A list says how to fetch a page (`fetch_page`, in a worker thread) and how to show its
rows (`show_rows`); `page_shown` updates its status line. A list whose count of all
matches is slower than its page (the register at 100,000 people) leaves the first page's
total out and counts in `count_total`: the names are on screen before the count. A list
whose rows have columns that cost more than the names (the register's caseworker and way
marks) fetches them empty and fills them in `fill_rows`, in the same worker after the
page; `show_filled` puts them in. Work for a list that was asked for anew in the meantime
is not done: the newer one does its own. A list with `SETTLE` set fills in and counts a
first page only once it is shown and nothing newer was asked for in that many seconds:
while a search is typed, the letters come faster than that, and no fill, count or their
redraw slows the next letter's page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from textual import on, work
from textual.message import Message
from textual.widgets import DataTable

from ungtui.tui.screens.base import UngScreen

Row = TypeVar("Row")


@dataclass
class Page(Generic[Row]):
    rows: list[Row]
    # Counted with the first page only: later pages leave the total as it was.
    total: int | None = None
    # What else a list's first page brings: counts per view, the time the answer took.
    extra: Any = None


@dataclass
class _Asked:
    """One list asked for (a reload): set when its first page is on screen, and when a
    newer list was asked for instead (then it will not be shown)."""

    shown: threading.Event = field(default_factory=threading.Event)
    superseded: threading.Event = field(default_factory=threading.Event)

    def drop(self) -> None:
        self.superseded.set()
        self.shown.set()


# A worker never waits longer than this for its page to be shown (a screen gone meanwhile).
_SHOWN_WAIT = 5.0


class PagedTableScreen(UngScreen[None], Generic[Row]):
    PAGE_SIZE: ClassVar[int] = 100
    # Fetch the next page when the cursor comes this close to the last loaded row.
    PREFETCH_MARGIN: ClassVar[int] = 20
    # A reloaded list keeps the cursor on the same line (a search ranked anew does not).
    KEEP_CURSOR: ClassVar[bool] = True
    # Seconds of quiet after a first page is shown before it is filled in and counted.
    SETTLE: ClassVar[float] = 0.0

    @dataclass
    class PageLoaded(Message):
        generation: int
        offset: int
        page: Page[Any]

    @dataclass
    class Counted(Message):
        generation: int
        total: int

    @dataclass
    class PageFilled(Message):
        generation: int
        rows: list[Any]

    def __init__(self) -> None:
        super().__init__()
        self._generation = 0
        self._loaded = 0
        self._total = 0
        self._loading_more = False
        self._counting = False
        self._asked = _Asked()

    # --- what each list says ---------------------------------------------------------

    def paged_table(self) -> DataTable:
        raise NotImplementedError

    def fetch_page(self, offset: int, limit: int) -> Page[Row]:
        """Runs in a worker thread; at offset 0 it counts the total as well."""
        raise NotImplementedError

    def show_rows(self, table: DataTable, rows: list[Row], first: bool) -> None:
        """Adds the rows; `first`: the table was just cleared for a new first page."""
        raise NotImplementedError

    def count_total(self, stale: Callable[[], bool]) -> int | None:
        """Runs in the worker after a first page whose total is None was posted. `stale()`
        turns true when a newer list was asked for; a count may then give up (None)."""
        return None

    def fill_rows(self, rows: list[Row]) -> list[Row] | None:
        """Runs in the worker right after a page's rows were posted: the same rows with
        the columns `fetch_page` left empty filled in, or None when it left none."""
        return None

    def show_filled(self, table: DataTable, rows: list[Row]) -> None:
        """Puts the filled-in rows' cells in place of the empty ones."""

    def page_shown(self, page: Page[Row], first: bool) -> None:
        """After a page is in the table, and after a late count: the status line."""

    @property
    def counting(self) -> bool:
        """The first page is shown and its total is still being counted."""
        return self._counting

    # --- paging ----------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        self._loading_more = False
        self._asked.drop()
        self._asked = _Asked()
        self._fetch(self._generation, 0, self._asked)

    def on_unmount(self) -> None:
        self._asked.drop()

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def _fetch(self, generation: int, offset: int, asked: _Asked | None = None) -> None:
        """`asked`: the reload this first page belongs to (SETTLE waits on it); later
        pages are filled in at once."""
        def stale() -> bool:
            return generation != self._generation

        page = self.fetch_page(offset, self.PAGE_SIZE)
        self.post_message(self.PageLoaded(generation, offset, page))
        # While a search is typed, each letter's fill and count would run beside the next
        # letter's page and slow it down; they are wanted only for the latest list.
        if offset == 0 and self.SETTLE and asked is not None:
            asked.shown.wait(_SHOWN_WAIT)
            if asked.superseded.wait(self.SETTLE):
                return
        if stale():
            return
        filled = self.fill_rows(page.rows)
        if filled is not None and not stale():
            self.post_message(self.PageFilled(generation, filled))
        if offset == 0 and page.total is None and not stale():
            total = self.count_total(stale)
            if total is not None:
                self.post_message(self.Counted(generation, total))

    @on(PageLoaded)
    def _show_page(self, message: PageLoaded) -> None:
        if message.generation != self._generation:
            return
        table = self.paged_table()
        first = message.offset == 0
        keep = 0
        if first:
            keep = table.cursor_row if table.row_count else 0
            table.clear()
            self._total = message.page.total or 0
            self._counting = message.page.total is None and type(self).count_total is not (
                PagedTableScreen.count_total
            )
        self.show_rows(table, message.page.rows, first)
        self._loaded = message.offset + len(message.page.rows)
        self._loading_more = False
        if first and self.KEEP_CURSOR and table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        self.page_shown(message.page, first)
        if first:
            self._asked.shown.set()

    @on(PageFilled)
    def _show_filled(self, message: PageFilled) -> None:
        if message.generation != self._generation:
            return
        self.show_filled(self.paged_table(), message.rows)

    @on(Counted)
    def _show_count(self, message: Counted) -> None:
        if message.generation != self._generation:
            return
        self._total = message.total
        self._counting = False
        self.page_shown(Page([], message.total), first=False)

    @on(DataTable.RowHighlighted)
    def _maybe_load_more(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table is not self.paged_table():
            return
        near_end = event.cursor_row >= self._loaded - self.PREFETCH_MARGIN
        if near_end and self._loaded < self._total and not self._loading_more:
            self._loading_more = True
            self._fetch(self._generation, self._loaded)
