import re
from datetime import date, datetime

import pytest

from ungtui.domain.table_import import (
    check_mapping,
    guess_mapping,
    identity_text,
    is_total_row,
    parse_gender,
    parse_sheet_date,
    split_full_name,
)
from ungtui.services.people.table_files import decode, guess_separator

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", date(2024, 3, 5)),
        ("20240305", date(2024, 3, 5)),
        ("5/3/2024", date(2024, 3, 5)),
        ("05.03.24", date(2024, 3, 5)),
        ("5-3-2024", date(2024, 3, 5)),
        ("01.01.99", date(1999, 1, 1)),
        ("24.11.26", date(2026, 11, 24)),
        ("25.11.26", date(1926, 11, 25)),
        (datetime(2024, 3, 5, 0, 0), date(2024, 3, 5)),
    ],
)
def test_dates_as_swedish_lists_hold_them(text, expected):
    assert parse_sheet_date(text, TODAY) == expected


def test_impossible_and_unreadable_dates():
    with pytest.raises(ValueError, match=re.escape("Datumet ”30.02.24” finns inte.")):
        parse_sheet_date("30.02.24", TODAY)
    with pytest.raises(ValueError, match="”mars 2024” är inget datum"):
        parse_sheet_date("mars 2024", TODAY)


def test_identity_numbers_excel_has_touched():
    assert identity_text(408152221) == "0408152221"
    assert identity_text(199707073335.0) == "199707073335"
    assert identity_text(" 19990314 - 1233 ") == "19990314-1233"
    with pytest.raises(ValueError, match="exponentform"):
        identity_text("1,99901E+11")


def test_headers_swedish_and_english():
    assert guess_mapping(
        ["Pnr", "Förnamn", "EFTERNAMN", "kön", "Ansvarig handläggare", "Inskriven", "Ålder"]
    ) == ["identity", "first_name", "last_name", "gender", "caseworker", "entry_date", None]
    assert guess_mapping(["SSN", "First name", "Surname", "Gender", "Name", "name"]) == [
        "identity",
        "first_name",
        "last_name",
        "gender",
        "full_name",
        None,
    ]
    assert check_mapping(["full_name", None]) == [
        "Ingen kolumn är vald som personnummer eller födelsedatum; personerna går inte att "
        "känna igen."
    ]


def test_names_genders_and_sum_rows():
    assert split_full_name("Öberg, Åsa") == ("Åsa", "Öberg")
    assert split_full_name("Anna Maria  Lind") == ("Anna Maria", "Lind")
    assert [parse_gender(g) for g in ("K", "m", "Flicka", "", "X")] == [
        "kvinna",
        "man",
        "kvinna",
        "okänt",
        "annat",
    ]
    assert is_total_row(["Summa", 6, None])
    assert is_total_row([None, "Totalt: 52"])
    assert not is_total_row(["Summaia", "Berg"])


def test_encoding_and_separator():
    assert decode("Kön;Åsa".encode("cp1252")) == ("Kön;Åsa", "cp1252")
    assert decode(b"\xef\xbb\xbfK\xc3\xb6n") == ("Kön", "utf-8-sig")
    assert guess_separator("a;b;c\n1;2,5;3\n") == ";"
    assert guess_separator("a,b,c\n1,2,3\n") == ","
