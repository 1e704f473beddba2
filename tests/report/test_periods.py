from datetime import date

import pytest

from ungtui.domain.periods import Period, PeriodError, current_term, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026", date(2026, 1, 1), date(2026, 12, 31), "2026"),
        ("2026H1", date(2026, 1, 1), date(2026, 6, 30), "2026H1"),
        ("2026h2", date(2026, 7, 1), date(2026, 12, 31), "2026H2"),
        ("VT2026", date(2026, 1, 1), date(2026, 6, 30), "VT2026"),
        ("ht2026", date(2026, 7, 1), date(2026, 12, 31), "HT2026"),
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31), "2026Q1"),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30), "2026Q3"),
        (" 2026-02-10..2026-03-01 ", date(2026, 2, 10), date(2026, 3, 1), None),
    ],
)
def test_every_kind_of_period(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    if label:
        assert period.label == label


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2026", "2025"),
        ("2026H1", "2025H2"),
        ("2026H2", "2026H1"),
        ("VT2026", "HT2025"),
        ("HT2026", "VT2026"),
        ("2026Q1", "2025Q4"),
        ("2026Q3", "2026Q2"),
    ],
)
def test_previous_period_of_the_same_kind(text, previous):
    assert parse_period(text).previous().label == previous


def test_previous_of_two_dates_is_as_many_days_just_before():
    # 2026-03-01..2026-03-10 is ten days; the ten before end on the last of February.
    before = parse_period("2026-03-01..2026-03-10").previous()
    assert before == Period("dates", date(2026, 2, 19), date(2026, 2, 28))


def test_same_part_of_another_year():
    assert parse_period("2026Q2").in_year(2022) == Period(
        "quarter", date(2022, 4, 1), date(2022, 6, 30)
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2026H3", "Okänd period"),
        ("hösten", "Okänd period"),
        ("2026-02-30..2026-03-01", "datum som inte finns"),
        ("2026-03-10..2026-03-01", "slutar före"),
    ],
)
def test_bad_periods_are_explained_in_swedish(text, words):
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert words in str(error.value)


def test_current_term():
    assert current_term(date(2026, 11, 24)).label == "HT2026"
    assert current_term(date(2026, 6, 30)).label == "VT2026"


def test_a_quarter_written_the_swedish_way_or_back_to_front():
    for text in ("2026K3", "2026 k3", "2026-Q3", "K3 2026", "Q3 2026", "k3-2026"):
        period = parse_period(text)
        assert (period.kind, period.start, period.end) == (
            "quarter",
            date(2026, 7, 1),
            date(2026, 9, 30),
        ), text


def test_a_half_back_to_front():
    assert parse_period("H2 2026") == parse_period("2026H2") == parse_period("2026-H2")
    assert parse_period("H2 2026").start == date(2026, 7, 1)


def test_a_fifth_quarter_is_no_period():
    with pytest.raises(PeriodError, match="Okänd period ”K5 2026”"):
        parse_period("K5 2026")
