"""The 90-day guarantee set per agreement, with hand-written dates (today 2026-11-24)."""

from __future__ import annotations

from datetime import date

import pytest

from ungtui.domain.guarantee import (
    AgreementGuarantee,
    GuaranteeRule,
    GuaranteeRules,
)
from ungtui.services.agreements import AgreementInput, save_agreement
from ungtui.services.errors import ValidationError
from ungtui.services.guarantee import count_watch, list_watch
from ungtui.services.guarantee_rules import guarantee_rules, set_agreement_guarantee
from ungtui.services.individuals import IndividualInput, save_individual
from ungtui.services.organisations import add_organisation
from ungtui.services.way import WayStartInput, get_way, start_way
from ungtui.store.models import Agreement


def way_for(db, user, first: str, birth: str, entry: str, organisation_id: str) -> str:
    pid = save_individual(
        db,
        IndividualInput(first_name=first, last_name="Avtalsson", birth_date=birth),
        actor_id=user.staff_id,
        organisation_id=organisation_id,
    )
    start_way(db, pid, WayStartInput(entry_date=entry), actor_id=user.staff_id)
    return pid


@pytest.fixture
def orgs(db, user):
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    other = add_organisation(db, name="Vellinge kommun", org_nr="212000-1090", kind="kommun")
    return user.organisation_id, af, other


def agreement(db, parties, valid_from: str, **extra) -> str:
    return save_agreement(
        db,
        AgreementInput(
            title="Ungdomskontraktet",
            party_ids=list(parties),
            valid_from=date.fromisoformat(valid_from),
            **extra,
        ),
        actor_id=None,
    )


def test_a_way_follows_the_agreement_in_force_on_its_entry_day():
    older = GuaranteeRule(16, 24, 90)
    newer = GuaranteeRule(16, 29, 60)
    rules = GuaranteeRules(
        GuaranteeRule(16, 20, 120),
        (
            AgreementGuarantee("ny", frozenset({"malmo"}), date(2026, 1, 1), None, newer),
            AgreementGuarantee(
                "gammal", frozenset({"malmo"}), date(2024, 1, 1), date(2026, 3, 31), older
            ),
        ),
    )
    assert rules.for_way("malmo", date(2025, 12, 31)) == older
    assert rules.for_way("malmo", date(2026, 1, 1)) == newer
    assert rules.for_way("malmo", date(2023, 12, 31)) == GuaranteeRule(16, 20, 120)
    assert rules.for_way("vellinge", date(2026, 6, 1)) == GuaranteeRule(16, 20, 120)
    assert rules.for_way(None, date(2026, 6, 1)) == GuaranteeRule(16, 20, 120)


def test_the_agreements_ages_and_days_decide_the_watch_list(db, user, orgs):
    malmo, af, other = orgs
    aid = agreement(db, [malmo, af], "2026-01-01")
    set_agreement_guarantee(db, aid, min_age=16, max_age=29, days=60, actor_id=user.staff_id)
    # 26 at entry: outside the default 16–24, inside the agreement's 16–29; 60 days.
    covered = way_for(db, user, "Tjugosex", "2000-05-01", "2026-09-01", malmo)
    # The same age in an organisation that is no party: the default rule, not covered.
    way_for(db, user, "Utanför", "2000-05-01", "2026-09-01", other)
    # 22 at entry, before the agreement began: the default 90 days, deadline 2026-03-20.
    before = way_for(db, user, "Tidigare", "2003-01-01", "2025-12-20", malmo)
    # 20 at entry 2026-10-10: the agreement's 60 days end 2026-12-09, 15 days away.
    way_for(db, user, "Senare", "2006-01-01", "2026-10-10", malmo)
    # Entry 2026-10-05: 60 days end 2026-12-04, 10 days away.
    way_for(db, user, "Nära", "2006-01-01", "2026-10-05", malmo)
    # Entered before Tjugosex but under the default 90 days: deadline 2026-11-28, after
    # Tjugosex's; the list is in deadline order, not entry order.
    way_for(db, user, "Vellingebo", "2006-01-01", "2026-08-30", other)
    rows = list_watch(db)
    assert [(r.name, r.deadline, r.days_left) for r in rows] == [
        ("Avtalsson, Tidigare", date(2026, 3, 20), -249),
        ("Avtalsson, Tjugosex", date(2026, 10, 31), -24),
        ("Avtalsson, Vellingebo", date(2026, 11, 28), 4),
        ("Avtalsson, Nära", date(2026, 12, 4), 10),
    ]
    assert count_watch(db) == (2, 2)
    assert [r.name for r in list_watch(db, offset=2, limit=1)] == ["Avtalsson, Vellingebo"]
    way = get_way(db, covered).current
    assert (way.guarantee.state, way.guarantee.deadline) == ("passerad", date(2026, 10, 31))
    assert get_way(db, before).current.guarantee.deadline == date(2026, 3, 20)


def test_notice_ends_the_agreements_rule_for_later_entries(db, user, orgs):
    malmo, af, _other = orgs
    aid = agreement(db, [malmo, af], "2026-01-01", notice_months=3)
    set_agreement_guarantee(db, aid, min_age=16, max_age=29, days=90, actor_id=None)
    with db.session() as session:
        row = session.get(Agreement, aid)
        row.notice_given_on = date(2026, 5, 31)
        session.add(row)
        session.commit()
    # In force to 2026-08-31: an entry that day is covered at 27, the next day is not.
    way_for(db, user, "Sista", "1999-01-01", "2026-08-31", malmo)
    way_for(db, user, "Efter", "1999-01-01", "2026-09-01", malmo)
    assert [r.name for r in list_watch(db)] == ["Avtalsson, Sista"]
    rules = guarantee_rules(db)
    assert rules.agreements[0].in_force_until == date(2026, 8, 31)


def test_the_agreements_rule_is_refused_when_half_filled_and_can_be_cleared(db, user, orgs):
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
    assert guarantee_rules(db).agreements == ()
    set_agreement_guarantee(db, aid, min_age=18, max_age=29, days=30, actor_id=None)
    assert guarantee_rules(db).agreements[0].rule == GuaranteeRule(18, 29, 30)
    set_agreement_guarantee(db, aid, min_age=None, max_age=None, days=None, actor_id=None)
    assert guarantee_rules(db).agreements == ()


def test_notice_by_a_party_runs_to_the_end_of_the_notice_period(db, user, orgs):
    from ungtui.services.agreements import check_notice, get_agreement, give_notice
    from ungtui.services.errors import ServiceError

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
