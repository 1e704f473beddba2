"""Random text into every door text comes in by: the person form's service, a spreadsheet
list, and a sync file (made by the real export code, then altered, and signed with the
real key and passphrase). Whatever comes in: no traceback, only the Swedish errors the
doors raise, and a database that is either unchanged or still valid (readable by every
list, the detail view, the dump, and shown as plain text)."""

from __future__ import annotations

import copy
import csv
import io
import sqlite3
import string
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync_helpers import Install, add_person
from ungtui import __version__
from ungtui.services.errors import ServiceError
from ungtui.services.people.individuals import (
    IndividualFilter,
    IndividualInput,
    get_individual,
    list_individuals,
    save_individual,
)
from ungtui.services.people.table_files import read_table
from ungtui.services.people.table_import import apply_import, guess_mapping, plan_import
from ungtui.services.sync.conflicts import list_conflicts
from ungtui.services.sync.dump import dump_json
from ungtui.services.sync.sync import build_changes, duplicate_queue, own_organisation
from ungtui.services.sync.sync_files import import_file
from ungtui.store.migrations import LATEST_VERSION
from ungtui.sync import fileformat, state
from ungtui.sync.changes import file_lines
from ungtui.sync.fileformat import (
    HeaderFields,
    SyncFileError,
    fingerprint,
    public_bytes,
    write_lines,
)
from ungtui.tui.widgets.plain import plain

PASSPHRASE = "korv med bröd och senap"
NASTY = [
    "[/]Trasig",
    "[bold red]x",
    "[@click=app.quit]",
    "\x1b]0;Hackad\x07",
    "\x1b[2J",
    "\x1b]52;c;aGVq\x07",
    "\x9b2J",
    "\u202eesrever",
    "\ud800",
    "\x00",
    '=HYPERLINK("http://x")',
    "'; DROP TABLE individual; --",
    "Ö" * 5000,
    "",
    " ",
    "\n\n",
    "19811218-9876",
    "0503179806",
]
# Any code point at all, surrogates and control characters included.
anything = st.characters(exclude_categories=())
texts = st.one_of(st.text(anything, max_size=60), st.sampled_from(NASTY))

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch):
    monkeypatch.setattr(fileformat, "KDF_PARAMS", {"alg": "argon2id", "t": 1, "m": 256, "p": 4})


def snapshot(db) -> str:
    return dump_json(db, include_sensitive=True)


