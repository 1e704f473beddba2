"""Every date field takes a day the way a meeting time is typed (domain.meeting_time):
here the referral's reply-by day, a consent's days and a person's permit date.
Today is Tuesday 2026-11-24."""

from __future__ import annotations

from datetime import date

import pytest

from tests.services.test_referrals import af, draft_to, person  # noqa: F401 (fixtures)
from ungtui.services.consent.consents import ConsentInput, add_consent, list_consents
from ungtui.services.errors import ValidationError
from ungtui.services.people.individuals import (
    IndividualInput,
    get_individual,
    save_individual,
    status_on,
)
from ungtui.services.referrals.referrals import create_referral, get_referral


def test_a_reply_by_day_in_working_days(db, user, person, af):  # noqa: F811
    referral_id = create_referral(db, user, draft_to(person, af, reply_by="+3 ad"))
    assert get_referral(db, referral_id).referral.reply_by == date(2026, 11, 27)
    referral_id = create_referral(db, user, draft_to(person, af, reply_by="fre"))
    assert get_referral(db, referral_id).referral.reply_by == date(2026, 11, 27)
    referral_id = create_referral(db, user, draft_to(person, af, reply_by="+14"))
    assert get_referral(db, referral_id).referral.reply_by == date(2026, 12, 8)


def test_a_consent_from_today_for_two_weeks(db, user, person, af):  # noqa: F811
    add_consent(
        db,
        person,
        ConsentInput(
            organisation_id=af.organisation_id,
            purpose="Planering av insatser",
            purposes=["samordning"],
            data_categories=["kontakt"],
            valid_from="idag",
            valid_to="+14",
        ),
        actor_id=user.staff_id,
    )
    [shown] = list_consents(db, person)
    assert (shown.valid_from, shown.valid_to) == (date(2026, 11, 24), date(2026, 12, 8))
    with pytest.raises(ValidationError) as refused:
        add_consent(
            db,
            person,
            ConsentInput(
                organisation_id=af.organisation_id,
                purpose="Planering",
                purposes=["samordning"],
                data_categories=["kontakt"],
                valid_to="en månad",
            ),
            actor_id=user.staff_id,
        )
    assert "”en månad” förstås inte som en dag" in refused.value.errors["valid_to"]


def test_a_permit_date_typed_as_a_short_date(db, user):
    person_id = save_individual(
        db,
        IndividualInput(
            identity="20050317-9806",
            first_name="Åsa",
            last_name="Öberg",
            residence_permit_date="3 mar 2024",
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    detail = get_individual(db, person_id)
    assert detail.individual.residence_permit_date == date(2024, 3, 3)


def test_the_facts_of_a_person_are_typed_the_same_way(db, user):
    """Issue 18's dates on the person take what every date field takes."""
    person_id = save_individual(
        db,
        IndividualInput(
            first_name="Liv",
            last_name="Berg",
            birth_date="2008-01-01",
            in_upper_secondary=True,
            establishment_from="1/9",  # no year: the next 1 September… after today: 2027
            compulsory_school_done_on="15 jun 2024",
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    liv = get_individual(db, person_id).individual
    assert liv.establishment_from == date(2027, 9, 1)
    assert liv.compulsory_school_done_on == date(2024, 6, 15)
    # She left upper secondary school yesterday, recorded today.
    save_individual(
        db,
        IndividualInput(
            first_name="Liv",
            last_name="Berg",
            birth_date="2008-01-01",
            establishment_from="2026-09-01",
            establishment_until="+30",
            status_changed_on="igår",
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
        individual_id=person_id,
    )
    liv = get_individual(db, person_id).individual
    assert liv.establishment_until == date(2026, 12, 24)
    assert status_on(db, person_id, "skola", date(2026, 11, 23)) == "ingen"
    assert status_on(db, person_id, "skola", date(2026, 11, 22)) == "gymnasieskola"
    with pytest.raises(ValidationError) as refused:
        save_individual(
            db,
            IndividualInput(first_name="Bo", last_name="Berg", establishment_from="snart"),
            actor_id=user.staff_id,
            organisation_id=user.organisation_id,
        )
    assert "”snart” förstås inte som en dag" in refused.value.errors["establishment_from"]
