"""The agreements of seeds 000, 001 and 004, told in our own words.

Parties are named as organisations (name, org.nr, kind); the loader finds them by
org.nr or name, or adds them. Goals keep the target levels the agreements state; where
an agreement leaves the levels to the operative steering group, the text says so.
"""

from __future__ import annotations

from datetime import date

from ungtui.domain.processes import AgreementGroup
from ungtui.services.agreements import Appendix, Goal, Indicator

MALMO = ("Malmö stad", "212000-1124", "kommun")
STOCKHOLM = ("Stockholms stad", "212000-0142", "kommun")
AF = ("Arbetsförmedlingen", "202100-2114", "af")

# Organisations the work processes of seeds 002–004 name besides the parties above. The
# seeds give no organisation numbers for them. Västerås stad's (212000-2080) and
# Försäkringskassan's are public and well attested; for the others none is made up here:
# they keep an id derived from their name, show that the number is missing, and become
# one with the record of their number when a user gives it (Synk, Dubbletter).
OTHER_ORGANISATIONS = (
    ("Värnamo kommun", None, "kommun"),
    ("Gnosjö kommun", None, "kommun"),
    ("Gislaveds kommun", None, "kommun"),
    ("Västerås stad", "212000-2080", "kommun"),
    ("Försäkringskassan", "202100-5521", "fk"),
    ("Samordningsförbundet Stockholms stad", None, "annan"),
)

YEARLY_LEVELS = "Fastställs av den operativa styrgruppen inför varje verksamhetsår"

