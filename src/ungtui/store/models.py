"""SQLModel tables.

No foreign-key constraints are declared: records arrive from other installs by sync in
any order (see shared/research/sync.md §6.2), so references are checked by services and a
dangling one is shown, not refused. Identity numbers are indexed but never UNIQUE: the same
person registered twice is merged by a person, not refused by the database.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Field, SQLModel


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
    org_nr: str | None = None
    kind: str = "annan"  # see domain.vocabulary.ORGANISATION_KINDS


class Unit(Record, table=True):
    organisation_id: str = Field(index=True)
    name: str


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
    # Folded name and identity digits: what search-as-you-type matches against.
    search_key: str = ""
    # Last and first name in Swedish alphabetical order (see domain.text.swedish_sort_key).
    sort_key: str = ""
    # Set when a person confirmed this is the same person as another record: the id the
    # merged person is shown under (the smallest id of the group, sync.md §6.3).
    merged_into: str | None = None


class Responsibility(Record, table=True):
    """The caseworker responsible for an individual on behalf of one organisation."""

    individual_id: str = Field(index=True)
    organisation_id: str
    staff_id: str


class Consent(Record, table=True):
    individual_id: str = Field(index=True)
    organisation_id: str
    purpose: str = ""
    data_categories: str = ""  # comma-separated codes, see domain.vocabulary.DATA_CATEGORIES
    form: str = "skriftligt"  # skriftligt | muntligt
    valid_from: date
    valid_to: date | None = None
    withdrawn_on: date | None = None
    recorded_by: str | None = None


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
    Responsibility,
    Consent,
    MeetingSeries,
    Meeting,
    MeetingAttendee,
    AgendaItem,
    MeetingDecision,
    MeetingAction,
)
