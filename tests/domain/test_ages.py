"""age_on counts by plain arithmetic where it can; it must give relativedelta's answer."""

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from ungtui.domain.ages import age_on


def test_age_on_is_relativedeltas_completed_years_on_every_day_around_birthdays():
    births = [
        date(2000, 2, 29),
        date(2004, 2, 29),
        date(2001, 2, 28),
        date(2001, 3, 1),
        date(2000, 3, 29),
        date(1999, 12, 31),
        date(2003, 1, 1),
        date(2000, 1, 31),
    ]
    for born in births:
        day = born - timedelta(days=400)  # days before the birth too
        while day < date(2030, 1, 1):
            assert age_on(born, day) == relativedelta(day, born).years, (born, day)
            day += timedelta(days=1)


def test_age_on_by_hand():
    assert age_on(date(2004, 2, 29), date(2005, 2, 28)) == 1  # clamped to the 28th
    assert age_on(date(2004, 2, 29), date(2008, 2, 28)) == 3  # 29 February comes
    assert age_on(date(2000, 3, 29), date(2005, 2, 28)) == 4
    assert age_on(date(2000, 6, 1), date(2000, 1, 1)) == 0  # before the birth
    assert age_on(date(2000, 6, 1), datetime(2018, 6, 1, 12)) == 18