AGREEMENTS = (
    {
        "key": "000-malmo-unga",
        "title": "Lokal överenskommelse om samverkan för unga Malmöbor 16–29 år",
        "purpose": (
            "Staden och Arbetsförmedlingen samverkar för att unga Malmöbor mellan 16 och 29 år "
            "snabbare ska komma in i arbetslivet, och för att arbetsgivarna ska få den "
            "kompetens de behöver."
        ),
        "parties": (MALMO, AF),
        "target_groups": (
            AgreementGroup(
                "unga_16_29",
                "Unga Malmöbor som för sin etablering behöver stöd från både staden och "
                "Arbetsförmedlingen",
                16,
                29,
            ),
        ),
        "goals": (
            Goal(
                "Arbetslösheten bland Malmöbor 16–29 år ska närma sig rikssnittet för "
                "åldersgruppen, genom att fler börjar arbeta eller studera.",
                (
                    Indicator(
                        "Andel i målgruppen som börjar arbeta eller studera", None, YEARLY_LEVELS
                    ),
                ),
            ),
        ),
        "appendices": (
            Appendix(1, "Organisering av samverkan och kartläggning av målgruppens behov"),
        ),
        "valid_from": date(2020, 11, 1),
        "valid_until": None,
        "notice_months": 3,
        "revision": "Vid behov, enligt beslut i den strategiska styrgruppen; bilagor och "
        "arbetsprocesser revideras löpande utan att överenskommelsen ändras",
        "next_revision": None,
    },
    {
        "key": "001-malmo-nyanlanda",
        "title": "Överenskommelse om fördjupad samverkan om nyanländas etablering",
        "purpose": (
            "Med en gemensam, lokalt anpassad modell för fördjupad samverkan ska nyanlända i "
            "Malmö snabbare få fäste på arbetsmarknaden."
        ),
        "parties": (MALMO, AF),
        "target_groups": (
            AgreementGroup(
                "nyanland",
                "Nyanlända som ska etablera sig på arbetsmarknaden (upp till 36 månader "
                "efter första uppehållstillståndet)",
            ),
            AgreementGroup(
                "", "Unga nyanlända som behöver fullfölja en gymnasieutbildning", 16, 24
            ),
        ),
        "goals": (
            Goal(
                "Etableringstiden ska på sikt kortas till två år (etablering: arbete med "
                "eller utan subvention, eller reguljära studier).",
            ),
            Goal(
                "En myndighetsgemensam process för operativ samverkan och gemensamma "
                "ställningstaganden.",
                (
                    Indicator(
                        "Andel som avslutar etableringen med arbete eller studier",
                        2019,
                        "Högre än 2018",
                    ),
                    Indicator(
                        "Andel utan arbete eller studier som är inskrivna i program",
                        2019,
                        "Högre än 2018",
                    ),
                ),
            ),
            Goal(
                "Minst tre jobbspår med tillsammans minst 180 platser.",
                (
                    Indicator("Antal jobbspår", 2019, "Minst 3"),
                    Indicator("Antal platser i jobbspåren", 2019, "Minst 180"),
                    Indicator("Andel deltagare ur målgruppen", 2019, "Minst 50 %"),
                ),
            ),
        ),
        "appendices": (
            Appendix(
                1,
                "Lokal modell: kompetensbehov, målgruppens behov, organisering, minst tre "
                "spår och stöd till unga nyanlända utan gymnasieexamen",
            ),
        ),
        "valid_from": date(2019, 2, 1),
        "valid_until": None,
        "notice_months": None,
        "revision": "Årligen",
        "next_revision": date(2020, 1, 31),
    },
    {
        "key": "004-stockholm",
        "title": "Överenskommelse om samverkan mellan Stockholms stad och Arbetsförmedlingen",
        "purpose": (
            "Samverkan ska snabba på etableringen i arbetslivet för dem som behöver stöd från "
            "båda parter, utifrån regionala och lokala rekryteringsbehov, och hjälpa "
            "arbetsgivare som har svårt att rekrytera eller vill bredda sin rekryteringsbas."
        ),
        "parties": (STOCKHOLM, AF),
        "target_groups": (
            AgreementGroup(
                "",
                "Personer som behöver stöd och insatser från både staden och "
                "Arbetsförmedlingen; särskilt fokus på personer med funktionsnedsättning och "
                "långtidsarbetslösa",
            ),
            AgreementGroup(
                "",
                "Arbetsgivare med utmaningar i kompetensförsörjningen som vill rekrytera "
                "personer långt från arbetsmarknaden",
            ),
        ),
        "goals": (
            Goal(
                "Andelen arbetslösa stockholmare som börjar arbeta eller studera reguljärt "
                "ska öka jämfört med året innan.",
                (Indicator("Andel som börjar arbeta eller studera", 2023, "Högre än 2022"),),
            ),
            Goal(
                "Fler arbetsgivare har fått stöd att klara sin kompetensförsörjning.",
                (Indicator("Antal arbetsgivare som fått stöd", 2023, YEARLY_LEVELS),),
            ),
            Goal(
                "Alla som arbetar i samverkan känner till varandras uppdrag och insatser, "
                "överenskommelsen, bilagorna och processbeskrivningarna.",
            ),
        ),
        "appendices": (
            Appendix(1, "Vägledning för samverkan"),
            Appendix(2, "Lathund för kommunikationsingångar"),
            Appendix(3, "Mall för lokala rutiner, inklusive samverkan med försörjningsstöd"),
            Appendix(
                4, "Samverkan kring anställnings- och lönestöd (inkl. OSA, serviceassistenter)"
            ),
            Appendix(5, "Nyanlända (inkl. etablering, utbildningsplikt, intensivår)"),
            Appendix(6, "Samhällsorientering"),
            Appendix(7, "Närings- och kompetensförsörjning (inkl. jobbspår)"),
            Appendix(8, "Ungdomssamverkan (inkl. KAA, UVAS, skolsamverkan)"),
            Appendix(9, "KRAMI"),
            Appendix(10, "Reguljär utbildning"),
            Appendix(11, "Samverkan med externa leverantörer"),
        ),
        "valid_from": date(2023, 1, 1),
        "valid_until": None,
        "notice_months": None,
        "revision": "Årligen eller oftare vid behov",
        "next_revision": None,
    },
)
