"""The report works out subgroups in SQL; on every day they agree with the rules of
domain.target_groups (29 February, birthdays, permits on the 31st, the programme's days,
the end of compulsory school, a school status that changed on a day, included)."""

from __future__ import annotations

import sqlite3
from datetime import date
from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ungtui.domain.periods import Period
from ungtui.domain.target_groups import DEFAULT_RULES, PersonFacts, target_groups
from ungtui.services.followup.report_sql import QueryBuilder, prepare_statements

days = st.dates(min_value=date(1960, 1, 1), max_value=date(2035, 12, 31))

SCHEMA = """
CREATE TABLE individual (id TEXT, gender TEXT, birth_date DATE, residence_permit_date DATE,
  in_upper_secondary BOOLEAN, has_upper_secondary_diploma BOOLEAN, deleted_at DATETIME,
  compulsory_school_done_on DATE, identity_kind TEXT, establishment_from DATE,
  establishment_until DATE, case_organisation_id TEXT, municipality TEXT, af_status TEXT);
CREATE TABLE person_status (individual_id TEXT, kind TEXT, value TEXT, valid_from DATE,
  created_at DATETIME, deleted_at DATETIME);
CREATE TABLE mapping (individual_id TEXT, reduced_work_capacity BOOLEAN, mapped_on DATE,
  deleted_at DATETIME);
CREATE TABLE measure (id TEXT, leads_to_work_or_studies BOOLEAN);
CREATE TABLE individual_measure (way_id TEXT, measure_id TEXT, start_date DATE,
  status TEXT, deleted_at DATETIME);
CREATE TABLE way (id TEXT, individual_id TEXT, entry_date DATE, exit_on DATE,
  joined_on DATE, exit_outcome TEXT, deleted_at DATETIME);
"""


def sql_subgroups(on: date, facts: PersonFacts, disability: bool, school_change) -> set[str]:
    raw = sqlite3.connect(":memory:")
    raw.executescript(SCHEMA)

    def iso(day):
        return day and day.isoformat()

    raw.execute(
        "INSERT INTO individual VALUES ('p', 'kvinna', ?, ?, ?, ?, NULL, ?, ?, ?, ?, '', '', '')",
        (
            iso(facts.birth_date),
            iso(facts.residence_permit_date),
            facts.in_upper_secondary,
            facts.has_upper_secondary_diploma,
            iso(facts.compulsory_school_done_on),
            "samordningsnummer" if facts.has_samordningsnummer else "personnummer",
            iso(facts.establishment_from),
            iso(facts.establishment_until),
        ),
    )
    if school_change is not None:
        changed_on, before = school_change
        raw.execute(
            "INSERT INTO person_status VALUES ('p', 'skola', ?, NULL, '2020-01-01', NULL)",
            (before,),
        )
        now = "ingen" if not (facts.in_upper_secondary or facts.has_upper_secondary_diploma) else (
            "examen" if facts.has_upper_secondary_diploma else "gymnasieskola"
        )
        raw.execute(
            "INSERT INTO person_status VALUES ('p', 'skola', ?, ?, '2020-01-02', NULL)",
            (now, changed_on.isoformat()),
        )
    raw.execute("INSERT INTO mapping VALUES ('p', 0, '2020-01-01', NULL)")
    raw.execute("INSERT INTO mapping VALUES ('p', ?, '2021-01-01', NULL)", (disability,))
    for statement in prepare_statements(DEFAULT_RULES):
        raw.execute(statement)
    conn = SimpleNamespace(connection=SimpleNamespace(driver_connection=raw))
    builder = QueryBuilder(conn, Period("dates", on, on), DEFAULT_RULES, on)
    [(keys, _)] = builder.rows("1 AS one", ":end_n", "FROM report_person i", "one", group=None)
    return {sub for sub, gender in keys if gender == "alla"}


def rule_subgroups(on: date, facts: PersonFacts, disability: bool, school_change) -> set[str]:
    if school_change is not None and on < school_change[0]:
        before = school_change[1]
        facts = PersonFacts(
            **{
                **facts.__dict__,
                "in_upper_secondary": before == "gymnasieskola",
                "has_upper_secondary_diploma": before == "examen",
            }
        )
    codes = {m.code for m in target_groups(facts, on)}
    out = {"totalt"} | (codes & {"unga_16_24", "unga_16_29", "kaa", "etablering"})
    if "nyanland" in codes and "etablering" not in codes:
        out.add("ovriga_nyanlanda")
    if disability:
        out.add("funktionsnedsattning")
    return out


@settings(max_examples=300, deadline=None)
@given(
    on=days,
    birth=st.one_of(st.none(), days),
    permit=st.one_of(st.none(), days),
    in_school=st.booleans(),
    diploma=st.booleans(),
    disability=st.booleans(),
    school_done=st.one_of(st.none(), days),
    samordning=st.booleans(),
    est=st.one_of(st.none(), st.tuples(days, st.one_of(st.none(), days))),
    school_change=st.one_of(
        st.none(), st.tuples(days, st.sampled_from(["ingen", "gymnasieskola", "examen"]))
    ),
)
# Born on 29 February: 25 on 28 February 2025 (not 16–24 any more), 24 the day before.
@example(date(2025, 2, 28), date(2000, 2, 29), None, False, False, False,
         None, False, None, None)  # fmt: skip
@example(date(2025, 2, 27), date(2000, 2, 29), None, False, False, False,
         None, False, None, None)  # fmt: skip
@example(date(2028, 2, 28), date(2003, 2, 28), None, False, False, False,
         None, False, None, None)  # fmt: skip
# The 36 months end with 28 February when the permit was of 29 February.
@example(date(2027, 2, 28), date(2000, 1, 1), date(2024, 2, 29), False, False, False,
         None, False, None, None)  # fmt: skip
@example(date(2027, 3, 1), date(2000, 1, 1), date(2024, 2, 29), False, False, False,
         None, False, None, None)  # fmt: skip
@example(date(2026, 8, 31), date(2000, 1, 1), date(2023, 8, 31), False, False, True,
         None, False, None, None)  # fmt: skip
# KAA from 30 June of the 16th year, not before; a samordningsnummer keeps it out.
@example(date(2026, 6, 29), date(2010, 12, 1), None, False, False, False,
         None, False, None, None)  # fmt: skip
@example(date(2026, 6, 30), date(2010, 12, 1), None, False, False, False,
         None, True, None, None)  # fmt: skip
# Left upper secondary on 2026-03-15: KAA from that day, not the day before.
@example(date(2026, 3, 14), date(2008, 1, 1), None, False, False, False,
         None, False, None, (date(2026, 3, 15), "gymnasieskola"))  # fmt: skip
@example(date(2026, 3, 15), date(2008, 1, 1), None, False, False, False,
         None, False, None, (date(2026, 3, 15), "gymnasieskola"))  # fmt: skip
# The programme's first and last day.
@example(date(2026, 10, 31), date(1990, 1, 1), date(2025, 6, 1), False, True, False,
         None, False, (date(2025, 8, 1), date(2026, 10, 31)), None)  # fmt: skip
def test_sql_subgroups_agree_with_the_rules(
    on, birth, permit, in_school, diploma, disability, school_done, samordning, est,
    school_change,
):  # fmt: skip
    facts = PersonFacts(
        birth,
        in_school,
        diploma,
        permit,
        establishment_from=est[0] if est else None,
        establishment_until=est[1] if est else None,
        compulsory_school_done_on=school_done,
        has_samordningsnummer=samordning,
    )
    assert sql_subgroups(on, facts, disability, school_change) == rule_subgroups(
        on, facts, disability, school_change
    )
