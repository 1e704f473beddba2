"""When a sender may no longer share a person with us: drop what it shared, keep our own.

A sender's export lists as `purges` the people it sent us before and may not send us any
longer (their consent for our organisation has ended). For each of them the receiver
removes the records about the person that the sender's organisation created: its copy of
the person's registration, consents, way, mapping, measures, meeting items, decisions,
actions, referrals and referral steps. The records the receiver's own organisation wrote
about the person stay as they were written, and so do records a third organisation shared
under its own consent, and the sender's steps on a referral the receiver sent it: those
answer the receiver's own referral and came back on the referral's ground, not the consent.
The other way round, the receiver's own steps on a referral the sender made go with that
referral: a referral's record is its steps as well, and the party that sent it keeps it
whole; the steps would otherwise stay here answering nothing, out of sight.

The records that stay need to say who they are about, so when any stay, the person's
record stays too, reduced to who the person is (names, identity number, birth
date, gender) and which organisation holds the case. Everything else the sender had
registered about the person goes. Without own records the person goes entirely.

Only what the sender is known to have created goes: a record whose origin is the
sender's organisation. A record this organisation wrote, one created on this very
install (also before the install said which organisation it works for), one a third
organisation shared, and one whose origin cannot be told, all stay: a peer may withdraw
only what it shared (sync.changes, rule 2).

Removal here is local: the records are deleted from this install (values and registers),
not tombstoned, because the sender still holds them and may share them again when a new
consent allows (a `grant`). `sync_purged` remembers, per person and sender, that later
copies of the sender's records are not to be taken in until then.

Whose a record is: `sync_row.origin`, the party (organisation and secrecy domain,
sync.holders) of the install that created it, carried with the record. Records from
before origins were kept are judged by the dot of their creation (see `record_origin`);
origins from before domains name the organisation only, and count for all of its domains.

A consent can also come to cover less than before (a category taken out, one of two
consents withdrawn): the sender then lists the categories it may no longer give
(`narrowed`), and `remove_received_categories` drops those fields, and the records of
those kinds, from what the sender shared. The rest stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Connection

from ungtui.domain.data_categories import CATEGORIES, FIELD_CATEGORIES, RECORD_CATEGORIES
from ungtui.store.models import PERSON_TABLE_NAMES as PERSON_TABLES
from ungtui.sync import holders, state
from ungtui.sync import organisations as orgs

# What stays of the person's record when the receiver keeps records of its own about them.
IDENTITY_COLUMNS = frozenset(
    {
        "identity_kind",
        "identity_number",
        "reserve_id",
        "birth_date",
        "first_name",
        "last_name",
        "gender",
        "case_organisation_id",
    }
)


@dataclass
class RemovedPerson:
    """What a withdrawal removed about one person here. Names are for telling the user
    now; they are never stored with this report."""

    individual_id: str
    first_name: str
    last_name: str
    birth_year: int | None
    sender_key: str
    removed: dict[str, int] = field(default_factory=dict)  # table: records removed
    kept_own: int = 0  # records this install's organisation wrote, kept
    # Of the referral steps removed, ours: answers to the sender's referral, which went.
    own_answer_ids: list[str] = field(default_factory=list)
    person_kept: bool = False  # the person's record stays, reduced to who they are
    removed_ids: list[tuple[str, str]] = field(default_factory=list)  # (table, id)
    # Only these kinds of data went (a consent covers less than before); empty: all.
    categories: list[str] = field(default_factory=list)

    @property
    def own_answers(self) -> int:
        return len(self.own_answer_ids)


def site_keys(conn: Connection) -> dict[str, str]:
    """Which party each install known here belongs to: its organisation's identity, and
    its domain where its files named one."""
    keys = orgs.organisation_keys(conn)
    result: dict[str, str] = {}
    for site, org_nr, org_id, domain in conn.exec_driver_sql(
        "SELECT site_id, org_nr, organisation_id, domain FROM sync_site"
    ):
        key = org_nr or keys.get(org_id or "", org_id or "")
        if key:
            result[site] = f"{key}#{domain}" if domain else key
    own = holders.own_holder_key(conn)
    me = conn.exec_driver_sql("SELECT value FROM sync_meta WHERE key = 'site_id'").scalar()
    if me and own:
        result[me] = own
    return result


def record_origin(
    conn: Connection, tbl: str, row_id: str, sites: dict[str, str] | None = None
) -> str | None:
    """The organisation (identity) whose install created the record, or None if unknown.

    Stored with the record since origins are kept. Older records are judged by their
    creation: in a person table the `individual_id` is written once, at creation, so the
    dot of its value names the creating install; otherwise the earliest stamp of any field.
    """
    stored = state.row_origin(conn, tbl, row_id)
    if stored:
        return stored
    fields, _tomb = state.load_row(conn, tbl, row_id)
    creation: tuple[str, str] | None = None
    anchor = fields.get("individual_id")
    if anchor is not None and anchor.versions:
        creation = (anchor.versions[0][1], anchor.versions[0][2])
    else:
        stamps = [(stamp, site) for reg in fields.values() for site, stamp in reg.vv.items()]
        creation = min(stamps) if stamps else None
    if creation is None:
        return None
    return (sites if sites is not None else site_keys(conn)).get(creation[1])


def remove_received_person(
    conn: Connection,
    individual_id: str,
    *,
    sender_key: str | None,
    own_key: str | None,
    members: list[str],
    own_site: str | None = None,
) -> RemovedPerson | None:
    """Drop what `sender_key`'s organisation shared about the person (all `members` of
    a merged person), keep what `own_key`'s party or this install (`own_site`) wrote.
    The caller holds the transaction and records the purge in `sync_purged`."""
    report = _new_report(conn, individual_id, members, sender_key)
    if report is None:
        return None
    sites = site_keys(conn)
    if not sender_key:
        return None

    theirs = _theirs(sender_key, own_key)
    kept_other = 0  # records a third organisation shared under its own consent
    marks = ", ".join("?" * len(members))
    going = _their_referrals(conn, members, theirs, own_key, own_site, sites)
    for tbl in PERSON_TABLES:
        ids = [
            row_id
            for (row_id,) in conn.exec_driver_sql(
                f"SELECT id FROM {tbl} WHERE individual_id IN ({marks})", tuple(members)
            )
        ]
        for row_id in ids:
            origin = record_origin(conn, tbl, row_id, sites)
            if _goes_with_referral(conn, tbl, row_id, going, theirs(origin), report):
                continue
            if holders.same_holder(origin, own_key) or (
                origin is None and _created_here(conn, tbl, row_id, own_site)
            ):
                report.kept_own += 1
            elif _answers_our_referral(conn, tbl, row_id, own_key, own_site, sites):
                kept_other += 1
            elif theirs(origin):
                _delete(conn, tbl, row_id)
                report.removed[tbl] = report.removed.get(tbl, 0) + 1
                report.removed_ids.append((tbl, row_id))
            else:
                kept_other += 1
    for member in members:
        origin = record_origin(conn, "individual", member, sites)
        if holders.same_holder(origin, own_key) or (
            origin is None and _created_here(conn, "individual", member, own_site)
        ):
            report.person_kept = True
            continue
        if not theirs(origin):
            report.person_kept = True
            continue
        if report.kept_own or kept_other:
            _reduce_to_identity(conn, member)
            report.person_kept = True
        else:
            _delete(conn, "individual", member)
        report.removed["individual"] = report.removed.get("individual", 0) + 1
        report.removed_ids.append(("individual", member))
    return report


def _goes_with_referral(
    conn: Connection, tbl: str, row_id: str, going: set[str], shared: bool, report: RemovedPerson
) -> bool:
    """A step on a referral of the sender's that goes here goes with it, ours too (then
    `shared` is False): our answers are part of that referral's record, which the sender
    keeps whole (`_answers_our_referral` on its side); here they would answer nothing."""
    if tbl != "referral_event" or _referral_of(conn, row_id) not in going:
        return False
    _delete(conn, tbl, row_id)
    report.removed[tbl] = report.removed.get(tbl, 0) + 1
    report.removed_ids.append((tbl, row_id))
    if not shared:
        report.own_answer_ids.append(row_id)
    return True


def _referral_of(conn: Connection, event_id: str) -> str | None:
    return conn.exec_driver_sql(
        "SELECT referral_id FROM referral_event WHERE id = ?", (event_id,)
    ).scalar()


def _their_referrals(
    conn: Connection,
    members: list[str],
    theirs,
    own_key: str | None,
    own_site: str | None,
    sites: dict[str, str],
) -> set[str]:
    """The referrals about the person that the sender made and that go now."""
    marks = ", ".join("?" * len(members))
    going = set()
    for (referral_id,) in conn.exec_driver_sql(
        f"SELECT id FROM referral WHERE individual_id IN ({marks})", tuple(members)
    ):
        origin = record_origin(conn, "referral", referral_id, sites)
        if holders.same_holder(origin, own_key) or (
            origin is None and _created_here(conn, "referral", referral_id, own_site)
        ):
            continue
        if theirs(origin):
            going.add(referral_id)
    return going


def _answers_our_referral(
    conn: Connection,
    tbl: str,
    row_id: str,
    own_key: str | None,
    own_site: str | None,
    sites: dict[str, str],
) -> bool:
    """A step the sender took on a referral this party sent it (received, accepted, an
    answer): part of our own referral's record. It came back on the referral's own ground
    (sync.sharing), not under a consent of the sender's, so no ended consent takes it
    away; without it our referral would go back to "sent" and wait for ever."""
    if tbl != "referral_event":
        return False
    referral_id = _referral_of(conn, row_id)
    if referral_id is None:
        return False
    origin = record_origin(conn, "referral", referral_id, sites)
    return holders.same_holder(origin, own_key) or (
        origin is None and _created_here(conn, "referral", referral_id, own_site)
    )


def _created_here(conn: Connection, tbl: str, row_id: str, own_site: str | None) -> bool:
    """Was the record created on this install? The stamp of its creation says so: the
    `individual_id` of a person table is written once, at creation; otherwise the
    earliest stamp of any field."""
    if not own_site:
        return False
    fields, _tomb = state.load_row(conn, tbl, row_id)
    anchor = fields.get("individual_id")
    if anchor is not None and anchor.versions:
        return anchor.versions[0][2] == own_site
    stamps = [(stamp, site) for reg in fields.values() for site, stamp in reg.vv.items()]
    return bool(stamps) and min(stamps)[1] == own_site
def _new_report(
    conn: Connection, individual_id: str, members: list[str], sender_key: str | None
) -> RemovedPerson | None:
    """An empty report naming the person as shown here (or by any merged member)."""
    for member in [individual_id, *members]:
        shown = conn.exec_driver_sql(
            "SELECT first_name, last_name, birth_date FROM individual WHERE id = ?", (member,)
        ).first()
        if shown is not None:
            first, last, birth = shown
            return RemovedPerson(
                individual_id,
                first or "",
                last or "",
                int(str(birth)[:4]) if birth else None,
                sender_key or "",
            )
    return None


def _theirs(sender_key: str | None, own_key: str | None):
    def theirs(origin: str | None) -> bool:
        # Only what the sender's party shared: a peer removes nothing it did not give
        # (issue 15's authority rule); a party is an organisation and a domain of it.
        return (
            origin is not None
            and not holders.same_holder(origin, own_key)
            and holders.same_holder(origin, sender_key)
        )

    return theirs


def remove_received_categories(
    conn: Connection,
    individual_id: str,
    categories: frozenset[str],
    *,
    sender_key: str | None,
    own_key: str | None,
    members: list[str],
    own_site: str | None = None,
) -> RemovedPerson | None:
    """Drop the fields of `categories`, and the records of those kinds, that the sender
    shared about the person; keep the rest, and everything this install wrote."""
    report = _new_report(conn, individual_id, members, sender_key)
    if report is None:
        return None
    report.person_kept = True
    report.categories = [c for c in CATEGORIES if c in categories]
    sites = site_keys(conn)
    theirs = _theirs(sender_key, own_key)
    marks = ", ".join("?" * len(members))
    going = (
        _their_referrals(conn, members, theirs, own_key, own_site, sites)
        if RECORD_CATEGORIES["referral"] in categories
        else set()
    )
    for tbl in ("individual", *PERSON_TABLES):
        column = "id" if tbl == "individual" else "individual_id"
        ids = [
            row_id
            for (row_id,) in conn.exec_driver_sql(
                f"SELECT id FROM {tbl} WHERE {column} IN ({marks})", tuple(members)
            )
        ]
        fields_of = FIELD_CATEGORIES[tbl]
        for row_id in ids:
            origin = record_origin(conn, tbl, row_id, sites)
            if _goes_with_referral(conn, tbl, row_id, going, theirs(origin), report):
                continue
            if holders.same_holder(origin, own_key) or (
                origin is None and _created_here(conn, tbl, row_id, own_site)
            ):
                report.kept_own += 1
                continue
            if not theirs(origin) or _answers_our_referral(
                conn, tbl, row_id, own_key, own_site, sites
            ):
                continue
            if RECORD_CATEGORIES[tbl] in categories:
                _delete(conn, tbl, row_id)
            else:
                dropped = {c for c, cat in fields_of.items() if cat in categories}
                if not _drop_fields(conn, tbl, row_id, dropped):
                    continue
            report.removed[tbl] = report.removed.get(tbl, 0) + 1
            report.removed_ids.append((tbl, row_id))
    return report


def _drop_fields(conn: Connection, tbl: str, row_id: str, dropped: set[str]) -> bool:
    """Forget some fields of a record (values and registers); False if it had none."""
    fields, tomb = state.load_row(conn, tbl, row_id)
    gone = sorted(set(fields) & dropped)
    if not gone:
        return False
    kept = {col: reg for col, reg in fields.items() if col not in dropped}
    seq = conn.exec_driver_sql(
        "SELECT local_seq FROM sync_row WHERE tbl = ? AND row_id = ?", (tbl, row_id)
    ).scalar()
    state.save_row(conn, tbl, row_id, kept, tomb, seq or 0)
    state.write_domain(conn, tbl, row_id, kept, tomb)
    marks = ", ".join("?" * len(gone))
    conn.exec_driver_sql(
        "UPDATE changelog SET old_value = NULL, new_value = NULL WHERE record_id = ?"
        f" AND field IN ({marks})",
        (row_id, *gone),
    )
    return True


def _delete(conn: Connection, tbl: str, row_id: str) -> None:
    conn.exec_driver_sql("DELETE FROM sync_row WHERE tbl = ? AND row_id = ?", (tbl, row_id))
    conn.exec_driver_sql(f"DELETE FROM {tbl} WHERE id = ?", (row_id,))
    # Edits made here to the removed record are logged with their values: those go too.
    conn.exec_driver_sql(
        "UPDATE changelog SET old_value = NULL, new_value = NULL WHERE record_id = ?"
        " AND (old_value IS NOT NULL OR new_value IS NOT NULL)",
        (row_id,),
    )


def _reduce_to_identity(conn: Connection, individual_id: str) -> None:
    """Keep who the person is, drop the rest of the sender's registration. The registers
    of what goes are dropped entirely (not blanked), so that a later consent brings the
    sender's values back in full."""
    fields, tomb = state.load_row(conn, "individual", individual_id)
    seq = conn.exec_driver_sql(
        "SELECT local_seq FROM sync_row WHERE tbl = 'individual' AND row_id = ?",
        (individual_id,),
    ).scalar()
    kept = {col: reg for col, reg in fields.items() if col in IDENTITY_COLUMNS}
    state.save_row(conn, "individual", individual_id, kept, tomb, seq or 0)
    state.write_domain(conn, "individual", individual_id, kept, tomb)
    dropped = sorted(set(fields) - IDENTITY_COLUMNS)
    if dropped:
        marks = ", ".join("?" * len(dropped))
        conn.exec_driver_sql(
            "UPDATE changelog SET old_value = NULL, new_value = NULL WHERE record_id = ?"
            f" AND field IN ({marks})",
            (individual_id, *dropped),
        )
