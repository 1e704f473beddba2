"""Fictional but realistic data to try the app on.

Identity numbers use the serial range 980–999, which Skatteverket keeps for test
numbers, so a generated number belongs to nobody. Names are common Swedish and
newcomer names in random pairs. Bulk rows go in with one prepared statement per table,
in a unit of work (UnitOfWork.insert_generated): 100,000 people as ORM objects would take
minutes.
"""

from __future__ import annotations

import gc
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from ungtui.demo import below, seeded_id, weighted
from ungtui.demo.meetings import fill_demo_meetings
from ungtui.demo.processes import fill_demo_processes
from ungtui.demo.referrals import demo_consent, fill_demo_referrals
from ungtui.demo.way import fill_way_demo
from ungtui.domain.identity import luhn_check_digit
from ungtui.domain.orgnr import organisation_id
from ungtui.services import clock
from ungtui.services.people.individuals import search_key, sort_key
from ungtui.services.people.organisations import CURRENT_STAFF_KEY
from ungtui.services.referrals.referrals import refresh_states
from ungtui.services.unit_of_work import CREATED, UnitOfWork
from ungtui.store.bulk_load import indexes_made_after, pages_written_once
from ungtui.store.columns import Columns
from ungtui.store.database import Database
from ungtui.store.models import (
    ChangeLog,
    Consent,
    Individual,
    Organisation,
    Responsibility,
    Setting,
    Staff,
    Unit,
    table_of,
)

WOMEN = [
    "Anna",
    "Maria",
    "Emma",
    "Sara",
    "Elin",
    "Ida",
    "Hanna",
    "Julia",
    "Linnéa",
    "Moa",
    "Wilma",
    "Alva",
    "Ebba",
    "Maja",
    "Saga",
    "Tove",
    "Ronja",
    "Amira",
    "Fatima",
    "Aisha",
    "Hodan",
    "Leila",
    "Mariam",
    "Noor",
    "Zeynep",
    "Yasmin",
    "Sofía",
    "Ängla",
    "Åsa",
    "Märta",
]
MEN = [
    "Erik",
    "Lars",
    "Johan",
    "Karl",
    "Oscar",
    "Lucas",
    "William",
    "Elias",
    "Hugo",
    "Liam",
    "Noah",
    "Adam",
    "Viktor",
    "Emil",
    "Isak",
    "Ali",
    "Mohammed",
    "Ahmed",
    "Omar",
    "Yusuf",
    "Abdi",
    "Hassan",
    "Mustafa",
    "Dawit",
    "Tesfay",
    "Björn",
    "Åke",
    "Örjan",
    "Jörgen",
]
SURNAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Lindström",
    "Sandberg",
    "Ström",
    "Åberg",
    "Öberg",
    "Ek",
    "Sjöberg",
    "Hassan",
    "Mohamed",
    "Ali",
    "Ahmed",
    "Abdullahi",
    "Öztürk",
    "Yılmaz",
    "Nguyen",
    "Haile",
    "Tesfaye",
    "Kebede",
    "Rahimi",
    "Hosseini",
    "Popescu",
    "Kowalski",
    "Nowak",
    "Jovanović",
    "Begić",
    "Al-Hassan",
]
STREETS = [
    "Storgatan",
    "Kyrkogatan",
    "Järnvägsgatan",
    "Skolgatan",
    "Västra vägen",
    "Ängsvägen",
    "Björkallén",
]

