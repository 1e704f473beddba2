"""No import cycles inside ungtui.tui: screens reach each other through the app's
navigation (tui.app_base), the section bar is handed its sections, and shared marks live
in tui.widgets. Imports inside functions and under TYPE_CHECKING count too."""

from __future__ import annotations

import grimp


def cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """Every group of modules under `package` that import one another in a ring
    (strongly connected components of more than one module, or a module importing itself)."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        # Tarjan's algorithm without recursion: the graph has a few hundred modules.
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges[target])))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1 or node in edges[node]:
                        found.append(sorted(group))

    for module in modules:
        if module not in index:
            visit(module)
    return sorted(found)


def test_the_cycle_finder_finds_rings_and_only_rings():
    graph = grimp.ImportGraph()
    for importer, imported in [
        ("p.a", "p.b"),
        ("p.b", "p.c"),
        ("p.c", "p.a"),  # a ring of three
        ("p.c", "p.d"),  # leads out of the ring: d is not in it
        ("p.e", "p.f"),
        ("p.f", "p.e"),  # a ring of two
        ("p.g", "q.h"),
        ("q.h", "p.g"),  # through another package: not a ring inside p
    ]:
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph, "p") == [["p.a", "p.b", "p.c"], ["p.e", "p.f"]]


def test_the_tui_has_no_import_cycles():
    graph = grimp.build_graph("ungtui")
    assert cycles(graph, "ungtui.tui") == []


def test_screens_reach_the_app_only_through_its_typed_base():
    graph = grimp.build_graph("ungtui")
    importers = graph.find_modules_that_directly_import("ungtui.tui.app")
    assert sorted(m for m in importers if m.startswith("ungtui.tui")) == []
