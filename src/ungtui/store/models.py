"""SQLModel tables.

No foreign-key constraints are declared: records arrive from other installs by sync in
any order (see shared/research/sync.md §6.2), so references are checked by services and a
dangling one is shown, not refused. Identity numbers are indexed but never UNIQUE across
installs: the same person registered twice is merged by a person, not refused by the
database; only numbers registered on this install are unique (Individual.identity_here).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Table
from sqlmodel import Field, SQLModel

from ungtui.domain.install_settings import CURRENT_STAFF_KEY as CURRENT_STAFF_KEY


def table_of(model: type[SQLModel]) -> Table:
    """A table model's table (SQLModel sets `__table__` on each, its types do not say so)."""
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def table_name(model: type[SQLModel]) -> str:
    """A table model's name as a plain str (its table's `name` is SQLAlchemy's subclass of
    str, which the sync file checks refuse: a name there must be exactly a str)."""
    name = model.__tablename__
    if not isinstance(name, str):
        raise TypeError(f"{model.__name__} is not a table model")
    return name


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC)


class Record(SQLModel):
    """Columns every domain record has. `deleted_at` set means removed (a tombstone)."""

    id: str = Field(default_factory=new_id, primary_key=True)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    deleted_at: datetime | None = None


class Organisation(Record, table=True):
    name: str
    # The identity: the record id is derived from it (domain.orgnr.organisation_id).
    org_nr: str | None = Field(default=None, index=True)
    kind: str = "annan"  # see domain.vocabulary.ORGANISATION_KINDS
    # Set when the record was found to be the same organisation as another (same number,
    # or confirmed by a person): the id it is shown under, as for merged individuals.
    merged_into: str | None = Field(default=None, index=True)


class Unit(Record, table=True):
    organisation_id: str = Field(index=True)
    name: str
    # The secrecy domain (nämnd or authority) the unit belongs to: a code of
    # domain.secrecy.SECRECY_DOMAINS; empty until set, read from the name meanwhile.
    secrecy_domain: str = ""


class Staff(Record, table=True):
    name: str
    unit_id: str = Field(index=True)
    role: str = ""
    email: str = ""


class Individual(Record, table=True):
    identity_kind: str = "personnummer"  # personnummer | samordningsnummer | reservnummer
    identity_number: str | None = Field(default=None, index=True)
    reserve_id: str | None = None
    birth_date: date | None = Field(default=None, index=True)
    first_name: str = ""
    last_name: str = ""
    gender: str = "okänt"  # kvinna | man | annat | okänt
    phone: str = ""
    email: str = ""
    address: str = ""
    in_upper_secondary: bool = False
    has_upper_secondary_diploma: bool = False
    residence_permit_date: date | None = None
    status: str = Field(default="aktiv", index=True)  # aktiv | vilande | avslutad
    case_organisation_id: str | None = None
    # Facts the target-group rules need, recorded rather than guessed (issue 18):
    # the establishment programme is an AF decision with a start and an end …
    establishment_from: date | None = None
    establishment_until: date | None = None
    # … KAA begins when compulsory school is completed (None: the law's usual end, the
    # spring term of the year the person turns 16) …
    compulsory_school_done_on: date | None = None
    # … the municipality where the person is registered (folkbokförd), by name …
    municipality: str = ""
    # … and the person's standing at Arbetsförmedlingen (domain.target_groups.AF_STATUSES).
    # School and AF status are also kept with their dates in PersonStatus, so that a
    # report for an earlier period sees them as they were then.
    af_status: str = ""
    # Folded name and identity digits: what search-as-you-type matches against.
    search_key: str = ""
    # Last and first name in Swedish alphabetical order (see domain.text.swedish_sort_key).
    sort_key: str = ""
    # Set when a person confirmed this is the same person as another record: the id the
    # merged person is shown under (the smallest id of the group, sync.md §6.3).
    merged_into: str | None = None
    # Install-local: the identity number was typed or imported here (not brought by sync).
    # Such numbers are unique among live records (migration V_IDENTITY_HERE says why only
    # these); never synced, never dumped.
    identity_here: bool | None = None


class PersonStatus(Record, table=True):
    """A school or AF status from a day on (valid_from None: since before it was
    recorded). The latest row on or before a day is the status that day."""

    __tablename__ = "person_status"
    individual_id: str = Field(index=True)
    kind: str  # "skola" | "af" (domain.target_groups.STATUS_KINDS)
    value: str
    valid_from: date | None = None


class Responsibility(Record, table=True):
    """The caseworker responsible for an individual on behalf of one organisation."""

    individual_id: str = Field(index=True)
    organisation_id: str
    staff_id: str


