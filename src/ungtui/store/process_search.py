"""Full-text search over work processes: the SQLite FTS5 part, kept in the store layer.

The index (work_process_fts, see migrations.V_PROCESSES) holds each process's title and
body; triggers keep it current. Callers pass plain words; this module turns them into an
FTS5 query where every word must match as a prefix, so half-typed words already find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.engine import Connection

# Marks around matched words in a snippet; control characters never occur in the texts,
# so the screen and the command line can style them without escaping problems.
MARK_START = "\x02"
MARK_END = "\x03"

# Title matches weigh ten times body matches (process_id, title, body).
_RANK = "bm25(work_process_fts, 0.0, 10.0, 1.0)"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ProcessQuery:
    words: str = ""
    party_id: str | None = None
    target_group: str | None = None
    # Lifecycle bounds computed by the caller from the day: "aktiv", "uppsagd", "avslutad".
    state: str | None = None
    on: date | None = None


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    snippet: str
    ended_on: date | None
    next_review: date | None
    responsible_organisation_id: str | None
    responsible_role: str
    commitment_until: date | None = None


def match_expression(words: str) -> str | None:
    """'överg kaa' -> '"överg"* "kaa"*'; None when there is nothing to search for."""
    tokens = _WORD.findall(words)
    if not tokens:
        return None
    return " ".join(f'"{token}"*' for token in tokens)


def _filters(query: ProcessQuery, params: dict) -> list[str]:
    where = ["p.deleted_at IS NULL"]
    if query.party_id:
        # Parties and the responsible organisation both count as taking part.
        where.append(
            "(instr(',' || p.parties || ',', :party) > 0"
            " OR p.responsible_organisation_id = :party_id)"
        )
        params["party"] = f",{query.party_id},"
        params["party_id"] = query.party_id
    if query.target_group:
        where.append("instr(',' || p.target_groups || ',', :group) > 0")
        params["group"] = f",{query.target_group},"
    if query.state:
        on = query.on or date.today()
        params["on"] = on.isoformat()
        if query.state == "aktiv":
            where.append("(p.ended_on IS NULL OR p.ended_on > :on)")
        # domain.processes.process_state: under notice while a commitment runs or while
        # no last day is agreed; ended after the last day (from the day itself when the
        # process ended without a commitment).
        elif query.state == "uppsagd":
            where.append(
                "p.ended_on <= :on AND (p.commitment_until IS NULL"
                " OR (p.commitment_until > p.ended_on AND p.commitment_until >= :on))"
            )
        elif query.state == "avslutad":
            where.append(
                "p.ended_on <= :on AND p.commitment_until IS NOT NULL"
                " AND (p.commitment_until = p.ended_on OR p.commitment_until < :on)"
            )
    return where


_COLUMNS = (
    "p.id, p.title, {snippet}, p.ended_on, p.next_review, p.responsible_organisation_id,"
    " p.responsible_role, p.commitment_until"
)


def search_processes(
    conn: Connection, query: ProcessQuery, *, limit: int = 50, offset: int = 0
) -> list[Hit]:
    """Best matches first (active before ended, then by rank); without words, all
    processes that pass the filters in title order. Both page with LIMIT/OFFSET."""
    params: dict = {"limit": limit, "offset": offset}
    where = _filters(query, params)
    expression = match_expression(query.words)
    if expression is None:
        columns = _COLUMNS.format(snippet="substr(p.what_agreed, 1, 300)")
        sql = (
            f"SELECT {columns} FROM work_process p WHERE {' AND '.join(where)}"
            " ORDER BY p.title COLLATE NOCASE, p.id LIMIT :limit OFFSET :offset"
        )
    else:
        params["match"] = expression
        snippet = f"snippet(work_process_fts, 2, '{MARK_START}', '{MARK_END}', '…', 10)"
        columns = _COLUMNS.format(snippet=snippet)
        sql = (
            f"SELECT {columns} FROM work_process_fts f"
            " JOIN work_process p ON p.id = f.process_id"
            f" WHERE work_process_fts MATCH :match AND {' AND '.join(where)}"
            f" ORDER BY (p.ended_on IS NOT NULL), {_RANK}, p.title"
            " LIMIT :limit OFFSET :offset"
        )
    rows = conn.execute(text(sql), params).all()
    return [
        Hit(
            id=row[0],
            title=row[1],
            snippet=" ".join((row[2] or "").split()),
            ended_on=date.fromisoformat(row[3]) if row[3] else None,
            next_review=date.fromisoformat(row[4]) if row[4] else None,
            responsible_organisation_id=row[5],
            responsible_role=row[6],
            commitment_until=date.fromisoformat(row[7]) if row[7] else None,
        )
        for row in rows
    ]


def count_processes(conn: Connection, query: ProcessQuery) -> int:
    params: dict = {}
    where = _filters(query, params)
    expression = match_expression(query.words)
    if expression is None:
        sql = f"SELECT count(*) FROM work_process p WHERE {' AND '.join(where)}"
    else:
        params["match"] = expression
        sql = (
            "SELECT count(*) FROM work_process_fts f JOIN work_process p ON p.id = f.process_id"
            f" WHERE work_process_fts MATCH :match AND {' AND '.join(where)}"
        )
    return conn.execute(text(sql), params).scalar_one()
