"""Who in the room may hear about a person, and what: every combination, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from ungtui.domain.disclosure import ConsentTerms, Holder, shared_in_room
from ungtui.domain.meeting_consent import (
    Present,
    acknowledgement_covers,
    days_to_check,
    full_name,
    initials,
    masked_name,
    uncovered,
)

MEETING = date(2026, 11, 24)
JOBBCENTER_H = Holder("212000-1124", "arbetsmarknad")
SOCIAL_H = Holder("212000-1124", "socialtjanst")
AF_H = Holder("202100-2114", "af")
FK_H = Holder("202100-5521", "fk")
JOBBCENTER = Present(JOBBCENTER_H, "Malmö stad – Arbetsmarknadsenheten")
SOCIAL = Present(SOCIAL_H, "Malmö stad – Socialtjänsten")
AF = Present(AF_H, "Arbetsförmedlingen")
FK = Present(FK_H, "Försäkringskassan")
EXTERNAL = Present(None, "Nordljus Kompetens AB")
SAMORDNING = frozenset({"samordning"})


def terms(
    receiver=AF_H,
    valid_from=date(2026, 1, 1),
    valid_to=None,
    withdrawn=None,
    discloser=JOBBCENTER_H,
    purposes=SAMORDNING,
    categories=frozenset({"kontakt", "arbete"}),
):
    return ConsentTerms(
        "c", discloser, receiver, purposes, categories, valid_from, valid_to, withdrawn
    )


VALID = terms()
EXPIRED = terms(valid_from=date(2025, 1, 1), valid_to=date(2026, 11, 23))
WITHDRAWN = terms(withdrawn=date(2026, 11, 24))
NOT_YET = terms(valid_from=date(2026, 11, 25))
LAST_DAY = terms(valid_to=date(2026, 11, 24))
FK_VALID = terms(receiver=FK_H)
SOCIAL_VALID = terms(receiver=SOCIAL_H)
WHOLE_KOMMUN = terms(receiver=Holder("212000-1124"))
OTHER_PURPOSE = terms(purposes=frozenset({"trepartssamtal"}))
FROM_SOCIAL = terms(discloser=SOCIAL_H)


def names(missing):
    return [party.name for party in missing]


def missing(present, consents, days=(MEETING,), purpose="samordning", discloser=JOBBCENTER_H):
    return names(uncovered(present, consents, list(days), discloser=discloser, purpose=purpose))


@pytest.mark.parametrize(
    ("present", "consents", "expected"),
    [
        # Only the user's own nämnd: nothing to check.
        ([JOBBCENTER], [], []),
        # AF present, no consent.
        ([JOBBCENTER, AF], [], ["Arbetsförmedlingen"]),
        ([JOBBCENTER, AF], [VALID], []),
        ([JOBBCENTER, AF], [EXPIRED], ["Arbetsförmedlingen"]),
        ([JOBBCENTER, AF], [WITHDRAWN], ["Arbetsförmedlingen"]),
        ([JOBBCENTER, AF], [NOT_YET], ["Arbetsförmedlingen"]),
        ([JOBBCENTER, AF], [LAST_DAY], []),
        # An expired consent beside a valid one: the valid one counts.
        ([JOBBCENTER, AF], [EXPIRED, VALID], []),
        # A consent for another purpose, or from another nämnd, does not count.
        ([JOBBCENTER, AF], [OTHER_PURPOSE], ["Arbetsförmedlingen"]),
        ([JOBBCENTER, AF], [FROM_SOCIAL], ["Arbetsförmedlingen"]),
        # Socialtjänsten of the same kommun needs a consent like any authority.
        ([JOBBCENTER, SOCIAL], [VALID], ["Malmö stad – Socialtjänsten"]),
        ([JOBBCENTER, SOCIAL], [SOCIAL_VALID], []),
        ([JOBBCENTER, SOCIAL], [WHOLE_KOMMUN], []),
        # A consent for AF does not cover Försäkringskassan.
        ([JOBBCENTER, AF, FK], [VALID], ["Försäkringskassan"]),
        ([JOBBCENTER, AF, FK], [VALID, FK_VALID], []),
        ([JOBBCENTER, AF, FK], [FK_VALID], ["Arbetsförmedlingen"]),
        ([JOBBCENTER, AF, FK], [], ["Arbetsförmedlingen", "Försäkringskassan"]),
        # An unregistered external organisation can never be covered.
        ([JOBBCENTER, EXTERNAL], [VALID], ["Nordljus Kompetens AB"]),
        ([JOBBCENTER, AF, EXTERNAL], [VALID], ["Nordljus Kompetens AB"]),
        # Two people from the same party are named once.
        ([JOBBCENTER, AF, AF], [], ["Arbetsförmedlingen"]),
        # Nobody in the room.
        ([], [], []),
    ],
)
def test_every_combination_on_the_meeting_day(present, consents, expected):
    assert missing(present, consents) == expected


def test_af_speaking_needs_its_own_consent_to_the_kommun():
    # The same room seen from AF's install: AF discloses, the kommun's nämnd receives.
    assert missing([JOBBCENTER, AF], [VALID], discloser=AF_H) == [
        "Malmö stad – Arbetsmarknadsenheten"
    ]
    af_to_kommun = terms(discloser=AF_H, receiver=JOBBCENTER_H)
    assert missing([JOBBCENTER, AF], [af_to_kommun], discloser=AF_H) == []


def test_what_may_be_said_is_what_every_party_present_may_hear():
    social = terms(receiver=SOCIAL_H, categories=frozenset({"kontakt", "ekonomi"}))
    shared = shared_in_room(
        [VALID, social],
        discloser=JOBBCENTER_H,
        present=[JOBBCENTER_H, AF_H, SOCIAL_H],
        purpose="samordning",
        days=[MEETING],
    )
    assert shared == frozenset({"identitet", "kontakt"})
    alone = shared_in_room(
        [VALID], discloser=JOBBCENTER_H, present=[AF_H], purpose="samordning", days=[MEETING]
    )
    assert alone == frozenset({"identitet", "kontakt", "arbete"})
    assert shared_in_room(
        [VALID], discloser=JOBBCENTER_H, present=[AF_H], purpose="remiss", days=[MEETING]
    ) == frozenset()


def test_a_held_meeting_needs_the_consent_still_in_force_today():
    today = date(2026, 12, 10)
    days = days_to_check(MEETING, today)
    assert days == (MEETING, today)
    withdrawn_after = terms(withdrawn=date(2026, 12, 1))
    assert missing([JOBBCENTER, AF], [withdrawn_after], days) == ["Arbetsförmedlingen"]
    assert missing([JOBBCENTER, AF], [VALID], days) == []


def test_a_coming_meeting_is_checked_on_its_own_day():
    assert days_to_check(date(2026, 12, 1), MEETING) == (date(2026, 12, 1),)
    # Valid today but ended before the meeting: not enough.
    ends = terms(valid_to=date(2026, 11, 30))
    assert missing([AF], [ends], [date(2026, 12, 1)]) == ["Arbetsförmedlingen"]


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


def test_initials_take_letters_only():
    # A name typed with brackets or a stray dash: no "[." or "-." in the room.
    assert initials("Åsa-Märta", "[Öst] Ångström") == "Å.-M.Å."
    assert initials("Ali -", "Öztürk") == "A.Ö."
    assert initials("[/]", "") == "?"
