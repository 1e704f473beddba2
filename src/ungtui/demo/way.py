"""Demo histories on the way: entry, phases, mapping, measures, exits, follow-ups and
three job tracks (the seed 001 goal: 180 places). Fictional, like the rest of the demo.

Runs after the people are written, with its own random stream, so the people and
consents a seed gives stay the same as before this part existed.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from ungtui.demo import seeded_id
from ungtui.domain.ages import age_on
from ungtui.domain.measures import NATIONAL_MEASURES, national_measure_id, start_refusal
from ungtui.services.processes.starting_content import shipped_id
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.measures import ensure_measure_catalogue
from ungtui.store.database import Database
from ungtui.store.models import (
    ExitFollowUp,
    IndividualMeasure,
    JobTrack,
    Mapping,
    Way,
    WayPhase,
)

TRACKS = (
    ("Jobbspår vård och omsorg", "Malmö stad, vård och omsorg", "Vård och omsorg", 60),
    ("Jobbspår bygg och anläggning", "", "Bygg", 50),
    ("Jobbspår lager och logistik", "Nordlogistik AB", "Lager och logistik", 70),
)
NEEDS = (
    "Stöd att skriva CV och söka jobb",
    "Studievägledning",
    "Praktik för att pröva ett yrke",
    "Körkort",
    "Stöd med struktur i vardagen",
    "Komplettera betyg i svenska och matematik",
)
OBSTACLES = ("", "", "Saknar körkort", "Svårt att resa", "Osäker på vad hen vill", "Skulder")
GOALS = (
    "Undersköterska",
    "Jobb inom lager",
    "Gymnasieexamen via komvux",
    "Kock",
    "Elektriker",
    "Barnskötare",
    "Jobb inom handel",
)
EXPERIENCE = ("", "Sommarjobb i parkförvaltning", "Extrajobb i butik", "Praktik i kök", "")
HEALTH = ("Återkommande migrän", "Sömnproblem", "Astma")
DISABILITY = ("Dyslexi", "Adhd", "Nedsatt hörsel")
OUTCOMES = (
    ("arbete", 30),
    ("arbete_subvention", 12),
    ("studier", 22),
    ("program", 12),
    ("annan_insats", 6),
    ("flyttat", 5),
    ("okant", 8),
    ("ekonomiskt_bistand", 5),
)
END_REASONS = (("genomford", 60), ("arbete", 15), ("studier", 10), ("avbrott", 10), ("sjukdom", 5))
VALIDITY = {m.code: m for m in NATIONAL_MEASURES}


def _pick(rng: random.Random, weighted) -> str:
    codes, weights = zip(*weighted, strict=True)
    return rng.choices(codes, weights=weights)[0]


def _measure_code(rng: random.Random, person: dict, on: date) -> str:
    age = age_on(person["birth_date"], on)
    newcomer = person["residence_permit_date"] is not None
    options = ["praktik", "arbetstraning", "supported_employment"]
    if newcomer:
        # The job tracks are for newcomers first (seed 001).
        options += ["sfi", "sfi", "jobbspar", "jobbspar", "jobbspar"]
    elif rng.random() < 0.15:
        options.append("jobbspar")
        if age <= 19:
            options.append("sprakintroduktion")
    if age < 20 and not person["has_upper_secondary_diploma"]:
        options += ["kaa", "kaa"]
    if 20 <= age <= 24 and not person["has_upper_secondary_diploma"]:
        options += ["utbildningskontrakt", "vuxenutbildning"]
    if age >= 20:
        options += ["introduktionsjobb", "extratjanst", "lonebidrag_anstallning", "vuxenutbildning"]
    code = rng.choice(options)
    m = VALIDITY[code]
    if start_refusal(m.name, m.valid_from, m.valid_to, on):
        return "praktik"
    return code


def fill_way_demo(db: Database, people: list[dict], *, today: date, seed: int) -> int:
    """Ways for most of `people` (dicts as the demo inserts them); returns how many."""
    ensure_measure_catalogue(db)
    rng = random.Random(seed * 7919 + 17)
    facts = random.Random(seed * 7919 + 23)

    def rid() -> str:
        return seeded_id(rng.getrandbits(128))

    now = datetime(today.year, today.month, today.day, 8, 0, tzinfo=UTC)
    stamps = {"created_at": now, "updated_at": now, "deleted_at": None}
    tracks = [
        dict(
            id=rid(),
            name=name,
            employer=employer,
            industry=industry,
            period_from=date(today.year - 1, 1, 15),
            period_to=date(today.year + 1, 6, 30),
            places=places,
            target_group="nyanland",
            # The newcomers' agreement, loaded with the starting content later on.
            agreement_id=shipped_id("agreement", "001-malmo-nyanlanda"),
            **stamps,
        )
        for name, employer, industry, places in TRACKS
    ]
    ways, phases, mappings, measures, follow_ups = [], [], [], [], []

    def phase(way: dict, code: str, on: date) -> None:
        phases.append(
            dict(
                id=rid(),
                way_id=way["id"],
                individual_id=way["individual_id"],
                phase=code,
                started_on=on,
                note="",
                **stamps,
            )
        )

    for person in people:
        if rng.random() > 0.8:
            continue
        created = person["created_at"].date()
        entry = min(created + timedelta(days=rng.randint(0, 20)), today)
        if rng.random() < 0.3:
            # New this term: these fill the 90-day list.
            entry = max(created, today - timedelta(days=rng.randint(0, 120)))
        way = dict(
            id=rid(),
            individual_id=person["id"],
            entry_date=entry,
            exit_on=None,
            exit_outcome="",
            exit_note="",
            **stamps,
        )
        ways.append(way)
        phase(way, rng.choice(("inflode", "inflode", "kartlaggning")), entry)
        mapped = entry + timedelta(days=rng.randint(2, 21))
        if mapped > today:
            continue
        if phases[-1]["phase"] == "inflode":
            phase(way, "kartlaggning", mapped)
        diploma = person["has_upper_secondary_diploma"]
        mappings.append(
            dict(
                id=rid(),
                individual_id=person["id"],
                way_id=way["id"],
                mapped_on=mapped,
                schooling="gymnasieexamen"
                if diploma
                else rng.choice(("grundskola", "ej_grundskola", "studiebevis", "pagaende")),
                swedish_level=rng.choice(("sfi_b", "sfi_c", "sfi_d", "sva"))
                if person["residence_permit_date"]
                else "forstaspraket",
                work_experience=rng.choice(EXPERIENCE),
                needs=rng.choice(NEEDS),
                obstacles=rng.choice(OBSTACLES),
                goals=rng.choice(GOALS),
                health=rng.choice(HEALTH) if rng.random() < 0.08 else "",
                disability=rng.choice(DISABILITY) if rng.random() < 0.06 else "",
                **stamps,
            )
        )
        # A separate stream, so that adding this fact leaves every other one as it was.
        mappings[-1]["reduced_work_capacity"] = bool(
            mappings[-1]["disability"] and facts.random() < 0.6
        )
        planned = mapped + timedelta(days=rng.randint(3, 25))
        if planned > today:
            continue
        phase(way, "planering", planned)
        # Most get a measure in time; some wait too long, which the 90-day list shows.
        start = planned + timedelta(
            days=rng.randint(3, 40) if rng.random() < 0.85 else rng.randint(60, 120)
        )
        code = _measure_code(rng, person, start)
        if start > today:
            if start <= today + timedelta(days=30):
                measures.append(
                    dict(
                        id=rid(),
                        individual_id=person["id"],
                        way_id=way["id"],
                        measure_id=national_measure_id(code),
                        job_track_id=None,
                        start_date=start,
                        end_date=None,
                        hours_per_week=float(rng.choice((20, 30, 40))),
                        status="planerad",
                        end_reason="",
                        **stamps,
                    )
                )
            continue
        phase(way, "insats", start)
        end = start + timedelta(days=rng.randint(30, 200))
        done = end <= today
        measures.append(
            dict(
                id=rid(),
                individual_id=person["id"],
                way_id=way["id"],
                measure_id=national_measure_id(code),
                job_track_id=rng.choice(tracks)["id"] if code == "jobbspar" else None,
                start_date=start,
                end_date=end,
                hours_per_week=float(rng.choice((8, 20, 30, 40))),
                status="avslutad" if done else "pagaende",
                end_reason=_pick(rng, END_REASONS) if done else "",
                **stamps,
            )
        )
        if not done:
            continue
        exit_on = end + timedelta(days=rng.randint(0, 20))
        if exit_on > today or (person["status"] != "avslutad" and rng.random() < 0.5):
            phase(way, "uppfoljning", end)
            continue
        way["exit_on"] = exit_on
        way["exit_outcome"] = _pick(rng, OUTCOMES)
        for days in (90, 180, 360):
            checked = exit_on + timedelta(days=days + rng.randint(-5, 10))
            if checked > today or rng.random() < 0.25:
                break
            follow_ups.append(
                dict(
                    id=rid(),
                    way_id=way["id"],
                    individual_id=person["id"],
                    day_offset=days,
                    checked_on=checked,
                    outcome=way["exit_outcome"] if rng.random() < 0.7 else _pick(rng, OUTCOMES),
                    note="",
                    **stamps,
                )
            )
    records = {
        JobTrack: tracks,
        Way: ways,
        WayPhase: phases,
        Mapping: mappings,
        IndividualMeasure: measures,
        ExitFollowUp: follow_ups,
    }
    with UnitOfWork(db, None) as uow:
        for model, rows in records.items():
            uow.insert_generated(model, rows)
    return len(ways)
