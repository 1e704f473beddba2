from datetime import date

import pytest

from ungtui.domain.consent import consent_state
from ungtui.services.consents import (
    ConsentInput,
    add_consent,
    list_consents,
    may_receive,
    withdraw_consent,
)
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.individuals import IndividualInput, save_individual
from ungtui.services.organisations import add_organisation


@pytest.fixture
def person(db, user):
    return save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


@pytest.fixture
def af(db):
    return add_organisation(db, name="Arbetsförmedlingen", org_nr="2021002114", kind="af")


def consent(**kw):
    values = dict(
        organisation_id=None,
        purpose="Planering av insatser",
        data_categories=["kontakt", "arbete"],
        form="skriftligt",
        valid_from="2026-01-01",
        valid_to="",
    )
    values.update(kw)
    return ConsentInput(**values)


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "withdrawn", "on", "expected"),
    [
        (date(2026, 1, 1), None, None, date(2026, 1, 1), "gäller"),
        (date(2026, 1, 1), None, None, date(2025, 12, 31), "ej_börjat"),
        (date(2026, 1, 1), date(2026, 6, 30), None, date(2026, 6, 30), "gäller"),
        (date(2026, 1, 1), date(2026, 6, 30), None, date(2026, 7, 1), "utgånget"),
        (date(2026, 1, 1), None, date(2026, 3, 1), date(2026, 2, 28), "gäller"),
        (date(2026, 1, 1), None, date(2026, 3, 1), date(2026, 3, 1), "återkallat"),
    ],
)
def test_consent_state(valid_from, valid_to, withdrawn, on, expected):
    assert consent_state(valid_from, valid_to, withdrawn, on) == expected


def test_case_organisation_may_receive_without_consent(db, user, person):
    answer = may_receive(db, person, user.organisation_id)
    assert answer.allowed
    assert answer.reason == "Malmö stad har ärendet."


def test_other_organisation_needs_consent(db, user, person, af):
    answer = may_receive(db, person, af)
    assert not answer.allowed
    assert answer.reason == "Samtycke saknas för Arbetsförmedlingen."
    add_consent(db, person, consent(organisation_id=af), actor_id=user.staff_id)
    answer = may_receive(db, person, af)
    assert answer.allowed
    assert answer.reason == "Samtycke för Arbetsförmedlingen gäller."
    assert may_receive(db, person, af, on=date(2025, 12, 31)).reason == (
        "Samtycket för Arbetsförmedlingen gäller inte i dag."
    )


def test_consent_covers_only_its_categories(db, user, person, af):
    add_consent(db, person, consent(organisation_id=af), actor_id=user.staff_id)
    assert may_receive(db, person, af, category="arbete").allowed
    answer = may_receive(db, person, af, category="halsa")
    assert not answer.allowed
    assert (
        answer.reason
        == "Samtycket för Arbetsförmedlingen omfattar inte hälsa och funktionsnedsättning."
    )


def test_withdrawn_consent_stops_the_flow_from_that_day(db, user, person, af):
    consent_id = add_consent(db, person, consent(organisation_id=af), actor_id=user.staff_id)
    withdraw_consent(db, consent_id, actor_id=user.staff_id, on=date(2026, 11, 24))
    assert may_receive(db, person, af, on=date(2026, 11, 23)).allowed
    answer = may_receive(db, person, af, on=date(2026, 11, 24))
    assert not answer.allowed
    assert answer.reason == "Samtycket för Arbetsförmedlingen är återkallat."
    [row] = list_consents(db, person)
    assert row.state == "återkallat"
    assert row.withdrawn_on == date(2026, 11, 24)
    with pytest.raises(ServiceError, match="redan 2026-11-24"):
        withdraw_consent(db, consent_id, actor_id=user.staff_id)


def test_bad_consent_input_is_refused_field_by_field(db, user, person):
    with pytest.raises(ValidationError) as caught:
        add_consent(
            db,
            person,
            consent(
                purpose=" ", data_categories=[], valid_from="2026-13-01", valid_to="2026-01-01"
            ),
            actor_id=user.staff_id,
        )
    assert caught.value.errors == {
        "organisation_id": "Välj vilken organisation samtycket gäller.",
        "purpose": "Skriv vad samtycket gäller, till exempel planering av insatser.",
        "data_categories": "Välj minst en sorts uppgifter som får lämnas.",
        "valid_from": "Datumet 2026-13-01 finns inte.",
    }
    assert list_consents(db, person) == []


def test_end_before_start_is_refused(db, user, person, af):
    with pytest.raises(ValidationError) as caught:
        add_consent(
            db, person, consent(organisation_id=af, valid_to="2025-12-31"), actor_id=user.staff_id
        )
    assert caught.value.errors == {"valid_to": "Slutdatum kan inte vara före startdatum."}