def assert_valid(db, organisation_id=None) -> None:
    """The database opens in every view a caseworker uses and shows as plain text."""
    conn = sqlite3.connect(db.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    for status in (None, "aktiv"):
        for row in list_individuals(db, IndividualFilter(status=status), limit=500):
            plain(row.name, row.caseworker, row.groups)
            detail = get_individual(db, row.id, organisation_id=organisation_id)
            person = detail.individual
            plain(person.first_name, person.last_name, person.address, person.phone)
    for conflict in list_conflicts(db):
        plain(conflict.record, *(v.shown for v in conflict.values))
    duplicate_queue(db)
    snapshot(db)


# --- the person form's service -------------------------------------------------------------


@FUZZ
@given(
    identity=texts,
    birth_date=st.one_of(texts, st.just("2005-03-17")),
    first_name=texts,
    last_name=texts,
    phone=texts,
    email=texts,
    address=texts,
    reserve_id=texts,
    gender=st.one_of(texts, st.sampled_from(["kvinna", "man", "annat", "okänt"])),
    status=st.one_of(texts, st.sampled_from(["aktiv", "vilande", "avslutad"])),
)
def test_the_person_form_service_takes_any_text(
    db,
    user,
    identity,
    birth_date,
    first_name,
    last_name,
    phone,
    email,
    address,
    reserve_id,
    gender,
    status,
):
    before = snapshot(db)
    data = IndividualInput(
        identity=identity,
        reserve_id=reserve_id,
        birth_date=birth_date,
        first_name=first_name,
        last_name=last_name,
        gender=gender,
        phone=phone,
        email=email,
        address=address,
        status=status,
    )
    try:
        save_individual(db, data, actor_id=user.staff_id, organisation_id=user.organisation_id)
    except ServiceError:
        assert snapshot(db) == before
        return
    assert_valid(db, user.organisation_id)


# --- a spreadsheet list ---------------------------------------------------------------------


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Personnummer", "Förnamn", "Efternamn", "Telefon", "Adress", "Kön"])
    writer.writerows(rows)
    return out.getvalue()


@FUZZ
@given(
    rows=st.lists(st.lists(texts, min_size=0, max_size=8), max_size=6),
    raw=st.one_of(st.none(), st.binary(max_size=2000)),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_a_spreadsheet_list_of_anything(db, user, tmp_path, rows, raw, encoding):
    path = tmp_path / "lista.csv"
    if raw is None:
        path.write_bytes(csv_text(rows).encode(encoding, errors="replace"))
    else:
        path.write_bytes(raw)
    before = snapshot(db)
    try:
        table = read_table(path)
        plan = plan_import(
            db, table, guess_mapping(table.headers), organisation_id=user.organisation_id
        )
        apply_import(db, plan, actor_id=user.staff_id, organisation_id=user.organisation_id)
    except ServiceError:
        assert snapshot(db) == before
        return
    assert_valid(db, user.organisation_id)


# --- a sync file ------------------------------------------------------------------------------

values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True),
        texts,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture
def exchange(tmp_path):
    sender = Install(tmp_path / "avsandare.db", "Karin Lind")
    add_person(sender, first_name="Erik", last_name="Ek", phone="070-1")
    add_person(sender, identity="20050317-9806", first_name="Åsa", last_name="Öberg")
    changes = build_changes(sender.db, for_organisation=None, full=True)
    with sender.db.engine.begin() as conn:
        key = state.signing_key(conn)
        org = own_organisation(conn)
        clock = state.clock(conn).last
    return sender, changes, key, org, clock


def sealed(changes, key, org, clock) -> bytes:
    return write_lines(
        file_lines(changes),
        passphrase=PASSPHRASE,
        signing_key=key,
        fields=HeaderFields(
            sender_site=changes.sender,
            sender_org=org,
            schema_version=LATEST_VERSION,
            app_version=__version__,
            file_id=str(uuid.uuid4()),
            kind="full" if changes.full else "delta",
            created_hlc=clock,
        ),
    )


@FUZZ
@given(data=st.data())
def test_a_crafted_sync_file_signed_with_the_real_key(exchange, tmp_path_factory, data):
    from ungtui.services.people.organisations import register_user
    from ungtui.store.database import open_database

    _sender, original, key, org, clock = exchange
    changes = copy.deepcopy(original)
    rows = [r for r in changes.rows if r["t"] == "individual"]
    for _ in range(data.draw(st.integers(1, 4))):
        how = data.draw(st.sampled_from(["value", "field", "table", "row", "id", "dot"]))
        row = data.draw(st.sampled_from(rows))
        registers = sorted(c for c, r in row["f"].items() if isinstance(r, dict) and r.get("v"))
        if how == "value" and registers:
            column = data.draw(st.sampled_from(registers))
            row["f"][column]["v"][0][0] = data.draw(values)
        elif how == "field":
            row["f"][data.draw(st.text(max_size=12))] = data.draw(values)
        elif how == "table":
            changes.rows.append({**row, "t": data.draw(texts)})
        elif how == "row":
            changes.rows.append(data.draw(values))
        elif how == "id":
            row["id"] = data.draw(st.one_of(texts, values))
        else:
            row["d"] = data.draw(values)
    path = tmp_path_factory.mktemp("fil") / "fil.ungsync"
    try:
        path.write_bytes(sealed(changes, key, org, clock))
    except (TypeError, ValueError):
        return  # not even JSON: the real export code cannot write it
    target = open_database(tmp_path_factory.mktemp("mottagare") / "mottagare.db")
    try:
        user = register_user(
            target,
            name="Jonas Ek",
            unit_name="Ungdomsteamet",
            organisation_name="Arbetsförmedlingen",
            org_nr="202100-2114",
            kind="af",
        )
        before = snapshot(target)
        trust = fingerprint(public_bytes(key))
        try:
            import_file(target, path, passphrase=PASSPHRASE, trust=trust)
        except (SyncFileError, ServiceError):
            assert snapshot(target) == before
            return
        assert_valid(target, user.organisation_id)
    finally:
        target.close()


@FUZZ
@given(position=st.integers(min_value=0), byte=st.integers(1, 255), cut=st.booleans())
def test_a_damaged_sync_file(exchange, tmp_path_factory, position, byte, cut):
    from ungtui.store.database import open_database

    _sender, changes, key, org, clock = exchange
    data = bytearray(sealed(changes, key, org, clock))
    position %= len(data)
    if cut:
        data = data[:position]
    else:
        data[position] ^= byte
    path = tmp_path_factory.mktemp("fil") / "fil.ungsync"
    path.write_bytes(bytes(data))
    target = open_database(tmp_path_factory.mktemp("mottagare") / "mottagare.db")
    try:
        before = snapshot(target)
        with pytest.raises((SyncFileError, ServiceError)):
            import_file(target, path, passphrase=PASSPHRASE, trust=fingerprint(public_bytes(key)))
        assert snapshot(target) == before
    finally:
        target.close()


def test_the_alphabet_of_the_strategies_reaches_control_characters():
    """The fuzzing above is only worth something if it can produce what it guards against."""
    assert any(ch in string.printable for ch in "\t\n")
    assert any("\x1b" in s for s in NASTY) and any("\ud800" in s for s in NASTY)
