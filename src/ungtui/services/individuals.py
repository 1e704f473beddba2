"""The register of individuals (deltagare): search, read, save, remove."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func
from sqlmodel import col, select

from ungtui.domain.ages import age_on
from ungtui.domain.group_filters import group_bounds
from ungtui.domain.guarantee import GuaranteeRule, GuaranteeRules
from ungtui.domain.identity import mask_identity, parse_identity
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.target_groups import GroupMatch, PersonFacts, short_codes, target_groups
from ungtui.domain.text import fold, person_search_key, person_sort_key
from ungtui.domain.vocabulary import FIELD_LABELS as COLUMN_LABELS
from ungtui.domain.vocabulary import GENDERS, STATUSES
from ungtui.services import clock
from ungtui.services.consents import ConsentRow, list_consents
from ungtui.services.errors import NotFound, ValidationError
from ungtui.services.guarantee_rules import guarantee_rules
from ungtui.services.same_person import same_person_ids
from ungtui.services.unit_of_work import CREATED, REMOVED, UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import (
    ChangeLog,
    Individual,
    Organisation,
    Responsibility,
    Staff,
    Unit,
)

SORTS: dict[str, str] = {"namn": "Namn", "alder": "Ålder", "andrad": "Senast ändrad"}


@dataclass(frozen=True)
class IndividualFilter:
    text: str = ""
    group: str | None = None
    status: str | None = None
    mine_staff_id: str | None = None
    sort: str = "namn"


@dataclass(frozen=True)
class IndividualRow:
    id: str
    name: str
    identity: str  # normalised number or reserve id; mask it before showing
    identity_kind: str
    age: int | None
    groups: str
    caseworker: str
    status: str
    gender: str
    # The latest way (issue 7): phase, the next date that matters, and 'nara' or
    # 'passerad' when the 90-day deadline needs attention.
    phase: str = ""
    next_date: str = ""
    warn: str | None = None


@dataclass(frozen=True)
class SameIdentity:
    id: str
    name: str
    status: str


@dataclass(frozen=True)
class HistoryRow:
    at: str
    field: str
    old_value: str | None
    new_value: str | None
    actor: str


@dataclass(frozen=True)
class IndividualDetail:
    individual: Individual
    age: int | None
    groups: list[GroupMatch]
    case_organisation: str
    responsibilities: list[tuple[str, str, str]]  # (organisation, caseworker, unit)
    responsible_staff_id: str | None  # for the user's own organisation
    consents: list[ConsentRow]
    history: list[HistoryRow]


@dataclass
class IndividualInput:
    identity: str = ""
    reserve_id: str = ""
    birth_date: str = ""
    first_name: str = ""
    last_name: str = ""
    gender: str = "okänt"
    phone: str = ""
    email: str = ""
    address: str = ""
    in_upper_secondary: bool = False
    has_upper_secondary_diploma: bool = False
    residence_permit_date: str = ""
    status: str = "aktiv"
    responsible_staff_id: str | None = None
    extra: dict = field(default_factory=dict)


def display_name(first_name: str, last_name: str) -> str:
    if first_name and last_name:
        return f"{last_name}, {first_name}"
    return last_name or first_name


search_key = person_search_key
sort_key = person_sort_key


def _facts(person: Individual) -> PersonFacts:
    return PersonFacts(
        birth_date=person.birth_date,
        in_upper_secondary=person.in_upper_secondary,
        has_upper_secondary_diploma=person.has_upper_secondary_diploma,
        residence_permit_date=person.residence_permit_date,
    )


# --- reading -------------------------------------------------------------------------


def _conditions(flt: IndividualFilter, today: date) -> list:
    conditions: list = [col(Individual.deleted_at).is_(None), col(Individual.merged_into).is_(None)]
    for token in fold(flt.text).split():
        conditions.append(func.instr(Individual.search_key, token) > 0)
    if flt.status:
        conditions.append(Individual.status == flt.status)
    if flt.group:
        bounds = group_bounds(flt.group, today)
        if bounds.birth_from:
            conditions.append(col(Individual.birth_date) >= bounds.birth_from)
        if bounds.birth_to:
            conditions.append(col(Individual.birth_date) <= bounds.birth_to)
        if bounds.permit_from:
            conditions.append(col(Individual.residence_permit_date) >= bounds.permit_from)
        if bounds.permit_to:
            conditions.append(col(Individual.residence_permit_date) <= bounds.permit_to)
        if bounds.requires_no_school:
            conditions.append(col(Individual.in_upper_secondary).is_(False))
            conditions.append(col(Individual.has_upper_secondary_diploma).is_(False))
    if flt.mine_staff_id:
        mine = select(Responsibility.individual_id).where(
            Responsibility.staff_id == flt.mine_staff_id,
            col(Responsibility.deleted_at).is_(None),
        )
        conditions.append(col(Individual.id).in_(mine))
    return conditions


def _order(sort: str) -> list:
    if sort == "alder":
        return [col(Individual.birth_date).desc(), Individual.sort_key]
    if sort == "andrad":
        return [col(Individual.updated_at).desc()]
    return [Individual.sort_key, Individual.id]


def count_individuals(db: Database, flt: IndividualFilter, today: date | None = None) -> int:
    today = today or clock.today()
    with db.session() as session:
        return session.exec(
            select(func.count()).select_from(Individual).where(and_(*_conditions(flt, today)))
        ).one()


def list_individuals(
    db: Database,
    flt: IndividualFilter,
    *,
    offset: int = 0,
    limit: int = 100,
    organisation_id: str | None = None,
    today: date | None = None,
    rule: GuaranteeRule | GuaranteeRules | None = None,
) -> list[IndividualRow]:
    """One page of the list. The caseworker shown is the one for `organisation_id`; the
    90-day marks follow `rule`, or without one the install's rules."""
    today = today or clock.today()
    if rule is None:
        rule = guarantee_rules(db)
    with db.session() as session:
        people = session.exec(
            select(Individual)
            .where(and_(*_conditions(flt, today)))
            .order_by(*_order(flt.sort))
            .offset(offset)
            .limit(limit)
        ).all()
        caseworkers = _caseworkers(session, [p.id for p in people], organisation_id)
        from ungtui.services.guarantee import way_marks  # it builds on this module

        marks = way_marks(session, list(people), today=today, rule=rule)
    return [
        IndividualRow(
            id=p.id,
            name=display_name(p.first_name, p.last_name),
            identity=p.identity_number or p.reserve_id or "",
            identity_kind=p.identity_kind,
            age=age_on(p.birth_date, today) if p.birth_date else None,
            groups=short_codes(target_groups(_facts(p), today)),
            caseworker=caseworkers.get(p.id, ""),
            status=STATUSES.get(p.status, p.status),
            gender=p.gender,
            **_mark_fields(marks.get(p.id)),
        )
        for p in people
    ]


