"""The individual's way through the services, with hand-written dates (today 2026-11-24)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from ungtui.domain.measures import national_measure_id
from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.people.individuals import (
    IndividualFilter,
    IndividualInput,
    list_individuals,
    save_individual,
)
from ungtui.services.people.organisations import add_organisation
from ungtui.services.processes.agreements import AgreementInput, save_agreement
from ungtui.services.sync.dump import dump_json
from ungtui.services.way.guarantee import count_watch, list_watch
from ungtui.services.way.guarantee_rules import set_agreement_guarantee
from ungtui.services.way.job_tracks import JobTrackInput, list_job_tracks, save_job_track
from ungtui.services.way.measures import (
    LocalMeasureInput,
    add_local_measure,
    ensure_measure_catalogue,
    list_catalogue,
)
from ungtui.services.way.way import (
    ExitInput,
    FollowUpInput,
    MappingInput,
    MeasureInput,
    PhaseInput,
    WayStartInput,
    add_phase,
    exit_way,
    get_way,
    record_follow_up,
    save_individual_measure,
    save_mapping,
    set_joined,
    start_way,
)
from ungtui.services.way.way_summary import way_summary
from ungtui.store.models import Measure, WayPhase

PRAKTIK = national_measure_id("praktik")
AMK = national_measure_id("arbetsmarknadskunskap")


def person(db, user, first: str, birth: str, **extra) -> str:
    return save_individual(
        db,
        IndividualInput(first_name=first, last_name="Testsson", birth_date=birth, **extra),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


def way_for(db, user, first: str, birth: str, entry: str, today=None) -> tuple[str, str]:
    """A way whose person joined the agreement's offer the day of entry."""
    pid = person(db, user, first, birth)
    way_id = start_way(
        db,
        pid,
        WayStartInput(entry_date=entry, joined_on=entry),
        actor_id=user.staff_id,
        today=today,
    )
    return pid, way_id


def contract(db, user, min_age=16, max_age=24, days=90) -> str:
    """An Ungdomskontraktet-like agreement of the user's organisation, with a guarantee."""
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    aid = save_agreement(
        db,
        AgreementInput(title="Ungdomskontraktet", party_ids=[user.organisation_id, af]),
        actor_id=None,
    )
    set_agreement_guarantee(db, aid, min_age=min_age, max_age=max_age, days=days, actor_id=None)
    return aid


def test_fresh_install_has_the_national_catalogue_once(db, user):
    names = [r.name for r in list_catalogue(db)]
    assert "Traineejobb" in names and "Introduktionsjobb" in names
    assert len(names) == 16
    assert ensure_measure_catalogue(db) == 0
    assert len(list_catalogue(db)) == 16


def test_phase_changes_keep_their_dates(db, user):
    pid, way_id = way_for(db, user, "Alva", "2004-03-01", "2026-09-01")
    with pytest.raises(ValidationError) as refused:
        add_phase(db, way_id, PhaseInput("planering", "2026-08-30"), actor_id=user.staff_id)
    assert "2026-09-01" in refused.value.errors["started_on"]
    with pytest.raises(ValidationError) as refused:
        add_phase(db, way_id, PhaseInput("planering", "2026-12-01"), actor_id=user.staff_id)
    assert refused.value.errors["started_on"] == "Datumet kan inte ligga i framtiden."
    # A mapping moves a way still in inflöde on to kartläggning on the mapping's day.
    save_mapping(
        db, pid, MappingInput(mapped_on="2026-09-08", schooling="grundskola"), actor_id=None
    )
    add_phase(db, way_id, PhaseInput("planering", "2026-09-20"), actor_id=user.staff_id)
    way = get_way(db, pid).current
    assert [(p.phase, p.started_on) for p in way.phases] == [
        ("inflode", date(2026, 9, 1)),
        ("kartlaggning", date(2026, 9, 8)),
        ("planering", date(2026, 9, 20)),
    ]
    assert (way.phase, way.phase_since) == ("planering", date(2026, 9, 20))
    with pytest.raises(ValidationError):
        add_phase(db, way_id, PhaseInput("planering", "2026-09-21"), actor_id=None)
    # A started measure moves it to insats on its start day.
    save_individual_measure(
        db,
        way_id,
        MeasureInput(measure_id=PRAKTIK, start_date="2026-10-05", status="pagaende"),
        actor_id=None,
    )
    assert get_way(db, pid).current.phase == "insats"
    with pytest.raises(ServiceError):
        start_way(db, pid, WayStartInput(entry_date="2026-11-01"), actor_id=None)


