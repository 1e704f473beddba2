"""Bringing a spreadsheet list of people into the register.

First a plan: every row checked, nothing written; rows that cannot be imported get their
row number and a Swedish reason. Then, if the user goes on, the accepted rows are written
in ONE UnitOfWork, so sync stamping, the change log and the audit log see every one and a
failure leaves nothing half done.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import col, select

from ungtui.domain.table_import import (
    FIELDS,
    cell_text,
    check_mapping,
    guess_mapping,
    identity_text,
    is_reserve_id,
    parse_gender,
    parse_sheet_date,
    parse_status,
    split_full_name,
)
from ungtui.domain.text import fold, plural
from ungtui.domain.vocabulary import FIELD_LABELS
from ungtui.services import clock
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.install_settings import (
    IMPORT_MAPPING_KEY,
    ImportMapping,
    mappings_json,
    read_settings,
    write_settings,
)
from ungtui.services.people.individuals import (
    IndividualInput,
    search_key,
    sort_key,
    validate_individual,
)
from ungtui.services.people.table_files import SheetTable
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.columns import Columns
from ungtui.store.database import Database, take_write_lock
from ungtui.store.models import Individual, Responsibility, Staff, Unit, Way, WayPhase

ON_MATCH: dict[str, str] = {
    "skip": "Hoppa över (ändra inget hos redan registrerade)",
    "update": "Uppdatera redan registrerade med uppgifterna i filen",
}
ENTRY_PHASE = "inflode"
_CHUNK = 500

# validate_individual's error keys, named as the report names them.
_ERROR_LABELS = {
    "identity": "Personnummer",
    "birth_date": "Födelsedatum",
    "last_name": "Namn",
    "gender": "Kön",
    "status": "Status",
    "phone": "Telefon",
    "email": "E-post",
    "residence_permit_date": "Första uppehållstillstånd",
    "establishment_from": "Etableringsprogrammet från",
    "establishment_until": "Etableringsprogrammet till",
    "municipality": "Folkbokförd i kommun",
}
# Which register columns a mapped field may change on a person already registered.
_UPDATES = {
    "full_name": ("first_name", "last_name"),
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "gender": ("gender",),
    "status": ("status",),
    "phone": ("phone",),
    "email": ("email",),
    "address": ("address",),
    "residence_permit_date": ("residence_permit_date",),
    "establishment_from": ("establishment_from",),
    "establishment_until": ("establishment_until",),
    "municipality": ("municipality",),
}


@dataclass(frozen=True)
class Rejected:
    row: int
    reason: str


@dataclass(frozen=True)
class Matched:
    row: int
    individual_id: str
    differences: tuple[str, ...]  # field labels where the file differs from the register


@dataclass
class NewPerson:
    row: int
    values: dict
    staff_id: str | None  # None: whoever imports answers for them, as for a form
    entry_date: date | None


@dataclass
class PersonUpdate:
    row: int
    individual_id: str
    values: dict  # only the columns that change
    staff_id: str | None  # a new responsible caseworker, or None for no change
    entry_date: date | None  # starts a way when the person has none


@dataclass
class ImportPlan:
    on_match: str
    creates: list[NewPerson] = field(default_factory=list)
    updates: list[PersonUpdate] = field(default_factory=list)
    unchanged: list[Matched] = field(default_factory=list)  # registered, file says the same
    skipped: list[Matched] = field(default_factory=list)  # registered, differs, on_match=skip
    review: list[Rejected] = field(default_factory=list)  # may be someone registered
    rejected: list[Rejected] = field(default_factory=list)
    # Checked as new, but registered by someone else before this import was written.
    meanwhile: list[Rejected] = field(default_factory=list)
    blank_rows: int = 0
    total_rows: list[int] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return (
            len(self.creates)
            + len(self.updates)
            + len(self.unchanged)
            + len(self.skipped)
            + len(self.review)
            + len(self.rejected)
            + len(self.meanwhile)
        )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


class _RowError(Exception):
    pass


# --- mappings --------------------------------------------------------------------------


def mapping_from_names(headers: list[str], by_header: dict[str, str | None]) -> list[str | None]:
    """A saved mapping (header text -> field) applied to these headers; headers it does not
    name are guessed."""
    guessed = guess_mapping(headers)
    return [by_header.get(h, g) for h, g in zip(headers, guessed, strict=True)]


def load_mapping_file(path: Path, headers: list[str]) -> list[str | None]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ServiceError(f"Mappningsfilen kunde inte läsas: {error.strerror}.") from error
    except ValueError as error:
        raise ServiceError("Mappningsfilen är inte giltig JSON.") from error
    columns = data.get("kolumner") if isinstance(data, dict) else None
    if not isinstance(columns, dict) or not all(v is None or v in FIELDS for v in columns.values()):
        raise ServiceError(
            'Mappningsfilen ska se ut så här: {"kolumner": {"Pnr": "identity", ...}}, med '
            f"fälten {', '.join(FIELDS)} eller null."
        )
    return mapping_from_names(headers, columns)


def mapping_json(headers: list[str], mapping: list[str | None]) -> str:
    columns = {h: m for h, m in zip(headers, mapping, strict=True) if h}
    return json.dumps({"kolumner": columns}, ensure_ascii=False, indent=2) + "\n"


def remembered_mapping(db: Database, headers: list[str]) -> list[str | None] | None:
    """The mapping last used for a list with exactly these headers, if any."""
    for entry in read_settings(db).import_mappings:
        if list(entry.headers) == headers:
            return [m if m in FIELDS else None for m in entry.mapping]
    return None


def remember_mapping(db: Database, headers: list[str], mapping: list[str | None]) -> None:
    """Kept for the last ten lists with different headers."""
    kept = [m for m in read_settings(db).import_mappings if list(m.headers) != headers][-9:]
    kept.append(ImportMapping(tuple(headers), tuple(mapping)))
    write_settings(db, {IMPORT_MAPPING_KEY: mappings_json(tuple(kept))})


# --- planning --------------------------------------------------------------------------


def _staff_lookup(db: Database, organisation_id: str | None) -> dict[str, list[str | None]]:
    """Staff by folded name, in both name orders: the id for the importing organisation's
    own staff, None for another party's (their responsibility is theirs to record; the
    register's own list shows them when there is no one of ours)."""
    with db.session() as session:
        rows = session.exec(
            select(Staff.id, Staff.name, Unit.organisation_id)
            .join(Unit, col(Unit.id) == Staff.unit_id)
            .where(col(Staff.deleted_at).is_(None))
        ).all()
    lookup: dict[str, list[str | None]] = {}
    for staff_id, name, org_id in rows:
        own = organisation_id is None or org_id == organisation_id
        lookup.setdefault(_name_key(name), []).append(staff_id if own else None)
    return lookup


