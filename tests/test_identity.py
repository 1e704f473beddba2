"""Identity numbers. Check digits below were worked out by hand with the Luhn rule."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ungtui.domain.identity import luhn_check_digit, mask_identity, parse_identity
from ungtui.domain.orgnr import parse_orgnr

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "kind", "normalized", "born"),
    [
        ("811218-9876", "personnummer", "19811218-9876", date(1981, 12, 18)),
        ("8112189876", "personnummer", "19811218-9876", date(1981, 12, 18)),
        ("19811218-9876", "personnummer", "19811218-9876", date(1981, 12, 18)),
        ("198112189876", "personnummer", "19811218-9876", date(1981, 12, 18)),
        (" 811218 - 9876 ", "personnummer", "19811218-9876", date(1981, 12, 18)),
        ("121212-1212", "personnummer", "20121212-1212", date(2012, 12, 12)),
        # Leap day in a leap year.
        ("000229-9824", "personnummer", "20000229-9824", date(2000, 2, 29)),
        # The same digits with +: 100 years or older.
        ("000229+9824", "personnummer", "19000229-9824", None),
        # Samordningsnummer: day of birth + 60.
        ("000289-9813", "samordningsnummer", "20000289-9813", date(2000, 2, 29)),
        ("651265-9803", "samordningsnummer", "19651265-9803", date(1965, 12, 5)),
        # Ten digits: the latest century that puts the birth date on or before today.
        ("201231-9980", "personnummer", "20201231-9980", date(2020, 12, 31)),
        ("271231-9983", "personnummer", "19271231-9983", date(1927, 12, 31)),
    ],
)
def test_valid_numbers(typed, kind, normalized, born):
    if born is None:
        # 1900 was not a leap year: 1900-02-29 does not exist.
        with pytest.raises(ValueError, match="Datumet finns inte: 1900-02-29"):
            parse_identity(typed, TODAY)
        return
    identity = parse_identity(typed, TODAY)
    assert identity.kind == kind
    assert identity.normalized == normalized
    assert identity.birth_date == born


def test_derived_properties():
    identity = parse_identity("811218-9876", TODAY)
    assert identity.digits == "198112189876"
    assert identity.masked == "19811218-XXXX"
    assert identity.legal_gender == "man"  # 7 is odd
    assert parse_identity("000229-9824", TODAY).legal_gender == "kvinna"  # 2 is even


def test_plus_means_a_hundred_years_more():
    assert parse_identity("201231+9980", TODAY).normalized == "19201231-9980"
    assert parse_identity("271231+9983", TODAY).normalized == "18271231-9983"
    assert parse_identity("121212+1212", TODAY).normalized == "19121212-1212"


def test_plus_is_used_from_the_calendar_year_the_person_turns_100():
    # Skatteverket: the plus sign from the year of the 100th birthday, not the day. Born
    # 1926-12-26, read in June 2026 (99 years old, 100 this year): 1926, not 1826.
    # Check digit by hand: 2·2, 6, 1·2, 2, 2·2, 6, 8·2→7, 3, 5·2→1 = 35; 10 − 5 = 5.
    assert parse_identity("261226+8355", date(2026, 6, 1)).birth_date == date(1926, 12, 26)
    assert parse_identity("261226+8355", date(2026, 12, 31)).birth_date == date(1926, 12, 26)
    # In 2025 someone born 1926 is 99 all year and writes a minus: a plus means 1826.
    assert parse_identity("261226+8355", date(2025, 12, 31)).birth_date == date(1826, 12, 26)


def test_serial_number_000_does_not_exist():
    # Serial numbers run 001–999; the check digits below are right for serial 000.
    # 260101000: 2·2, 6, 0, 1, 0, 1, 0, 0, 0 = 12 → 8.
    with pytest.raises(ValueError, match="Födelsenumret 000"):
        parse_identity("260101-0008", TODAY)
    # Samordningsnummer 000289000: 0, 0, 0, 2, 8·2→7, 9, 0, 0, 0 = 18 → 2.
    with pytest.raises(ValueError, match="Födelsenumret 000"):
        parse_identity("000289-0002", TODAY)


def test_a_wrong_check_digit_does_not_suggest_the_right_one():
    # Saying "should be 6" turns a mistyped middle digit into a valid number for someone
    # else; the message asks to check the number instead.
    with pytest.raises(ValueError) as error:
        parse_identity("811218-9877", TODAY)
    message = str(error.value)
    assert "6" not in message
    assert message == "Kontrollsiffran stämmer inte. Kontrollera numret med personen."


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("811218-9877", "Kontrollsiffran stämmer inte."),
        ("8112189", "Fel längd: ett personnummer har 10 eller 12 siffror, inte 7."),
        ("19811218-98761", "Fel längd"),
        ("81121A-9876", "bara innehålla siffror"),
        ("010229-9812", "Datumet finns inte: 2001-02-29."),
        ("811318-9876", "Datumet finns inte: 1981-13-18."),
        ("811292-9876", "Datumet finns inte: 1981-12-32."),
        ("20301218-9876", "ligger i framtiden"),
        ("", "Ange ett personnummer"),
        ("81-1218-9876", "bara innehålla siffror och ett bindestreck"),
        ("8112-189876", "Bindestrecket ska stå före de fyra sista siffrorna."),
    ],
)
def test_invalid_numbers_say_why_in_swedish(typed, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_identity(typed, TODAY)


def test_mask():
    assert mask_identity("19811218-9876") == "19811218-XXXX"
    assert mask_identity("") == ""
    assert mask_identity(None) == ""


def test_luhn_by_hand():
    assert luhn_check_digit("811218987") == 6
    assert luhn_check_digit("121212121") == 2


@given(
    born=st.dates(min_value=date(1900, 3, 1), max_value=TODAY),
    serial=st.integers(min_value=1, max_value=999),
    coordination=st.booleans(),
    form=st.sampled_from(["ten", "ten-dash", "twelve", "twelve-dash", "spaced"]),
)
def test_every_valid_number_round_trips(born, serial, coordination, form):
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    last4 = f"{serial:03d}{luhn_check_digit(nine)}"
    sep = "+" if TODAY.year - born.year >= 100 else "-"
    typed = {
        "ten": f"{nine[:6]}{sep}{last4}" if sep == "+" else f"{nine[:6]}{last4}",
        "ten-dash": f"{nine[:6]}{sep}{last4}",
        "twelve": f"{born.year}{nine[2:6]}{last4}",
        "twelve-dash": f"{born.year}{nine[2:6]}-{last4}",
        "spaced": f" {born.year}{nine[2:6]} {last4} ",
    }[form]
    identity = parse_identity(typed, TODAY)
    assert identity.birth_date == born
    assert identity.kind == ("samordningsnummer" if coordination else "personnummer")
    assert parse_identity(identity.normalized, TODAY) == identity


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("202100-2114", "202100-2114"),  # Arbetsförmedlingen
        ("2120001124", "212000-1124"),  # Malmö stad
        ("212000-0142", "212000-0142"),  # Stockholms stad
        ("16 202100-5521", "202100-5521"),  # Försäkringskassan, with the 16 prefix
    ],
)
def test_valid_org_numbers(typed, expected):
    assert parse_orgnr(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("202100-2115", r"Kontrollsiffran stämmer inte \(ska vara 4\)"),
        ("811218-9876", "Tredje siffran"),
        ("20210", "10 siffror"),
        ("AB2100-2114", "bara innehålla siffror"),
    ],
)
def test_invalid_org_numbers(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_orgnr(typed)
