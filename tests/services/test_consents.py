from datetime import date

import pytest

from ungtui.domain.consent import consent_state
from ungtui.domain.disclosure import Holder
from ungtui.services.consent.consents import (
    ConsentInput,
    add_consent,
    consent_lines,
    list_consents,
    may_disclose,
    withdraw_consent,
)
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.models import Consent, Staff, Unit

JOBBCENTER = Holder("212000-1124", "arbetsmarknad")
SOCIAL = Holder("212000-1124", "socialtjanst")
AF = Holder("202100-2114", "af")


@pytest.fixture
def person(db, user):
    return save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


@pytest.fixture
def minor(db, user):
    # Born 2009-05-02: 17 years old on the test day, 2026-11-24.
    return save_individual(
        db,
        IndividualInput(identity="20090502-9807", first_name="Mira", last_name="Lund"),
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
        purposes=["samordning"],
        data_categories=["kontakt", "arbete"],
        form="skriftligt",
        valid_from="2026-01-01",
        valid_to="",
    )
    values.update(kw)
    return ConsentInput(**values)


def ask(db, person, *, to=AF, by=JOBBCENTER, purpose="samordning", category="arbete", on=None):
    return may_disclose(
        db, person, discloser=by, receiver=to, purpose=purpose, category=category, on=on
    )


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


def test_holding_the_case_is_no_reason_to_disclose(db, user, person, af):
    # The kommun holds Åsa's case, and AF holds nothing: without a consent nothing goes,
    # and AF holding the case would not make it go either.
    answer = ask(db, person)
    assert not answer.allowed
    assert answer.reason == (
        "Samtycke saknas från Malmö stad – Arbetsmarknadsenheten till Arbetsförmedlingen."
    )


def test_a_consent_names_discloser_receiver_purpose_and_categories(db, user, person, af):
    add_consent(db, person, consent(organisation_id=af), actor_id=user.staff_id)
    answer = ask(db, person)
    assert answer.allowed
    assert answer.reason == (
        "Samtycke från Malmö stad – Arbetsmarknadsenheten till Arbetsförmedlingen för "
        "samordning och planering av insatser gäller."
    )
    # Another purpose is not covered.
    assert ask(db, person, purpose="remiss").reason == (
        "Samtycket från Malmö stad – Arbetsmarknadsenheten till Arbetsförmedlingen gäller "
        "inte för remiss eller anvisning till insats."
    )
    # Another category is not covered; identity always comes with the consent.
    assert ask(db, person, category="halsa").reason == (
        "Samtycket från Malmö stad – Arbetsmarknadsenheten till Arbetsförmedlingen omfattar "
        "inte hälsa och funktionsnedsättning."
    )
    assert ask(db, person, category="identitet").allowed
    # Another nämnd of the same kommun is another discloser: it is not covered.
    assert ask(db, person, by=SOCIAL).reason == (
        "Samtycke saknas från Malmö stad – Socialtjänsten till Arbetsförmedlingen."
    )
    assert ask(db, person, on=date(2025, 12, 31)).reason == (
        "Samtycket från Malmö stad – Arbetsmarknadsenheten till Arbetsförmedlingen gäller "
        "inte än."
    )


def test_between_two_namnder_of_one_kommun_a_consent_is_needed(db, user, person):
    answer = ask(db, person, to=SOCIAL)
    assert not answer.allowed
    assert answer.reason == (
        "Samtycke saknas från Malmö stad – Arbetsmarknadsenheten till Malmö stad – "
        "Socialtjänsten."
    )
    add_consent(
        db,
        person,
        consent(organisation_id=user.organisation_id, receiver_domain="socialtjanst"),
        actor_id=user.staff_id,
    )
    assert ask(db, person, to=SOCIAL).allowed
    # Within one nämnd nothing is disclosed.
    assert ask(db, person, to=JOBBCENTER).reason == (
        "Inom Malmö stad – Arbetsmarknadsenheten: inget samtycke behövs."
    )


