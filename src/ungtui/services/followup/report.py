"""The follow-up report (uppföljning): indicators for one period, split by gender and
subgroup, with the period before it and an agreement's goals checked.

Without an agreement the report covers the whole register. With one, it covers the
agreement's population (report_model.Scope): its age limits, its target groups among the
people whose case one of its parties holds, split by its municipalities when it has more
than one, and its goals measured on that population. report_model holds what a report
is, report_sql the SQL it is built from and report_indicators the queries; this module
puts them together.
"""

from __future__ import annotations

from sqlmodel import col, select

from ungtui.domain.periods import Period
from ungtui.domain.report_goals import (
    baseline_of,
    indicator_key,
    is_met,
    parse_target,
    per_municipality,
)
from ungtui.domain.target_groups import GROUPS
from ungtui.domain.text import fold
from ungtui.services import clock
from ungtui.services.errors import NotFound
from ungtui.services.followup.report_indicators import family_of, indicators, indicators_over
from ungtui.services.followup.report_model import (
    ALL,
    GENDER_COLUMNS,
    GENDERS,
    SUBGROUP_CODES,
    Cell,
    GoalResult,
    Indicator,
    Municipality,
    Report,
    Scope,
    municipality_code,
    split_municipalities,
    subgroup_labels,
)
from ungtui.services.followup.report_sql import prepared_connection
from ungtui.services.people.municipalities import municipality_names, recorded_municipalities
from ungtui.services.processes.agreements import _goals, _groups, rules_for, split_ids
from ungtui.services.way.guarantee_rules import (
    agreement_guarantee,
    guarantee_rules,
    party_kommuner,
)
from ungtui.store.database import Database
from ungtui.store.models import Agreement, Organisation

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

NOT_MEASURED = "Mäts inte i registret"
NO_LEVEL = "Ingen mätbar målnivå"
NO_BASELINE = "Överenskommelsen anger inte vad förändringen räknas från"
NO_GUARANTEE = "Överenskommelsen har ingen garanti om insats inom viss tid"
AF_FIGURES = ("inskrivna_af", "inskrivna_af_sysselsattning", "oppet_arbetslosa")


def _scope(db: Database, agreement: Agreement) -> Scope:
    parties = tuple(split_ids(agreement.parties))
    groups = _groups(agreement.target_groups)
    with db.session() as session:
        kommuner = party_kommuner(session, parties)
        recorded = recorded_municipalities(session) if kommuner else set()
    municipalities = tuple(
        Municipality(o.id, o.name, municipality_names(o.name, recorded))
        for o in sorted(kommuner, key=lambda o: fold(o.name))
    )
    return Scope(
        agreement_id=agreement.id,
        title=agreement.title,
        party_ids=parties,
        groups=tuple(dict.fromkeys(g.code for g in groups if g.code in GROUPS)),
        unmeasured=tuple(g.label for g in groups if g.code not in GROUPS),
        municipalities=municipalities,
        guarantee=agreement_guarantee(
            agreement, frozenset(n for m in municipalities for n in m.names)
        ),
    )


def _listed(items: list[str], last: str) -> str:
    """"a, b och c" / "a, b eller c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _notes(db: Database, scope: Scope | None, guarantees) -> list[str]:
    notes = []
    if scope is not None:
        with db.session() as session:
            names = {
                o.id: o.name
                for o in session.exec(
                    select(Organisation).where(col(Organisation.id).in_(scope.party_ids))
                ).all()
            }
        held = _listed([names.get(p, "okänd part") for p in scope.party_ids], "eller")
        groups = [GROUPS[c] for c in scope.groups]
        line = "Underlag: " + (
            f"målgrupperna {_listed(groups, 'och')}"
            if len(groups) > 1
            else f"målgruppen {groups[0]}"
            if groups
            else "alla"
        )
        line += f", med ärende hos {held}"
        if scope.municipalities:
            line += (
                ", folkbokförda i "
                + _listed([m.label for m in scope.municipalities], "eller")
                + " (eller i okänd kommun)"
            )
        notes.append(line + ".")
        if scope.unmeasured:
            quoted = [f"”{label}”" for label in scope.unmeasured]
            notes.append(
                f"Målgrupperna {_listed(quoted, 'och')} anges utan en regel registret kan "
                "pröva; de räknas inte för sig."
                if len(quoted) > 1
                else f"Målgruppen {quoted[0]} anges utan en regel registret kan pröva; den "
                "räknas inte för sig."
            )
        if scope.guarantee is None:
            notes.append(NO_GUARANTEE + ".")
    elif not guarantees:
        notes.append(
            "Ingen överenskommelse här har en garanti om insats inom viss tid; en sådan "
            "andel visas inte."
        )
    return notes


class _Baselines:
    """Indicators of other periods, worked out once each, on the report's population."""

    def __init__(self, conn, report: Report, rules, guarantees, scope) -> None:
        self.conn, self.report, self.rules = conn, report, rules
        self.guarantees, self.scope = guarantees, scope
        self.found: dict[Period, dict[str, Indicator]] = {
            report.previous_period: dict(report.previous)
        }

    def get(self, period: Period, key: str) -> Indicator | None:
        known = self.found.setdefault(period, {})
        if key not in known:
            for i in indicators(
                self.conn,
                period,
                self.rules,
                self.report.made_on,
                self.guarantees,
                families=(family_of(key),),
                scope=self.scope,
            ):
                known.setdefault(i.key, i)
        return known.get(key)


