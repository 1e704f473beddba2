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

from ungtui.store import person_facts, way_facts

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

# The audit log (who did what with whose data). Install-local and append-only: the
# triggers refuse any change or removal, whatever program opens the file.
V_AUDIT = """
CREATE TABLE audit_entry (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at VARCHAR NOT NULL,
    actor_id VARCHAR,
    action VARCHAR NOT NULL,
    individual_id VARCHAR,
    detail VARCHAR NOT NULL
);
CREATE INDEX ix_audit_entry_individual_id ON audit_entry (individual_id, seq);
CREATE INDEX ix_audit_entry_action ON audit_entry (action, seq);
CREATE TRIGGER audit_entry_append_only_update BEFORE UPDATE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
CREATE TRIGGER audit_entry_append_only_delete BEFORE DELETE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
"""
# The individual's way (issue 7): phases, mapping, measure catalogue, the individual's
# measures, exit follow-ups and job tracks.
V_WAY = """
CREATE TABLE way (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    individual_id VARCHAR NOT NULL,
    entry_date DATE NOT NULL,
    exit_on DATE,
    exit_outcome VARCHAR NOT NULL,
    exit_note VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_way_entry_date ON way (entry_date);
CREATE INDEX ix_way_individual_id ON way (individual_id);
CREATE TABLE way_phase (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    way_id VARCHAR NOT NULL,
    individual_id VARCHAR NOT NULL,
    phase VARCHAR NOT NULL,
    started_on DATE NOT NULL,
    note VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_way_phase_individual_id ON way_phase (individual_id);
CREATE INDEX ix_way_phase_way_id ON way_phase (way_id);
CREATE TABLE mapping (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    individual_id VARCHAR NOT NULL,
    way_id VARCHAR,
    mapped_on DATE NOT NULL,
    schooling VARCHAR NOT NULL,
    swedish_level VARCHAR NOT NULL,
    work_experience VARCHAR NOT NULL,
    needs VARCHAR NOT NULL,
    obstacles VARCHAR NOT NULL,
    goals VARCHAR NOT NULL,
    health VARCHAR NOT NULL,
    disability VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_mapping_individual_id ON mapping (individual_id);
CREATE TABLE measure (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    provider_kind VARCHAR NOT NULL,
    provider_organisation_id VARCHAR,
    valid_from DATE,
    valid_to DATE,
    leads_to_work_or_studies BOOLEAN NOT NULL,
    description VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE individual_measure (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    individual_id VARCHAR NOT NULL,
    way_id VARCHAR NOT NULL,
    measure_id VARCHAR NOT NULL,
    job_track_id VARCHAR,
    start_date DATE NOT NULL,
    end_date DATE,
    hours_per_week FLOAT,
    status VARCHAR NOT NULL,
    end_reason VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_individual_measure_individual_id ON individual_measure (individual_id);
CREATE INDEX ix_individual_measure_job_track_id ON individual_measure (job_track_id);
CREATE INDEX ix_individual_measure_start_date ON individual_measure (start_date);
CREATE INDEX ix_individual_measure_way_id ON individual_measure (way_id);
CREATE TABLE exit_follow_up (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    way_id VARCHAR NOT NULL,
    individual_id VARCHAR NOT NULL,
    day_offset INTEGER NOT NULL,
    checked_on DATE NOT NULL,
    outcome VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_exit_follow_up_individual_id ON exit_follow_up (individual_id);
CREATE INDEX ix_exit_follow_up_way_id ON exit_follow_up (way_id);
CREATE TABLE job_track (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    name VARCHAR NOT NULL,
    employer VARCHAR NOT NULL,
    industry VARCHAR NOT NULL,
    period_from DATE NOT NULL,
    period_to DATE,
    places INTEGER NOT NULL,
    target_group VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
-- The 90-day list reads open ways by entry date.
CREATE INDEX ix_way_open ON way (exit_on, deleted_at, entry_date);
"""

