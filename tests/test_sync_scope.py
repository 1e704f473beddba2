"""The streaming export: a delta reads only what changed after the acknowledged point, and
what travels is decided in one place, the export scope (sync.scope)."""

from __future__ import annotations

import pytest

from tests.sync_helpers import Install, add_person, edit
from ungtui.services.people.individuals import get_individual
from ungtui.services.sync.sync import stream_changes
from ungtui.services.sync.sync_files import export_file, import_file, peek_file
from ungtui.sync import fileformat
from ungtui.sync.changes import StoredRow
from ungtui.sync.scope import ExportScope

PASSPHRASE = "blåbär cykel tisdag hamn"


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})


@pytest.fixture
def pair(tmp_path):
    """A and B of one organisation with 30 people, having exchanged files both ways."""
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    people = [
        add_person(a, identity="", birth_date="2004-05-06", first_name=f"Person{n}")
        for n in range(30)
    ]
    for _round in range(2):  # the second round confirms what the first brought
        a.send(b)
        b.send(a)
    yield a, b, people
    a.db.close()
    b.db.close()


def test_a_delta_reads_the_change_log_only_after_the_acknowledged_point(pair):
    a, b, people = pair
    edit(a, people[7], phone="070-777 77 77", birth_date="2004-05-06")
    statements: list[str] = []
    with a.db.engine.begin() as conn:
        conn.connection.driver_connection.set_trace_callback(statements.append)
        export = stream_changes(conn, for_organisation=b.user.organisation_id)
        items = list(export.items)
        conn.connection.driver_connection.set_trace_callback(None)
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT tbl, row_id, fields, tomb_hlc, tomb_site, origin"
            " FROM sync_row WHERE local_seq > ? ORDER BY local_seq",
            (1,),
        ).all()
    assert not export.full
    rows = [item for item in items if isinstance(item, dict | StoredRow) and "t" in _keys(item)]
    # The person edited, and the responsibility the save stamped again: nothing else.
    assert sorted(_get(r, "t") for r in rows) == ["individual", "responsibility"]
    assert list(export.people) == [people[7]]
    [person] = [r for r in rows if _get(r, "t") == "individual"]
    assert _get(person, "id") == people[7]
    assert list(_fields(person)) == ["phone"]  # only the register that changed
    reads = [s for s in statements if "FROM sync_row" in s]
    assert reads and all("local_seq >" in s or "row_id IN" in s for s in reads), reads
    assert "USING INDEX ix_sync_row_local_seq" in plan[0][-1]


def _keys(item) -> set:
    return {"t"} if isinstance(item, StoredRow) else set(item)


def _get(item, key):
    if isinstance(item, StoredRow):
        return getattr(item, {"t": "tbl", "id": "row_id"}[key])
    return item[key]


def _fields(item):
    return item.as_dict()["f"] if isinstance(item, StoredRow) else item["f"]


class WithoutPhones(ExportScope):
    """A finer rule as issue 17 will plug in: a field the recipient may not receive."""

    def fields_for(self, tbl):
        if tbl != "individual":
            return None

        def keep(tbl, row_id, person, registers):
            assert person == row_id  # an individual is about itself
            return {col: reg for col, reg in registers.items() if col != "phone"}

        return keep


def test_the_scope_decides_which_fields_travel(pair, monkeypatch, tmp_path):
    a, b, people = pair
    edit(a, people[3], phone="070-333 33 33", email="person3@example.se", birth_date="2004-05-06")
    import ungtui.services.sync.sync as services

    real = services.export_scope

    def narrower(*args, **kwargs):
        scope = real(*args, **kwargs)
        return WithoutPhones(scope.recipient, scope.filtered, scope.allowed, scope.sent)

    monkeypatch.setattr(services, "export_scope", narrower)
    out = tmp_path / "utan-telefon.ungsync"
    export_file(a.db, for_organisation=b.user.organisation_id, out=out, passphrase=PASSPHRASE)
    import_file(b.db, out, passphrase=PASSPHRASE, trust=peek_file(out).fingerprint)
    shown = get_individual(b.db, people[3]).individual
    assert (shown.email, shown.phone) == ("person3@example.se", "")
