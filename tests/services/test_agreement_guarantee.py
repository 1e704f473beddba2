"""A guarantee is an agreement's rule (Ungdomskontraktet, seed 003), for people whose
case a party holds, from the day they joined; hand-written dates (today 2026-11-24)."""

from __future__ import annotations

from datetime import date

import pytest

from ungtui.domain.guarantee import AgreementGuarantee, GuaranteeRule, GuaranteeRules
from ungtui.services.errors import ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation
from ungtui.services.processes.agreements import AgreementInput, save_agreement
from ungtui.services.way.guarantee import count_watch, list_watch
from ungtui.services.way.guarantee_rules import guarantee_rules, set_agreement_guarantee
from ungtui.services.way.way import WayStartInput, get_way, start_way
from ungtui.store.models import Agreement


def way_for(db, user, first, birth, joined, organisation_id, municipality="") -> str:
    pid = save_individual(
        db,
        IndividualInput(
            first_name=first, last_name="Avtalsson", birth_date=birth, municipality=municipality
        ),
        actor_id=user.staff_id,
        organisation_id=organisation_id,
    )
    start_way(db, pid, WayStartInput(entry_date=joined, joined_on=joined), actor_id=user.staff_id)
    return pid


@pytest.fixture
def orgs(db, user):
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    other = add_organisation(db, name="Vellinge kommun", org_nr="212000-1090", kind="kommun")
    return user.organisation_id, af, other


def agreement(db, parties, valid_from: str | None, **extra) -> str:
    return save_agreement(
        db,
        AgreementInput(
            title="Ungdomskontraktet",
            party_ids=list(parties),
            valid_from=date.fromisoformat(valid_from) if valid_from else None,
            **extra,
        ),
        actor_id=None,
    )


def test_a_way_follows_the_agreement_in_force_on_the_day_the_person_joined():
    older = GuaranteeRule(16, 24, 90)
    newer = GuaranteeRule(16, 29, 60)
    rules = GuaranteeRules(
        (
            AgreementGuarantee("ny", frozenset({"malmo"}), date(2026, 1, 1), None, newer),
            AgreementGuarantee(
                "gammal", frozenset({"malmo"}), date(2024, 1, 1), date(2026, 3, 31), older
            ),
        ),
    )
    assert rules.for_way("malmo", date(2025, 12, 31)).rule == older
    assert rules.for_way("malmo", date(2026, 1, 1)).rule == newer
    # Before either, or in an organisation that is no party: no guarantee at all.
    assert rules.for_way("malmo", date(2023, 12, 31)) is None
    assert rules.for_way("vellinge", date(2026, 6, 1)) is None
    assert rules.for_way(None, date(2026, 6, 1)) is None


def test_registered_in_another_municipality_is_not_covered():
    kontrakt = AgreementGuarantee(
        "vasteras",
        frozenset({"vasteras", "af"}),
        None,  # the appendix gives no start date
        None,
        GuaranteeRule(16, 24, 90),
        municipalities=frozenset({"Västerås"}),
    )
    rules = GuaranteeRules((kontrakt,))
    assert rules.for_way("af", date(2026, 6, 1), "Västerås") is kontrakt
    assert rules.for_way("af", date(2026, 6, 1), "") is kontrakt  # not recorded
    assert rules.for_way("af", date(2026, 6, 1), "Malmö") is None


def test_the_agreements_ages_and_days_decide_the_watch_list(db, user, orgs):
    malmo, af, other = orgs
    aid = agreement(db, [malmo, af], "2026-01-01")
    set_agreement_guarantee(db, aid, min_age=16, max_age=29, days=60, actor_id=user.staff_id)
    # 26 when joining: inside 16–29; 60 days.
    covered = way_for(db, user, "Tjugosex", "2000-05-01", "2026-09-01", malmo)
    # The same age in an organisation that is no party: no guarantee.
    outside = way_for(db, user, "Utanför", "2000-05-01", "2026-09-01", other)
    # Joined before the agreement began: no guarantee then.
    before = way_for(db, user, "Tidigare", "2003-01-01", "2025-12-20", malmo)
    # Joined 2026-10-10: 60 days end 2026-12-09, 15 days away.
    way_for(db, user, "Senare", "2006-01-01", "2026-10-10", malmo)
    # Joined 2026-10-05: 60 days end 2026-12-04, 10 days away.
    way_for(db, user, "Nära", "2006-01-01", "2026-10-05", malmo)
    rows = list_watch(db)
    assert [(r.name, r.deadline, r.days_left) for r in rows] == [
        ("Avtalsson, Tjugosex", date(2026, 10, 31), -24),
        ("Avtalsson, Nära", date(2026, 12, 4), 10),
    ]
    assert count_watch(db) == (1, 1)
    assert [r.name for r in list_watch(db, offset=1, limit=1)] == ["Avtalsson, Nära"]
    way = get_way(db, covered).current
    assert (way.guarantee.state, way.guarantee.deadline) == ("passerad", date(2026, 10, 31))
    assert get_way(db, outside).current.guarantee.state == "ingen"
    assert get_way(db, before).current.guarantee.state == "ingen"


