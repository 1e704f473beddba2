"""The report works out subgroups in SQL; on every day they agree with the rules of
domain.target_groups (29 February, birthdays, permits on the 31st, the programme's days,
the end of compulsory school, a school status that changed on a day, included)."""

from __future__ import annotations

import sqlite3
from datetime import date
from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ungtui.domain.dates import day_number
from ungtui.domain.periods import Period
from ungtui.domain.target_groups import (
    DEFAULT_RULES,
    AgeRange,
    PersonFacts,
    TargetGroupRules,
    group_on_day_sql,
    target_groups,
)
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


def person_db(facts: PersonFacts, disability: bool, school_change, rules) -> sqlite3.Connection:
    """A register of one person, with the report's tables prepared."""
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
    for statement in prepare_statements(rules):
        raw.execute(statement)
    return raw


def sql_subgroups(
    on: date, facts: PersonFacts, disability: bool, school_change, rules=DEFAULT_RULES
) -> set[str]:
    raw = person_db(facts, disability, school_change, rules)
    conn = SimpleNamespace(connection=SimpleNamespace(driver_connection=raw))
    builder = QueryBuilder(conn, Period("dates", on, on), rules, on)
    [(keys, _)] = builder.rows(
        "1 AS one", ":end_n", "FROM report_person i", "one", group=None, row="one"
    )
    return {sub for sub, gender in keys if gender == "alla"}


def rule_subgroups(
    on: date, facts: PersonFacts, disability: bool, school_change, rules=DEFAULT_RULES
) -> set[str]:
    if school_change is not None and on < school_change[0]:
        before = school_change[1]
        facts = PersonFacts(
            **{
                **facts.__dict__,
                "in_upper_secondary": before == "gymnasieskola",
                "has_upper_secondary_diploma": before == "examen",
            }
        )
    codes = {m.code for m in target_groups(facts, on, rules)}
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


# Rules an agreement may set: age ranges that do not nest, a shorter newcomer time.
OTHER_RULES = TargetGroupRules(
    valid_from=date(2020, 1, 1),
    source="test",
    young_narrow=AgeRange(18, 24),
    young_wide=AgeRange(16, 29),
    newcomer_months=24,
    education_contract=AgeRange(19, 25),
)


def sql_groups(on: date, facts: PersonFacts, rules) -> set[str]:
    """Every group of GROUPS in the boundary-day form (group_on_day_sql), as the
    agreement's population and the job tracks use them."""
    raw = person_db(facts, False, None, rules)
    groups = group_on_day_sql(rules, ":d")
    columns = ", ".join(f"({sql}) AS {code}" for code, sql in groups.items())
    row = raw.execute(f"SELECT {columns} FROM report_person", {"d": day_number(on)}).fetchone()
    return {code for code, inside in zip(groups, row, strict=True) if inside}


facts_of_people = st.builds(
    PersonFacts,
    birth_date=st.one_of(st.none(), days),
    in_upper_secondary=st.booleans(),
    has_upper_secondary_diploma=st.booleans(),
    residence_permit_date=st.one_of(st.none(), days),
    establishment_from=st.one_of(st.none(), days),
    establishment_until=st.one_of(st.none(), days),
    compulsory_school_done_on=st.one_of(st.none(), days),
    has_samordningsnummer=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(on=days, facts=facts_of_people, rules=st.sampled_from([DEFAULT_RULES, OTHER_RULES]))
def test_every_group_in_boundary_days_agrees_with_the_rules(on, facts, rules):
    assert sql_groups(on, facts, rules) == {m.code for m in target_groups(facts, on, rules)}


@settings(max_examples=200, deadline=None)
@given(on=days, facts=facts_of_people, disability=st.booleans())
def test_subgroups_under_other_rules_agree_with_the_rules(on, facts, disability):
    rules = OTHER_RULES
    assert sql_subgroups(on, facts, disability, None, rules) == rule_subgroups(
        on, facts, disability, None, rules
    )


def test_boundary_days_by_hand():
    # Written out: the day someone turns 16, 25 and 30, 29 February, the last day of KAA,
    # a samordningsnummer, an unknown birth date with a recorded end of school.
    def groups(on, born, **facts):
        return sql_groups(on, PersonFacts(born, **facts), DEFAULT_RULES)

    young = {"unga_16_24", "unga_16_29"}
    diploma = {"has_upper_secondary_diploma": True}  # (no KAA, no utbildningskontrakt)
    assert groups(date(2026, 3, 14), date(2010, 3, 15), **diploma) == set()  # 16 tomorrow
    assert groups(date(2026, 3, 15), date(2010, 3, 15), **diploma) == young
    # Born 29 February 2000: 25 on 28 February 2025, so no longer 16–24 that day.
    assert groups(date(2025, 2, 27), date(2000, 2, 29), **diploma) == young
    assert groups(date(2025, 2, 28), date(2000, 2, 29), **diploma) == {"unga_16_29"}
    # 30 on 1 June 2026: 16–29 the day before, not on the day.
    assert groups(date(2026, 5, 31), date(1996, 6, 1), **diploma) == {"unga_16_29"}
    assert groups(date(2026, 6, 1), date(1996, 6, 1), **diploma) == set()
    # KAA from 30 June of the year of the 16th birthday up to the day before the 20th.
    kaa = young | {"kaa", "utbildningskontrakt"}
    assert groups(date(2026, 6, 29), date(2010, 1, 10)) == young
    assert groups(date(2026, 6, 30), date(2010, 1, 10)) == young | {"kaa"}
    assert groups(date(2030, 1, 9), date(2010, 1, 10)) == young | {"kaa"}
    assert groups(date(2030, 1, 10), date(2010, 1, 10)) == kaa - {"kaa"}
    assert groups(date(2027, 1, 1), date(2010, 1, 10), has_samordningsnummer=True) == young
    # No birth date: no age group and no KAA, even with compulsory school recorded done.
    assert groups(date(2026, 1, 1), None, compulsory_school_done_on=date(2020, 6, 1)) == set()
    # The newcomer's 36 months from 29 February 2024 end on 28 February 2027.
    permit = {"residence_permit_date": date(2024, 2, 29), "has_upper_secondary_diploma": True}
    assert groups(date(2027, 2, 28), date(1990, 1, 1), **permit) == {"nyanland"}
    assert groups(date(2027, 3, 1), date(1990, 1, 1), **permit) == set()
