"""Every date field takes a day the way a meeting time is typed (domain.meeting_time):
here the referral's reply-by day, a consent's days and a person's permit date.
Today is Tuesday 2026-11-24."""

from __future__ import annotations

from datetime import date

import pytest

from tests.services.test_referrals import af, draft_to, person  # noqa: F401 (fixtures)
from ungtui.services.consents import ConsentInput, add_consent, list_consents
from ungtui.services.errors import ValidationError
from ungtui.services.individuals import IndividualInput, get_individual, save_individual
from ungtui.services.referrals import create_referral, get_referral


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
            data_categories=["kontakt"],
            valid_from="idag",
            valid_to="+14",
        ),
        actor_id=None,
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
                data_categories=["kontakt"],
                valid_to="en månad",
            ),
            actor_id=None,
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
