"""Which organisation a record is shown as, read only: the ids merged duplicates are shown
under, the columns that refer to an organisation, and each organisation's identity (its
number). sync.state maps references with it as it materialises a row and sync.holders
keys holders by it; the merging that writes is sync.organisations, above both, which
explains the rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from ungtui.store.models import CURRENT_STAFF_KEY
from ungtui.sync.register import smallest_of_groups

ONE = "one"
LIST = "list"  # comma-separated ids

# Every column of a synced table that holds an organisation id. A test checks that each
# column named like one is listed here.
ORG_REFERENCES: dict[str, dict[str, str]] = {
    "unit": {"organisation_id": ONE},
    "individual": {"case_organisation_id": ONE},
    "responsibility": {"organisation_id": ONE},
    "consent": {"organisation_id": ONE, "discloser_organisation_id": ONE},
    "measure": {"provider_organisation_id": ONE},
    "agreement": {"parties": LIST, "notice_given_by": ONE},
    "work_process": {"responsible_organisation_id": ONE, "parties": LIST, "ended_by": ONE},
    "meetingattendee": {"organisation_id": ONE},
    "meetingaction": {"organisation_id": ONE},
    "referral": {"from_organisation_id": ONE, "to_organisation_id": ONE},
    "referral_event": {"actor_organisation_id": ONE},
}

# Set on a Connection's info while an import runs, so that materialising thousands of
# rows reads the merged organisations once instead of once per row.
_ALIAS_CACHE = "ungtui_org_alias"


# --- groups --------------------------------------------------------------------------


def organisation_clusters(conn: Connection) -> dict[str, str]:
    """Each merged organisation's canonical id: the smallest id of its connected group."""
    return smallest_of_groups(conn.exec_driver_sql("SELECT id_a, id_b FROM sync_org_merge").all())


def alias_map(conn: Connection) -> dict[str, str]:
    """{id of a merged duplicate: the id it is shown under}; empty when nothing is merged."""
    cached = conn.info.get(_ALIAS_CACHE)
    if cached is not None:
        return cached
    return dict(
        conn.exec_driver_sql(
            "SELECT id, merged_into FROM organisation WHERE merged_into IS NOT NULL"
        ).all()
    )


def begin_bulk(conn: Connection) -> None:
    conn.info[_ALIAS_CACHE] = alias_map(conn)


def end_bulk(conn: Connection) -> None:
    conn.info.pop(_ALIAS_CACHE, None)


def renew_bulk(conn: Connection, alias: dict[str, str]) -> None:
    """A merge arrived during an import: the rest of it maps by the new groups."""
    if conn.info.get(_ALIAS_CACHE) is not None:
        conn.info[_ALIAS_CACHE] = alias


def map_value(kind: str, value: Any, alias: dict[str, str]) -> Any:
    """An organisation reference as the domain table shows it."""
    if not alias or not value:
        return value
    if kind == ONE:
        return alias.get(value, value)
    ids: list[str] = []
    for part in str(value).split(","):
        if part:
            shown = alias.get(part, part)
            if shown not in ids:
                ids.append(shown)
    return ",".join(ids)


def settled_by_merge(tbl: str, col: str, values: list[Any], alias: dict[str, str]) -> bool:
    """Competing values of an organisation reference that name one organisation once its
    records are merged: they show the same, so they are no conflict for a person to settle
    (older installs wrote the same party under different ids)."""
    kind = ORG_REFERENCES.get(tbl, {}).get(col)
    if kind is None or not alias:
        return False
    return len({map_value(kind, value, alias) for value in values}) == 1


def map_references(tbl: str, values: dict[str, Any], alias: dict[str, str]) -> None:
    for col, kind in ORG_REFERENCES.get(tbl, {}).items():
        if col in values:
            values[col] = map_value(kind, values[col], alias)


# --- identity ------------------------------------------------------------------------


def organisation_keys(conn: Connection) -> dict[str, str]:
    """Each organisation record's identity: the number of the organisation it is shown
    as (its own number if the group shows none), or, without any number, the id it is
    shown under."""
    rows = conn.exec_driver_sql("SELECT id, org_nr, merged_into FROM organisation").all()
    number_of = {oid: nr for oid, nr, _m in rows if nr}
    keys = {}
    for oid, nr, merged in rows:
        root = merged or oid
        keys[oid] = number_of.get(root) or nr or root
    return keys


def organisation_key(conn: Connection, organisation_id: str | None) -> str | None:
    if not organisation_id:
        return None
    return organisation_keys(conn).get(organisation_id, organisation_id)


def own_organisation_id(conn: Connection) -> str | None:
    """The organisation of the staff member this install works as."""
    row = conn.exec_driver_sql(
        "SELECT u.organisation_id FROM setting s JOIN staff st ON st.id = s.value"
        " JOIN unit u ON u.id = st.unit_id WHERE s.key = ?",
        (CURRENT_STAFF_KEY,),
    ).first()
    return row[0] if row else None


def own_organisation_key(conn: Connection) -> str | None:
    return organisation_key(conn, own_organisation_id(conn))


def id_for_key(conn: Connection, key: str | None) -> str | None:
    """The record an organisation identity is shown under here, if it is known here."""
    if not key:
        return None
    for oid, found in organisation_keys(conn).items():
        if found == key:
            merged = conn.exec_driver_sql(
                "SELECT merged_into FROM organisation WHERE id = ?", (oid,)
            ).scalar()
            return merged or oid
    return None