def test_a_consent_to_one_namnd_does_not_cover_another(db, user, person):
    add_consent(
        db,
        person,
        consent(organisation_id=user.organisation_id, receiver_domain="vuxenutbildning"),
        actor_id=user.staff_id,
    )
    assert not ask(db, person, to=SOCIAL).allowed
    assert ask(db, person, to=Holder("212000-1124", "vuxenutbildning")).allowed


def test_withdrawn_consent_stops_the_flow_from_that_day(db, user, person, af):
    consent_id = add_consent(db, person, consent(organisation_id=af), actor_id=user.staff_id)
    withdraw_consent(db, consent_id, actor_id=user.staff_id, on=date(2026, 11, 24))
    assert ask(db, person, on=date(2026, 11, 23)).allowed
    answer = ask(db, person, on=date(2026, 11, 24))
    assert not answer.allowed
    assert answer.reason == (
        "Samtycket från Malmö stad – Arbetsmarknadsenheten till Arbetsförmedlingen är "
        "återkallat."
    )
    [row] = list_consents(db, person)
    assert row.state == "återkallat"
    assert row.withdrawn_on == date(2026, 11, 24)
    # It reads as ended on the day, not as valid "tills vidare".
    assert consent_lines(row)[3] == (
        "Gällde 2026-01-01 – 2026-11-24, återkallat 2026-11-24 · Skriftligt · "
        "registrerat av Sofia Berg"
    )
    with pytest.raises(ServiceError, match="redan 2026-11-24"):
        withdraw_consent(db, consent_id, actor_id=user.staff_id)


def test_bad_consent_input_is_refused_field_by_field(db, user, person):
    with pytest.raises(ValidationError) as caught:
        add_consent(
            db,
            person,
            consent(
                purposes=[],
                data_categories=[],
                valid_from="2026-13-01",
                valid_to="2026-01-01",
            ),
            actor_id=user.staff_id,
        )
    assert caught.value.errors == {
        "organisation_id": "Välj vem som får ta emot uppgifterna.",
        "purposes": "Välj minst ett syfte som samtycket gäller.",
        "data_categories": "Välj minst en sorts uppgifter som får lämnas.",
        "valid_from": "Datumet 2026-13-01 finns inte.",
    }
    assert list_consents(db, person) == []


def test_a_consent_within_one_namnd_is_refused(db, user, person):
    with pytest.raises(ValidationError) as caught:
        add_consent(
            db,
            person,
            consent(organisation_id=user.organisation_id, receiver_domain="arbetsmarknad"),
            actor_id=user.staff_id,
        )
    assert caught.value.errors == {
        "organisation_id": "Den som lämnar ut och den som tar emot är samma nämnd; där "
        "behövs inget samtycke."
    }


def test_end_before_start_is_refused(db, user, person, af):
    with pytest.raises(ValidationError) as caught:
        add_consent(
            db, person, consent(organisation_id=af, valid_to="2025-12-31"), actor_id=user.staff_id
        )
    assert caught.value.errors == {"valid_to": "Slutdatum kan inte vara före startdatum."}


def test_under_18_the_basis_is_recorded_not_decided(db, user, minor, af):
    with pytest.raises(ValidationError) as caught:
        add_consent(db, minor, consent(organisation_id=af), actor_id=user.staff_id)
    assert caught.value.errors == {
        "minor_basis": "Personen är under 18 år: ange om vårdnadshavare har samtyckt eller om "
        "den unga själv bedöms mogen nog."
    }
    with pytest.raises(ValidationError) as caught:
        add_consent(
            db,
            minor,
            consent(organisation_id=af, minor_basis="mognad", minor_note="ok"),
            actor_id=user.staff_id,
        )
    assert caught.value.errors == {
        "minor_note": "Skriv din bedömning av den ungas mognad (minst tio tecken)."
    }
    add_consent(
        db,
        minor,
        consent(
            organisation_id=af,
            minor_basis="mognad",
            minor_note="Förstår vad  uppgifterna ska användas till.",
        ),
        actor_id=user.staff_id,
    )
    add_consent(
        db,
        minor,
        consent(organisation_id=af, minor_basis="vardnadshavare", valid_from="2026-02-01"),
        actor_id=user.staff_id,
    )
    rows = list_consents(db, minor)
    assert [r.minor for r in rows] == [
        "Vårdnadshavare har samtyckt",
        "Den unga har själv samtyckt och bedöms mogen nog: Förstår vad uppgifterna ska "
        "användas till.",
    ]


