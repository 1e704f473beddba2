"""Min dag's parts that plain sqlite3 reads: today's and tomorrow's meetings, the referrals
waiting for an answer, my open actions from meetings, and when each partner last got my
changes. No SQLAlchemy and no models, so the start screen shows them in or right after its
first frame while the rest of the app is still being imported (benchmarks/startup_speed.py;
the guard is tests/tui/test_start_imports.py). services.my_day adds the two parts that need
the way services (guarantees, follow-ups) and is the only other reader of these four: it
calls the same functions, so what the screen shows first is what it shows after.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from ungtui.domain.meeting_names import masked_name
from ungtui.domain.referral_states import AWAITING_REPLY, EventFacts, derive_state, is_overdue
from ungtui.domain.text import display_name, plural
from ungtui.services import clock
from ungtui.services.start import CurrentUser
from ungtui.store.database import Database

LIMIT = 6  # lines per part; the part's heading opens the whole list
READING = "Hämtar …"


@dataclass(frozen=True)
class DayLine:
    """One line of Min dag. `target` is what Enter opens (a referral, meeting or person
    id, or an organisation id for the sync part); `person` is a name the screen masks
    while the screen is shared."""

    target: str
    text: str
    person: str = ""
    urgent: bool = False
    whole_list: bool = False  # Enter opens the part's whole list, as its heading does


@dataclass(frozen=True)
class DayPart:
    key: str  # remisser | atgarder | garanti | uppfoljningar | moten | synk
    title: str
    total: int | None  # None: more than the lines shown, not counted
    lines: list[DayLine] = field(default_factory=list)
    empty: str = ""


# The parts in the order the screen shows them; the two read by services.my_day wait
# under their headings until it has read them.
GUARANTEE = DayPart(
    "garanti",
    "Garantigränser för dina deltagare",
    0,
    [],
    "Ingen av dina deltagare har en garantigräns två veckor bakåt eller framåt.",
)
FOLLOW_UPS = DayPart(
    "uppfoljningar",
    "Uppföljningar efter avslut",
    0,
    [],
    "Inga uppföljningar två veckor bakåt eller framåt.",
)


def days(count: int) -> str:
    return plural(count, "dag", "dagar")


def when(day: date, today: date) -> str:
    if day == today:
        return "i dag"
    if day == today + timedelta(days=1):
        return "i morgon"
    if day == today - timedelta(days=1):
        return "i går"
    return day.isoformat()


def _stored(moment: datetime) -> str:
    """A UTC time as the database keeps it (SQLAlchemy's text form), for comparing in SQL."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _local(stored: str) -> datetime:
    return clock.local_time(datetime.fromisoformat(stored)).replace(tzinfo=None)


def _state(conn: sqlite3.Connection, referral_id: str) -> str:
    """A referral's state: the cached one while its count of events is the referral's (as
    refresh_states decides), else derived from the events as refresh_states derives it,
    without writing the cache."""
    cached = conn.execute(
        "SELECT state, events FROM referral_state WHERE referral_id = ?", (referral_id,)
    ).fetchone()
    rows = conn.execute(
        "SELECT id, action, step, at, deleted_at FROM referral_event WHERE referral_id = ?",
        (referral_id,),
    ).fetchall()
    if cached is not None and cached[1] == len(rows):
        return cached[0]
    # An event without a time sorts first, as refresh_states sorts it.
    return derive_state(
        EventFacts(id, action, step, datetime.fromisoformat(at) if at else datetime.min)
        for id, action, step, at, deleted_at in rows
        if deleted_at is None
    ).state


def referrals(conn: sqlite3.Connection, user: CurrentUser, today: date) -> DayPart:
    """Waiting for an answer, sent by me or addressed to me (or to my unit without a named
    person), overdue or due by Sunday, the earliest due first; and after them the new ones
    addressed to me, not yet received, whenever their answer is due: a referral that came
    in today is news today."""
    sunday = today + timedelta(days=6 - today.weekday())
    # Every candidate in order, and its state checked one by one until the part is full:
    # the states' check reads each one's events, and a day needs only the first few. A
    # later one addressed to me is a candidate only while its cached state says new (or
    # none is cached yet); _state then checks it as it checks the others.
    # A referral to my whole organisation is every unit's news until one unit has taken
    # it (as the inbox shows it); then it is the taking unit's to answer, as if sent to
    # it. The taking unit is that of the first receive step by the receiving
    # organisation's own staff (services.referrals._taker_unit).
    whole = (
        "(r.to_staff_id IS NULL AND r.to_unit_id IS NULL AND r.to_organisation_id = :org"
        " AND r.from_staff_id IS NOT :me)"
    )
    taker = (
        "(SELECT CASE WHEN e.for_receiver THEN NULL ELSE st.unit_id END"
        " FROM referral_event e LEFT JOIN staff st ON st.id = e.actor_id"
        " WHERE e.referral_id = r.id AND e.action = 'receive'"
        "  AND e.actor_organisation_id = r.to_organisation_id AND e.deleted_at IS NULL"
        " ORDER BY e.step, e.at, e.id LIMIT 1)"
    )
    candidates = conn.execute(
        f"SELECT r.id, r.reply_by > :sunday, CASE WHEN {whole} THEN {taker} IS NULL END"
        " FROM referral r"
        " LEFT JOIN referral_state s ON s.referral_id = r.id"
        " WHERE r.deleted_at IS NULL"
        "  AND ((r.reply_by <= :sunday"
        "    AND (r.from_staff_id = :me OR r.to_staff_id = :me"
        "     OR (r.to_staff_id IS NULL AND r.to_unit_id = :unit)"
        # CASE: the taker is looked up only for a referral to the whole organisation.
        f"     OR CASE WHEN {whole} THEN {taker} = :unit END))"
        "   OR (COALESCE(s.state, 'sent') = 'sent' AND r.from_staff_id IS NOT :me"
        "    AND (r.to_staff_id = :me OR (r.to_staff_id IS NULL AND r.to_unit_id = :unit)"
        f"     OR {whole})))"
        " ORDER BY r.reply_by, r.id",
        {
            "me": user.staff_id,
            "unit": user.unit_id,
            "org": user.organisation_id,
            "sunday": sunday.isoformat(),
        },
    )
    found: dict[str, str] = {}
    for referral_id, later, to_all in candidates:
        state = _state(conn, referral_id)
        wanted = state == "sent" if later or to_all else state in AWAITING_REPLY
        if wanted:
            found[referral_id] = state
            if len(found) > LIMIT:
                break
    shown = list(found)[:LIMIT]
    marks = ", ".join("?" for _ in shown)
    rows = conn.execute(
        "SELECT r.id, r.measure, r.reply_by, r.from_staff_id, i.first_name, i.last_name, o.name"
        " FROM referral r"
        " LEFT JOIN individual i ON i.id = r.individual_id"
        " LEFT JOIN organisation o ON o.id = CASE WHEN r.from_staff_id = ?"
        "  THEN r.to_organisation_id ELSE r.from_organisation_id END"
        f" WHERE r.id IN ({marks}) ORDER BY r.reply_by, r.id",
        (user.staff_id, *shown),
    ).fetchall()
    lines = []
    for referral_id, measure, reply_by, from_staff, first, last, party in rows:
        due_on = date.fromisoformat(reply_by)
        sent = from_staff == user.staff_id
        # Overdue is today's reading of the reply-by day, never stored: a cached state
        # written before it passed is as right today.
        late = is_overdue(found[referral_id], due_on, today)
        other = party if party is not None else "okänd"
        if sent:
            what = f"väntar på svar från {other}"
        else:
            what = f"från {other}, {'ny' if found[referral_id] == 'sent' else 'ditt svar'}"
        due = (
            f"försenad sedan {due_on.isoformat()}" if late else f"svar senast {when(due_on, today)}"
        )
        person = display_name(first, last) if first is not None else ""
        lines.append(DayLine(referral_id, f"{measure or 'Remiss'} · {what} · {due}", person, late))
    return DayPart(
        "remisser",
        "Remisser som väntar på svar",
        len(found) if len(found) <= LIMIT else None,
        lines,
        "Inga remisser väntar på svar.",
    )


def actions(conn: sqlite3.Connection, user: CurrentUser, today: date) -> DayPart:
    """Open actions from meetings that I am responsible for, the earliest due first."""
    where = " WHERE a.deleted_at IS NULL AND a.done_at IS NULL AND a.responsible_staff_id = :me"
    params = {"me": user.staff_id}
    (total,) = conn.execute("SELECT count(*) FROM meetingaction a" + where, params).fetchone()
    rows = conn.execute(
        "SELECT a.meeting_id, a.what, a.due_date, m.starts_at,"
        " i.id, i.first_name, i.last_name, i.birth_date"
        " FROM meetingaction a"
        " LEFT JOIN meeting m ON m.id = a.meeting_id"
        " LEFT JOIN individual i ON i.id = a.individual_id"
        + where
        + " ORDER BY a.due_date IS NULL, a.due_date LIMIT :limit",
        params | {"limit": LIMIT},
    ).fetchall()
    lines = []
    for meeting_id, what, due_date, starts_at, person, first, last, born in rows:
        due_on = date.fromisoformat(due_date) if due_date else None
        late = due_on is not None and due_on < today
        due = ""
        if due_on is not None:
            due = (
                f" · försenad sedan {due_on.isoformat()}"
                if late
                else f" · klart senast {when(due_on, today)}"
            )
        where_from = f" · möte {_local(starts_at):%Y-%m-%d}" if starts_at else ""
        # As in the list of open actions: a person at the least identifying level.
        about = (
            masked_name(first, last, date.fromisoformat(born) if born else None) if person else ""
        )
        lines.append(
            DayLine(
                meeting_id,
                f"{what}{f' ({about})' if about else ''}{due}{where_from}",
                urgent=late,
            )
        )
    return DayPart(
        "atgarder", "Mina åtgärder från möten", total, lines, "Inga öppna åtgärder på dig."
    )


def meetings(conn: sqlite3.Connection, today: date) -> DayPart:
    def utc(day: date) -> str:
        return _stored(datetime.combine(day, time(0, 0), tzinfo=clock.STOCKHOLM))

    where = " WHERE deleted_at IS NULL AND starts_at >= :start AND starts_at < :end"
    params = {"start": utc(today), "end": utc(today + timedelta(days=2))}
    (total,) = conn.execute("SELECT count(*) FROM meeting" + where, params).fetchone()
    rows = conn.execute(
        "SELECT id, starts_at, title, place FROM meeting"
        + where
        + " ORDER BY starts_at LIMIT :limit",
        params | {"limit": LIMIT},
    ).fetchall()
    lines = []
    for meeting_id, starts_at, title, place in rows:
        starts = _local(starts_at)
        at = f" · {place}" if place else ""
        lines.append(
            DayLine(meeting_id, f"{when(starts.date(), today)} {starts:%H:%M} {title}{at}")
        )
    return DayPart(
        "moten", "Möten i dag och i morgon", total, lines, "Inga möten i dag eller i morgon."
    )


def partners(conn: sqlite3.Connection, user: CurrentUser, today: date) -> DayPart:
    """Each organisation this install has sent files to or received files from, and
    when it last got this install's changes. Nothing new since: said so."""
    # Read only: a new install's identity is made by the first write, not here.
    seq = conn.execute("SELECT value FROM sync_meta WHERE key = 'seq'").fetchone()
    current = int(seq[0] if seq else 0)
    rows = conn.execute(
        "SELECT o.id, o.name, max(e.at), max(e.seq_to) FROM organisation o"
        " LEFT JOIN sync_export e ON e.organisation_id = o.id"
        " WHERE o.deleted_at IS NULL AND (e.file_id IS NOT NULL OR o.id IN"
        " (SELECT organisation_id FROM sync_site WHERE organisation_id IS NOT NULL))"
        " GROUP BY o.id, o.name ORDER BY max(e.at) IS NOT NULL, max(e.at), o.name"
    ).fetchall()
    lines = []
    for org_id, name, last_at, seq_to in rows:
        if org_id == user.organisation_id:
            name = f"{name} (dina kollegor)"
        if last_at is None:
            text = f"{name} har inte fått några ändringar från dig"
            lines.append(DayLine(org_id, text, "", True))
            continue
        sent = clock.local_time(datetime.fromisoformat(last_at)).date()
        ago = (today - sent).days
        if current > (seq_to or 0):
            text = (
                f"{name} har inte fått dina senaste ändringar (förra filen {when(sent, today)})"
                if ago < 1
                else f"{name} har inte fått dina ändringar på {days(ago)}"
            )
            lines.append(DayLine(org_id, text, "", ago >= 7))
        else:
            lines.append(DayLine(org_id, f"{name} har allt du ändrat (fil {when(sent, today)})"))
    return DayPart(
        "synk",
        "Dina ändringar hos andra",
        len(lines),
        lines[:LIMIT],
        "Inga synkfiler skickade eller mottagna än. F7 Synk visar hur.",
    )


def first_parts(db: Database, user: CurrentUser, *, today: date | None = None) -> list[DayPart]:
    """Min dag as the screen shows it first: every part but the guarantees and the
    follow-ups, which wait under their headings (READING) for services.my_day."""
    today = today or clock.today()
    with db.read() as conn:
        return [
            meetings(conn, today),
            referrals(conn, user, today),
            actions(conn, user, today),
            replace(GUARANTEE, empty=READING),
            replace(FOLLOW_UPS, empty=READING),
            partners(conn, user, today),
        ]
