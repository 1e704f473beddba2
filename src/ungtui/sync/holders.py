"""Parties under one secrecy (domain.disclosure.Holder) as this database knows them: each
unit's and staff member's, and this install's own (the unit of the person using it).

A holder's key is the organisation's identity (its number, sync.organisations) and the
domain code: `212000-1124#socialtjanst`. Records carry their origin as such a key. Keys
written before domains were known name the organisation only; `same_holder` reads those
as the organisation, as they were meant.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from ungtui.domain.disclosure import Holder
from ungtui.domain.secrecy import single_domain, unit_domain
from ungtui.store.models import CURRENT_STAFF_KEY
from ungtui.sync import org_identity as orgs


def organisation_kinds(conn: Connection) -> dict[str, str]:
    return dict(conn.exec_driver_sql("SELECT id, kind FROM organisation").all())


def unit_holders(conn: Connection, keys: dict[str, str] | None = None) -> dict[str, Holder]:
    """Every unit's holder: its organisation's identity and its domain (the one set for
    it, or the one its name suggests)."""
    keys = keys if keys is not None else orgs.organisation_keys(conn)
    kinds = organisation_kinds(conn)
    return {
        unit_id: Holder(
            keys.get(org_id, org_id),
            unit_domain(stored or "", name or "", kinds.get(org_id, "annan")),
        )
        for unit_id, org_id, name, stored in conn.exec_driver_sql(
            "SELECT id, organisation_id, name, secrecy_domain FROM unit"
        )
    }


def staff_holders(
    conn: Connection, units: dict[str, Holder] | None = None
) -> dict[str, Holder]:
    units = units if units is not None else unit_holders(conn)
    return {
        staff_id: units[unit_id]
        for staff_id, unit_id in conn.exec_driver_sql("SELECT id, unit_id FROM staff")
        if unit_id in units
    }


def organisation_holder(
    conn: Connection, organisation_id: str | None, domain: str | None = None
) -> Holder | None:
    """An organisation (or one domain of it) as a party. An organisation that is one
    domain whole (AF, FK, a provider) is that domain even when none is named."""
    if not organisation_id:
        return None
    key = orgs.organisation_key(conn, organisation_id) or organisation_id
    if domain is None:
        kind = conn.exec_driver_sql(
            "SELECT kind FROM organisation WHERE id = ?", (organisation_id,)
        ).scalar()
        domain = single_domain(kind or "annan")
    return Holder(key, domain or None)


def own_holder(conn: Connection) -> Holder | None:
    """The party this install discloses as: the unit of the person using it."""
    row = conn.exec_driver_sql(
        "SELECT st.unit_id FROM setting s JOIN staff st ON st.id = s.value WHERE s.key = ?",
        (CURRENT_STAFF_KEY,),
    ).first()
    if row is None:
        return None
    return unit_holders(conn).get(row[0])


def own_holder_key(conn: Connection) -> str | None:
    holder = own_holder(conn)
    return holder.key if holder else None


def same_holder(a: str | None, b: str | None) -> bool:
    """Two origin or sender keys name the same party. A key without a domain (written
    before domains) stands for its whole organisation."""
    if not a or not b:
        return False
    if a == b:
        return True
    if "#" in a and "#" in b:
        return False
    return a.partition("#")[0] == b.partition("#")[0]
