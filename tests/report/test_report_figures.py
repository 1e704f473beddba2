"""Every figure of the follow-up report for the population in population.py, worked out
by hand there and here (today 2026-11-24)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.report.population import build_population
from ungtui.domain.periods import parse_period
from ungtui.services.followup.report import build_report


@pytest.fixture
def pop(db, user):
    return build_population(db, user)


def cells(report, key, *, previous=False):
    """{(subgroup, gender): value} of the non-empty cells, shares as (part, whole)."""
    indicator = (report.previous if previous else report.by_key())[key]
    out = {}
    for k, cell in indicator.cells.items():
        if indicator.kind == "andel":
            if cell.people:
                out[k] = (cell.part, cell.people)
        elif indicator.kind == "median":
            if cell.people:
                out[k] = (cell.value, cell.people)
        elif cell.value:
            out[k] = cell.value
    return out


def test_inflow_by_gender_and_subgroup(db, pop):
    report = build_report(db, parse_period("2026H1"))
    assert cells(report, "inflode") == {
        ("totalt", "kvinna"): 6, ("totalt", "man"): 6, ("totalt", "annat"): 2,
        ("totalt", "alla"): 14,
        ("unga_16_24", "kvinna"): 6, ("unga_16_24", "man"): 1, ("unga_16_24", "annat"): 2,
        ("unga_16_24", "alla"): 9,
        ("unga_16_29", "kvinna"): 6, ("unga_16_29", "man"): 6, ("unga_16_29", "annat"): 2,
        ("unga_16_29", "alla"): 14,
        ("kaa", "annat"): 2, ("kaa", "alla"): 2,
        ("etablering", "man"): 5, ("etablering", "alla"): 5,
        ("ovriga_nyanlanda", "man"): 1, ("ovriga_nyanlanda", "alla"): 1,
        ("funktionsnedsattning", "annat"): 1, ("funktionsnedsattning", "alla"): 1,
    }  # fmt: skip
    assert report.previous_period.label == "2025H2"
    assert cells(report, "inflode", previous=True) == {
        ("totalt", "kvinna"): 5, ("totalt", "alla"): 5,
        ("unga_16_24", "kvinna"): 5, ("unga_16_24", "alla"): 5,
        ("unga_16_29", "kvinna"): 5, ("unga_16_29", "alla"): 5,
    }  # fmt: skip


def test_active_at_the_end_of_the_period(db, pop):
    report = build_report(db, parse_period("2026H1"))
    assert cells(report, "aktiva") == {
        ("totalt", "kvinna"): 6, ("totalt", "annat"): 2, ("totalt", "alla"): 8,
        ("unga_16_24", "kvinna"): 6, ("unga_16_24", "annat"): 2, ("unga_16_24", "alla"): 8,
        ("unga_16_29", "kvinna"): 6, ("unga_16_29", "annat"): 2, ("unga_16_29", "alla"): 8,
        ("kaa", "annat"): 2, ("kaa", "alla"): 2,
        ("funktionsnedsattning", "annat"): 1, ("funktionsnedsattning", "alla"): 1,
    }  # fmt: skip
    assert cells(report, "aktiva", previous=True) == {}


def test_exits_by_outcome_and_share_to_work_or_studies(db, pop):
    report = build_report(db, parse_period("2026H1"))
    assert cells(report, "avslut") == {
        ("totalt", "man"): 6, ("totalt", "alla"): 6,
        ("unga_16_24", "man"): 1, ("unga_16_24", "alla"): 1,
        ("unga_16_29", "man"): 6, ("unga_16_29", "alla"): 6,
        ("etablering", "man"): 5, ("etablering", "alla"): 5,
        ("ovriga_nyanlanda", "man"): 1, ("ovriga_nyanlanda", "alla"): 1,
    }  # fmt: skip
    assert cells(report, "avslut_arbete") == {
        ("totalt", "man"): 5, ("totalt", "alla"): 5,
        ("unga_16_29", "man"): 5, ("unga_16_29", "alla"): 5,
        ("etablering", "man"): 5, ("etablering", "alla"): 5,
    }  # fmt: skip
    assert cells(report, "avslut_studier") == {
        ("totalt", "man"): 1, ("totalt", "alla"): 1,
        ("unga_16_24", "man"): 1, ("unga_16_24", "alla"): 1,
        ("unga_16_29", "man"): 1, ("unga_16_29", "alla"): 1,
        ("ovriga_nyanlanda", "man"): 1, ("ovriga_nyanlanda", "alla"): 1,
    }  # fmt: skip
    assert cells(report, "avslut_program") == {}
    share = cells(report, "andel_arbete_studier")
    assert share[("totalt", "alla")] == (6, 6)
    assert share[("etablering", "man")] == (5, 5)
    assert share[("unga_16_24", "alla")] == (1, 1)
    assert ("totalt", "kvinna") not in share
    # 2025H2: five women left for a programme, none for work or studies.
    assert cells(report, "avslut_program", previous=True)[("totalt", "kvinna")] == 5
    assert cells(report, "andel_arbete_studier", previous=True)[("totalt", "alla")] == (0, 5)


def test_median_days_to_the_first_measure(db, pop):
    report = build_report(db, parse_period("2026H1"))
    median = cells(report, "median_forsta_insats")
    # 30 × 6, 41 × 5, 60: the middle two of twelve are 30 and 41.
    assert median[("totalt", "alla")] == (35.5, 12)
    assert median[("totalt", "kvinna")] == (30, 6)
    assert median[("totalt", "man")] == (41, 6)
    assert median[("unga_16_24", "alla")] == (30, 7)
    assert median[("etablering", "alla")] == (41, 5)
    assert median[("ovriga_nyanlanda", "alla")] == (60, 1)
    assert ("kaa", "alla") not in median  # G3 has no measure


def test_the_agreements_guarantee_runs_from_the_day_the_person_joined(db, pop):
    report = build_report(db, parse_period("2026H1"))
    kept = cells(report, "garanti")
    # Deadlines in the half, 90 days after joining: G1 2026-05-10 (6, kept), G3's first
    # 2026-06-30 (not kept; the second never joined), G4 2026-04-15 (kept); G2 joined at
    # 26, outside 16–24.
    assert report.by_key()["garanti"].label == "Andel med insats inom 90 dagar (garantin)"
    assert kept[("totalt", "alla")] == (7, 8)
    assert kept[("totalt", "kvinna")] == (6, 6)
    assert kept[("totalt", "man")] == (1, 1)
    assert kept[("totalt", "annat")] == (0, 1)
    assert kept[("kaa", "alla")] == (0, 1)
    assert ("etablering", "alla") not in kept
    # G5's deadline 2025-11-30 passed without a measure; they left on 2025-12-01.
    assert cells(report, "garanti", previous=True)[("totalt", "alla")] == (0, 5)


def test_no_guarantee_is_shown_when_no_agreement_holds_one(db, pop):
    from ungtui.services.way.guarantee_rules import set_agreement_guarantee

    set_agreement_guarantee(
        db, pop.agreement_id, min_age=None, max_age=None, days=None, actor_id=None
    )
    report = build_report(db, parse_period("2026H1"))
    assert "garanti" not in report.by_key()
    assert report.notes == [
        "Ingen överenskommelse här har en garanti om insats inom viss tid; en sådan andel "
        "visas inte."
    ]


def test_the_unemployed_who_start_work_or_studies(db, pop):
    """Seed 004, 7.1: the denominator is everyone unemployed in the group during the
    period, not those who left; work and studies apart."""
    report = build_report(db, parse_period("2026H1"))
    # On the way some day of the half: G1 (6 women), G2 (5 men), G3 (2), G4 (1 man);
    # G5 left in 2025. G2 left for work, G4 for studies.
    assert cells(report, "arbetslosa")[("totalt", "alla")] == 14
    assert cells(report, "borjar_arbete_studier")[("totalt", "alla")] == 6
    share = cells(report, "andel_borjar_arbete_studier")
    assert share[("totalt", "alla")] == (6, 14)
    assert share[("totalt", "man")] == (6, 6)
    assert share[("totalt", "kvinna")] == (0, 6)
    assert share[("totalt", "annat")] == (0, 2)
    # Subgroups on the day each left, or on the half's last day: G4 was 17 on 2026-06-10
    # and one of the other newcomers; G1, G3 and G4 are 16–24.
    assert share[("etablering", "alla")] == (5, 5)
    assert share[("ovriga_nyanlanda", "alla")] == (1, 1)
    assert share[("unga_16_24", "alla")] == (1, 9)
    assert cells(report, "andel_borjar_arbete")[("totalt", "alla")] == (5, 14)
    assert cells(report, "andel_borjar_studier")[("totalt", "alla")] == (1, 14)
    # Against the exits alone (seed 001's measure) all six went to work or studies.
    assert cells(report, "andel_arbete_studier")[("totalt", "alla")] == (6, 6)


def test_the_unemployed_who_came_back_count_once(db, user):
    """Seed 004, 7.1 counts people: someone who left and came back within the period is
    one unemployed person, with one start; their subgroups are those of the first day
    they left in it."""
    from tests.report.population import _person, _way
    from ungtui.services.unit_of_work import UnitOfWork

    with UnitOfWork(db, user.staff_id) as uow:
        # A: left for work 2026-02-20 (aged 24), back 2026-04-01, still on the way.
        a = _person(uow, "kvinna", date(2001, 3, 1))
        _way(uow, a, date(2026, 1, 10), date(2026, 2, 20), "arbete")
        _way(uow, a, date(2026, 4, 1))
        # B: left for a programme in 2025, back 2026-03-01, left for studies 2026-05-05.
        b = _person(uow, "man", date(2003, 5, 5))
        _way(uow, b, date(2025, 2, 1), date(2025, 10, 1), "program")
        _way(uow, b, date(2026, 3, 1), date(2026, 5, 5), "studier")
        # C: one way, on it all half.
        c = _person(uow, "man", date(2000, 1, 1))
        _way(uow, c, date(2025, 12, 1))
    report = build_report(db, parse_period("2026H1"))
    assert cells(report, "arbetslosa")[("totalt", "alla")] == 3
    assert cells(report, "borjar_arbete_studier")[("totalt", "alla")] == 2
    assert cells(report, "borjar_arbete")[("totalt", "alla")] == 1
    assert cells(report, "borjar_studier")[("totalt", "alla")] == 1
    share = cells(report, "andel_borjar_arbete_studier")
    assert share[("totalt", "kvinna")] == (1, 1)
    assert share[("totalt", "man")] == (1, 2)
    # A was 24 on the day she left (25 at the half's end); B 22, C 26 on 2026-06-30.
    assert share[("unga_16_24", "alla")] == (2, 2)
    assert share[("unga_16_29", "alla")] == (2, 3)
    # The exits count ways: A's and B's in the half.
    assert cells(report, "avslut")[("totalt", "alla")] == 2
    assert cells(report, "aktiva")[("totalt", "alla")] == 2


def test_kaa_youth_without_activity(db, pop):
    report = build_report(db, parse_period("2026H1"))
    assert cells(report, "kaa_utan_aktivitet") == {
        ("totalt", "annat"): 2, ("totalt", "alla"): 2,
        ("unga_16_24", "annat"): 2, ("unga_16_24", "alla"): 2,
        ("unga_16_29", "annat"): 2, ("unga_16_29", "alla"): 2,
        ("kaa", "annat"): 2, ("kaa", "alla"): 2,
        ("funktionsnedsattning", "annat"): 1, ("funktionsnedsattning", "alla"): 1,
    }  # fmt: skip
    assert cells(report, "kaa_utan_aktivitet_andel")[("totalt", "alla")] == (2, 2)


def test_referrals_by_kind_reply_time_and_answered_in_time(db, pop):
    report = build_report(db, parse_period("2026H1"))
    assert cells(report, "remisser") == {
        ("totalt", "kvinna"): 6, ("totalt", "man"): 1, ("totalt", "alla"): 7,
        ("unga_16_24", "kvinna"): 6, ("unga_16_24", "alla"): 6,
        ("unga_16_29", "kvinna"): 6, ("unga_16_29", "man"): 1, ("unga_16_29", "alla"): 7,
        ("etablering", "man"): 1, ("etablering", "alla"): 1,
    }  # fmt: skip
    assert cells(report, "remisser_adult_education")[("totalt", "alla")] == 6
    assert cells(report, "remisser_labour_market")[("totalt", "alla")] == 1
    assert cells(report, "remisser_svarsdagar")[("totalt", "alla")] == (7, 6)
    assert cells(report, "remisser_svarsdagar_adult_education")[("totalt", "alla")] == (7, 6)
    assert ("totalt", "alla") not in cells(report, "remisser_svarsdagar_labour_market")
    assert cells(report, "remisser_besvarade")[("totalt", "alla")] == (5, 7)
    assert cells(report, "remisser_besvarade_adult_education")[("totalt", "kvinna")] == (5, 6)
    assert cells(report, "remisser_besvarade_labour_market")[("totalt", "man")] == (0, 1)
    assert cells(report, "remisser", previous=True) == {}


def test_job_tracks(db, pop):
    report = build_report(db, parse_period("2026H1"))
    figures = report.by_key()
    assert figures["jobbspar"].total().value == 1
    assert figures["jobbspar_platser"].total().value == 10
    assert figures["jobbspar_tillsatta"].total().value == 5
    assert cells(report, "jobbspar_deltagare") == {
        ("totalt", "man"): 5, ("totalt", "alla"): 5,
        ("unga_16_29", "man"): 5, ("unga_16_29", "alla"): 5,
        ("etablering", "man"): 5, ("etablering", "alla"): 5,
    }  # fmt: skip
    assert cells(report, "jobbspar_malgrupp_andel")[("totalt", "alla")] == (5, 5)
    # 2025H2: the 2025 track with its eight places, nobody on it.
    assert report.previous["jobbspar_platser"].total().value == 8
    assert report.previous["jobbspar_tillsatta"].total().value == 0


def test_meetings_held_and_people_discussed(db, pop):
    report = build_report(db, parse_period("2026H1"))
    assert report.by_key()["moten"].total().value == 1
    assert cells(report, "moten_personer") == {
        ("totalt", "kvinna"): 2, ("totalt", "annat"): 1, ("totalt", "alla"): 3,
        ("unga_16_24", "kvinna"): 2, ("unga_16_24", "annat"): 1, ("unga_16_24", "alla"): 3,
        ("unga_16_29", "kvinna"): 2, ("unga_16_29", "annat"): 1, ("unga_16_29", "alla"): 3,
        ("kaa", "annat"): 1, ("kaa", "alla"): 1,
        ("funktionsnedsattning", "annat"): 1, ("funktionsnedsattning", "alla"): 1,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("period", "inflow", "active", "previous_label", "previous_inflow"),
    [
        ("2026", {"kvinna": 6, "man": 6, "annat": 2}, {"kvinna": 6, "annat": 2}, "2025", 5),
        ("2026Q1", {"kvinna": 6, "man": 6}, {"kvinna": 6, "man": 6}, "2025Q4", 0),
        ("VT2026", {"kvinna": 6, "man": 6, "annat": 2}, {"kvinna": 6, "annat": 2}, "HT2025", 5),
        ("2026H1", {"kvinna": 6, "man": 6, "annat": 2}, {"kvinna": 6, "annat": 2}, "2025H2", 5),
        (
            "2026-01-15..2026-02-02",
            {"kvinna": 6, "man": 1},
            {"kvinna": 6, "man": 1},
            "2025-12-27..2026-01-14",
            0,
        ),
    ],
)
def test_every_kind_of_period(db, pop, period, inflow, active, previous_label, previous_inflow):
    report = build_report(db, parse_period(period))
    by_gender = {
        g: v for (sub, g), v in cells(report, "inflode").items() if sub == "totalt" and g != "alla"
    }
    assert by_gender == inflow
    by_gender = {
        g: v for (sub, g), v in cells(report, "aktiva").items() if sub == "totalt" and g != "alla"
    }
    assert by_gender == active
    assert report.previous_period.label == previous_label
    assert report.previous["inflode"].total().value == previous_inflow


def test_agreement_goals_met_and_not_met(db, pop):
    report = build_report(db, parse_period("2026"), pop.agreement_id)
    assert report.agreement_title == "Överenskommelse för prov"
    goals = {g.indicator: g for g in report.goals}
    tracks = goals["Antal jobbspår"]
    assert (tracks.figure.value, tracks.met) == (1, False)
    places = goals["Antal platser i jobbspåren"]
    assert (places.figure.value, places.met) == (10, True)
    share = goals["Andel deltagare ur målgruppen"]
    assert (share.figure.value, share.met) == (1.0, True)
    better = goals["Andel som avslutar med arbete eller studier"]
    # 2026: 6 of 6 exits to work or studies; 2025, the year written: 0 of 5.
    assert (better.figure.part, better.figure.people) == (6, 6)
    assert (better.population, better.population_label) == (6, "personer i underlaget")
    assert better.baseline_label == "2025"
    assert (better.baseline.part, better.baseline.people) == (0, 5)
    assert better.met is True
    employers = goals["Antal arbetsgivare som fått stöd"]
    assert (employers.met, employers.note) == (None, "Mäts inte i registret")