@functools.lru_cache(maxsize=4096)
def _name_key(name: str) -> str:
    """'Lind, Anna' and 'anna lind' are the same caseworker. Cached: a list names the
    same few caseworkers on every row."""
    return " ".join(sorted(fold(name.replace(",", " ")).split()))


def _caseworker(text: str, lookup: dict[str, list[str | None]]) -> str | None:
    found = lookup.get(_name_key(text), [])
    if found and not any(found):
        return None
    found = [staff_id for staff_id in found if staff_id]
    if not found:
        raise _RowError(
            f"Okänd handläggare ”{text}”; lägg upp handläggaren eller rätta namnet i filen."
        )
    if len(found) > 1:
        raise _RowError(f"Flera handläggare heter ”{text}”; ange handläggaren för hand.")
    return found[0]


def _cells_by_field(cells: list[object], mapping: list[str | None]) -> dict[str, object]:
    return {name: cell for name, cell in zip(mapping, cells, strict=False) if name}


def _read_row(
    by_field: dict[str, object], today: date, staff: dict[str, list[str | None]]
) -> tuple[dict, set[str], str | None, date | None]:
    """(register values, fields given in the row, caseworker id, entry date)."""
    problems: list[str] = []
    # Each cell's text once: a list of 10,000 people asks for it 16 times a row.
    texts = {name: cell_text(cell) for name, cell in by_field.items()}
    text = texts.get
    given = {name for name, value in texts.items() if value}
    identity = reserve = ""
    if "identity" in given:
        try:
            raw = identity_text(by_field["identity"])
        except ValueError as exc:
            problems.append(f"Personnummer: {exc}")
        else:
            if is_reserve_id(raw):
                reserve = raw.upper()
            else:
                identity = raw
    first, last = text("first_name", ""), text("last_name", "")
    if "full_name" in given and not (first or last):
        first, last = split_full_name(text("full_name", ""))
    dates: dict[str, date | None] = {}
    for name in (
        "birth_date",
        "residence_permit_date",
        "entry_date",
        "establishment_from",
        "establishment_until",
    ):
        dates[name] = None
        if name in given:
            try:
                dates[name] = parse_sheet_date(by_field[name], today)
            except ValueError as exc:
                problems.append(f"{FIELDS[name]}: {exc}")
    gender = status = ""
    try:
        gender = parse_gender(text("gender", ""))
    except ValueError as exc:
        problems.append(f"Kön: {exc}")
    try:
        status = parse_status(text("status", ""))
    except ValueError as exc:
        problems.append(f"Status: {exc}")
    staff_id = None
    if "caseworker" in given:
        try:
            staff_id = _caseworker(text("caseworker", ""), staff)
        except _RowError as exc:
            problems.append(str(exc))
    if problems:
        raise _RowError(" ".join(problems))
    data = IndividualInput(
        identity=identity,
        reserve_id=reserve,
        birth_date=dates["birth_date"].isoformat() if dates["birth_date"] else "",
        first_name=first,
        last_name=last,
        gender=gender,
        phone=text("phone", ""),
        email=text("email", ""),
        address=text("address", ""),
        residence_permit_date=(
            dates["residence_permit_date"].isoformat() if dates["residence_permit_date"] else ""
        ),
        status=status,
        establishment_from=(
            dates["establishment_from"].isoformat() if dates["establishment_from"] else ""
        ),
        establishment_until=(
            dates["establishment_until"].isoformat() if dates["establishment_until"] else ""
        ),
        municipality=text("municipality", ""),
    )
    try:
        values = validate_individual(data, today)
    except ValidationError as exc:
        raise _RowError(
            " ".join(
                m if m.startswith(FIELD_LABELS.get(k, "\0")) else f"{_ERROR_LABELS.get(k, k)}: {m}"
                for k, m in exc.errors.items()
            )
        ) from None
    if identity and dates["birth_date"] and dates["birth_date"] != values["birth_date"]:
        raise _RowError("Födelsedatum: stämmer inte med personnumret.")
    entry = dates["entry_date"]
    if entry is not None:
        if entry > today:
            raise _RowError("Inskriven: datumet ligger i framtiden.")
        if values["birth_date"] and entry < values["birth_date"]:
            raise _RowError("Inskriven: datumet är före födelsedagen.")
    return values, given, staff_id, entry


