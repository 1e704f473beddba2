"""The pure rules: the three-month commitment, process and agreement states, the diff,
and which processes apply to a person."""

from datetime import date

import pytest

from ungtui.domain.agreements import agreement_state, state_text
from ungtui.domain.processes import (
    AgreementGroup,
    EndingError,
    ProcessTarget,
    applicable_processes,
    commitment_until,
    last_day,
    process_state,
    rules_from_agreement,
)
from ungtui.domain.target_groups import AgeRange, PersonFacts
from ungtui.domain.text_diff import DiffLine, diff_lines


@pytest.mark.parametrize(
    ("ended", "until"),
    [
        (date(2026, 1, 15), date(2026, 4, 15)),
        (date(2026, 11, 30), date(2027, 2, 28)),  # no 30 February: the month's last day
        (date(2027, 11, 30), date(2028, 2, 29)),  # leap year
        (date(2026, 5, 31), date(2026, 8, 31)),
        (date(2026, 3, 31), date(2026, 6, 30)),  # no 31 June
        (date(2026, 12, 31), date(2027, 3, 31)),  # across the year
    ],
)
def test_commitment_is_kept_three_calendar_months(ended, until):
    assert commitment_until(ended) == until


def test_process_state_through_its_ending():
    ended = date(2026, 11, 30)
    kept = date(2027, 2, 28)
    assert process_state(None, None, date(2030, 1, 1)) == "aktiv"
    assert process_state(ended, kept, date(2026, 11, 29)) == "aktiv"
    assert process_state(ended, kept, date(2026, 11, 30)) == "uppsagd"
    assert process_state(ended, kept, date(2027, 2, 28)) == "uppsagd"
    assert process_state(ended, kept, date(2027, 3, 1)) == "avslutad"
    # Ended without a commitment: over the same day.
    assert process_state(ended, ended, date(2026, 11, 30)) == "avslutad"
    # Under an agreement that says nothing, and no last day agreed: still under notice.
    assert process_state(ended, None, date(2030, 1, 1)) == "uppsagd"


def test_the_commitment_is_malmös_rule_with_its_conditions():
    """Seed 000: up to three months, where the ending party fully controls its part and
    the other party asks; otherwise the process ends the day it is ended."""
    ended = date(2026, 8, 31)

    def last(**kw):
        return last_day(ended, 3, **{"full_control": True, "requested": True, "until": None, **kw})

    assert last() == date(2026, 11, 30)  # all three months
    assert last(until=date(2026, 9, 30)) == date(2026, 9, 30)  # "upp till": fewer
    assert last(requested=False) == ended
    assert last(full_control=False, requested=None) == ended
    with pytest.raises(EndingError, match=r"högst 3 månader, t\.o\.m\. 2026-11-30"):
        last(until=date(2026, 12, 1))
    with pytest.raises(EndingError, match="full rådighet"):
        last(full_control=None)
    with pytest.raises(EndingError, match="begär"):
        last(requested=None)
    with pytest.raises(EndingError, match="upphör åtagandet samma dag"):
        last(requested=False, until=date(2026, 9, 30))
    # An agreement that says nothing: no rule of ours, the day the parties agreed or none.
    assert last_day(ended, None, full_control=None, requested=None, until=None) is None
    agreed = date(2026, 12, 15)
    assert last_day(ended, None, full_control=None, requested=None, until=agreed) == agreed
    with pytest.raises(EndingError, match="före avslutet"):
        last_day(ended, None, full_control=None, requested=None, until=date(2026, 8, 30))


