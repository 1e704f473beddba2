"""Versioned schema migrations, run on open.

The schema version lives in SQLite's `PRAGMA user_version`. Each step is frozen SQL: once a
version has shipped its text never changes, so a database made by any earlier release can be
brought forward, and `tests/store/test_migrations.py` opens one made by version 1. We use this
small scheme rather than alembic: one linear list is all a single-file local database needs,
and there is no second copy of the schema to keep in step. SQLite cannot alter most column
definitions, so a later step that must do so copies the table (create new, insert select,
drop, rename) inside the same transaction, as alembic's batch mode would.
"""

from __future__ import annotations

import sqlite3

V1 = """
CREATE TABLE changelog (
    id VARCHAR NOT NULL,
    at DATETIME NOT NULL,
    table_name VARCHAR NOT NULL,
    record_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    old_value VARCHAR,
    new_value VARCHAR,
    actor_id VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_changelog_record_id ON changelog (record_id);
CREATE TABLE consent (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    individual_id VARCHAR NOT NULL,
    organisation_id VARCHAR NOT NULL,
    purpose VARCHAR NOT NULL,
    data_categories VARCHAR NOT NULL,
    form VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    withdrawn_on DATE,
    recorded_by VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_consent_individual_id ON consent (individual_id);
CREATE TABLE individual (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    identity_kind VARCHAR NOT NULL,
    identity_number VARCHAR,
    reserve_id VARCHAR,
    birth_date DATE,
    first_name VARCHAR NOT NULL,
    last_name VARCHAR NOT NULL,
    gender VARCHAR NOT NULL,
    phone VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    address VARCHAR NOT NULL,
    in_upper_secondary BOOLEAN NOT NULL,
    has_upper_secondary_diploma BOOLEAN NOT NULL,
    residence_permit_date DATE,
    status VARCHAR NOT NULL,
    case_organisation_id VARCHAR,
    search_key VARCHAR NOT NULL,
    sort_key VARCHAR NOT NULL,
    merged_into VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_individual_birth_date ON individual (birth_date);
CREATE INDEX ix_individual_identity_number ON individual (identity_number);
CREATE INDEX ix_individual_status ON individual (status);
CREATE TABLE organisation (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    name VARCHAR NOT NULL,
    org_nr VARCHAR,
    kind VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE responsibility (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    individual_id VARCHAR NOT NULL,
    organisation_id VARCHAR NOT NULL,
    staff_id VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_responsibility_individual_id ON responsibility (individual_id);
CREATE TABLE setting (
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY ("key")
);
CREATE TABLE staff (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    name VARCHAR NOT NULL,
    unit_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_staff_unit_id ON staff (unit_id);
CREATE TABLE unit (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    organisation_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_unit_organisation_id ON unit (organisation_id);
-- The list pages in name order and filters on these columns. Covering indexes let
-- SQLite answer a page or a count of 100,000 people from the index alone.
CREATE INDEX ix_individual_list_status ON individual (
    deleted_at, merged_into, status, sort_key, id, search_key, birth_date, residence_permit_date,
    in_upper_secondary, has_upper_secondary_diploma
);
CREATE INDEX ix_individual_list_all ON individual (
    deleted_at, merged_into, sort_key, id, search_key, birth_date, residence_permit_date,
    in_upper_secondary, has_upper_secondary_diploma, status
);
CREATE INDEX ix_responsibility_staff_id ON responsibility (staff_id);
-- Sync by exported files (shared/research/sync.md §6): per-record field registers, the
-- install's identity and clock, known installs, imported files, and duplicate merges.
CREATE TABLE sync_meta (
    key VARCHAR NOT NULL PRIMARY KEY,
    value VARCHAR NOT NULL
);
CREATE TABLE sync_row (
    tbl VARCHAR NOT NULL,
    row_id VARCHAR NOT NULL,
    fields VARCHAR NOT NULL,
    tomb_hlc VARCHAR,
    tomb_site VARCHAR,
    local_seq INTEGER NOT NULL,
    conflicts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, row_id)
);
CREATE INDEX ix_sync_row_local_seq ON sync_row (local_seq);
CREATE INDEX ix_sync_row_conflicts ON sync_row (conflicts);
CREATE TABLE sync_export (
    file_id VARCHAR NOT NULL PRIMARY KEY,
    at VARCHAR NOT NULL,
    organisation_id VARCHAR,
    seq_to INTEGER NOT NULL
);
CREATE TABLE sync_merge (
    id_a VARCHAR NOT NULL,
    id_b VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    local_seq INTEGER NOT NULL,
    PRIMARY KEY (id_a, id_b)
);
CREATE INDEX ix_sync_merge_local_seq ON sync_merge (local_seq);
CREATE TABLE sync_site (
    site_id VARCHAR NOT NULL PRIMARY KEY,
    organisation_id VARCHAR,
    public_key VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    trusted BOOLEAN NOT NULL,
    received_seq INTEGER NOT NULL,
    acked_seq INTEGER NOT NULL,
    last_exchange_at VARCHAR
);
CREATE TABLE sync_import (
    file_sha256 VARCHAR NOT NULL PRIMARY KEY,
    file_id VARCHAR NOT NULL,
    sender_site VARCHAR NOT NULL,
    at VARCHAR NOT NULL,
    summary VARCHAR NOT NULL
);
CREATE TABLE sync_sent (
    organisation_id VARCHAR NOT NULL,
    individual_id VARCHAR NOT NULL,
    PRIMARY KEY (organisation_id, individual_id)
);
CREATE TABLE sync_purged (
    individual_id VARCHAR NOT NULL PRIMARY KEY,
    hlc VARCHAR NOT NULL
);
"""