class Consent(Record, table=True):
    """Who may disclose (the discloser: the person's data held by one secrecy domain) to
    whom (the receiving organisation, or one domain of it), for which purposes and which
    kinds of data, how given and for how long (domain.disclosure reads it)."""

    individual_id: str = Field(index=True)
    organisation_id: str  # the receiving organisation
    purpose: str = ""  # the purpose in the words written on the consent (a note)
    data_categories: str = ""  # comma-separated codes, see domain.vocabulary.DATA_CATEGORIES
    form: str = "skriftligt"  # skriftligt | muntligt
    valid_from: date
    valid_to: date | None = None
    withdrawn_on: date | None = None
    recorded_by: str | None = None
    # Empty in consents recorded before disclosers were named: the domain of the unit of
    # the staff member who recorded it discloses (sync.sharing explains).
    discloser_organisation_id: str | None = None
    discloser_domain: str = ""  # a domain.secrecy code; empty: the whole organisation
    receiver_domain: str = ""  # a domain.secrecy code; empty: the whole organisation
    purposes: str = ""  # comma-separated domain.purposes codes; empty: an older consent
    # Under 18: "vardnadshavare" (a guardian consented) or "mognad" (the young person's own
    # consent judged sufficient), with the caseworker's note. Recorded, not decided here.
    minor_basis: str = ""
    minor_note: str = ""




class Setting(SQLModel, table=True):
    """Install-local settings (who uses this install). Never synced, never dumped."""

    key: str = Field(primary_key=True)
    value: str


class ChangeLog(SQLModel, table=True):
    """One row per changed field, written by the service layer's single write door."""

    id: str = Field(default_factory=new_id, primary_key=True)
    at: datetime = Field(default_factory=utc_now)
    table_name: str
    record_id: str = Field(index=True)
    field: str
    old_value: str | None = None
    new_value: str | None = None
    actor_id: str | None = None


# --- The individual's way (issue 7): phases, mapping, measures, exit, job tracks -------

# Column info marking special-category data (GDPR art. 9): dumps, exports and minutes
# leave such columns out unless asked (domain.mapping.SENSITIVE_FIELDS names the same).
SENSITIVE = {"sensitive": True}


class Way(Record, table=True):
    """One period on the way, from entry to exit; coming back later starts a new one."""

    individual_id: str = Field(index=True)
    entry_date: date = Field(index=True)
    exit_on: date | None = None
    exit_outcome: str = ""  # domain.way.OUTCOMES
    exit_note: str = ""
    # The day the person joined the agreement's offer ("tackar ja", Ungdomskontraktet,
    # seed 003): an agreement's guarantee runs from here, not from first contact.
    joined_on: date | None = None


class WayPhase(Record, table=True):
    """The way entered a phase on a day (domain.way.PHASES, never 'avslutad')."""

    __tablename__ = "way_phase"
    way_id: str = Field(index=True)
    individual_id: str = Field(index=True)
    phase: str
    started_on: date
    note: str = ""


class Mapping(Record, table=True):
    """A mapping of needs and possibilities; the latest one is the current picture."""

    individual_id: str = Field(index=True)
    way_id: str | None = None
    mapped_on: date
    schooling: str = "okant"  # domain.mapping.SCHOOLING
    swedish_level: str = "okant"  # domain.mapping.SWEDISH_LEVELS
    work_experience: str = ""
    needs: str = ""
    obstacles: str = ""
    goals: str = ""
    health: str = Field(default="", sa_column_kwargs={"info": SENSITIVE})
    disability: str = Field(default="", sa_column_kwargs={"info": SENSITIVE})
    # "Funktionsnedsättning som medför nedsatt arbetsförmåga" (seed 004, 7.1): its own
    # assessment, not whatever the disability text says.
    reduced_work_capacity: bool = Field(default=False, sa_column_kwargs={"info": SENSITIVE})
    support: str = "okant"  # how the person supports themselves: domain.mapping.SUPPORT
    social_situation: str = Field(default="", sa_column_kwargs={"info": SENSITIVE})


class Measure(Record, table=True):
    """The catalogue: national measures (fixed ids) and the ones users add."""

    code: str = ""
    name: str
    scope: str = "lokal"  # domain.measures.SCOPES
    provider_kind: str = ""  # domain.vocabulary.ORGANISATION_KINDS
    provider_organisation_id: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    leads_to_work_or_studies: bool = True
    description: str = ""


class IndividualMeasure(Record, table=True):
    __tablename__ = "individual_measure"
    individual_id: str = Field(index=True)
    way_id: str = Field(index=True)
    measure_id: str
    job_track_id: str | None = Field(default=None, index=True)
    start_date: date = Field(index=True)
    end_date: date | None = None
    hours_per_week: float | None = None
    status: str = "planerad"  # domain.measures.MEASURE_STATUSES
    end_reason: str = ""  # domain.measures.END_REASONS