ORGANISATIONS = (
    ("Arbetsförmedlingen", "202100-2114", "af", ("Arbetsförmedlingen Malmö Unga",)),
    (
        "Malmö stad",
        "212000-1124",
        "kommun",
        ("Jobbcenter Unga", "Vuxenutbildningen", "KAA-enheten", "Socialtjänsten"),
    ),
    ("Försäkringskassan", "202100-5521", "fk", ("Lokalt försäkringscenter",)),
    ("Nordljus Kompetens AB", "556789-0123", "leverantor", ("Rusta och matcha",)),
)
# Each demo unit's secrecy domain (nämnd or authority), as its first-run screen sets it.
UNIT_DOMAINS = {
    "Arbetsförmedlingen Malmö Unga": "af",
    "Jobbcenter Unga": "arbetsmarknad",
    "Vuxenutbildningen": "vuxenutbildning",
    "KAA-enheten": "skola_kaa",
    "Socialtjänsten": "socialtjanst",
    "Lokalt försäkringscenter": "fk",
    "Rusta och matcha": "hela",
}
STAFF = (
    ("Karin Lind", 0, "ungdomshandläggare"),
    ("Ahmed Yusuf", 0, "arbetsförmedlare"),
    ("Petra Holm", 0, "arbetsförmedlare"),
    ("Sofia Berg", 1, "arbetsmarknadssekreterare"),
    ("Jonas Ek", 1, "jobbcoach"),
    ("Lena Åström", 2, "studie- och yrkesvägledare"),
    ("Miriam Haddad", 3, "KAA-samordnare"),
    ("Tomas Nyberg", 4, "socialsekreterare"),
    ("Eva Sjögren", 5, "handläggare"),
    ("Daniel Öst", 6, "coach"),
)
DEMO_USER = 3  # Sofia Berg, Jobbcenter Unga, Malmö stad


@dataclass(frozen=True)
class DemoSummary:
    individuals: int
    consents: int
    seconds: float


def _identity(below, birth: date, gender: str, kind: str) -> str:
    # The third serial digit is odd for men, even for women (randrange(0 or 1, 10, 2)).
    gender_digit = 2 * below(5) + (gender != "kvinna")
    serial = f"{(98, 99)[below(2)]}{gender_digit}"
    day = birth.day + (60 if kind == "samordningsnummer" else 0)
    digits = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}{serial}"
    return f"{birth.year:04d}{digits[2:6]}-{serial}{luhn_check_digit(digits)}"


# The people's columns, in the order fill_demo makes each person's tuple.
PEOPLE_COLUMNS = (
    "id",
    "created_at",
    "identity_kind",
    "identity_number",
    "reserve_id",
    "birth_date",
    "first_name",
    "last_name",
    "gender",
    "phone",
    "address",
    "in_upper_secondary",
    "has_upper_secondary_diploma",
    "residence_permit_date",
    "status",
    "case_organisation_id",
    "establishment_from",
    "establishment_until",
    "municipality",
    "af_status",
    "search_key",
    "sort_key",
)
LOG_COLUMNS = ("id", "at", "record_id", "actor_id")
RESPONSIBILITY_COLUMNS = ("id", "individual_id", "organisation_id", "staff_id", "created_at")


def fill_demo(
    db: Database, *, individuals: int = 300, seed: int = 1, today: date | None = None
) -> DemoSummary:
    """Fill `db` with fictional people, parties, ways, referrals, processes and meetings;
    the same seed gives the same database."""
    started = datetime.now()
    # The demo makes millions of tuples and dicts, none in a cycle, and the collector
    # would walk them all again and again: 4.5 s of CPU in a demo of 100,000 people.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with db.engine.connect() as conn:
            empty = conn.exec_driver_sql("SELECT NOT EXISTS (SELECT 1 FROM individual)").scalar()
        if not empty:
            return _fill(db, individuals, seed, today, started)
        # `ungtui demo` writes only to a new file: nothing else reads it while it is filled.
        with pages_written_once(db), indexes_made_after(db):
            return _fill(db, individuals, seed, today, started)
    finally:
        if collecting:
            gc.enable()


