"""No import cycles: every module can be read (and imported) after the ones it builds on.

A cycle is found by grimp, which reads every import statement, those inside functions
too, so a cycle hidden behind a late import counts as one.
"""

import grimp

# Packages not yet held to it; each one leaving this list is a one-line change.
NOT_YET: tuple[str, ...] = ()


def _in_scope(module: str) -> bool:
    return not any(module == p or module.startswith(p + ".") for p in NOT_YET)


def import_cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module, or of one that imports
    itself (Tarjan's algorithm, iterative: the graph has hundreds of modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imports[child]))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1 or module in imports[module]:
                    cycles.append(sorted(group))
    return sorted(cycles)


def _explained(graph, group: list[str]) -> str:
    lines = [" <-> ".join(group)]
    for importer in group:
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported in group:
                details = graph.get_import_details(importer=importer, imported=imported)
                at = ", ".join(str(d["line_number"]) for d in details)
                lines.append(f"  {importer} -> {imported} (line {at})")
    return "\n".join(lines)


def test_finding_cycles():
    imports = {
        "a": {"b"},
        "b": {"c", "d"},
        "c": {"a"},
        "d": {"e"},
        "e": set(),
        "f": {"f"},
        "g": {"h"},
        "h": {"g", "e"},
    }
    assert import_cycles(imports) == [["a", "b", "c"], ["f"], ["g", "h"]]


def test_no_import_cycles():
    graph = grimp.build_graph("ungtui", cache_dir=None)
    modules = {m for m in graph.modules if _in_scope(m)}
    imports = {
        m: {i for i in graph.find_modules_directly_imported_by(m) if i in modules}
        for m in modules
    }
    cycles = import_cycles(imports)
    assert not cycles, "\n".join(_explained(graph, group) for group in cycles)
