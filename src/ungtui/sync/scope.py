"""What travels to one recipient: the one place an export decides it.

An export to one's own organisation carries everything. An export to another
organisation carries a record about a person only when that organisation may receive
data about the person (`allowed_individuals`: it holds the case, or a consent in force
covers it). Records about nobody (organisations, units, the measure catalogue, a
meeting's free topic) travel to everyone.

The streaming export (sync.changes.collect) asks the scope two things per record, in
this order, and nothing else:

1. `travels(tbl, person)`: does the record go at all? `person` is the individual the
   record is about: its own id for an individual, the `individual_id` column of the
   domain row for a person table (PERSON_TABLES), None for a record about nobody.
2. `fields_for(tbl)`: None when every field of the table's records travels as stored
   (the stored registers are copied into the file without being parsed: this is what
   keeps a full export of 100,000 people fast); otherwise a function
   `(tbl, row_id, person, registers) -> registers` that returns the registers that may
   travel (dropping a field leaves the receiver's copy of it as it was).

A finer rule (consent per data category, issue 17) plugs in as `fields_for` and, per
record, `travels`. The preview counts what `travels` lets through, so the numbers the
Synk screen shows are what the file carries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Connection

from ungtui.domain.consent import is_in_force
from ungtui.store.models import PERSON_TABLES as PERSON_MODELS
from ungtui.sync import organisations as orgs
from ungtui.sync.register import smallest_of_groups

PERSON_TABLES = frozenset(model.__tablename__ for model in PERSON_MODELS)

FieldFilter = Callable[[str, str, str | None, dict], dict]


def clusters(conn: Connection) -> dict[str, str]:
    """Each merged individual's canonical id: the smallest id of its connected group."""
    return smallest_of_groups(conn.exec_driver_sql("SELECT id_a, id_b FROM sync_merge").all())


def allowed_individuals(conn: Connection, organisation_id: str, on: date) -> set[str]:
    """People the organisation may receive data about today: it holds the case, or a
    consent in force covers it (for any member of a merged person). Organisations are
    compared by identity (their number), not by record id."""
    canon = clusters(conn)
    keys = orgs.organisation_keys(conn)
    wanted = keys.get(organisation_id, organisation_id)
    # The records of the organisation (all its ids, merged or not): SQL then reads only
    # the people and consents that name one of them.
    ids = sorted({oid for oid, key in keys.items() if key == wanted} | {wanted, organisation_id})
    marks = ", ".join("?" * len(ids))
    allowed_groups: set[str] = set()
    for (pid,) in conn.exec_driver_sql(
        f"SELECT id FROM individual WHERE deleted_at IS NULL AND case_organisation_id IN ({marks})",
        tuple(ids),
    ):
        allowed_groups.add(canon.get(pid, pid))
    for pid, valid_from, valid_to, withdrawn in conn.exec_driver_sql(
        "SELECT individual_id, valid_from, valid_to, withdrawn_on FROM consent"
        f" WHERE deleted_at IS NULL AND organisation_id IN ({marks})",
        tuple(ids),
    ):
        if is_in_force(
            date.fromisoformat(valid_from),
            date.fromisoformat(valid_to) if valid_to else None,
            date.fromisoformat(withdrawn) if withdrawn else None,
            on,
        ):
            allowed_groups.add(canon.get(pid, pid))
    if not allowed_groups:
        return set()
    return {
        pid
        for (pid,) in conn.exec_driver_sql("SELECT id FROM individual")
        if canon.get(pid, pid) in allowed_groups
    }


@dataclass
class ExportScope:
    """Who and what travels to one recipient (see the module's docstring)."""

    recipient: str | None  # the receiving organisation's identity (number, else id)
    filtered: bool  # False: one's own organisation, everything travels
    allowed: set[str] = field(default_factory=set)  # people it may receive (when filtered)
    sent: set[str] = field(default_factory=set)  # people sent to it before

    @property
    def grants(self) -> set[str]:
        """People it may receive now and has not been sent: their records go whole."""
        return self.allowed - self.sent if self.filtered else set()

    @property
    def purges(self) -> list[str]:
        """People it was sent before and may not receive any longer."""
        return sorted(self.sent - self.allowed) if self.filtered else []

    def travels(self, tbl: str, person: str | None) -> bool:
        if not self.filtered:
            return True
        # A person table's row with no individual_id (a meeting's free topic) is about
        # nobody and travels like any other row; a blanked one ("") is about someone.
        if tbl == "individual" or (tbl in PERSON_TABLES and person is not None):
            return person in self.allowed
        return True

    def fields_for(self, tbl: str) -> FieldFilter | None:
        return None


def export_scope(
    conn: Connection,
    for_organisation: str | None,
    own_organisation: str | None,
    today: date,
) -> ExportScope:
    recipient = orgs.organisation_key(conn, for_organisation)
    filtered = recipient is not None and recipient != orgs.organisation_key(conn, own_organisation)
    if not filtered:
        return ExportScope(recipient, False)
    assert for_organisation is not None
    # Who was sent to the organisation is kept by its identity, so that a merge of its
    # records here does not make us forget what it holds.
    sent = {
        pid
        for (pid,) in conn.exec_driver_sql(
            "SELECT individual_id FROM sync_sent WHERE organisation_id = ?", (recipient,)
        )
    }
    return ExportScope(
        recipient, True, allowed_individuals(conn, for_organisation, today), sent
    )


def record_sent(conn: Connection, scope: ExportScope) -> None:
    """Remember who the recipient now holds: committed only together with a written file."""
    if not scope.filtered:
        return
    gone = scope.purges
    new = sorted(scope.grants)
    for start in range(0, len(gone), 500):
        part = gone[start : start + 500]
        conn.exec_driver_sql(
            "DELETE FROM sync_sent WHERE organisation_id = ?"
            f" AND individual_id IN ({', '.join('?' * len(part))})",
            (scope.recipient, *part),
        )
    if new:
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO sync_sent (organisation_id, individual_id) VALUES (?, ?)",
            [(scope.recipient, pid) for pid in new],
        )
