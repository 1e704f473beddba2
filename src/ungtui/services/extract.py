"""Register extract (registerutdrag, GDPR art. 15): everything held about one person.

Built from the tables themselves rather than from a list of features: every domain table
with an `individual_id` column is searched, so a record type added later appears in the
extract without anyone remembering to add it. References to other records are shown by
their name or title. Special-category fields are included: the extract is for the person.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ungtui.domain.identity import parse_identity
from ungtui.domain.mapping import SUPPORT
from ungtui.domain.purposes import PURPOSES
from ungtui.domain.secrecy import SECRECY_DOMAINS
from ungtui.domain.vocabulary import (
    CONSENT_FORMS,
    DATA_CATEGORIES,
    FIELD_LABELS,
    GENDERS,
    IDENTITY_KINDS,
    MINOR_BASES,
    STATUSES,
)
from ungtui.services import audit, clock
from ungtui.services.errors import NotFound
from ungtui.services.same_person import same_person_ids
from ungtui.store.database import Database
from ungtui.store.models import DOMAIN_TABLES, PERSON_TABLES, Individual

# What each kind of record is called in the extract; others by their table name.
SECTION_TITLES = {
    "individual": "Personuppgifter",
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
HIDDEN_COLUMNS = {
    "id",
    "individual_id",
    "created_at",
    "updated_at",
    "deleted_at",
    "search_key",
    "sort_key",
    "merged_into",
}


@dataclass
class ExtractSection:
    title: str
    records: list[dict[str, str]] = field(default_factory=list)


@dataclass
class RegisterExtract:
    made_on: str
    person_ids: list[str]
    sections: list[ExtractSection]
    audit: list[dict[str, str]]


def _label(column: str) -> str:
    if column in FIELD_LABELS:
        return FIELD_LABELS[column]
    return column.removesuffix("_id").replace("_", " ").capitalize()


def _text(value: object) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return clock.local_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Coded values shown by their Swedish labels.
CODED = {
    "gender": GENDERS,
    "status": STATUSES,
    "identity_kind": IDENTITY_KINDS,
    "form": CONSENT_FORMS,
    "discloser_domain": {code: d.label for code, d in SECRECY_DOMAINS.items()},
    "receiver_domain": {code: d.label for code, d in SECRECY_DOMAINS.items()},
    "minor_basis": MINOR_BASES,
    "support": SUPPORT,
}


def _shown(column: str, value: object, names: dict[str, str]) -> str:
    if isinstance(value, str) and value:
        if value in names:  # a reference to another record, by its id
            return names[value]
        if column == "data_categories":
            return ", ".join(DATA_CATEGORIES.get(c, c) for c in value.split(",") if c) or "–"
        if column == "purposes":
            return ", ".join(PURPOSES.get(c, c) for c in value.split(",") if c) or "–"
        if column in CODED:
            return CODED[column].get(value, value)
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
    """id -> name or title, for the referenced records only, to show references by name."""
    names: dict[str, str] = {}
    if not wanted:
        return names
    for model in DOMAIN_TABLES:
        table = model.__table__
        for column in ("name", "title"):
            if column in table.c and model.__tablename__ != "individual":
                query = select(table.c.id, table.c[column]).where(table.c.id.in_(wanted))
                names.update(conn.execute(query).all())
    return names


def build_extract(db: Database, individual_id: str, *, actor_id: str | None) -> RegisterExtract:
    with db.session() as session:
        person = session.get(Individual, individual_id)
        if person is None or person.deleted_at is not None:
            raise NotFound("Personen finns inte längre i registret.")
        ids = same_person_ids(session, person.merged_into or individual_id)
    with db.engine.begin() as conn:
        found: list[tuple[type, list]] = []
        for model in (Individual, *PERSON_TABLES):
            table = model.__table__
            about = table.c.id if model is Individual else table.c.individual_id
            rows = (
                conn.execute(
                    select(table)
                    .where(about.in_(ids), table.c.deleted_at.is_(None))
                    .order_by(table.c.id)
                )
                .mappings()
                .all()
            )
            found.append((model, rows))
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
            section = ExtractSection(SECTION_TITLES.get(model.__tablename__, model.__tablename__))
            for row in rows:
                section.records.append(
                    {
                        _label(column): _shown(column, value, names)
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
        audit.write(conn, actor_id, "utdrag", [(individual_id, "registerutdrag")])
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
                lines += [f"### {section.title} {number}", ""]
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
    return json.dumps(asdict(extract), ensure_ascii=False, indent=1) + "\n"
