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
    valid_from: date
    valid_until: date | None = None  # None: until further notice (tills vidare)
    notice_months: int | None = None  # None: the agreement does not say
    notice_given_on: date | None = None
    notice_given_by: str | None = None  # organisation id
    revision: str = ""  # how often, in words: "årligen", "vid behov"
    next_revision: date | None = None


class WorkProcess(Record, table=True):
    __tablename__ = "work_process"

    title: str
    agreement_id: str | None = Field(default=None, index=True)
    appendix: int | None = None  # the agreement's appendix number
    what_agreed: str = ""
    how_done: str = ""  # Markdown, usually numbered steps
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
    commitment_until: date | None = None
    version: int = 1


class WorkProcessVersion(Record, table=True):
    """The whole text of a process as saved at one version (the Markdown of
    services.process_markdown), so any two versions can be compared."""

    __tablename__ = "work_process_version"

    process_id: str = Field(index=True)
    version: int
    text: str
    author_id: str | None = None  # staff id


DOMAIN_TABLES: tuple[type[Record], ...] = (
    Organisation,
    Unit,
    Staff,
    Individual,
    Responsibility,
    Consent,
    Agreement,
    WorkProcess,
    WorkProcessVersion,
)
