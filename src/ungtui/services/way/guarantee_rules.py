"""The guarantees the install's agreements hold (domain.guarantee).

A guarantee is part of an agreement and travels with it by sync, so every party counts
the same promise; an install has none of its own.
"""

from __future__ import annotations

from sqlmodel import col, select

from ungtui.domain.agreements import in_force_until
from ungtui.domain.guarantee import COUNTS, AgreementGuarantee, GuaranteeRule, GuaranteeRules
from ungtui.services.errors import NotFound, ValidationError
from ungtui.services.people.municipalities import municipality_names, recorded_municipalities
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Agreement, Organisation


def _validate(min_age: int, max_age: int, days: int, counts: str) -> None:
    errors: dict[str, str] = {}
    if not 0 <= min_age <= max_age <= 70:
        errors["ages"] = "Åldrarna ska vara till exempel 16–24: lägsta först, högst 70."
    if not 1 <= days <= 365:
        errors["days"] = "Antalet dagar ska vara mellan 1 och 365."
    if counts not in COUNTS:
        errors["counts"] = "Välj vad som räknas som insats."
    if errors:
        raise ValidationError(errors)


def agreement_rule(agreement: Agreement) -> GuaranteeRule | None:
    if agreement.guarantee_days is None:
        return None
    return GuaranteeRule(
        min_age=agreement.guarantee_min_age or 0,
        max_age=agreement.guarantee_max_age or 0,
        days=agreement.guarantee_days,
        counts=agreement.guarantee_counts or "arbete_studier",
    )


def agreement_guarantee(
    a: Agreement, municipalities: frozenset[str] = frozenset()
) -> AgreementGuarantee | None:
    rule = agreement_rule(a)
    if rule is None:
        return None
    parties = frozenset(p for p in a.parties.split(",") if p)
    return AgreementGuarantee(
        a.id,
        parties,
        a.valid_from,
        in_force_until(a),
        rule,
        title=a.title,
        municipalities=municipalities,
    )


def party_kommuner(session, party_ids) -> list[Organisation]:
    """The parties that are municipalities."""
    return list(
        session.exec(
            select(Organisation).where(
                col(Organisation.id).in_(list(party_ids)),
                Organisation.kind == "kommun",
                col(Organisation.deleted_at).is_(None),
            )
        ).all()
    )


def party_municipalities(session, a: Agreement, recorded: set[str]) -> frozenset[str]:
    kommuner = party_kommuner(session, [p for p in a.parties.split(",") if p])
    return frozenset(n for o in kommuner for n in municipality_names(o.name, recorded))


def guarantee_rules(db: Database) -> GuaranteeRules:
    """Every agreement with a guarantee, newest first; a handful of rows."""
    with db.session() as session:
        agreements = session.exec(
            select(Agreement)
            .where(col(Agreement.deleted_at).is_(None), col(Agreement.guarantee_days).is_not(None))
            .order_by(col(Agreement.valid_from).desc(), Agreement.id)
        ).all()
        recorded = recorded_municipalities(session) if agreements else set()
        own = [
            agreement_guarantee(a, party_municipalities(session, a, recorded)) for a in agreements
        ]
    return GuaranteeRules(tuple(g for g in own if g is not None))


def set_agreement_guarantee(
    db: Database,
    agreement_id: str,
    *,
    min_age: int | None,
    max_age: int | None,
    days: int | None,
    counts: str = "arbete_studier",
    actor_id: str | None,
) -> GuaranteeRule | None:
    """Give an agreement its guarantee, or (all None) record that it has none."""
    given = [v is not None for v in (min_age, max_age, days)]
    if any(given) and not all(given):
        raise ValidationError(
            {"ages": "Fyll i lägsta ålder, högsta ålder och dagar – eller lämna alla tomma."}
        )
    if all(given):
        assert min_age is not None and max_age is not None and days is not None
        _validate(min_age, max_age, days, counts)
    with UnitOfWork(db, actor_id) as uow:
        agreement = uow.session.get(Agreement, agreement_id)
        if agreement is None or agreement.deleted_at is not None:
            raise NotFound("Överenskommelsen finns inte längre.")
        uow.update(
            agreement,
            guarantee_min_age=min_age,
            guarantee_max_age=max_age,
            guarantee_days=days,
            guarantee_counts=counts if all(given) else "",
        )
        rule = agreement_rule(agreement)
    return rule