V_MEETINGS = """
-- Joint meetings (issue 5): series, meetings, attendees, agenda, decisions, actions.
CREATE TABLE meetingseries (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    title VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    interval_weeks INTEGER NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE meeting (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    starts_at DATETIME NOT NULL,
    place VARCHAR NOT NULL,
    cluster VARCHAR NOT NULL,
    series_id VARCHAR,
    minutes_keeper_id VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_meeting_series_id ON meeting (series_id);
CREATE INDEX ix_meeting_starts_at ON meeting (starts_at);
CREATE TABLE meetingattendee (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    meeting_id VARCHAR NOT NULL,
    staff_id VARCHAR,
    name VARCHAR NOT NULL,
    organisation_id VARCHAR,
    organisation_name VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_meetingattendee_meeting_id ON meetingattendee (meeting_id);
CREATE TABLE agendaitem (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    meeting_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    individual_id VARCHAR,
    notes VARCHAR NOT NULL,
    full_name_in_minutes BOOLEAN NOT NULL,
    ack_reason VARCHAR NOT NULL,
    ack_organisations VARCHAR NOT NULL,
    ack_by VARCHAR,
    ack_at DATETIME,
    PRIMARY KEY (id)
);
CREATE INDEX ix_agendaitem_individual_id ON agendaitem (individual_id);
CREATE INDEX ix_agendaitem_meeting_id ON agendaitem (meeting_id);
CREATE TABLE meetingdecision (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    meeting_id VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    individual_id VARCHAR,
    text VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_meetingdecision_individual_id ON meetingdecision (individual_id);
CREATE INDEX ix_meetingdecision_item_id ON meetingdecision (item_id);
CREATE INDEX ix_meetingdecision_meeting_id ON meetingdecision (meeting_id);
CREATE TABLE meetingaction (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    meeting_id VARCHAR NOT NULL,
    item_id VARCHAR,
    decision_id VARCHAR,
    individual_id VARCHAR,
    what VARCHAR NOT NULL,
    responsible_staff_id VARCHAR,
    responsible_name VARCHAR NOT NULL,
    organisation_id VARCHAR,
    organisation_name VARCHAR NOT NULL,
    due_date DATE,
    done_at DATETIME,
    done_by VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_meetingaction_individual_id ON meetingaction (individual_id);
CREATE INDEX ix_meetingaction_meeting_id ON meetingaction (meeting_id);
-- The open actions list pages over undone actions, overdue (earliest due) first.
CREATE INDEX ix_meetingaction_open ON meetingaction (deleted_at, done_at, due_date, id);
-- The consent check of each person on an agenda reads the records merged into it.
CREATE INDEX ix_individual_merged_into ON individual (merged_into);
"""

MIGRATIONS: tuple[tuple[int, str], ...] = ((1, V1), (2, V_MEETINGS))
LATEST_VERSION = MIGRATIONS[-1][0]


class NewerSchemaError(Exception):
    """The database was made by a newer ungtui; opening it could damage it."""


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database up to LATEST_VERSION; each step is all or nothing."""
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise NewerSchemaError(
            f"Databasen är skapad av en nyare version av ungtui (schema {current}, "
            f"den här versionen känner till {LATEST_VERSION}). Uppdatera ungtui. "
            "Databasen har inte ändrats."
        )
    for version, sql in MIGRATIONS:
        if version <= current:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in sql.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        current = version
    return current
