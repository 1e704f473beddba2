"""An organisation is one thing everywhere: its identity is its organisationsnummer.

Records get ids derived from the number (domain.orgnr.organisation_id), so installs that
register, load or receive the same organisation hold it under one id. Records made before
that, or without a number, can still be two records of one organisation: they are merged
by an edge in `sync_org_merge`, written by this install or received by sync, exactly like
merged individuals (sync.md §6.3, rule 6). The edges only grow and their union commutes,
so every install that holds the same edges shows the same organisation, under the
smallest id of its group.

What the merge changes is what the domain tables show: every column that refers to an
organisation (ORG_REFERENCES) holds the id the organisation is shown under, whatever id
its author wrote. The registers keep what was written; `state.write_domain` maps each
value as it materialises a row, and `refresh_organisation_clusters` maps the rows already
written when a merge arrives. So rules that compare organisation ids (the referral inbox,
a unit's organisation) see one organisation, and dumps of two installs agree.

Checks that decide who may see what (consent, the export filter, the referral's parties)
compare organisations by `organisation_keys`: the number where there is one, so even two
records not yet merged count as one organisation.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.engine import Connection

from ungtui.store.models import CURRENT_STAFF_KEY
from ungtui.sync import state
from ungtui.sync.register import Register, smallest_of_groups

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


def refresh_organisation_clusters(conn: Connection) -> None:
    """Show each group as one organisation: members point to the canonical record, which
    shows the newest value of each field (a number over none), and every reference to a
    member now refers to the canonical record."""
    canon = organisation_clusters(conn)
    conn.exec_driver_sql("UPDATE organisation SET merged_into = NULL WHERE merged_into IS NOT NULL")
    groups: dict[str, list[str]] = defaultdict(list)
    for oid, root in canon.items():
        groups[root].append(oid)
        if oid != root:
            # A member may have been canonical before and still show the group's values.
            fields, tomb = state.load_row(conn, "organisation", oid)
            if fields or tomb:
                state.write_domain(conn, "organisation", oid, fields, tomb)
            conn.exec_driver_sql(
                "UPDATE organisation SET merged_into = ? WHERE id = ?", (root, oid)
            )
    for root, members in groups.items():
        _show_group(conn, root, members)
    alias = {oid: root for oid, root in canon.items() if oid != root}
    if conn.info.get(_ALIAS_CACHE) is not None:
        conn.info[_ALIAS_CACHE] = alias
    _remap_references(conn, alias)


def _show_group(conn: Connection, root: str, members: list[str]) -> None:
    best: dict[str, Register] = {}
    for oid in members:
        fields, _tomb = state.load_row(conn, "organisation", oid)
        for col, reg in fields.items():
            if not reg.versions:
                continue
            current = best.get(col)
            # A number beats no number whatever their age: it is the identity.
            rank = (reg.value not in (None, ""), reg.versions[0][1], reg.versions[0][2])
            if current is None or rank > (
                current.value not in (None, ""),
                current.versions[0][1],
                current.versions[0][2],
            ):
                best[col] = Register([reg.versions[0]], {})
    if not best:
        return  # the canonical record has not arrived here yet
    _fields, tomb = state.load_row(conn, "organisation", root)
    state.write_domain(conn, "organisation", root, best, tomb)


def _remap_references(conn: Connection, alias: dict[str, str]) -> None:
    """Point every domain reference to a merged member at its canonical record. Only the
    shown columns change: the registers keep what their authors wrote."""
    if not alias:
        return
    losers = sorted(alias)
    for tbl, columns in ORG_REFERENCES.items():
        for col, kind in columns.items():
            if kind == ONE:
                for loser in losers:
                    conn.exec_driver_sql(
                        f"UPDATE {tbl} SET {col} = ? WHERE {col} = ?", (alias[loser], loser)
                    )
                continue
            like = " OR ".join(f"{col} LIKE ?" for _ in losers)
            rows = conn.exec_driver_sql(
                f"SELECT id, {col} FROM {tbl} WHERE {like}", tuple(f"%{x}%" for x in losers)
            ).all()
            for row_id, value in rows:
                conn.exec_driver_sql(
                    f"UPDATE {tbl} SET {col} = ? WHERE id = ?",
                    (map_value(LIST, value, alias), row_id),
                )


# --- merging -------------------------------------------------------------------------


def add_merge(conn: Connection, first_id: str, second_id: str) -> bool:
    """Record, stamped by this install, that two records are one organisation."""
    id_a, id_b = sorted((first_id, second_id))
    meta = state.ensure_identity(conn)
    tick = state.clock(conn)
    stamp = tick.tick()
    state.save_clock(conn, tick)
    seq = state.next_seq(conn)
    added = conn.exec_driver_sql(
        "INSERT OR IGNORE INTO sync_org_merge (id_a, id_b, hlc, site, local_seq)"
        " VALUES (?, ?, ?, ?, ?)",
        (id_a, id_b, stamp, meta["site_id"], seq),
    ).rowcount
    return bool(added)


def merge_same_numbers(conn: Connection) -> int:
    """Merge live records that carry the same number but are not one group yet: the
    number is the organisation's identity, so no person needs to confirm it. Returns how
    many merges were added; the caller's transaction holds them."""
    canon = organisation_clusters(conn)
    roots_by_number: dict[str, set[str]] = defaultdict(set)
    for oid, number in conn.exec_driver_sql(
        "SELECT id, org_nr FROM organisation WHERE deleted_at IS NULL AND org_nr IS NOT NULL"
        " AND org_nr != ''"
    ):
        roots_by_number[number].add(canon.get(oid, oid))
    added = 0
    for roots in roots_by_number.values():
        ordered = sorted(roots)
        for other in ordered[1:]:
            added += add_merge(conn, ordered[0], other)
    if added:
        refresh_organisation_clusters(conn)
    return added


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