def _mark_fields(mark) -> dict:
    if mark is None:
        return {}
    return {
        "phase": mark.phase,
        "next_date": str(mark.next) if mark.next else "",
        "warn": mark.warn,
    }


def _caseworkers(session, ids: list[str], organisation_id: str | None) -> dict[str, str]:
    if not ids:
        return {}
    rows = session.exec(
        select(Responsibility.individual_id, Responsibility.organisation_id, Staff.name)
        .join(Staff, col(Staff.id) == Responsibility.staff_id)
        .where(col(Responsibility.individual_id).in_(ids), col(Responsibility.deleted_at).is_(None))
    ).all()
    result: dict[str, str] = {}
    for individual_id, org_id, name in rows:
        # The user's own organisation's caseworker first; another party's if none.
        if org_id == organisation_id or individual_id not in result:
            result[individual_id] = name
    return result


def find_same_identity(
    db: Database, normalized: str, exclude_id: str | None = None
) -> list[SameIdentity]:
    """People already registered with this number: a warning, never a refusal."""
    with db.session() as session:
        people = session.exec(
            select(Individual).where(
                Individual.identity_number == normalized,
                col(Individual.deleted_at).is_(None),
                Individual.id != (exclude_id or ""),
            )
        ).all()
    return [
        SameIdentity(p.id, display_name(p.first_name, p.last_name), STATUSES.get(p.status, ""))
        for p in people
    ]


