"""The follow-up report (uppföljning): indicators for one period, split by gender and
subgroup, with the period before it and an agreement's goals checked.

report_model holds what a report is, report_sql the SQL it is built from and
report_indicators the queries; this module puts them together.
"""

from __future__ import annotations

from ungtui.domain.periods import Period
from ungtui.domain.report_goals import baseline_year, indicator_key, is_met, parse_target
from ungtui.services import clock
from ungtui.services.agreements import _goals, rules_for
from ungtui.services.errors import NotFound
from ungtui.services.guarantee import guarantee_rule
from ungtui.services.report_indicators import family_of, indicators
from ungtui.services.report_model import (
    ALL,
    GENDER_COLUMNS,
    GENDERS,
    SUBGROUP_CODES,
    Cell,
    GoalResult,
    Indicator,
    Report,
    subgroup_labels,
)
from ungtui.services.report_sql import prepared_connection
from ungtui.store.database import Database
from ungtui.store.models import Agreement

__all__ = [
    "ALL",
    "GENDERS",
    "GENDER_COLUMNS",
    "SUBGROUP_CODES",
    "Cell",
    "GoalResult",
    "Indicator",
    "Report",
    "build_report",
    "subgroup_labels",
    "trend",
]


def _check_goals(conn, agreement: Agreement, report: Report, rules, guarantee) -> list[GoalResult]:
    current = report.by_key()
    results = []
    baselines: dict[Period, dict[str, Indicator]] = {}
    for goal in _goals(agreement.goals):
        for ind in goal.indicators:
            key = indicator_key(ind.indicator)
            target = parse_target(ind.target or "")
            known = key is not None and key in current
            figure = current[key].total() if known else None
            common = dict(
                goal=goal.goal,
                indicator=ind.indicator,
                target=ind.target,
                indicator_key=key if known else None,
                figure=figure,
                kind=current[key].kind if known else "",
            )
            if not known:
                results.append(GoalResult(**common, note="Mäts inte i registret"))
                continue
            if target is None:
                results.append(GoalResult(**common, note="Ingen mätbar målnivå"))
                continue
            if target.year is None:
                results.append(GoalResult(**common, met=is_met(target, figure.value)))
                continue
            year = baseline_year(target.year, ind.year, report.period.start.year)
            other = report.period.in_year(year)
            if other == report.previous_period:
                baselines[other] = dict(report.previous)
            if other not in baselines or key not in baselines[other]:
                found = indicators(
                    conn, other, rules, report.made_on, guarantee, families=(family_of(key),)
                )
                baselines.setdefault(other, {}).update({i.key: i for i in found})
            base = baselines[other][key].total()
            results.append(
                GoalResult(
                    **common,
                    baseline_label=other.label,
                    baseline=base,
                    met=is_met(target, figure.value, base.value),
                )
            )
    return results


def _agreement(db: Database, agreement_id: str | None) -> Agreement | None:
    if agreement_id is None:
        return None
    with db.session() as session:
        agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.deleted_at is not None:
        raise NotFound("Överenskommelsen finns inte längre.")
    return agreement


def build_report(db: Database, period: Period, agreement_id: str | None = None) -> Report:
    """The report for `period` and the one before it; with an agreement, its age limits
    for the subgroups and its goals checked."""
    today = clock.today()
    agreement = _agreement(db, agreement_id)
    rules = rules_for(agreement)
    guarantee = guarantee_rule(db)
    with prepared_connection(db, rules) as conn:
        previous_period = period.previous()
        report = Report(
            period=period,
            indicators=indicators(conn, period, rules, today, guarantee),
            previous_period=previous_period,
            previous={i.key: i for i in indicators(conn, previous_period, rules, today, guarantee)},
            subgroups=subgroup_labels(rules),
            agreement_title=agreement.title if agreement else "",
            made_on=today,
        )
        if agreement is not None:
            report.goals = _check_goals(conn, agreement, report, rules, guarantee)
    return report


def trend(
    db: Database, period: Period, agreement_id: str | None = None, count: int = 6
) -> list[tuple[Period, dict[str, Cell]]]:
    """Every indicator's total in this period and the ones before it, oldest first."""
    rules = rules_for(_agreement(db, agreement_id))
    guarantee = guarantee_rule(db)
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    out = []
    with prepared_connection(db, rules) as conn:
        for p in reversed(periods):
            totals = {
                i.key: i.total() for i in indicators(conn, p, rules, clock.today(), guarantee)
            }
            out.append((p, totals))
    return out
