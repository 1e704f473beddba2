"""The register of individuals (deltagare): search, read, save, remove."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from sqlalchemy import and_, func, or_
from sqlalchemy import text as sql_text
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from ungtui.domain.ages import age_on
from ungtui.domain.data_categories import ARBETE, UTBILDNING
from ungtui.domain.fields import field_problem, phone_problem
from ungtui.domain.group_filters import group_bounds
from ungtui.domain.guarantee import GuaranteeRules
from ungtui.domain.identity import parse_identity
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.target_groups import (
    AF_STATUSES,
    GroupMatch,
    PersonFacts,
    groups_not_decided,
    school_status,
    short_codes,
    target_groups,
)
from ungtui.domain.text import display_name, fold, person_search_key, person_sort_key
from ungtui.domain.vocabulary import GENDERS, STATUSES
from ungtui.services import clock
from ungtui.services.consent.consents import ConsentRow, list_consents
from ungtui.services.errors import NotFound, ValidationError
from ungtui.services.people.person_history import HistoryRow, person_history
from ungtui.services.people.received import any_received, missing_categories, unknown_sql
from ungtui.services.people.same_person import same_person_ids
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.guarantee import way_marks
from ungtui.services.way.guarantee_rules import guarantee_rules
from ungtui.store import person_search
from ungtui.store.database import Database, take_write_lock
from ungtui.store.models import (
    Individual,
    Organisation,
    PersonStatus,
    Responsibility,
    Staff,
    Unit,
    table_of,
)

SORTS: dict[str, str] = {"namn": "Namn", "alder": "Ålder", "andrad": "Senast ändrad"}
ALREADY_REGISTERED = (
    "Numret är redan registrerat på en annan person. Öppna den personen i stället; är "
    "numret fel där, rätta det först."
)


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
class IndividualDetail:
    individual: Individual
    age: int | None
    groups: list[GroupMatch]
    case_organisation: str
    responsibilities: list[tuple[str, str, str]]  # (organisation, caseworker, unit)
    responsible_staff_id: str | None  # for the user's own organisation
    consents: list[ConsentRow]
    history: list[HistoryRow]
    # Data categories of the person record this install never received (the person was
    # shared from elsewhere without them): their fields hold defaults, not facts.
    missing: frozenset[str] = frozenset()
    # Groups that cannot be told for want of such data, with what is missing.
    undecided: list[GroupMatch] = field(default_factory=list)


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
    establishment_from: str = ""
    establishment_until: str = ""
    compulsory_school_done_on: str = ""
    municipality: str = ""
    af_status: str = ""
    # The day a changed school or AF status took effect ("" = today).
    status_changed_on: str = ""
    extra: dict = field(default_factory=dict)


search_key = person_search_key
sort_key = person_sort_key


def person_facts(
    person: Individual, school: str | None = None, *, school_known: bool = True
) -> PersonFacts:
    """The rules' view of a person; `school` (a SCHOOL_STATUSES code) is the school status
    on the day asked about when it differs from today's; `school_known` False when the
    person's school data never came here (services.people.received)."""
    in_school = person.in_upper_secondary
    diploma = person.has_upper_secondary_diploma
    if school is not None:
        in_school, diploma = school == "gymnasieskola", school == "examen"
    return PersonFacts(
        birth_date=person.birth_date,
        in_upper_secondary=in_school,
        has_upper_secondary_diploma=diploma,
        residence_permit_date=person.residence_permit_date,
        establishment_from=person.establishment_from,
        establishment_until=person.establishment_until,
        compulsory_school_done_on=person.compulsory_school_done_on,
        has_samordningsnummer=person.identity_kind == "samordningsnummer",
        school_known=school_known,
    )


_facts = person_facts


def value_on(rows: list[PersonStatus], on: date) -> str | None:
    """The status on `on` from one kind's rows: the latest dated on or before it, else
    the one known since before (no day); None when nothing is recorded."""
    dated = [r for r in rows if r.valid_from is not None and r.valid_from <= on]
    if dated:
        return max(dated, key=lambda r: (r.valid_from, r.created_at)).value
    undated = [r for r in rows if r.valid_from is None]
    return max(undated, key=lambda r: r.created_at).value if undated else None


