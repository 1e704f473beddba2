"""Working days with Swedish holidays; every expected date is worked out by hand."""

from datetime import date

import pytest

from ungtui.domain.working_days import (
    add_working_days,
    holiday_name,
    is_working_day,
    swedish_holidays,
    working_days_between,
)


def test_the_holidays_of_2026():
    assert swedish_holidays(2026) == {
        date(2026, 1, 1): "nyårsdagen",
        date(2026, 1, 6): "trettondedag jul",
        date(2026, 4, 3): "långfredagen",
        date(2026, 4, 4): "påskafton",
        date(2026, 4, 5): "påskdagen",
        date(2026, 4, 6): "annandag påsk",
        date(2026, 5, 1): "första maj",
        date(2026, 5, 14): "Kristi himmelsfärds dag",
        date(2026, 5, 24): "pingstdagen",
        date(2026, 6, 6): "Sveriges nationaldag",
        date(2026, 6, 19): "midsommarafton",
        date(2026, 6, 20): "midsommardagen",
        date(2026, 10, 31): "alla helgons dag",
        date(2026, 12, 24): "julafton",
        date(2026, 12, 25): "juldagen",
        date(2026, 12, 26): "annandag jul",
        date(2026, 12, 31): "nyårsafton",
    }


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 4, 18), "långfredagen"),
        (date(2025, 4, 21), "annandag påsk"),
        (date(2025, 5, 29), "Kristi himmelsfärds dag"),
        (date(2025, 6, 20), "midsommarafton"),
        (date(2025, 11, 1), "alla helgons dag"),
        (date(2024, 6, 21), "midsommarafton"),
        (date(2024, 11, 2), "alla helgons dag"),
        (date(2027, 3, 26), "långfredagen"),
        (date(2027, 3, 29), "annandag påsk"),
        (date(2027, 6, 25), "midsommarafton"),
        (date(2027, 11, 6), "alla helgons dag"),
        (date(2025, 6, 9), None),  # annandag pingst is no longer a holiday (since 2005)
        (date(2026, 6, 18), None),
    ],
)
def test_moving_holidays_in_other_years(day, name):
    assert holiday_name(day) == name


def test_weekends_and_holidays_are_not_working_days():
    assert is_working_day(date(2026, 11, 24))  # a Tuesday
    assert not is_working_day(date(2026, 11, 28))  # a Saturday
    assert not is_working_day(date(2026, 12, 24))  # julafton, a Thursday
    assert not is_working_day(date(2026, 6, 19))  # midsommarafton, a Friday
    assert not is_working_day(date(2027, 12, 31))  # nyårsafton, a Friday


def test_across_easter():
    # Thursday before Easter: Friday and Monday are holidays.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(date(2026, 3, 30), 10) == date(2026, 4, 15)
    assert add_working_days(date(2027, 3, 25), 2) == date(2027, 3, 31)


def test_across_midsummer():
    assert add_working_days(date(2026, 6, 18), 1) == date(2026, 6, 22)
    assert add_working_days(date(2025, 6, 19), 1) == date(2025, 6, 23)


def test_across_christmas_and_new_year():
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 12, 23), 5) == date(2027, 1, 5)
    # 2027-01-06 (trettondedag jul) is a Wednesday.
    assert add_working_days(date(2026, 12, 23), 6) == date(2027, 1, 7)


def test_ascension_day_and_national_day():
    assert add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 15)
    # 2025-06-06 is a Friday.
    assert add_working_days(date(2025, 6, 5), 1) == date(2025, 6, 9)


def test_ten_working_days_from_an_ordinary_tuesday():
    assert add_working_days(date(2026, 11, 24), 10) == date(2026, 12, 8)


def test_from_a_weekend_and_zero_days():
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 28), -1)


def test_counting_working_days_between_two_dates():
    assert working_days_between(date(2026, 12, 23), date(2027, 1, 5)) == 5
    assert working_days_between(date(2027, 1, 5), date(2026, 12, 23)) == -5
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 6)) == 0
