"""Agreements (överenskommelser): reading them, saving them, their status."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select

from ungtui.domain.agreements import (
    NO_NOTICE_PERIOD,
    Appendix,
    Goal,
    Indicator,
    agreement_state,
    notice_ends,
    state_text,
)
from ungtui.domain.guarantee import GuaranteeRule
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.processes import AgreementGroup, rules_from_agreement
from ungtui.domain.target_groups import GROUPS, TargetGroupRules
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.guarantee_rules import agreement_rule
from ungtui.store.database import Database
from ungtui.store.models import Agreement, Organisation, WorkProcess


@dataclass
class AgreementInput:
    title: str = ""
    purpose: str = ""
    party_ids: list[str] = field(default_factory=list)
    target_groups: list[AgreementGroup] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    appendices: list[Appendix] = field(default_factory=list)
    valid_from: date | None = None
    valid_until: date | None = None
    notice_months: int | None = None
    revision: str = ""
    next_revision: date | None = None
    process_commitment_months: int | None = None


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    org_nr: str


@dataclass(frozen=True)
class AgreementRow:
    id: str
    title: str
    parties: str
    valid_from: date | None
    state: str
    state_text: str


@dataclass(frozen=True)
class AgreementDetail:
    id: str
    title: str
    purpose: str
    parties: list[Party]
    target_groups: list[AgreementGroup]
    goals: list[Goal]
    appendices: list[Appendix]
    valid_from: date | None
    valid_until: date | None
    notice_months: int | None
    notice_given_on: date | None
    notice_given_by: str
    revision: str
    next_revision: date | None
    state: str
    state_text: str
    processes: list[tuple[str, str, int | None]]  # (id, title, appendix)
    guarantee: GuaranteeRule | None = None  # None: the agreement holds no guarantee
    process_commitment_months: int | None = None  # None: it says nothing on ending one


def _groups(raw: str) -> list[AgreementGroup]:
    return [
        AgreementGroup(g["code"], g["label"], g.get("min_age"), g.get("max_age"))
        for g in json.loads(raw or "[]")
    ]


def _goals(raw: str) -> list[Goal]:
    return [
        Goal(
            g["goal"],
            tuple(
                Indicator(i["indicator"], i.get("year"), i.get("target", ""), i.get("baseline", ""))
                for i in g.get("indicators", [])
            ),
        )
        for g in json.loads(raw or "[]")
    ]


def _appendices(raw: str) -> list[Appendix]:
    return [Appendix(a["number"], a["title"]) for a in json.loads(raw or "[]")]


def rules_for(agreement: Agreement | None) -> TargetGroupRules:
    return rules_from_agreement(_groups(agreement.target_groups) if agreement else [])


def appendix_numbers(agreement: Agreement) -> set[int]:
    return {a.number for a in _appendices(agreement.appendices)}


def _state(a: Agreement, on: date) -> tuple[str, str]:
    args = (a.valid_from, a.valid_until, a.notice_months, a.notice_given_on, a.next_revision, on)
    return agreement_state(*args), state_text(*args)


def _org_names(session, ids: list[str]) -> dict[str, Organisation]:
    if not ids:
        return {}
    rows = session.exec(select(Organisation).where(col(Organisation.id).in_(ids))).all()
    return {o.id: o for o in rows}


def split_ids(text: str) -> list[str]:
    return [part for part in text.split(",") if part]


def list_agreements(db: Database, today: date | None = None) -> list[AgreementRow]:
    """All agreements; there are a handful per install, never thousands."""
    on = today or clock.today()
    with db.session() as session:
        agreements = session.exec(
            select(Agreement)
            .where(col(Agreement.deleted_at).is_(None))
            .order_by(col(Agreement.valid_from).desc(), Agreement.title)
        ).all()
        orgs = _org_names(session, [i for a in agreements for i in split_ids(a.parties)])
    rows = []
    for a in agreements:
        state, text = _state(a, on)
        names = [orgs[i].name for i in split_ids(a.parties) if i in orgs]
        rows.append(AgreementRow(a.id, a.title, ", ".join(names), a.valid_from, state, text))
    return rows


def get_agreement(db: Database, agreement_id: str, today: date | None = None) -> AgreementDetail:
    on = today or clock.today()
    with db.session() as session:
        a = session.get(Agreement, agreement_id)
        if a is None or a.deleted_at is not None:
            raise NotFound("Överenskommelsen finns inte längre.")
        party_ids = split_ids(a.parties)
        orgs = _org_names(
            session, [*party_ids, *([a.notice_given_by] if a.notice_given_by else [])]
        )
        processes = session.exec(
            select(WorkProcess.id, WorkProcess.title, WorkProcess.appendix)
            .where(WorkProcess.agreement_id == a.id, col(WorkProcess.deleted_at).is_(None))
            .order_by(WorkProcess.appendix, WorkProcess.title)
        ).all()
    state, text = _state(a, on)
    return AgreementDetail(
        id=a.id,
        title=a.title,
        purpose=a.purpose,
        parties=[Party(i, orgs[i].name, orgs[i].org_nr or "") for i in party_ids if i in orgs],
        target_groups=_groups(a.target_groups),
        goals=_goals(a.goals),
        appendices=_appendices(a.appendices),
        valid_from=a.valid_from,
        valid_until=a.valid_until,
        notice_months=a.notice_months,
        notice_given_on=a.notice_given_on,
        notice_given_by=orgs[a.notice_given_by].name if a.notice_given_by in orgs else "",
        revision=a.revision,
        next_revision=a.next_revision,
        state=state,
        state_text=text,
        processes=[(p[0], p[1], p[2]) for p in processes],
        guarantee=agreement_rule(a),
        process_commitment_months=a.process_commitment_months,
    )


def _validate(data: AgreementInput) -> dict:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = "Ange överenskommelsens namn."
    if len(set(data.party_ids)) < 2:
        errors["parties"] = "En överenskommelse har minst två parter."
    # An agreement whose text gives no start date is kept as such (valid_from None).
    if (
        data.valid_from is not None
        and data.valid_until is not None
        and data.valid_until < data.valid_from
    ):
        errors["valid_until"] = "Slutdatum kan inte vara före startdatum."
    if data.notice_months is not None and data.notice_months < 0:
        errors["notice_months"] = "Uppsägningstiden kan inte vara negativ."
    if data.process_commitment_months is not None and not 0 < data.process_commitment_months <= 24:
        errors["process_commitment_months"] = "Ange 1–24 månader, eller lämna tomt."
    for group in data.target_groups:
        if group.code and group.code not in GROUPS:
            errors["target_groups"] = f"Okänd målgruppskod ”{group.code}”."
        if (
            group.min_age is not None
            and group.max_age is not None
            and group.min_age > group.max_age
        ):
            errors["target_groups"] = f"{group.label}: lägsta ålder är högre än högsta."
    numbers = [a.number for a in data.appendices]
    if len(numbers) != len(set(numbers)):
        errors["appendices"] = "Två bilagor har samma nummer."
    if errors:
        raise ValidationError(errors)
    return {
        "title": data.title.strip(),
        "purpose": data.purpose.strip(),
        "parties": ",".join(dict.fromkeys(data.party_ids)),
        "target_groups": json.dumps(
            [
                {"code": g.code, "label": g.label, "min_age": g.min_age, "max_age": g.max_age}
                for g in data.target_groups
            ],
            ensure_ascii=False,
        ),
        "goals": json.dumps(
            [
                {
                    "goal": g.goal,
                    "indicators": [
                        {
                            "indicator": i.indicator,
                            "year": i.year,
                            "target": i.target,
                            "baseline": i.baseline,
                        }
                        for i in g.indicators
                    ],
                }
                for g in data.goals
            ],
            ensure_ascii=False,
        ),
        "appendices": json.dumps(
            [{"number": a.number, "title": a.title} for a in data.appendices],
            ensure_ascii=False,
        ),
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "notice_months": data.notice_months,
        "revision": data.revision.strip(),
        "next_revision": data.next_revision,
        "process_commitment_months": data.process_commitment_months,
    }


def save_agreement(
    db: Database,
    data: AgreementInput,
    *,
    actor_id: str | None,
    agreement_id: str | None = None,
    new_id: str | None = None,
    shipped: bool = False,
) -> str:
    """Create (with `new_id` if given) or update an agreement; `shipped` marks starting
    content."""
    values = _validate(data)
    with UnitOfWork(db, actor_id, shipped=shipped) as uow:
        if agreement_id is None:
            extra = {"id": new_id} if new_id else {}
            agreement = uow.create(Agreement(**extra, **values))
        else:
            agreement = uow.session.get(Agreement, agreement_id)
            if agreement is None or agreement.deleted_at is not None:
                raise NotFound("Överenskommelsen finns inte längre.")
            uow.update(agreement, **values)
    return agreement.id


# --- notice (uppsägning) -------------------------------------------------------------


def check_notice(
    db: Database,
    agreement_id: str,
    *,
    on_text: str,
    party_id: str | None,
    last_day_text: str = "",
) -> tuple[date, date | None]:
    """(the day notice is given, the last day in force — None when the agreement states
    no notice period and no last day is given), or a ValidationError per field."""
    errors: dict[str, str] = {}
    with db.session() as session:
        a = session.get(Agreement, agreement_id)
        if a is None or a.deleted_at is not None:
            raise NotFound("Överenskommelsen finns inte längre.")
    if a.notice_given_on is not None:
        end = notice_ends(a.notice_given_on, a.notice_months) or a.valid_until
        raise ServiceError(
            f"Överenskommelsen sades redan upp {a.notice_given_on.isoformat()}; "
            + (f"den gäller t.o.m. {end.isoformat()}." if end else NO_NOTICE_PERIOD)
        )
    if not party_id:
        errors["party"] = "Välj vilken part som säger upp överenskommelsen."
    elif party_id not in split_ids(a.parties):
        errors["party"] = "Bara en part i överenskommelsen kan säga upp den."
    on: date | None = None
    try:
        on = parse_day(on_text, clock.today())
    except ValueError as exc:
        errors["on"] = str(exc)
    if on is not None:
        if a.valid_from is not None and on < a.valid_from:
            errors["on"] = (
                f"Överenskommelsen gäller från {a.valid_from.isoformat()}; uppsägningen kan "
                "inte ligga före det."
            )
        elif on > clock.today():
            errors["on"] = "Ange dagen då uppsägningen lämnades; den kan inte ligga i framtiden."
        elif a.valid_until is not None and on > a.valid_until:
            errors["on"] = f"Överenskommelsen upphörde redan {a.valid_until.isoformat()}."
    last: date | None = None
    if last_day_text.strip():
        if a.notice_months is not None:
            errors["last_day"] = (
                f"Överenskommelsen anger {a.notice_months} månaders uppsägningstid; sista "
                "dagen följer av den."
            )
        else:
            try:
                last = parse_day(last_day_text, clock.today())
            except ValueError as exc:
                errors["last_day"] = str(exc)
            else:
                if on is not None and last < on:
                    errors["last_day"] = "Sista dagen kan inte vara före uppsägningen."
    if errors:
        raise ValidationError(errors)
    assert on is not None
    if a.notice_months is not None:
        return on, notice_ends(on, a.notice_months)
    return on, last


def give_notice(
    db: Database,
    agreement_id: str,
    *,
    on: date,
    party_id: str,
    actor_id: str | None,
    last_day: date | None = None,
) -> date | None:
    """Record that a party gave notice; returns the last day the agreement is in force,
    or None when it states no notice period and the parties have not set a last day."""
    _on, last = check_notice(
        db,
        agreement_id,
        on_text=on.isoformat(),
        party_id=party_id,
        last_day_text=last_day.isoformat() if last_day else "",
    )
    with UnitOfWork(db, actor_id) as uow:
        a = uow.session.get(Agreement, agreement_id)
        assert a is not None
        changes: dict = {"notice_given_on": on, "notice_given_by": party_id}
        if a.notice_months is None and last is not None:
            changes["valid_until"] = last
        uow.update(a, **changes)
    return last
