"""Organisations (parter), their units and staff, and who uses this install.

An organisation is identified by its organisationsnummer (sync.organisations explains
how): a typed, chosen, shipped or received organisation with a number is one record
under the id derived from that number. Two records of one organisation are merged through
`merge_organisations`, here or on another install, and the merge travels with sync.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col, select

from ungtui.content.agreements import AGREEMENTS, OTHER_ORGANISATIONS
from ungtui.domain.orgnr import derived_id, parse_orgnr
from ungtui.domain.orgnr import organisation_id as id_for_number
from ungtui.domain.secrecy import SECRECY_DOMAINS, domains_for_kind, unit_domain
from ungtui.domain.text import fold
from ungtui.domain.vocabulary import ORGANISATION_KINDS
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.start import CurrentUser as CurrentUser
from ungtui.services.start import current_user as current_user
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.measures import ensure_measure_catalogue
from ungtui.store.database import Database
from ungtui.store.models import CURRENT_STAFF_KEY, ChangeLog, Organisation, Staff, Unit
from ungtui.sync import organisations as orgs


@dataclass(frozen=True)
class OrganisationInfo:
    id: str
    name: str
    org_nr: str | None
    kind: str

    @property
    def label(self) -> str:
        """The name with the number that identifies it, as lists show it."""
        return f"{self.name} ({self.org_nr or 'org.nr saknas'})"


@dataclass(frozen=True)
class SetupChoice:
    """An organisation to pick on the first run: one already here, or a party of the
    shipped starting content (made when picked)."""

    value: str  # an organisation id, or "nr:" and the number of a shipped party
    label: str
    name: str
    org_nr: str | None
    kind: str


SHIPPED = "nr:"


@dataclass(frozen=True)
class StaffInfo:
    id: str
    name: str
    unit_name: str
    organisation_id: str
    organisation_name: str


def list_organisations(db: Database) -> list[OrganisationInfo]:
    """Every organisation once: merged duplicates are shown under their canonical record."""
    with db.session() as session:
        rows = session.exec(
            select(Organisation)
            .where(col(Organisation.deleted_at).is_(None), col(Organisation.merged_into).is_(None))
            .order_by(Organisation.name)
        ).all()
    return [OrganisationInfo(o.id, o.name, o.org_nr, o.kind) for o in rows]


def shipped_parties() -> list[tuple[str, str, str]]:
    """(name, number, kind) of the organisations the starting content names with a number."""
    seen: dict[str, tuple[str, str, str]] = {}
    for agreement in AGREEMENTS:
        for name, number, kind in agreement["parties"]:
            if number:  # GGV's kommuner have none in the seeds
                seen[number] = (name, number, kind)
    for name, number, kind in OTHER_ORGANISATIONS:
        if number:
            seen.setdefault(number, (name, number, kind))
    return sorted(seen.values(), key=lambda party: fold(party[0]))


def setup_choices(db: Database) -> list[SetupChoice]:
    """What the first-run screen offers before "Ny organisation": the organisations here,
    then the parties of the starting content not here yet."""
    here = list_organisations(db)
    numbers = {o.org_nr for o in here if o.org_nr}
    choices = [SetupChoice(o.id, o.label, o.name, o.org_nr, o.kind) for o in here]
    choices += [
        SetupChoice(f"{SHIPPED}{number}", f"{name} ({number})", name, number, kind)
        for name, number, kind in shipped_parties()
        if number not in numbers
    ]
    return choices


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


def _validate_organisation(name: str, org_nr: str, kind: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    normalized = ""
    if not name.strip():
        errors["organisation_name"] = "Ange organisationens namn."
    try:
        normalized = parse_orgnr(org_nr)
    except ValueError as exc:
        errors["org_nr"] = str(exc)
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = "Välj vilken sorts organisation det är."
    if errors:
        raise ValidationError(errors)
    return " ".join(name.split()), normalized


def _shipped_party(number: str) -> tuple[str, str, str] | None:
    return next((p for p in shipped_parties() if p[1] == number), None)


def _ensure_organisation(uow: UnitOfWork, name: str, number: str, kind: str) -> str:
    """The organisation with this number: the record here (whatever its id), or a new
    one under the id derived from the number. A party of the starting content is made
    exactly as the content makes it, so that installs agree on it; a name typed
    differently is then a later change of the name."""
    conn = uow.session.connection()
    found = orgs.id_for_key(conn, number)
    if found is not None:
        return found
    party = _shipped_party(number)
    if party is not None:
        org = uow.create(
            Organisation(id=id_for_number(number), name=party[0], org_nr=number, kind=party[2]),
            shipped=True,
        )
        uow.update(org, name=name or party[0], kind=kind or party[2])
        return org.id
    org = uow.create(Organisation(id=id_for_number(number), name=name, org_nr=number, kind=kind))
    return org.id


def add_organisation(
    db: Database, *, name: str, org_nr: str, kind: str, actor_id: str | None = None
) -> str:
    """A new organisation, or the one already here with that number."""
    clean_name, normalized = _validate_organisation(name, org_nr, kind)
    with UnitOfWork(db, actor_id) as uow:
        return _ensure_organisation(uow, clean_name, normalized, kind)


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
    secrecy_domain: str = "",
) -> CurrentUser:
    """First run: who am I, where do I work. Uses an existing organisation (by id, or by
    its number) or makes one; a party of the starting content is made as shipped.
    `secrecy_domain`: the nämnd the unit belongs to (domain.secrecy); empty reads it from
    the unit's name until someone sets it."""
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
            organisation_id = _ensure_organisation(uow, organisation_name, normalized, kind)
        else:  # a merged duplicate stands for the organisation it is shown as
            chosen = uow.session.get(Organisation, organisation_id)
            if chosen is not None and chosen.merged_into:
                organisation_id = chosen.merged_into
        unit = uow.session.exec(
            select(Unit).where(
                Unit.organisation_id == organisation_id,
                Unit.name == unit_name.strip(),
                col(Unit.deleted_at).is_(None),
            )
        ).first()
        org = uow.session.get(Organisation, organisation_id)
        if secrecy_domain and (org is None or secrecy_domain not in domains_for_kind(org.kind)):
            raise ValidationError({"secrecy_domain": "Välj vilken nämnd enheten hör till."})
        if unit is None:
            unit = uow.create(
                Unit(
                    organisation_id=organisation_id,
                    name=unit_name.strip(),
                    secrecy_domain=secrecy_domain,
                )
            )
        elif secrecy_domain and unit.secrecy_domain != secrecy_domain:
            uow.update(unit, secrecy_domain=secrecy_domain)
        staff = uow.create(Staff(name=name.strip(), unit_id=unit.id, role=role.strip()))
        uow.set_setting(CURRENT_STAFF_KEY, staff.id)
    ensure_measure_catalogue(db, staff.id)  # a fresh install starts with the national measures
    user = current_user(db)
    assert user is not None
    return user


