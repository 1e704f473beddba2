"""Who a referral's parties are inside one kommun, and what a step's date is.

Malmö stad has Jobbcenter Unga (the labour-market unit, Sofia) and KAA-enheten (the
school side, Miriam): two nämnder, two parties under secrecy. Jobbtorg (Omar) is a
second unit of the labour-market nämnd. Sofia's referral to KAA-enheten is in her
Skickade, not in her inbox, nor in Omar's Skickade; only KAA-enheten receives it. AF's
referral to Jobbcenter Unga is in Sofia's inbox and not Miriam's or Omar's; one to Malmö
stad without a unit is in every unit's until one of them has received it.
"""

from __future__ import annotations

from datetime import date

import pytest

from ungtui.domain.working_days import working_days_until
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation, register_user
from ungtui.services.referrals.referrals import (
    ReferralDraft,
    TransitionInput,
    ViewCounts,
    add_note,
    count_referrals,
    create_referral,
    get_referral,
    list_referrals,
    transition_referral,
    update_referral,
    view_counts,
)

GROUND = "Lag (2001:453) 12 kap. 10 §, nödvändigt för insatsen"


@pytest.fixture
def miriam(db, user):
    return register_user(
        db, name="Miriam Haddad", unit_name="KAA-enheten", organisation_id=user.organisation_id
    )


@pytest.fixture
def social(db, user):
    return register_user(
        db, name="Lars Ek", unit_name="Socialtjänsten", organisation_id=user.organisation_id
    )


@pytest.fixture
def omar(db, user):
    """Jobbtorg: the same nämnd as Sofia's Jobbcenter Unga, another unit."""
    return register_user(
        db, name="Omar Said", unit_name="Jobbtorg", organisation_id=user.organisation_id
    )


@pytest.fixture
def af(db, user):
    org = add_organisation(db, name="Arbetsförmedlingen", org_nr="2021002114", kind="af")
    return register_user(db, name="Karin Lind", unit_name="Malmö Unga", organisation_id=org)