def status_rows(session, individual_ids: list[str], kind: str) -> dict[str, list[PersonStatus]]:
    found: dict[str, list[PersonStatus]] = {i: [] for i in individual_ids}
    if not individual_ids:
        return found
    for row in session.exec(
        select(PersonStatus).where(
            col(PersonStatus.individual_id).in_(individual_ids),
            PersonStatus.kind == kind,
            col(PersonStatus.deleted_at).is_(None),
        )
    ).all():
        found[row.individual_id].append(row)
    return found


def status_on(db: Database, individual_id: str, kind: str, on: date) -> str | None:
    """A person's school ("skola") or AF ("af") status as it was on `on`."""
    with db.session() as session:
        members = same_person_ids(session, individual_id)
        rows = [r for m in members for r in status_rows(session, members, kind)[m]]
    return value_on(rows, on)


# --- reading -------------------------------------------------------------------------


def _conditions(flt: IndividualFilter, today: date, received: bool = False) -> list:
    """The filter as SQL conditions; `received`: this install has read in sync files,
    so that some people may lack data categories (services.people.received)."""
    conditions: list = [col(Individual.deleted_at).is_(None), col(Individual.merged_into).is_(None)]
    for token in fold(flt.text).split():
        conditions.append(func.instr(Individual.search_key, token) > 0)
    if flt.status:
        # A person whose Arbete och insatser never came holds the default 'aktiv': kept in
        # the list the screen opens with (the people to work with), its status shown as
        # unknown there, rather than hidden from everyone who received them.
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
            # defaults of a person whose school data never came here say nothing
            if received:
                conditions.append(sql_text(f"NOT {unknown_sql(UTBILDNING, 'individual.id')}"))
        if bounds.requires_folkbokford:
            conditions.append(Individual.identity_kind != "samordningsnummer")
        if bounds.school_done_by is not None:
            done = col(Individual.compulsory_school_done_on)
            conditions.append(
                or_(
                    done <= bounds.school_done_by,
                    and_(
                        done.is_(None),
                        col(Individual.birth_date) <= bounds.school_default_birth_to,
                    ),
                )
            )
        if bounds.in_establishment_on is not None:
            on = bounds.in_establishment_on
            conditions.append(col(Individual.establishment_from) <= on)
            conditions.append(
                or_(
                    col(Individual.establishment_until).is_(None),
                    col(Individual.establishment_until) >= on,
                )
            )
    if flt.mine_staff_id:
        mine = select(Responsibility.individual_id).where(
            Responsibility.staff_id == flt.mine_staff_id,
            col(Responsibility.deleted_at).is_(None),
        )
        conditions.append(col(Individual.id).in_(mine))
    return conditions


def _rows_to_read(conn, flt: IndividualFilter):
    """What the list reads from: the few rows the trigram index leaves for the search's
    words, or the whole table. Either way `_conditions` decide which rows match."""
    table = table_of(Individual)
    rowids = person_search.candidates(conn, fold(flt.text).split())
    return table if rowids is None else person_search.among(rowids, table)


def _order(sort: str) -> list:
    # The id last: two people of one name born on one day (or changed in one instant)
    # come in one order whichever way SQLite reads them.
    if sort == "alder":
        return [col(Individual.birth_date).desc(), Individual.sort_key, Individual.id]
    if sort == "andrad":
        return [col(Individual.updated_at).desc(), Individual.id]
    return [Individual.sort_key, Individual.id]


def count_individuals(
    db: Database,
    flt: IndividualFilter,
    today: date | None = None,
    *,
    stale: Callable[[], bool] | None = None,
) -> int | None:
    """How many people the filter finds. With `stale`, asked every few thousand steps of
    SQLite, the count gives up (None) as soon as it says the answer is no longer wanted:
    at 100,000 people a count reads the whole list index, longer than the page, and a
    search typed on asks again anyway."""
    today = today or clock.today()
    with db.engine.connect() as conn:
        query = (
            select(func.count())
            .select_from(_rows_to_read(conn, flt))
            .where(and_(*_conditions(flt, today, flt.group is not None and any_received(conn))))
        )
        if stale is None:
            return conn.execute(query).scalar_one()
        raw = conn.connection.driver_connection
        raw.set_progress_handler(stale, STALE_CHECK_STEPS)
        try:
            return conn.execute(query).scalar_one()
        except OperationalError as exc:
            if "interrupt" in str(exc):
                return None
            raise
        finally:
            raw.set_progress_handler(None, 0)