def register_user_with_choice(
    db: Database,
    *,
    name: str,
    unit_name: str,
    role: str = "",
    choice: SetupChoice,
    secrecy_domain: str = "",
) -> CurrentUser:
    """First run with an organisation picked from `setup_choices`."""
    if choice.value.startswith(SHIPPED):
        return register_user(
            db,
            name=name,
            unit_name=unit_name,
            role=role,
            organisation_name=choice.name,
            org_nr=choice.org_nr or "",
            kind=choice.kind,
            secrecy_domain=secrecy_domain,
        )
    return register_user(
        db,
        name=name,
        unit_name=unit_name,
        role=role,
        organisation_id=choice.value,
        secrecy_domain=secrecy_domain,
    )


# --- units and their secrecy domains ------------------------------------------------


@dataclass(frozen=True)
class UnitInfo:
    id: str
    name: str
    organisation_id: str
    organisation_name: str
    organisation_kind: str
    domain: str  # the domain it is in: set, or read from its name
    assumed: bool  # not set by anyone: read from the unit's name

    @property
    def domain_label(self) -> str:
        return SECRECY_DOMAINS[self.domain].label


def list_units(db: Database) -> list[UnitInfo]:
    """Every unit with the nämnd or authority it belongs to, by organisation and name."""
    with db.session() as session:
        rows = session.exec(
            select(Unit, Organisation)
            .join(Organisation, col(Organisation.id) == Unit.organisation_id)
            .where(col(Unit.deleted_at).is_(None))
            .order_by(Organisation.name, Unit.name)
        ).all()
    result = []
    for unit, org in rows:
        shown = unit_domain(unit.secrecy_domain, unit.name, org.kind)
        result.append(
            UnitInfo(
                unit.id,
                unit.name,
                org.id,
                org.name,
                org.kind,
                shown,
                assumed=unit.secrecy_domain != shown and len(domains_for_kind(org.kind)) > 1,
            )
        )
    return result


