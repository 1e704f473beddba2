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

The finer rule of issue 17 (consent per discloser, receiver, purpose and data category,
sync.sharing) plugs in here: when the receiver is another secrecy domain the scope holds
a `SharePlan`; `travels` lets through the people the plan covers, and `fields_for` of a
person table narrows each record to the fields of the categories covered (and adds the
fields of categories newly covered for someone already sent). What the receiver was sent
is remembered per person with its categories (sync_sent.categories); a person it may
now receive less about is named in the manifest's "narrowed" with the categories to drop.
The preview counts what `travels` lets through, so the numbers the Synk screen shows are
what the file carries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Connection

from ungtui.domain.consent import is_in_force
from ungtui.store.models import PERSON_TABLE_NAMES
from ungtui.sync import holders, sharing
from ungtui.sync import organisations as orgs
from ungtui.sync.register import smallest_of_groups

PERSON_TABLES = frozenset(PERSON_TABLE_NAMES)

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
    # Issue 17: the plan of what may go to another secrecy domain (None: the scope's own
    # rule above), and of people sent before, the categories the receiver must drop.
    share: sharing.SharePlan | None = None
    narrowed: dict[str, list[str]] = field(default_factory=dict)
    # Referrals (and their steps) that stay here although the rest travels whole: within
    # one's own nämnd, those between other nämnder (sharing.referrals_not_for).
    withheld_referrals: frozenset[str] = frozenset()

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
        if self.withheld_referrals and tbl in sharing.ROUTED_BY_REFERRAL:
            return self._shared_fields
        if self.share is None or not (tbl == "individual" or tbl in PERSON_TABLES):
            return None
        return self._shared_fields

    def _shared_fields(self, tbl: str, row_id: str, person: str | None, registers: dict) -> dict:
        # Only used through narrow(), which has the stored registers too.
        return registers

    def rereads(self) -> set[str]:
        """People whose unchanged records are read again: sent whole (grants), or with
        categories newly covered (their fields go whole)."""
        if self.share is None:
            return self.grants
        return self.grants | set(self.share.widened)

    def narrow(
        self, tbl: str, row_id: str, person: str | None, stored: dict, chosen: dict
    ) -> dict | None:
        """The fields of a record that travel (None: the record does not go). `stored`:
        all its registers as stored; `chosen`: those changed since the last file (all of
        them when it goes whole)."""
        if self.withheld_referrals and tbl in sharing.ROUTED_BY_REFERRAL:
            referral_id = row_id if tbl == "referral" else sharing.value_of(stored, "referral_id")
            if referral_id in self.withheld_referrals:
                return None
        if self.share is not None:
            about_a_person = tbl == "individual" or (tbl in PERSON_TABLES and person is not None)
            if not about_a_person:
                return chosen
            # An individual record is about the person it is.
            return self.share.fields_to_send(tbl, row_id, person or row_id, stored, chosen)
        keep = self.fields_for(tbl)
        return chosen if keep is None else keep(tbl, row_id, person, chosen)


def export_scope(
    conn: Connection,
    for_organisation: str | None,
    own_organisation: str | None,
    today: date,
    for_domain: str | None = None,
) -> ExportScope:
    receiver = sharing.receiver_holder(conn, for_organisation, for_domain)
    if receiver is not None and holders.own_holder(conn) is not None:
        # Issue 17: what goes to another secrecy domain is the share plan's; nothing is
        # withheld within one's own. (An install with no user yet has no domain to
        # disclose from: the organisation rule below holds.)
        share = sharing.share_plan(conn, receiver, today)
        if share is None:
            # The same nämnd: no disclosure, but a referral between two other nämnder of
            # the organisation is theirs, also when this database holds it.
            return ExportScope(
                receiver.key,
                False,
                withheld_referrals=sharing.referrals_not_for(conn, receiver),
            )
        sent, _purges, narrowed = share.compare_sent(conn)
        return ExportScope(receiver.key, True, set(share.people), sent, share, narrowed)
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
    if scope.share is not None:
        scope.share.remember_sent(conn)
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
