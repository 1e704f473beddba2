"""FittedTable.add_rows_at_once: a page's rows in one go are the rows add_row gives one by
one — the same cells, shortened and cleaned the same way, the same keys and order, the
same line under the table, the cursor highlighted once."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from textual.widgets.data_table import DuplicateKey

from tests.tui.helpers import row_text, screen_text
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail

COLUMNS = (
    Column("name", "Namn", 20, grow=True, least=10),
    Column("number", "Nummer", 13),
    Column("note", "Anteckning", 20, priority=1),
)

ROWS = [
    ("a", ("Öberg, Åsa", "20050317-9806", "ringer på fredag")),
    # Markup is text, and the escape character goes (what followed it is text).
    ("b", ("[/]Trasig, Bo\x1b[31m", Text("R-TEST02", style="bold"), "")),
    ("c", ("Lindqvist-Andersson, Karl-Johan Mikael", "19980472-9912")),  # no note given
    ("d", ("Ek, Bo", "R-TEST01", "samma")),
    ("e", ("Kim", "R-TEST03", "samma")),
]


class Tables(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.highlighted: list[tuple[str | None, int]] = []

    def compose(self) -> ComposeResult:
        yield FittedTable(COLUMNS, detail="one-detail", id="one", cursor_type="row")
        yield RowDetail(id="one-detail")
        yield FittedTable(COLUMNS, detail="all-detail", id="all", cursor_type="row")
        yield RowDetail(id="all-detail")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted.append((event.data_table.id, event.cursor_row))


async def test_rows_at_once_are_the_rows_one_by_one():
    app = Tables()
    # 46 columns: with the scroll bar's 2 the note column does not fit and the name takes
    # what is left, 44 - (13 + 2 × 2) = 27.
    async with app.run_test(size=(46, 20)) as pilot:
        one = app.query_one("#one", FittedTable)
        at_once = app.query_one("#all", FittedTable)
        for key, cells in ROWS:
            one.add_row(*cells, key=key)
        at_once.add_rows_at_once(ROWS)
        await pilot.pause()

        assert [c.key for c, _w in at_once._shown] == ["name", "number"]
        expected = [
            ["Öberg, Åsa", "20050317-9806"],
            ["[/]Trasig, Bo[31m", "R-TEST02"],
            ["Lindqvist-Andersson, Karl-…", "19980472-9912"],
            ["Ek, Bo", "R-TEST01"],
            ["Kim", "R-TEST03"],
        ]
        assert [row_text(at_once, i) for i in range(at_once.row_count)] == expected
        assert [row_text(one, i) for i in range(one.row_count)] == expected
        # The cells themselves, styles too.
        for i in range(len(ROWS)):
            assert at_once.get_row_at(i) == one.get_row_at(i)
        assert at_once.get_row_at(1)[1].style == "bold"
        assert [r.value for r in at_once.rows] == ["a", "b", "c", "d", "e"]
        assert at_once.full_row("c") == ROWS[2][1]

        # The hidden note of the highlighted row is written out under the table.
        assert str(app.query_one("#all-detail", RowDetail).render()) == (
            "Anteckning: ringer på fredag"
        )
        assert str(app.query_one("#one-detail", RowDetail).render()) == (
            "Anteckning: ringer på fredag"
        )
        # The first row highlighted once in each table, as a first row added does.
        assert sorted(app.highlighted) == [("all", 0), ("one", 0)]
        assert "Lindqvist-Andersson, Karl-…" in screen_text(pilot)

        # Moving down reads the cells from the rows added at once.
        at_once.focus()
        await pilot.press("down", "down")
        assert str(app.query_one("#all-detail", RowDetail).render()) == (
            "Namn: Lindqvist-Andersson, Karl-Johan Mikael"
        )

        # A page with a key already there, or twice in it, is refused whole.
        with pytest.raises(DuplicateKey):
            at_once.add_rows_at_once([("f", ("Ny",)), ("a", ("Igen",))])
        with pytest.raises(DuplicateKey):
            at_once.add_rows_at_once([("g", ("Ny",)), ("g", ("Igen",))])
        at_once.add_rows_at_once([])
        assert at_once.row_count == 5
        assert [r.value for r in at_once.rows] == ["a", "b", "c", "d", "e"]