def test_an_adult_needs_no_minor_basis_and_keeps_none(db, user, person, af):
    add_consent(
        db,
        person,
        consent(organisation_id=af, minor_basis="mognad", minor_note="Ska inte sparas."),
        actor_id=user.staff_id,
    )
    [row] = list_consents(db, person)
    assert row.minor == ""


def test_the_person_screen_shows_a_consent_whole(db, user, person, af):
    add_consent(
        db,
        person,
        consent(
            organisation_id=af,
            purposes=["samordning", "remiss"],
            purpose="Inför praktik inom lager och logistik hos en arbetsgivare i Hyllie",
            data_categories=["kontakt", "utbildning", "arbete", "halsa"],
            form="muntligt",
            valid_to="2027-06-30",
        ),
        actor_id=user.staff_id,
    )
    [row] = list_consents(db, person)
    assert consent_lines(row) == [
        "Malmö stad – Arbetsmarknadsenheten → Arbetsförmedlingen  (Gäller)",
        "Syfte: Samordning och planering av insatser, Remiss eller anvisning till insats. "
        "Inför praktik inom lager och logistik hos en arbetsgivare i Hyllie",
        "Uppgifter: Identitet, Kontaktuppgifter, Utbildning och skolgång, Arbete och "
        "insatser, Hälsa och funktionsnedsättning",
        "Gäller 2026-01-01 – 2027-06-30 · Muntligt · registrerat av Sofia Berg",
    ]


def test_an_older_consent_is_read_as_its_recorders_disclosure_for_joint_planning(
    db, user, person, af
):
    # Recorded before disclosers and purposes were named: only the receiving organisation.
    with UnitOfWork(db, user.staff_id) as uow:
        uow.create(
            Consent(
                individual_id=person,
                organisation_id=af,
                purpose="Planering av insatser",
                data_categories="kontakt,arbete",
                valid_from=date(2026, 1, 1),
                recorded_by=user.staff_id,
            )
        )
    assert ask(db, person).allowed
    assert not ask(db, person, purpose="remiss").allowed
    assert not ask(db, person, by=SOCIAL).allowed
    [row] = list_consents(db, person)
    assert consent_lines(row)[-1] == (
        "Äldre samtycke: Vem som lämnar ut är inte angivet; det är den enhet som registrerade "
        "samtycket; syftet är bara beskrivet i ord; samtycket gäller som samordning och "
        "planering av insatser."
    )


def test_an_older_consent_recorded_by_no_one_covers_no_disclosure(db, user, person, af):
    with UnitOfWork(db, None) as uow:
        uow.create(
            Consent(
                individual_id=person,
                organisation_id=af,
                data_categories="kontakt",
                valid_from=date(2026, 1, 1),
            )
        )
    assert not ask(db, person, category="kontakt").allowed
    [row] = list_consents(db, person)
    assert row.discloser == "okänd (samtycket registrerades utan uppgift om vem som lämnar ut)"


def test_a_consent_may_name_another_discloser(db, user, person, af):
    # The person signs at Jobbcenter a consent for socialtjänsten to tell AF.
    with UnitOfWork(db, None) as uow:
        unit = uow.create(Unit(organisation_id=user.organisation_id, name="Socialtjänsten"))
        uow.create(Staff(name="Tomas Nyberg", unit_id=unit.id))
    add_consent(
        db,
        person,
        consent(
            organisation_id=af,
            discloser_organisation_id=user.organisation_id,
            discloser_domain="socialtjanst",
            data_categories=["ekonomi"],
        ),
        actor_id=user.staff_id,
    )
    assert ask(db, person, by=SOCIAL, category="ekonomi").allowed
    assert not ask(db, person, category="ekonomi").allowed
