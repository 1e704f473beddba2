"""Words as the user reads them: plural forms, Markdown marks left out of snippets, the
operating system's reasons in Swedish."""

from __future__ import annotations

import errno

import pytest

from ungtui.domain.text import plain_markdown, plural
from ungtui.services.errors import os_reason


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 rader"), (1, "1 rad"), (2, "2 rader"), (21, "21 rader")],
)
def test_plural(count, expected):
    assert plural(count, "rad", "rader") == expected


def test_plural_of_people():
    assert plural(1, "person", "personer") == "1 person"
    assert plural(2, "person", "personer") == "2 personer"


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("**Kartläggning:** görs av SYV", "Kartläggning: görs av SYV"),
        ("## Så bedrivs arbetet", "Så bedrivs arbetet"),
        ("se [bilaga 3](bilaga-3.md) och _viktigt_ här", "se bilaga 3 och viktigt här"),
        ("a_b_c och *kursiv*.", "a_b_c och kursiv."),
        ("> citat ur avtalet", "citat ur avtalet"),
        ("`kod` och __fet__", "kod och fet"),
        ("16–24 år, 3 * 2 platser", "16–24 år, 3 * 2 platser"),
    ],
)
def test_markdown_marks_are_left_out(markdown, plain):
    assert plain_markdown(markdown) == plain


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EISDIR, "det är en mapp, inte en fil"),
        (errno.ENOENT, "den finns inte"),
        (errno.EACCES, "du saknar behörighet"),
        (errno.ENOSPC, "disken är full"),
        (errno.EIO, "läsningen eller skrivningen misslyckades"),
    ],
)
def test_os_reasons_in_swedish(code, reason):
    assert os_reason(OSError(code, "English text")) == reason


def test_screen_share_initials_take_letters_only():
    from ungtui.domain.text import initials

    assert initials("Åsa", "Öberg-Lind") == "Å.Ö.-L."
    # A word that begins with no letter is no name: markup-like tokens give nothing
    # (walker29 #9: "Märta [b]x[/b] Östlund-Åkesson [/]" came out "M.B.Ö.-Å.").
    assert initials("[bold]Åsa", "(Öberg)") == "Ö."
    assert initials("[/]", "Ek") == "E."
    assert initials("Märta [b]x[/b]", "Östlund-Åkesson [/]") == "M.Ö.-Å."
    assert initials("«Åsa»", "'Ek'") == "Å.E."
    assert initials("", "") == "?"  # no name at all: the one form meetings used too