# Referrals (issue 6): the referral, its events (transitions and notes), and the
# install-local cache of each referral's derived state.
V_REFERRALS = """
CREATE TABLE referral (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    individual_id VARCHAR NOT NULL,
    from_organisation_id VARCHAR NOT NULL,
    from_unit_id VARCHAR NOT NULL,
    from_staff_id VARCHAR NOT NULL,
    to_organisation_id VARCHAR NOT NULL,
    to_unit_id VARCHAR,
    to_staff_id VARCHAR,
    kind VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    purpose VARCHAR NOT NULL,
    reply_by DATE NOT NULL,
    origin_id VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_referral_from_organisation_id ON referral (from_organisation_id);
CREATE INDEX ix_referral_individual_id ON referral (individual_id);
CREATE INDEX ix_referral_to_organisation_id ON referral (to_organisation_id);
CREATE TABLE referral_event (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    referral_id VARCHAR NOT NULL,
    individual_id VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    step INTEGER NOT NULL,
    at DATETIME,
    happened_on DATE NOT NULL,
    actor_id VARCHAR,
    actor_organisation_id VARCHAR,
    note VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    outcome VARCHAR,
    consent_basis VARCHAR NOT NULL,
    consent_exception BOOLEAN NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_referral_event_individual_id ON referral_event (individual_id);
CREATE INDEX ix_referral_event_referral_id ON referral_event (referral_id);
CREATE TABLE referral_state (
    referral_id VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    changed_on DATE,
    events INTEGER NOT NULL,
    PRIMARY KEY (referral_id)
);
"""

