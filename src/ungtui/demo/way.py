"""Demo histories on the way: entry, phases, mapping, measures, exits, follow-ups and
three job tracks (the seed 001 goal: 180 places). Fictional, like the rest of the demo.

Runs after the people are written, with its own random stream, so the people and
consents a seed gives stay the same as before this part existed.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ungtui.demo import below, seeded_id, weighted
from ungtui.domain.ages import age_on
from ungtui.domain.measures import NATIONAL_MEASURES, national_measure_id, start_refusal
from ungtui.services.processes.starting_content import shipped_id
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.services.way.measures import ensure_measure_catalogue
from ungtui.store.columns import Columns
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


def _measure_code(draw, coin, birth: date, newcomer: bool, diploma: bool, on: date) -> str:
    age = age_on(birth, on)
    options = ["praktik", "arbetstraning", "supported_employment"]
    if newcomer:
        # The job tracks are for newcomers first (seed 001).
        options += ["sfi", "sfi", "jobbspar", "jobbspar", "jobbspar"]
    elif coin() < 0.15:
        options.append("jobbspar")
        if age <= 19:
            options.append("sprakintroduktion")
    if age < 20 and not diploma:
        options += ["kaa", "kaa"]
    if 20 <= age <= 24 and not diploma:
        options += ["utbildningskontrakt", "vuxenutbildning"]
    if age >= 20:
        options += ["introduktionsjobb", "extratjanst", "lonebidrag_anstallning", "vuxenutbildning"]
    code = options[draw(len(options))]
    m = VALIDITY[code]
    if start_refusal(m.name, m.valid_from, m.valid_to, on):
        return "praktik"
    return code


def fill_way_demo(db: Database, people: Columns, *, today: date, seed: int) -> int:
    """Ways for most of `people` (the columns the demo inserts); returns how many."""
    ensure_measure_catalogue(db)
    rng = random.Random(seed * 7919 + 17)
    facts = random.Random(seed * 7919 + 23)
    # Every draw as randint, choice and choices would make it (see demo.below).
    draw, bits, coin = below(rng), rng.getrandbits, rng.random
    fact = facts.random

    def rid() -> str:
        return seeded_id(bits(128))

    def pick(seq):
        return seq[draw(len(seq))]

    end_reason_of = weighted(rng, [r for r, _w in END_REASONS], [w for _r, w in END_REASONS])
    outcome_of = weighted(rng, [o for o, _w in OUTCOMES], [w for _o, w in OUTCOMES])
    measure_ids: dict[str, str] = {}

    def measure_id(code: str) -> str:
        if code not in measure_ids:
            measure_ids[code] = national_measure_id(code)
        return measure_ids[code]

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
    first_phases = ("inflode", "inflode", "kartlaggning")
    schoolings = ("grundskola", "ej_grundskola", "studiebevis", "pagaende")
    levels = ("sfi_b", "sfi_c", "sfi_d", "sva")
    latest = today + timedelta(days=30)
    for person_id, created_at, birth, permit, diploma, status in zip(
        people.column("id"),
        people.column("created_at"),
        people.column("birth_date"),
        people.column("residence_permit_date"),
        people.column("has_upper_secondary_diploma"),
        people.column("status"),
        strict=True,
    ):
        if coin() > 0.8:
            continue
        created = created_at.date()
        entry = min(created + timedelta(days=draw(21)), today)
        if coin() < 0.3:
            # New this term: these fill the 90-day list.
            entry = max(created, today - timedelta(days=draw(121)))
        way_id = rid()
        way = [way_id, person_id, entry, None, ""]
        ways.append(way)
        first = pick(first_phases)
        phases.append((rid(), way_id, person_id, first, entry))
        mapped = entry + timedelta(days=2 + draw(20))
        if mapped > today:
            continue
        if first == "inflode":
            phases.append((rid(), way_id, person_id, "kartlaggning", mapped))
        mapping_id = rid()
        schooling = "gymnasieexamen" if diploma else pick(schoolings)
        swedish = pick(levels) if permit else "forstaspraket"
        experience, needs, obstacles, goals = (
            pick(EXPERIENCE),
            pick(NEEDS),
            pick(OBSTACLES),
            pick(GOALS),
        )
        health = pick(HEALTH) if coin() < 0.08 else ""
        disability = pick(DISABILITY) if coin() < 0.06 else ""
        # A separate stream, so that adding this fact leaves every other one as it was.
        reduced = bool(disability and fact() < 0.6)
        mappings.append(
            (
                mapping_id,
                person_id,
                way_id,
                mapped,
                schooling,
                swedish,
                experience,
                needs,
                obstacles,
                goals,
                health,
                disability,
                reduced,
            )
        )
        planned = mapped + timedelta(days=3 + draw(23))
        if planned > today:
            continue
        phases.append((rid(), way_id, person_id, "planering", planned))
        # Most get a measure in time; some wait too long, which the 90-day list shows.
        start = planned + timedelta(days=3 + draw(38) if coin() < 0.85 else 60 + draw(61))
        code = _measure_code(draw, coin, birth, permit is not None, diploma, start)
        if start > today:
            if start <= latest:
                measures.append(
                    (
                        rid(),
                        person_id,
                        way_id,
                        measure_id(code),
                        None,
                        start,
                        None,
                        float(pick((20, 30, 40))),
                        "planerad",
                        "",
                    )
                )
            continue
        phases.append((rid(), way_id, person_id, "insats", start))
        end = start + timedelta(days=30 + draw(171))
        done = end <= today
        measures.append(
            (
                rid(),
                person_id,
                way_id,
                measure_id(code),
                pick(tracks)["id"] if code == "jobbspar" else None,
                start,
                end,
                float(pick((8, 20, 30, 40))),
                "avslutad" if done else "pagaende",
                end_reason_of() if done else "",
            )
        )
        if not done:
            continue
        exit_on = end + timedelta(days=draw(21))
        if exit_on > today or (status != "avslutad" and coin() < 0.5):
            phases.append((rid(), way_id, person_id, "uppfoljning", end))
            continue
        outcome = outcome_of()
        way[3:] = [exit_on, outcome]
        for days in (90, 180, 360):
            checked = exit_on + timedelta(days=days - 5 + draw(16))
            if checked > today or coin() < 0.25:
                break
            follow_ups.append(
                (
                    rid(),
                    way_id,
                    person_id,
                    days,
                    checked,
                    outcome if coin() < 0.7 else outcome_of(),
                )
            )
    records: dict[type, list[dict[str, Any]] | Columns] = {
        JobTrack: tracks,
        Way: Columns.of_tuples(
            ("id", "individual_id", "entry_date", "exit_on", "exit_outcome"),
            ways,
            dict(exit_note="", **stamps),
        ),
        WayPhase: Columns.of_tuples(
            ("id", "way_id", "individual_id", "phase", "started_on"),
            phases,
            dict(note="", **stamps),
        ),
        Mapping: Columns.of_tuples(
            (
                "id",
                "individual_id",
                "way_id",
                "mapped_on",
                "schooling",
                "swedish_level",
                "work_experience",
                "needs",
                "obstacles",
                "goals",
                "health",
                "disability",
                "reduced_work_capacity",
            ),
            mappings,
            stamps,
        ),
        IndividualMeasure: Columns.of_tuples(
            (
                "id",
                "individual_id",
                "way_id",
                "measure_id",
                "job_track_id",
                "start_date",
                "end_date",
                "hours_per_week",
                "status",
                "end_reason",
            ),
            measures,
            stamps,
        ),
        ExitFollowUp: Columns.of_tuples(
            ("id", "way_id", "individual_id", "day_offset", "checked_on", "outcome"),
            follow_ups,
            dict(note="", **stamps),
        ),
    }
    with UnitOfWork(db, None) as uow:
        for model, rows in records.items():
            uow.insert_generated(model, rows)
    return len(ways)
