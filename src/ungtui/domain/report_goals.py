"""An agreement's goals checked against the follow-up's figures.

Agreements state their indicators in words ("Antal jobbspår", "Andelen arbetslösa
stockholmare som börjar arbeta eller påbörjar reguljära studier") and their targets as
levels ("Minst 3", "Minst 50 %"), as a comparison ("Högre än 2018", "ska öka jämfört
med föregående år") or as a change ("ska minska med 30 %", "20 % fler … per
årsbasis"). The words are matched to the report's own indicators; a target the
agreement leaves to the steering group, an indicator the register cannot measure, or a
change whose starting point the agreement does not name is shown as such rather than
guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ungtui.domain.text import fold

# Words (folded: no case, no accents) that name a report indicator, most specific
# first: (all of these words, indicator key). None: the register cannot measure it.
_MATCHES: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("arbetsgivare",), None),
    (("jobbspar", "platser"), "jobbspar_platser"),
    (("deltagare", "malgrupp"), "jobbspar_malgrupp_andel"),
    (("jobbspar",), "jobbspar"),
    (("oppet arbetslos",), "oppet_arbetslosa"),
    (("inskriv", "sysselsattning"), "inskrivna_af_sysselsattning"),
    (("andel", "kaa"), "kaa_utan_aktivitet_andel"),
    (("andel", "utan aktivitet"), "kaa_utan_aktivitet_andel"),
    (("andel", "saknar aktivitet"), "kaa_utan_aktivitet_andel"),
    (("kaa",), "kaa_utan_aktivitet"),
    (("utan aktivitet",), "kaa_utan_aktivitet"),
    (("garanti",), "garanti"),
    (("inom", "dagar"), "garanti"),
    (("utan arbete eller studier", "program"), "andel_program_ovriga"),
    (("inte avslutar", "program"), "andel_program_ovriga"),
    (("andel", "avslut", "arbete", "stud"), "andel_arbete_studier"),
    (("andel", "borjar", "arbeta", "stud"), "andel_borjar_arbete_studier"),
    (("andel", "borjar", "arbeta"), "andel_borjar_arbete"),
    (("andel", "borjar", "stud"), "andel_borjar_studier"),
    (("gar ut i arbete eller stud",), "borjar_arbete_studier"),
    (("antal", "borjar", "arbet", "stud"), "borjar_arbete_studier"),
    (("inskriv", "arbetsformedlingen"), "inskrivna_af"),
    (("inskriv", "af"), "inskrivna_af"),
    (("forsta insats",), "median_forsta_insats"),
    (("remiss", "svar"), "remisser_besvarade"),
    (("remiss",), "remisser"),
    (("personer", "mote"), "moten_personer"),
    (("mote",), "moten"),
    (("personer", "malgrupp"), "personer"),
    (("aktiva",), "aktiva"),
    (("inflode",), "inflode"),
    (("nya inskrivna",), "inflode"),
)


def _words(text: str) -> str:
    # "påbörjar" begins work just as "börjar" does.
    return " ".join(fold(text).replace("paborjar", "borjar").replace(", ", " ").split())


def indicator_key(text: str) -> str | None:
    folded = _words(text)
    for words, key in _MATCHES:
        if all(word in folded for word in words):
            return key
    return None


def per_municipality(text: str) -> bool:
    """A goal that holds "i varje kommun" (002: KAA, in each of the three)."""
    return "i varje kommun" in fold(text)


@dataclass(frozen=True)
class Target:
    op: str  # ">=" | "<=" | ">" | "<"
    number: float | None = None  # a level …
    percent: bool = False
    year: int | None = None  # … or an earlier year to compare with …
    previous: bool = False  # … or the period before …
    change: float | None = None  # … by this relative change (+0.2: 20 % more)

    @property
    def compares(self) -> bool:
        return self.number is None

    def text(self) -> str:
        if self.change is not None:
            size = f"{abs(self.change) * 100:g}".replace(".", ",")
            return f"{size} % {'fler' if self.change > 0 else 'färre'}"
        words = {">=": "minst", "<=": "högst", ">": "högre än", "<": "lägre än"}[self.op]
        if self.year is not None:
            return f"{words} {self.year}"
        if self.previous:
            return f"{words} föregående period"
        number = f"{self.number:g}".replace(".", ",")
        return f"{words} {number}{' %' if self.percent else ''}"


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_LEVEL = re.compile(r"(minst|hogst|lagst|max|hogre an|lagre an)\s+" + _NUMBER + r"\s*(%)?")
_YEAR = re.compile(r"(hogre|lagre|fler|farre) an (\d{4})")
_DOWN = re.compile(r"(minska|sanka|sjunka)\w*\D*?" + _NUMBER + r"\s*%")
_UP = re.compile(r"(oka)\w*\D*?" + _NUMBER + r"\s*%")
_MORE = re.compile(_NUMBER + r"\s*%\s*(fler|mer|hogre|storre)")
_FEWER = re.compile(_NUMBER + r"\s*%\s*(farre|mindre|lagre)")
_PREVIOUS = ("foregaende ar", "foregaende period", "per arsbasis", "aret innan", "aret fore")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_target(text: str) -> Target | None:
    folded = _words(text)
    previous = any(words in folded for words in _PREVIOUS)
    if m := _YEAR.search(folded):
        return Target(">" if m[1] in ("hogre", "fler") else "<", year=int(m[2]))
    if m := _DOWN.search(folded) or _FEWER.search(folded):
        number = m[2] if m.re is _DOWN else m[1]
        return Target("<=", change=-_number(number) / 100, previous=previous)
    if m := _UP.search(folded) or _MORE.search(folded):
        number = m[2] if m.re is _UP else m[1]
        return Target(">=", change=_number(number) / 100, previous=previous)
    if m := _LEVEL.search(folded):
        op = {"minst": ">=", "hogst": "<=", "max": "<=", "lagst": ">="}.get(m[1])
        op = op or (">" if m[1] == "hogre an" else "<")
        return Target(op, number=_number(m[2]), percent=bool(m[3]))
    if previous and ("oka" in folded or "hogre" in folded or "fler" in folded):
        return Target(">", previous=True)
    if previous and ("minska" in folded or "lagre" in folded or "farre" in folded):
        return Target("<", previous=True)
    return None


@dataclass(frozen=True)
class Baseline:
    """What a goal is compared with: a fixed year, or the period before the report's."""

    year: int | None = None
    previous: bool = False


def baseline_of(target: Target, written: str) -> Baseline | None:
    """The comparison as the agreement writes it: the indicator's own baseline if one is
    recorded ("2018", "föregående period"), else what the target's words say; None when a
    level needs none, or when the agreement does not say what a change counts from."""
    written = fold(written).strip()
    if written.isdigit() and len(written) == 4:
        return Baseline(year=int(written))
    if written.startswith("foregaende"):
        return Baseline(previous=True)
    if target.year is not None:
        return Baseline(year=target.year)
    if target.previous:
        return Baseline(previous=True)
    return None


def is_met(target: Target, value: float | None, baseline: float | None = None) -> bool | None:
    """True or False, or None when there is nothing to compare (no figure yet)."""
    if value is None:
        return None
    if target.compares:
        if baseline is None:
            return None
        other = baseline * (1 + target.change) if target.change is not None else baseline
    else:
        assert target.number is not None
        other = target.number / 100 if target.percent else target.number
    # A relative change lands on fractions: compare at a precision no figure has.
    value, other = round(value, 9), round(other, 9)
    return {
        ">=": value >= other,
        "<=": value <= other,
        ">": value > other,
        "<": value < other,
    }[target.op]