# SQLite virtual machine steps between two questions whether a count is still wanted;
# about a millisecond of work.
STALE_CHECK_STEPS = 20_000

# What one row of the list is drawn from, and nothing more: the page's names come before
# anything else on every keystroke, read as plain rows rather than whole records.
_ROW_COLUMNS = (
    Individual.id,
    Individual.first_name,
    Individual.last_name,
    Individual.identity_number,
    Individual.reserve_id,
    Individual.identity_kind,
    Individual.birth_date,
    Individual.in_upper_secondary,
    Individual.has_upper_secondary_diploma,
    Individual.residence_permit_date,
    Individual.establishment_from,
    Individual.establishment_until,
    Individual.compulsory_school_done_on,
    Individual.status,
    Individual.gender,
)


def list_names(
    db: Database,
    flt: IndividualFilter,
    *,
    offset: int = 0,
    limit: int = 100,
    today: date | None = None,
) -> list[IndividualRow]:
    """One page of the list without the caseworker and the way's marks (left empty;
    `fill_in` adds them): name, number, age, target groups and status, what a search
    needs on screen first."""
    today = today or clock.today()
    with db.engine.connect() as conn:
        query = (
            select(*_ROW_COLUMNS)
            .select_from(_rows_to_read(conn, flt))
            .where(and_(*_conditions(flt, today, flt.group is not None and any_received(conn))))
            .order_by(*_order(flt.sort))
            .offset(offset)
            .limit(limit)
        )
        found = conn.execute(query).all()
        missing = missing_categories(conn, (row[0] for row in found))
    rows = []
    for (id_, first, last, number, reserve, kind, born, in_school, diploma, permit,
         est_from, est_until, school_done, status, gender) in found:  # fmt: skip
        facts = PersonFacts(
            birth_date=born,
            in_upper_secondary=bool(in_school),
            has_upper_secondary_diploma=bool(diploma),
            residence_permit_date=permit,
            establishment_from=est_from,
            establishment_until=est_until,
            compulsory_school_done_on=school_done,
            has_samordningsnummer=kind == "samordningsnummer",
            school_known=UTBILDNING not in missing.get(id_, ()),
        )
        if ARBETE in missing.get(id_, ()):
            status = None
        rows.append(
            IndividualRow(
                id=id_,
                name=display_name(first, last),
                identity=number or reserve or "",
                identity_kind=kind,
                age=age_on(born, today) if born else None,
                groups=_group_codes(facts, today),
                caseworker="",
                status=STATUS_MISSING if status is None else STATUSES.get(status, status),
                gender=gender,
            )
        )
    return rows


# Entries of a person's history the person view shows (older ones: the log, F8).
HISTORY_PAGE = 100

# The list's status of a person whose Arbete och insatser never came here.
STATUS_MISSING = "saknas"


@lru_cache(maxsize=4096)
def _group_codes(facts: PersonFacts, today: date) -> str:
    """The target groups' column. A search typed letter by letter shows mostly the same
    people again, and the rules were a third of the Python time of a page's names."""
    return short_codes(target_groups(facts, today))


def fill_in(
    db: Database,
    rows: list[IndividualRow],
    *,
    organisation_id: str | None = None,
    today: date | None = None,
    rule: GuaranteeRules | None = None,
) -> list[IndividualRow]:
    """The rows of `list_names` with what costs more to find: the caseworker (the one for
    `organisation_id`, else another party's) and the latest way's phase, next date and
    guarantee mark, which follow `rule`, or without it the install's agreements."""
    today = today or clock.today()
    if rule is None:
        rule = guarantee_rules(db)
    ids = [r.id for r in rows]
    if not ids:
        return []
    with db.session() as session:
        caseworkers = _caseworkers(session, ids, organisation_id)
        people = session.exec(
            select(
                Individual.id,
                Individual.birth_date,
                Individual.case_organisation_id,
                Individual.municipality,
            ).where(col(Individual.id).in_(ids))
        ).all()
        marks = way_marks(session, list(people), today=today, rule=rule)
    return [
        replace(r, caseworker=caseworkers.get(r.id, ""), **_mark_fields(marks.get(r.id), today))
        for r in rows
    ]


