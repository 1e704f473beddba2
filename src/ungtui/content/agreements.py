"""The five agreements of the seeds, told in our own words: Malmö's for young people
16–29 (000) and for newcomers (001), the DUA agreement of Värnamo, Gislaved and Gnosjö
(002, its appendix 3), Västerås' Ungdomskontraktet (003, its appendix 3) and Stockholm's
(004).

Parties are named as organisations (name, org.nr, kind); the loader finds them by
org.nr or name, or adds them. Goals keep the target levels and comparisons the
agreements state, in their words; where an agreement leaves the levels to the operative
steering group, or does not say what a change counts from, the text says so. A date,
notice period or rule the agreement does not state is left empty, and the app says so.
"""

from __future__ import annotations

from datetime import date

from ungtui.domain.agreements import Appendix, Goal, Indicator
from ungtui.domain.processes import AgreementGroup

MALMO = ("Malmö stad", "212000-1124", "kommun")
STOCKHOLM = ("Stockholms stad", "212000-0142", "kommun")
AF = ("Arbetsförmedlingen", "202100-2114", "af")
# The seeds give no organisation numbers for the first three, so none are made up here;
# Västerås stad's is public and well attested.
VARNAMO = ("Värnamo kommun", None, "kommun")
GNOSJO = ("Gnosjö kommun", None, "kommun")
GISLAVED = ("Gislaveds kommun", None, "kommun")
VASTERAS = ("Västerås stad", "212000-2080", "kommun")

# Organisations the work processes of seeds 002–004 name besides the parties above. The
# seeds give no organisation numbers for them. Västerås stad's (212000-2080) and
# Försäkringskassan's are public and well attested; for the others none is made up here:
# they keep an id derived from their name, show that the number is missing, and become
# one with the record of their number when a user gives it (Synk, Dubbletter).
OTHER_ORGANISATIONS = (
    VARNAMO,
    GNOSJO,
    GISLAVED,
    VASTERAS,
    ("Försäkringskassan", "202100-5521", "fk"),
    ("Samordningsförbundet Stockholms stad", None, "annan"),
)

YEARLY_LEVELS = "Fastställs av den operativa styrgruppen inför varje verksamhetsår"

