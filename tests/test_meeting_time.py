"""Meeting times as typed: hand-written cases around Tuesday 2026-11-24."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from ungtui.domain.meeting_time import (
    describe,
    describe_day,
    next_in_series,
    parse_day,
    parse_meeting_time,
)

TUESDAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("idag 13", datetime(2026, 11, 24, 13, 0)),
        ("Idag 13:30", datetime(2026, 11, 24, 13, 30)),
        ("i dag kl 8.15", datetime(2026, 11, 24, 8, 15)),
        ("imorgon 8", datetime(2026, 11, 25, 8, 0)),
        ("i morgon 08:00", datetime(2026, 11, 25, 8, 0)),
        ("övermorgon 10", datetime(2026, 11, 26, 10, 0)),
        ("tis 9:30", datetime(2026, 12, 1, 9, 30)),
        ("tisdag 9:30", datetime(2026, 12, 1, 9, 30)),
        ("ons 10", datetime(2026, 11, 25, 10, 0)),
        ("fredag 14", datetime(2026, 11, 27, 14, 0)),
        ("mån 9", datetime(2026, 11, 30, 9, 0)),
        ("mandag 9", datetime(2026, 11, 30, 9, 0)),
        ("sön 18", datetime(2026, 11, 29, 18, 0)),
        ("nästa torsdag 13", datetime(2026, 12, 3, 13, 0)),
        ("2026-12-01 10:00", datetime(2026, 12, 1, 10, 0)),
        ("2026-12-01 kl. 10", datetime(2026, 12, 1, 10, 0)),
        ("1/12 10", datetime(2026, 12, 1, 10, 0)),
        ("5/1 9", datetime(2027, 1, 5, 9, 0)),
        ("3 dec 14.15", datetime(2026, 12, 3, 14, 15)),
        ("3 december 2027 14", datetime(2027, 12, 3, 14, 0)),
        ("+7 10", datetime(2026, 12, 1, 10, 0)),
        ("+2v 10", datetime(2026, 12, 8, 10, 0)),
        ("+1 vecka 10", datetime(2026, 12, 1, 10, 0)),
        ("13", datetime(2026, 11, 24, 13, 0)),
        ("kl 13", datetime(2026, 11, 24, 13, 0)),
    ],
)
def test_typed_times(typed, expected):
    assert parse_meeting_time(typed, TUESDAY) == expected


def test_a_day_without_time_takes_the_default_time():
    assert parse_meeting_time("+7", TUESDAY, time(9, 0)) == datetime(2026, 12, 1, 9, 0)
    assert parse_meeting_time("2026-12-01", TUESDAY, time(13, 0)) == datetime(2026, 12, 1, 13)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Ange när mötet är"),
        ("   ", "Ange när mötet är"),
        ("+7", "Ange också klockslag"),
        ("tis", "Ange också klockslag"),
        ("tis 25", "Klockslaget 25 finns inte"),
        ("idag 13:75", "Klockslaget 13:75 finns inte"),
        ("2026-02-30 10", "Datumet 2026-02-30 finns inte"),
        ("2026-13 10", "är inget datum"),
        ("31/4 10", "Dagen ”31/4” finns inte"),
        ("1/13 10", "Månaden i ”1/13” finns inte"),
        ("fredagen 10", "”fredagen” förstås inte som en dag"),
        ("snart", "förstås inte"),
        ("3 smörgås 10", "förstås inte som en dag"),
    ],
)
def test_bad_input_is_refused_with_a_swedish_reason(typed, reason):
    with pytest.raises(ValueError) as refused:
        parse_meeting_time(typed, TUESDAY)
    assert reason in str(refused.value)


def test_read_back_in_swedish():
    assert describe(datetime(2026, 12, 1, 9, 30)) == "tisdag 2026-12-01 kl. 09:30"


def test_weekly_series_keeps_weekday_and_clock_time():
    assert next_in_series(datetime(2026, 11, 24, 10, 0), 1, 3) == [
        datetime(2026, 12, 1, 10, 0),
        datetime(2026, 12, 8, 10, 0),
        datetime(2026, 12, 15, 10, 0),
    ]


def test_every_other_week_across_the_summer_time_change():
    # Summer time starts 2027-03-28; local clock time stays 09:00.
    assert next_in_series(datetime(2027, 3, 16, 9, 0), 2, 2) == [
        datetime(2027, 3, 30, 9, 0),
        datetime(2027, 4, 13, 9, 0),
    ]


def test_series_over_a_year_end():
    assert next_in_series(datetime(2026, 12, 22, 13, 0), 2, 1) == [datetime(2027, 1, 5, 13, 0)]


def test_series_only_weekly_or_every_other_week():
    with pytest.raises(ValueError, match="varje vecka eller varannan vecka"):
        next_in_series(datetime(2026, 11, 24, 10, 0), 3, 2)


def test_due_days():
    assert parse_day("fre", TUESDAY) == date(2026, 11, 27)
    assert parse_day("+14", TUESDAY) == date(2026, 12, 8)
    assert parse_day("2026-12-15", TUESDAY) == date(2026, 12, 15)
    assert parse_day("1/2", TUESDAY) == date(2027, 2, 1)
    with pytest.raises(ValueError, match="Ange ett datum"):
        parse_day(" ", TUESDAY)
    with pytest.raises(ValueError, match="förstås inte som en dag"):
        parse_day("sen", TUESDAY)


# --- one date syntax for every date field ------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("idag", date(2026, 11, 24)),
        ("i dag", date(2026, 11, 24)),
        ("imorgon", date(2026, 11, 25)),
        ("igår", date(2026, 11, 23)),
        ("i går", date(2026, 11, 23)),
        ("ons", date(2026, 11, 25)),
        ("måndag", date(2026, 11, 30)),
        ("+3", date(2026, 11, 27)),
        ("+2v", date(2026, 12, 8)),
        # Working days: Tuesday + 3 is Friday, + 4 skips the weekend to Monday.
        ("+3 ad", date(2026, 11, 27)),
        ("+4 ad", date(2026, 11, 30)),
        ("+4ad", date(2026, 11, 30)),
        ("+5 arbetsdagar", date(2026, 12, 1)),
        ("+1 arbetsdag", date(2026, 11, 25)),
        ("+0 ad", date(2026, 11, 24)),
        ("2026-12-15", date(2026, 12, 15)),
        ("15/12", date(2026, 12, 15)),
        ("3 dec", date(2026, 12, 3)),
    ],
)
def test_a_day_typed_in_any_date_field(typed, expected):
    assert parse_day(typed, TUESDAY) == expected


def test_working_days_skip_christmas_and_new_year():
    # Friday 2026-12-18: +3 ad is Wednesday the 23rd; +4 ad passes julafton, juldagen,
    # annandag jul and the weekend to Monday the 28th.
    friday = date(2026, 12, 18)
    assert parse_day("+3 ad", friday) == date(2026, 12, 23)
    assert parse_day("+4 ad", friday) == date(2026, 12, 28)


def test_a_day_that_is_not_understood_names_the_ways_to_type_one():
    with pytest.raises(ValueError) as refused:
        parse_day("nästa vecka", TUESDAY)
    assert str(refused.value) == (
        "”nästa vecka” förstås inte som en dag. Skriv till exempel "
        "2026-12-01, idag, imorgon, fre, 1/12, +14 eller +3 ad."
    )
    with pytest.raises(ValueError, match="Datumet 2026-02-30 finns inte"):
        parse_day("2026-02-30", TUESDAY)


def test_a_day_is_read_back_with_its_weekday():
    assert describe_day(date(2026, 12, 1)) == "tisdag 2026-12-01"
    assert describe_day(date(2026, 12, 6)) == "söndag 2026-12-06"
