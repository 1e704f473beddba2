"""Pure rules of the individual's way, with hand-written dates."""

from datetime import date

from ungtui.domain.guarantee import GuaranteeRule, guarantee_status, latest_join_to_watch
from ungtui.domain.job_tracks import TrackFigures
from ungtui.domain.mapping import SENSITIVE_FIELDS
from ungtui.domain.measures import NATIONAL_MEASURES, start_refusal
from ungtui.domain.way import MeasureDates, PhaseMark, current_phase, follow_up_due, next_date
from ungtui.store.models import DOMAIN_TABLES


def test_current_phase_is_the_latest_dated_one_and_exit_wins():
    marks = [
        PhaseMark("inflode", date(2026, 1, 10)),
        PhaseMark("planering", date(2026, 2, 1)),
        PhaseMark("kartlaggning", date(2026, 1, 20)),
    ]
    assert current_phase(marks, None) == PhaseMark("planering", date(2026, 2, 1))
    # Back to planning after a measure: the later date counts, not the order of phases.
    back = [*marks, PhaseMark("insats", date(2026, 3, 1)), PhaseMark("planering", date(2026, 5, 4))]
    assert current_phase(back, None) == PhaseMark("planering", date(2026, 5, 4))
    same_day = [PhaseMark("insats", date(2026, 3, 1)), PhaseMark("planering", date(2026, 3, 1))]
    assert current_phase(same_day, None).phase == "insats"
    assert current_phase(marks, date(2026, 6, 30)) == PhaseMark("avslutad", date(2026, 6, 30))
    assert current_phase([], None) is None


def test_follow_up_dates_after_exit():
    assert follow_up_due(date(2026, 1, 31)) == {
        90: date(2026, 5, 1),
        180: date(2026, 7, 30),
        360: date(2027, 1, 26),
    }


def test_guarantee_deadline_states_around_the_14_day_window():
    born = date(2004, 6, 1)  # 22 when joining
    joined = date(2026, 9, 1)  # deadline 2026-11-30
    rule = GuaranteeRule(16, 24, 90)

    def state(today, start=None, exit_on=None, joined_on=joined, rule=rule):
        return guarantee_status(
            birth_date=born,
            joined_on=joined_on,
            first_measure_start=start,
            exit_on=exit_on,
            today=today,
            rule=rule,
            agreement="Ungdomskontraktet",
        )

    # No agreement holds a guarantee for the person: there is none to show.
    assert state(date(2026, 11, 15), rule=None).state == "ingen"
    # An agreement holds one, but the person has not accepted its offer yet.
    assert state(date(2026, 11, 15), joined_on=None).state == "ej_ansluten"
    assert state(date(2026, 11, 15), joined_on=None).agreement == "Ungdomskontraktet"
    assert state(date(2026, 11, 15)).state == "loper"  # 15 days left
    assert state(date(2026, 11, 16)).state == "nara"  # 14 days left
    assert state(date(2026, 11, 16)).days_left == 14
    assert state(date(2026, 11, 30)).state == "nara"
    assert state(date(2026, 12, 1)).state == "passerad"
    assert state(date(2026, 12, 1)).days_left == -1
    assert state(date(2026, 12, 1)).deadline == date(2026, 11, 30)
    assert state(date(2026, 12, 5), start=date(2026, 11, 30)).state == "uppfylld"
    assert state(date(2026, 12, 5), start=date(2026, 12, 2)).state == "uppfylld_sent"
    # A start planned for later does not keep the promise yet.
    assert state(date(2026, 11, 20), start=date(2026, 11, 25)).state == "nara"
    assert state(date(2026, 12, 5), exit_on=date(2026, 10, 1)).state == "avslutad"
    assert latest_join_to_watch(date(2026, 11, 16), rule) == date(2026, 9, 1)