def set_unit_domain(db: Database, unit_id: str, domain: str, *, actor_id: str | None) -> None:
    """Say which nämnd or authority a unit belongs to; it travels with sync like any
    change, so every install reads the unit's data as that domain's."""
    with UnitOfWork(db, actor_id) as uow:
        unit = uow.session.get(Unit, unit_id)
        if unit is None or unit.deleted_at is not None:
            raise NotFound("Enheten finns inte längre.")
        org = uow.session.get(Organisation, unit.organisation_id)
        if org is None or domain not in domains_for_kind(org.kind):
            raise ValidationError({"secrecy_domain": "Välj en av organisationens nämnder."})
        uow.update(unit, secrecy_domain=domain)


# --- finding an organisation by what a person types ---------------------------------


def find_organisation(db: Database, text: str) -> OrganisationInfo:
    """The organisation a person means by a name, a number or an id. An ambiguous name is
    refused with the candidates named; an unknown one with the organisations known here."""
    wanted = text.strip()
    known = list_organisations(db)
    if not wanted:
        raise ServiceError("Ange organisationens namn, organisationsnummer eller id.")
    with db.engine.connect() as conn:
        shown = conn.exec_driver_sql(
            "SELECT merged_into FROM organisation WHERE id = ?", (wanted,)
        ).first()
    if shown is not None:
        target = shown[0] or wanted
        return next(o for o in known if o.id == target)
    digits = "".join(ch for ch in wanted if ch.isdigit())
    if len(digits) >= 10 and len(digits) == len(wanted.replace("-", "").replace(" ", "")):
        try:
            number = parse_orgnr(wanted)
        except ValueError as exc:
            raise ServiceError(f"{wanted}: {exc}") from None
        for org in known:
            if org.org_nr == number:
                return org
        raise ServiceError(f"Ingen organisation med organisationsnummer {number} finns här.")
    folded = fold(wanted)
    exact = [o for o in known if fold(o.name) == folded]
    matches = exact or [o for o in known if folded in fold(o.name)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = "; ".join(f"{o.label}, id {o.id[:8]}" for o in matches)
        raise ServiceError(
            f"”{wanted}” passar flera organisationer: {listed}. Ange organisationsnummer eller id."
        )
    names = ", ".join(o.label for o in known) or "inga"
    raise ServiceError(f"Organisationen ”{wanted}” finns inte här. Kända organisationer: {names}.")


# --- one organisation, two records --------------------------------------------------


@dataclass(frozen=True)
class OrganisationPair:
    """Two records that may be one organisation: a person confirms before they merge."""

    first: OrganisationInfo
    second: OrganisationInfo
    reason: str


def organisation_duplicates(db: Database) -> list[OrganisationPair]:
    """Records of the same name where at least one has no number. (Records with the same
    number are one organisation by definition and are merged without asking.)"""
    known = list_organisations(db)
    pairs = []
    for index, first in enumerate(known):
        for second in known[index + 1 :]:
            if fold(first.name) != fold(second.name):
                continue
            if first.org_nr and second.org_nr:
                continue  # two numbers: two organisations that happen to share a name
            pairs.append(OrganisationPair(first, second, "samma namn, organisationsnummer saknas"))
    return pairs


def organisations_without_number(db: Database) -> list[OrganisationInfo]:
    """Records that need a number to be known as the same organisation elsewhere. Not the
    starting content's own (the seeds give Värnamo, Gnosjö, Gislaved and a
    samordningsförbund none): their id comes from their name, the same on every install
    that loads the content, so they need no number to be matched, and a fresh install
    has nothing to do about them. Should another install send one of them with its
    number, the two show as a pair to merge."""
    named = [*(p for a in AGREEMENTS for p in a["parties"]), *OTHER_ORGANISATIONS]
    shipped = {derived_id("organisation", name) for name, nr, _kind in named if not nr}
    return [o for o in list_organisations(db) if not o.org_nr and o.id not in shipped]


def _log(uow: UnitOfWork, org_id: str, field: str, old: str | None, new: str | None) -> None:
    uow.session.add(
        ChangeLog(
            id=str(uuid.uuid4()),
            at=datetime.now(UTC),
            table_name="organisation",
            record_id=org_id,
            field=field,
            old_value=old,
            new_value=new,
            actor_id=uow.actor_id,
        )
    )


def merge_organisations(
    db: Database, first_id: str, second_id: str, *, actor_id: str | None
) -> str:
    """Record that two records are one organisation (a person has confirmed it); returns
    the id it is now shown under. Refused for two different numbers."""
    if first_id == second_id:
        raise ServiceError("Det är samma organisation.")
    with UnitOfWork(db, actor_id) as uow:
        found = {
            o.id: o
            for o in uow.session.exec(
                select(Organisation).where(
                    col(Organisation.id).in_([first_id, second_id]),
                    col(Organisation.deleted_at).is_(None),
                )
            ).all()
        }
        if len(found) != 2:
            raise NotFound("En av organisationerna finns inte längre här.")
        a, b = found[first_id], found[second_id]
        if a.org_nr and b.org_nr and a.org_nr != b.org_nr:
            raise ServiceError(
                f"{a.name} ({a.org_nr}) och {b.name} ({b.org_nr}) har olika "
                "organisationsnummer och är olika organisationer."
            )
        conn = uow.session.connection()
        orgs.add_merge(conn, first_id, second_id)
        orgs.refresh_organisation_clusters(conn)
        _log(uow, first_id, "*sammanslagen*", None, b.name)
        _log(uow, second_id, "*sammanslagen*", None, a.name)
        shown = orgs.organisation_clusters(conn)
    return shown.get(first_id, first_id)


def set_organisation_number(
    db: Database, organisation_id: str, org_nr: str, *, actor_id: str | None
) -> str:
    """Give a record its number; if another record has that number, the two become one.
    Returns the id the organisation is shown under."""
    try:
        number = parse_orgnr(org_nr)
    except ValueError as exc:
        raise ValidationError({"org_nr": str(exc)}) from None
    with UnitOfWork(db, actor_id) as uow:
        org = uow.session.get(Organisation, organisation_id)
        if org is None or org.deleted_at is not None:
            raise NotFound("Organisationen finns inte längre här.")
        if org.org_nr and org.org_nr != number:
            raise ServiceError(
                f"{org.name} har redan organisationsnummer {org.org_nr}. Ett nummer ändras "
                "inte: det är organisationens identitet."
            )
        uow.update(org, org_nr=number)
    with db.engine.begin() as conn:
        orgs.merge_same_numbers(conn)
        return orgs.id_for_key(conn, number) or organisation_id
