"""What one receiver may be given about each person, read from this database.

The rule is domain.disclosure's; this module gathers its facts on one Connection: the
consents as terms (discloser, receiver, purposes, categories), the occasions that make a
purpose count (referrals sent, meetings held), and what was sent to the receiver before.
Sync exports use `SharePlan` through one hook, `SharePlan.fields_to_send`, called by
`changes.collect` per record; list exports and the export preview use the same plan, so
what they show is what a file carries.

How a record travels to a receiver R from this install (discloser D):
- a person's records: when D may give R their kind's category for a standing purpose or
  for an occasion that involves R (domain.purposes), field by field as
  domain.data_categories says;
- a consent: to the parties it names, when the person travels to them;
- a referral and its steps: between its two parties once sent: the consent or legal
  ground recorded at sending covers the referral itself, and who the person is;
- a meeting's records about a person: to the parties present, when a consent for the
  meeting's purpose covers them, or when the person was discussed anyway with a recorded
  reason (the acknowledgement), which covers what was said.

Consents recorded before disclosers were named are read as the disclosure of the domain
of the staff member who recorded them (their unit's), before purposes as consents for the
standing joint planning (domain.purposes.LEGACY_CONSENT), and their receiver as the whole
receiving organisation, which is what they named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Connection

from ungtui.domain.data_categories import (
    ARBETE,
    CATEGORIES,
    FIELD_CATEGORIES,
    IDENTITET,
    travelling_columns,
)
from ungtui.domain.disclosure import (
    ALL,
    ConsentTerms,
    Holder,
    disclosed_categories,
    names,
    same_secrecy,
)
from ungtui.domain.purposes import STANDING, consent_purposes, meeting_purpose, referral_purpose
from ungtui.sync import holders, state
from ungtui.sync import organisations as orgs
from ungtui.sync.register import smallest_of_groups

ROUTED_BY_REFERRAL = frozenset({"referral", "referral_event"})
ROUTED_BY_MEETING = frozenset({"agendaitem", "meetingdecision", "meetingaction"})
# Consents that no longer let anything pass (domain.consent.consent_state).
ENDED_CONSENT = frozenset({"återkallat", "utgånget"})


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def person_groups(conn: Connection) -> dict[str, str]:
    """Each merged individual's canonical id (members of no merge map to themselves
    when looked up with .get(pid, pid))."""
    return smallest_of_groups(conn.exec_driver_sql("SELECT id_a, id_b FROM sync_merge").all())


@dataclass
class Facts:
    """What the rule reads, for every person here."""

    keys: dict[str, str]  # organisation id -> identity
    units: dict[str, Holder]
    staff: dict[str, Holder]
    kinds: dict[str, str]  # organisation id -> kind
    canon: dict[str, str]
    consents: dict[str, list[ConsentTerms]]  # canonical person -> terms
    consent_by_id: dict[str, ConsentTerms]
    # referral id -> (canonical person, purpose, sender, receiver) for referrals sent
    referrals: dict[str, tuple[str, str, Holder, Holder]]
    # meeting id -> (purpose, holders present)
    meetings: dict[str, tuple[str, list[Holder]]]
    # canonical person -> meeting ids with the person on the agenda
    agenda: dict[str, set[str]]
    # agenda item id -> (canonical person, meeting id) for items discussed anyway with a
    # recorded reason (the acknowledgement)
    acknowledged: dict[str, tuple[str, str]]
    # canonical person -> referral ids sent about them
    person_referrals: dict[str, list[str]] = field(default_factory=dict)
    # referrals sent with a recorded legal ground instead of a consent
    on_legal_ground: set[str] = field(default_factory=set)

    def referral_basis(self, referral_id: str, on: date) -> bool:
        """Does the ground the referral was sent on still hold: its legal ground, or a
        consent from the sender for its purpose covering work and measures (a withdrawn
        consent takes the referral away from the receiver)?"""
        if referral_id in self.on_legal_ground:
            return True
        root, purpose, sender, to = self.referrals[referral_id]
        return ARBETE in disclosed_categories(
            self.consents.get(root, []), discloser=sender, receiver=to, purposes=(purpose,), on=on
        )

    def holder(self, organisation_id: str | None, domain: str | None) -> Holder | None:
        """A party named by its organisation only: all of it (AF or FK: their domain)."""
        if not organisation_id:
            return None
        return Holder(self.keys.get(organisation_id, organisation_id), domain)

    def terms_of(self, person: str) -> list[ConsentTerms]:
        return self.consents.get(self.canon.get(person, person), [])

    def occasions(self, person: str, receiver: Holder) -> set[str]:
        """Purposes made current for the person and the receiver by an occasion: a
        referral between them, a meeting with the person on the agenda and them present."""
        root = self.canon.get(person, person)
        found: set[str] = set()
        for referral_id in self.person_referrals.get(root, ()):
            _pid, purpose, sender, to = self.referrals[referral_id]
            if names(sender, receiver) or names(to, receiver):
                found.add(purpose)
        for meeting_id in self.agenda.get(root, ()):
            purpose, present = self.meetings.get(meeting_id, ("", []))
            if any(names(h, receiver) for h in present):
                found.add(purpose)
        return found


def consent_terms(
    row: tuple, keys: dict[str, str], kinds: dict[str, str], staff: dict[str, Holder]
) -> ConsentTerms:
    """One consent row (see CONSENT_COLUMNS) as the rule reads it."""
    (
        consent_id,
        _individual,
        receiver_org,
        receiver_domain,
        discloser_org,
        discloser_domain,
        recorded_by,
        purposes,
        categories,
        valid_from,
        valid_to,
        withdrawn_on,
    ) = row

    def holder(org_id: str | None, domain: str) -> Holder | None:
        # No domain named: the whole organisation (for AF or FK, their one domain).
        if not org_id:
            return None
        return Holder(keys.get(org_id, org_id), domain or None)

    discloser = holder(discloser_org, discloser_domain or "")
    if discloser is None and recorded_by:
        discloser = staff.get(recorded_by)
    receiver = holder(receiver_org, receiver_domain or "") or Holder(receiver_org or "")
    return ConsentTerms(
        id=consent_id,
        discloser=discloser,
        receiver=receiver,
        purposes=consent_purposes(purposes or ""),
        categories=frozenset(c for c in (categories or "").split(",") if c in CATEGORIES),
        valid_from=_day(valid_from) or date.min,
        valid_to=_day(valid_to),
        withdrawn_on=_day(withdrawn_on),
    )


CONSENT_COLUMNS = (
    "id, individual_id, organisation_id, receiver_domain, discloser_organisation_id,"
    " discloser_domain, recorded_by, purposes, data_categories, valid_from, valid_to,"
    " withdrawn_on"
)


def load_facts(conn: Connection, individual_ids: Iterable[str] | None = None) -> Facts:
    """The facts for everyone, or for the given people (and the members of their merged
    persons) when a screen asks about a few."""
    keys = orgs.organisation_keys(conn)
    kinds = holders.organisation_kinds(conn)
    units = holders.unit_holders(conn, keys)
    staff = holders.staff_holders(conn, units)
    canon = person_groups(conn)
    where, params = "", ()  # type: tuple[str, tuple[str, ...]]
    if individual_ids is not None:
        wanted = set(individual_ids)
        roots = {canon.get(p, p) for p in wanted}
        wanted |= {p for p, root in canon.items() if root in roots}
        if not wanted:
            wanted = {""}
        where = f" AND individual_id IN ({', '.join('?' * len(wanted))})"
        params = tuple(sorted(wanted))
    consents: dict[str, list[ConsentTerms]] = defaultdict(list)
    by_id: dict[str, ConsentTerms] = {}
    for row in conn.exec_driver_sql(
        f"SELECT {CONSENT_COLUMNS} FROM consent WHERE deleted_at IS NULL{where}", params
    ):
        terms = consent_terms(tuple(row), keys, kinds, staff)
        person: str = row[1]
        consents[canon.get(person, person)].append(terms)
        by_id[terms.id] = terms
    facts = Facts(keys, units, staff, kinds, canon, dict(consents), by_id, {}, {}, {}, {})
    for ref_id, pid, from_org, from_unit, to_org, to_unit, code, ground in conn.exec_driver_sql(
        "SELECT r.id, r.individual_id, r.from_organisation_id, r.from_unit_id,"
        " r.to_organisation_id, r.to_unit_id, r.purpose_code, max(e.consent_exception)"
        " FROM referral r JOIN referral_event e ON e.referral_id = r.id"
        " AND e.action = 'send' AND e.deleted_at IS NULL WHERE r.deleted_at IS NULL"
        + where.replace("individual_id", "r.individual_id")
        + " GROUP BY r.id",
        params,
    ):
        sender = units.get(from_unit or "") or facts.holder(from_org, None)
        to = units.get(to_unit or "") or facts.holder(to_org, None)
        if sender is None or to is None:
            continue
        root = canon.get(pid, pid)
        facts.referrals[ref_id] = (root, referral_purpose(code or ""), sender, to)
        facts.person_referrals.setdefault(root, []).append(ref_id)
        if ground:
            facts.on_legal_ground.add(ref_id)
    meetings: dict[str, tuple[str, list[Holder]]] = {}
    for meeting_id, kind, purpose in conn.exec_driver_sql(
        "SELECT id, kind, purpose FROM meeting WHERE deleted_at IS NULL"
    ):
        meetings[meeting_id] = (meeting_purpose(purpose or "", kind), [])
    for meeting_id, staff_id, org_id in conn.exec_driver_sql(
        "SELECT meeting_id, staff_id, organisation_id FROM meetingattendee"
        " WHERE deleted_at IS NULL"
    ):
        if meeting_id not in meetings:
            continue
        present = staff.get(staff_id or "") or facts.holder(org_id, None)
        if present is not None:
            meetings[meeting_id][1].append(present)
    facts.meetings = meetings
    for item_id, pid, meeting_id, ack in conn.exec_driver_sql(
        "SELECT id, individual_id, meeting_id, ack_reason FROM agendaitem"
        " WHERE deleted_at IS NULL AND individual_id IS NOT NULL" + where,
        params,
    ):
        root = canon.get(pid, pid)
        facts.agenda.setdefault(root, set()).add(meeting_id)
        if ack:
            facts.acknowledged[item_id] = (root, meeting_id)
    return facts


def categories_for(
    facts: Facts, person: str, *, discloser: Holder, receiver: Holder, on: date
) -> frozenset[str]:
    """What `discloser` may give `receiver` about the person for the standing purposes
    and the occasions that involve the receiver (domain.purposes)."""
    purposes = STANDING | facts.occasions(person, receiver)
    return disclosed_categories(
        facts.terms_of(person), discloser=discloser, receiver=receiver, purposes=purposes, on=on
    )


def value_of(registers: dict, column: str):
    """The value a register shows, read from a record's stored registers."""
    reg = registers.get(column)
    if reg and reg.get("v"):
        return reg["v"][0][0]
    return None


