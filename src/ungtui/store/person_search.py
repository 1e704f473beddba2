"""The trigram index over the people's search keys (migrations.V_PERSON_SEARCH).

The register's search matches every word of the search inside `individual.search_key`
(instr). Without help SQLite reads the list index until a page is full, and a rare word
makes that the whole index: 35-40 ms at 100,000 people. This module asks the trigram
index first which rows can hold every word, and when those are few the list reads only
them (by rowid) and sorts them. The index is a sieve, never the answer: every row shown
or counted still passes instr, so the rows, their order and the counts are those of the
plain scan.

- A word of three letters or more: the rows holding all its trigrams.
- A word of two letters: the rows holding any trigram that begins with it. The indexed
  text ends in a space, so two letters at the end of a key begin a trigram too.
- A one-letter word does not narrow anything (it is in most keys anyway).

Writes do not touch the index. A change to a key or a removal notes the person's row in
person_search_queue (triggers); a new person is known by a rowid above the index's
highest. A search takes the rows the index is behind on as candidates too, whatever the
index says of them, and first brings the index up to date when it can have the write
lock at once (`catch_up`): the first search after an import or a sync pays for the index
once, in a few statements.
"""

from __future__ import annotations

import json
import sqlite3

from sqlalchemy import Connection, FromClause, Table, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import Join

from ungtui.store.derived_write import write_derived

# Up to this many rows the list reads the rows the index leaves (about 4 µs each at
# 100,000 people); beyond it the word is common, and the plain scan in list order fills a
# page sooner than the rows could be read and sorted.
AT_MOST = 2500

# For a later migration step that copies `individual` (its rowids change): with the index
# empty every row is above its highest rowid, and the next search indexes them all.
REFILL = "DELETE FROM individual_search;\nDELETE FROM person_search_queue;"

# The rowids the index is behind on: people changed or removed since (noted in the queue
# by triggers) and people added since, above the highest rowid in the index. A new row
# gets a rowid above every row there is, and one that reuses the rowid of a removed person
# (SQLite does so for the highest) is in the queue through that removal.
_BEHIND = (
    "SELECT person FROM person_search_queue UNION SELECT rowid FROM individual WHERE rowid >"
    " coalesce((SELECT rowid FROM individual_search ORDER BY rowid DESC LIMIT 1), 0)"
)
# The keys are copied to a temporary table first: FTS5 took 7 times as long (5 s at
# 100,000 people) to index rows read from `individual` in the same statement.
_CATCH_UP = (
    "CREATE TEMP TABLE IF NOT EXISTS person_search_behind"
    " (person INTEGER PRIMARY KEY, search_key VARCHAR)",
    "DELETE FROM person_search_behind",
    "INSERT INTO person_search_behind (person, search_key)"
    f" SELECT b.person, i.search_key || ' ' FROM ({_BEHIND}) AS b"
    " LEFT JOIN individual i ON i.rowid = b.person",
    "DELETE FROM individual_search WHERE rowid IN (SELECT person FROM person_search_queue)",
    "INSERT INTO individual_search (rowid, search_key)"
    " SELECT person, search_key FROM person_search_behind WHERE search_key IS NOT NULL",
    "DELETE FROM person_search_queue",
    "DELETE FROM person_search_behind",
)


def driver(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy one."""
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def catch_up(raw: sqlite3.Connection, *, wait: bool = True, whole: bool = False) -> bool:
    """Bring the index up to date, in a transaction of its own on `raw` (in
    autocommit: no transaction open). Without `wait`, gives up (False) at once when
    another connection is writing; a search does not wait for an import to end, and
    reads the queue as it is."""

    def write() -> None:
        for statement in _CATCH_UP:
            raw.execute(statement)
        if whole:  # one segment: what was deleted is gone from it
            raw.execute("INSERT INTO individual_search (individual_search) VALUES ('optimize')")

    return write_derived(raw, write, wait=wait)


def forget_old_keys(raw: sqlite3.Connection) -> None:
    """Bring the index up to date and rewrite it in one piece. FTS5 keeps a changed or
    removed key's trigrams in its older segments until they are merged, enough to
    piece an erased name together; an erasure (services.privacy.retention) must leave
    none behind before the file is vacuumed."""
    catch_up(raw, whole=True)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _match(raw: sqlite3.Connection, words: list[str]) -> str | None:
    """The FTS5 query for the words that narrow, "" when a word can be in no key, None
    when no word narrows."""
    parts = []
    for word in dict.fromkeys(words):
        if len(word) >= 3:
            trigrams = dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2))
            parts.append(" AND ".join(_quoted(t) for t in trigrams))
        elif len(word) == 2:
            begun = raw.execute(
                "SELECT term FROM individual_trigram WHERE term >= ? AND term < ?",
                (word, word + "\U0010ffff"),
            ).fetchall()
            if not begun:
                return ""
            parts.append("(" + " OR ".join(_quoted(t) for (t,) in begun) + ")")
    if not parts:
        return None
    return " AND ".join(parts)


def candidates(conn: Connection, words: list[str]) -> str | None:
    """The rowids of `individual` that may hold every word (a superset of the matches),
    as a JSON list for `among`; None when there would be more than AT_MOST of them or no
    word narrows. Read through the driver: SQLAlchemy's handling of a few thousand
    result rows cost more than the index itself."""
    raw = driver(conn)
    # Also for a list without words: the register's first page after an import brings the
    # index up to date before anything is typed.
    noted, queued = _queued(raw)
    if noted and not raw.in_transaction and catch_up(raw, wait=False):
        noted, queued = 0, "[]"
    if noted > AT_MOST or not any(len(word) >= 2 for word in words):
        return None
    match = _match(raw, words)
    assert match is not None
    if match == "":
        return queued
    found, rowids = raw.execute(
        "SELECT count(*), json_group_array(rowid) FROM ("
        " SELECT rowid FROM individual_search WHERE individual_search MATCH ? LIMIT ?)",
        (match, AT_MOST + 1),
    ).fetchone()
    if found + noted > AT_MOST:
        return None
    if noted:
        return json.dumps(sorted(set(json.loads(rowids)) | set(json.loads(queued))))
    return rowids


def _queued(raw: sqlite3.Connection) -> tuple[int, str]:
    return raw.execute(
        f"SELECT count(*), json_group_array(person) FROM ({_BEHIND} LIMIT ?)", (AT_MOST + 1,)
    ).fetchone()


class _CrossJoin(Join):
    """A join SQLite must run left to right: the few candidate rows first, each looked up
    by rowid. As a plain join SQLite prefers to walk the list index in sort order and test
    each row against the candidates, which is the scan this module exists to avoid."""

    inherit_cache = True


@compiles(_CrossJoin)
def _cross_join(element, compiler, **kw) -> str:
    return compiler.visit_join(element, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


def among(rowids: str, table: Table) -> FromClause:
    """`table` (individual) limited to `rowids` (from `candidates`), to select from."""
    chosen = func.json_each(rowids).table_valued("value").alias("candidate")
    return _CrossJoin(chosen, table, literal_column(f"{table.name}.rowid") == chosen.c.value)
