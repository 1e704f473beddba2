"""An agreement's goals checked against the follow-up's figures.

Agreements state their indicators in words ("Antal jobbspår", "Andel som börjar arbeta
eller studera") and their targets as levels ("Minst 3", "Minst 50 %") or as a comparison
with an earlier year ("Högre än 2022"). The words are matched to the report's own
indicators; a target the agreement leaves to the steering group, or an indicator the
register cannot measure, is shown as such rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that name a report indicator, most specific first: (all words, indicator key).
_MATCHES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("jobbspår", "platser"), "jobbspar_platser"),
    (("deltagare", "målgrupp"), "jobbspar_malgrupp_andel"),
    (("jobbspår",), "jobbspar"),
    (("andel", "utan aktivitet"), "kaa_utan_aktivitet_andel"),
    (("utan aktivitet",), "kaa_utan_aktivitet"),
    (("90",), "garanti_90"),
    (("arbet", "stud"), "andel_arbete_studier"),
    (("första insats",), "median_forsta_insats"),
    (("remiss", "svar"), "remisser_besvarade"),
    (("remiss",), "remisser"),
    (("personer", "möte"), "moten_personer"),
    (("möte",), "moten"),
    (("aktiva",), "aktiva"),
    (("inflöde",), "inflode"),
    (("inskriv",), "inflode"),
)


# Words of indicators the register cannot measure, though they share words with one
# it can ("Andel utan arbete eller studier som är inskrivna i program").
_NOT_MEASURED = ("utan arbete", "arbetsgivare")


def indicator_key(text: str) -> str | None:
    folded = text.casefold()
    if any(words in folded for words in _NOT_MEASURED):
        return None
    for words, key in _MATCHES:
        if all(word in folded for word in words):
            return key
    return None


@dataclass(frozen=True)
class Target:
    op: str  # ">=" | "<=" | ">" | "<"
    number: float | None = None  # a level …
    percent: bool = False
    year: int | None = None  # … or an earlier year to beat

    def text(self) -> str:
        words = {">=": "minst", "<=": "högst", ">": "högre än", "<": "lägre än"}[self.op]
        if self.year is not None:
            return f"{words} {self.year}"
        number = f"{self.number:g}".replace(".", ",")
        return f"{words} {number}{' %' if self.percent else ''}"


_LEVEL = re.compile(r"(minst|högst|lägst|max|högre än|lägre än)\s+(\d+(?:[.,]\d+)?)\s*(%)?")
_YEAR = re.compile(r"(högre|lägre|fler|färre) än (\d{4})")


def parse_target(text: str) -> Target | None:
    folded = text.casefold().strip()
    if m := _YEAR.search(folded):
        return Target(">" if m[1] in ("högre", "fler") else "<", year=int(m[2]))
    if m := _LEVEL.search(folded):
        op = {"minst": ">=", "högst": "<=", "max": "<=", "lägst": ">="}.get(m[1])
        op = op or (">" if m[1] == "högre än" else "<")
        return Target(op, number=float(m[2].replace(",", ".")), percent=bool(m[3]))
    return None


def baseline_year(target_year: int, indicator_year: int | None, report_year: int) -> int:
    """The year to compare with. A goal written for 2019 as 'higher than 2018' means
    'higher than the year before' when it is followed up in a later year."""
    if indicator_year is None:
        return target_year
    return report_year - (indicator_year - target_year)


def is_met(target: Target, value: float | None, baseline: float | None = None) -> bool | None:
    """True or False, or None when there is nothing to compare (no figure yet)."""
    if value is None:
        return None
    if target.year is not None:
        if baseline is None:
            return None
        other = baseline
    else:
        assert target.number is not None
        other = target.number / 100 if target.percent else target.number
    return {
        ">=": value >= other,
        "<=": value <= other,
        ">": value > other,
        "<": value < other,
    }[target.op]
