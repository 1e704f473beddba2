"""The one rule for disclosure, secrecy domains and purposes: expectations by hand."""

from __future__ import annotations

from datetime import date

import pytest

from ungtui.domain.disclosure import (
    ConsentTerms,
    Holder,
    disclosed_categories,
    names,
    same_secrecy,
    verdict,
)
from ungtui.domain.purposes import consent_purposes, meeting_purpose, referral_purpose
from ungtui.domain.secrecy import describe, domains_for_kind, infer_domain, unit_domain

DAY = date(2026, 11, 24)
JOBB = Holder("212000-1124", "arbetsmarknad")
SOC = Holder("212000-1124", "socialtjanst")
KOMMUN = Holder("212000-1124")
AF = Holder("202100-2114", "af")


def consent(discloser=JOBB, receiver=AF, purposes=("samordning",), categories=("kontakt",)):
    return ConsentTerms(
        "c1", discloser, receiver, frozenset(purposes), frozenset(categories), date(2026, 1, 1)
    )


@pytest.mark.parametrize(
    ("unit", "kind", "expected"),
    [
        ("Jobbcenter Unga", "kommun", "arbetsmarknad"),
        ("En väg in", "kommun", "arbetsmarknad"),
        ("Socialtjänsten", "kommun", "socialtjanst"),
        ("Ekonomiskt bistånd Väster", "kommun", "socialtjanst"),
        ("Vuxenutbildningen", "kommun", "vuxenutbildning"),
        ("Komvux SFI", "kommun", "vuxenutbildning"),
        ("KAA-enheten", "kommun", "skola_kaa"),
        ("Arenan (aktivitetsansvaret)", "kommun", "skola_kaa"),
        ("Navigatorcentrum", "kommun", "skola_kaa"),
        ("Arbetsförmedlingen Malmö Unga", "af", "af"),
        ("Socialförsäkring lokalt", "fk", "fk"),
        ("Rusta och matcha", "leverantor", "hela"),
    ],
)
def test_a_units_domain_is_read_from_its_name_until_set(unit, kind, expected):
    assert infer_domain(unit, kind) == expected


def test_a_set_domain_wins_when_it_fits_the_organisation():
    assert unit_domain("socialtjanst", "Jobbcenter Unga", "kommun") == "socialtjanst"
    assert unit_domain("af", "Jobbcenter Unga", "kommun") == "arbetsmarknad"  # not a kommun's
    assert domains_for_kind("kommun") == [
        "arbetsmarknad",
        "socialtjanst",
        "skola_kaa",
        "vuxenutbildning",
    ]
    assert describe("Malmö stad", "socialtjanst") == "Malmö stad – Socialtjänsten"
    assert describe("Malmö stad", None) == "Malmö stad – alla nämnder"
    assert describe("Arbetsförmedlingen", "af", "af") == "Arbetsförmedlingen"


def test_parties():
    assert same_secrecy(JOBB, Holder("212000-1124", "arbetsmarknad"))
    assert not same_secrecy(JOBB, SOC)
    assert not same_secrecy(KOMMUN, KOMMUN)  # a whole kommun is many domains
    assert names(KOMMUN, SOC)  # a consent for the whole kommun names each nämnd
    assert not names(SOC, KOMMUN)  # a file any nämnd may read is not socialtjänsten
    assert names(Holder("202100-2114"), AF)


def test_categories_come_only_from_consents_for_the_parties_and_purposes():
    given = [
        consent(categories=("kontakt", "arbete")),
        consent(purposes=("remiss",), categories=("halsa",)),
        consent(discloser=SOC, categories=("social",)),
    ]
    assert disclosed_categories(
        given, discloser=JOBB, receiver=AF, purposes=("samordning",), on=DAY
    ) == frozenset({"identitet", "kontakt", "arbete"})
    assert disclosed_categories(
        given, discloser=JOBB, receiver=AF, purposes=("samordning", "remiss"), on=DAY
    ) == frozenset({"identitet", "kontakt", "arbete", "halsa"})
    assert disclosed_categories(
        given, discloser=SOC, receiver=AF, purposes=("samordning",), on=DAY
    ) == frozenset({"identitet", "social"})
    assert disclosed_categories(
        given, discloser=JOBB, receiver=SOC, purposes=("samordning",), on=DAY
    ) == frozenset()
    assert len(disclosed_categories([], discloser=JOBB, receiver=JOBB, purposes=(), on=DAY)) == 8


@pytest.mark.parametrize(
    ("given", "purpose", "category", "expected"),
    [
        ([], "samordning", "kontakt", "none"),
        ([consent()], "samordning", "kontakt", "covered"),
        ([consent()], "samordning", "identitet", "covered"),
        ([consent()], "samordning", "halsa", "category"),
        ([consent()], "remiss", "kontakt", "purpose"),
        ([consent(receiver=SOC)], "samordning", "kontakt", "none"),
    ],
)
def test_verdicts_say_why(given, purpose, category, expected):
    found = verdict(
        given, discloser=JOBB, receiver=AF, purpose=purpose, category=category, on=DAY
    )
    assert found.reason == expected
    assert found.allowed == (expected == "covered")


def test_purposes_read_for_older_records():
    assert consent_purposes("") == frozenset({"samordning"})
    assert consent_purposes("remiss,kaa") == frozenset({"remiss", "kaa"})
    assert meeting_purpose("", "trepartssamtal") == "trepartssamtal"
    assert meeting_purpose("kaa", "samverkansgrupp") == "kaa"
    assert referral_purpose("") == "remiss"
