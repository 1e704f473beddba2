"""The measure catalogue: seeding the national measures and adding local ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select

from ungtui.domain.measures import NATIONAL_MEASURES, validity_text
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.text import fold
from ungtui.domain.vocabulary import ORGANISATION_KINDS
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import IndividualMeasure, Measure, Organisation


@dataclass(frozen=True)
class CatalogueRow:
    id: str
    name: str
    scope: str
    provider: str
    valid_from: date | None
    valid_to: date | None
    leads_to_work_or_studies: bool
    provider_organisation_id: str | None = None
    description: str = ""

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
    # Shipped: stamped alike everywhere, so a later edit on one install does not clash
    # with another install's own copy of the same catalogue.
    with UnitOfWork(db, actor_id, shipped=True) as uow:
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
            provider_organisation_id=m.provider_organisation_id,
            description=m.description,
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


def _validate_local(data: LocalMeasureInput) -> dict:
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
                dates[key] = parse_day(text, clock.today())
            except ValueError as exc:
                errors[key] = str(exc)
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        errors["valid_to"] = "Sista dag kan inte vara före första dag."
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "provider_organisation_id": data.provider_organisation_id,
        "valid_from": dates["valid_from"],
        "valid_to": dates["valid_to"],
        "leads_to_work_or_studies": data.leads_to_work_or_studies,
        "description": data.description.strip(),
    }


def _refuse_same_name(session, name: str, measure_id: str | None) -> None:
    same = session.exec(
        select(Measure.id).where(
            Measure.name == name, col(Measure.deleted_at).is_(None), Measure.id != measure_id
        )
    ).first()
    if same is not None:
        raise ValidationError({"name": f"”{name}” finns redan i katalogen."})


def add_local_measure(db: Database, data: LocalMeasureInput, *, actor_id: str | None) -> str:
    values = _validate_local(data)
    with UnitOfWork(db, actor_id) as uow:
        _refuse_same_name(uow.session, values["name"], None)
        org = uow.session.get(Organisation, data.provider_organisation_id)
        measure = uow.create(
            Measure(scope="lokal", provider_kind=org.kind if org else "", **values)
        )
    return measure.id


def _local(session, measure_id: str, doing: str) -> Measure:
    measure = session.get(Measure, measure_id)
    if measure is None or measure.deleted_at is not None:
        raise NotFound("Insatsen finns inte längre i katalogen.")
    if measure.scope != "lokal":
        raise ServiceError(
            f"{measure.name} är en nationell insats och kan inte {doing}. "
            "Bara lokala insatser som ni själva lagt till kan det."
        )
    return measure


def update_local_measure(
    db: Database, measure_id: str, data: LocalMeasureInput, *, actor_id: str | None
) -> str:
    """Correct a local measure; national ones follow the law and are not edited here."""
    values = _validate_local(data)
    with UnitOfWork(db, actor_id) as uow:
        measure = _local(uow.session, measure_id, "ändras")
        _refuse_same_name(uow.session, values["name"], measure_id)
        org = uow.session.get(Organisation, data.provider_organisation_id)
        uow.update(measure, provider_kind=org.kind if org else measure.provider_kind, **values)
    return measure_id


def remove_local_measure(db: Database, measure_id: str, *, actor_id: str | None) -> None:
    """Remove a local measure entered by mistake. One that people have had stays: their
    history names it; ending its validity stops new starts instead."""
    with UnitOfWork(db, actor_id) as uow:
        measure = _local(uow.session, measure_id, "tas bort")
        used = len(
            uow.session.exec(
                select(IndividualMeasure.id).where(
                    IndividualMeasure.measure_id == measure_id,
                    col(IndividualMeasure.deleted_at).is_(None),
                )
            ).all()
        )
        if used:
            raise ServiceError(
                f"{measure.name} finns i {used} "
                + ("persons insatser" if used == 1 else "personers insatser")
                + ". Ändra den (e) och sätt en sista dag så att inga nya startas."
            )
        uow.remove(measure)