def get_individual(
    db: Database,
    individual_id: str,
    *,
    organisation_id: str | None = None,
    today: date | None = None,
) -> IndividualDetail:
    today = today or clock.today()
    with db.session() as session:
        person = session.get(Individual, individual_id)
        if person is not None and person.merged_into:
            person = session.get(Individual, person.merged_into)
        if person is None or person.deleted_at is not None:
            raise NotFound("Personen finns inte längre i registret.")
        individual_id = person.id
        members = same_person_ids(session, individual_id)
        case_org = (
            session.get(Organisation, person.case_organisation_id)
            if person.case_organisation_id
            else None
        )
        responsibility_rows = session.exec(
            select(Responsibility, Staff, Unit, Organisation)
            .join(Staff, col(Staff.id) == Responsibility.staff_id)
            .join(Unit, col(Unit.id) == Staff.unit_id)
            .join(Organisation, col(Organisation.id) == Responsibility.organisation_id)
            .where(
                col(Responsibility.individual_id).in_(members),
                col(Responsibility.deleted_at).is_(None),
            )
            .order_by(Organisation.name)
        ).all()
        history_rows = session.exec(
            select(ChangeLog, Staff.name)
            .join(Staff, col(Staff.id) == ChangeLog.actor_id, isouter=True)
            .where(col(ChangeLog.record_id).in_(members))
            .order_by(col(ChangeLog.at).desc())
            .limit(200)
        ).all()
    responsible = next(
        (r.staff_id for r, _s, _u, o in responsibility_rows if o.id == organisation_id), None
    )
    return IndividualDetail(
        individual=person,
        age=age_on(person.birth_date, today) if person.birth_date else None,
        groups=target_groups(_facts(person), today),
        case_organisation=case_org.name if case_org else "",
        responsibilities=[(o.name, s.name, u.name) for _r, s, u, o in responsibility_rows],
        responsible_staff_id=responsible,
        consents=list_consents(db, individual_id, today),
        history=[_history_row(entry, actor) for entry, actor in history_rows],
    )


FIELD_LABELS = {
    **COLUMN_LABELS,
    CREATED: "Registrerad",
    REMOVED: "Borttagen",
}


def _history_row(entry: ChangeLog, actor: str | None) -> HistoryRow:
    old, new = entry.old_value, entry.new_value
    if entry.field == "identity_number":
        old, new = mask_identity(old or ""), mask_identity(new or "")
    return HistoryRow(
        at=clock.local_time(entry.at).strftime("%Y-%m-%d %H:%M"),
        field=FIELD_LABELS.get(entry.field, entry.field),
        old_value=old,
        new_value=new,
        actor=actor or "",
    )


# --- writing -------------------------------------------------------------------------


