"""Consents: recording them, withdrawing them, and the one question others ask."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select

from ungtui.domain.consent import STATES, consent_state, is_in_force
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.vocabulary import CONSENT_FORMS, DATA_CATEGORIES
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.same_person import same_person_ids
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Consent, Individual, Organisation
from ungtui.sync.organisations import organisation_keys


@dataclass
class ConsentInput:
    organisation_id: str | None = None
    purpose: str = ""
    data_categories: list[str] = field(default_factory=list)
    form: str = "skriftligt"
    valid_from: str = ""
    valid_to: str = ""


@dataclass(frozen=True)
class ConsentRow:
    id: str
    organisation_id: str
    organisation_name: str
    purpose: str
    categories: str
    form: str
    valid_from: date
    valid_to: date | None
    withdrawn_on: date | None
    state: str  # a code of domain.consent.STATES

    @property
    def state_label(self) -> str:
        return STATES[self.state]


@dataclass(frozen=True)
class ConsentAnswer:
    allowed: bool
    reason: str


def _validate(data: ConsentInput, today: date) -> dict:
    errors: dict[str, str] = {}
    if not data.organisation_id:
        errors["organisation_id"] = "Välj vilken organisation samtycket gäller."
    if not data.purpose.strip():
        errors["purpose"] = "Skriv vad samtycket gäller, till exempel planering av insatser."
    unknown = [c for c in data.data_categories if c not in DATA_CATEGORIES]
    if unknown or not data.data_categories:
        errors["data_categories"] = "Välj minst en sorts uppgifter som får lämnas."
    if data.form not in CONSENT_FORMS:
        errors["form"] = "Ange om samtycket är skriftligt eller muntligt."
    valid_from = today
    valid_to = None
    if data.valid_from.strip():
        try:
            valid_from = parse_day(data.valid_from, today)
        except ValueError as exc:
            errors["valid_from"] = str(exc)
    if data.valid_to.strip():
        try:
            valid_to = parse_day(data.valid_to, today)
        except ValueError as exc:
            errors["valid_to"] = str(exc)
        else:
            if "valid_from" not in errors and valid_to < valid_from:
                errors["valid_to"] = "Slutdatum kan inte vara före startdatum."
    if errors:
        raise ValidationError(errors)
    return {
        "organisation_id": data.organisation_id,
        "purpose": data.purpose.strip(),
        "data_categories": ",".join(c for c in DATA_CATEGORIES if c in data.data_categories),
        "form": data.form,
        "valid_from": valid_from,
        "valid_to": valid_to,
    }


def add_consent(
    db: Database,
    individual_id: str,
    data: ConsentInput,
    *,
    actor_id: str | None,
    today: date | None = None,
) -> str:
    values = _validate(data, today or clock.today())
    with UnitOfWork(db, actor_id) as uow:
        person = uow.session.get(Individual, individual_id)
        if person is None or person.deleted_at is not None:
            raise NotFound("Personen finns inte längre i registret.")
        consent = uow.create(Consent(individual_id=individual_id, recorded_by=actor_id, **values))
    return consent.id


def withdraw_consent(
    db: Database, consent_id: str, *, actor_id: str | None, on: date | None = None
) -> None:
    on = on or clock.today()
    with UnitOfWork(db, actor_id) as uow:
        consent = uow.session.get(Consent, consent_id)
        if consent is None or consent.deleted_at is not None:
            raise NotFound("Samtycket finns inte längre.")
        if consent.withdrawn_on is not None:
            raise ServiceError(f"Samtycket återkallades redan {consent.withdrawn_on.isoformat()}.")
        uow.update(consent, withdrawn_on=on)


def list_consents(db: Database, individual_id: str, today: date | None = None) -> list[ConsentRow]:
    on = today or clock.today()
    with db.session() as session:
        members = same_person_ids(session, individual_id)
        rows = session.exec(
            select(Consent, Organisation)
            .join(Organisation, col(Organisation.id) == Consent.organisation_id, isouter=True)
            .where(col(Consent.individual_id).in_(members), col(Consent.deleted_at).is_(None))
            .order_by(col(Consent.valid_from).desc())
        ).all()
    return [
        ConsentRow(
            id=c.id,
            organisation_id=c.organisation_id,
            organisation_name=o.name if o else "okänd organisation",
            purpose=c.purpose,
            categories=", ".join(
                DATA_CATEGORIES.get(code, code) for code in c.data_categories.split(",") if code
            ),
            form=CONSENT_FORMS.get(c.form, c.form),
            valid_from=c.valid_from,
            valid_to=c.valid_to,
            withdrawn_on=c.withdrawn_on,
            state=consent_state(c.valid_from, c.valid_to, c.withdrawn_on, on),
        )
        for c, o in rows
    ]


def may_receive(
    db: Database,
    individual_id: str,
    organisation_id: str,
    *,
    on: date | None = None,
    category: str | None = None,
) -> ConsentAnswer:
    """May `organisation_id` receive data about this person on `on`?

    Yes if it holds the person's case, or if a consent in force covers it (and the data
    category, when one is asked about). The reason is Swedish and names no personal data.
    """
    on = on or clock.today()
    with db.session() as session:
        person = session.get(Individual, individual_id)
        if person is not None and person.merged_into:
            person = session.get(Individual, person.merged_into)
        if person is None or person.deleted_at is not None:
            return ConsentAnswer(False, "Personen finns inte i registret.")
        members = same_person_ids(session, person.id)
        org = session.get(Organisation, organisation_id)
        if org is not None and org.merged_into:
            org = session.get(Organisation, org.merged_into) or org
        org_name = org.name if org else "organisationen"
        # Organisations by identity (their number), whatever record a consent names.
        keys = organisation_keys(session.connection())
        wanted = keys.get(organisation_id, organisation_id)
        case = person.case_organisation_id
        if case and keys.get(case, case) == wanted:
            return ConsentAnswer(True, f"{org_name} har ärendet.")
        consents = [
            c
            for c in session.exec(
                select(Consent).where(
                    col(Consent.individual_id).in_(members), col(Consent.deleted_at).is_(None)
                )
            ).all()
            if keys.get(c.organisation_id, c.organisation_id) == wanted
        ]
    in_force = [c for c in consents if is_in_force(c.valid_from, c.valid_to, c.withdrawn_on, on)]
    if category is not None:
        covering = [c for c in in_force if category in c.data_categories.split(",")]
        if not covering and in_force:
            label = DATA_CATEGORIES.get(category, category)
            return ConsentAnswer(False, f"Samtycket för {org_name} omfattar inte {label.lower()}.")
        in_force = covering
    if in_force:
        until = in_force[0].valid_to
        suffix = f" till {until.isoformat()}" if until else ""
        return ConsentAnswer(True, f"Samtycke för {org_name} gäller{suffix}.")
    if any(c.withdrawn_on is not None and c.withdrawn_on <= on for c in consents):
        return ConsentAnswer(False, f"Samtycket för {org_name} är återkallat.")
    if consents:
        return ConsentAnswer(False, f"Samtycket för {org_name} gäller inte i dag.")
    return ConsentAnswer(False, f"Samtycke saknas för {org_name}.")