@dataclass
class SharePlan:
    """What an export from `discloser` to `receiver` carries about each person today."""

    discloser: Holder
    receiver: Holder
    today: date
    facts: Facts
    # Every individual id (merged members too) with the categories that may travel.
    people: dict[str, frozenset[str]] = field(default_factory=dict)
    # People already sent to the receiver whose newly covered categories go in full.
    widened: dict[str, frozenset[str]] = field(default_factory=dict)
    # People the receiver holds from earlier files (set by compare_sent).
    sent_before: frozenset[str] = frozenset()
    # Read when an ended consent is met: the files written to the receiver, (seq_to,
    # day), and the last seq it confirmed; on the export's own connection.
    _conn: Connection | None = None
    _exports: list[tuple[int, date]] | None = None
    _acked: int = -1

    @classmethod
    def load(
        cls, conn: Connection, *, discloser: Holder, receiver: Holder, today: date
    ) -> SharePlan:
        facts = load_facts(conn)
        plan = cls(discloser, receiver, today, facts)
        plan._conn = conn
        by_root: dict[str, frozenset[str]] = {}
        roots: dict[str, list[str]] = defaultdict(list)
        for (pid,) in conn.exec_driver_sql("SELECT id FROM individual"):
            roots[facts.canon.get(pid, pid)].append(pid)
        for root in roots:
            allowed = categories_for(facts, root, discloser=discloser, receiver=receiver, on=today)
            if plan._routed_identity(root):
                allowed |= {IDENTITET}
            if allowed:
                by_root[root] = allowed
        for root, members in roots.items():
            if root in by_root:
                for pid in members:
                    plan.people[pid] = by_root[root]
        return plan

    def _routed_identity(self, root: str) -> bool:
        """Who the person is travels with a referral sent between the two on a ground that
        still holds, and with a meeting item discussed anyway (a reason recorded) with the
        receiver present. (A consent for the receiver's own disclosures is no ground for
        telling it anything: it travels to the receiver only with the person.)"""
        facts = self.facts
        for referral_id in facts.person_referrals.get(root, ()):
            if self._referral_goes(referral_id):
                return True
        return any(
            pid == root and self._party(*facts.meetings.get(meeting_id, ("", []))[1])
            for pid, meeting_id in facts.acknowledged.values()
        )

    def _referral_goes(self, referral_id: str) -> bool:
        """A referral and its steps go between its two parties while its ground holds."""
        found = self.facts.referrals.get(referral_id)
        return (
            found is not None
            and self._party(found[2], found[3])
            and self.facts.referral_basis(referral_id, self.today)
        )

    def _party(self, *parties: Holder) -> bool:
        return any(names(p, self.receiver) for p in parties)

    def _consent_goes(self, terms: ConsentTerms) -> bool:
        named = [terms.receiver] + ([terms.discloser] if terms.discloser else [])
        return self._party(*named)

    def categories(self, person: str | None) -> frozenset[str]:
        return self.people.get(person or "", frozenset())

    # --- the bookkeeping of what the receiver holds from here -------------------------

    def record_sent(self, conn: Connection) -> tuple[set[str], list[str], dict[str, list[str]]]:
        """Compare with what was sent before and remember what is sent now. Returns
        (people sent for the first time, people to drop entirely, people to drop some
        categories of: {id: [categories]}); sets `widened`."""
        sent, purges, narrowed = self.compare_sent(conn)
        self.remember_sent(conn)
        return set(self.people) - sent, purges, narrowed

    def _sent_keys(self) -> tuple[str, str]:
        key = self.receiver.key
        # Rows written before domains name the organisation only; they are read once
        # and written under the receiver's full key.
        legacy = self.receiver.organisation if self.receiver.domain else None
        return key, legacy or key

    def compare_sent(self, conn: Connection) -> tuple[set[str], list[str], dict[str, list[str]]]:
        """Compare with what was sent before, without writing (an export's preview does
        this too). Returns (people sent before, people to drop entirely, people to drop
        some categories of: {id: [categories]}); sets `widened`."""
        key, legacy = self._sent_keys()
        before: dict[str, frozenset[str]] = {}
        for owner, pid, cats in conn.exec_driver_sql(
            "SELECT organisation_id, individual_id, categories FROM sync_sent"
            " WHERE organisation_id IN (?, ?)",
            (key, legacy),
        ):
            sent = ALL if cats is None else frozenset(c for c in cats.split(",") if c)
            if owner == key or pid not in before:
                before[pid] = sent
        for pid in self._given_back(conn, set(before) - set(self.people), before):
            del before[pid]
        purges = sorted(set(before) - set(self.people))
        self.sent_before = frozenset(before)
        narrowed = {
            pid: [c for c in CATEGORIES if c in before[pid] - cats]
            for pid, cats in self.people.items()
            if pid in before and before[pid] - cats
        }
        self.widened = {
            pid: cats - before[pid]
            for pid, cats in self.people.items()
            if pid in before and cats - before[pid]
        }
        return set(before), purges, narrowed

    def _given_back(
        self, conn: Connection, gone: set[str], before: dict[str, frozenset[str]]
    ) -> set[str]:
        """Of the people the receiver may no longer be sent, those it has itself taken
        back from us (its consent ended: it purged them here) and that we sent nothing
        of but who they are: that came with its own referral, whose answers it keeps
        (sync.withdrawal). Nothing of ours is withdrawn, so no purge goes and none is
        announced; they are simply no longer counted as sent."""
        if not gone:
            return set()
        quiet = {pid for pid in gone if before[pid] <= {IDENTITET}}
        if not quiet:
            return set()
        taken_back = {
            pid
            for pid, party in conn.exec_driver_sql(
                "SELECT individual_id, organisation FROM sync_purged"
            )
            if pid in quiet and party and holders.same_holder(party, self.receiver.key)
        }
        return quiet & taken_back

    def remember_sent(self, conn: Connection) -> None:
        """Remember what the receiver holds after this export: committed only together
        with a written file."""
        key, legacy = self._sent_keys()
        conn.exec_driver_sql("DELETE FROM sync_sent WHERE organisation_id IN (?, ?)", (key, legacy))
        if self.people:
            conn.exec_driver_sql(
                "INSERT INTO sync_sent (organisation_id, individual_id, categories)"
                " VALUES (?, ?, ?)",
                [
                    (key, pid, ",".join(c for c in CATEGORIES if c in cats))
                    for pid, cats in sorted(self.people.items())
                ],
            )

    # --- the hook collect calls per record ---------------------------------------------

    def refreshes(self, person: str | None) -> bool:
        """The person's records must be read again even if unchanged: categories newly
        covered go whole."""
        return bool(person and person in self.widened)

    def fields_to_send(
        self, table: str, row_id: str, person: str, registers: dict, chosen: dict
    ) -> dict | None:
        """Of a record about a person, the fields that may go: `chosen` (what changed, or
        everything for a new receiver) narrowed to what is covered, plus the fields of
        newly covered categories. None: the record does not go at all."""
        if (
            table == "consent"
            and self._ended(row_id)
            and (person not in self.sent_before or self._lost_there(row_id, person))
        ):
            # A receiver that holds nothing about the person (a first file, or one after
            # a withdrawal took the person away there) gets what a first file gives: the
            # consents that let it have the person, not ended ones. A withdrawn consent
            # deleted there stays deleted, also when a later consent brings the person
            # back. One that holds the person and the consent gets the change.
            return None
        allowed = self._allowed_for(table, row_id, person, registers)
        if allowed is None:
            return None
        if allowed is ALL:
            columns = list(registers)
        else:
            columns = travelling_columns(table, registers, allowed)
            if not columns:
                return None
        widened = self.widened.get(person, frozenset())
        fields = FIELD_CATEGORIES[table]
        result = {c: chosen[c] for c in columns if c in chosen}
        for column in columns:
            if column not in result and fields.get(column) in widened:
                reg = registers[column]
                result[column] = {"v": reg["v"], "vv": reg["vv"]}
        return result

    def _lost_there(self, consent_id: str, person: str) -> bool:
        """Did the ended consent go from the receiver with the person? So when the first
        file to the receiver written after it ended found nothing else letting the person
        go there (no other consent to it recorded and in force then): that file took the
        person away there (sync.withdrawal), this consent with it, and the receiver has
        confirmed reading it. A referral on a legal ground or an item discussed anyway
        could have kept the person there, so with one of those it is not known. When not
        known, the consent goes as before: a copy the receiver still holds must learn
        that it ended (walker29: a full file after a new consent brought back the
        withdrawn one, with its free text, to a receiver that had dropped it).
        Order is by this install's change numbers (seq), which files record too."""
        facts = self.facts
        root = facts.canon.get(person, person)
        if any(
            self._party(*facts.referrals[r][2:])
            for r in facts.person_referrals.get(root, ())
            if r in facts.on_legal_ground
        ) or any(
            pid == root and self._party(*facts.meetings.get(m, ("", []))[1])
            for pid, m in facts.acknowledged.values()
        ):
            return False
        if self._exports is None:
            self._read_exports()
        assert self._exports is not None
        ended = facts.consent_by_id[consent_id]
        if ended.withdrawn_on is not None and ended.withdrawn_on <= self.today:
            # The withdrawal is its last change: the first file holding that change.
            _first, last = self._seqs(consent_id)
            after = [(seq, day) for seq, day in self._exports if seq >= last]
        elif ended.valid_to is not None:
            after = [(seq, day) for seq, day in self._exports if day > ended.valid_to]
        else:
            return False
        if not after:
            return False
        seq, day = min(after)
        if self._acked < seq:
            return False  # that file may not have been read there
        for other in facts.terms_of(root):
            if other.id == consent_id or not other.names_parties(self.discloser, self.receiver):
                continue
            if self._seqs(other.id)[0] <= seq and other.state(day) == "gäller":
                return False  # it kept the person there through that file
        return True

    def _seqs(self, consent_id: str) -> tuple[int, int]:
        """(the change number that recorded the consent here, that of its last change)."""
        assert self._conn is not None
        row = self._conn.exec_driver_sql(
            "SELECT fields, local_seq FROM sync_row WHERE tbl = 'consent' AND row_id = ?",
            (consent_id,),
        ).first()
        if row is None:
            return 0, 0
        last: int = row[1]
        numbers: list[int] = [reg.get("s", last) for reg in state.registers_json(row[0]).values()]
        return min(numbers, default=last), last

    def _read_exports(self) -> None:
        """The files written to the receiver (seq_to, day) and how far it confirmed them."""
        assert self._conn is not None
        conn = self._conn
        key = self.receiver.organisation
        keys = self.facts.keys
        self._exports = [
            (seq_to, date.fromisoformat(str(at)[:10]))
            for at, org, seq_to in conn.exec_driver_sql(
                "SELECT at, organisation_id, seq_to FROM sync_export"
            )
            if keys.get(org, org) == key
        ]
        self._acked = max(
            (
                acked
                for org, acked in conn.exec_driver_sql(
                    "SELECT organisation_id, acked_seq FROM sync_site"
                )
                if org and keys.get(org, org) == key
            ),
            default=-1,
        )

    def _ended(self, consent_id: str) -> bool:
        terms = self.facts.consent_by_id.get(consent_id)
        return terms is not None and terms.state(self.today) in ENDED_CONSENT

    def _allowed_for(
        self, table: str, row_id: str, person: str, registers: dict
    ) -> frozenset[str] | None:
        """The categories a record may carry to the receiver; None: not this record."""
        facts = self.facts
        if table == "consent":
            terms = facts.consent_by_id.get(row_id)
            return ALL if terms is not None and self._consent_goes(terms) else None
        if table in ROUTED_BY_REFERRAL:
            referral_id = row_id if table == "referral" else value_of(registers, "referral_id")
            return ALL if self._referral_goes(referral_id or "") else None
        if table in ROUTED_BY_MEETING:
            return self._meeting_allows(table, row_id, person, registers)
        return self.categories(person)

    def _meeting_allows(
        self, table: str, row_id: str, person: str, registers: dict
    ) -> frozenset[str] | None:
        meeting_id = value_of(registers, "meeting_id")
        purpose, present = self.facts.meetings.get(meeting_id or "", ("", []))
        if not any(names(h, self.receiver) for h in present):
            return None
        item_id = row_id if table == "agendaitem" else value_of(registers, "item_id")
        if item_id in self.facts.acknowledged:
            return ALL
        return disclosed_categories(
            self.facts.terms_of(person),
            discloser=self.discloser,
            receiver=self.receiver,
            purposes=(purpose,),
            on=self.today,
        ) or None