def test_a_measure_outside_its_validity_cannot_start(db, user):
    _pid, way_id = way_for(db, user, "Moa", "2000-03-01", "2017-11-01")
    trainee = national_measure_id("traineejobb")
    with pytest.raises(ValidationError) as refused:
        save_individual_measure(
            db,
            way_id,
            MeasureInput(measure_id=trainee, start_date="2018-01-08", status="pagaende"),
            actor_id=None,
        )
    assert refused.value.errors == {
        "start_date": "Traineejobb kan inte startas 2018-01-08: inga nya beslut efter 2017-12-31."
    }
    saved = save_individual_measure(
        db,
        way_id,
        MeasureInput(measure_id=trainee, start_date="2017-12-18", status="pagaende"),
        actor_id=None,
    )
    # Ending the old traineejobb later is still possible.
    save_individual_measure(
        db,
        way_id,
        MeasureInput(
            measure_id=trainee,
            start_date="2017-12-18",
            end_date="2018-06-15",
            status="avslutad",
            end_reason="arbete",
            hours_per_week="30",
        ),
        actor_id=None,
        record_id=saved,
    )
    intro = national_measure_id("introduktionsjobb")
    with pytest.raises(ValidationError) as refused:
        save_individual_measure(
            db, way_id, MeasureInput(measure_id=intro, start_date="2018-04-30"), actor_id=None
        )
    assert refused.value.errors["start_date"] == (
        "Introduktionsjobb kan startas först från 2018-05-01."
    )


def test_measure_input_is_checked_field_by_field(db, user):
    _pid, way_id = way_for(db, user, "Ida", "2004-03-01", "2026-09-01")
    with pytest.raises(ValidationError) as refused:
        save_individual_measure(
            db,
            way_id,
            MeasureInput(
                measure_id=PRAKTIK,
                start_date="2026-10-01",
                hours_per_week="tjugo",
                status="avbruten",
            ),
            actor_id=None,
        )
    assert set(refused.value.errors) == {"hours_per_week", "end_date", "end_reason"}
    with pytest.raises(ValidationError) as refused:
        save_individual_measure(
            db,
            way_id,
            MeasureInput(measure_id=PRAKTIK, start_date="2026-12-01", status="pagaende"),
            actor_id=None,
        )
    assert refused.value.errors == {"status": "En insats som börjar senare kan bara vara planerad."}


def test_local_measures_can_be_added_with_validity(db, user):
    add_local_measure(
        db,
        LocalMeasureInput(
            name="Sommarjobb för unga",
            provider_organisation_id=user.organisation_id,
            valid_from="2026-06-01",
            valid_to="2026-08-31",
        ),
        actor_id=user.staff_id,
    )
    row = next(r for r in list_catalogue(db) if r.name == "Sommarjobb för unga")
    assert (row.scope, row.provider, row.validity) == (
        "lokal",
        "Malmö stad",
        "2026-06-01 – 2026-08-31",
    )
    with pytest.raises(ValidationError) as refused:
        add_local_measure(
            db,
            LocalMeasureInput(name="Sommarjobb för unga", provider_organisation_id="x"),
            actor_id=None,
        )
    assert "finns redan" in refused.value.errors["name"]
    _pid, way_id = way_for(db, user, "Saga", "2006-03-01", "2026-09-01")
    with pytest.raises(ValidationError) as refused:
        save_individual_measure(
            db, way_id, MeasureInput(measure_id=row.id, start_date="2026-09-02"), actor_id=None
        )
    assert refused.value.errors["start_date"] == (
        "Sommarjobb för unga kan inte startas 2026-09-02: inga nya beslut efter 2026-08-31."
    )