def test_notice_ends_the_agreements_guarantee_for_later_joins(db, user, orgs):
    malmo, af, _other = orgs
    aid = agreement(db, [malmo, af], "2026-01-01", notice_months=3)
    set_agreement_guarantee(db, aid, min_age=16, max_age=29, days=90, actor_id=None)
    with db.session() as session:
        row = session.get(Agreement, aid)
        row.notice_given_on = date(2026, 5, 31)
        session.add(row)
        session.commit()
    # In force to 2026-08-31: a join that day is covered at 27, the next day's is not.
    way_for(db, user, "Sista", "1999-01-01", "2026-08-31", malmo)
    way_for(db, user, "Efter", "1999-01-01", "2026-09-01", malmo)
    assert [r.name for r in list_watch(db)] == ["Avtalsson, Sista"]
    assert guarantee_rules(db).agreements[0].in_force_until == date(2026, 8, 31)


def test_an_agreement_without_a_start_date_holds_its_guarantee_from_the_start(
    db, user, orgs
):
    malmo, af, _other = orgs
    aid = agreement(db, [malmo, af], None)
    set_agreement_guarantee(db, aid, min_age=16, max_age=24, days=90, actor_id=None)
    way_for(db, user, "Tidig", "2002-01-01", "2019-05-01", malmo)  # 17 then
    assert [r.name for r in list_watch(db)] == ["Avtalsson, Tidig"]


def test_the_agreements_guarantee_is_refused_when_half_filled_and_can_be_cleared(
    db, user, orgs
):
    malmo, af, _other = orgs
    aid = agreement(db, [malmo, af], "2026-01-01")
    with pytest.raises(ValidationError) as refused:
        set_agreement_guarantee(db, aid, min_age=16, max_age=None, days=90, actor_id=None)
    assert "lämna alla tomma" in refused.value.errors["ages"]
    with pytest.raises(ValidationError) as refused:
        set_agreement_guarantee(db, aid, min_age=25, max_age=16, days=90, actor_id=None)
    assert "lägsta först" in refused.value.errors["ages"]
    with pytest.raises(ValidationError) as refused:
        set_agreement_guarantee(db, aid, min_age=16, max_age=24, days=0, actor_id=None)
    assert "mellan 1 och 365" in refused.value.errors["days"]
    with pytest.raises(ValidationError) as refused:
        set_agreement_guarantee(
            db, aid, min_age=16, max_age=24, days=90, counts="nagot", actor_id=None
        )
    assert refused.value.errors == {"counts": "Välj vad som räknas som insats."}
    assert guarantee_rules(db).agreements == ()
    set_agreement_guarantee(db, aid, min_age=18, max_age=29, days=30, counts="alla", actor_id=None)
    assert guarantee_rules(db).agreements[0].rule == GuaranteeRule(18, 29, 30, "alla")
    set_agreement_guarantee(db, aid, min_age=None, max_age=None, days=None, actor_id=None)
    assert guarantee_rules(db).agreements == ()


def test_notice_by_a_party_runs_to_the_end_of_the_notice_period(db, user, orgs):
    from ungtui.services.errors import ServiceError
    from ungtui.services.processes.agreements import check_notice, get_agreement, give_notice

    malmo, af, other = orgs
    aid = agreement(db, [malmo, af], "2026-01-01", notice_months=3)
    with pytest.raises(ValidationError) as refused:
        check_notice(db, aid, on_text="2025-12-31", party_id=other)
    assert refused.value.errors == {
        "party": "Bara en part i överenskommelsen kan säga upp den.",
        "on": "Överenskommelsen gäller från 2026-01-01; uppsägningen kan inte ligga före det.",
    }
    # Three months from 31 August: 30 November, the month's last day.
    last = give_notice(db, aid, on=date(2026, 8, 31), party_id=af, actor_id=None)
    assert last == date(2026, 11, 30)
    detail = get_agreement(db, aid)
    assert (detail.state, detail.notice_given_by) == ("uppsagd", "Arbetsförmedlingen")
    with pytest.raises(ServiceError) as refused:
        check_notice(db, aid, on_text="2026-11-24", party_id=malmo)
    assert str(refused.value) == (
        "Överenskommelsen sades redan upp 2026-08-31; den gäller t.o.m. 2026-11-30."
    )


def test_an_agreement_without_a_notice_period_does_not_end_the_day_notice_is_given(
    db, user, orgs
):
    """Seeds 001 and 004 state no notice period: notice is recorded, and the agreement
    stays under notice until the parties set its last day."""
    from ungtui.services.processes.agreements import get_agreement, give_notice

    malmo, af, _other = orgs
    aid = agreement(db, [malmo, af], "2023-01-01")
    assert give_notice(db, aid, on=date(2026, 10, 1), party_id=af, actor_id=None) is None
    detail = get_agreement(db, aid, today=date(2027, 6, 1))
    assert (detail.state, detail.state_text) == (
        "uppsagd",
        "Uppsagd 2026-10-01; ingen uppsägningstid angiven, sista dag inte bestämd",
    )
    other = agreement(db, [malmo, af], "2023-01-01")
    last = give_notice(
        db, other, on=date(2026, 10, 1), party_id=af, actor_id=None, last_day=date(2026, 12, 31)
    )
    assert last == date(2026, 12, 31)
    assert get_agreement(db, other, today=date(2027, 1, 1)).state_text == "Upphört 2026-12-31"
