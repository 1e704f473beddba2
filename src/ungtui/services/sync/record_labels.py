"""What every synced record and field is called in Swedish, and how a stored value reads.

Conflicts after sync can arise in any table and any field, so each of them has a name a
caseworker understands; a test checks that none is missing. Values are shown as a person
reads them: organisations, staff and people by name, codes by their label, yes/no, dates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from ungtui.domain.identity import mask_identity
from ungtui.domain.mapping import SCHOOLING, SUPPORT, SWEDISH_LEVELS
from ungtui.domain.measures import END_REASONS, MEASURE_STATUSES, SCOPES
from ungtui.domain.meeting_vocabulary import MEETING_KINDS
from ungtui.domain.purposes import PURPOSES
from ungtui.domain.referral_states import TRANSITIONS
from ungtui.domain.referral_vocabulary import REFERRAL_KINDS, REFERRAL_OUTCOMES
from ungtui.domain.secrecy import SECRECY_DOMAINS
from ungtui.domain.target_groups import GROUPS
from ungtui.domain.vocabulary import (
    CONSENT_FORMS,
    DATA_CATEGORIES,
    FIELD_LABELS,
    GENDERS,
    IDENTITY_KINDS,
    MINOR_BASES,
    ORGANISATION_KINDS,
    STATUSES,
)
from ungtui.domain.way import OUTCOMES, PHASES
from ungtui.sync.organisations import LIST, ORG_REFERENCES

DOMAIN_LABELS = {code: d.label for code, d in SECRECY_DOMAINS.items()}

RECORD_KINDS: dict[str, str] = {
    "organisation": "Organisation",
    "unit": "Enhet",
    "staff": "Handläggare",
    "individual": "Deltagare",
    "responsibility": "Ansvarig handläggare",
    "consent": "Samtycke",
    "way": "Väg",
    "way_phase": "Fas på vägen",
    "mapping": "Kartläggning",
    "measure": "Insats i katalogen",
    "individual_measure": "Insats",
    "exit_follow_up": "Uppföljning efter avslut",
    "job_track": "Jobbspår",
    "agreement": "Överenskommelse",
    "work_process": "Arbetsprocess",
    "work_process_version": "Version av arbetsprocess",
    "meetingseries": "Mötesserie",
    "meeting": "Möte",
    "meetingattendee": "Närvarande på möte",
    "agendaitem": "Punkt på möte",
    "meetingdecision": "Mötesbeslut",
    "meetingaction": "Åtgärd från möte",
    "referral": "Remiss",
    "referral_event": "Remissteg",
    "person_status": "Skol- eller AF-status med datum",
}

# A column means the same in every table, unless TABLE_COLUMN_LABELS says otherwise; the
# person's own fields are named as everywhere else (domain.vocabulary.FIELD_LABELS).
COLUMN_LABELS: dict[str, str] = {
    **FIELD_LABELS,
    "individual_id": "Person",
    "unit_id": "Enhet",
    "name": "Namn",
    "org_nr": "Organisationsnummer",
    "kind": "Sort",
    "role": "Roll",
    "valid_until": "Gäller till",
    "way_id": "Väg",
    "entry_date": "Startdatum",
    "exit_on": "Avslutad",
    "exit_outcome": "Utfall vid avslut",
    "exit_note": "Anteckning vid avslut",
    "phase": "Fas",
    "started_on": "Från",
    "note": "Anteckning",
    "notes": "Anteckningar",
    "mapped_on": "Kartlagd",
    "schooling": "Skolgång",
    "swedish_level": "Svenska",
    "work_experience": "Arbetslivserfarenhet",
    "needs": "Behov",
    "obstacles": "Hinder",
    "goals": "Mål",
    "health": "Hälsa",
    "disability": "Funktionsnedsättning",
    "code": "Kod",
    "scope": "Omfattning",
    "provider_kind": "Sorts anordnare",
    "provider_organisation_id": "Anordnare",
    "leads_to_work_or_studies": "Leder till arbete eller studier",
    "description": "Beskrivning",
    "measure_id": "Insats",
    "job_track_id": "Jobbspår",
    "start_date": "Start",
    "end_date": "Slut",
    "hours_per_week": "Timmar per vecka",
    "end_reason": "Skäl till avslut",
    "day_offset": "Dagar efter avslut",
    "checked_on": "Kontrollerad",
    "outcome": "Utfall",
    "employer": "Arbetsgivare",
    "industry": "Bransch",
    "period_from": "Från",
    "period_to": "Till",
    "places": "Platser",
    "target_group": "Målgrupp",
    "title": "Titel",
    "parties": "Parter",
    "target_groups": "Målgrupper",
    "appendices": "Bilagor",
    "notice_months": "Uppsägningstid (månader)",
    "notice_given_on": "Uppsagd",
    "notice_given_by": "Uppsagd av",
    "revision": "Revidering",
    "next_revision": "Nästa revidering",
    "guarantee_min_age": "Garanti från ålder",
    "guarantee_max_age": "Garanti till ålder",
    "guarantee_days": "Garanti (dagar)",
    "agreement_id": "Överenskommelse",
    "appendix": "Bilaga",
    "what_agreed": "Vad som har överenskommits",
    "how_done": "Så bedrivs arbetet",
    "responsible_organisation_id": "Ansvarig organisation",
    "responsible_role": "Ansvarig roll",
    "min_age": "Lägsta ålder",
    "max_age": "Högsta ålder",
    "measures": "Insatser",
    "source": "Källa",
    "last_reviewed": "Senast granskad",
    "next_review": "Nästa granskning",
    "ended_on": "Avslutad",
    "ended_by": "Avslutad av",
    "commitment_until": "Åtagande till",
    "version": "Version",
    "process_id": "Arbetsprocess",
    "text": "Text",
    "author_id": "Författare",
    "interval_weeks": "Veckor mellan mötena",
    "starts_at": "Tid",
    "place": "Plats",
    "cluster": "Överenskommelse eller kluster",
    "series_id": "Mötesserie",
    "minutes_keeper_id": "Protokollförare",
    "meeting_id": "Möte",
    "organisation_name": "Organisationens namn",
    "position": "Plats på dagordningen",
    "full_name_in_minutes": "Fullständigt namn i protokollet",
    "ack_reason": "Skäl att ändå diskutera",
    "ack_organisations": "Kvitterat för",
    "ack_by": "Kvitterat av",
    "ack_at": "Kvitterat",
    "item_id": "Punkt",
    "decision_id": "Beslut",
    "what": "Vad",
    "responsible_staff_id": "Ansvarig",
    "responsible_name": "Ansvarig",
    "due_date": "Klart senast",
    "done_at": "Klar",
    "done_by": "Klarmarkerad av",
    "from_organisation_id": "Från organisation",
    "from_unit_id": "Från enhet",
    "from_staff_id": "Från handläggare",
    "to_organisation_id": "Till organisation",
    "to_unit_id": "Till enhet",
    "to_staff_id": "Till handläggare",
    "measure": "Insats",
    "reply_by": "Svara senast",
    "origin_id": "Kommer från",
    "referral_id": "Remiss",
    "action": "Steg",
    "step": "Stegnummer",
    "at": "Registrerat",
    "happened_on": "Datum",
    "actor_id": "Av",
    "actor_organisation_id": "Organisation",
    "reason": "Skäl",
    "consent_basis": "Grund för att lämna uppgifterna",
    "secrecy_domain": "Nämnd",
    "purpose_code": "Syfte enligt samtycket",
    "support": "Försörjning",
    "social_situation": "Social situation",
    "consent_exception": "Undantag från samtycke",
    "for_receiver": "Registrerat åt mottagaren",
    "joined_on": "Tackade ja",
    "reduced_work_capacity": "Funktionsnedsättning som medför nedsatt arbetsförmåga",
    "guarantee_counts": "Vad som räknas som insats i garantin",
    "process_commitment_months": "Åtagande efter avslutad arbetsprocess (månader)",
    "local_proposal": "Lokalt förslag (inte överenskommet)",
    "ender_full_control": "Den avslutande parten har full rådighet över sin del",
    "continuation_requested": "Den andra parten begär fortsatt åtagande",
}
TABLE_COLUMN_LABELS: dict[tuple[str, str], str] = {
    ("organisation", "kind"): "Sorts organisation",
    ("meeting", "kind"): "Sorts möte",
    ("meetingseries", "kind"): "Sorts möte",
    ("agendaitem", "kind"): "Sorts punkt",
    ("referral", "kind"): "Sorts remiss",
    ("job_track", "name"): "Namn på jobbspåret",
    ("measure", "name"): "Insatsens namn",
    ("meetingattendee", "name"): "Namn",
    ("individual_measure", "status"): "Insatsens status",
    ("person_status", "value"): "Status",
    ("consent", "purpose"): "Syfte i ord",
    ("meeting", "purpose"): "Syfte med personärenden",
}

# Columns that hold the id of a record of another kind: shown by that record's name.
STAFF_COLUMNS = frozenset(
    {
        "staff_id",
        "recorded_by",
        "author_id",
        "minutes_keeper_id",
        "ack_by",
        "responsible_staff_id",
        "done_by",
        "from_staff_id",
        "to_staff_id",
        "actor_id",
    }
)
UNIT_COLUMNS = frozenset({"unit_id", "from_unit_id", "to_unit_id"})

# Stored codes and the words they stand for.
CODES: dict[str, dict[str, str]] = {
    "identity_kind": IDENTITY_KINDS,
    "gender": GENDERS,
    "form": CONSENT_FORMS,
    "schooling": SCHOOLING,
    "swedish_level": SWEDISH_LEVELS,
    "scope": SCOPES,
    "provider_kind": ORGANISATION_KINDS,
    "end_reason": END_REASONS,
    "phase": PHASES,
    "exit_outcome": OUTCOMES,
    "target_group": GROUPS,
    "secrecy_domain": DOMAIN_LABELS,
    "discloser_domain": DOMAIN_LABELS,
    "receiver_domain": DOMAIN_LABELS,
    "purpose_code": PURPOSES,
    "minor_basis": MINOR_BASES,
    "support": SUPPORT,
}
TABLE_CODES: dict[tuple[str, str], dict[str, str]] = {
    ("individual", "status"): STATUSES,
    ("individual_measure", "status"): MEASURE_STATUSES,
    ("organisation", "kind"): ORGANISATION_KINDS,
    ("meeting", "kind"): MEETING_KINDS,
    ("meetingseries", "kind"): MEETING_KINDS,
    ("referral", "kind"): REFERRAL_KINDS,
    ("referral_event", "outcome"): REFERRAL_OUTCOMES,
    ("exit_follow_up", "outcome"): OUTCOMES,
    ("meeting", "purpose"): PURPOSES,
    ("referral_event", "action"): {
        **{a: t.done for a, t in TRANSITIONS.items()},
        "note": "Anteckning",
    },
}


def record_kind(tbl: str) -> str:
    return RECORD_KINDS.get(tbl, tbl)


def column_label(tbl: str, col: str) -> str:
    return TABLE_COLUMN_LABELS.get((tbl, col)) or COLUMN_LABELS.get(col, col)


class ValueNames:
    """Names for the ids a value may hold, read once for a screenful of values."""

    def __init__(self, conn: Connection) -> None:
        self.organisations = dict(conn.exec_driver_sql("SELECT id, name FROM organisation").all())
        self.staff = dict(conn.exec_driver_sql("SELECT id, name FROM staff").all())
        self.units = dict(conn.exec_driver_sql("SELECT id, name FROM unit").all())

    def shown(self, tbl: str, col: str, value: Any) -> str:
        """A stored value as a person reads it (an identity number masked)."""
        if value is None or value == "":
            return "(tomt)"
        if isinstance(value, bool):
            return "ja" if value else "nej"
        if col == "identity_number":
            return mask_identity(str(value))
        kind = ORG_REFERENCES.get(tbl, {}).get(col)
        if kind is not None:
            ids = [part for part in str(value).split(",") if part] if kind == LIST else [value]
            return ", ".join(self.organisations.get(i, "okänd organisation") for i in ids)
        if col in STAFF_COLUMNS:
            return self.staff.get(value, "okänd handläggare")
        if col in UNIT_COLUMNS:
            return self.units.get(value, "okänd enhet")
        if col == "data_categories":
            return ", ".join(DATA_CATEGORIES.get(c, c) for c in str(value).split(",") if c)
        if col == "purposes":
            return ", ".join(PURPOSES.get(c, c) for c in str(value).split(",") if c)
        codes = TABLE_CODES.get((tbl, col)) or CODES.get(col)
        if codes is not None:
            return codes.get(str(value), str(value))
        text = str(value)
        if "T" in text and len(text) >= 16 and text[:4].isdigit() and text[10] == "T":
            return text[:16].replace("T", " ")  # a stored moment: date and minutes
        return text
