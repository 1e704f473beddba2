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

from sqlalchemy.engine import Connection

from ungtui.sync import state

# The read-only half lives below sync.state (which this module builds on); its names
# are this module's too, so callers keep one door for organisations.
from ungtui.sync.org_identity import (  # noqa: F401
    LIST,
    ONE,
    ORG_REFERENCES,
    alias_map,
    begin_bulk,
    end_bulk,
    id_for_key,
    map_references,
    map_value,
    organisation_clusters,
    organisation_key,
    organisation_keys,
    own_organisation_id,
    own_organisation_key,
    renew_bulk,
    settled_by_merge,
)
from ungtui.sync.register import Register

# --- groups --------------------------------------------------------------------------


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
    renew_bulk(conn, alias)
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
