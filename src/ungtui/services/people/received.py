"""What this install holds of a person brought by sync: which data categories of the
person record never came (domain.data_categories.categories_missing). A record typed or
imported here has a register for every column; one received under a consent has them
only for the columns the consent covered, the others stay at their defaults."""

from __future__ import annotations

from collections.abc import Iterable

from ungtui.domain.data_categories import categories_missing, columns_in
from ungtui.services.unit_of_work import CREATED

# SQLite's limit on bound parameters is far above a page of the list (100).
_CHUNK = 500


def any_received(conn) -> bool:
    """Whether this install has taken in changes from any other: until then every person
    was registered here and holds every field, and nothing needs asking (a cheap
    question, before one that reads each person's registers)."""
    return conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM sync_site)").scalar()


def missing_categories(conn, individual_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """{person id: categories of the person record never held here}, for those of
    `individual_ids` that miss any; a person without sync bookkeeping is wholly held."""
    ids = list(dict.fromkeys(individual_ids))
    found: dict[str, frozenset[str]] = {}
    if not ids or not any_received(conn):
        return found
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        # Registered here (the change log says so): every field is this install's own.
        here = {
            row[0]
            for row in conn.exec_driver_sql(
                f"SELECT record_id FROM changelog WHERE record_id IN ({marks}) AND field = ?",
                (*chunk, CREATED),
            )
        }
        chunk = [i for i in chunk if i not in here]
        if not chunk:
            continue
        marks = ", ".join("?" * len(chunk))
        # The registers' top-level keys are the columns (compact form: "@" besides).
        rows = conn.exec_driver_sql(
            "SELECT r.row_id, group_concat(j.key, char(1)) FROM sync_row r, json_each(r.fields) j"
            f" WHERE r.tbl = 'individual' AND r.row_id IN ({marks}) GROUP BY r.row_id",
            tuple(chunk),
        ).all()
        for row_id, keys in rows:
            missing = categories_missing("individual", (keys or "").split("\x01"))
            if missing:
                found[row_id] = missing
    return found


def unknown_sql(category: str, individual_id: str) -> str:
    """SQL true when the person `individual_id` (an SQL expression) was received without
    any field of `category` on their record: those columns hold defaults. A person
    registered here (the change log has the registration) is asked no further: reading
    a person's registers costs ten times the look-up in the change log's index."""
    columns = columns_in("individual", category)
    absent = " AND ".join(f"json_type(s.fields, '$.{column}') IS NULL" for column in columns)
    return (
        "(NOT EXISTS (SELECT 1 FROM changelog c WHERE c.record_id = "
        f"{individual_id} AND c.field = '{CREATED}')"
        " AND EXISTS (SELECT 1 FROM sync_row s WHERE s.tbl = 'individual'"
        f" AND s.row_id = {individual_id} AND {absent}))"
    )
