"""No small number can be worked out from an export: across every published table of a
report, every difference between a group and a group within it, a total and its parts,
a count and a count within it, and every share times its whole (tests/report/
disclosure.py, written apart from the code that hides)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.report.disclosure import leaks
from tests.report.population import build_population
from tests.report.test_agreement_population import GGV, NEWCOMERS
from tests.report.test_agreement_population import ggv as ggv_fixture  # noqa: F401
from tests.report.test_agreement_population import (  # noqa: F401
    newcomers as newcomers_fixture,
)
from ungtui.demo.fill import fill_demo
from ungtui.domain.periods import parse_period
from ungtui.domain.suppression import protect, share_is_hidden
from ungtui.services import clock
from ungtui.services.followup.report import build_report
from ungtui.services.followup.report_export import as_json


def test_a_group_within_a_group_can_give_a_small_rest_away():
    # 6 in all, 5 of them 16–29: 6 − 5 = 1 is a person over 29 or under 16.
    values = {"totalt": 6, "unga": 5}
    hidden, _small, _protected = protect(values, set(values), subsets=[("totalt", ("unga",))])
    assert hidden == {"unga"}  # the smaller group, not the total
    # 6 and 1: the 1 is small, and so is the rest 5? No: 5 is not small; hide only the 1.
    values = {"totalt": 6, "unga": 1}
    hidden, _small, _protected = protect(values, set(values), subsets=[("totalt", ("unga",))])
    assert hidden == {"unga"}


def test_groups_kept_apart_within_the_total():
    # 20 in all: 9 in the programme, 8 other newcomers, so 3 are not newcomers.
    values = {"t": 20, "etab": 9, "ovr": 8}
    hidden, _small, _protected = protect(values, set(values), subsets=[("t", ("etab", "ovr"))])
    assert hidden == {"ovr"}


def test_a_share_of_everyone_in_a_small_group_is_hidden():
    assert share_is_hidden(7, 7)  # all seven lack activity: each one does
    assert share_is_hidden(0, 9)  # none of nine does: each one does not
    assert not share_is_hidden(10, 10)
    assert not share_is_hidden(0, 12)
    assert share_is_hidden(5, 9)  # the other four are few
    assert not share_is_hidden(5, 10)


def test_a_shown_share_makes_its_whole_known():
    # 6 idle KAA young people (shown), their share 6 of 12 (shown, so 12 is known too);
    # 14 active in the KAA subgroup: 14 − 12 = 2 would give a small number away, so the
    # share goes (it is the only thing that shows the 12).
    values = {"idle": 6, "kaa": 12, "active": 14}
    hidden, small, protected = protect(
        values,
        {"idle", "active"},
        subsets=[("active", ("kaa",)), ("kaa", ("idle",))],
        shares={"share": ("idle", "kaa")},
    )
    assert (hidden, small, protected) == (set(), set(), {"share"})


@pytest.fixture
def pop(db, user):
    return build_population(db, user)


@pytest.mark.parametrize("period", ["2026H1", "2026", "VT2026", "2026Q1", "2025"])
def test_the_test_population_gives_nothing_away(db, pop, period):
    assert leaks(as_json(build_report(db, parse_period(period)))) == []
    assert leaks(as_json(build_report(db, parse_period(period), pop.agreement_id))) == []


def test_an_agreement_split_by_municipality_gives_nothing_away(db, ggv_fixture):  # noqa: F811
    for period in ("2026", "2025", "HT2026"):
        assert leaks(as_json(build_report(db, parse_period(period), GGV))) == []


def test_newcomers_with_a_year_of_their_own_give_nothing_away(db, newcomers_fixture):  # noqa: F811
    assert leaks(as_json(build_report(db, parse_period("2026"), NEWCOMERS))) == []


@pytest.mark.parametrize("period", ["2026", "HT2026", "2026Q2"])
def test_the_demo_register_gives_nothing_away(tmp_path, monkeypatch, period):
    from ungtui.services.processes.agreements import list_agreements
    from ungtui.store.database import open_database

    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 24))
    db = open_database(tmp_path / "demo.db")
    fill_demo(db, individuals=300, seed=3, today=date(2026, 11, 24))
    try:
        assert leaks(as_json(build_report(db, parse_period(period)))) == []
        for agreement in list_agreements(db):
            report = build_report(db, parse_period(period), agreement.id)
            assert leaks(as_json(report)) == [], agreement.title
    finally:
        db.close()
