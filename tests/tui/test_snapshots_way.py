"""A picture of one person's way, with fictional data typed through the services on a
fixed day (conftest: 2026-11-24)."""

from __future__ import annotations

from tests.tui.test_snapshots import SIZE, _steady
from ungtui.domain.measures import national_measure_id
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.way.way import (
    MappingInput,
    MeasureInput,
    PhaseInput,
    WayStartInput,
    add_phase,
    save_individual_measure,
    save_mapping,
    start_way,
)
from ungtui.tui.app import UngApp


def test_way_of_one_person(snap_compare, db, user):
    """Phases, the 90-day guarantee kept, measures, mapping with health hidden."""
    pid = save_individual(
        db,
        IndividualInput(
            first_name="Ängla", last_name="Öberg", birth_date="2004-03-17", gender="kvinna"
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    way = start_way(
        db, pid, WayStartInput(entry_date="2026-08-03", note="En väg in"), actor_id=None
    )
    save_mapping(
        db,
        pid,
        MappingInput(
            mapped_on="2026-08-12",
            schooling="studiebevis",
            swedish_level="forstaspraket",
            work_experience="Extrajobb i butik",
            needs="Komplettera matematik",
            obstacles="Saknar körkort",
            goals="Undersköterska",
            health="Astma",
        ),
        actor_id=None,
    )
    add_phase(db, way, PhaseInput("planering", "2026-08-20", "Ärendekonferens"), actor_id=None)
    save_individual_measure(
        db,
        way,
        MeasureInput(
            measure_id=national_measure_id("praktik"),
            start_date="2026-09-07",
            end_date="2026-10-30",
            hours_per_week="30",
            status="avslutad",
            end_reason="genomford",
        ),
        actor_id=None,
    )
    save_individual_measure(
        db,
        way,
        MeasureInput(
            measure_id=national_measure_id("vuxenutbildning"),
            start_date="2026-11-02",
            end_date="2027-06-11",
            hours_per_week="20",
            status="pagaende",
        ),
        actor_id=None,
    )

    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("enter")
        await _steady(pilot)
        await pilot.press("p")
        await _steady(pilot)

    assert snap_compare(UngApp(db), terminal_size=SIZE, run_before=run_before)