def referral_parties(conn: Connection) -> dict[str, tuple[Holder, Holder]]:
    """Every referral's two parties, as the referral lists read them: the sending unit's
    nämnd, and the addressed unit's; for one sent to a whole organisation, the nämnd of
    the unit that received it (the first receive step by the receiving organisation's own
    staff, not one recorded for a receiver without ungtui), the whole organisation until
    then. A unit this install does not know stands for its whole organisation."""
    keys = orgs.organisation_keys(conn)
    units = holders.unit_holders(conn, keys)
    parties: dict[str, tuple[Holder, Holder]] = {}
    for ref_id, from_org, from_unit, to_org, to_unit, taker in conn.exec_driver_sql(
        "SELECT r.id, r.from_organisation_id, r.from_unit_id, r.to_organisation_id,"
        " r.to_unit_id, (SELECT CASE WHEN e.for_receiver THEN NULL ELSE st.unit_id END"
        "  FROM referral_event e LEFT JOIN staff st ON st.id = e.actor_id"
        "  WHERE e.referral_id = r.id AND e.action = 'receive'"
        "  AND e.actor_organisation_id = r.to_organisation_id AND e.deleted_at IS NULL"
        "  ORDER BY e.step, e.at, e.id LIMIT 1)"
        " FROM referral r"
    ):
        sender = units.get(from_unit or "") or Holder(keys.get(from_org, from_org or ""))
        to = (
            units.get(to_unit or "")
            or units.get(taker or "")
            or Holder(keys.get(to_org, to_org or ""))
        )
        parties[ref_id] = (sender, to)
    return parties


