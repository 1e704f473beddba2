"""The search through the trigram index (store/person_search.py) finds exactly what the
plain scan of every search key finds: the same people, in the same order, the same count.

Hand-built people (fictional numbers in Skatteverket's test range); the expected lists
are written out by hand, in the register's order (last name, å ä ö after z)."""

from __future__ import annotations

import sqlite3

import pytest

from ungtui.services.people.individuals import (
    IndividualFilter,
    IndividualInput,
    count_individuals,
    list_names,
    remove_individual,
    save_individual,
)
from ungtui.services.privacy import retention
from ungtui.store import person_search

HADDAD = "Haddad, Noor"
LINDSTROM = "Lindström, Jöns"
SJOBERG = "Sjöberg, Märta"
SJOLUND = "Sjölund, Oskar"
OBERG = "Öberg, Åsa"
OZTURK = "Öztürk, Ali"


@pytest.fixture
def people(db, user):
    def save(first, last, number, individual_id=None, reserve="", born=""):
        return save_individual(
            db,
            IndividualInput(
                identity=number,
                reserve_id=reserve,
                birth_date=born,
                first_name=first,
                last_name=last,
            ),
            actor_id=user.staff_id,
            organisation_id=user.organisation_id,
            individual_id=individual_id,
        )

    ids = {
        OBERG: save("Åsa", "Öberg", "20050317-9806"),
        OZTURK: save("Ali", "Öztürk", "19980472-9912"),  # samordningsnummer
        SJOBERG: save("Märta", "Sjöberg", "19990101-9985"),
        LINDSTROM: save("Jöns", "Lindström", "20010203-9989"),
        SJOLUND: save("Oskar", "Sjölund", "19990615-9885"),
        # Her key, "noor haddad tillf-7q", ends in two letters found nowhere else.
        HADDAD: save("Noor", "Haddad", "", reserve="Tillf-7Q", born="2004-05-06"),
    }
    removed = save("Åke", "Öberg", "20031129-9879")
    remove_individual(db, removed, actor_id=user.staff_id)
    twin = save("Ali", "Öztürk", "19970830-9910")
    with db.engine.begin() as conn:  # as sync marks a merged duplicate
        conn.exec_driver_sql(
            "UPDATE individual SET merged_into = ? WHERE id = ?", (ids[OZTURK], twin)
        )
    ids["save"] = save
    return ids


def names(db, text, **kw):
    return [r.name for r in list_names(db, IndividualFilter(text=text, **kw))]


@pytest.fixture
def narrowed(monkeypatch):
    """Which searches the index narrowed (the words) and to how many rows."""
    seen = {}
    real = person_search.candidates

    def spy(conn, words):
        found = real(conn, words)
        seen[" ".join(words)] = None if found is None else found.count(",") + (found != "[]")
        return found

    monkeypatch.setattr(person_search, "candidates", spy)
    return seen


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("öz", [OZTURK]),  # two letters; the merged twin is not listed
        ("sj", [SJOBERG, SJOLUND]),
        ("sjöb", [SJOBERG]),
        ("berg", [SJOBERG, OBERG]),  # the removed Åke Öberg is not listed
        ("ö", [HADDAD, LINDSTROM, SJOBERG, SJOLUND, OBERG, OZTURK]),  # one letter: any "o"
        ("a ö", [HADDAD, SJOBERG, SJOLUND, OBERG, OZTURK]),  # Jöns Lindström has no "a"
        ("åsa ö", [OBERG]),
        ("ÖZTÜRK ALI", [OZTURK]),
        ("1999", [SJOBERG, SJOLUND]),
        ("9985", [SJOBERG]),
        ("0101-99", [SJOBERG]),  # the number as written, with its dash
        ("99", [LINDSTROM, SJOBERG, SJOLUND, OZTURK]),  # not Åsa's 200503179806
        ("rk", [OZTURK]),  # two letters at the end of a name
        ("06", [SJOLUND, OBERG]),
        ("7q", [HADDAD]),  # the last two letters of a key
        ("tillf-7", [HADDAD]),
        ("qx", []),  # two letters no one has
        ("xyz", []),
        ('"', []),
    ],
)
def test_the_index_finds_what_the_scan_finds(db, people, narrowed, monkeypatch, text, expected):
    flt = IndividualFilter(text=text, status="aktiv")
    assert names(db, text, status="aktiv") == expected
    assert count_individuals(db, flt) == len(expected)
    by_age = names(db, text, sort="alder")
    monkeypatch.setattr(person_search, "candidates", lambda conn, words: None)
    assert names(db, text, status="aktiv") == expected
    assert count_individuals(db, flt) == len(expected)
    assert names(db, text, sort="alder") == by_age