def test_the_watch_list_within_14_days_and_past(db, user):
    today = date(2026, 11, 24)
    aid = contract(db, user)
    # entry 2026-08-26 -> deadline 2026-11-24 (today, 0 days left)
    near, _ = way_for(db, user, "Nära", "2004-01-10", "2026-08-26")
    # entry 2026-09-09 -> deadline 2026-12-08 (14 days left): within the window
    edge, _ = way_for(db, user, "Kant", "2005-05-05", "2026-09-09")
    # entry 2026-09-10 -> deadline 2026-12-09 (15 days): not yet
    way_for(db, user, "Tidig", "2005-05-05", "2026-09-10")
    # 24 at entry 2026-08-01, turns 25 on 2026-09-15 before the deadline 2026-10-30: past
    turned, _ = way_for(db, user, "Fyllde", "2001-09-15", "2026-08-01")
    # 25 already at entry: not covered
    way_for(db, user, "Äldre", "2001-07-31", "2026-08-01")
    # covered and past, but a praktik started in time
    _done, done_way = way_for(db, user, "Klar", "2006-02-02", "2026-07-01")
    save_individual_measure(
        db,
        done_way,
        MeasureInput(measure_id=PRAKTIK, start_date="2026-08-03", status="pagaende"),
        actor_id=None,
    )
    # past, with only a measure that does not lead to work or studies
    amk, amk_way = way_for(db, user, "Skola", "2009-02-02", "2026-06-01")
    save_individual_measure(
        db,
        amk_way,
        MeasureInput(measure_id=AMK, start_date="2026-06-10", status="pagaende"),
        actor_id=None,
    )
    # past but exited: no longer on the list
    _gone, gone_way = way_for(db, user, "Borta", "2006-02-02", "2026-05-01")
    exit_way(db, gone_way, ExitInput("2026-06-01", "flyttat"), actor_id=None)

    rows = list_watch(db, today=today)
    assert [(r.name, r.deadline, r.days_left, r.past) for r in rows] == [
        ("Testsson, Skola", date(2026, 8, 30), -86, True),
        ("Testsson, Fyllde", date(2026, 10, 30), -25, True),
        ("Testsson, Nära", date(2026, 11, 24), 0, False),
        ("Testsson, Kant", date(2026, 12, 8), 14, False),
    ]
    fyllde = rows[1]
    assert (fyllde.age_at_joining, fyllde.age_now) == (24, 25)
    assert fyllde.agreement == "Ungdomskontraktet"
    assert count_watch(db, today=today) == (2, 2)
    assert [r.name for r in list_watch(db, today=today, offset=1, limit=2)] == [
        "Testsson, Fyllde",
        "Testsson, Nära",
    ]
    marks = {
        r.id: r
        for r in list_individuals(db, IndividualFilter(), today=today, limit=50)
        if r.id in (near, edge, turned, amk)
    }
    assert marks[near].warn == "nara"
    assert marks[turned].warn == "passerad"
    assert marks[turned].phase == "Inflöde"
    assert marks[turned].next_date == "2026-10-30 garanti"
    # The agreement's own ages: 16–20 leaves out those over 20 when they joined.
    set_agreement_guarantee(db, aid, min_age=16, max_age=20, days=90, actor_id=None)
    assert [r.name for r in list_watch(db, today=today)] == ["Testsson, Skola"]


def test_no_guarantee_without_an_agreement_that_holds_one(db, user):
    """The 90 days are Ungdomskontraktet's promise, not the install's: without an
    agreement that holds a guarantee nobody is on the list and no way shows one."""
    pid, _way = way_for(db, user, "Utan", "2004-01-10", "2026-06-01")
    assert list_watch(db, today=date(2026, 11, 24)) == []
    assert count_watch(db, today=date(2026, 11, 24)) == (0, 0)
    way = get_way(db, pid).current
    assert (way.guarantee.state, way.guarantee.deadline) == ("ingen", None)
    assert way.next is None


