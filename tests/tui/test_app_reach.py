"""Screens reach each other through the app's navigation (tui.app_base), never by
importing the app itself: that import would close a ring app -> screens -> app.
(No import cycles anywhere is tests/test_import_cycles.py.)"""

from __future__ import annotations

import grimp


def test_screens_reach_the_app_only_through_its_typed_base():
    graph = grimp.build_graph("ungtui")
    importers = graph.find_modules_that_directly_import("ungtui.tui.app")
    assert sorted(m for m in importers if m.startswith("ungtui.tui")) == []
