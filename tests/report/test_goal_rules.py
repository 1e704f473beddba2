"""Goals in the agreements' own words: which indicator each names, what target it sets
and what it is compared with (seeds 000–004)."""

import pytest

from ungtui.domain.report_goals import (
    Baseline,
    Target,
    baseline_of,
    indicator_key,
    is_met,
    parse_target,
    per_municipality,
)


@pytest.mark.parametrize(
    ("words", "key"),
    [
        # 001, goal 2: the agreement's own job tracks.
        ("Antal jobbspår", "jobbspar"),
        ("Antal platser i jobbspåren", "jobbspar_platser"),
        ("Andel deltagare ur målgruppen", "jobbspar_malgrupp_andel"),
        # 001, goal 1: of those leaving establishment, the share to work or studies …
        ("Andel som avslutar etableringen med arbete eller studier", "andel_arbete_studier"),
        # … and of the others, the share in a programme: measurable, not a guess.
        ("Andel utan arbete eller studier som är inskrivna i program", "andel_program_ovriga"),
        (
            "Andel av dem som inte avslutar etableringen med arbete eller studier som är "
            "inskrivna som arbetssökande i program",
            "andel_program_ovriga",
        ),
        # 004, 4: of the unemployed, the share who start work or regular studies.
        (
            "Andelen arbetslösa stockholmare som börjar arbeta eller påbörjar reguljära studier",
            "andel_borjar_arbete_studier",
        ),
        ("Andel som börjar arbeta", "andel_borjar_arbete"),
        ("Andel som påbörjar reguljära studier", "andel_borjar_studier"),
        # 000: the target group starting work or studies.
        ("Andel i målgruppen som börjar arbeta eller studera", "andel_borjar_arbete_studier"),
        # 002, the four GGV goals, as written.
        ("Andel unga (16–19 år) i KAA som saknar aktivitet", "kaa_utan_aktivitet_andel"),
        (
            "Antal inskrivna ungdomar på Arbetsförmedlingen i en givande sysselsättning",
            "inskrivna_af_sysselsattning",
        ),
        ("Antal ungdomar som går ut i arbete eller studier", "borjar_arbete_studier"),
        ("Antal öppet arbetslösa ungdomar inskrivna på AF", "oppet_arbetslosa"),
        (
            "Antalet, på Arbetsförmedlingen inskrivna, ungdomar som är öppet arbetslösa",
            "oppet_arbetslosa",
        ),
        ("Antal inskrivna på Arbetsförmedlingen", "inskrivna_af"),
        # 003: the guarantee.
        ("Andel med insats inom 90 dagar", "garanti"),
        ("Antal nya inskrivna", "inflode"),
        # Not in the register at all.
        ("Antal arbetsgivare som fått stöd", None),
    ],
)
def test_the_agreements_words_name_the_right_indicator(words, key):
    assert indicator_key(words) == key


def test_levels_and_comparisons_in_words():
    assert parse_target("Minst 3") == Target(">=", number=3)
    assert parse_target("Minst 50 %") == Target(">=", number=50, percent=True)
    assert parse_target("Högst 12,5 %") == Target("<=", number=12.5, percent=True)
    # 001: a fixed year, not the year before.
    assert parse_target("Högre än 2018") == Target(">", year=2018)
    # 004: the year before, whatever year it is followed up.
    assert parse_target("Ska öka jämfört med föregående år") == Target(">", previous=True)
    assert parse_target("Fastställs av den operativa styrgruppen") is None


def test_relative_targets_parse():
    # 002: "ska minska med 30 % i varje kommun", "ska minska totalt med 20 %".
    assert parse_target("Minska med 30 % i varje kommun") == Target("<=", change=-0.3)
    assert parse_target("Ska minska totalt med 20 %") == Target("<=", change=-0.2)
    # 002: "20 % fler … per årsbasis": one year against the one before.
    assert parse_target("20 % fler per årsbasis") == Target(">=", change=0.2, previous=True)
    assert parse_target("Öka med 10 %") == Target(">=", change=0.1)
    assert per_municipality("Minska med 30 % i varje kommun")
    assert not per_municipality("Ska minska totalt med 20 %")


def test_the_baseline_as_written_wins_over_the_words():
    assert baseline_of(Target(">", year=2018), "") == Baseline(year=2018)
    assert baseline_of(Target(">", previous=True), "") == Baseline(previous=True)
    assert baseline_of(Target("<=", change=-0.3), "") is None  # the agreement does not say
    assert baseline_of(Target("<=", change=-0.3), "2015") == Baseline(year=2015)
    assert baseline_of(Target(">", year=2018), "föregående period") == Baseline(previous=True)
    assert baseline_of(Target(">=", number=3), "") is None


def test_met_and_not_met():
    assert is_met(Target(">=", number=3), 3) is True
    assert is_met(Target(">=", number=180), 179) is False
    assert is_met(Target(">=", number=50, percent=True), 0.5) is True
    assert is_met(Target(">=", number=50, percent=True), 0.49) is False
    assert is_met(Target(">", year=2022), 0.41, 0.40) is True
    assert is_met(Target(">", year=2022), 0.40, 0.40) is False
    assert is_met(Target(">", year=2022), 0.40, None) is None
    assert is_met(Target(">=", number=3), None) is None
    # 30 % fewer than 0.40 is at most 0.28; 20 % more than 50 is at least 60.
    assert is_met(Target("<=", change=-0.3), 0.28, 0.40) is True
    assert is_met(Target("<=", change=-0.3), 0.29, 0.40) is False
    assert is_met(Target(">=", change=0.2, previous=True), 60, 50) is True
    assert is_met(Target(">=", change=0.2, previous=True), 59, 50) is False
    assert is_met(Target(">=", change=0.2, previous=True), 59, None) is None
