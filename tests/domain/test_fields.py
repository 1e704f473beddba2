"""The rules for text in stored fields, and for showing text that came from anywhere."""

from __future__ import annotations

from ungtui.domain.fields import (
    _UNSAFE_OR_BREAK,
    NAME_MAX,
    escape_for_terminal,
    field_problem,
    for_display,
    phone_problem,
    record_problems,
    rule_for,
    text_problem,
)

ONE_LINE = "får bara vara en rad (utan radbrytningar och tabbar)."
STEERING = (
    "innehåller ett osynligt styrtecken (till exempel från kopierad text) som inte kan "
    "sparas. Skriv in texten på nytt."
)


def test_ordinary_names_and_markup_like_text_may_be_stored():
    for name in ("Öztürk", "Åsa-Märta", "[/]Trasig", "[bold red]x", "[@click=app.quit]", "O'Brien"):
        assert text_problem(name, max_length=NAME_MAX) is None


def test_control_characters_are_refused_everywhere():
    for bad in (
        "\x1b]0;titel\x07",
        "\x1b[2J",
        "\x1b]52;c;aGVq\x07",
        "a\x00b",
        "a\x7fb",
        "a\x9bb",
        "a\u202eb",
        "a\ud800b",
    ):
        assert text_problem(bad) == STEERING, repr(bad)
        assert text_problem(bad, multiline=True) == STEERING, repr(bad)


def test_every_printable_character_may_be_stored():
    """text_problem lets printable text through without its pattern: that is only right
    while the pattern (the one-line one, which refuses the most) refuses no printable
    character."""
    printable = "".join(c for c in map(chr, range(0x110000)) if c.isprintable())
    assert len(printable) > 100_000
    assert _UNSAFE_OR_BREAK.search(printable) is None
    assert _UNSAFE_OR_BREAK.search("\x1b" + printable)
    assert text_problem("Åsa\x1b", max_length=10) == STEERING


def test_newline_and_tab_only_in_free_text():
    for broken in ("rad 1\nrad 2", "a\tb", "a\r\nb", "a\u2028b"):
        assert text_problem(broken) == ONE_LINE
    assert text_problem("rad 1\nrad 2\n\tindrag", multiline=True) is None


def test_lengths():
    assert text_problem("x" * 100, max_length=100) is None
    assert text_problem("x" * 101, max_length=100) == "får vara högst 100 tecken (nu 101)."
    assert text_problem("x" * 20_001, multiline=True, max_length=20_000) == (
        "får vara högst 20 000 tecken (nu 20 001)."
    )


def test_each_column_has_its_rule():
    assert (
        rule_for("individual", "first_name").max_length,
        rule_for("individual", "first_name").multiline,
    ) == (100, False)
    assert (rule_for("meeting", "place").max_length, rule_for("meeting", "place").multiline) == (
        300,
        False,
    )
    assert (
        rule_for("agendaitem", "notes").max_length,
        rule_for("agendaitem", "notes").multiline,
    ) == (200_000, True)
    # The sort key holds a control character on purpose; the door leaves it alone.
    assert rule_for("individual", "sort_key") is None
    assert field_problem("individual", "sort_key", "ek\x01erik") is None


def test_problems_name_the_field_in_swedish():
    assert record_problems(
        "individual",
        {
            "first_name": "Erik\x1b[2J",
            "last_name": "Ek",
            "address": "Storgatan 1\n211 22",
            "birth_date": None,
        },
    ) == {
        "first_name": f"Förnamn {STEERING}",
        "address": f"Adress {ONE_LINE}",
    }
    assert field_problem("way_phase", "note", "Första mötet.\nAndra mötet.") is None
    # Text inside an agreement's JSON lists is checked too.
    assert field_problem("agreement", "goals", '[{"goal": "Fler i arbete\\u001b[2J"}]') == (
        f"Mål {STEERING}"
    )


def test_text_for_the_screen_loses_what_would_steer_the_terminal():
    assert for_display("[/]Trasig") == "[/]Trasig"
    assert for_display("\x1b]0;Hackad\x07Ek") == "]0;HackadEk"
    assert for_display("\x1b[2JEk\x1b]52;c;aGVq\x07") == "[2JEk]52;c;aGVq"
    assert for_display("rad 1\nrad 2\tslut") == "rad 1 rad 2 slut"
    assert for_display("rad 1\r\nrad 2\tslut\x1b[2J", multiline=True) == "rad 1\nrad 2\tslut[2J"
    assert for_display(None) == ""
    assert for_display("a\u202eb\u2066c") == "abc"


def test_text_for_the_terminal_shows_steering_characters_as_escapes():
    assert escape_for_terminal("Ek\x1b]0;x\x07") == "Ek\\u001b]0;x\\u0007"
    assert escape_for_terminal("a;b\r\nc\rd\te") == "a;b\r\nc\\u000dd\te"
    assert escape_for_terminal('{"namn": "a\x85b"}') == '{"namn": "a\\u0085b"}'


def test_phone_numbers_as_people_write_them_pass():
    for phone in ("", "070-123 45 67", "+46 70 123 45 67", "040/12 34 56", "(040) 12 34 56", "112"):
        assert phone_problem(phone) is None, phone


def test_letters_or_no_digits_are_no_phone_number():
    for phone in ("abc", "070-ring efter 15", "anna@example.se", "- -"):
        assert phone_problem(phone) == (
            f"”{phone}” ser inte ut som ett telefonnummer. "
            "Skriv det med siffror, t.ex. 070-123 45 67."
        ), phone
