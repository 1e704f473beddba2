"""Who in the room may hear about a person: every combination, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from ungtui.domain.meeting_consent import (
    ConsentFacts,
    Present,
    acknowledgement_covers,
    days_to_check,
    full_name,
    initials,
    masked_name,
    uncovered,
)

MEETING = date(2026, 11, 24)
KOMMUN = Present("k", "Malmö stad")
AF = Present("a", "Arbetsförmedlingen")
FK = Present("f", "Försäkringskassan")
EXTERNAL = Present(None, "Nordljus Kompetens AB")

VALID = ConsentFacts("a", date(2026, 1, 1), None, None)
EXPIRED = ConsentFacts("a", date(2025, 1, 1), date(2026, 11, 23), None)
WITHDRAWN = ConsentFacts("a", date(2026, 1, 1), None, date(2026, 11, 24))
NOT_YET = ConsentFacts("a", date(2026, 11, 25), None, None)
LAST_DAY = ConsentFacts("a", date(2026, 1, 1), date(2026, 11, 24), None)
FK_VALID = ConsentFacts("f", date(2026, 1, 1), None, None)


def names(missing):
    return [org.name for org in missing]


@pytest.mark.parametrize(
    ("present", "case_org", "consents", "expected"),
    [
        # Only the organisation holding the case: nothing to check.
        ([KOMMUN], "k", [], []),
        # AF present, no consent.
        ([KOMMUN, AF], "k", [], ["Arbetsförmedlingen"]),
        ([KOMMUN, AF], "k", [VALID], []),
        ([KOMMUN, AF], "k", [EXPIRED], ["Arbetsförmedlingen"]),
        ([KOMMUN, AF], "k", [WITHDRAWN], ["Arbetsförmedlingen"]),
        ([KOMMUN, AF], "k", [NOT_YET], ["Arbetsförmedlingen"]),
        ([KOMMUN, AF], "k", [LAST_DAY], []),
        # An expired consent beside a valid one: the valid one counts.
        ([KOMMUN, AF], "k", [EXPIRED, VALID], []),
        # AF holds the case, so the municipality is the one that needs consent.
        ([KOMMUN, AF], "a", [VALID], ["Malmö stad"]),
        ([KOMMUN, AF], "a", [ConsentFacts("k", date(2026, 1, 1), None, None)], []),
        # A consent for AF does not cover Försäkringskassan.
        ([KOMMUN, AF, FK], "k", [VALID], ["Försäkringskassan"]),
        ([KOMMUN, AF, FK], "k", [VALID, FK_VALID], []),
        ([KOMMUN, AF, FK], "k", [FK_VALID], ["Arbetsförmedlingen"]),
        ([KOMMUN, AF, FK], "k", [], ["Arbetsförmedlingen", "Försäkringskassan"]),
        # An unregistered external organisation can never be covered.
        ([KOMMUN, EXTERNAL], "k", [VALID], ["Nordljus Kompetens AB"]),
        ([KOMMUN, AF, EXTERNAL], "k", [VALID], ["Nordljus Kompetens AB"]),
        # No case organisation recorded: everyone needs consent.
        ([KOMMUN, AF], None, [VALID], ["Malmö stad"]),
        # Two people from the same organisation are named once.
        ([KOMMUN, AF, AF], "k", [], ["Arbetsförmedlingen"]),
        # Nobody in the room.
        ([], "k", [], []),
    ],
)
def test_every_combination_on_the_meeting_day(present, case_org, consents, expected):
    assert names(uncovered(present, case_org, consents, [MEETING])) == expected


def test_a_held_meeting_needs_the_consent_still_in_force_today():
    today = date(2026, 12, 10)
    days = days_to_check(MEETING, today)
    assert days == (MEETING, today)
    withdrawn_after = ConsentFacts("a", date(2026, 1, 1), None, date(2026, 12, 1))
    assert names(uncovered([KOMMUN, AF], "k", [withdrawn_after], days)) == ["Arbetsförmedlingen"]
    assert names(uncovered([KOMMUN, AF], "k", [VALID], days)) == []


def test_a_coming_meeting_is_checked_on_its_own_day():
    assert days_to_check(date(2026, 12, 1), MEETING) == (date(2026, 12, 1),)
    # Valid today but ended before the meeting: not enough.
    ends = ConsentFacts("a", date(2026, 1, 1), date(2026, 11, 30), None)
    assert names(uncovered([AF], "k", [ends], [date(2026, 12, 1)])) == ["Arbetsförmedlingen"]


def test_an_acknowledgement_covers_only_the_organisations_it_names():
    assert acknowledgement_covers("Arbetsförmedlingen", [AF])
    assert not acknowledgement_covers("Arbetsförmedlingen", [AF, FK])
    assert acknowledgement_covers("Arbetsförmedlingen\nFörsäkringskassan", [AF, FK])
    assert not acknowledgement_covers("", [AF])
    assert acknowledgement_covers("", [])


def test_names_masked_and_full():
    assert initials("Åsa", "Öberg") == "Å.Ö."
    assert initials("Anna Maria", "Al-Hassan") == "A.M.A.-H."
    assert initials("", "") == "?"
    assert masked_name("Åsa", "Öberg", date(2005, 3, 17)) == "Å.Ö. (f. 2005)"
    assert masked_name("Ali", "", None) == "A."
    assert full_name("Åsa", "Öberg", date(2005, 3, 17)) == "Åsa Öberg (f. 2005)"