def test_words_of_two_letters_or_more_go_through_the_index(db, people, narrowed):
    names(db, "sjöb")
    names(db, "öz")
    names(db, "åsa ö")
    names(db, "ö")
    names(db, "qx")
    # A superset, checked word by word by instr afterwards: "sjob" is one person, "oz"
    # also the merged twin, "asa" and "o" Åsa only ("o" does not narrow).
    assert narrowed == {"sjob": 1, "oz": 2, "asa o": 1, "o": None, "qx": 0}


def test_a_common_word_is_read_by_the_scan_with_the_same_result(db, people, monkeypatch):
    monkeypatch.setattr(person_search, "AT_MOST", 1)
    assert names(db, "sj") == [SJOBERG, SJOLUND]
    assert count_individuals(db, IndividualFilter(text="sj")) == 2


def test_a_changed_name_is_found_by_its_new_name_only(db, people):
    people["save"]("Märta", "Holm", "19990101-9985", individual_id=people[SJOBERG])
    assert names(db, "sj") == [SJOLUND]
    assert names(db, "holm") == ["Holm, Märta"]
    assert names(db, "sjöberg") == []


def test_the_index_survives_compaction(db, people):
    retention.compact(db)  # VACUUM: individual keeps its rowids (it has indexes)
    assert names(db, "öz") == [OZTURK]
    assert names(db, "1999") == [SJOBERG, SJOLUND]
    people["save"]("Ali", "Öztürk Demir", "19980472-9912", individual_id=people[OZTURK])
    assert names(db, "demir") == ["Öztürk Demir, Ali"]


def test_paging_and_the_other_orders_through_the_index(db, people):
    flt = IndividualFilter(text="99")
    assert [r.name for r in list_names(db, flt, offset=2, limit=2)] == [SJOLUND, OZTURK]
    flt = IndividualFilter(text="oskar sj", sort="andrad")
    assert [r.name for r in list_names(db, flt)] == [SJOLUND]


def queued(db) -> int:
    with db.read() as conn:
        return conn.execute("SELECT count(*) FROM person_search_queue").fetchone()[0]


def test_people_written_while_another_writes_are_found_all_the_same(db, people):
    assert names(db, "sjöb") == [SJOBERG]
    assert queued(db) == 0  # the search folded the fixture's people into the index
    people["save"]("Märta", "Nyberg", "19990101-9985", individual_id=people[SJOBERG])
    people["save"]("Ebba", "Ek", "20010203-9989", individual_id=people[LINDSTROM])
    people["save"]("Kim", "Qvist", "", reserve="Tillf-8", born="2003-02-01")
    assert queued(db) == 2  # changed; the new one is known by its rowid
    other = sqlite3.connect(db.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another window writing: the search does not wait
    try:
        assert names(db, "nyb") == ["Nyberg, Märta"]
        assert names(db, "sjöb") == []  # the index still says Sjöberg; instr does not
        assert names(db, "ek") == ["Ek, Ebba"]  # no indexed trigram begins with "ek"
        assert names(db, "lindström") == []
        assert count_individuals(db, IndividualFilter(text="9989")) == 1
        assert names(db, "qvi") == ["Qvist, Kim"]
        assert names(db, "kim q") == ["Qvist, Kim"]
        assert queued(db) == 2
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(names(db, "")) == 7  # the list as it opens, no word typed: brought up to date
    assert queued(db) == 0
    assert names(db, "nyb") == ["Nyberg, Märta"]
    assert names(db, "sjöb") == []
    assert names(db, "ek") == ["Ek, Ebba"]
    assert names(db, "qv") == ["Qvist, Kim"]
    with db.read() as conn:  # all in the index now
        assert conn.execute("SELECT count(*) FROM individual_search").fetchone() == (9,)


def test_an_erased_person_leaves_no_trigram_of_the_name_in_the_file(db, user, people):
    pid = people["save"]("Kim", "Qwxzy", "", reserve="Tillf-9", born="2003-02-01")
    assert names(db, "qwx") == ["Qwxzy, Kim"]  # in the index now
    retention.erase(db, [pid], actor_id=user.staff_id)
    wal = db.path.with_name(db.path.name + "-wal")
    data = db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    # FTS5 keeps a removed key's trigrams in older segments until they are merged.
    for trigram in (b"qwx", b"wxz", b"xzy"):
        assert trigram not in data
    assert names(db, "qwx") == []
    assert names(db, "öz") == [OZTURK]