# Work processes and their agreements (issue 4). The full-text index is install-local
# derived data: triggers keep it in step with every write, typed or synced, and it is not
# a domain table (it never travels and is never dumped).
V_PROCESSES = """
CREATE TABLE agreement (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    title VARCHAR NOT NULL,
    purpose VARCHAR NOT NULL,
    parties VARCHAR NOT NULL,
    target_groups VARCHAR NOT NULL,
    goals VARCHAR NOT NULL,
    appendices VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE,
    notice_months INTEGER,
    notice_given_on DATE,
    notice_given_by VARCHAR,
    revision VARCHAR NOT NULL,
    next_revision DATE,
    PRIMARY KEY (id)
);
CREATE TABLE work_process (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    title VARCHAR NOT NULL,
    agreement_id VARCHAR,
    appendix INTEGER,
    what_agreed VARCHAR NOT NULL,
    how_done VARCHAR NOT NULL,
    responsible_organisation_id VARCHAR,
    responsible_role VARCHAR NOT NULL,
    parties VARCHAR NOT NULL,
    target_groups VARCHAR NOT NULL,
    min_age INTEGER,
    max_age INTEGER,
    measures VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    last_reviewed DATE,
    next_review DATE,
    ended_on DATE,
    ended_by VARCHAR,
    commitment_until DATE,
    version INTEGER NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_work_process_agreement_id ON work_process (agreement_id);
CREATE TABLE work_process_version (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    process_id VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    author_id VARCHAR,
    PRIMARY KEY (id)
);
CREATE INDEX ix_work_process_version_process_id ON work_process_version (process_id);
-- remove_diacritics folds å, ä, ö, é to a, a, o, e in the text and in queries alike, so
-- "overgang" finds "Övergång" and OCR text that lost its dots is found by "förmedling".
CREATE VIRTUAL TABLE work_process_fts USING fts5(
    process_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER work_process_fts_insert AFTER INSERT ON work_process BEGIN
    INSERT INTO work_process_fts (process_id, title, body) VALUES (
        new.id, new.title,
        new.what_agreed || char(10) || new.how_done || char(10) || new.measures
    );
END;
CREATE TRIGGER work_process_fts_update
AFTER UPDATE OF title, what_agreed, how_done, measures ON work_process BEGIN
    DELETE FROM work_process_fts WHERE process_id = old.id;
    INSERT INTO work_process_fts (process_id, title, body) VALUES (
        new.id, new.title,
        new.what_agreed || char(10) || new.how_done || char(10) || new.measures
    );
END;
CREATE TRIGGER work_process_fts_delete AFTER DELETE ON work_process BEGIN
    DELETE FROM work_process_fts WHERE process_id = old.id;
END;
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

# Gaps of issues 4 and 7: an agreement sets its own 90-day guarantee (ages and days).
V_AGREEMENT_GUARANTEE = """
ALTER TABLE agreement ADD COLUMN guarantee_min_age INTEGER;
ALTER TABLE agreement ADD COLUMN guarantee_max_age INTEGER;
ALTER TABLE agreement ADD COLUMN guarantee_days INTEGER;
"""

# Issue 14: an organisation is one record everywhere, identified by its number.
# - organisation.merged_into: like individual.merged_into, the id a merged duplicate is
#   shown under; sync_org_merge holds the confirmed "same organisation" edges.
# - sync_row.origin: the organisation (its number) of the install that created the record,
#   so that a receiver told to drop what a sender shared keeps its own records.
# - sync_site.org_nr, sync_sent.organisation_id and sync_purged.organisation hold
#   organisations by number, not by record id: ids of one organisation differed between
#   installs before this version, and may still until their duplicates are merged.
# - referral_event.for_receiver: a receiver's step recorded by the sender because the
#   receiver does not use ungtui.
# Duplicates of one number already in a database are merged at its next export or import.
V_ORGANISATION_IDENTITY = """
ALTER TABLE organisation ADD COLUMN merged_into VARCHAR;
CREATE TABLE sync_org_merge (
    id_a VARCHAR NOT NULL,
    id_b VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    local_seq INTEGER NOT NULL,
    PRIMARY KEY (id_a, id_b)
);
CREATE INDEX ix_sync_org_merge_local_seq ON sync_org_merge (local_seq);
ALTER TABLE sync_row ADD COLUMN origin VARCHAR;
ALTER TABLE sync_site ADD COLUMN org_nr VARCHAR;
UPDATE sync_site SET org_nr = (
    SELECT o.org_nr FROM organisation o WHERE o.id = sync_site.organisation_id
);
UPDATE OR REPLACE sync_sent SET organisation_id = coalesce(
    (SELECT o.org_nr FROM organisation o WHERE o.id = sync_sent.organisation_id),
    organisation_id
);
CREATE TABLE sync_purged_new (
    individual_id VARCHAR NOT NULL,
    organisation VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    PRIMARY KEY (individual_id, organisation)
);
-- Purges made before this version dropped everything about the person: '' keeps that.
INSERT INTO sync_purged_new (individual_id, organisation, hlc)
    SELECT individual_id, '', hlc FROM sync_purged;
DROP TABLE sync_purged;
ALTER TABLE sync_purged_new RENAME TO sync_purged;
ALTER TABLE referral_event ADD COLUMN for_receiver BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX ix_organisation_merged_into ON organisation (merged_into);
CREATE INDEX ix_organisation_org_nr ON organisation (org_nr);
"""

# Issue 16: one identity number, one person, among the people registered on this install,
# so that two table imports (or two windows) racing with the same list cannot register
# anyone twice. Not a UNIQUE key on identity_number itself: the same person registered on
# two installs arrives by sync and must be merged by a person (ARCHITECTURE.md, sync.md
# §6.2), so a sync import must always land, duplicates and all. The index therefore covers
# only rows whose number was typed or imported here (identity_here = 1): sync inserts rows
# without the flag, and clears it when it brings a different number for a row (see
# sync.state._upsert), so nothing sync writes can ever collide with it. The possible
# duplicates then go to the queue of Synk → Dubbletter as before. Existing rows get the
# flag when this install wrote their number and no other live row has it.
V_IDENTITY_HERE = """
ALTER TABLE individual ADD COLUMN identity_here BOOLEAN;
UPDATE individual SET identity_here = 1
WHERE identity_number IS NOT NULL AND deleted_at IS NULL
  AND id IN (
    SELECT r.row_id FROM sync_row r JOIN sync_meta m ON m.key = 'site_id'
    WHERE r.tbl = 'individual'
      AND json_extract(r.fields, '$.identity_number.v[0][2]') = m.value
      AND json_array_length(r.fields, '$.identity_number.v') = 1
  )
  AND identity_number IN (
    SELECT identity_number FROM individual
    WHERE identity_number IS NOT NULL AND deleted_at IS NULL
    GROUP BY identity_number HAVING count(*) = 1
  );