def test_agreement_states():
    start = date(2020, 11, 1)
    assert agreement_state(start, None, 3, None, None, date(2020, 10, 31)) == "ej_börjat"
    assert agreement_state(start, None, 3, None, None, date(2026, 1, 1)) == "gäller"
    assert agreement_state(start, None, 3, date(2026, 11, 30), None, date(2027, 2, 28)) == "uppsagd"
    assert agreement_state(start, None, 3, date(2026, 11, 30), None, date(2027, 3, 1)) == "upphört"
    assert agreement_state(start, date(2025, 12, 31), 3, None, None, date(2026, 1, 1)) == (
        "upphört"
    )
    assert (
        agreement_state(date(2019, 2, 1), None, None, None, date(2020, 1, 31), date(2026, 11, 24))
        == "revision_försenad"
    )
    assert (
        state_text(start, None, 3, date(2026, 11, 30), None, date(2026, 12, 1))
        == "Uppsagd, gäller t.o.m. 2027-02-28"
    )
    assert (
        state_text(date(2019, 2, 1), None, None, None, date(2020, 1, 31), date(2026, 11, 24))
        == "Gäller, revision försenad (skulle ske 2020-01-31)"
    )
    assert state_text(start, None, 3, None, None, date(2026, 1, 1)) == "Gäller tills vidare"


def test_diff_shows_removed_and_added_lines_with_context():
    old = "a\nb\nc\nd\ne\nf\ng\nh"
    new = "a\nb\nc\nD\ne\nf\ng\nh\ni"
    assert diff_lines(old, new, context=1) == [
        DiffLine("@", "…"),
        DiffLine(" ", "c"),
        DiffLine("-", "d"),
        DiffLine("+", "D"),
        DiffLine(" ", "e"),
        DiffLine("@", "…"),
        DiffLine(" ", "h"),
        DiffLine("+", "i"),
    ]
    assert diff_lines("same\ntext", "same\ntext") == []
    # A line that itself starts with dashes is content, not a file header.
    assert diff_lines("x\n---", "x\n--- y") == [
        DiffLine("@", "…"),
        DiffLine(" ", "x"),
        DiffLine("-", "---"),
        DiffLine("+", "--- y"),
    ]


def test_agreement_age_limits_feed_the_target_group_rules():
    rules = rules_from_agreement(
        [AgreementGroup("unga_16_24", "Unga", 18, 25), AgreementGroup("", "Egen grupp", 1, 2)]
    )
    assert rules.young_narrow == AgeRange(18, 25)
    assert rules.young_wide == AgeRange(16, 29)  # not named: the default stays


ON = date(2026, 11, 24)


def _target(pid, groups, min_age=None, max_age=None, rules=None):
    extra = {"rules": rules} if rules else {}
    return ProcessTarget(pid, f"Process {pid}", tuple(groups), min_age, max_age, **extra)


def test_applies_to_a_kaa_youth_turning_twenty_best_first():
    # 19 years old, not in school, no diploma: KAA, young 16–24 and 16–29.
    person = PersonFacts(birth_date=date(2007, 1, 10))
    processes = [
        _target("bred", ["unga_16_29"]),
        _target("kaa20", ["kaa", "unga_16_24"], 19, 20),
        _target("kaa", ["kaa"], 16, 19),
        _target("nyanland", ["nyanland"]),
        _target("utan-grupp", []),
        _target("for-aldre", ["unga_16_24"], 20, 24),
    ]
    found = applicable_processes(person, processes, ON)
    assert [a.process_id for a in found] == ["kaa20", "kaa", "bred"]
    assert [m.code for m in found[0].matched] == ["unga_16_24", "kaa"]


def test_applies_uses_the_agreement_age_limits():
    # 26 years old: outside DUA's 16–24, inside an agreement that says 16–29.
    person = PersonFacts(birth_date=date(2000, 6, 1), has_upper_secondary_diploma=True)
    wide = rules_from_agreement([AgreementGroup("unga_16_24", "Unga", 16, 29)])
    processes = [_target("dua", ["unga_16_24"]), _target("malmo", ["unga_16_24"], rules=wide)]
    assert [a.process_id for a in applicable_processes(person, processes, ON)] == ["malmo"]


def test_applies_to_nobody_without_a_birth_date_when_ages_are_set():
    person = PersonFacts(birth_date=None, residence_permit_date=date(2025, 1, 1))
    processes = [_target("ny", ["nyanland"]), _target("ny-ung", ["nyanland"], 16, 19)]
    assert [a.process_id for a in applicable_processes(person, processes, ON)] == ["ny"]