def _fill(
    db: Database, individuals: int, seed: int, today: date | None, started: datetime
) -> DemoSummary:
    today = today or clock.today()
    rng = random.Random(seed)

    def rid() -> str:
        # Seeded ids, so the same seed gives the same database.
        return seeded_id(rng.getrandbits(128))

    # Facts added later (issue 18) come from a stream of their own, so that the same seed
    # still gives everyone else the same names, numbers and ways.
    facts = random.Random(seed * 104729 + 7)
    now = datetime(today.year, today.month, today.day, 8, 0, tzinfo=UTC)
    org_ids, unit_ids, unit_org, staff_ids = [], [], [], []
    organisations, units, staff = [], [], []
    for name, org_nr, kind, unit_names in ORGANISATIONS:
        rid()  # drawn and dropped: every later value of the seed stays as it was
        # The organisation's id is derived from its number, as on every install.
        org_id = organisation_id(org_nr)
        org_ids.append(org_id)
        organisations.append(
            dict(id=org_id, name=name, org_nr=org_nr, kind=kind, created_at=now, updated_at=now)
        )
        for unit_name in unit_names:
            unit_id = rid()
            unit_ids.append(unit_id)
            unit_org.append(org_id)
            units.append(
                dict(
                    id=unit_id,
                    organisation_id=org_id,
                    name=unit_name,
                    secrecy_domain=UNIT_DOMAINS[unit_name],
                    created_at=now,
                    updated_at=now,
                )
            )
    staff_by_org: dict[str, list[str]] = {}
    staff_unit: dict[str, dict] = {}
    for name, unit_index, role in STAFF:
        staff_id = rid()
        staff_ids.append(staff_id)
        staff_by_org.setdefault(unit_org[unit_index], []).append(staff_id)
        staff_unit[staff_id] = units[unit_index]
        staff.append(
            dict(
                id=staff_id,
                name=name,
                unit_id=unit_ids[unit_index],
                role=role,
                email="",
                created_at=now,
                updated_at=now,
            )
        )
    af, kommun = org_ids[0], org_ids[1]

    people, responsibilities, consents, log = [], [], [], []
    # Every draw as randint, choice and choices would make it, in the same order (see
    # demo.below): the same seed gives the same people as before.
    draw, bits, coin = below(rng), rng.getrandbits, rng.random
    fact, fact_draw = facts.random, below(facts)
    gender_of = weighted(rng, ("kvinna", "man", "annat"), (48, 50, 2))
    kind_of = weighted(rng, ("personnummer", "samordningsnummer", "reservnummer"), (85, 11, 4))
    org_of = weighted(rng, (kommun, af), (70, 30))
    status_of = weighted(rng, ("aktiv", "vilande", "avslutad"), (80, 8, 12))
    af_status_of = weighted(
        facts, ("oppet_arbetslos", "program", "inskriven_annan", ""), (40, 40, 10, 10)
    )
    day_zero = today.toordinal()
    sort_keys: dict[tuple[str, str], str] = {}
    for _ in range(individuals):
        gender = gender_of()
        legal = gender if gender != "annat" else ("kvinna", "man")[draw(2)]
        names = WOMEN if legal == "kvinna" else MEN
        first = names[draw(len(names))]
        last = SURNAMES[draw(len(SURNAMES))]
        age_days = 15 * 365 + draw(19 * 365 + 1)
        birth = date.fromordinal(day_zero - age_days)
        kind = kind_of()
        newcomer = kind == "samordningsnummer" or coin() < 0.12
        number = reserve = None
        if kind == "reservnummer":
            reserve = f"R-{bits(24):06X}"
        else:
            number = _identity(draw, birth, legal, kind)
        age = age_days // 365
        in_school = 16 <= age <= 19 and coin() < 0.6
        diploma = age >= 19 and coin() < 0.55
        permit = date.fromordinal(day_zero - 30 - draw(6 * 365 - 29)) if newcomer else None
        if permit and permit < birth:
            permit = None
        created = now - timedelta(days=draw(901), minutes=draw(601))
        person_id = seeded_id(bits(128))
        case_org = org_of()
        # AF decides who is in the establishment programme: most adult newcomers, from a
        # month or few after the permit, for up to two years.
        programme_from = programme_until = None
        if permit and age >= 20 and fact() < 0.7:
            programme_from = permit + timedelta(days=30 + fact_draw(91))
            programme_until = programme_from + timedelta(days=729)
            if programme_from > today:
                programme_from = programme_until = None
            elif programme_until > today:
                programme_until = None
        af_status = ""
        if case_org == af or fact() < 0.3:
            af_status = af_status_of()
        phone = f"07{draw(10)}-{100 + draw(900)} {10 + draw(90)} {10 + draw(90)}"
        address = f"{STREETS[draw(len(STREETS))]} {1 + draw(80)}"
        status = status_of()
        municipality = "Malmö" if fact() < 0.92 else ""
        key = (first, last)
        if key not in sort_keys:
            sort_keys[key] = sort_key(first, last)
        people.append(
            (
                person_id,
                created,
                kind,
                number,
                reserve,
                birth,
                first,
                last,
                gender,
                phone,
                address,
                in_school,
                diploma,
                permit,
                status,
                case_org,
                programme_from,
                programme_until,
                municipality,
                af_status,
                search_key(first, last, number, reserve),
                sort_keys[key],
            )
        )
        log_id = seeded_id(bits(128))
        staff_here = staff_by_org[case_org]
        log.append((log_id, created, person_id, staff_here[draw(len(staff_here))]))
        responsibility_id = seeded_id(bits(128))
        responsibilities.append(
            (responsibility_id, person_id, case_org, staff_here[draw(len(staff_here))], created)
        )
        if coin() < 0.6:
            other = kommun if case_org == af else af
            responsibility_id = seeded_id(bits(128))
            staff_there = staff_by_org[other]
            responsibilities.append(
                (responsibility_id, person_id, other, staff_there[draw(len(staff_there))], created)
            )
        if coin() < 0.65:
            other = af if case_org == kommun else kommun
            valid_from = created.date()
            withdrawn = valid_from + timedelta(days=10 + draw(191)) if coin() < 0.08 else None
            if withdrawn and withdrawn > today:
                withdrawn = None
            consent_id = seeded_id(bits(128))
            categories = ("kontakt,utbildning,arbete", "kontakt,arbete")[draw(2)]
            form = ("skriftligt", "muntligt")[draw(2)]
            valid_to = valid_from + timedelta(days=365) if coin() < 0.5 else None
            recorder = staff_here[draw(len(staff_here))]
            # The one who records discloses: the unit's nämnd gives the other party data
            # for the joint planning and for referrals; a kommun receives at Jobbcenter.
            unit = staff_unit[recorder]
            consents.append(
                demo_consent(
                    consent_id=consent_id,
                    person=person_id,
                    birth=birth,
                    recorder=recorder,
                    discloser=(unit["organisation_id"], unit["secrecy_domain"]),
                    receiver=(other, "arbetsmarknad" if other == kommun else None),
                    purposes="samordning,remiss",
                    purpose="Samordning av insatser mot arbete eller studier",
                    categories=categories,
                    valid_from=valid_from,
                    moment=created,
                    form=form,
                    valid_to=valid_to,
                    withdrawn_on=withdrawn,
                )
            )

    person_columns = Columns.of_tuples(PEOPLE_COLUMNS, people, dict(email="", deleted_at=None))
    person_columns.values["updated_at"] = person_columns.values["created_at"]
    responsibility_columns = Columns.of_tuples(
        RESPONSIBILITY_COLUMNS, responsibilities, dict(deleted_at=None)
    )
    responsibility_columns.values["updated_at"] = responsibility_columns.values["created_at"]
    log_columns = Columns.of_tuples(
        LOG_COLUMNS,
        log,
        dict(table_name="individual", field=CREATED, old_value=None, new_value=None),
    )
    records: dict[type, list[dict[str, Any]] | Columns] = {
        Organisation: organisations,
        Unit: units,
        Staff: staff,
        Individual: person_columns,
        Responsibility: responsibility_columns,
        Consent: consents,
    }
    # Demo records travel by sync like typed ones (the unit of work stamps them).
    with UnitOfWork(db, None) as uow:
        for model, rows in [*records.items(), (ChangeLog, log_columns)]:
            uow.insert_generated(model, rows)
        uow.session.connection().execute(
            insert(table_of(Setting)).prefix_with("OR REPLACE"),
            [dict(key=CURRENT_STAFF_KEY, value=staff_ids[DEMO_USER])],
        )
    fill_way_demo(db, person_columns, today=today, seed=seed)
    fill_demo_referrals(db, seed=seed, today=today)
    # The referral lists' cache is built now, while the file is being made: opening the
    # demo database (sample.db) only to read it then writes nothing.
    refresh_states(db)
    fill_demo_processes(db, actor_id=staff_ids[DEMO_USER], today=today)
    fill_demo_meetings(db, seed=seed, today=today)
    seconds = (datetime.now() - started).total_seconds()
    return DemoSummary(individuals=len(people), consents=len(consents), seconds=seconds)
