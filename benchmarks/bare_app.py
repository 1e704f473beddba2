"""The baseline the speed benchmarks compare ungtui with: a bare Textual app that shows the
first page of the register's names in a DataTable, read with sqlite3, and (with --search)
an Input whose every change reads that page again in a worker thread with raw SQL.

    python benchmarks/bare_app.py --db big.db [--search]

It reads the same rows as the individuals list's first page (active, not removed, not
merged, in the list's sort order) and nothing else: no counts, no marks, no CSS file, no
footer. Used by startup_speed.py, search_speed.py and tui_memory.py.
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable

from textual import on, work
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

PAGE = 100
QUERY = (
    "SELECT id, last_name, first_name FROM individual"
    " WHERE deleted_at IS NULL AND merged_into IS NULL AND status = 'aktiv'{search}"
    " ORDER BY sort_key, id LIMIT {page}"
)


def read_names(conn: sqlite3.Connection, tokens: list[str] | None = None) -> list[tuple]:
    tokens = tokens or []
    search = "".join(" AND instr(search_key, ?) > 0" for _ in tokens)
    rows = conn.execute(QUERY.format(search=search, page=PAGE), tokens).fetchall()
    return [(row_id, f"{last}, {first}" if first and last else last or first)
            for row_id, last, first in rows]


class BareApp(App[None]):
    def __init__(self, db_path: str, *, search: bool = False) -> None:
        super().__init__()
        self.db_path = db_path
        self.search = search
        self._generation = 0
        # search_speed.py sets this to learn when a keystroke's page is in the table.
        self.on_page_shown: Callable[[int], None] | None = None

    def compose(self) -> ComposeResult:
        if self.search:
            yield Input(placeholder="Sök", id="search")
        yield DataTable(id="names", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Namn", key="name")
        conn = sqlite3.connect(self.db_path)
        try:
            self._show(0, read_names(conn))
        finally:
            conn.close()
        if self.search:
            self.query_one(Input).focus()

    def _show(self, generation: int, rows: list[tuple]) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row_id, name in rows:
            table.add_row(name, key=row_id)
        if self.on_page_shown is not None:
            self.on_page_shown(generation)

    @on(Input.Changed, "#search")
    def _changed(self, event: Input.Changed) -> None:
        self._generation += 1
        self._load(self._generation, event.value)

    @work(thread=True, exclusive=True)
    def _load(self, generation: int, text: str) -> None:
        from ungtui.domain.text import fold  # the same folding as the real search

        conn = sqlite3.connect(self.db_path)
        try:
            rows = read_names(conn, fold(text).split())
        finally:
            conn.close()
        self.call_from_thread(self._page_loaded, generation, rows)

    def _page_loaded(self, generation: int, rows: list[tuple]) -> None:
        if generation == self._generation:
            self._show(generation, rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--search", action="store_true")
    args = parser.parse_args()
    BareApp(args.db, search=args.search).run()


if __name__ == "__main__":
    main()