def _person_key(values: dict) -> str:
    if values["identity_number"]:
        return values["identity_number"]
    if values["reserve_id"]:
        return "R:" + fold(values["reserve_id"])
    return f"N:{_name_key(values['first_name'] + ' ' + values['last_name'])}:{values['birth_date']}"


def _registered(
    db: Database, numbers: list[str], reserves: list[str]
) -> dict[str, list[Individual]]:
    """Registered people by identity number and by 'R:'+folded reserve id (one merged into
    another is found as the person it was merged into). A number can belong to more than
    one record: registering a duplicate is a warning, never a refusal."""
    found: dict[str, dict[str, Individual]] = {}
    merged_into: list[tuple[str, str]] = []
    with db.session() as session:
        for column, keys in (
            (Individual.identity_number, numbers),
            (Individual.reserve_id, reserves),
        ):
            for start in range(0, len(keys), _CHUNK):
                people = session.exec(
                    select(Individual).where(
                        col(column).in_(keys[start : start + _CHUNK]),
                        col(Individual.deleted_at).is_(None),
                    )
                ).all()
                for person in people:
                    key = _person_key(
                        {"identity_number": person.identity_number, "reserve_id": person.reserve_id}
                    )
                    if person.merged_into:
                        merged_into.append((key, person.merged_into))
                    else:
                        found.setdefault(key, {})[person.id] = person
        for key, target in merged_into:
            if (person := session.get(Individual, target)) is not None:
                found.setdefault(key, {})[person.id] = person
    return {key: list(people.values()) for key, people in found.items()}


def _pick(candidates: list[Individual], values: dict) -> Individual | None:
    """The one registered person a row means; with several on the same number, the one
    with the same name, or None when that does not settle it."""
    if len(candidates) == 1:
        return candidates[0]
    name = _name_key(values["first_name"] + " " + values["last_name"])
    same = [p for p in candidates if _name_key(p.first_name + " " + p.last_name) == name]
    return same[0] if len(same) == 1 else None


