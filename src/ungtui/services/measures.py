"""The measure catalogue: seeding the national measures and adding local ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from ungtui.domain.dates import parse_iso_date
from ungtui.domain.measures import NATIONAL_MEASURES, validity_text
from ungtui.domain.text import fold
from ungtui.domain.vocabulary import ORGANISATION_KINDS
from ungtui.services.errors import ValidationError
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Measure, Organisation


@dataclass(frozen=True)
class CatalogueRow:
    id: str
    name: str
    scope: str
    provider: str
    valid_from: date | None
    valid_to: date | None
    leads_to_work_or_studies: bool

    @property
    def validity(self) -> str:
        return validity_text(self.valid_from, self.valid_to)

    def open_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def ensure_measure_catalogue(db: Database, actor_id: str | None = None) -> int:
    """Add the national measures this database lacks; returns how many were added.

    Fixed ids make this safe to run on every install: a measure removed by a user stays
    removed (its tombstone has the id), and two installs seeding apart agree on sync.
    """
    with db.session() as session:
        present = set(
            session.exec(
                select(Measure.id).where(col(Measure.id).in_([m.id for m in NATIONAL_MEASURES]))
            ).all()
        )
    missing = [m for m in NATIONAL_MEASURES if m.id not in present]
    if not missing:
        return 0
    with UnitOfWork(db, actor_id) as uow:
        for m in missing:
            uow.create(
                Measure(
                    id=m.id,
                    code=m.code,
                    name=m.name,
                    scope="nationell",
                    provider_kind=m.provider_kind,
                    valid_from=m.valid_from,
                    valid_to=m.valid_to,
                    leads_to_work_or_studies=m.leads_to_work_or_studies,
                )
            )
    return len(missing)


def list_catalogue(db: Database) -> list[CatalogueRow]:
    """National measures first, then local ones, each by name (the catalogue is small)."""
    with db.session() as session:
        rows = session.exec(
            select(Measure, Organisation)
            .join(
                Organisation,
                col(Organisation.id) == Measure.provider_organisation_id,
                isouter=True,
            )
            .where(col(Measure.deleted_at).is_(None))
        ).all()
    result = [
        CatalogueRow(
            id=m.id,
            name=m.name,
            scope=m.scope,
            provider=o.name if o else ORGANISATION_KINDS.get(m.provider_kind, ""),
            valid_from=m.valid_from,
            valid_to=m.valid_to,
            leads_to_work_or_studies=m.leads_to_work_or_studies,
        )
        for m, o in rows
    ]
    result.sort(key=lambda r: (r.scope != "nationell", fold(r.name)))
    return result


@dataclass
class LocalMeasureInput:
    name: str = ""
    provider_organisation_id: str | None = None
    valid_from: str = ""
    valid_to: str = ""
    leads_to_work_or_studies: bool = True
    description: str = ""


def add_local_measure(db: Database, data: LocalMeasureInput, *, actor_id: str | None) -> str:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Ange insatsens namn, till exempel Sommarjobb för unga."
    if not data.provider_organisation_id:
        errors["provider_organisation_id"] = "Välj vilken organisation som ger insatsen."
    dates: dict[str, date | None] = {"valid_from": None, "valid_to": None}
    for key in dates:
        text = getattr(data, key).strip()
        if text:
            try:
                dates[key] = parse_iso_date(text)
            except ValueError as exc:
                errors[key] = str(exc)
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        errors["valid_to"] = "Sista dag kan inte vara före första dag."
    if errors:
        raise ValidationError(errors)
    with UnitOfWork(db, actor_id) as uow:
        same = uow.session.exec(
            select(Measure).where(Measure.name == name, col(Measure.deleted_at).is_(None))
        ).first()
        if same is not None:
            raise ValidationError({"name": f"”{name}” finns redan i katalogen."})
        org = uow.session.get(Organisation, data.provider_organisation_id)
        measure = uow.create(
            Measure(
                name=name,
                scope="lokal",
                provider_kind=org.kind if org else "",
                provider_organisation_id=data.provider_organisation_id,
                valid_from=dates["valid_from"],
                valid_to=dates["valid_to"],
                leads_to_work_or_studies=data.leads_to_work_or_studies,
                description=data.description.strip(),
            )
        )
    return measure.id
