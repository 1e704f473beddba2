from ungtui.domain.report_goals import (
    Target,
    baseline_year,
    indicator_key,
    is_met,
    parse_target,
)


def test_the_seed_agreements_indicators_find_the_report_figures():
    assert indicator_key("Antal jobbspår") == "jobbspar"
    assert indicator_key("Antal platser i jobbspåren") == "jobbspar_platser"
    assert indicator_key("Andel deltagare ur målgruppen") == "jobbspar_malgrupp_andel"
    assert indicator_key("Andel som börjar arbeta eller studera") == "andel_arbete_studier"
    assert (
        indicator_key("Andel som avslutar etableringen med arbete eller studier")
        == "andel_arbete_studier"
    )
    assert indicator_key("Antal arbetsgivare som fått stöd") is None
    assert indicator_key("Andel utan arbete eller studier som är inskrivna i program") is None


def test_targets_in_words():
    assert parse_target("Minst 3") == Target(">=", number=3)
    assert parse_target("Minst 50 %") == Target(">=", number=50, percent=True)
    assert parse_target("Högst 12,5 %") == Target("<=", number=12.5, percent=True)
    assert parse_target("Högre än 2018") == Target(">", year=2018)
    assert parse_target("Fastställs av den operativa styrgruppen") is None


def test_met_and_not_met():
    assert is_met(Target(">=", number=3), 3) is True
    assert is_met(Target(">=", number=180), 179) is False
    assert is_met(Target(">=", number=50, percent=True), 0.5) is True
    assert is_met(Target(">=", number=50, percent=True), 0.49) is False
    assert is_met(Target(">", year=2022), 0.41, 0.40) is True
    assert is_met(Target(">", year=2022), 0.40, 0.40) is False
    assert is_met(Target(">", year=2022), 0.40, None) is None
    assert is_met(Target(">=", number=3), None) is None


def test_a_goal_written_for_one_year_compares_with_the_year_before_the_report():
    # "2019: higher than 2018", followed up for 2026: higher than 2025.
    assert baseline_year(2018, 2019, 2026) == 2025
    assert baseline_year(2022, None, 2026) == 2022
