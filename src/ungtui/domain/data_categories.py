"""Which kind of data (datakategori) every stored field about a person is.

A consent names the categories one party may disclose to another; sync files, meeting
views and minutes, referrals and list exports carry a field only when its category is
covered. This module is the one table that says which category each field is in. A test
fails when a synced column has no category here, so a new field cannot travel (or stay
behind) by accident.

Three kinds of record:
- records about one person: every column has a category (FIELD_CATEGORIES), and the
  record kind has one too (RECORD_CATEGORIES). A record travels when its kind's category
  is covered; then its other columns travel one by one, each when its own category is.
  The person record and the mapping hold several kinds of data and have no kind
  category (None): they travel when any of their fields may, with their links (LINKS).
- records about no person (organisations, units, staff, the measure catalogue,
  agreements, processes, meetings and who attends): NOT_ABOUT_A_PERSON.
Identity travels with every consent: without it a receiver cannot tell whom the other
data is about (domain.disclosure adds it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ungtui.domain.vocabulary import DATA_CATEGORIES

IDENTITET = "identitet"
KONTAKT = "kontakt"
UTBILDNING = "utbildning"
ARBETE = "arbete"
HALSA = "halsa"
EKONOMI = "ekonomi"
SOCIAL = "social"
ANTECKNINGAR = "anteckningar"

CATEGORIES: tuple[str, ...] = tuple(DATA_CATEGORIES)
# What each category holds, in the words a consent form uses.
DESCRIPTIONS: dict[str, str] = {
    IDENTITET: "namn, identitetsnummer, födelsedatum, kön, första uppehållstillstånd, "
    "vilken organisation som har ärendet",
    KONTAKT: "telefon, e-post, adress",
    UTBILDNING: "gymnasieskola och examen, skolbakgrund, svenskkunskaper",
    ARBETE: "status, väg och faser, kartläggning av erfarenhet, behov, hinder och mål, "
    "insatser, ansvariga handläggare, remisser, mötesbeslut och åtgärder",
    HALSA: "hälsa och funktionsnedsättning",
    EKONOMI: "försörjning",
    SOCIAL: "social situation: boende, familj och liknande",
    ANTECKNINGAR: "fria anteckningar: om faser, avslut, uppföljningar och på möten",
}
# Never disclosed without a consent that names them (no default, no implied coverage).
SPECIAL: frozenset[str] = frozenset({HALSA, SOCIAL})

_I, _K, _U, _A, _H, _E, _S, _N = (
    IDENTITET,
    KONTAKT,
    UTBILDNING,
    ARBETE,
    HALSA,
    EKONOMI,
    SOCIAL,
    ANTECKNINGAR,
)

FIELD_CATEGORIES: dict[str, dict[str, str]] = {
    "individual": {
        "identity_kind": _I,
        "identity_number": _I,
        "reserve_id": _I,
        "birth_date": _I,
        "first_name": _I,
        "last_name": _I,
        "gender": _I,
        "phone": _K,
        "email": _K,
        "address": _K,
        "in_upper_secondary": _U,
        "has_upper_secondary_diploma": _U,
        "residence_permit_date": _I,
        "status": _A,
        "case_organisation_id": _I,
        # Facts the target-group rules record (issue 18, on its way to main): named here
        # so that they have a category the day both are merged.
        "establishment_from": _A,
        "establishment_until": _A,
        "compulsory_school_done_on": _U,
        "municipality": _K,
        "af_status": _A,
    },
    # A school or AF status from a day on (issue 18): what the person does, as work and
    # measures are.
    "person_status": {"individual_id": _A, "kind": _A, "value": _A, "valid_from": _A},
    "responsibility": {"individual_id": _A, "organisation_id": _A, "staff_id": _A},
    # A consent is about who may disclose what: it names the person and the parties.
    "consent": {
        "individual_id": _I,
        "organisation_id": _I,
        "purpose": _I,
        "data_categories": _I,
        "form": _I,
        "valid_from": _I,
        "valid_to": _I,
        "withdrawn_on": _I,
        "recorded_by": _I,
        "discloser_organisation_id": _I,
        "discloser_domain": _I,
        "receiver_domain": _I,
        "purposes": _I,
        "minor_basis": _I,
        "minor_note": _I,
    },
    "way": {
        "individual_id": _A,
        "entry_date": _A,
        "exit_on": _A,
        "exit_outcome": _A,
        "exit_note": _N,
        "joined_on": _A,
    },
    "way_phase": {
        "way_id": _A,
        "individual_id": _A,
        "phase": _A,
        "started_on": _A,
        "note": _N,
    },
    "mapping": {
        "individual_id": _A,
        "way_id": _A,
        "mapped_on": _A,
        "schooling": _U,
        "swedish_level": _U,
        "work_experience": _A,
        "needs": _A,
        "obstacles": _A,
        "goals": _A,
        "health": _H,
        "disability": _H,
        "support": _E,
        "social_situation": _S,
        "reduced_work_capacity": _H,
    },
    "individual_measure": {
        "individual_id": _A,
        "way_id": _A,
        "measure_id": _A,
        "job_track_id": _A,
        "start_date": _A,
        "end_date": _A,
        "hours_per_week": _A,
        "status": _A,
        "end_reason": _A,
    },
    "exit_follow_up": {
        "way_id": _A,
        "individual_id": _A,
        "day_offset": _A,
        "checked_on": _A,
        "outcome": _A,
        "note": _N,
    },
    "agendaitem": {
        "meeting_id": _A,
        "position": _A,
        "kind": _A,
        "title": _N,
        "individual_id": _A,
        "notes": _N,
        "full_name_in_minutes": _I,
        "ack_reason": _N,
        "ack_organisations": _N,
        "ack_by": _N,
        "ack_at": _N,
    },
    "meetingdecision": {"meeting_id": _A, "item_id": _A, "individual_id": _A, "text": _A},
    "meetingaction": {
        "meeting_id": _A,
        "item_id": _A,
        "decision_id": _A,
        "individual_id": _A,
        "what": _A,
        "responsible_staff_id": _A,
        "responsible_name": _A,
        "organisation_id": _A,
        "organisation_name": _A,
        "due_date": _A,
        "done_at": _A,
        "done_by": _A,
    },
    # A referral and every step of it (its notes too) are the referral's own exchange.
    "referral": {
        "individual_id": _A,
        "from_organisation_id": _A,
        "from_unit_id": _A,
        "from_staff_id": _A,
        "to_organisation_id": _A,
        "to_unit_id": _A,
        "to_staff_id": _A,
        "kind": _A,
        "measure": _A,
        "purpose": _A,
        "purpose_code": _A,
        "reply_by": _A,
        "origin_id": _A,
    },
    "referral_event": {
        "referral_id": _A,
        "individual_id": _A,
        "action": _A,
        "step": _A,
        "at": _A,
        "happened_on": _A,
        "actor_id": _A,
        "actor_organisation_id": _A,
        "note": _A,
        "reason": _A,
        "outcome": _A,
        "consent_basis": _A,
        "consent_exception": _A,
        "for_receiver": _A,
    },
}

RECORD_CATEGORIES: dict[str, str | None] = {
    "individual": None,
    "person_status": _A,
    "responsibility": _A,
    "consent": _I,
    "way": _A,
    "way_phase": _A,
    "mapping": None,
    "individual_measure": _A,
    "exit_follow_up": _A,
    "agendaitem": _A,
    "meetingdecision": _A,
    "meetingaction": _A,
    "referral": _A,
    "referral_event": _A,
}

# Columns that travel with any record of a mixed table that travels: what it is about and
# when it was made, without which the rest cannot be read.
LINKS: dict[str, frozenset[str]] = {
    "individual": frozenset(),
    "mapping": frozenset({"individual_id", "way_id", "mapped_on"}),
}

NOT_ABOUT_A_PERSON: frozenset[str] = frozenset(
    {
        "organisation",
        "unit",
        "staff",
        "measure",
        "job_track",
        "agreement",
        "work_process",
        "work_process_version",
        "meetingseries",
        "meeting",
        "meetingattendee",
    }
)


def category_of(table: str, column: str) -> str:
    return FIELD_CATEGORIES[table][column]


def categories_held(table: str) -> frozenset[str]:
    return frozenset(FIELD_CATEGORIES.get(table, {}).values())


def uncategorised(columns_by_table: Mapping[str, Iterable[str]]) -> list[str]:
    """`table.column` of every stored column that belongs to no category, and tables that
    are neither about a person nor about no person. Empty when the table is complete."""
    missing: list[str] = []
    for table, columns in sorted(columns_by_table.items()):
        if table in NOT_ABOUT_A_PERSON:
            continue
        known = FIELD_CATEGORIES.get(table)
        if known is None or table not in RECORD_CATEGORIES:
            missing.append(table)
            continue
        missing += [f"{table}.{c}" for c in columns if c not in known]
        missing += [f"{table}.{c}" for c, cat in known.items() if cat not in DATA_CATEGORIES]
    return missing


def travelling_columns(table: str, columns: Iterable[str], allowed: frozenset[str]) -> list[str]:
    """Which of a person record's columns may go where `allowed` categories are covered;
    empty when the record itself may not."""
    kind = RECORD_CATEGORIES[table]
    fields = FIELD_CATEGORIES[table]
    columns = list(columns)
    links = LINKS.get(table, frozenset())
    if kind is None:
        content = [c for c in columns if c not in links and fields[c] in allowed]
        if not content:
            return []
        return [c for c in columns if c in links or fields[c] in allowed]
    if kind not in allowed:
        return []
    return [c for c in columns if fields[c] in allowed]


def label(category: str) -> str:
    return DATA_CATEGORIES.get(category, category)


def labels(categories: Iterable[str]) -> str:
    """Categories in the fixed order, as one Swedish line."""
    chosen = set(categories)
    return ", ".join(DATA_CATEGORIES[c] for c in CATEGORIES if c in chosen)


def columns_in(table: str, category: str) -> tuple[str, ...]:
    """The columns of a person record's table that hold `category`, in table order."""
    return tuple(c for c, cat in FIELD_CATEGORIES[table].items() if cat == category)


def categories_missing(table: str, held: Iterable[str]) -> frozenset[str]:
    """The categories of a record about a person of which this install holds no field:
    `held` names the columns it has a value of from anywhere (typed here or received).
    A person registered elsewhere and shared under a consent that left a category out
    has that category's columns at their defaults, which say nothing about the person."""
    fields = FIELD_CATEGORIES[table]
    have = {fields[c] for c in held if c in fields}
    return frozenset(set(fields.values()) - have)