CREATE UNIQUE INDEX ux_individual_identity_here ON individual (identity_number)
WHERE identity_here = 1 AND deleted_at IS NULL;
"""

# Issue 18: facts the rules need, recorded rather than derived (the establishment
# programme, compulsory school, the municipality, AF status and school status with their
# dates, reduced work capacity, the day someone joins an agreement's offer), a job
# track's agreement, an agreement's guarantee and work-process rules, and a process's
# local proposal. An agreement's start may be unknown: the table is copied to let
# valid_from be empty.
V_RULES = """
ALTER TABLE individual ADD COLUMN establishment_from DATE;
ALTER TABLE individual ADD COLUMN establishment_until DATE;
ALTER TABLE individual ADD COLUMN compulsory_school_done_on DATE;
ALTER TABLE individual ADD COLUMN municipality VARCHAR NOT NULL DEFAULT '';
ALTER TABLE individual ADD COLUMN af_status VARCHAR NOT NULL DEFAULT '';
CREATE TABLE person_status (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    individual_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    valid_from DATE,
    PRIMARY KEY (id)
);
CREATE INDEX ix_person_status_individual_id ON person_status (individual_id);
ALTER TABLE mapping ADD COLUMN reduced_work_capacity BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE way ADD COLUMN joined_on DATE;
ALTER TABLE job_track ADD COLUMN agreement_id VARCHAR;
ALTER TABLE work_process ADD COLUMN local_proposal VARCHAR NOT NULL DEFAULT '';
ALTER TABLE work_process ADD COLUMN ender_full_control BOOLEAN;
ALTER TABLE work_process ADD COLUMN continuation_requested BOOLEAN;
DROP TRIGGER work_process_fts_insert;
DROP TRIGGER work_process_fts_update;
CREATE TRIGGER work_process_fts_insert AFTER INSERT ON work_process BEGIN
    INSERT INTO work_process_fts (process_id, title, body) VALUES (
        new.id, new.title,
        new.what_agreed || char(10) || new.how_done || char(10) || new.measures
            || char(10) || new.local_proposal
    );
END;
CREATE TRIGGER work_process_fts_update
AFTER UPDATE OF title, what_agreed, how_done, measures, local_proposal ON work_process BEGIN
    DELETE FROM work_process_fts WHERE process_id = old.id;
    INSERT INTO work_process_fts (process_id, title, body) VALUES (
        new.id, new.title,
        new.what_agreed || char(10) || new.how_done || char(10) || new.measures
            || char(10) || new.local_proposal
    );
END;
CREATE TABLE agreement_new (
    id VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    deleted_at DATETIME,
    title VARCHAR NOT NULL,
    purpose VARCHAR NOT NULL,
    parties VARCHAR NOT NULL,
    target_groups VARCHAR NOT NULL,
    goals VARCHAR NOT NULL,
    appendices VARCHAR NOT NULL,
    valid_from DATE,
    valid_until DATE,
    notice_months INTEGER,
    notice_given_on DATE,
    notice_given_by VARCHAR,
    revision VARCHAR NOT NULL,
    next_revision DATE,
    guarantee_min_age INTEGER,
    guarantee_max_age INTEGER,
    guarantee_days INTEGER,
    guarantee_counts VARCHAR NOT NULL DEFAULT '',
    process_commitment_months INTEGER,
    PRIMARY KEY (id)
);
INSERT INTO agreement_new (id, created_at, updated_at, deleted_at, title, purpose, parties,
    target_groups, goals, appendices, valid_from, valid_until, notice_months,
    notice_given_on, notice_given_by, revision, next_revision, guarantee_min_age,
    guarantee_max_age, guarantee_days)