class ExitFollowUp(Record, table=True):
    """The outcome found 90, 180 or 360 days after exit."""

    __tablename__ = "exit_follow_up"
    way_id: str = Field(index=True)
    individual_id: str = Field(index=True)
    day_offset: int
    checked_on: date
    outcome: str  # domain.way.OUTCOMES
    note: str = ""


class JobTrack(Record, table=True):
    """A job track with an employer or industry; not about one person, so it has no
    individual_id and travels to every party."""

    __tablename__ = "job_track"
    name: str
    employer: str = ""
    industry: str = ""
    period_from: date
    period_to: date | None = None
    places: int = 0
    target_group: str = "nyanland"  # domain.target_groups.GROUPS
    # The agreement whose goals the track counts towards (seed 001: at least three
    # tracks of its own); None: a track of no agreement.
    agreement_id: str | None = None


# --- Work processes (arbetsprocesser) and their agreements (överenskommelser) ----------
# Lists that belong to one record (parties, target groups, goals, appendices) are kept in
# the record: they are edited and read as a whole, and travel by sync as one field.


class Agreement(Record, table=True):
    title: str
    purpose: str = ""
    parties: str = ""  # comma-separated organisation ids
    # JSON lists: [{"code", "label", "min_age", "max_age"}], [{"goal", "indicators":
    # [{"indicator", "year", "target"}]}], [{"number", "title"}]
    target_groups: str = "[]"
    goals: str = "[]"
    appendices: str = "[]"
    valid_from: date | None = None  # None: the agreement's text does not say
    valid_until: date | None = None  # None: until further notice (tills vidare)
    notice_months: int | None = None  # None: the agreement does not say
    notice_given_on: date | None = None
    notice_given_by: str | None = None  # organisation id
    revision: str = ""  # how often, in words: "årligen", "vid behov"
    next_revision: date | None = None
    # --- gaps of issue 7: the agreement's own 90-day guarantee (all None: install default)
    guarantee_min_age: int | None = None
    guarantee_max_age: int | None = None  # inclusive
    guarantee_days: int | None = None
    guarantee_counts: str = ""  # what counts as the measure (domain.guarantee.COUNTS)
    # Seed 000: a party ending a work process keeps its commitment up to this many months
    # if it fully controls its part and the other party asks; None: the agreement says
    # nothing about ending work processes.
    process_commitment_months: int | None = None


class WorkProcess(Record, table=True):
    __tablename__ = "work_process"

    title: str
    agreement_id: str | None = Field(default=None, index=True)
    appendix: int | None = None  # the agreement's appendix number
    what_agreed: str = ""
    how_done: str = ""  # Markdown, usually numbered steps
    # Steps someone proposes locally that the agreement does not state, kept apart and
    # marked "Lokalt förslag (inte överenskommet)".
    local_proposal: str = ""
    responsible_organisation_id: str | None = None
    responsible_role: str = ""  # a role or a person
    parties: str = ""  # comma-separated organisation ids
    target_groups: str = ""  # comma-separated codes of domain.target_groups.GROUPS
    min_age: int | None = None
    max_age: int | None = None
    measures: str = ""  # related measures (insatser), free text
    source: str = ""  # where the text comes from, e.g. a seed appendix
    last_reviewed: date | None = None
    next_review: date | None = None
    ended_on: date | None = None
    ended_by: str | None = None  # organisation id
    # Under an agreement with a commitment rule: did the ending party fully control its
    # part, and did the other party ask it to keep its commitment (None: not asked).
    ender_full_control: bool | None = None
    continuation_requested: bool | None = None
    commitment_until: date | None = None
    version: int = 1


class WorkProcessVersion(Record, table=True):
    """The whole text of a process as saved at one version (the Markdown of
    services.processes.process_markdown), so any two versions can be compared."""

    __tablename__ = "work_process_version"

    process_id: str = Field(index=True)
    version: int
    text: str
    author_id: str | None = None  # staff id


# --- Joint meetings (samverkansmöten): issue 5 -------------------------------------
# Times are UTC. Rows about one person carry its individual_id, so that sync sends
# them only where that person's consent allows; rows about no person leave it empty.


class MeetingSeries(Record, table=True):
    """A recurring meeting (weekly or every other week); its meetings point to it."""

    title: str
    kind: str
    interval_weeks: int = 1


class Meeting(Record, table=True):
    kind: str  # see domain.meeting_vocabulary.MEETING_KINDS
    title: str
    starts_at: datetime = Field(index=True)
    place: str = ""
    cluster: str = ""  # the agreement or collaboration cluster the meeting belongs to
    series_id: str | None = Field(default=None, index=True)
    minutes_keeper_id: str | None = None  # a staff id
    # What people are discussed for: a domain.purposes code; empty reads the kind's.
    purpose: str = ""