def validate_individual(data: IndividualInput, today: date) -> dict:
    """Turn form text into column values, or raise ValidationError naming each field."""
    errors: dict[str, str] = {}
    values: dict = {}
    if data.identity.strip():
        try:
            identity = parse_identity(data.identity, today)
        except ValueError as exc:
            errors["identity"] = str(exc)
        else:
            values.update(
                identity_kind=identity.kind,
                identity_number=identity.normalized,
                birth_date=identity.birth_date,
                reserve_id=None,
            )
    else:
        values.update(
            identity_kind="reservnummer",
            identity_number=None,
            reserve_id=data.reserve_id.strip() or f"R-{secrets.token_hex(3).upper()}",
        )
        if not data.birth_date.strip():
            errors["birth_date"] = "Ange födelsedatum när personen saknar personnummer."
        else:
            try:
                values["birth_date"] = parse_day(data.birth_date, today)
            except ValueError as exc:
                errors["birth_date"] = str(exc)
            else:
                if values["birth_date"] > today:
                    errors["birth_date"] = "Födelsedatum kan inte ligga i framtiden."
    first, last = data.first_name.strip(), data.last_name.strip()
    if not first and not last:
        errors["last_name"] = "Ange minst ett namn."
    values.update(first_name=first, last_name=last)
    if data.gender not in GENDERS:
        errors["gender"] = "Välj kön."
    values["gender"] = data.gender
    if data.status not in STATUSES:
        errors["status"] = "Välj status."
    values["status"] = data.status
    email = data.email.strip()
    if email and ("@" not in email or " " in email):
        errors["email"] = f"”{email}” ser inte ut som en e-postadress."
    values.update(phone=data.phone.strip(), email=email, address=data.address.strip())
    values.update(
        in_upper_secondary=data.in_upper_secondary,
        has_upper_secondary_diploma=data.has_upper_secondary_diploma,
    )
    permit = None
    if data.residence_permit_date.strip():
        try:
            permit = parse_day(data.residence_permit_date, today)
        except ValueError as exc:
            errors["residence_permit_date"] = str(exc)
        else:
            if permit > today:
                errors["residence_permit_date"] = "Datumet kan inte ligga i framtiden."
            elif values.get("birth_date") and permit < values["birth_date"]:
                errors["residence_permit_date"] = "Datumet kan inte vara före födelsedagen."
    values["residence_permit_date"] = permit
    if errors:
        raise ValidationError(errors)
    values["search_key"] = search_key(first, last, values["identity_number"], values["reserve_id"])
    values["sort_key"] = sort_key(first, last)
    return values


def save_individual(
    db: Database,
    data: IndividualInput,
    *,
    actor_id: str | None,
    organisation_id: str | None,
    individual_id: str | None = None,
    today: date | None = None,
) -> str:
    """Create or update a person. Validation happens before anything is written."""
    values = validate_individual(data, today or clock.today())
    with UnitOfWork(db, actor_id) as uow:
        if individual_id is None:
            person = uow.create(Individual(case_organisation_id=organisation_id, **values))
        else:
            person = uow.session.get(Individual, individual_id)
            if person is None or person.deleted_at is not None:
                raise NotFound("Personen finns inte längre i registret.")
            if person.identity_kind == "reservnummer" and values["identity_number"] is None:
                values["reserve_id"] = data.reserve_id.strip() or person.reserve_id
                values["search_key"] = search_key(
                    values["first_name"], values["last_name"], None, values["reserve_id"]
                )
            uow.update(person, **values)
        if organisation_id is not None:
            responsible = data.responsible_staff_id
            if individual_id is None and responsible is None:
                responsible = actor_id  # whoever registers a person answers for them at first
            _set_responsible(uow, person.id, organisation_id, responsible)
    return person.id


def _set_responsible(
    uow: UnitOfWork, individual_id: str, organisation_id: str, staff_id: str | None
) -> None:
    current = uow.session.exec(
        select(Responsibility).where(
            Responsibility.individual_id == individual_id,
            Responsibility.organisation_id == organisation_id,
            col(Responsibility.deleted_at).is_(None),
        )
    ).first()
    if current is not None and current.staff_id == staff_id:
        return
    if current is not None:
        uow.remove(current)
    if staff_id:
        uow.create(
            Responsibility(
                individual_id=individual_id, organisation_id=organisation_id, staff_id=staff_id
            )
        )


def remove_individual(db: Database, individual_id: str, *, actor_id: str | None) -> None:
    with UnitOfWork(db, actor_id) as uow:
        person = uow.session.get(Individual, individual_id)
        if person is None or person.deleted_at is not None:
            raise NotFound("Personen finns inte längre i registret.")
        uow.remove(person)
