"""Referrals through the service layer: drafts, every step, the consent gate, the lock."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import func, select

from ungtui.domain.orgnr import organisation_id as organisation_id_for
from ungtui.services.consent.consents import ConsentInput, add_consent, withdraw_consent
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation, register_user
from ungtui.services.referrals.referrals import (
    ReferralDraft,
    TransitionInput,
    ViewCounts,
    add_note,
    consent_gate,
    count_referrals,
    create_referral,
    get_referral,
    list_referrals,
    referral_share,
    reply_working_days,
    set_reply_working_days,
    transition_referral,
    update_referral,
    view_counts,
)
from ungtui.store.models import Referral, ReferralEvent


@pytest.fixture
def person(db, user):
    return save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


@pytest.fixture
def af(db, user):
    """Arbetsförmedlingen and one of its caseworkers (registered after the kommun user)."""
    org = add_organisation(db, name="Arbetsförmedlingen", org_nr="2021002114", kind="af")
    return register_user(db, name="Karin Lind", unit_name="Malmö Unga", organisation_id=org)


@pytest.fixture
def fk(db, user):
    org = add_organisation(db, name="Försäkringskassan", org_nr="2021005521", kind="fk")
    return register_user(db, name="Eva Sjögren", unit_name="Lokalt", organisation_id=org)


JOBBCENTER = "Malmö stad – Arbetsmarknadsenheten"


def consent(db, person, organisation_id, **kw):
    """Jobbcenter Unga (Malmö stad's labour-market unit) may tell the receiver, for
    referrals; recorded by no one in particular, so the discloser is named."""
    values = dict(
        organisation_id=organisation_id,
        purpose="Planering av insatser",
        purposes=["remiss"],
        data_categories=["kontakt", "arbete"],
        valid_from="2026-01-01",
        discloser_organisation_id=organisation_id_for("212000-1124"),
        discloser_domain="arbetsmarknad",
    )
    values.update(kw)
    return add_consent(db, person, ConsentInput(**values), actor_id=None)


def draft_to(person, org, **kw) -> ReferralDraft:
    values = dict(
        individual_id=person,
        to_organisation_id=org.organisation_id,
        to_unit_id=org.unit_id,
        kind="provider",
        measure="Rusta och matcha",
        purpose="Stöd att hitta arbete inom lager",
    )
    values.update(kw)
    return ReferralDraft(**values)


def step(db, actor, referral_id, action, **kw) -> str:
    return transition_referral(db, actor, referral_id, TransitionInput(action=action, **kw))


def referral_count(db) -> int:
    with db.session() as session:
        return session.exec(select(func.count()).select_from(Referral)).one()


# --- drafts and the reply-by day ---------------------------------------------------------


def test_a_new_referral_is_a_draft_due_in_ten_working_days(db, user, person, af):
    referral_id = create_referral(db, user, draft_to(person, af))
    detail = get_referral(db, referral_id, actor=user)
    assert detail.state == "draft"
    assert detail.referral.reply_by == date(2026, 12, 8)
    assert detail.from_label == "Malmö stad, Jobbcenter Unga (Sofia Berg)"
    assert detail.to_label == "Arbetsförmedlingen, Malmö Unga"
    assert detail.available == ["send", "withdraw"]


def test_the_number_of_working_days_is_a_setting(db, user, person, af):
    assert reply_working_days(db) == 10
    assert set_reply_working_days(db, " 5 ") == 5
    referral_id = create_referral(db, user, draft_to(person, af))
    assert get_referral(db, referral_id).referral.reply_by == date(2026, 12, 1)
    for bad in ("0", "fem", "-3", "500"):
        with pytest.raises(ValidationError) as error:
            set_reply_working_days(db, bad)
        assert "mellan 1 och 120" in error.value.errors["days"]
    assert reply_working_days(db) == 5


def test_a_typed_reply_by_day_is_kept(db, user, person, af):
    referral_id = create_referral(db, user, draft_to(person, af, reply_by="2026-12-18"))
    assert get_referral(db, referral_id).referral.reply_by == date(2026, 12, 18)


def test_bad_input_names_each_field_and_saves_nothing(db, user, person, af):
    with pytest.raises(ValidationError) as error:
        create_referral(
            db,
            user,
            ReferralDraft(individual_id=person, kind="okänd", reply_by="2026-13-01"),
        )
    assert set(error.value.errors) == {
        "to_organisation_id",
        "kind",
        "measure",
        "purpose",
        "reply_by",
    }
    assert error.value.errors["reply_by"] == "Datumet 2026-13-01 finns inte."
    with pytest.raises(ValidationError) as error:
        create_referral(db, user, draft_to(person, af, reply_by="2026-11-20"))
    assert error.value.errors == {"reply_by": "Svara senast kan inte ligga före i dag."}
    assert referral_count(db) == 0


def test_a_unit_of_another_organisation_is_refused(db, user, person, af):
    with pytest.raises(ValidationError) as error:
        create_referral(db, user, draft_to(person, af, to_unit_id=user.unit_id))
    assert error.value.errors == {
        "to_unit_id": "Enheten hör inte till Arbetsförmedlingen. Välj en enhet där."
    }


# --- the consent gate --------------------------------------------------------------------


def test_sending_without_consent_is_blocked_and_says_which_consent(db, user, person, af):
    referral_id = create_referral(db, user, draft_to(person, af))
    with pytest.raises(ValidationError) as error:
        step(db, user, referral_id, "send")
    message = error.value.errors["exception_ground"]
    assert message.startswith(f"Samtycke saknas från {JOBBCENTER} till Arbetsförmedlingen.")
    assert get_referral(db, referral_id).state == "draft"


def test_sending_with_a_valid_consent_records_it(db, user, person, af):
    consent(db, person, af.organisation_id, valid_to="2027-06-30")
    referral_id = create_referral(db, user, draft_to(person, af))
    assert step(db, user, referral_id, "send", note="Ringt Karin först") == "sent"
    event = get_referral(db, referral_id).events[-1]
    assert event.label == "Skickad"
    assert event.consent_basis == (
        f"Samtycke från {JOBBCENTER} till Arbetsförmedlingen för remiss eller anvisning till "
        "insats gäller till 2027-06-30. Lämnas ut med remissen: Identitet, Arbete och "
        "insatser."
    )
    # What went is kept as the step recorded it (walker29 #7), whatever the consent is later.
    assert referral_share(db, referral_id).sent_categories == ("identitet", "arbete")
    assert event.consent_exception is False
    assert event.note == "Ringt Karin först"
    assert event.actor == "Sofia Berg (Malmö stad)"
    assert event.happened_on == date(2026, 11, 24)


def test_an_expired_consent_blocks_sending(db, user, person, af):
    consent(db, person, af.organisation_id, valid_from="2025-01-01", valid_to="2026-06-30")
    referral_id = create_referral(db, user, draft_to(person, af))
    with pytest.raises(ValidationError) as error:
        step(db, user, referral_id, "send")
    assert error.value.errors["exception_ground"].startswith(
        f"Samtycket från {JOBBCENTER} till Arbetsförmedlingen har gått ut."
    )


def test_a_withdrawn_consent_blocks_sending(db, user, person, af):
    consent_id = consent(db, person, af.organisation_id)
    withdraw_consent(db, consent_id, actor_id=None, on=date(2026, 11, 1))
    referral_id = create_referral(db, user, draft_to(person, af))
    gate = consent_gate(db, referral_id)
    assert (gate.needed, gate.allowed) == (True, False)
    assert gate.message.startswith(
        f"Samtycket från {JOBBCENTER} till Arbetsförmedlingen är återkallat."
    )
    with pytest.raises(ValidationError):
        step(db, user, referral_id, "send")


def test_a_consent_for_another_organisation_does_not_count(db, user, person, af, fk):
    consent(db, person, fk.organisation_id)
    referral_id = create_referral(db, user, draft_to(person, af))
    assert consent_gate(db, referral_id).allowed is False


def test_a_consent_for_another_purpose_does_not_count(db, user, person, af):
    consent(db, person, af.organisation_id, purposes=["samordning"])
    referral_id = create_referral(db, user, draft_to(person, af))
    gate = consent_gate(db, referral_id)
    assert gate.allowed is False
    assert gate.message.startswith(
        f"Samtycket från {JOBBCENTER} till Arbetsförmedlingen gäller inte för remiss eller "
        "anvisning till insats."
    )
    # A referral made for the joint planning is covered by it.
    planning = create_referral(db, user, draft_to(person, af, purpose_code="samordning"))
    assert consent_gate(db, planning).allowed is True


def test_a_consent_without_work_and_measures_does_not_cover_a_referral(db, user, person, af):
    consent(db, person, af.organisation_id, data_categories=["kontakt"])
    referral_id = create_referral(db, user, draft_to(person, af))
    assert consent_gate(db, referral_id).message.startswith(
        f"Samtycket från {JOBBCENTER} till Arbetsförmedlingen omfattar inte arbete och "
        "insatser."
    )


def test_a_recorded_exception_with_its_legal_ground_lets_it_through(db, user, person, af):
    referral_id = create_referral(db, user, draft_to(person, af))
    with pytest.raises(ValidationError):
        step(db, user, referral_id, "send", exception_ground="lag")
    ground = "OSL 10 kap. 2 § – nödvändigt för att fullgöra verksamheten"
    assert step(db, user, referral_id, "send", exception_ground=ground) == "sent"
    event = get_referral(db, referral_id).events[-1]
    assert event.consent_exception is True
    assert event.consent_basis == ground


def test_another_namnd_of_the_kommun_needs_consent_like_any_authority(db, user, person):
    vux = register_user(
        db, name="Lena Åström", unit_name="Vuxenutbildningen", organisation_id=user.organisation_id
    )
    referral_id = create_referral(
        db, user, draft_to(person, vux, kind="adult_education", measure="Utbildningskontrakt")
    )
    gate = consent_gate(db, referral_id)
    assert (gate.needed, gate.allowed) == (True, False)
    assert gate.message.startswith(
        f"Samtycke saknas från {JOBBCENTER} till Malmö stad – Vuxenutbildningen."
    )
    with pytest.raises(ValidationError):
        step(db, user, referral_id, "send")
    consent(db, person, user.organisation_id, receiver_domain="vuxenutbildning")
    assert consent_gate(db, referral_id).allowed is True
    assert step(db, user, referral_id, "send") == "sent"
    assert step(db, vux, referral_id, "receive") == "received"


def test_within_one_namnd_no_consent_is_needed(db, user, person):
    colleague = register_user(
        db, name="Jonas Ek", unit_name="Jobbtorg Centrum", organisation_id=user.organisation_id
    )
    referral_id = create_referral(db, user, draft_to(person, colleague, kind="labour_market"))
    gate = consent_gate(db, referral_id)
    assert gate.needed is False
    assert gate.message == f"Inom {JOBBCENTER}: inget samtycke behövs."
    assert step(db, user, referral_id, "send") == "sent"


# --- the steps ---------------------------------------------------------------------------


@pytest.fixture
def sent(db, user, person, af):
    consent(db, person, af.organisation_id)
    referral_id = create_referral(db, user, draft_to(person, af))
    step(db, user, referral_id, "send")
    return referral_id


def test_the_whole_way_to_finished_with_an_outcome(db, user, af, sent):
    assert step(db, af, sent, "receive") == "received"
    assert get_referral(db, sent, actor=af).available == ["accept", "decline"]
    assert step(db, af, sent, "accept", note="Plats från 2026-12-01") == "accepted"
    assert step(db, af, sent, "start") == "started"
    with pytest.raises(ValidationError) as error:
        step(db, af, sent, "finish")
    assert error.value.errors == {"outcome": "Välj utfallet av insatsen."}
    assert step(db, af, sent, "finish", outcome="work") == "finished"
    detail = get_referral(db, sent)
    assert [e.label for e in detail.events] == [
        "Skickad",
        "Mottagen",
        "Accepterad",
        "Påbörjad",
        "Avslutad",
    ]
    assert detail.events[-1].outcome == "Arbete"
    assert detail.events[-1].actor == "Karin Lind (Arbetsförmedlingen)"
    assert all(e.applied for e in detail.events)


def test_an_illegal_step_is_refused_with_the_reason(db, af, sent):
    with pytest.raises(ServiceError) as error:
        step(db, af, sent, "accept")
    assert str(error.value) == (
        "Remissen är skickad men inte mottagen. Det går inte att acceptera den. "
        "Möjligt nu: ta emot, återkalla."
    )
    with pytest.raises(ServiceError):
        step(db, af, sent, "finish", outcome="work")
    assert get_referral(db, sent).state == "sent"


def test_declining_needs_a_reason(db, af, sent):
    step(db, af, sent, "receive")
    with pytest.raises(ValidationError) as error:
        step(db, af, sent, "decline", reason="   ")
    assert error.value.errors == {
        "reason": "Skriv skälet till att remissen avböjs. Det krävs och sparas."
    }
    assert get_referral(db, sent).state == "received"
    assert step(db, af, sent, "decline", reason="Ingen plats förrän i mars") == "declined"
    assert get_referral(db, sent).events[-1].reason == "Ingen plats förrän i mars"
    with pytest.raises(ServiceError):
        step(db, af, sent, "accept")


def test_only_the_sender_withdraws_and_with_a_reason(db, user, af, sent):
    with pytest.raises(ServiceError) as error:
        step(db, af, sent, "withdraw", reason="Fel mottagare")
    assert str(error.value) == "Bara avsändaren (Malmö stad) kan återkalla remissen."
    with pytest.raises(ValidationError) as error:
        step(db, user, sent, "withdraw")
    assert set(error.value.errors) == {"reason"}
    assert step(db, user, sent, "withdraw", reason="Personen har fått arbete") == "withdrawn"
    with pytest.raises(ServiceError):
        step(db, user, sent, "withdraw", reason="igen")


def test_withdrawing_after_the_start_but_not_after_the_finish(db, user, af, sent):
    step(db, af, sent, "receive")
    step(db, af, sent, "accept")
    step(db, af, sent, "start")
    assert step(db, user, sent, "withdraw", reason="Flyttar") == "withdrawn"


def test_a_finished_referral_cannot_be_withdrawn(db, user, af, sent):
    for action in ("receive", "accept", "start"):
        step(db, af, sent, action)
    step(db, af, sent, "finish", outcome="studies")
    with pytest.raises(ServiceError) as error:
        step(db, user, sent, "withdraw", reason="För sent")
    assert str(error.value).startswith("Remissen är avslutad.")


def test_a_third_party_takes_no_steps(db, fk, sent):
    with pytest.raises(ServiceError) as error:
        step(db, fk, sent, "receive")
    assert str(error.value) == "Bara mottagaren (Arbetsförmedlingen) kan ta emot remissen."
    with pytest.raises(ServiceError):
        add_note(db, fk, sent, "Hej")


def test_the_sender_does_not_take_the_receivers_step(db, user, af, sent):
    with pytest.raises(ServiceError) as error:
        step(db, user, sent, "receive")
    assert str(error.value) == (
        "Det är mottagarens steg: Arbetsförmedlingen gör det i sin ungtui, och det kommer hit "
        "med nästa fil. Använder mottagaren inte ungtui kan du registrera svaret åt mottagaren; "
        "historiken visar då att du gjorde det."
    )
    detail = get_referral(db, sent, actor=user)
    assert (detail.available, detail.for_receiver) == (["withdraw"], ["receive"])
    assert get_referral(db, sent, actor=af).available == ["receive"]
    assert get_referral(db, sent, actor=af).for_receiver == []
    # Once the receiver has taken a step of its own, it uses ungtui: nothing is offered
    # to record for it (walker30 saw 'o' after AF's steps had come by file).
    step(db, af, sent, "receive")
    assert get_referral(db, sent, actor=user).for_receiver == []


def test_the_sender_records_an_answer_for_a_receiver_without_ungtui(db, user, af, sent):
    assert step(db, user, sent, "receive", for_receiver=True) == "received"
    assert step(db, user, sent, "accept", for_receiver=True, note="Per telefon") == "accepted"
    # Asked for by the receiver itself, the flag changes nothing: it is the receiver's step.
    assert step(db, af, sent, "start", for_receiver=True) == "started"
    events = get_referral(db, sent).events
    assert [(e.label, e.for_receiver) for e in events] == [
        ("Skickad", False),
        ("Mottagen", True),
        ("Accepterad", True),
        ("Påbörjad", False),
    ]


def test_both_parties_write_notes_and_nobody_else(db, user, af, fk, sent):
    add_note(db, user, sent, "Ringde Åsa")
    add_note(db, af, sent, "Plats finns")
    assert [e.note for e in get_referral(db, sent).events if e.label == "Anteckning"] == [
        "Ringde Åsa",
        "Plats finns",
    ]


def test_dates_cannot_be_in_the_future_or_before_the_previous_step(db, af, sent):
    with pytest.raises(ValidationError) as error:
        step(db, af, sent, "receive", happened_on="2026-11-25")
    assert error.value.errors == {"happened_on": "Datumet kan inte ligga i framtiden."}
    with pytest.raises(ValidationError) as error:
        step(db, af, sent, "receive", happened_on="2026-11-20")
    assert error.value.errors == {
        "happened_on": "Datumet kan inte vara före förra steget (2026-11-24)."
    }
    # "igår" is a day like any other typed one (the one date syntax), here too early.
    with pytest.raises(ValidationError) as error:
        step(db, af, sent, "receive", happened_on="igår")
    assert error.value.errors == {
        "happened_on": "Datumet kan inte vara före förra steget (2026-11-24)."
    }
    with pytest.raises(ValidationError) as error:
        step(db, af, sent, "receive", happened_on="häromdagen")
    assert "förstås inte som en dag" in error.value.errors["happened_on"]


# --- the lock after acceptance -----------------------------------------------------------


def test_content_changes_until_acceptance_then_only_notes(db, user, person, af, sent):
    update_referral(db, user, sent, draft_to(person, af, measure="Arbetsträning"))
    assert get_referral(db, sent).referral.measure == "Arbetsträning"
    step(db, af, sent, "receive")
    step(db, af, sent, "accept")
    with pytest.raises(ServiceError) as error:
        update_referral(db, user, sent, draft_to(person, af, measure="Något annat"))
    assert str(error.value) == (
        "Remissen är accepterad och innehållet är låst. Du kan lägga till en anteckning."
    )
    assert get_referral(db, sent).referral.measure == "Arbetsträning"
    add_note(db, user, sent, "Personen har fått startdatum")
    add_note(db, af, sent, "Första träffen bokad")
    detail = get_referral(db, sent)
    assert detail.state == "accepted"
    assert [e.label for e in detail.events][-2:] == ["Anteckning", "Anteckning"]
    with pytest.raises(ValidationError):
        add_note(db, user, sent, "  ")


def test_the_receiver_cannot_change_the_content(db, person, af, sent):
    with pytest.raises(ServiceError) as error:
        update_referral(db, af, sent, draft_to(person, af, measure="Annat"))
    assert str(error.value) == "Bara avsändaren kan ändra remissen."


# --- views -------------------------------------------------------------------------------


def test_inbox_sent_and_overdue(db, user, person, af, sent):
    draft_id = create_referral(db, user, draft_to(person, af, measure="Utkast"))
    org = af.organisation_id
    inbox = list_referrals(db, "inbox", organisation_id=org)
    assert [r.id for r in inbox] == [sent]  # the draft is not in their inbox
    assert inbox[0].person == "Öberg, Åsa"
    assert inbox[0].state_label == "Skickad"
    outbox = list_referrals(db, "sent", organisation_id=user.organisation_id)
    assert [r.id for r in outbox] == [sent, draft_id]  # waiting for an answer first
    assert list_referrals(db, "overdue", organisation_id=org) == []
    later = date(2026, 12, 9)
    overdue = list_referrals(db, "overdue", organisation_id=org, today=later)
    assert [(r.id, r.overdue) for r in overdue] == [(sent, True)]
    assert view_counts(db, org, today=later) == ViewCounts(1, 1, 0, 1)
    assert view_counts(db, user.organisation_id, today=date(2026, 12, 8)) == ViewCounts(0, 0, 2, 0)
    step(db, af, sent, "receive")
    step(db, af, sent, "decline", reason="Ingen plats")
    assert list_referrals(db, "inbox", organisation_id=org) == []
    assert count_referrals(db, "inbox", organisation_id=org, include_ended=True) == 1
    assert [r.id for r in list_referrals(db, "person", individual_id=person)] == [draft_id, sent]


def test_overdue_ones_come_first_and_pages_do_not_overlap(db, user, person, af):
    consent(db, person, af.organisation_id)
    ids = []
    for day in ("2026-12-20", "2026-11-30", "2026-12-10", "2026-11-26"):
        referral_id = create_referral(db, user, draft_to(person, af, reply_by=day))
        step(db, user, referral_id, "send")
        ids.append(referral_id)
    rows = list_referrals(db, "inbox", organisation_id=af.organisation_id, today=date(2026, 12, 1))
    assert [(r.reply_by.isoformat(), r.overdue) for r in rows] == [
        ("2026-11-26", True),
        ("2026-11-30", True),
        ("2026-12-10", False),
        ("2026-12-20", False),
    ]
    first = list_referrals(db, "inbox", organisation_id=af.organisation_id, limit=2)
    second = list_referrals(db, "inbox", organisation_id=af.organisation_id, offset=2, limit=2)
    assert {r.id for r in first} | {r.id for r in second} == set(ids)


def test_events_are_written_once_and_logged(db, user, sent):
    with db.session() as session:
        events = session.exec(select(ReferralEvent)).all()
    assert [(e.action, e.step) for e in events] == [("send", 1)]
    assert events[0].individual_id == get_referral(db, sent).referral.individual_id