def _similar_without_number(db: Database, candidates: list[dict]) -> set[str]:
    """Keys of number-less rows whose name and birth date match someone registered."""
    births = sorted({v["birth_date"] for v in candidates if v["birth_date"]})
    keys: set[str] = set()
    with db.session() as session:
        for start in range(0, len(births), _CHUNK):
            rows = session.exec(
                select(Individual.first_name, Individual.last_name, Individual.birth_date).where(
                    col(Individual.birth_date).in_(births[start : start + _CHUNK]),
                    col(Individual.deleted_at).is_(None),
                )
            ).all()
            keys |= {f"N:{_name_key(f + ' ' + la)}:{b}" for f, la, b in rows}
    return keys


def _context(db: Database, ids: list[str], organisation_id: str | None):
    """Current responsible caseworker (for the organisation) and who already has a way."""
    responsible: dict[str, str] = {}
    with_way: set[str] = set()
    with db.session() as session:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            if organisation_id:
                for pid, staff_id in session.exec(
                    select(Responsibility.individual_id, Responsibility.staff_id).where(
                        col(Responsibility.individual_id).in_(chunk),
                        Responsibility.organisation_id == organisation_id,
                        col(Responsibility.deleted_at).is_(None),
                    )
                ).all():
                    responsible[pid] = staff_id
            with_way |= set(
                session.exec(
                    select(Way.individual_id).where(
                        col(Way.individual_id).in_(chunk), col(Way.deleted_at).is_(None)
                    )
                ).all()
            )
    return responsible, with_way


def plan_import(
    db: Database,
    table: SheetTable,
    mapping: list[str | None],
    *,
    organisation_id: str | None,
    on_match: str = "skip",
    today: date | None = None,
) -> ImportPlan:
    """Check every row; nothing is written. Raises ServiceError when the mapping is unusable."""
    today = today or clock.today()
    if on_match not in ON_MATCH:
        raise ServiceError("Välj om redan registrerade ska hoppas över eller uppdateras.")
    if len(mapping) != len(table.headers):
        raise ServiceError("Mappningen har inte lika många kolumner som filen.")
    problems = check_mapping(mapping)
    if problems:
        raise ServiceError(" ".join(problems))
    plan = ImportPlan(on_match, blank_rows=table.blank_rows, total_rows=list(table.total_rows))
    staff = _staff_lookup(db, organisation_id)
    accepted: list[tuple[int, dict, set[str], str | None, date | None]] = []
    for number, cells in table.rows:
        try:
            values, given, staff_id, entry = _read_row(
                _cells_by_field(cells, mapping), today, staff
            )
        except _RowError as exc:
            plan.rejected.append(Rejected(number, str(exc)))
            continue
        accepted.append((number, values, given, staff_id, entry))

    numbers = [v["identity_number"] for _n, v, *_ in accepted if v["identity_number"]]
    reserves = [
        v["reserve_id"]
        for _n, v, given, *_ in accepted
        if "identity" in given and not v["identity_number"]
    ]
    registered = _registered(db, numbers, reserves)
    similar = _similar_without_number(
        db, [v for _n, v, given, *_ in accepted if "identity" not in given]
    )
    ids = [p.id for people in registered.values() for p in people]
    responsible, with_way = _context(db, ids, organisation_id)
    seen_ids: dict[str, int] = {}  # registered person -> first row that means them
    first_row: dict[str, int] = {}  # new person's number (or name and birth) -> first row
    for number, values, given, staff_id, entry in accepted:
        key = _person_key(values)
        candidates = registered.get(key, [])
        person = _pick(candidates, values) if candidates else None
        seen = (seen_ids if person else first_row).get(person.id if person else key)
        if seen is not None:
            plan.rejected.append(Rejected(number, f"Samma person som rad {seen}."))
            continue
        if person is not None:
            seen_ids[person.id] = number
        else:
            first_row[key] = number
        if candidates and person is None:
            plan.review.append(
                Rejected(
                    number,
                    f"{len(candidates)} registrerade personer har samma nummer och inget "
                    "av dem samma namn; kontrollera för hand vem som avses.",
                )
            )
            continue
        if person is None:
            if "identity" not in given and key in similar:
                plan.review.append(
                    Rejected(
                        number,
                        "Saknar personnummer och har samma namn och födelsedatum som en "
                        "registrerad person; kontrollera och registrera för hand om det är "
                        "en annan person.",
                    )
                )
                continue
            if "identity" in given and values["reserve_id"] and not values["identity_number"]:
                plan.rejected.append(
                    Rejected(number, "Reservnumret finns inte i registret; ange personnummer.")
                )
                continue
            plan.creates.append(NewPerson(number, values, staff_id, entry))
            continue
        changes = _changes(person, values, given)
        new_staff = staff_id if staff_id and responsible.get(person.id) != staff_id else None
        new_way = entry if entry and person.id not in with_way else None
        labels = [FIELD_LABELS.get(c, c) for c in changes if c not in ("search_key", "sort_key")]
        if new_staff:
            labels.append("Handläggare")
        if new_way:
            labels.append("Inskriven")
        if not labels:
            plan.unchanged.append(Matched(number, person.id, ()))
        elif on_match == "update":
            plan.updates.append(PersonUpdate(number, person.id, changes, new_staff, new_way))
        else:
            plan.skipped.append(Matched(number, person.id, tuple(labels)))
    plan.rejected.sort(key=lambda r: r.row)
    return plan


