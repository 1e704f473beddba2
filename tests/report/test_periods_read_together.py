"""The report reads some figures of the period and the period before it in one pass
(report_sql.sums_on_days): each period's figures must be what that period alone gives,
also when a person's age group and AF status differ between the two ends."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.report.population import build_population
from ungtui.domain.measures import national_measure_id
from ungtui.domain.periods import parse_period
from ungtui.services.followup.report import _agreement, _guarantees, _scope, build_report
from ungtui.services.followup.report_indicators import indicators, indicators_over
from ungtui.services.followup.report_sql import prepared_connection
from ungtui.services.processes.agreements import rules_for
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.measures import ensure_measure_catalogue
from ungtui.store.models import Agreement, Individual, IndividualMeasure, PersonStatus, Way


def _person(uow, gender, born, af_status="") -> str:
    return uow.create(
        Individual(
            first_name="Test",
            last_name="Testsson",
            gender=gender,
            birth_date=born,
            af_status=af_status,
        )
    ).id


def _measure(uow, pid, way, start, end=None) -> None:
    uow.create(
        IndividualMeasure(
            individual_id=pid,
            way_id=way,
            measure_id=national_measure_id("praktik"),
            start_date=start,
            end_date=end,
            status="pagaende",
        )
    )


@pytest.fixture
def at_af(db, user):
    """Anna (woman, born 2001-06-01: 24 at the end of 2025, 25 at the end of 2026), in a
    programme at AF from 2025-01-01 and openly unemployed from 2026-03-01, with a measure
    from 2026-12-01 on. Bo (man, born 1990-01-01: in no age group), registered at AF
    otherwise, with a measure from 2025-06-01 to 2025-12-31. Cecilia (woman, born
    2001-06-01), not at AF. All three on the way since 2025-01-01."""
    ensure_measure_catalogue(db)
    with UnitOfWork(db, user.staff_id) as uow:
        anna = _person(uow, "kvinna", date(2001, 6, 1), "oppet_arbetslos")
        uow.create(
            PersonStatus(
                individual_id=anna, kind="af", value="program", valid_from=date(2025, 1, 1)
            )
        )
        uow.create(
            PersonStatus(
                individual_id=anna,
                kind="af",
                value="oppet_arbetslos",
                valid_from=date(2026, 3, 1),
            )
        )
        bo = _person(uow, "man", date(1990, 1, 1), "inskriven_annan")
        cecilia = _person(uow, "kvinna", date(2001, 6, 1))
        ways = {
            pid: uow.create(Way(individual_id=pid, entry_date=date(2025, 1, 1))).id
            for pid in (anna, bo, cecilia)
        }
        _measure(uow, anna, ways[anna], date(2026, 12, 1))
        _measure(uow, bo, ways[bo], date(2025, 6, 1), date(2025, 12, 31))


def _figures(indicator) -> dict:
    return {k: c.value for k, c in indicator.cells.items() if c.value}


def test_af_figures_of_both_periods_each_on_its_own_day(db, at_af):
    report = build_report(db, parse_period("2026"))
    now, before = report.by_key(), report.previous
    # End of 2026: Anna openly unemployed (25: 16-29 only) with her measure going on,
    # Bo registered, his measure over.
    assert _figures(now["inskrivna_af"]) == {
        ("totalt", "kvinna"): 1,
        ("totalt", "man"): 1,
        ("totalt", "alla"): 2,
        ("unga_16_29", "kvinna"): 1,
        ("unga_16_29", "alla"): 1,
    }
    assert now["oppet_arbetslosa"].total().value == 1
    assert _figures(now["inskrivna_af_sysselsattning"]) == {
        ("totalt", "kvinna"): 1,
        ("totalt", "alla"): 1,
        ("unga_16_29", "kvinna"): 1,
        ("unga_16_29", "alla"): 1,
    }
    # End of 2025: Anna in the programme (24: both age groups), Bo's measure going on its
    # last day; nobody openly unemployed.
    assert _figures(before["inskrivna_af"]) == {
        ("totalt", "kvinna"): 1,
        ("totalt", "man"): 1,
        ("totalt", "alla"): 2,
        ("unga_16_24", "kvinna"): 1,
        ("unga_16_24", "alla"): 1,
        ("unga_16_29", "kvinna"): 1,
        ("unga_16_29", "alla"): 1,
    }
    assert _figures(before["oppet_arbetslosa"]) == {}
    assert _figures(before["inskrivna_af_sysselsattning"]) == {
        ("totalt", "kvinna"): 1,
        ("totalt", "man"): 1,
        ("totalt", "alla"): 2,
        ("unga_16_24", "kvinna"): 1,
        ("unga_16_24", "alla"): 1,
        ("unga_16_29", "kvinna"): 1,
        ("unga_16_29", "alla"): 1,
    }


@pytest.mark.parametrize("with_agreement", [False, True])
def test_periods_read_together_give_what_each_gives_alone(db, user, with_agreement):
    """On population.py's people, and on people of the user's organisation at AF, two
    of them 24 at the end of 2025 and 25 at the end of 2026: with an agreement for
    16-24-year-olds they are in its population at one end and not at the other."""
    build_population(db, user)
    with UnitOfWork(db, user.staff_id) as uow:
        for gender in ("kvinna", "man"):
            pid = uow.create(
                Individual(
                    first_name="Test",
                    last_name="Testsson",
                    gender=gender,
                    birth_date=date(2001, 6, 1),
                    case_organisation_id=user.organisation_id,
                    af_status="oppet_arbetslos",
                )
            ).id
            uow.create(Way(individual_id=pid, entry_date=date(2025, 1, 1)))
        agreement = uow.create(
            Agreement(
                title="Unga i prov",
                parties=user.organisation_id,
                target_groups=json.dumps([{"code": "unga_16_24", "label": "Unga 16–24"}]),
                valid_from=date(2025, 1, 1),
            )
        ).id
    # the agreement's population and age limits, as build_report puts them together
    found = _agreement(db, agreement if with_agreement else None)
    rules = rules_for(found)
    scope = _scope(db, found) if found is not None else None
    guarantees = _guarantees(db, scope)
    periods = [parse_period(p) for p in ("2026", "2025", "2026H1", "2025H2")]
    today = date(2026, 11, 24)
    with prepared_connection(db, rules) as conn:
        together = indicators_over(conn, periods, rules, today, guarantees, scope=scope)
        alone = [indicators(conn, p, rules, today, guarantees, scope=scope) for p in periods]
    assert together == alone
    # and the cells in the same order as well
    assert [[list(i.cells) for i in one] for one in together] == [
        [list(i.cells) for i in one] for one in alone
    ]
    # not a comparison of empty lists: the AF figures are there, and differ
    by_key = [{i.key: i for i in one} for one in together]
    assert {"inskrivna_af", "oppet_arbetslosa"} <= set(by_key[0])
    if with_agreement:
        # the two are in the population at the end of 2025 only
        assert by_key[0]["oppet_arbetslosa"].total().value == 0
        assert by_key[1]["oppet_arbetslosa"].total().value == 2
        assert by_key[1]["personer"].total().value == by_key[0]["personer"].total().value + 2


def test_a_ways_first_measures_are_its_earliest_whatever_order_they_were_written(db, user):
    """The first measure and the first one leading to work or studies are the earliest
    by start, not the first or last written: Dana (born 2004-03-01, the user's
    organisation's case) entered and joined an offer with a 90-day guarantee on
    2026-02-01; her measures, in the order written: praktik 2026-06-01, labour market
    knowledge (which leads to neither) 2026-02-10, praktik 2026-03-01 and 2026-07-01."""
    ensure_measure_catalogue(db)
    with UnitOfWork(db, user.staff_id) as uow:
        uow.create(
            Agreement(
                title="Garanti i prov",
                parties=user.organisation_id,
                valid_from=date(2025, 1, 1),
                guarantee_min_age=16,
                guarantee_max_age=24,
                guarantee_days=90,
                guarantee_counts="arbete_studier",
            )
        )
        dana = uow.create(
            Individual(
                first_name="Dana",
                last_name="Testsson",
                gender="kvinna",
                birth_date=date(2004, 3, 1),
                case_organisation_id=user.organisation_id,
            )
        ).id
        way = uow.create(
            Way(individual_id=dana, entry_date=date(2026, 2, 1), joined_on=date(2026, 2, 1))
        ).id
        for code, start in (
            ("praktik", date(2026, 6, 1)),
            ("arbetsmarknadskunskap", date(2026, 2, 10)),
            ("praktik", date(2026, 3, 1)),
            ("praktik", date(2026, 7, 1)),
        ):
            uow.create(
                IndividualMeasure(
                    individual_id=dana,
                    way_id=way,
                    measure_id=national_measure_id(code),
                    start_date=start,
                    status="pagaende",
                )
            )
    report = build_report(db, parse_period("2026"))
    # 9 days to the first measure (2026-02-10)
    median = report.by_key()["median_forsta_insats"].cells[("totalt", "alla")]
    assert (median.value, median.people) == (9, 1)
    # the first leading to work or studies (2026-03-01) within the deadline (2026-05-02)
    kept = report.by_key()["garanti"].cells[("totalt", "alla")]
    assert (kept.part, kept.people) == (1, 1)