@pytest.fixture
def person(db, user):
    return save_individual(
        db,
        IndividualInput(identity="20090502-9807", first_name="Emma", last_name="Kowalski"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


def make(db, actor, person, to, *, unit=True, send=True) -> str:
    referral_id = create_referral(
        db,
        actor,
        ReferralDraft(
            individual_id=person,
            to_organisation_id=to.organisation_id,
            to_unit_id=to.unit_id if unit else None,
            kind="other",
            measure="Kartläggning i En väg in",
            purpose="Hitta en väg tillbaka till skolan",
        ),
    )
    if send:
        step(db, actor, referral_id, "send", exception_ground=GROUND)
    return referral_id


def step(db, actor, referral_id, action, **kw) -> str:
    return transition_referral(db, actor, referral_id, TransitionInput(action=action, **kw))


def ids(rows) -> set[str]:
    return {r.id for r in rows}


# --- who may take which step --------------------------------------------------------------


def test_only_the_addressed_unit_receives_within_one_kommun(db, user, miriam, person):
    to_kaa = make(db, user, person, miriam)
    with pytest.raises(ServiceError) as error:
        step(db, user, to_kaa, "receive")
    assert str(error.value) == (
        "Det är mottagarens steg: Malmö stad, KAA-enheten gör det i sin ungtui, och det "
        "kommer hit med nästa fil. Använder mottagaren inte ungtui kan du registrera svaret "
        "åt mottagaren; historiken visar då att du gjorde det."
    )
    sofia_sees = get_referral(db, to_kaa, actor=user)
    assert (sofia_sees.available, sofia_sees.for_receiver) == (["withdraw"], ["receive"])
    assert sofia_sees.is_sender is True
    miriam_sees = get_referral(db, to_kaa, actor=miriam)
    assert (miriam_sees.available, miriam_sees.for_receiver) == (["receive"], [])
    assert miriam_sees.is_sender is False
    assert step(db, miriam, to_kaa, "receive") == "received"


def test_the_receiving_unit_neither_withdraws_nor_changes_the_content(db, user, miriam, person):
    to_kaa = make(db, user, person, miriam)
    with pytest.raises(ServiceError) as error:
        step(db, miriam, to_kaa, "withdraw", reason="Fel mottagare")
    assert str(error.value) == (
        "Bara avsändaren (Malmö stad, Jobbcenter Unga) kan återkalla remissen."
    )
    with pytest.raises(ServiceError) as error:
        update_referral(
            db,
            miriam,
            to_kaa,
            ReferralDraft(
                individual_id=person,
                to_organisation_id=miriam.organisation_id,
                to_unit_id=miriam.unit_id,
                kind="other",
                measure="Annat",
                purpose="Annat",
            ),
        )
    assert str(error.value) == "Bara avsändaren kan ändra remissen."
    assert step(db, user, to_kaa, "withdraw", reason="Fel mottagare") == "withdrawn"


def test_a_third_nämnd_of_the_same_kommun_takes_no_part(db, user, miriam, social, person):
    to_kaa = make(db, user, person, miriam)
    with pytest.raises(ServiceError) as error:
        step(db, social, to_kaa, "receive")
    assert str(error.value) == "Bara mottagaren (Malmö stad, KAA-enheten) kan ta emot remissen."
    with pytest.raises(ServiceError):
        add_note(db, social, to_kaa, "Hej")
    assert get_referral(db, to_kaa, actor=social).available == []
    add_note(db, miriam, to_kaa, "Ringer Emma i morgon")


def test_a_referral_to_the_kommun_without_a_unit_is_for_any_of_its_units(
    db, user, miriam, af, person
):
    to_malmo = make(db, af, person, user, unit=False)
    assert get_referral(db, to_malmo, actor=user).available == ["receive"]
    assert get_referral(db, to_malmo).to_label == "Malmö stad"
    assert get_referral(db, to_malmo, actor=miriam).available == ["receive"]
    assert step(db, miriam, to_malmo, "receive") == "received"
    # KAA-enheten took it: it answers, and the referral leaves Jobbcenter Unga's inbox.
    assert get_referral(db, to_malmo, actor=miriam).available == ["accept", "decline"]
    assert get_referral(db, to_malmo, actor=user).available == []
    assert get_referral(db, to_malmo).to_label == (
        "Malmö stad (hela organisationen; mottagen av KAA-enheten)"
    )
    with pytest.raises(ServiceError) as error:
        step(db, user, to_malmo, "accept")
    assert str(error.value) == (
        "Bara mottagaren (Malmö stad, KAA-enheten) kan acceptera remissen."
    )
    org = user.organisation_id
    assert ids(list_referrals(db, "inbox", organisation_id=org, own_unit_id=user.unit_id)) == set()
    assert ids(
        list_referrals(db, "inbox", organisation_id=org, own_unit_id=miriam.unit_id)
    ) == {to_malmo}


def test_a_second_unit_of_the_same_nämnd_neither_sees_nor_takes_steps(
    db, user, omar, miriam, af, person
):
    to_jobbcenter = make(db, af, person, user)
    from_jobbcenter = make(db, user, person, miriam)
    org = user.organisation_id
    # One nämnd, so no consent stands between the two units; the referral is still
    # Jobbcenter Unga's, and Jobbtorg does not have it in any list.
    for view in ("inbox", "sent", "overdue"):
        assert list_referrals(db, view, organisation_id=org, own_unit_id=omar.unit_id) == []
    assert view_counts(db, org, own_unit_id=omar.unit_id) == ViewCounts(0, 0, 0, 0)
    assert get_referral(db, to_jobbcenter, actor=omar).available == []
    with pytest.raises(ServiceError) as error:
        step(db, omar, to_jobbcenter, "receive")
    assert str(error.value) == (
        "Bara mottagaren (Malmö stad, Jobbcenter Unga) kan ta emot remissen."
    )
    with pytest.raises(ServiceError) as error:
        step(db, omar, from_jobbcenter, "withdraw", reason="Fel mottagare")
    assert str(error.value) == (
        "Bara avsändaren (Malmö stad, Jobbcenter Unga) kan återkalla remissen."
    )
    with pytest.raises(ServiceError):
        add_note(db, omar, to_jobbcenter, "Hej")
    # Nothing was written: still not received, and only the send in the history.
    detail = get_referral(db, to_jobbcenter, actor=user)
    assert (detail.state, [e.label for e in detail.events]) == ("sent", ["Skickad"])
    assert step(db, user, to_jobbcenter, "receive") == "received"


def test_a_copy_of_the_unit_recorded_on_another_install_is_the_same_unit(
    db, user, omar, af, person
):
    from ungtui.store.models import Unit

    with db.session() as session:
        # The same name, organisation and nämnd, recorded before the installs met.
        copy = Unit(organisation_id=user.organisation_id, name="jobbcenter  unga")
        session.add(copy)
        session.commit()
        copy_id = copy.id
    referral_id = create_referral(
        db,
        af,
        ReferralDraft(
            individual_id=person,
            to_organisation_id=user.organisation_id,
            to_unit_id=copy_id,
            kind="other",
            measure="Kartläggning i En väg in",
            purpose="Hitta en väg tillbaka till skolan",
        ),
    )
    step(db, af, referral_id, "send", exception_ground=GROUND)
    org = user.organisation_id
    assert ids(list_referrals(db, "inbox", organisation_id=org, own_unit_id=user.unit_id)) == {
        referral_id
    }
    assert list_referrals(db, "inbox", organisation_id=org, own_unit_id=omar.unit_id) == []
    assert get_referral(db, referral_id, actor=omar).available == []
    assert step(db, user, referral_id, "receive") == "received"


# --- the inbox ----------------------------------------------------------------------------


def test_the_inbox_holds_what_is_addressed_to_my_unit_and_not_what_it_sent(
    db, user, miriam, af, person
):
    to_kaa = make(db, user, person, miriam)
    to_jobbcenter = make(db, af, person, user)
    to_malmo = make(db, af, person, user, unit=False)
    make(db, af, person, user, send=False)  # a draft at AF: in nobody's inbox
    org = user.organisation_id

    def inbox(actor) -> set[str]:
        return ids(list_referrals(db, "inbox", organisation_id=org, own_unit_id=actor.unit_id))

    assert inbox(user) == {to_jobbcenter, to_malmo}
    assert inbox(miriam) == {to_kaa, to_malmo}
    assert count_referrals(db, "inbox", organisation_id=org, own_unit_id=user.unit_id) == 2
    assert ids(list_referrals(db, "sent", organisation_id=org, unit_id=user.unit_id)) == {to_kaa}
    assert ids(list_referrals(db, "sent", organisation_id=org, own_unit_id=user.unit_id)) == {
        to_kaa
    }
    assert list_referrals(db, "sent", organisation_id=org, own_unit_id=miriam.unit_id) == []
    # inbox, new (sent, not received), sent by my unit, overdue
    assert view_counts(db, org, own_unit_id=user.unit_id) == ViewCounts(2, 2, 1, 0)
    assert view_counts(db, org, own_unit_id=miriam.unit_id) == ViewCounts(2, 2, 0, 0)
    step(db, user, to_jobbcenter, "receive")
    assert view_counts(db, org, own_unit_id=user.unit_id) == ViewCounts(2, 1, 1, 0)
    # "Min enhet" leaves out what was sent to the whole organisation.
    mine = list_referrals(
        db, "inbox", organisation_id=org, own_unit_id=user.unit_id, unit_id=user.unit_id
    )
    assert ids(mine) == {to_jobbcenter}


def test_overdue_counts_only_what_waits_on_my_units_answer_or_on_its_referral(
    db, user, miriam, af, social, person
):
    to_kaa = make(db, user, person, miriam)  # reply by 2026-12-08
    to_social = make(db, miriam, person, social)  # KAA's to Socialtjänsten, also Malmö's
    late = date(2026, 12, 9)
    org = user.organisation_id

    def overdue(actor) -> set[str]:
        rows = list_referrals(
            db, "overdue", organisation_id=org, own_unit_id=actor.unit_id, today=late
        )
        return ids(rows)

    # Sofia waits for KAA's answer to her unit's referral. KAA's referral to
    # Socialtjänsten is neither hers to send nor to answer, though Malmö stad made both.
    assert overdue(user) == {to_kaa}
    assert overdue(miriam) == {to_kaa, to_social}  # to answer one, waiting on the other
    assert overdue(social) == {to_social}
    # inbox, new, sent, overdue
    assert view_counts(db, org, own_unit_id=social.unit_id, today=late) == ViewCounts(
        1, 1, 0, 1
    )
    assert view_counts(db, org, own_unit_id=miriam.unit_id, today=late) == ViewCounts(
        1, 1, 1, 2
    )


# --- a step's date ------------------------------------------------------------------------


def test_the_step_is_dated_by_the_day_typed_within_its_bounds(db, user, miriam, person):
    # Today is 2026-11-24 (tests/conftest.py).
    to_kaa = make(db, user, person, miriam, send=False)
    with pytest.raises(ValidationError) as error:
        step(db, user, to_kaa, "send", happened_on="2027-01-01", exception_ground=GROUND)
    assert error.value.errors == {"happened_on": "Datumet kan inte ligga i framtiden."}
    step(db, user, to_kaa, "send", happened_on="2026-11-15", exception_ground=GROUND)
    with pytest.raises(ValidationError) as error:
        step(db, miriam, to_kaa, "receive", happened_on="2026-11-01")
    assert error.value.errors == {
        "happened_on": "Datumet kan inte vara före förra steget (2026-11-15)."
    }
    step(db, miriam, to_kaa, "receive", happened_on="2026-11-16")
    events = get_referral(db, to_kaa).events
    assert [(e.label, e.happened_on, e.note) for e in events] == [
        ("Skickad", date(2026, 11, 15), ""),
        ("Mottagen", date(2026, 11, 16), ""),
    ]
    row = list_referrals(db, "sent", organisation_id=user.organisation_id)[0]
    assert row.changed_on == date(2026, 11, 16)


# --- working days to a typed reply-by day -------------------------------------------------


def test_working_days_until_a_day():
    tuesday = date(2026, 12, 1)
    assert working_days_until(tuesday, date(2026, 12, 15)) == 10
    assert working_days_until(tuesday, date(2026, 12, 2)) == 1
    assert working_days_until(tuesday, tuesday) == 0
    assert working_days_until(tuesday, date(2026, 11, 1)) == 0
    # Saturday and Sunday add nothing: Friday the 4th is the 3rd, Sunday the 6th too.
    assert working_days_until(tuesday, date(2026, 12, 6)) == 3
    # Julafton to annandag jul are not working days; 28 Dec (Monday) is the 17th.
    assert working_days_until(tuesday, date(2026, 12, 28)) == 17


def test_the_inbox_taken_out_as_a_list_is_the_one_on_screen(db, user, miriam, af, person):
    from ungtui.services.privacy.list_export import referral_rows

    make(db, user, person, miriam)
    make(db, af, person, user)
    make(db, af, person, user, unit=False)
    exported = [row for _, row in referral_rows(db, user, ("inbox",), False, False)]
    assert sorted((row[0], row[3], row[9]) for row in exported) == [
        ("Inkorg", "Skickad", "Malmö stad"),
        ("Inkorg", "Skickad", "Malmö stad, Jobbcenter Unga"),
    ]


def test_skickade_taken_out_as_a_list_is_the_units_own(db, user, omar, miriam, af, person):
    from ungtui.services.privacy.list_export import referral_rows

    make(db, user, person, miriam)
    make(db, af, person, user)

    def exported(actor) -> list[tuple]:
        rows = referral_rows(db, actor, ("inbox", "sent", "overdue"), False, False)
        return sorted((row[0], row[8], row[9]) for _, row in rows)

    assert exported(user) == [
        ("Inkorg", "Arbetsförmedlingen, Malmö Unga", "Malmö stad, Jobbcenter Unga"),
        ("Skickade", "Malmö stad, Jobbcenter Unga", "Malmö stad, KAA-enheten"),
    ]
    assert exported(omar) == []


def test_the_persons_page_shows_the_referrals_my_nämnd_takes_part_in(
    db, user, omar, miriam, social, af, person
):
    to_kaa = make(db, user, person, miriam)  # Jobbcenter Unga's: Jobbtorg's nämnd
    kaa_to_social = make(db, miriam, person, social)  # two other nämnder
    to_malmo = make(db, af, person, user, unit=False)
    org = user.organisation_id

    def page(actor) -> set[str]:
        return ids(
            list_referrals(
                db, "person", individual_id=person, organisation_id=org, own_unit_id=actor.unit_id
            )
        )

    assert page(omar) == {to_kaa, to_malmo}
    assert page(social) == {kaa_to_social, to_malmo}
    assert page(miriam) == {to_kaa, kaa_to_social, to_malmo}
    step(db, miriam, to_malmo, "receive")  # KAA-enheten took it: now KAA's
    assert page(omar) == {to_kaa}
    assert count_referrals(
        db, "person", individual_id=person, organisation_id=org, own_unit_id=omar.unit_id
    ) == 1
