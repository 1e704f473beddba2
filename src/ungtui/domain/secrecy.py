"""Secrecy domains (sekretessområden): who holds a person's data under one secrecy.

Secrecy applies between authorities and between independent parts of one authority
(OSL 8 kap. 1–2 §§): within a kommun between its nämnder, so "the municipality" is not one
party. Every unit belongs to one domain; data passes from one domain to another only with
the person's consent for that discloser, receiver, purpose and category, or a recorded
legal ground. Units of one domain (two caseworkers at Jobbcenter Unga, say) share freely.

The split below is the one the agreements' units fall into. Where a kommun has one nämnd
for two of them, keeping them apart asks for a consent the law might not; that errs on
the side the Stockholm agreement asks for (consents used restrictively, 004 6.3).
"""

from __future__ import annotations

from dataclasses import dataclass

from ungtui.domain.text import fold


@dataclass(frozen=True)
class SecrecyDomain:
    label: str
    law: str  # the chapter of the Public Access and Secrecy Act, where there is one
    kinds: tuple[str, ...]  # the organisation kinds (domain.vocabulary) it exists in


SECRECY_DOMAINS: dict[str, SecrecyDomain] = {
    "arbetsmarknad": SecrecyDomain("Arbetsmarknadsenheten", "", ("kommun",)),
    "socialtjanst": SecrecyDomain("Socialtjänsten", "OSL 26 kap.", ("kommun",)),
    "skola_kaa": SecrecyDomain("Gymnasieskolan och KAA", "OSL 23 kap.", ("kommun",)),
    "vuxenutbildning": SecrecyDomain("Vuxenutbildningen", "OSL 23 kap.", ("kommun",)),
    "af": SecrecyDomain("Arbetsförmedlingen", "OSL 28 kap.", ("af",)),
    "fk": SecrecyDomain("Försäkringskassan", "OSL 28 kap.", ("fk",)),
    "hela": SecrecyDomain("Hela organisationen", "", ("leverantor", "annan")),
}

# Words in a kommun unit's name that tell its nämnd, checked in this order.
_KOMMUN_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "socialtjanst",
        (
            "social",
            "ekonomiskt bistand",
            "forsorjningsstod",
            "individ- och familj",
            "ifo",
            "barn och unga",
        ),
    ),
    ("vuxenutbildning", ("vux", "vuxenutb", "sfi", "larcentrum")),
    (
        "skola_kaa",
        ("gymnas", "kaa", "aktivitetsansvar", "skola", "navigator", "arenan", "sprakintro"),
    ),
)


def domains_for_kind(kind: str) -> list[str]:
    """The domains an organisation of this kind is split into, in form order."""
    return [code for code, d in SECRECY_DOMAINS.items() if kind in d.kinds] or ["hela"]


def single_domain(kind: str) -> str | None:
    """The one domain of an organisation that is one secrecy domain whole (AF, FK, a
    provider); None for a kommun, which has several."""
    found = domains_for_kind(kind)
    return found[0] if len(found) == 1 else None


def infer_domain(unit_name: str, organisation_kind: str) -> str:
    """A unit's domain from its name, for units registered before domains were asked for.
    Shown as assumed until someone sets it; a kommun unit that names nothing else is
    taken to be the labour-market unit (Jobbcenter, Jobbtorg, En väg in)."""
    only = single_domain(organisation_kind)
    if only is not None:
        return only
    name = fold(unit_name)
    for code, words in _KOMMUN_WORDS:
        if any(word in name for word in words):
            return code
    return "arbetsmarknad"


def unit_domain(stored: str, unit_name: str, organisation_kind: str) -> str:
    """The domain a unit is in: the one set for it, or the one its name suggests."""
    if stored in SECRECY_DOMAINS and organisation_kind in SECRECY_DOMAINS[stored].kinds:
        return stored
    return infer_domain(unit_name, organisation_kind)


def domain_label(code: str | None) -> str:
    if code is None:
        return "alla nämnder"
    found = SECRECY_DOMAINS.get(code)
    return found.label if found else code


def describe(organisation_name: str, code: str | None, kind: str = "kommun") -> str:
    """`Malmö stad – Socialtjänsten`; an organisation that is one domain is its name."""
    if code is not None and single_domain(kind) == code:
        return organisation_name
    if code is None and single_domain(kind) is not None:
        return organisation_name
    return f"{organisation_name} – {domain_label(code)}"