def referrals_not_for(conn: Connection, receiver: Holder) -> frozenset[str]:
    """Referrals `receiver` is no party to. An export within one nämnd withholds them:
    a referral between two other nämnder of the organisation (KAA-enheten's to
    Socialtjänsten, or AF's to Malmö stad that KAA-enheten received) is under their
    secrecy, also when this database holds it (OSL 8 kap.; the person's page shows the
    same, services.referrals `_ours_to_see`)."""
    return frozenset(
        ref_id
        for ref_id, (sender, to) in referral_parties(conn).items()
        if not (names(sender, receiver) or names(to, receiver))
    )


def share_plan(
    conn: Connection, receiver: Holder, today: date, discloser: Holder | None = None
) -> SharePlan | None:
    """The plan for an export from this install to `receiver`; None when nothing is
    withheld (the same secrecy domain, or an install that has no user yet)."""
    discloser = discloser or holders.own_holder(conn)
    if discloser is None or same_secrecy(discloser, receiver):
        return None
    return SharePlan.load(conn, discloser=discloser, receiver=receiver, today=today)


def receiver_holder(
    conn: Connection, organisation_id: str | None, domain: str | None = None
) -> Holder | None:
    """A file's receiver as a party. Without a domain: an organisation that is one domain
    whole (AF, FK, a provider) is that domain; one's own organisation is one's own domain
    (another install of the same unit or nämnd); any other kommun is all of its domains,
    so only consents for the whole kommun cover it."""
    if not organisation_id:
        return None
    if domain is None:
        own = holders.own_holder(conn)
        key = orgs.organisation_key(conn, organisation_id)
        if own is not None and own.organisation == key:
            return own
    return holders.organisation_holder(conn, organisation_id, domain)


