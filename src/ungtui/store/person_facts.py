"""What the follow-up report needs of each person, kept in `person_fact` (migrations.
V_PERSON_FACTS) instead of being worked out from the register for every report: the
rows of the report's per-person table (services.followup.report_sql, report_person) for
the default target-group rules, the days each person's groups turn on as day numbers.
Working those out parses every person's dates, about 0.4 s CPU at 100,000 people; a
report copies the rows instead (0.07 s).

The rows depend on the rules: `person_fact_state.sql` holds the statement they were
worked out with (ROWS with DEFAULT_RULES). A report whose rules give other SQL (an
agreement with its own ages) works its rows out itself; so does a report on a file whose
table was made by other code, until `catch_up` makes it again.

How the table is kept right (as store.way_facts):
- A change of a person's row, or its removal, is written through by triggers, in the
  same statement.
- New rows have no trigger (a bulk insert would pay for one a row): `person_fact_state.
  people` is the highest row number of `individual` the table has seen, and `catch_up`
  works out the rows above it. A removal of the highest row lowers the mark.
- The report calls `catch_up` first; when it cannot write (another window is writing, a
  file opened read-only) it works its rows out itself.

`person_fact.n` is the person's rowid (VACUUM keeps it). A later migration step that
copies `individual` to a new table must run REFILL.
"""

from __future__ import annotations

import sqlite3

from ungtui.domain.dates import day_number_sql
from ungtui.domain.target_groups import DEFAULT_RULES, TargetGroupRules, person_bounds_sql
from ungtui.store.derived_write import write_derived

GENDER_SHIFT = 40
# Everything ROWS reads of a person's row.
_READ = (
    "id, gender, birth_date, compulsory_school_done_on, identity_kind, residence_permit_date, "
    "establishment_from, establishment_until, in_upper_secondary, has_upper_secondary_diploma, "
    "case_organisation_id, municipality, af_status, deleted_at"
)


def _bounds(rules: TargetGroupRules) -> dict[str, str]:
    return person_bounds_sql(
        rules,
        birth="birth",
        school_done="school_done",
        samordningsnummer="samord",
        permit_from="permit_from",
        est_from="est_from",
        est_until="est_until",
    )


def columns(rules: TargetGroupRules) -> str:
    """The columns of the report's per-person table (and of person_fact) under `rules`."""
    return (
        f"n INTEGER PRIMARY KEY, pid, base, birth_date, {', '.join(_bounds(rules))}, "
        "no_school, org, kom, af, hist, multi"
    )


def rows(rules: TargetGroupRules, source: str) -> str:
    """The rows of the report's per-person table under `rules`, of the people `source`
    (a FROM clause over `individual`, live rows only) gives; hist and multi are 0."""
    bounds = ",\n        ".join(_bounds(rules).values())
    return f"""SELECT n, pid,
        -- the gender, put where the report's flags want it
        g << {GENDER_SHIFT},
        birth_date, {bounds}, no_school, org, kom, af, 0, 0
    FROM (SELECT rowid AS n, id AS pid,
        CASE gender WHEN 'kvinna' THEN 1 WHEN 'man' THEN 2 ELSE 0 END AS g,
        birth_date, {day_number_sql("birth_date")} AS birth,
        {day_number_sql("compulsory_school_done_on")} AS school_done,
        identity_kind = 'samordningsnummer' AS samord,
        {day_number_sql("residence_permit_date")} AS permit_from,
        {day_number_sql("establishment_from")} AS est_from,
        {day_number_sql("establishment_until")} AS est_until,
        (NOT in_upper_secondary AND NOT has_upper_secondary_diploma) AS no_school,
        COALESCE(case_organisation_id, '') AS org,
        municipality AS kom,
        af_status AS af
    FROM {source})"""