def test_coverage_is_decided_by_age_on_the_day_the_person_joined():
    def covered(born, joined):
        status = guarantee_status(
            birth_date=born,
            joined_on=joined,
            first_measure_start=None,
            exit_on=None,
            today=date(2026, 11, 24),
            rule=GuaranteeRule(16, 24, 90),
        )
        return status.state != "ej_omfattad"

    # Turns 25 on 2026-10-01, during the 90 days after joining 2026-09-01: still covered.
    assert covered(date(2001, 10, 1), date(2026, 9, 1))
    # Already 25 when joining.
    assert not covered(date(2001, 8, 31), date(2026, 9, 1))
    assert covered(date(2010, 9, 1), date(2026, 9, 1))  # 16 that day
    assert not covered(date(2010, 9, 2), date(2026, 9, 1))  # 15
    assert not covered(None, date(2026, 9, 1))
    wide = GuaranteeRule(16, 29, 90)
    assert (
        guarantee_status(
            birth_date=date(1998, 1, 1),
            joined_on=date(2026, 9, 1),
            first_measure_start=None,
            exit_on=None,
            today=date(2026, 9, 2),
            rule=wide,
        ).state
        == "loper"
    )


def test_measure_validity_traineejobb_and_introduktionsjobb():
    by_code = {m.code: m for m in NATIONAL_MEASURES}
    trainee, intro = by_code["traineejobb"], by_code["introduktionsjobb"]
    assert (
        start_refusal(trainee.name, trainee.valid_from, trainee.valid_to, date(2017, 12, 31))
        is None
    )
    assert (
        start_refusal(trainee.name, trainee.valid_from, trainee.valid_to, date(2018, 1, 1))
        == "Traineejobb kan inte startas 2018-01-01: inga nya beslut efter 2017-12-31."
    )
    assert (
        start_refusal(intro.name, intro.valid_from, intro.valid_to, date(2018, 4, 30))
        == "Introduktionsjobb kan startas först från 2018-05-01."
    )
    assert start_refusal(intro.name, intro.valid_from, intro.valid_to, date(2018, 5, 1)) is None


def test_national_catalogue_lists_the_measures_of_the_issue():
    codes = {m.code for m in NATIONAL_MEASURES}
    assert {
        "utbildningskontrakt",
        "traineejobb",
        "introduktionsjobb",
        "jobbspar",
        "praktik",
        "arbetstraning",
        "sfi",
        "sprakintroduktion",
        "vuxenutbildning",
        "arbetsmarknadskunskap",
        "lonebidrag_anstallning",
        "lonebidrag_utveckling",
        "lonebidrag_trygghet",
        "extratjanst",
        "kaa",
        "supported_employment",
    } == codes
    assert len({m.id for m in NATIONAL_MEASURES}) == len(NATIONAL_MEASURES)


def test_next_date_before_and_after_exit():
    today = date(2026, 11, 24)
    measures = [
        MeasureDates(date(2026, 10, 1), date(2026, 12, 20), "pagaende"),
        MeasureDates(date(2026, 12, 10), None, "planerad"),
        MeasureDates(date(2026, 9, 1), date(2026, 9, 30), "avslutad"),
    ]
    found = next_date(today=today, exit_on=None, measures=measures)
    assert (found.on, found.what) == (date(2026, 12, 10), "insatsstart")
    found = next_date(
        today=today, exit_on=None, guarantee_deadline=date(2026, 12, 1), measures=measures
    )
    assert str(found) == "2026-12-01 garanti"
    # After exit: the first follow-up not recorded, even when its day has passed.
    found = next_date(today=today, exit_on=date(2026, 6, 1), followed_up=[])
    assert str(found) == "2026-08-30 uppf. 90 d"
    found = next_date(today=today, exit_on=date(2026, 6, 1), followed_up=[90])
    assert str(found) == "2026-11-28 uppf. 180 d"
    assert next_date(today=today, exit_on=date(2026, 6, 1), followed_up=[90, 180, 360]) is None
    assert next_date(today=today, exit_on=None) is None


def test_job_track_figures():
    assert TrackFigures(places=10, participants=12, in_target_group=6).filled == 10
    assert TrackFigures(places=10, participants=0, in_target_group=0).target_share is None
    assert TrackFigures(places=60, participants=40, in_target_group=25).target_share == 0.625


def test_sensitive_fields_are_marked_in_the_model_as_in_the_domain():
    marked = {
        model.__tablename__: {c.name for c in model.__table__.columns if c.info.get("sensitive")}
        for model in DOMAIN_TABLES
    }
    marked = {table: columns for table, columns in marked.items() if columns}
    assert marked == {
        "mapping": {"health", "disability", "reduced_work_capacity", "social_situation"}
    }
    assert marked == {t: set(c) for t, c in SENSITIVE_FIELDS.items()}