SELECT id, created_at, updated_at, deleted_at, title, purpose, parties, target_groups,
    goals, appendices, valid_from, valid_until, notice_months, notice_given_on,
    notice_given_by, revision, next_revision, guarantee_min_age, guarantee_max_age,
    guarantee_days
FROM agreement;
DROP TABLE agreement;
ALTER TABLE agreement_new RENAME TO agreement;
"""

# Issue 15: sync a buggy or hostile peer cannot break.
# - sync_site.received_file: the file that brought the highest sequence number received
#   from a site. Acknowledgements name it, so an install accepts an acknowledgement only
#   for a file it wrote itself (sync.changes, rule 5).
# - sync_merge_suggestion: merges of people received but not applied (their records do
#   not carry one identity number here): suggestions in the duplicates queue, applied
#   when a person confirms them or when their records come to agree; a person may also
#   say they are not one person (dismissed), and the same suggestion does not come back.
V_SYNC_AUTHORITY = """
ALTER TABLE sync_site ADD COLUMN received_file VARCHAR;
CREATE TABLE sync_merge_suggestion (
    id_a VARCHAR NOT NULL,
    id_b VARCHAR NOT NULL,
    hlc VARCHAR NOT NULL,
    site VARCHAR NOT NULL,
    organisation VARCHAR NOT NULL,
    colleague BOOLEAN NOT NULL,
    dismissed BOOLEAN NOT NULL DEFAULT 0,
    PRIMARY KEY (id_a, id_b)
);
"""

# Issue 17: lawful sharing between secrecy domains.
# - unit.secrecy_domain: the nämnd or authority a unit belongs to ('' until set).
# - consent: who discloses (organisation and domain), the receiving domain, the purposes
#   (codes), and for under-18s the basis (guardian or maturity) with a note. Older consents
#   keep these empty and are read as sync.sharing says.
# - referral.purpose_code and meeting.purpose: what a referral or a meeting is for.
# - mapping.support and mapping.social_situation: economy and social circumstances.
# - sync_sent.categories: what was sent to a receiver about a person (NULL: everything,
#   as exports did before categories); sync_site.domain: the secrecy domain of a peer.
V_LAWFUL_SHARING = """
ALTER TABLE unit ADD COLUMN secrecy_domain VARCHAR NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN discloser_organisation_id VARCHAR;
ALTER TABLE consent ADD COLUMN discloser_domain VARCHAR NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN receiver_domain VARCHAR NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN purposes VARCHAR NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN minor_basis VARCHAR NOT NULL DEFAULT '';
ALTER TABLE consent ADD COLUMN minor_note VARCHAR NOT NULL DEFAULT '';
ALTER TABLE referral ADD COLUMN purpose_code VARCHAR NOT NULL DEFAULT '';
ALTER TABLE meeting ADD COLUMN purpose VARCHAR NOT NULL DEFAULT '';
ALTER TABLE mapping ADD COLUMN support VARCHAR NOT NULL DEFAULT 'okant';
ALTER TABLE mapping ADD COLUMN social_situation VARCHAR NOT NULL DEFAULT '';
ALTER TABLE sync_sent ADD COLUMN categories VARCHAR;
ALTER TABLE sync_site ADD COLUMN domain VARCHAR;
"""

# Issue 20: search-as-you-type over 100,000 people. A rare word in the search made SQLite
# read the whole list index (instr on every search_key, 35-40 ms); a trigram index finds
# the few people whose search_key can hold it. Install-local derived data like
# work_process_fts; it never travels. How it is read and kept: store/person_search.py.
# - The row is the person's rowid in `individual`, so a page joins by rowid. The table has
#   indexes, so VACUUM keeps its rowids; a later step that copies `individual` to a new
#   table must empty this index (person_search.REFILL); the next search fills it.
# - The indexed text is search_key plus a space, so every two letters of a key begin a
#   trigram and a two-letter word can be found through the trigrams it begins
#   (individual_trigram lists them).
# - detail=none keeps only which rows hold a trigram, not where: a third of the size and
#   cheaper to write. It is only ever a sieve: instr still decides every row shown.
# - Writes do not touch the index: SQLite 3.40's FTS5 writes its pending entries out at
#   every statement of a transaction once it is in one, about 70 µs a person where an
#   import inserts one person a statement. The triggers only note a changed or removed
#   row in person_search_queue; a new row is known by its rowid, above the index's
#   highest, so inserts have no trigger (one would cost them a statement journal). A
#   search reads those rows besides the index's and brings the index up to date in a few
#   statements (person_search.catch_up).
V_PERSON_SEARCH = """
CREATE VIRTUAL TABLE individual_search USING fts5(
    search_key, tokenize = 'trigram case_sensitive 1', detail = none, columnsize = 0
);
CREATE VIRTUAL TABLE individual_trigram USING fts5vocab(individual_search, row);
CREATE TABLE person_search_queue (person INTEGER PRIMARY KEY);
CREATE TRIGGER person_search_queue_update AFTER UPDATE OF search_key ON individual BEGIN
    INSERT INTO person_search_queue (person) SELECT new.rowid
    WHERE NOT EXISTS (SELECT 1 FROM person_search_queue WHERE person = new.rowid);