class MeetingAttendee(Record, table=True):
    """Staff of a party (staff_id set), or an external person with an organisation name.
    The organisation id is set whenever the organisation is registered."""

    meeting_id: str = Field(index=True)
    staff_id: str | None = None
    name: str
    organisation_id: str | None = None
    organisation_name: str = ""


class AgendaItem(Record, table=True):
    meeting_id: str = Field(index=True)
    position: int = 0
    kind: str = "amne"  # person | amne
    title: str = ""
    individual_id: str | None = Field(default=None, index=True)
    notes: str = ""
    full_name_in_minutes: bool = False
    # Discussing a person some present organisation may not hear about: who, when, why,
    # and the organisations it was done for (one per line).
    ack_reason: str = ""
    ack_organisations: str = ""
    ack_by: str | None = None
    ack_at: datetime | None = None


class MeetingDecision(Record, table=True):
    meeting_id: str = Field(index=True)
    item_id: str = Field(index=True)
    individual_id: str | None = Field(default=None, index=True)
    text: str


class MeetingAction(Record, table=True):
    meeting_id: str = Field(index=True)
    item_id: str | None = None
    decision_id: str | None = None
    individual_id: str | None = Field(default=None, index=True)
    what: str
    responsible_staff_id: str | None = None
    responsible_name: str = ""
    organisation_id: str | None = None
    organisation_name: str = ""
    due_date: date | None = None
    done_at: datetime | None = None
    done_by: str | None = None


DOMAIN_TABLES: tuple[type[Record], ...] = (
    Organisation,
    Unit,
    Staff,
    Individual,
    PersonStatus,
    Responsibility,
    Consent,
    Way,
    WayPhase,
    Mapping,
    Measure,
    IndividualMeasure,
    ExitFollowUp,
    JobTrack,
    Agreement,
    WorkProcess,
    WorkProcessVersion,
    MeetingSeries,
    Meeting,
    MeetingAttendee,
    AgendaItem,
    MeetingDecision,
    MeetingAction,
)


# --- Referrals (remisser, issue 6) ---------------------------------------------------


class Referral(Record, table=True):
    """A handover of one person from one party to another. Its state is not a column:
    it is derived from its events (domain.referral_states explains why)."""

    individual_id: str = Field(index=True)
    from_organisation_id: str = Field(index=True)
    from_unit_id: str
    from_staff_id: str
    to_organisation_id: str = Field(index=True)
    to_unit_id: str | None = None
    to_staff_id: str | None = None
    kind: str = "other"  # see domain.referral_vocabulary.REFERRAL_KINDS
    measure: str = ""
    purpose: str = ""  # what the referral should lead to, in words
    purpose_code: str = ""  # the domain.purposes code a consent must name; empty: remiss
    reply_by: date
    # What the referral came from, e.g. a meeting's decision; None when made by hand.
    origin_id: str | None = None


class ReferralEvent(Record, table=True):
    """One transition or note: written once, never changed, so two installs' histories
    merge as the union of their events."""

    __tablename__ = "referral_event"

    referral_id: str = Field(index=True)
    individual_id: str = Field(index=True)  # denormalised: events travel under consent
    action: str  # a domain.referral_states.TRANSITIONS key, or "note"
    step: int = 0  # transitions its author had seen plus one; 0 for a note
    # When it was recorded (UTC); created_at is install-local. Optional only so that a
    # removed (blanked) event can hold no time.
    at: datetime | None = None
    happened_on: date
    actor_id: str | None = None
    actor_organisation_id: str | None = None
    note: str = ""
    reason: str = ""
    outcome: str | None = None
    # For a send: the consent that allowed it, or the typed legal ground of an exception.
    consent_basis: str = ""
    consent_exception: bool = False
    # A receiver's step that the sender recorded because the receiver does not use
    # ungtui (an answer given by phone or letter); the history says so.
    for_receiver: bool = False


class ReferralState(SQLModel, table=True):
    """Install-local cache of each referral's derived state, so lists filter and page in
    SQL. A row is stale when its count of events differs from the referral's events (a
    sync import or a purge changed them); services.referrals.referrals rebuilds stale rows before
    reading. Events are never edited, only added or purged, so the count is enough.
    Never synced, never dumped."""

    __tablename__ = "referral_state"

    referral_id: str = Field(primary_key=True)
    state: str
    changed_on: date | None = None  # the day of the last transition that took effect
    events: int = 0


DOMAIN_TABLES += (Referral, ReferralEvent)

# Records about one individual: they travel only where that person's consent allows, go when
# it is withdrawn, appear in the register extract and go with the person at erasure. A table
# joins by having an `individual_id` column.
PERSON_TABLES: tuple[type[Record], ...] = tuple(
    m for m in DOMAIN_TABLES if "individual_id" in table_of(m).c
)
PERSON_TABLE_NAMES: tuple[str, ...] = tuple(table_name(m) for m in PERSON_TABLES)