def _changes(person: Individual, values: dict, given: set[str]) -> dict:
    """The register columns the file would change; a column missing in the file or an
    empty cell never erases what is registered."""
    wanted: dict = {}
    for name, columns in _UPDATES.items():
        if name in given:
            for column in columns:
                if values[column] or name in ("full_name", "first_name", "last_name"):
                    wanted[column] = values[column]
    if "birth_date" in given and person.identity_kind == "reservnummer":
        wanted["birth_date"] = values["birth_date"]
    changes = {c: v for c, v in wanted.items() if getattr(person, c) != v}
    if {"first_name", "last_name"} & set(changes):
        first = changes.get("first_name", person.first_name)
        last = changes.get("last_name", person.last_name)
        changes["search_key"] = search_key(first, last, person.identity_number, person.reserve_id)
        changes["sort_key"] = sort_key(first, last)
    return changes


# --- applying --------------------------------------------------------------------------


def apply_import(
    db: Database,
    plan: ImportPlan,
    *,
    actor_id: str | None,
    organisation_id: str | None,
) -> ImportResult:
    """Write the plan's accepted rows in one transaction. Someone registered since the
    check (another import of the same list, another window) is not registered again: such
    rows move to `plan.meanwhile` and the report names them."""
    with UnitOfWork(db, actor_id) as uow:
        take_write_lock(uow.session.connection())
        _drop_registered_meanwhile(uow, plan)
        ids = uow.insert_many(
            Individual,
            [
                dict(
                    case_organisation_id=organisation_id,
                    identity_here=bool(new.values["identity_number"]),
                    **new.values,
                )
                for new in plan.creates
            ],
        )
        if organisation_id:
            responsible = [
                (pid, new.staff_id or actor_id)
                for pid, new in zip(ids, plan.creates, strict=True)
                if new.staff_id or actor_id
            ]
            uow.insert_many(
                Responsibility,
                Columns.of_tuples(
                    ("individual_id", "staff_id"),
                    responsible,
                    same={"organisation_id": organisation_id},
                ),
            )
        _start_ways(
            uow, [(pid, new.entry_date) for pid, new in zip(ids, plan.creates, strict=True)]
        )
        updates = {u.individual_id: u for u in plan.updates}
        ids = list(updates)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            people = uow.session.exec(select(Individual).where(col(Individual.id).in_(chunk))).all()
            current = {
                r.individual_id: r
                for r in uow.session.exec(
                    select(Responsibility).where(
                        col(Responsibility.individual_id).in_(chunk),
                        Responsibility.organisation_id == organisation_id,
                        col(Responsibility.deleted_at).is_(None),
                    )
                )
            }
            for person in people:
                if person.deleted_at is not None:
                    raise ServiceError(
                        f"Personen på rad {updates[person.id].row} har tagits bort sedan "
                        "kontrollen. Inget lästes in; kontrollera filen igen."
                    )
                update = updates[person.id]
                uow.update(person, **update.values)
                if update.staff_id and organisation_id:
                    if person.id in current:
                        uow.remove(current[person.id])
                    uow.create(
                        Responsibility(
                            individual_id=person.id,
                            organisation_id=organisation_id,
                            staff_id=update.staff_id,
                        )
                    )
        _start_ways(uow, [(u.individual_id, u.entry_date) for u in plan.updates])
    return ImportResult(created=len(plan.creates), updated=len(plan.updates))


