"""What the follow-up report needs of each way, kept in `way_fact` (migrations.V_WAY_FACTS)
instead of being worked out from the register for every report: the way's person as the
register's row number, its days as text and as day numbers, its outcome, and the days of
its first measure and of its first measure that leads to work or studies.

Nothing here depends on the target groups' rules: those stay in the report's own
per-person table (services.followup.report_sql).

How the table is kept right (the same split as the search index, store.person_search):
- A change or removal of a way, of a person's measure, of a catalog measure or of a
  person's row is written through to `way_fact` by triggers, in the same statement.
- New rows have no triggers: an insert trigger costs a bulk insert (an import, a demo, a
  sync) a statement journal per row. `way_fact_state` holds the highest row number of
  `way`, `individual_measure` and `individual` that `way_fact` has seen; `catch_up` works
  out the ways of every row above them, in a few statements. A removal of the highest
  row lowers the mark to the new highest, since SQLite gives the next row that number.
- The report calls `catch_up` first; when it cannot write (another window is writing, a
  file opened read-only) it works the same rows out into a temporary table instead.

Row numbers: `way_fact.way` is the way's rowid and `n` its person's. VACUUM keeps them
(they are not renumbered; person_search relies on the same). A later migration step that
copies `way`, `individual` or `individual_measure` to a new table must run REFILL.
"""

from __future__ import annotations

import sqlite3

from ungtui.domain.dates import day_number_sql
from ungtui.store.derived_write import write_derived

# A way's first measures: the earliest start among its measures that are not only planned,
# and among those that lead to work or studies (a measure whose catalog row is missing
# counts in neither, as the report always had it).
_FIRST = """(SELECT min({value}) FROM individual_measure im
        CROSS JOIN measure m ON m.id = im.measure_id
        WHERE im.way_id = {way_id} AND im.deleted_at IS NULL AND im.status <> 'planerad')"""
_FIRST_START = _FIRST.format(value="im.start_date", way_id="{way_id}")
_FIRST_WS = _FIRST.format(
    value="CASE WHEN m.leads_to_work_or_studies THEN im.start_date END", way_id="{way_id}"
)

COLUMNS = "way, n, entry_date, exit_on, joined_on, entry, exit, outcome, first_start, first_ws"

# The row of the way `w` (a live one: the caller leaves removed ways out).
FACT = f"""w.rowid, (SELECT p.rowid FROM individual p WHERE p.id = w.individual_id),
    w.entry_date, w.exit_on, w.joined_on,
    {day_number_sql("w.entry_date")}, {day_number_sql("w.exit_on")}, w.exit_outcome,
    {_FIRST_START.format(way_id="w.id")},
    {_FIRST_WS.format(way_id="w.id")}"""

# The first measures again, for `way_fact` rows whose ways are chosen by `{ways}`.
_REFIRST = f"""UPDATE way_fact SET
    first_start = {_FIRST_START.format(way_id="(SELECT id FROM way WHERE rowid = way_fact.way)")},
    first_ws = {_FIRST_WS.format(way_id="(SELECT id FROM way WHERE rowid = way_fact.way)")}
    WHERE way IN ({{ways}});"""
# A person's row number again, for ways chosen by `{ways}`.
_RENUMBER = """UPDATE way_fact SET n = (SELECT p.rowid FROM individual p
    WHERE p.id = (SELECT individual_id FROM way WHERE rowid = way_fact.way))
    WHERE way IN ({ways});"""


def _clamp(column: str, table: str) -> str:
    highest = f"(SELECT coalesce(max(rowid), 0) FROM {table})"
    return f"UPDATE way_fact_state SET {column} = {highest} WHERE {column} > {highest};"


_MEASURE_WAYS = "SELECT w.rowid FROM individual_measure im CROSS JOIN way w ON w.id = im.way_id"

TABLES = """
CREATE TABLE way_fact (
    way INTEGER PRIMARY KEY, n INTEGER, entry_date, exit_on, joined_on, entry, exit, outcome,
    first_start, first_ws
);
CREATE TABLE way_fact_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    ways INTEGER NOT NULL, measures INTEGER NOT NULL, people INTEGER NOT NULL
);
INSERT INTO way_fact_state (id, ways, measures, people) VALUES (1, 0, 0, 0);
"""

TRIGGERS = f"""
CREATE TRIGGER way_fact_way_update
AFTER UPDATE OF individual_id, entry_date, exit_on, exit_outcome, joined_on, deleted_at ON way
BEGIN
    DELETE FROM way_fact WHERE way = old.rowid;
    INSERT INTO way_fact ({COLUMNS}) SELECT {FACT}
        FROM way w WHERE w.rowid = new.rowid AND w.deleted_at IS NULL;
END;
CREATE TRIGGER way_fact_way_delete AFTER DELETE ON way BEGIN
    DELETE FROM way_fact WHERE way = old.rowid;
    {_clamp("ways", "way")}
END;
CREATE TRIGGER way_fact_measure_update
AFTER UPDATE OF way_id, measure_id, start_date, status, deleted_at ON individual_measure
BEGIN
    {_REFIRST.format(ways="SELECT rowid FROM way WHERE id IN (old.way_id, new.way_id)")}
END;
CREATE TRIGGER way_fact_measure_delete AFTER DELETE ON individual_measure BEGIN
    {_REFIRST.format(ways="SELECT rowid FROM way WHERE id = old.way_id")}
    {_clamp("measures", "individual_measure")}
END;
CREATE TRIGGER way_fact_catalog_insert AFTER INSERT ON measure BEGIN
    {_REFIRST.format(ways=_MEASURE_WAYS + " WHERE im.measure_id = new.id")}
END;
CREATE TRIGGER way_fact_catalog_update
AFTER UPDATE OF id, leads_to_work_or_studies ON measure BEGIN
    {_REFIRST.format(ways=_MEASURE_WAYS + " WHERE im.measure_id IN (old.id, new.id)")}
END;
CREATE TRIGGER way_fact_catalog_delete AFTER DELETE ON measure BEGIN
    {_REFIRST.format(ways=_MEASURE_WAYS + " WHERE im.measure_id = old.id")}
END;
CREATE TRIGGER way_fact_person_update AFTER UPDATE OF id ON individual
WHEN old.id IS NOT new.id BEGIN
    {_RENUMBER.format(ways="SELECT rowid FROM way WHERE individual_id IN (old.id, new.id)")}
END;
CREATE TRIGGER way_fact_person_delete AFTER DELETE ON individual BEGIN
    UPDATE way_fact SET n = NULL
        WHERE way IN (SELECT rowid FROM way WHERE individual_id = old.id);
    {_clamp("people", "individual")}
END;
"""

