"""The audit log: who did what with whose data, and when.

Entries are install-local and append-only (triggers in the schema refuse changes). They
name the individual by record id, never by name or number, so the log itself can be
shown or exported without exposing anyone; the screen looks names up as it shows them.
Writes join the caller's transaction: an action that fails leaves no entry, and an action
that succeeds cannot lack one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Connection

from ungtui.store.database import Database
from ungtui.store.models import CURRENT_STAFF_KEY
from ungtui.sync.changes import person_of

ACTIONS = {
    "visade": "Visade",
    "skapade": "Skapade",
    "ändrade": "Ändrade",
    "tog bort": "Tog bort",
    "exporterade": "Exporterade",
    "läste in": "Läste in",
    "raderade": "Raderade (gallring)",
    "utdrag": "Registerutdrag",
}

# What a record is called in the log; a table not named here is shown by its own name.
REVEALED = "hela identitetsnumret"

RECORD_NAMES = {
    "individual": "personuppgifter",
    "person_status": "skol- eller AF-status",
    "consent": "samtycke",
    "responsibility": "ansvarig handläggare",
    "way": "väg",
    "way_phase": "fas",
    "mapping": "kartläggning",
    "individual_measure": "insats",
    "exit_follow_up": "uppföljning efter avslut",
    "referral": "remiss",
    "referral_event": "remissteg",
    "agendaitem": "punkt på möte",
    "meetingdecision": "mötesbeslut",
    "meetingaction": "åtgärd från möte",
}


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor_name: str
    action: str
    individual_id: str | None
    person_name: str  # "" when the person is gone (erased) or the entry is about no one
    detail: str


@dataclass(frozen=True)
class AuditFilter:
    individual_id: str | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def write(
    conn: Connection,
    actor_id: str | None,
    action: str,
    entries: Iterable[tuple[str | None, str]],
) -> int:
    """Append one entry per (individual id, detail); returns how many."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    at = _now()
    entries = list(entries)
    if len(entries) >= _MANY:
        # One statement for them all: the log's AUTOINCREMENT counter is then read and
        # written once instead of once a row (a table import of 10,000 people writes
        # 40,000 entries; a third less time).
        conn.exec_driver_sql(
            "INSERT INTO audit_entry (at, actor_id, action, individual_id, detail)"
            " SELECT ?, ?, ?, json_extract(value, '$[0]'), json_extract(value, '$[1]')"
            " FROM json_each(?) ORDER BY key",
            (at, actor_id, action, json.dumps(entries, ensure_ascii=False)),
        )
    elif entries:
        conn.exec_driver_sql(
            "INSERT INTO audit_entry (at, actor_id, action, individual_id, detail)"
            " VALUES (?, ?, ?, ?, ?)",
            [(at, actor_id, action, pid, detail) for pid, detail in entries],
        )
    return len(entries)


_MANY = 1000

# The actor of what a sync file did by itself (a withdrawal's removals): not the person
# who read the file in. The entry's text names the file and its sender.
SYNC_ACTOR = "synk"
SYNC_ACTOR_NAME = "Synkfil"


def install_user(conn: Connection) -> str | None:
    """The staff id this install works as (set up on first start)."""
    return conn.exec_driver_sql(
        "SELECT value FROM setting WHERE key = ?", (CURRENT_STAFF_KEY,)
    ).scalar_one_or_none()


def people_in_rows(rows: Iterable[dict]) -> list[str]:
    """The individuals a sync change set carries records of, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        person = row["id"] if row["t"] == "individual" else person_of(row)
        if person:
            seen[person] = None
    return list(seen)


def record_view(db: Database, actor_id: str | None, individual_id: str, what: str) -> None:
    with db.engine.begin() as conn:
        write(conn, actor_id, "visade", [(individual_id, what)])


def _where(flt: AuditFilter) -> tuple[str, list]:
    clauses, params = [], []
    if flt.individual_id:
        clauses.append("a.individual_id = ?")
        params.append(flt.individual_id)
    if flt.action:
        clauses.append("a.action = ?")
        params.append(flt.action)
    if flt.since:
        clauses.append("a.at >= ?")
        params.append(flt.since.isoformat())
    if flt.until:
        clauses.append("a.at < ?")
        params.append((flt.until + timedelta(days=1)).isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_SELECT = f"""
SELECT a.seq, a.at,
       COALESCE(s.name, CASE a.actor_id WHEN '{SYNC_ACTOR}' THEN '{SYNC_ACTOR_NAME}' END, ''),
       a.action, a.individual_id,
       COALESCE(i.first_name || ' ' || i.last_name, ''), a.detail
FROM audit_entry a
LEFT JOIN staff s ON s.id = a.actor_id
LEFT JOIN individual i ON i.id = a.individual_id
"""


def list_entries(
    db: Database, flt: AuditFilter = AuditFilter(), *, limit: int = 200, offset: int = 0
) -> list[AuditEntry]:
    """Newest first, one page."""
    where, params = _where(flt)
    sql = f"{_SELECT}{where} ORDER BY a.seq DESC LIMIT ? OFFSET ?"
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(sql, (*params, limit, offset)).all()
    return [
        AuditEntry(seq, datetime.fromisoformat(at), actor, action, pid, name.strip(), detail)
        for seq, at, actor, action, pid, name, detail in rows
    ]


def count_entries(db: Database, flt: AuditFilter = AuditFilter()) -> int:
    where, params = _where(flt)
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(
            f"SELECT COUNT(*) FROM audit_entry a{where}", tuple(params)
        ).scalar_one()


def as_csv(db: Database, flt: AuditFilter = AuditFilter()) -> str:
    """The log for a supervisor, as Swedish Excel opens it. Persons by record id only:
    the file may travel, names do not go with it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Nr", "Tid (UTC)", "Vem", "Åtgärd", "Person (post-id)", "Vad"])
    offset = 0
    while page := list_entries(db, flt, limit=5000, offset=offset):
        for e in page:
            writer.writerow(
                [
                    e.seq,
                    e.at.isoformat(sep=" "),
                    e.actor_name,
                    ACTIONS[e.action],
                    e.individual_id or "",
                    e.detail,
                ]
            )
        offset += len(page)
    return "\ufeff" + out.getvalue()