def test_the_guarantee_runs_from_the_day_the_person_joined_not_first_contact(db, user):
    contract(db, user)
    pid = person(db, user, "Senare", "2004-01-10")
    # First contact (outreach) on 2026-06-01; accepted the offer on 2026-08-26.
    way_id = start_way(db, pid, WayStartInput(entry_date="2026-06-01"), actor_id=None)
    assert get_way(db, pid).current.guarantee.state == "ej_ansluten"
    assert list_watch(db, today=date(2026, 11, 24)) == []
    set_joined(db, way_id, "2026-08-26", actor_id=None)
    way = get_way(db, pid).current
    # 2026-08-26 + 90 days = 2026-11-24, today.
    assert (way.guarantee.state, way.guarantee.deadline) == ("nara", date(2026, 11, 24))
    assert [r.joined_on for r in list_watch(db, today=date(2026, 11, 24))] == [date(2026, 8, 26)]
    with pytest.raises(ValidationError) as refused:
        set_joined(db, way_id, "2026-05-31", actor_id=None)
    assert "före det" in refused.value.errors["joined_on"]


def test_watch_list_sql_agrees_with_the_rule_around_29_february(db, user):
    contract(db, user)
    # 16 years on entry 2024-02-29 means born on or before 2008-02-29.
    way_for(db, user, "Skottdag", "2008-02-29", "2024-02-29")
    way_for(db, user, "Dagefter", "2008-03-01", "2024-02-29")
    # Entry 2028-02-29: born 2003-02-28 is 25 (dateutil), 2003-03-01 is 24.
    later = date(2028, 6, 1)
    way_for(db, user, "Tjugofem", "2003-02-28", "2028-02-29", today=later)
    way_for(db, user, "Tjugofyra", "2003-03-01", "2028-02-29", today=later)
    # Born on 29 February: 25 on 2025-02-28 in a year without that day, 15 on 2024-02-28.
    way_for(db, user, "Fyllerpåtjugoåtta", "2000-02-29", "2025-02-28")
    way_for(db, user, "Dagenföre", "2000-02-29", "2025-02-27")
    way_for(db, user, "Femton", "2008-02-29", "2024-02-28")
    names = {r.name for r in list_watch(db, today=date(2028, 6, 1))}
    assert names == {"Testsson, Skottdag", "Testsson, Tjugofyra", "Testsson, Dagenföre"}


def test_exit_outcome_and_follow_ups(db, user):
    pid, way_id = way_for(db, user, "Ebba", "2003-05-05", "2026-01-12")
    with pytest.raises(ServiceError):
        record_follow_up(db, way_id, FollowUpInput(90, "2026-05-01", "arbete"), actor_id=None)
    with pytest.raises(ValidationError) as refused:
        exit_way(db, way_id, ExitInput("2026-01-10", "arbete"), actor_id=None)
    assert "2026-01-12" in refused.value.errors["exit_on"]
    exit_way(db, way_id, ExitInput("2026-03-31", "arbete_subvention"), actor_id=None)
    record_follow_up(db, way_id, FollowUpInput(90, "2026-06-30", "arbete"), actor_id=None)
    way = get_way(db, pid).current
    assert (way.phase, way.exit_outcome_label) == ("avslutad", "Arbete med subvention")
    assert [(f.day_offset, f.due, f.checked_on, f.outcome) for f in way.follow_ups] == [
        (90, date(2026, 6, 29), date(2026, 6, 30), "arbete"),
        (180, date(2026, 9, 27), None, ""),
        (360, date(2027, 3, 26), None, ""),
    ]
    assert str(way.next) == "2026-09-27 uppf. 180 d"
    # On 2026-11-24 the 180-day follow-up is two months late: the list marks it.
    [row] = list_individuals(db, IndividualFilter(), today=date(2026, 11, 24))
    assert (row.next_date, row.warn) == ("2026-09-27 uppf. 180 d", "passerad")
    [row] = list_individuals(db, IndividualFilter(), today=date(2026, 9, 27))
    assert (row.next_date, row.warn) == ("2026-09-27 uppf. 180 d", None)
    with pytest.raises(ServiceError):
        add_phase(db, way_id, PhaseInput("planering", "2026-04-01"), actor_id=None)
    # Coming back starts a new way, not before the last exit.
    with pytest.raises(ValidationError):
        start_way(db, pid, WayStartInput(entry_date="2026-03-01"), actor_id=None)
    start_way(db, pid, WayStartInput(entry_date="2026-10-01"), actor_id=None)
    overview = get_way(db, pid)
    assert [w.entry_date for w in overview.ways] == [date(2026, 10, 1), date(2026, 1, 12)]