def _drop_registered_meanwhile(uow: UnitOfWork, plan: ImportPlan) -> None:
    numbers = [n.values["identity_number"] for n in plan.creates if n.values["identity_number"]]
    taken: set[str] = set()
    for start in range(0, len(numbers), _CHUNK):
        taken |= set(
            uow.session.exec(
                select(Individual.identity_number).where(
                    col(Individual.identity_number).in_(numbers[start : start + _CHUNK]),
                    col(Individual.deleted_at).is_(None),
                )
            ).all()
        )
    if not taken:
        return
    plan.meanwhile += [
        Rejected(
            n.row,
            "Registrerades under tiden (av en annan inläsning eller i ett annat fönster); "
            "inte inläst en gång till.",
        )
        for n in plan.creates
        if n.values["identity_number"] in taken
    ]
    plan.creates = [n for n in plan.creates if n.values["identity_number"] not in taken]


def _start_ways(uow: UnitOfWork, entries: list[tuple[str, date | None]]) -> None:
    """A way from the day the list says the person was enrolled, in its first phase."""
    entries = [(pid, day) for pid, day in entries if day]
    ways = uow.insert_many(Way, Columns.of_tuples(("individual_id", "entry_date"), entries))
    uow.insert_many(
        WayPhase,
        Columns.of_tuples(
            ("way_id", "individual_id", "started_on"),
            [(way_id, pid, day) for way_id, (pid, day) in zip(ways, entries, strict=True)],
            same={"phase": ENTRY_PHASE},
        ),
    )


# --- the report ------------------------------------------------------------------------


def report_lines(plan: ImportPlan, *, applied: bool = False) -> list[str]:
    """The validation report as the user reads it; row numbers as Excel shows them."""
    verb_new = "Skapades" if applied else "Skapas"
    verb_upd = "Uppdaterades" if applied else "Uppdateras"
    lines = [
        f"Rader lästa: {plan.rows_read}.",
        f"{verb_new}: {plural(len(plan.creates), 'ny person', 'nya personer')}.",
        f"{verb_upd}: {len(plan.updates)} redan registrerade.",
        f"Oförändrade (redan registrerade med samma uppgifter): {len(plan.unchanged)}.",
    ]
    if plan.skipped:
        lines.append(f"Redan registrerade med andra uppgifter, hoppas över: {len(plan.skipped)}.")
    if plan.meanwhile:
        lines.append(f"Redan registrerade under tiden, inte inlästa igen: {len(plan.meanwhile)}.")
    lines.append(f"Kan inte läsas in: {len(plan.rejected)}.")
    if plan.review:
        lines.append(f"Att granska för hand: {len(plan.review)}.")
    skipped_lines = []
    if plan.blank_rows:
        blank = plan.blank_rows
        skipped_lines.append(f"{blank} {'tom rad' if blank == 1 else 'tomma rader'}")
    if plan.total_rows:
        rows = ", ".join(str(n) for n in plan.total_rows)
        skipped_lines.append(f"summeringsrad (rad {rows})")
    if skipped_lines:
        lines.append(f"Hoppade över: {', '.join(skipped_lines)}.")
    if plan.rejected:
        lines += ["", "Kan inte läsas in:"]
        lines += [f"  Rad {r.row}: {r.reason}" for r in plan.rejected]
    if plan.meanwhile:
        lines += ["", "Registrerades under tiden:"]
        lines += [f"  Rad {r.row}: {r.reason}" for r in plan.meanwhile]
    if plan.review:
        lines += ["", "Att granska:"]
        lines += [f"  Rad {r.row}: {r.reason}" for r in plan.review]
    if plan.skipped:
        lines += ["", "Redan registrerade, skiljer sig (välj uppdatera för att ändra):"]
        lines += [f"  Rad {m.row}: {', '.join(m.differences).lower()}" for m in plan.skipped]
    if plan.updates and not applied:
        lines += ["", "Uppdateras:"]
        for u in plan.updates:
            labels = [
                FIELD_LABELS.get(c, c) for c in u.values if c not in ("search_key", "sort_key")
            ]
            if u.staff_id:
                labels.append("Handläggare")
            if u.entry_date:
                labels.append("Inskriven")
            lines.append(f"  Rad {u.row}: {', '.join(labels).lower()}")
    return lines
