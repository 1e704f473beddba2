"""What fits 80 and 120 columns: table columns by priority, the section bar, the footer."""

from __future__ import annotations

from ungtui.tui.screens.people.individuals import COLUMNS
from ungtui.tui.sections import SECTIONS
from ungtui.tui.widgets.fitted_table import Column, fit_columns, shortened
from ungtui.tui.widgets.section_bar import bar_lines


def widths(columns, room):
    return [(c.key, w) for c, w in fit_columns(columns, room)]


def test_the_least_important_columns_give_way_first():
    columns = [
        Column("name", "Namn", 20, grow=True, least=20),
        Column("number", "Nummer", 13),
        Column("groups", "Målgrupper", 14, priority=2),
        Column("who", "Handläggare", 12, priority=3),
        Column("status", "Status", 7, priority=1),
    ]
    # Each column takes its width and one cell of padding on each side.
    # All of them need 20 + 13 + 14 + 12 + 7 + 5 × 2 = 76.
    assert widths(columns, 200) == [
        ("name", 144), ("number", 13), ("groups", 14), ("who", 12), ("status", 7)
    ]
    assert widths(columns, 76) == [
        ("name", 20), ("number", 13), ("groups", 14), ("who", 12), ("status", 7)
    ]
    assert widths(columns, 75) == [("name", 33), ("number", 13), ("groups", 14), ("status", 7)]
    assert widths(columns, 60) == [("name", 34), ("number", 13), ("status", 7)]
    assert widths(columns, 20) == [("name", 20), ("number", 13)]  # what must stay, stays


def test_a_growing_column_gives_back_before_another_goes():
    columns = [
        Column("when", "När", 20),
        Column("title", "Rubrik", 34, grow=True, least=20),
        Column("place", "Plats", 26, priority=1),
    ]
    # With the title at its least: 20 + 20 + 26 + 3 × 2 = 72.
    assert widths(columns, 78) == [("when", 20), ("title", 26), ("place", 26)]
    assert widths(columns, 72) == [("when", 20), ("title", 20), ("place", 26)]
    assert widths(columns, 71) == [("when", 20), ("title", 47)]


def test_the_register_at_80_and_120_columns():
    # 80 columns less the scrollbar: number, status and next date stay beside the name.
    # The next date is 24 wide: "! 2026-09-27 uppf. 180 d" for a follow-up not done.
    assert widths(COLUMNS, 78) == [("name", 26), ("identity", 13), ("status", 7), ("next", 24)]
    # 120: all but the caseworker, who is under the list for the highlighted person.
    assert widths(COLUMNS, 118) == [
        ("name", 31),
        ("identity", 13),
        ("age", 5),
        ("groups", 14),
        ("status", 7),
        ("phase", 10),
        ("next", 24),
    ]


def test_a_cut_cell_ends_in_an_ellipsis():
    assert shortened("Testsson Åberg, Örjan", 19) == "Testsson Åberg, Ör…"
    assert shortened("Ek, Jonas", 19) == "Ek, Jonas"


def test_the_section_bar_fits_and_keeps_the_global_keys():
    for width in (80, 100, 120, 160):
        for current in ("min_dag", "deltagare", "uppfoljning", "logg"):
            lines = bar_lines(SECTIONS, current, width - 1)
            assert all(line.cell_len <= width - 1 for line in lines), (width, current)
            text = "\n".join(line.plain for line in lines)
            assert "F9 Dela" in text and "F1 Hjälp" in text
            assert "F2" in text and "F8" in text and "F10" in text
    one_line = bar_lines(SECTIONS, "deltagare", 119)
    assert len(one_line) == 1
    assert one_line[0].plain.startswith("F10 Min dag  F2 Deltagare  F3 Möten")
    narrow = bar_lines(SECTIONS, "deltagare", 79)
    assert [line.plain for line in narrow] == [
        "F10 Min dag  F2 Deltagare  F3 Möten F4 Rem. F5 Proc. F6 Uppf. F7 Synk F8 Logg",
        "F9 Dela skärm  F1 Hjälp",
    ]
