"""Register extract (registerutdrag, GDPR art. 15): everything held about one person.

Built from the tables themselves rather than from a list of features: every domain table
with an `individual_id` column is searched, so a record type added later appears in the
extract without anyone remembering to add it. References to other records are shown by
their name or title. Special-category fields are included: the extract is for the person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ungtui.domain.identity import parse_identity
from ungtui.domain.mapping import SCHOOLING, SUPPORT, SWEDISH_LEVELS
from ungtui.domain.measures import END_REASONS, MEASURE_STATUSES
from ungtui.domain.purposes import PURPOSES
from ungtui.domain.referral_states import TRANSITIONS
from ungtui.domain.referral_vocabulary import REFERRAL_KINDS, REFERRAL_OUTCOMES
from ungtui.domain.secrecy import SECRECY_DOMAINS
from ungtui.domain.target_groups import AF_STATUSES, SCHOOL_STATUSES, STATUS_KINDS
from ungtui.domain.vocabulary import (
    CONSENT_FORMS,
    DATA_CATEGORIES,
    FIELD_LABELS,
    GENDERS,
    IDENTITY_KINDS,
    MINOR_BASES,
    STATUSES,
)
from ungtui.domain.way import OUTCOMES, PHASES
from ungtui.services import audit, clock
from ungtui.services.errors import NotFound
from ungtui.services.people.same_person import same_person_ids
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import (
    DOMAIN_TABLES,
    PERSON_TABLES,
    AgendaItem,
    Individual,
    Meeting,
    MeetingDecision,
    Referral,
    Way,
)

# What each kind of record is called in the extract.
SECTION_TITLES = {
    "individual": "Personuppgifter",
    "person_status": "Skolstatus och status hos Arbetsförmedlingen, med datum",
    "responsibility": "Ansvariga handläggare",
    "consent": "Samtycken",
    "way": "Vägar (inskrivning och avslut)",
    "way_phase": "Faser",
    "mapping": "Kartläggning",
    "individual_measure": "Insatser",
    "exit_follow_up": "Uppföljning efter avslut",
    "referral": "Remisser",
    "referral_event": "Remissteg",
    "agendaitem": "Möten där personen har tagits upp",
    "meetingdecision": "Beslut på möten",
    "meetingaction": "Åtgärder från möten",
}
# One record of each kind, for numbered headings ("Fas 2").
ITEM_TITLES = {
    "person_status": "Status",
    "responsibility": "Handläggare",
    "consent": "Samtycke",
    "way": "Väg",
    "way_phase": "Fas",
    "mapping": "Kartläggning",
    "individual_measure": "Insats",
    "exit_follow_up": "Uppföljning",
    "referral": "Remiss",
    "referral_event": "Remissteg",
    "agendaitem": "Mötespunkt",
    "meetingdecision": "Beslut",
    "meetingaction": "Åtgärd",
}
# Bookkeeping the person has no use for: ids, times of storage, sort and search keys,
# the order on an agenda and the step number of a referral's history.
HIDDEN_COLUMNS = {
    "id",
    "individual_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "search_key",
    "sort_key",
    "merged_into",
    "identity_here",
    "position",
    "step",
}

# Every column of every record about a person, in plain Swedish. A column missing here
# is named from FIELD_LABELS; a test checks that none is left without a Swedish name.
COLUMN_LABELS: dict[str, dict[str, str]] = {
    "individual": {"identity_kind": "Typ av nummer"},
    "person_status": {
        "kind": "Vad",
        "value": "Status",
        "valid_from": "Gäller från",
    },
    "responsibility": {},
    "consent": {},
    "way": {
        "entry_date": "Inskriven (första kontakt)",
        "exit_on": "Avslutad",
        "exit_outcome": "Gick vidare till",
        "exit_note": "Anteckning vid avslut",
        "joined_on": "Tackade ja",
    },
    "way_phase": {
        "way_id": "Väg",
        "phase": "Fas",
        "started_on": "Från",
        "note": "Anteckning",
    },
    "mapping": {
        "way_id": "Väg",
        "mapped_on": "Datum",
        "schooling": "Skolbakgrund",
        "swedish_level": "Svenska",
        "work_experience": "Arbetslivserfarenhet",
        "needs": "Behov",
        "obstacles": "Hinder",
        "goals": "Mål",
        "health": "Hälsa",
        "disability": "Funktionsnedsättning",
        "reduced_work_capacity": "Funktionsnedsättning som medför nedsatt arbetsförmåga",
        "support": "Försörjning",
        "social_situation": "Social situation",
    },
    "individual_measure": {
        "way_id": "Väg",
        "measure_id": "Insats",
        "job_track_id": "Jobbspår",
        "start_date": "Start",
        "end_date": "Slut",
        "hours_per_week": "Timmar per vecka",
        "status": "Läge",
        "end_reason": "Varför den slutade",
    },
    "exit_follow_up": {
        "way_id": "Väg",
        "day_offset": "Uppföljning",
        "checked_on": "Gjord",
        "outcome": "Läge då",
        "note": "Anteckning",
    },
    "referral": {
        "purpose_code": "Syfte enligt samtycket",
        "from_organisation_id": "Från organisation",
        "from_unit_id": "Från enhet",
        "from_staff_id": "Från handläggare",
        "to_organisation_id": "Till organisation",
        "to_unit_id": "Till enhet",
        "to_staff_id": "Till handläggare",
        "kind": "Slag",
        "measure": "Insats",
        "reply_by": "Svar senast",
        "origin_id": "Kom från",
    },
    "referral_event": {
        "referral_id": "Remiss",
        "action": "Steg",
        "at": "Registrerat",
        "happened_on": "Datum",
        "actor_id": "Av",
        "actor_organisation_id": "Organisation",
        "note": "Anteckning",
        "reason": "Skäl",
        "outcome": "Resultat",
        "consent_basis": "Grund för att lämna ut uppgifterna",
        "consent_exception": "Utan samtycke, med annan grund",
        # (issue 14's column: a step the sender recorded for a receiver without ungtui)
        "for_receiver": "Registrerat av avsändaren åt mottagaren",
    },
    "agendaitem": {
        "meeting_id": "Möte",
        "kind": "Slag av punkt",
        "title": "Rubrik",
        "notes": "Anteckningar",
        "full_name_in_minutes": "Fullständigt namn i protokollet",
        "ack_reason": "Skäl att ta upp personen där någon närvarande saknade samtycke",
        "ack_organisations": "Gällde organisationerna",
        "ack_by": "Bedömt av",
        "ack_at": "Bedömt",
    },
    "meetingdecision": {"meeting_id": "Möte", "item_id": "Punkt", "text": "Beslut"},
    "meetingaction": {
        "meeting_id": "Möte",
        "item_id": "Punkt",
        "decision_id": "Beslut",
        "what": "Åtgärd",
        "responsible_staff_id": "Ansvarig handläggare",
        "responsible_name": "Ansvarig",
        "organisation_id": "Organisation",
        "organisation_name": "Organisationens namn",
        "due_date": "Klart senast",
        "done_at": "Klar",
        "done_by": "Klarmarkerad av",
    },
}

# The day each kind of record is put in order by, earliest first.
ORDER_BY = {
    "person_status": "valid_from",
    "consent": "valid_from",
    "way": "entry_date",
    "way_phase": "started_on",
    "mapping": "mapped_on",
    "individual_measure": "start_date",
    "exit_follow_up": "checked_on",
    "referral_event": "at",
    "meetingaction": "due_date",
}


@dataclass
class ExtractSection:
    title: str
    records: list[dict[str, str]] = field(default_factory=list)
    item: str = ""  # what one record is called


@dataclass
class RegisterExtract:
    made_on: str
    person_ids: list[str]
    sections: list[ExtractSection]
    audit: list[dict[str, str]]


def column_label(table: str, column: str) -> str:
    own = COLUMN_LABELS.get(table, {})
    if column in own:
        return own[column]
    return FIELD_LABELS.get(column, "")


def _text(value: object) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return clock.local_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


_ITEM_KINDS = {"person": "Om personen", "amne": "Ämne"}
_DOMAINS = {code: d.label for code, d in SECRECY_DOMAINS.items()}
_STATUS_VALUES = {**SCHOOL_STATUSES, **AF_STATUSES}

# Coded values shown by their Swedish labels, per table where a name means two things.
CODED: dict[str, dict[str, dict[str, str]]] = {
    "individual": {
        "gender": GENDERS,
        "status": STATUSES,
        "identity_kind": IDENTITY_KINDS,
        "af_status": AF_STATUSES,
    },
    "person_status": {"kind": STATUS_KINDS, "value": _STATUS_VALUES},
    "consent": {
        "form": CONSENT_FORMS,
        "discloser_domain": _DOMAINS,
        "receiver_domain": _DOMAINS,
        "minor_basis": MINOR_BASES,
    },
    "unit": {"secrecy_domain": _DOMAINS},
    "way": {"exit_outcome": OUTCOMES},
    "way_phase": {"phase": PHASES},
    "mapping": {"schooling": SCHOOLING, "swedish_level": SWEDISH_LEVELS, "support": SUPPORT},
    "individual_measure": {"status": MEASURE_STATUSES, "end_reason": END_REASONS},
    "exit_follow_up": {"outcome": OUTCOMES},
    "referral": {"kind": REFERRAL_KINDS},
    "referral_event": {
        "action": {**{a: t.done for a, t in TRANSITIONS.items()}, "note": "Anteckning"},
        "outcome": REFERRAL_OUTCOMES,
    },
    "agendaitem": {"kind": _ITEM_KINDS},
}


def _shown(table: str, column: str, value: object, names: dict[str, str]) -> str:
    if isinstance(value, str):
        if value in names:  # a reference to another record, by its id
            return names[value]
        if column == "data_categories":
            return ", ".join(DATA_CATEGORIES.get(c, c) for c in value.split(",") if c) or "–"
        if column in ("purposes", "purpose_code") or (table == "meeting" and column == "purpose"):
            return ", ".join(PURPOSES.get(c, c) for c in value.split(",") if c) or "–"
        coded = CODED.get(table, {}).get(column)
        if coded is not None:
            return coded.get(value, value) if value else "–"
    if table == "exit_follow_up" and column == "day_offset" and isinstance(value, int):
        return f"{value} dagar efter avslut"
    return _text(value)


def find_person(db: Database, wanted: str) -> str:
    """A record id, or an identity number as people type it."""
    wanted = wanted.strip()
    with db.session() as session:
        if session.get(Individual, wanted) is not None:
            return wanted
        try:
            number = parse_identity(wanted, clock.today()).normalized
        except ValueError:
            number = None
        if number:
            found = session.exec(
                select(Individual.id).where(
                    Individual.identity_number == number, Individual.deleted_at.is_(None)
                )
            ).first()
            if found:
                return found[0]
    raise NotFound("Ingen person med det numret eller id:t finns i registret.")


def _names(conn, wanted: set[str]) -> dict[str, str]:
    """id -> how a reference reads, for the referenced records only: a name or title, a
    way by its days, a referral by its kind, an agenda item by its meeting."""
    names: dict[str, str] = {}
    if not wanted:
        return names
    for model in DOMAIN_TABLES:
        table = model.__table__
        for column in ("name", "title"):
            if column in table.c and model.__tablename__ != "individual":
                query = select(table.c.id, table.c[column]).where(table.c.id.in_(wanted))
                names.update((i, v) for i, v in conn.execute(query).all() if v)
    ways = Way.__table__
    for way_id, entry, exit_on in conn.execute(
        select(ways.c.id, ways.c.entry_date, ways.c.exit_on).where(ways.c.id.in_(wanted))
    ).all():
        until = f" till {_text(exit_on)}" if exit_on else ""
        names[way_id] = f"vägen från {_text(entry)}{until}"
    referrals = Referral.__table__
    for referral_id, kind, reply_by in conn.execute(
        select(referrals.c.id, referrals.c.kind, referrals.c.reply_by).where(
            referrals.c.id.in_(wanted)
        )
    ).all():
        kind = REFERRAL_KINDS.get(kind, kind)
        names[referral_id] = f"remiss: {kind}, svar senast {_text(reply_by)}"
    decisions = MeetingDecision.__table__
    for decision_id, text in conn.execute(
        select(decisions.c.id, decisions.c.text).where(decisions.c.id.in_(wanted))
    ).all():
        names[decision_id] = text
    items = AgendaItem.__table__
    meetings = Meeting.__table__
    for item_id, title, starts in conn.execute(
        select(items.c.id, meetings.c.title, meetings.c.starts_at)
        .join(meetings, meetings.c.id == items.c.meeting_id)
        .where(items.c.id.in_(wanted))
    ).all():
        names[item_id] = f"punkt på mötet {title} {_text(starts)[:10]}"
    for meeting_id, title, starts in conn.execute(
        select(meetings.c.id, meetings.c.title, meetings.c.starts_at).where(
            meetings.c.id.in_(wanted)
        )
    ).all():
        names[meeting_id] = f"{title} {_text(starts)[:10]}"
    return names


def _sort_key(table: str, row) -> tuple:
    column = ORDER_BY.get(table)
    value = row.get(column) if column else None
    # Earliest first; a record without a day (a status known since before) first of all.
    return ("" if value is None else str(value), str(row.get("created_at") or ""), row["id"])


def build_extract(db: Database, individual_id: str, *, actor_id: str | None) -> RegisterExtract:
    with db.session() as session:
        person = session.get(Individual, individual_id)
        if person is None or person.deleted_at is not None:
            raise NotFound("Personen finns inte längre i registret.")
        ids = same_person_ids(session, person.merged_into or individual_id)
    # One transaction: what the extract shows, read together, and its entry in the log.
    with UnitOfWork(db, actor_id) as uow:
        conn = uow.session.connection()
        found: list[tuple[type, list]] = []
        for model in (Individual, *PERSON_TABLES):
            table = model.__table__
            about = table.c.id if model is Individual else table.c.individual_id
            rows = (
                conn.execute(select(table).where(about.in_(ids), table.c.deleted_at.is_(None)))
                .mappings()
                .all()
            )
            name = model.__tablename__
            found.append((model, sorted(rows, key=lambda r, t=name: _sort_key(t, r))))
        referenced = {
            value
            for _model, rows in found
            for row in rows
            for column, value in row.items()
            if column not in HIDDEN_COLUMNS and isinstance(value, str) and len(value) == 36
        }
        names = _names(conn, referenced)
        sections: list[ExtractSection] = []
        for model, rows in found:
            table = model.__tablename__
            section = ExtractSection(
                SECTION_TITLES.get(table, table), item=ITEM_TITLES.get(table, "Uppgift")
            )
            for row in rows:
                section.records.append(
                    {
                        column_label(table, column) or column: _shown(table, column, value, names)
                        for column, value in row.items()
                        if column not in HIDDEN_COLUMNS
                    }
                )
            sections.append(section)
        entries = []
        for pid in ids:
            offset = 0
            while page := audit.list_entries(
                db, audit.AuditFilter(individual_id=pid), limit=1000, offset=offset
            ):
                entries += page
                offset += len(page)
        uow.log_access("utdrag", [(individual_id, "registerutdrag")])
    entries.sort(key=lambda e: e.seq)
    return RegisterExtract(
        made_on=clock.today().isoformat(),
        person_ids=ids,
        sections=sections,
        audit=[
            {
                "När": clock.local_time(e.at).strftime("%Y-%m-%d %H:%M"),
                "Vem": e.actor_name or "–",
                "Åtgärd": audit.ACTIONS[e.action],
                "Vad": e.detail,
            }
            for e in entries
        ],
    )


def as_markdown(extract: RegisterExtract) -> str:
    lines = [
        "# Registerutdrag",
        "",
        f"Utdraget är gjort {extract.made_on} och visar alla uppgifter som finns om personen "
        "i den här installationen av ungtui, och vem som har tagit del av dem.",
        "",
    ]
    for section in extract.sections:
        lines += [f"## {section.title}", ""]
        if not section.records:
            lines += ["Inga uppgifter.", ""]
        for number, record in enumerate(section.records, 1):
            if len(section.records) > 1:
                lines += [f"### {section.item or section.title} {number}", ""]
            lines += [f"- **{label}:** {value}" for label, value in record.items()]
            lines.append("")
    lines += ["## Vem som har tagit del av eller ändrat uppgifterna", ""]
    if not extract.audit:
        lines += ["Inga poster i loggen.", ""]
    else:
        lines += ["| När | Vem | Åtgärd | Vad |", "|---|---|---|---|"]
        lines += [
            f"| {e['När']} | {e['Vem']} | {e['Åtgärd']} | {e['Vad']} |" for e in extract.audit
        ]
        lines.append("")
    return "\n".join(lines)


def as_json(extract: RegisterExtract) -> str:
    """The same in JSON, with Swedish keys: the file is handed to the person too."""
    data = {
        "utdrag_gjort": extract.made_on,
        "poster_i_registret": extract.person_ids,
        "avsnitt": [
            {"rubrik": section.title, "uppgifter": section.records}
            for section in extract.sections
        ],
        "vem_som_tagit_del_av_uppgifterna": extract.audit,
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