END;
CREATE TRIGGER person_search_queue_delete AFTER DELETE ON individual BEGIN
    INSERT INTO person_search_queue (person) SELECT old.rowid
    WHERE NOT EXISTS (SELECT 1 FROM person_search_queue WHERE person = old.rowid);
END;
-- Through a temporary table: FTS5 indexes rows read from another table of the same file
-- in the same statement 7 times slower.
CREATE TEMP TABLE person_search_fill (person INTEGER PRIMARY KEY, search_key VARCHAR);
INSERT INTO person_search_fill SELECT rowid, search_key || ' ' FROM individual;
INSERT INTO individual_search (rowid, search_key) SELECT person, search_key FROM person_search_fill;
DROP TABLE temp.person_search_fill;
"""

# Issue 20: what the follow-up report needs of each way, kept up to date on write
# (store.way_facts): a report groups those rows instead of working them out from the
# register, its measures and its people's ids every time. Filled here from the rows there
# are.
V_WAY_FACTS = (
    way_facts.TABLES + way_facts.TRIGGERS + "".join(f"{s};\n" for s in way_facts.WHOLE)
)

# Issue 20: the follow-up report's rows of each person under the default rules, kept up to
# date on write (store.person_facts), filled here from the people there are.
V_PERSON_FACTS = person_facts.make()

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, V1),
    (2, V_AUDIT),
    (3, V_WAY),
    (4, V_REFERRALS),
    (5, V_PROCESSES),
    (6, V_MEETINGS),
    (7, V_AGREEMENT_GUARANTEE),
    (8, V_ORGANISATION_IDENTITY),
    (9, V_IDENTITY_HERE),
    (10, V_RULES),
    (11, V_SYNC_AUTHORITY),
    (12, V_LAWFUL_SHARING),
    (13, V_PERSON_SEARCH),
    (14, V_WAY_FACTS),
    (15, V_PERSON_FACTS),
)
LATEST_VERSION = MIGRATIONS[-1][0]


class NewerSchemaError(Exception):
    """The database was made by a newer ungtui; opening it could damage it."""


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def statements(sql: str) -> list[str]:
    """Split a script into whole statements; a trigger body holds `;` of its own."""
    result: list[str] = []
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                result.append(pending.strip())
            pending = ""
    if pending.strip() and not pending.strip().startswith("--"):
        result.append(pending.strip())
    return result


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
            for statement in statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        current = version
    return current