@dataclass(frozen=True)
class EndedGround:
    """A sent referral whose ground no longer holds, seen from its sender: why, and how
    far the receiver is known to have dropped it (sync.withdrawal does so when it reads
    the first file written after the ground ended)."""

    why: str  # "återkallat", "utgånget", or "ändrat" (no consent covers it any longer)
    on: date | None  # the day the consent was withdrawn or ran out
    receiver_syncs: bool  # files have gone to or come from the receiver's organisation
    sent_at: str | None  # when the first file written since then went to the receiver
    confirmed: bool  # the receiver has read that file


def ended_ground(conn: Connection, referral_id: str, today: date) -> EndedGround | None:
    """None while the referral's ground holds (or it was never sent, or is within one
    secrecy domain, or went on a legal ground)."""
    found = conn.exec_driver_sql(
        "SELECT individual_id FROM referral WHERE id = ?", (referral_id,)
    ).first()
    if found is None:
        return None
    facts = load_facts(conn, [found[0]])
    parties = facts.referrals.get(referral_id)
    if parties is None or referral_id in facts.on_legal_ground:
        return None
    root, purpose, sender, to = parties
    if same_secrecy(sender, to) or facts.referral_basis(referral_id, today):
        return None
    ended = sorted(
        (
            t
            for t in facts.consents.get(root, [])
            if t.names_parties(sender, to)
            and purpose in t.purposes
            and ARBETE in t.categories
            and t.state(today) in ENDED_CONSENT
        ),
        key=lambda t: t.withdrawn_on or t.valid_to or date.min,
    )
    why, on, after_seq = "ändrat", None, None
    if ended:
        terms = ended[-1]
        why = terms.state(today)
        on = terms.withdrawn_on if why == "återkallat" else terms.valid_to
        if why == "återkallat":
            # The withdrawal is the consent's last change here: a file written after it
            # carries it (and the purge that goes with it).
            row = conn.exec_driver_sql(
                "SELECT local_seq FROM sync_row WHERE tbl = 'consent' AND row_id = ?",
                (terms.id,),
            ).first()
            after_seq = row[0] if row else None
    exports = [
        (at, seq_to)
        for at, org, seq_to in conn.exec_driver_sql(
            "SELECT at, organisation_id, seq_to FROM sync_export ORDER BY seq_to, at"
        )
        if facts.keys.get(org, org) == to.organisation
    ]
    sites = [
        acked
        for org, acked in conn.exec_driver_sql("SELECT organisation_id, acked_seq FROM sync_site")
        if org and facts.keys.get(org, org) == to.organisation
    ]
    carrying = next(
        (
            (at, seq_to)
            for at, seq_to in exports
            if (after_seq is not None and seq_to >= after_seq)
            or (after_seq is None and on is not None and str(at)[:10] > on.isoformat())
        ),
        None,
    )
    return EndedGround(
        why=why,
        on=on,
        receiver_syncs=bool(exports or sites),
        sent_at=str(carrying[0]) if carrying else None,
        confirmed=carrying is not None and any(acked >= carrying[1] for acked in sites),
    )
