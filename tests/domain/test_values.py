"""The rules a value from another install is checked against (domain.values)."""

from __future__ import annotations

import pytest

from ungtui.domain import values as rules


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-11-24", True),
        ("2024-02-29", True),
        ("2026-02-29", False),  # not a leap year
        ("2026-13-01", False),
        ("20261124", False),  # Python reads it, SQL compares it wrongly
        ("2026-W48-2", False),
        (" 2026-11-24", False),
        (20261124, False),
        (None, False),
    ],
)
def test_dates(value, ok):
    assert (rules.date_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-11-24T09:00:00+00:00", True),
        ("2026-11-24T09:00:00.123456+01:00", True),
        ("2026-11-24 09:00:00+00:00", True),
        ("2026-11-24T09:00:00Z", True),
        ("2026-11-24T09:00:00", False),  # no offset: stored times are UTC, never naive
        ("2026-11-24", False),
        ("imorgon", False),
    ],
)
def test_times(value, ok):
    assert (rules.datetime_problem(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [(True, True), (False, True), (1, False), (0, False), ("nej", False)]
)
def test_yes_or_no(value, ok):
    assert (rules.bool_problem(value) is None) is ok


def test_numbers():
    assert rules.int_problem(3) is None
    assert rules.int_problem(-3) is None
    assert rules.int_problem(True) == "ska vara ett heltal"
    assert rules.int_problem(3.0) == "ska vara ett heltal"
    assert rules.int_problem(2**63) == "ska vara ett heltal"
    assert rules.number_problem(2.5) is None
    assert rules.number_problem(4) is None
    assert rules.number_problem(float("nan")) == "ska vara ett tal"
    assert rules.number_problem("2,5") == "ska vara ett tal"


def test_record_ids():
    assert rules.record_id_problem("0c182e78-e8f0-48f4-beed-8aa854e3cd11") is None
    assert rules.record_id_problem("0C182E78-E8F0-48F4-BEED-8AA854E3CD11") == (
        "ska vara ett post-id (UUID)"
    )
    assert rules.record_id_problem("1") == "ska vara ett post-id (UUID)"
    assert rules.record_id_problem(None) == "ska vara ett post-id (UUID)"


def test_text_follows_the_field_rules_in_words_for_a_refused_file():
    """The rules are domain.fields' (names 100 characters, one line; notes 200,000, free
    text); the words say what is wrong with the file, not what to type again."""
    problem = rules.text_problem
    assert problem("individual", "first_name", "Öztürk-Åberg") is None
    assert problem("individual", "first_name", "x" * 100) is None
    assert problem("individual", "first_name", "x" * 101) == "är längre än 100 tecken (101)"
    assert problem("agendaitem", "notes", "x" * 1_000_000) == (
        "är längre än 200 000 tecken (1 000 000)"
    )
    assert problem("meeting", "place", "x" * 301) == "är längre än 300 tecken (301)"
    assert problem("agendaitem", "notes", "rad 1\nrad 2\tflik") is None
    assert problem("individual", "first_name", "rad 1\nrad 2") == (
        "får bara vara en rad men har radbrytningar eller tabbar"
    )
    for unsafe in ("\x00", "\x1b[31m", "\x7f", "\x9b", "\u202e", "\u2066", "\ud800", "\r"):
        expected = (
            "får bara vara en rad men har radbrytningar eller tabbar"
            if unsafe == "\r"
            else "innehåller osynliga styrtecken"
        )
        assert problem("individual", "first_name", f"Åsa{unsafe}") == expected, repr(unsafe)
    assert problem("agendaitem", "notes", "a\x00b") == "innehåller osynliga styrtecken"
    assert problem("agreement", "goals", "[{") == "är inte giltig JSON"
    assert problem("agreement", "goals", '[{"goal": "Fler i arbete"}]') is None
    assert problem("agreement", "goals", '[{"goal": "Fler\\u0000 i arbete"}]') == (
        "innehåller osynliga styrtecken"
    )
