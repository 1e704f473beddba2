"""The report works out subgroups in SQL; on every day they agree with the rules of
domain.target_groups (29 February, birthdays, permits on the 31st included)."""

from __future__ import annotations

import sqlite3
from datetime import date
from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ungtui.domain.periods import Period
from ungtui.domain.target_groups import DEFAULT_RULES, PersonFacts, target_groups
from ungtui.services.report_sql import PREPARE, QueryBuilder, permit_until_sql

days = st.dates(min_value=date(1960, 1, 1), max_value=date(2035, 12, 31))


def sql_subgroups(on: date, facts: PersonFacts, disability: bool) -> set[str]:
    raw = sqlite3.connect(":memory:")
    raw.executescript(
        """CREATE TABLE individual (id TEXT, gender TEXT, birth_date DATE,
             residence_permit_date DATE, in_upper_secondary BOOLEAN,
             has_upper_secondary_diploma BOOLEAN, deleted_at DATETIME);
           CREATE TABLE mapping (individual_id TEXT, disability TEXT, mapped_on DATE,
             deleted_at DATETIME);"""
    )
    raw.execute(
        "INSERT INTO individual VALUES ('p', 'kvinna', ?, ?, ?, ?, NULL)",
        (
            facts.birth_date and facts.birth_date.isoformat(),
            facts.residence_permit_date and facts.residence_permit_date.isoformat(),
            facts.in_upper_secondary,
            facts.has_upper_secondary_diploma,
        ),
    )
    raw.execute("INSERT INTO mapping VALUES ('p', '', '2020-01-01', NULL)")
    raw.execute("INSERT INTO mapping VALUES ('p', ?, '2021-01-01', NULL)", ("Syn" * disability,))
    raw.execute(
        PREPARE[3].replace("{permit_until}", permit_until_sql(DEFAULT_RULES.newcomer_months))
    )
    conn = SimpleNamespace(connection=SimpleNamespace(driver_connection=raw))
    builder = QueryBuilder(conn, Period("dates", on, on), DEFAULT_RULES, on)
    [(keys, _)] = builder.rows("1 AS one", ":end", "FROM report_person i", "one", group=None)
    return {sub for sub, gender in keys if gender == "alla"}


def rule_subgroups(on: date, facts: PersonFacts, disability: bool) -> set[str]:
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
)
# Born on 29 February: 25 on 28 February 2025 (not 16–24 any more), 24 the day before.
@example(date(2025, 2, 28), date(2000, 2, 29), None, False, False, False)
@example(date(2025, 2, 27), date(2000, 2, 29), None, False, False, False)
@example(date(2028, 2, 28), date(2003, 2, 28), None, False, False, False)
@example(date(2027, 2, 27), date(2000, 1, 1), date(2024, 2, 29), False, False, False)
@example(date(2027, 2, 28), date(2000, 1, 1), date(2024, 2, 29), False, False, False)
@example(date(2026, 8, 30), date(2000, 1, 1), date(2023, 8, 31), False, False, True)
@example(date(2026, 8, 31), date(2000, 1, 1), date(2023, 8, 31), False, False, True)
def test_sql_subgroups_agree_with_the_rules(on, birth, permit, in_school, diploma, disability):
    facts = PersonFacts(birth, in_school, diploma, permit)
    assert sql_subgroups(on, facts, disability) == rule_subgroups(on, facts, disability)