# The ways behind: new ways, ways with new measures, ways of new people.
_BEHIND = """SELECT rowid FROM way WHERE rowid > (SELECT ways FROM way_fact_state)
    UNION SELECT w.rowid FROM individual_measure im CROSS JOIN way w ON w.id = im.way_id
        WHERE im.rowid > (SELECT measures FROM way_fact_state)
    UNION SELECT w.rowid FROM individual p CROSS JOIN way w ON w.individual_id = p.id
        WHERE p.rowid > (SELECT people FROM way_fact_state)"""
_MARKS = """UPDATE way_fact_state SET
    ways = (SELECT coalesce(max(rowid), 0) FROM way),
    measures = (SELECT coalesce(max(rowid), 0) FROM individual_measure),
    people = (SELECT coalesce(max(rowid), 0) FROM individual)"""

# A removal lowers a mark to the highest row left, so a row above its mark is a new one.
_IS_BEHIND = """SELECT (SELECT coalesce(max(rowid), 0) FROM way) > ways
    OR (SELECT coalesce(max(rowid), 0) FROM individual_measure) > measures
    OR (SELECT coalesce(max(rowid), 0) FROM individual) > people FROM way_fact_state"""
CATCH_UP = (
    f"DELETE FROM way_fact WHERE way IN ({_BEHIND})",
    f"""INSERT INTO way_fact ({COLUMNS}) SELECT {FACT}
    FROM way w WHERE w.rowid IN ({_BEHIND}) AND w.deleted_at IS NULL""",
    _MARKS,
)
# Every way at once (a new table, a demo's fill, or after REFILL's marks): the measures
# read once in file order, each way's earliest kept as they come (ON CONFLICT, with NULL
# left out as min() does), instead of looking up each way's measures by its id: half the
# time at 100,000 people (1.2 s CPU).
WHOLE = (
    """CREATE TEMP TABLE way_fact_first (way_id PRIMARY KEY, first_start, first_ws)
    WITHOUT ROWID""",
    """INSERT INTO temp.way_fact_first
    SELECT im.way_id, im.start_date,
        CASE WHEN m.leads_to_work_or_studies THEN im.start_date END
    FROM individual_measure im NOT INDEXED CROSS JOIN measure m ON m.id = im.measure_id
    WHERE im.deleted_at IS NULL AND im.status <> 'planerad'
    ON CONFLICT (way_id) DO UPDATE SET
        first_start = CASE WHEN first_start IS NULL THEN excluded.first_start
            ELSE min(first_start, COALESCE(excluded.first_start, first_start)) END,
        first_ws = CASE WHEN first_ws IS NULL THEN excluded.first_ws
            ELSE min(first_ws, COALESCE(excluded.first_ws, first_ws)) END""",
    "DELETE FROM way_fact",
    f"""INSERT INTO way_fact ({COLUMNS})
    SELECT w.rowid, (SELECT p.rowid FROM individual p WHERE p.id = w.individual_id),
        w.entry_date, w.exit_on, w.joined_on,
        {day_number_sql("w.entry_date")}, {day_number_sql("w.exit_on")}, w.exit_outcome,
        f.first_start, f.first_ws
    FROM way w LEFT JOIN temp.way_fact_first f ON f.way_id = w.id
    WHERE w.deleted_at IS NULL""",
    "DROP TABLE temp.way_fact_first",
    _MARKS,
)
# For a later migration step that copies a table the rows are numbered by.
REFILL = "UPDATE way_fact_state SET ways = 0, measures = 0, people = 0;"


def catch_up(raw: sqlite3.Connection, *, wait: bool = True) -> bool:
    """Bring way_fact up to date, in a transaction of its own on `raw` (in autocommit: no
    transaction open). Without `wait`, gives up (False) at once when another connection
    is writing or the file cannot be written."""
    if raw.in_transaction:
        return False
    # Nothing new since: nothing written, no lock asked for (a report on a file opened
    # only to read changes nothing in it, and does not wait for another window's write).
    if not raw.execute(_IS_BEHIND).fetchone()[0]:
        return True

    def write() -> None:
        (behind,) = raw.execute(
            "SELECT ways = 0 AND measures = 0 AND people = 0 FROM way_fact_state"
        ).fetchone()
        for statement in WHOLE if behind else CATCH_UP:
            raw.execute(statement)

    return write_derived(raw, write, wait=wait)