def _population(current: dict[str, Indicator], ind: Indicator, subgroup: str) -> tuple:
    """How many people a goal's figure is about, and what they are."""
    cell = ind.cells.get((subgroup, ALL))
    if ind.kind in ("andel", "median"):
        return (cell.people if cell else 0), "personer i underlaget"
    if ind.kind == "tal":
        tracks = current.get("jobbspar")
        return int(tracks.total().value or 0) if tracks else 0, "jobbspår i överenskommelsen"
    people = current.get("personer")
    if people is not None:
        found = people.cells.get((subgroup, ALL))
        return int(found.value or 0) if found else 0, "personer i målgruppen"
    return (cell.people if cell else 0), "personer"


def _check_goals(baselines: _Baselines, agreement: Agreement, report: Report) -> list[GoalResult]:
    current = report.by_key()
    scope = report.scope
    results = []
    for goal in _goals(agreement.goals):
        for ind in goal.indicators:
            key = indicator_key(ind.indicator)
            target = parse_target(ind.target or "")
            known = key is not None and key in current
            places = [("totalt", "")]
            if per_municipality(f"{goal.goal} {ind.target}") and split_municipalities(scope):
                places = [
                    (municipality_code(m.organisation_id), m.label)
                    for m in split_municipalities(scope)
                ]
            for subgroup, where in places:
                figure = current[key].cells.get((subgroup, ALL)) if known else None
                if known and figure is None:
                    figure = Cell(0 if current[key].kind == "antal" else None, 0)
                common = dict(
                    goal=goal.goal,
                    indicator=ind.indicator,
                    target=ind.target,
                    indicator_key=key if known else None,
                    figure=figure,
                    kind=current[key].kind if known else "",
                    subgroup=subgroup,
                    where=where,
                )
                if not known:
                    note = {"garanti": NO_GUARANTEE}.get(key or "", NOT_MEASURED)
                    if key in AF_FIGURES:
                        note = "Ingen status hos Arbetsförmedlingen är registrerad"
                    results.append(GoalResult(**common, note=note))
                    continue
                population, label = _population(current, current[key], subgroup)
                common.update(population=population, population_label=label)
                if target is None:
                    results.append(GoalResult(**common, note=NO_LEVEL))
                    continue
                if not target.compares:
                    results.append(GoalResult(**common, met=is_met(target, figure.value)))
                    continue
                baseline = baseline_of(target, ind.baseline)
                if baseline is None:
                    results.append(GoalResult(**common, note=NO_BASELINE))
                    continue
                other = (
                    report.previous_period
                    if baseline.previous
                    else report.period.in_year(baseline.year)
                )
                found = baselines.get(other, key)
                base = found.cells.get((subgroup, ALL)) if found else None
                if base is None:
                    base = Cell(0 if current[key].kind == "antal" else None, 0)
                label = other.label
                if baseline.previous:
                    label = f"föregående period ({other.label})"
                results.append(
                    GoalResult(
                        **common,
                        baseline_label=label,
                        baseline_period=other.label,
                        baseline=base,
                        met=is_met(target, figure.value, base.value),
                    )
                )
    return results


def _nesting(rules) -> tuple[tuple[str, str], ...]:
    narrow, wide = rules.young_narrow, rules.young_wide
    if wide.min_age <= narrow.min_age and narrow.max_age <= wide.max_age:
        return (("unga_16_29", "unga_16_24"),)
    return ()


def _agreement(db: Database, agreement_id: str | None) -> Agreement | None:
    if agreement_id is None:
        return None
    with db.session() as session:
        agreement = session.get(Agreement, agreement_id)
    if agreement is None or agreement.deleted_at is not None:
        raise NotFound("Överenskommelsen finns inte längre.")
    return agreement


def _guarantees(db: Database, scope: Scope | None):
    if scope is not None:
        return (scope.guarantee,) if scope.guarantee else ()
    return guarantee_rules(db).agreements


def build_report(db: Database, period: Period, agreement_id: str | None = None) -> Report:
    """The report for `period` and the one before it; with an agreement, on its
    population with its age limits, and its goals checked."""
    today = clock.today()
    agreement = _agreement(db, agreement_id)
    rules = rules_for(agreement)
    scope = _scope(db, agreement) if agreement is not None else None
    guarantees = _guarantees(db, scope)
    with prepared_connection(db, rules) as conn:
        previous_period = period.previous()
        now, before = indicators_over(
            conn, [period, previous_period], rules, today, guarantees, scope=scope
        )
        report = Report(
            period=period,
            indicators=now,
            previous_period=previous_period,
            previous={i.key: i for i in before},
            subgroups=subgroup_labels(rules, scope),
            agreement_title=agreement.title if agreement else "",
            made_on=today,
            scope=scope,
            notes=_notes(db, scope, guarantees),
            nesting=_nesting(rules),
        )
        if agreement is not None:
            baselines = _Baselines(conn, report, rules, guarantees, scope)
            report.goals = _check_goals(baselines, agreement, report)
            report.baseline_indicators = {
                p.label: list(found.values())
                for p, found in baselines.found.items()
                if p != report.previous_period
            }
    return report


def trend(
    db: Database, period: Period, agreement_id: str | None = None, count: int = 6
) -> list[tuple[Period, dict[str, Cell]]]:
    """Every indicator's total in this period and the ones before it, oldest first."""
    agreement = _agreement(db, agreement_id)
    rules = rules_for(agreement)
    scope = _scope(db, agreement) if agreement is not None else None
    guarantees = _guarantees(db, scope)
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    periods.reverse()
    with prepared_connection(db, rules) as conn:
        found = indicators_over(conn, periods, rules, clock.today(), guarantees, scope=scope)
    return [(p, {i.key: i.total() for i in one}) for p, one in zip(periods, found, strict=True)]
