"""Which 90-day guarantee rule holds: the install default, or an agreement's own.

The default is an install-local setting; an agreement's rule is part of the agreement
and travels with it by sync, so every party counts the same promise.
"""

from __future__ import annotations

import json

from sqlmodel import col, select

from ungtui.domain.agreements import notice_ends
from ungtui.domain.guarantee import (
    DEFAULT_GUARANTEE,
    AgreementGuarantee,
    GuaranteeRule,
    GuaranteeRules,
)
from ungtui.services.errors import NotFound, ValidationError
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Agreement, Setting

RULE_KEY = "guarantee_rule"


def guarantee_rule(db: Database) -> GuaranteeRule:
    """This install's default rule; without a setting, 16–24 years and 90 days."""
    with db.session() as session:
        setting = session.get(Setting, RULE_KEY)
    if setting is None:
        return DEFAULT_GUARANTEE
    return GuaranteeRule(**json.loads(setting.value))


def _validate(min_age: int, max_age: int, days: int) -> None:
    errors: dict[str, str] = {}
    if not 0 <= min_age <= max_age <= 70:
        errors["ages"] = "Åldrarna ska vara till exempel 16–24: lägsta först, högst 70."
    if not 1 <= days <= 365:
        errors["days"] = "Antalet dagar ska vara mellan 1 och 365."
    if errors:
        raise ValidationError(errors)


def set_guarantee_rule(db: Database, *, min_age: int, max_age: int, days: int) -> GuaranteeRule:
    _validate(min_age, max_age, days)
    rule = GuaranteeRule(min_age=min_age, max_age=max_age, days=days)
    value = json.dumps({"min_age": min_age, "max_age": max_age, "days": days})
    with db.session() as session:
        # An install-local setting, like who uses the install: not a domain record.
        session.merge(Setting(key=RULE_KEY, value=value))
        session.commit()
    return rule


def agreement_rule(agreement: Agreement) -> GuaranteeRule | None:
    if agreement.guarantee_days is None:
        return None
    return GuaranteeRule(
        min_age=agreement.guarantee_min_age or 0,
        max_age=agreement.guarantee_max_age or 0,
        days=agreement.guarantee_days,
    )


def _in_force_until(a: Agreement):
    ends = [a.valid_until] if a.valid_until else []
    if a.notice_given_on is not None:
        ends.append(notice_ends(a.notice_given_on, a.notice_months))
    return min(ends) if ends else None


def guarantee_rules(db: Database) -> GuaranteeRules:
    """The default and every agreement with a rule of its own; a handful of rows."""
    with db.session() as session:
        agreements = session.exec(
            select(Agreement)
            .where(col(Agreement.deleted_at).is_(None), col(Agreement.guarantee_days).is_not(None))
            .order_by(col(Agreement.valid_from).desc(), Agreement.id)
        ).all()
    own = []
    for a in agreements:
        rule = agreement_rule(a)
        assert rule is not None
        parties = frozenset(p for p in a.parties.split(",") if p)
        own.append(AgreementGuarantee(a.id, parties, a.valid_from, _in_force_until(a), rule))
    return GuaranteeRules(guarantee_rule(db), tuple(own))


def set_agreement_guarantee(
    db: Database,
    agreement_id: str,
    *,
    min_age: int | None,
    max_age: int | None,
    days: int | None,
    actor_id: str | None,
) -> GuaranteeRule | None:
    """Give an agreement its own rule, or (all None) let it follow the install default."""
    given = [v is not None for v in (min_age, max_age, days)]
    if any(given) and not all(given):
        raise ValidationError(
            {"ages": "Fyll i lägsta ålder, högsta ålder och dagar – eller lämna alla tomma."}
        )
    if all(given):
        assert min_age is not None and max_age is not None and days is not None
        _validate(min_age, max_age, days)
    with UnitOfWork(db, actor_id) as uow:
        agreement = uow.session.get(Agreement, agreement_id)
        if agreement is None or agreement.deleted_at is not None:
            raise NotFound("Överenskommelsen finns inte längre.")
        uow.update(
            agreement, guarantee_min_age=min_age, guarantee_max_age=max_age, guarantee_days=days
        )
        rule = agreement_rule(agreement)
    return rule
