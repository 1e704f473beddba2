"""A person's history as the person view shows it: changes of the person's own record,
consents given and withdrawn, and every step of the person's referrals, newest first,
one page at a time in SQL (a person followed for years gathers many)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ungtui.domain.data_categories import labels
from ungtui.domain.identity import mask_identity
from ungtui.domain.referral_states import TRANSITIONS
from ungtui.domain.vocabulary import FIELD_LABELS as COLUMN_LABELS
from ungtui.services import clock
from ungtui.services.unit_of_work import CREATED, REMOVED

FIELD_LABELS = {
    **COLUMN_LABELS,
    CREATED: "Registrerad",
    REMOVED: "Borttagen",
}
PAGE = 100


@dataclass(frozen=True)
class HistoryRow:
    at: str
    field: str
    old_value: str | None
    new_value: str | None
    actor: str
    # "field" for a change of the person's own record (its values are the person's
    # data, hidden while the screen is shared); "consent" or "referral" otherwise.
    kind: str = "field"


def _marks(ids: list[str]) -> str:
    return ", ".join("?" * len(ids))


def _sql(members: list[str]) -> tuple[str, tuple]:
    m = _marks(members)
    withdrawn = "c.record_id = k.id AND c.table_name = 'consent' AND c.field = 'withdrawn_on'"
    sql = f"""
    SELECT at, kind, what, old, new, actor FROM (
        SELECT c.at AS at, 'field' AS kind, c.field AS what, c.old_value AS old,
            c.new_value AS new, s.name AS actor, c.id AS tie
        FROM changelog c LEFT JOIN staff s ON s.id = c.actor_id
        WHERE c.record_id IN ({m})
      UNION ALL
        -- the moment it was recorded here; one that came by file has its first day
        SELECT COALESCE((SELECT MIN(c.at) FROM changelog c WHERE c.record_id = k.id
                         AND c.table_name = 'consent' AND c.field = '{CREATED}'), k.valid_from),
            'consent', 'given', NULL,
            COALESCE(o.name, '') || char(1) || k.data_categories, s.name, k.id
        FROM consent k LEFT JOIN organisation o ON o.id = k.organisation_id
            LEFT JOIN staff s ON s.id = k.recorded_by
        WHERE k.individual_id IN ({m}) AND k.deleted_at IS NULL
      UNION ALL
        -- the moment it was withdrawn here; a withdrawal that came by file has its day
        SELECT COALESCE((SELECT MAX(c.at) FROM changelog c WHERE {withdrawn}), k.withdrawn_on),
            'consent', 'withdrawn', NULL, o.name,
            (SELECT s.name FROM changelog c JOIN staff s ON s.id = c.actor_id
             WHERE {withdrawn} ORDER BY c.at DESC LIMIT 1), k.id || '-'
        FROM consent k LEFT JOIN organisation o ON o.id = k.organisation_id
        WHERE k.individual_id IN ({m}) AND k.deleted_at IS NULL AND k.withdrawn_on IS NOT NULL
      UNION ALL
        SELECT e.at, 'referral', e.action, f.name, t.name, s.name, e.id
        FROM referral_event e JOIN referral r ON r.id = e.referral_id
            LEFT JOIN organisation f ON f.id = r.from_organisation_id
            LEFT JOIN organisation t ON t.id = r.to_organisation_id
            LEFT JOIN staff s ON s.id = e.actor_id
        WHERE e.individual_id IN ({m}) AND e.deleted_at IS NULL AND e.at IS NOT NULL
    ) ORDER BY at DESC, tie DESC LIMIT ? OFFSET ?"""
    return sql, (*members, *members, *members, *members)


def _when(value) -> str:
    """A stored UTC time as Swedish wall-clock time, or a bare day as it is."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value)
        if len(text) == 10:
            return date.fromisoformat(text).isoformat()
        moment = datetime.fromisoformat(text)
    return clock.local_time(moment).strftime("%Y-%m-%d %H:%M")


def _row(at, kind: str, what: str, old, new, actor) -> HistoryRow:
    if kind == "consent" and what == "given":
        receiver, _, codes = (new or "").partition("\x01")
        chosen = labels(c for c in codes.split(",") if c)
        return HistoryRow(
            _when(at), "Samtycke lämnat", None, f"{receiver}: {chosen or 'inga uppgifter'}",
            actor or "", kind,
        )
    if kind == "consent":
        return HistoryRow(_when(at), "Samtycke återkallat", None, new or "", actor or "", kind)
    if kind == "referral":
        step = TRANSITIONS[what].done if what in TRANSITIONS else "Anteckning"
        return HistoryRow(_when(at), f"Remiss: {step}", old or "", new or "", actor or "", kind)
    if what == "identity_number":
        old, new = mask_identity(old or ""), mask_identity(new or "")
    return HistoryRow(_when(at), FIELD_LABELS.get(what, what), old, new, actor or "", kind)


def person_history(conn, members: list[str], *, limit: int = PAGE, offset: int = 0):
    """One page of the history of the person whose records are `members` (the record
    and those merged into it), newest first."""
    sql, params = _sql(members)
    rows = conn.exec_driver_sql(sql, (*params, limit, offset)).all()
    return [_row(*row) for row in rows]
