"""Organisations (parter), their units and staff, and who uses this install."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from ungtui.domain.orgnr import parse_orgnr
from ungtui.domain.vocabulary import ORGANISATION_KINDS
from ungtui.services.errors import ValidationError
from ungtui.services.measures import ensure_measure_catalogue
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import CURRENT_STAFF_KEY, Organisation, Setting, Staff, Unit


@dataclass(frozen=True)
class CurrentUser:
    staff_id: str
    name: str
    unit_id: str
    unit_name: str
    organisation_id: str
    organisation_name: str


@dataclass(frozen=True)
class OrganisationInfo:
    id: str
    name: str
    org_nr: str | None
    kind: str


@dataclass(frozen=True)
class StaffInfo:
    id: str
    name: str
    unit_name: str
    organisation_id: str
    organisation_name: str


def list_organisations(db: Database) -> list[OrganisationInfo]:
    with db.session() as session:
        rows = session.exec(
            select(Organisation)
            .where(col(Organisation.deleted_at).is_(None))
            .order_by(Organisation.name)
        ).all()
    return [OrganisationInfo(o.id, o.name, o.org_nr, o.kind) for o in rows]


def list_staff(db: Database) -> list[StaffInfo]:
    with db.session() as session:
        rows = session.exec(
            select(Staff, Unit, Organisation)
            .join(Unit, col(Unit.id) == Staff.unit_id)
            .join(Organisation, col(Organisation.id) == Unit.organisation_id)
            .where(col(Staff.deleted_at).is_(None))
            .order_by(Organisation.name, Staff.name)
        ).all()
    return [StaffInfo(s.id, s.name, u.name, o.id, o.name) for s, u, o in rows]


def current_user(db: Database) -> CurrentUser | None:
    with db.session() as session:
        setting = session.get(Setting, CURRENT_STAFF_KEY)
        if setting is None:
            return None
        row = session.exec(
            select(Staff, Unit, Organisation)
            .join(Unit, col(Unit.id) == Staff.unit_id)
            .join(Organisation, col(Organisation.id) == Unit.organisation_id)
            .where(Staff.id == setting.value)
        ).first()
    if row is None:
        return None
    staff, unit, org = row
    return CurrentUser(staff.id, staff.name, unit.id, unit.name, org.id, org.name)


def _validate_organisation(name: str, org_nr: str, kind: str) -> tuple[str, str | None]:
    errors: dict[str, str] = {}
    normalized: str | None = None
    if not name.strip():
        errors["organisation_name"] = "Ange organisationens namn."
    if org_nr.strip():
        try:
            normalized = parse_orgnr(org_nr)
        except ValueError as exc:
            errors["org_nr"] = str(exc)
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = "Välj vilken sorts organisation det är."
    if errors:
        raise ValidationError(errors)
    return name.strip(), normalized


def add_organisation(
    db: Database, *, name: str, org_nr: str, kind: str, actor_id: str | None = None
) -> str:
    clean_name, normalized = _validate_organisation(name, org_nr, kind)
    with UnitOfWork(db, actor_id) as uow:
        org = uow.create(Organisation(name=clean_name, org_nr=normalized, kind=kind))
    return org.id


def register_user(
    db: Database,
    *,
    name: str,
    unit_name: str,
    role: str = "",
    organisation_id: str | None = None,
    organisation_name: str = "",
    org_nr: str = "",
    kind: str = "kommun",
) -> CurrentUser:
    """First run: who am I, where do I work. Uses an existing organisation or makes one."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Ange ditt namn."
    if not unit_name.strip():
        errors["unit_name"] = "Ange din enhet, till exempel Jobbcenter Unga."
    if organisation_id is None:
        try:
            organisation_name, normalized = _validate_organisation(organisation_name, org_nr, kind)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    with UnitOfWork(db, None) as uow:
        if organisation_id is None:
            org = uow.create(Organisation(name=organisation_name, org_nr=normalized, kind=kind))
            organisation_id = org.id
        unit = uow.session.exec(
            select(Unit).where(
                Unit.organisation_id == organisation_id,
                Unit.name == unit_name.strip(),
                col(Unit.deleted_at).is_(None),
            )
        ).first()
        if unit is None:
            unit = uow.create(Unit(organisation_id=organisation_id, name=unit_name.strip()))
        staff = uow.create(Staff(name=name.strip(), unit_id=unit.id, role=role.strip()))
        uow.session.merge(Setting(key=CURRENT_STAFF_KEY, value=staff.id))
    ensure_measure_catalogue(db, staff.id)  # a fresh install starts with the national measures
    user = current_user(db)
    assert user is not None
    return user
