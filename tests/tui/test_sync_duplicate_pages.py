"""Synk → Dubbletter reads the queue a page at a time, driven by real keys: the first page,
the next when the cursor nears its end, the whole count in the tab, and a merge on the
second page that leaves the cursor where it was."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from tests.sync_helpers import Install, add_person
from tests.tui.helpers import row_text, settle
from ungtui.services.sync.sync import duplicate_queue
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.sync.sync import SyncScreen

NUMBERS = ["050311-1239", "050312-1238", "050313-1237", "050314-1236", "050315-1235"]
FIRST_NAMES = ["Alva", "Bo", "Cecilia", "David", "Elin"]


def tab_label(app) -> str:
    return str(app.screen.query_one(TabbedContent).get_tab("tab-duplicates").label)


async def test_duplicates_come_a_page_at_a_time_and_merge_on_page_two(tmp_path, monkeypatch):
    monkeypatch.setattr(SyncScreen, "PAGE_SIZE", 2)
    monkeypatch.setattr(SyncScreen, "PREFETCH_MARGIN", 1)
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    name_of = {}
    pairs = []
    for number, name in zip(NUMBERS, FIRST_NAMES, strict=True):
        here = add_person(a, identity=number, first_name=name, last_name="Ek")
        there = add_person(b, identity=number, first_name=name, last_name="Eek")
        name_of[here], name_of[there] = f"Ek, {name}", f"Eek, {name}"
        pairs.append(tuple(sorted((here, there))))
    b.send(a)
    pairs.sort()  # the queue's order: by the pair's ids
    app = UngApp(a.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one("#duplicates", DataTable)
        assert table.row_count == 2  # one page of two
        assert tab_label(app) == "Dubbletter (5)"  # the whole queue
        assert row_text(table, 0)[:2] == [name_of[pairs[0][0]], name_of[pairs[0][1]]]
        await pilot.press("down")  # the last loaded row: the next page comes
        await settle(pilot)
        assert table.row_count == 4
        await pilot.press("down")
        await settle(pilot)
        assert table.cursor_row == 2
        assert row_text(table, 2)[:2] == [name_of[pairs[2][0]], name_of[pairs[2][1]]]
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # "Slå ihop"
        await settle(pilot)
        assert tab_label(app) == "Dubbletter (4)"
        # The pair after the merged one took its place, on the second page, under the cursor.
        assert table.cursor_row == 2
        assert row_text(table, 2)[:2] == [name_of[pairs[3][0]], name_of[pairs[3][1]]]
    assert [(p.first_id, p.second_id) for p in duplicate_queue(a.db)] == [
        pairs[0], pairs[1], pairs[3], pairs[4]
    ]
    a.db.close()
    b.db.close()