GGV_TITLE = (
    "Lokal överenskommelse om samverkan för unga 16–24 år i Värnamo, Gislaved och Gnosjö "
    "(DUA), bilaga 3: Verksamhet som ska bedrivas i samverkan"
)
VASTERAS_TITLE = (
    "Ungdomskontraktet – överenskommelse mellan Västerås stad och Arbetsförmedlingen, "
    "bilaga 3: Verksamhet i samverkan"
)

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
        # "Arbetsprocesserna runt individerna": up to three months, if the ending party
        # fully controls its part and the other party asks.
        "process_commitment_months": 3,
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
                    # "en högre andel än 2018": the year 2018 itself, whenever followed up.
                    Indicator(
                        "Andel som avslutar etableringen med arbete eller studier",
                        2019,
                        "Högre än 2018",
                        "2018",
                    ),
                    Indicator(
                        "Andel av dem som inte avslutar etableringen med arbete eller studier "
                        "som är inskrivna som arbetssökande i program",
                        2019,
                        "Högre än 2018",
                        "2018",
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
        "key": "002-ggv-unga",
        "title": GGV_TITLE,
        "purpose": (
            "Att genom samverkan, utifrån lokala behov, långsiktigt och varaktigt minska ungas "
            "arbetslöshet."
        ),
        "parties": (AF, VARNAMO, GISLAVED, GNOSJO),
        "target_groups": (
            AgreementGroup("unga_16_24", "Unga som står utanför arbetsmarknaden", 16, 24),
            AgreementGroup("kaa", "KAA (kommunala aktivitetsansvaret), med avbruten skolgång"),
            AgreementGroup(
                "utbildningskontrakt", "Utbildningskontrakt, utan gymnasieexamen", 20, 24
            ),
            AgreementGroup("", "Traineejobb, med gymnasieexamen", 20, 24),
            AgreementGroup("", "Nyanlända ungdomar i språkintroduktion", 16, 19),
        ),
        "goals": (
            # "Nedan presenteras de fyra gemensamma målen för 2016–2018." The appendix
            # does not say what the first and the fourth decrease counts from.
            Goal(
                "Andel unga (16–19 år) i KAA som saknar aktivitet ska minska med 30 % i varje "
                "kommun.",
                (
                    Indicator(
                        "Andel unga (16–19 år) i KAA som saknar aktivitet",
                        None,
                        "Minska med 30 % i varje kommun",
                    ),
                ),
            ),
            Goal(
                "Av det antal inskrivna ungdomar på Arbetsförmedlingen ska 20 % fler vara i en "
                "givande sysselsättning utifrån individens behov för att närma sig arbete eller "
                "studier per årsbasis.",
                (
                    Indicator(
                        "Antal inskrivna ungdomar på Arbetsförmedlingen i en givande "
                        "sysselsättning",
                        None,
                        "20 % fler per årsbasis",
                        "föregående period",
                    ),
                ),
            ),
            Goal(
                "20 % fler ungdomar ska gå ut i arbete eller studier per årsbasis.",
                (
                    Indicator(
                        "Antal ungdomar som går ut i arbete eller studier",
                        None,
                        "20 % fler per årsbasis",
                        "föregående period",
                    ),
                ),
            ),
            Goal(
                "Antalet, på Arbetsförmedlingen inskrivna, ungdomar som är öppet arbetslösa ska "
                "minska totalt med 20 %.",
                (
                    Indicator(
                        "Antal öppet arbetslösa ungdomar inskrivna på Arbetsförmedlingen",
                        None,
                        "Minska totalt med 20 %",
                    ),
                ),
            ),
        ),
        "appendices": (
            Appendix(1, "Kartläggning av målgruppen"),
            Appendix(2, "Redovisning av befintlig verksamhet"),
            Appendix(3, "Verksamhet som ska bedrivas i samverkan"),
            Appendix(4, "Bristyrken i Värnamo"),
            Appendix(5, "Bristyrken i Gislaved"),
            Appendix(6, "Bristyrken i Gnosjö"),
        ),
        "valid_from": None,
        "valid_until": None,
        "notice_months": None,
        "revision": "Målen sätts för två år i taget och följs upp vid revidering; bilagan "
        "reviderades i maj 2016",
        "next_revision": None,
    },
    {
        "key": "003-vasteras-ungdomskontraktet",
        "title": VASTERAS_TITLE,
        "purpose": (
            "Alla ungdomsinsatser ska leda mot arbete eller studier med målet egen försörjning "
            "och ha en tydlig koppling till arbetsmarknadens behov, för att trygga "
            "kompetensförsörjningen i Västerås."
        ),
        "parties": (VASTERAS, AF),
        "target_groups": (AgreementGroup("unga_16_24", "Ungdomar i Västerås", 16, 24),),
        "goals": (
            Goal(
                "I Västerås är du som ungdom (16–24 år) garanterad en insats som leder mot "
                "arbete eller studier inom 90 dagar.",
                (Indicator("Andel med insats inom 90 dagar", None, "Alla: minst 100 %"),),
            ),
        ),
        "appendices": (
            Appendix(1, "Kartläggning av målgruppen"),
            Appendix(3, "Verksamhet i samverkan"),
        ),
        "valid_from": None,
        "valid_until": None,
        "notice_months": None,
        "revision": "",
        "next_revision": None,
        # "Ungdomskontraktet": 16–24, a measure leading to work or studies within 90 days,
        # from the day the young person accepts ("tackar ja").
        "guarantee": (16, 24, 90, "arbete_studier"),
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
                "Andelen arbetslösa stockholmare som börjar arbeta eller påbörjar reguljära "
                "studier ska öka jämfört med föregående år.",
                (
                    Indicator(
                        "Andelen arbetslösa stockholmare som börjar arbeta eller påbörjar "
                        "reguljära studier",
                        None,
                        "Ska öka jämfört med föregående år",
                        "föregående period",
                    ),
                    # 7.1: "andel som börjar arbeta respektive studera".
                    Indicator(
                        "Andel arbetslösa som börjar arbeta",
                        None,
                        "Följs upp var för sig (avsnitt 7.1); ingen egen målnivå",
                    ),
                    Indicator(
                        "Andel arbetslösa som påbörjar reguljära studier",
                        None,
                        "Följs upp var för sig (avsnitt 7.1); ingen egen målnivå",
                    ),
                ),
            ),
            Goal(
                "Fler arbetsgivare har fått stöd att klara sin kompetensförsörjning.",
                (Indicator("Antal arbetsgivare som fått stöd", None, YEARLY_LEVELS),),
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