def test_job_track_places_and_target_group_share(db, user):
    track = save_job_track(
        db,
        JobTrackInput(
            name="Jobbspår vård",
            employer="Region Skåne",
            period_from="2026-01-01",
            places="2",
            target_group="nyanland",
        ),
        actor_id=None,
    )
    jobbspar = national_measure_id("jobbspar")
    newcomer = person(db, user, "Noor", "2000-01-01", residence_permit_date="2025-01-01")
    other = person(db, user, "Emma", "2000-01-01")
    late = person(db, user, "Amira", "2000-01-01", residence_permit_date="2022-06-01")
    for pid in (newcomer, other, late):
        way_id = start_way(db, pid, WayStartInput(entry_date="2026-02-01"), actor_id=None)
        save_individual_measure(
            db,
            way_id,
            MeasureInput(
                measure_id=jobbspar, job_track_id=track, start_date="2026-03-02", status="pagaende"
            ),
            actor_id=None,
        )
    (row,) = list_job_tracks(db)
    # Amira's permit is more than 36 months old on 2026-03-02: not a newcomer then.
    assert (row.figures.places, row.figures.participants, row.figures.in_target_group) == (
        2,
        3,
        1,
    )
    assert row.figures.filled == 2
    with pytest.raises(ValidationError) as refused:
        save_job_track(db, JobTrackInput(name="X", places="noll"), actor_id=None)
    assert set(refused.value.errors) == {"employer", "period_from", "places"}


def test_sensitive_fields_stay_out_of_summary_and_dump_unless_asked(db, user):
    pid, _way = way_for(db, user, "Hodan", "2004-03-01", "2026-09-01")
    save_mapping(
        db,
        pid,
        MappingInput(
            mapped_on="2026-09-10",
            goals="Undersköterska",
            health="Astma, medicin dagligen",
            disability="Dyslexi",
        ),
        actor_id=None,
    )
    summary = way_summary(db, pid)
    assert "Undersköterska" in summary
    assert "Astma" not in summary and "Dyslexi" not in summary
    assert "Hälsa" not in summary
    full = way_summary(db, pid, include_sensitive=True)
    assert "Hälsa: Astma, medicin dagligen" in full
    assert "Funktionsnedsättning: Dyslexi" in full
    (mapping,) = json.loads(dump_json(db))["mapping"]
    assert mapping["goals"] == "Undersköterska"
    assert "health" not in mapping and "disability" not in mapping
    (mapping,) = json.loads(dump_json(db, include_sensitive=True))["mapping"]
    assert mapping["health"] == "Astma, medicin dagligen"


def test_saving_a_mapping_on_a_new_day_keeps_the_earlier_one(db, user):
    pid, _way = way_for(db, user, "Leila", "2004-03-01", "2026-09-01")
    first = save_mapping(db, pid, MappingInput(mapped_on="2026-09-10", goals="Kock"), actor_id=None)
    same = save_mapping(
        db,
        pid,
        MappingInput(mapped_on="2026-09-10", goals="Kock i skolkök"),
        actor_id=None,
        mapping_id=first,
    )
    assert same == first
    save_mapping(
        db,
        pid,
        MappingInput(mapped_on="2026-11-02", goals="Bagare"),
        actor_id=None,
        mapping_id=first,
    )
    overview = get_way(db, pid)
    assert (overview.mapping.goals, overview.earlier_mappings) == ("Bagare", 1)
    with db.session() as session:
        phases = session.exec(select(WayPhase.phase)).all()
        assert sorted(phases) == ["inflode", "kartlaggning"]
        assert session.exec(select(Measure)).first() is not None