# Every row is read anyway: in file order, not by way of the index on deleted_at.
EVERYONE = "individual NOT INDEXED WHERE deleted_at IS NULL LIMIT -1 OFFSET 0"
_ONE = "individual WHERE rowid = new.rowid AND deleted_at IS NULL"
# by row number, not by way of the index on deleted_at (that would read everyone)
_NEW = (
    "individual NOT INDEXED WHERE rowid > (SELECT people FROM person_fact_state)"
    " AND deleted_at IS NULL"
)
_HIGHEST = "(SELECT coalesce(max(rowid), 0) FROM individual)"
_STATE = """CREATE TABLE IF NOT EXISTS person_fact_state (
    id INTEGER PRIMARY KEY CHECK (id = 1), people INTEGER NOT NULL, sql TEXT NOT NULL
);
INSERT OR IGNORE INTO person_fact_state (id, people, sql) VALUES (1, 0, '');
"""


def key(rules: TargetGroupRules) -> str:
    """What the rows under `rules` are worked out with: person_fact_state.sql."""
    return rows(rules, EVERYONE)


def make(rules: TargetGroupRules = DEFAULT_RULES) -> str:
    """A script that makes person_fact anew under `rules`, triggers and all, and fills it
    from the rows there are."""
    sql = key(rules)
    return f"""{_STATE}
DROP TRIGGER IF EXISTS person_fact_update;
DROP TRIGGER IF EXISTS person_fact_delete;
DROP TABLE IF EXISTS person_fact;
CREATE TABLE person_fact ({columns(rules)});
CREATE TRIGGER person_fact_update AFTER UPDATE OF {_READ} ON individual BEGIN
    DELETE FROM person_fact WHERE n = old.rowid;
    INSERT INTO person_fact {rows(rules, _ONE)};
END;
CREATE TRIGGER person_fact_delete AFTER DELETE ON individual BEGIN
    DELETE FROM person_fact WHERE n = old.rowid;
    UPDATE person_fact_state SET people = {_HIGHEST} WHERE people > {_HIGHEST};
END;
INSERT INTO person_fact {sql};
UPDATE person_fact_state SET people = {_HIGHEST}, sql = '{sql.replace("'", "''")}';
"""


CATCH_UP = (
    "DELETE FROM person_fact WHERE n > (SELECT people FROM person_fact_state)",
    f"INSERT INTO person_fact {rows(DEFAULT_RULES, _NEW)}",
    f"UPDATE person_fact_state SET people = {_HIGHEST}",
)
# For a later migration step that copies `individual`.
REFILL = "UPDATE person_fact_state SET people = 0;"
# A row above the mark is new (a removal lowers the mark); other code's rows are remade.
_IS_BEHIND = f"SELECT {_HIGHEST} > people OR sql <> ? FROM person_fact_state"


def usable(raw: sqlite3.Connection, rules: TargetGroupRules) -> bool:
    """Whether person_fact holds the rows under `rules` (once caught up)."""
    found = raw.execute("SELECT sql FROM person_fact_state").fetchone()
    return found is not None and found[0] == key(rules)


def statements(script: str) -> list[str]:
    """A script's statements one by one (executescript would commit first)."""
    out, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            out.append(pending)
            pending = ""
    return out


def catch_up(raw: sqlite3.Connection, *, wait: bool = True) -> bool:
    """Bring person_fact up to date, in a transaction of its own on `raw` (in autocommit:
    no transaction open). Without `wait`, gives up (False) at once when another
    connection is writing or the file cannot be written."""
    if raw.in_transaction:
        return False
    current = key(DEFAULT_RULES)
    # Nothing new since: nothing written, no lock asked for.
    if not raw.execute(_IS_BEHIND, (current,)).fetchone()[0]:
        return True

    def write() -> None:
        (people, sql) = raw.execute("SELECT people, sql FROM person_fact_state").fetchone()
        if sql != current or people == 0:
            for statement in statements(make()):
                raw.execute(statement)
        else:
            for statement in CATCH_UP:
                raw.execute(statement)

    return write_derived(raw, write, wait=wait)