def list_individuals(
    db: Database,
    flt: IndividualFilter,
    *,
    offset: int = 0,
    limit: int = 100,
    organisation_id: str | None = None,
    today: date | None = None,
    rule: GuaranteeRules | None = None,
) -> list[IndividualRow]:
    """One page of the list, whole. The caseworker shown is the one for
    `organisation_id`; the guarantee marks follow `rule`, or without it the install's
    agreements."""
    today = today or clock.today()
    rows = list_names(db, flt, offset=offset, limit=limit, today=today)
    return fill_in(db, rows, organisation_id=organisation_id, today=today, rule=rule)


def _mark_fields(mark, today: date) -> dict:
    if mark is None:
        return {}
    # A follow-up whose day has passed is as urgent as a passed 90-day deadline: the
    # next date is the caseworker's to-do, and a date behind today is one not done.
    overdue = mark.next is not None and mark.next.on < today
    return {
        "phase": mark.phase,
        "next_date": str(mark.next) if mark.next else "",
        "warn": mark.warn or ("passerad" if overdue else None),
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
    history_limit: int = HISTORY_PAGE,
) -> IndividualDetail:
    """The person view's content; the history's newest `history_limit` entries (one more
    when there are more, so that the screen can say so)."""
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
        history = person_history(session.connection(), members, limit=history_limit + 1)
        missing = missing_categories(session.connection(), [individual_id]).get(
            individual_id, frozenset()
        )
    facts = _facts(person, school_known=UTBILDNING not in missing)
    responsible = next(
        (r.staff_id for r, _s, _u, o in responsibility_rows if o.id == organisation_id), None
    )
    return IndividualDetail(
        individual=person,
        age=age_on(person.birth_date, today) if person.birth_date else None,
        groups=target_groups(facts, today),
        case_organisation=case_org.name if case_org else "",
        responsibilities=[(o.name, s.name, u.name) for _r, s, u, o in responsibility_rows],
        responsible_staff_id=responsible,
        consents=list_consents(db, individual_id, today),
        history=history,
        missing=missing,
        undecided=groups_not_decided(facts, today),
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
    for name in ("first_name", "last_name", "phone", "email", "address", "reserve_id"):
        if name not in errors and (problem := field_problem("individual", name, values.get(name))):
            errors[name] = problem
    if "phone" not in errors and (problem := phone_problem(values["phone"])):
        errors["phone"] = problem
    values.update(_facts_values(data, values.get("birth_date"), today, errors))
    if errors:
        raise ValidationError(errors)
    values["search_key"] = search_key(first, last, values["identity_number"], values["reserve_id"])
    values["sort_key"] = sort_key(first, last)
    return values


def _optional_date(errors: dict[str, str], key: str, text: str, today: date) -> date | None:
    if not text.strip():
        return None
    try:
        return parse_day(text, today)
    except ValueError as exc:
        errors[key] = str(exc)
        return None


_MUNICIPALITY = re.compile(r"^[A-Za-zÅÄÖåäöÉéÜü][A-Za-zÅÄÖåäöÉéÜü \-]{0,39}$")


def _facts_values(
    data: IndividualInput, born: date | None, today: date, errors: dict[str, str]
) -> dict:
    start = _optional_date(errors, "establishment_from", data.establishment_from, today)
    end = _optional_date(errors, "establishment_until", data.establishment_until, today)
    if end is not None and start is None and "establishment_from" not in errors:
        errors["establishment_from"] = "Ange när programmet började; ett slut utan start går inte."
    elif start is not None and end is not None and end < start:
        errors["establishment_until"] = "Programmet kan inte sluta före det börjar."
    done = _optional_date(
        errors, "compulsory_school_done_on", data.compulsory_school_done_on, today
    )
    if done is not None and born is not None and done < born:
        errors["compulsory_school_done_on"] = "Datumet kan inte vara före födelsedagen."
    municipality = " ".join(data.municipality.split())
    if municipality and not _MUNICIPALITY.match(municipality):
        errors["municipality"] = "Skriv kommunens namn med bokstäver, till exempel Gislaved."
    if data.af_status and data.af_status not in AF_STATUSES:
        errors["af_status"] = "Välj status hos Arbetsförmedlingen."
    changed = _optional_date(errors, "status_changed_on", data.status_changed_on, today)
    if changed is not None and changed > today:
        errors["status_changed_on"] = "Datumet kan inte ligga i framtiden."
    return {
        "establishment_from": start,
        "establishment_until": end,
        "compulsory_school_done_on": done,
        "municipality": municipality,
        "af_status": data.af_status,
    }


def _keep_status(uow: UnitOfWork, person: Individual, before: dict[str, str], on: date) -> None:
    """Keep a changed school or AF status with the day it took effect, and the earlier
    one as known since before if nothing was kept yet. A person whose status never
    changed has no rows: today's is the status of every day."""
    now = {
        "skola": school_status(person.in_upper_secondary, person.has_upper_secondary_diploma),
        "af": person.af_status,
    }
    for kind, value in now.items():
        if value == before[kind]:
            continue
        known = status_rows(uow.session, [person.id], kind)[person.id]
        if not known and before[kind]:
            uow.create(PersonStatus(individual_id=person.id, kind=kind, value=before[kind]))
        uow.create(PersonStatus(individual_id=person.id, kind=kind, value=value, valid_from=on))


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
    today = today or clock.today()
    values = validate_individual(data, today)
    changed_on = today
    if data.status_changed_on.strip():
        changed_on = parse_day(data.status_changed_on, today)
    number = values["identity_number"]
    with UnitOfWork(db, actor_id) as uow:
        if individual_id is None:
            _refuse_registered(uow, number, None)
            person = uow.create(
                Individual(
                    case_organisation_id=organisation_id, identity_here=bool(number), **values
                )
            )
        else:
            person = uow.session.get(Individual, individual_id)
            if person is None or person.deleted_at is not None:
                raise NotFound("Personen finns inte längre i registret.")
            before = {
                "skola": school_status(
                    person.in_upper_secondary, person.has_upper_secondary_diploma
                ),
                "af": person.af_status,
            }
            if person.identity_kind == "reservnummer" and values["identity_number"] is None:
                values["reserve_id"] = data.reserve_id.strip() or person.reserve_id
                values["search_key"] = search_key(
                    values["first_name"], values["last_name"], None, values["reserve_id"]
                )
            if number and number != person.identity_number:
                _refuse_registered(uow, number, person.id)
                person.identity_here = True  # typed here now: bookkeeping, not a change
            uow.update(person, **values)
            _keep_status(uow, person, before, changed_on)
        if organisation_id is not None:
            responsible = data.responsible_staff_id
            if individual_id is None and responsible is None:
                responsible = actor_id  # whoever registers a person answers for them at first
            _set_responsible(uow, person.id, organisation_id, responsible)
    return person.id


def _refuse_registered(uow: UnitOfWork, number: str | None, individual_id: str | None) -> None:
    """One number, one person: registering a number someone live already has is refused
    (the form offers to open that person). The unique index of numbers registered here
    backs this up when two saves race (store.migrations.V_IDENTITY_HERE)."""
    if not number:
        return
    take_write_lock(uow.session.connection())  # nobody registers it between look and write
    taken = uow.session.exec(
        select(Individual.id).where(
            Individual.identity_number == number,
            col(Individual.deleted_at).is_(None),
            Individual.id != (individual_id or ""),
            func.coalesce(Individual.merged_into, "") != (individual_id or "-"),
        )
    ).first()
    if taken is not None:
        raise ValidationError({"identity": ALREADY_REGISTERED})


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
