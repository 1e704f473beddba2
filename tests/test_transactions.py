"""Services write through UnitOfWork (services/unit_of_work.py): one transaction that logs
each change and stamps it for sync. This names, by hand, the only places that open or end
a transaction of their own, or merge a row into a session, with the reason for each; any
other `commit()`, `begin()` or `merge()` in src/ungtui (or raw BEGIN/COMMIT SQL) fails.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ungtui

SRC = Path(ungtui.__file__).parent
CALLS = {"commit", "begin", "begin_nested", "merge"}
# Raw SQL that opens or ends one; upper case as all SQL here is ("end" is a key binding).
RAW = re.compile(r"\s*(BEGIN|COMMIT|SAVEPOINT|RELEASE)\b")

# (module, function) -> why it opens its own transaction instead of a UnitOfWork.
_SYNC = (
    "sync bookkeeping (sync.state): it writes registers, clocks and merge edges itself, "
    "which is what a UnitOfWork does for a record"
)
ALLOWED = {
    ("ungtui.services.unit_of_work", "UnitOfWork.__exit__"): "the door itself",
    ("ungtui.services.unit_of_work", "UnitOfWork.store_derived"): "the door itself",
    ("ungtui.store.migrations", "migrate"): "the migration runner, before any session",
    ("ungtui.services.sync.sync", "import_changes"): "the sync applier",
    ("ungtui.services.sync.sync_files", "_import"): "the sync applier, reading a file",
    ("ungtui.services.sync.sync", "build_changes"): _SYNC + ": what was sent",
    ("ungtui.services.sync.sync_files", "export_file"): _SYNC + ": what was sent, with the file",
    ("ungtui.services.sync.sync_files", "default_file_name"): _SYNC + ": reads (or makes) the "
    "install's identity",
    ("ungtui.services.sync.sync", "confirm_duplicate"): _SYNC + ": two records are one person",
    ("ungtui.services.sync.sync", "dismiss_suggestion"): _SYNC + ": a merge suggestion refused",
    ("ungtui.services.sync.conflicts", "resolve_conflict"): _SYNC + ": a settled conflict is "
    "written into the register",
    # The number itself is saved by a UnitOfWork first: the merge materialises rows from
    # the registers that UnitOfWork stamped when it committed.
    ("ungtui.services.people.organisations", "set_organisation_number"): _SYNC
    + ": organisations of one number become one",
    ("ungtui.services.processes.starting_content", "_ensure_organisations"): _SYNC
    + ": organisations of one number become one",
    ("ungtui.services.audit", "record_view"): "the audit log itself: UnitOfWork writes "
    "through this module, so using it here would be an import cycle",
    ("ungtui.services.privacy.backup", "_set_aside"): "no write: an exclusive lock taken "
    "and let go proves that no other program writes before the file is moved aside",
    ("ungtui.store.bulk_load", "indexes_made_after"): "no record written: the schema's own "
    "non-unique indexes dropped and made again around a demo's fill of a new file",
    ("ungtui.store.derived_write", "write_derived"): "no record written: tables derived "
    "from the register (the search index, the report's rows of people and ways) brought up "
    "to date for rows added since; a search or a report never waits for another writer",
}


def transaction_calls(source: str) -> set[tuple[str, str]]:
    """(enclosing function, call) for each transaction call in a module's source."""
    found: set[tuple[str, str]] = set()

    def visit(node: ast.AST, scope: list[str]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            scope = [*scope, node.name]
        if isinstance(node, ast.Call):
            where = ".".join(scope) or "<module>"
            if isinstance(node.func, ast.Attribute) and node.func.attr in CALLS:
                found.add((where, node.func.attr))
            first = node.args[0] if node.args else None
            text = first.value if isinstance(first, ast.Constant) else None
            if isinstance(text, str) and (match := RAW.match(text)):
                found.add((where, match.group(1)))
        for child in ast.iter_child_nodes(node):
            visit(child, scope)

    visit(ast.parse(source), [])
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_scan_finds_each_kind_of_transaction():
    source = '''
def save(db):
    with db.session() as session:
        session.merge(row)
        session.commit()

class Importer:
    def run(self, conn):
        with self.db.engine.begin() as c:
            c.exec_driver_sql("BEGIN IMMEDIATE")
        conn.execute("  COMMIT")
        Binding("end", "last")
        conn.execute("SELECT 1")
        orgs.merge_same_numbers(conn)
'''
    assert transaction_calls(source) == {
        ("save", "merge"),
        ("save", "commit"),
        ("Importer.run", "begin"),
        ("Importer.run", "BEGIN"),
        ("Importer.run", "COMMIT"),
    }


def test_only_the_named_places_open_a_transaction_of_their_own():
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        for where, call in transaction_calls(path.read_text(encoding="utf-8")):
            found.setdefault((_module(path), where), set()).add(call)
    unexpected = {k: sorted(v) for k, v in found.items() if k not in ALLOWED}
    gone = sorted(k for k in ALLOWED if k not in found)
    assert not unexpected, f"write through UnitOfWork, or name it here: {unexpected}"
    assert not gone, f"no longer opens a transaction: take it off ALLOWED: {gone}"
