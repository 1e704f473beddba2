"""The 90-day guarantee (Ungdomskontraktet, seed 003).

Every young person covered is promised a measure leading to work or studies within 90
days of entry. Coverage is decided by age on the day of entry: the promise made to a
24-year-old stands when they turn 25 before the deadline. The limits are a rule, since
an agreement may cover 16–29 or use another number of days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ungtui.domain.ages import age_on


@dataclass(frozen=True)
class GuaranteeRule:
    min_age: int = 16
    max_age: int = 24  # inclusive
    days: int = 90
    warn_days: int = 14


DEFAULT_GUARANTEE = GuaranteeRule()

STATES: dict[str, str] = {
    "ej_omfattad": "Omfattas inte",
    "uppfylld": "Uppfylld",
    "uppfylld_sent": "Uppfylld efter gränsen",
    "loper": "Löper",
    "nara": "Inom 14 dagar",
    "passerad": "Passerad",
    "avslutad": "Avslutad utan insats",
}


@dataclass(frozen=True)
class GuaranteeStatus:
    state: str
    deadline: date | None
    days_left: int | None  # negative when past

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def open(self) -> bool:
        return self.state in ("loper", "nara", "passerad")


def is_covered(birth_date: date | None, entry_date: date, rule: GuaranteeRule) -> bool:
    if birth_date is None:
        return False
    return rule.min_age <= age_on(birth_date, entry_date) <= rule.max_age


def deadline(entry_date: date, rule: GuaranteeRule = DEFAULT_GUARANTEE) -> date:
    return entry_date + timedelta(days=rule.days)


def guarantee_status(
    *,
    birth_date: date | None,
    entry_date: date,
    first_measure_start: date | None,
    exit_on: date | None,
    today: date,
    rule: GuaranteeRule = DEFAULT_GUARANTEE,
) -> GuaranteeStatus:
    """Where the promise stands on `today`.

    `first_measure_start` is the first start, on or before today, of a measure that leads
    to work or studies; a planned start in the future does not keep the promise yet.
    """
    if not is_covered(birth_date, entry_date, rule):
        return GuaranteeStatus("ej_omfattad", None, None)
    due = deadline(entry_date, rule)
    if first_measure_start is not None and first_measure_start <= today:
        state = "uppfylld" if first_measure_start <= due else "uppfylld_sent"
        return GuaranteeStatus(state, due, None)
    if exit_on is not None:
        return GuaranteeStatus("avslutad", due, None)
    left = (due - today).days
    if left < 0:
        state = "passerad"
    elif left <= rule.warn_days:
        state = "nara"
    else:
        state = "loper"
    return GuaranteeStatus(state, due, left)


def latest_entry_to_watch(today: date, rule: GuaranteeRule = DEFAULT_GUARANTEE) -> date:
    """Entries on or before this day have a deadline within the warning window or past."""
    return today + timedelta(days=rule.warn_days - rule.days)


# --- the rule of each agreement ------------------------------------------------------


@dataclass(frozen=True)
class AgreementGuarantee:
    """An agreement's own guarantee, for people whose case organisation is a party, on
    entry days while the agreement is in force (notice included)."""

    agreement_id: str
    party_ids: frozenset[str]
    in_force_from: date
    in_force_until: date | None  # None: until further notice
    rule: GuaranteeRule

    def applies(self, organisation_id: str | None, entry_date: date) -> bool:
        return (
            organisation_id in self.party_ids
            and self.in_force_from <= entry_date
            and (self.in_force_until is None or entry_date <= self.in_force_until)
        )


@dataclass(frozen=True)
class GuaranteeRules:
    """The install's default rule and the agreements that set their own.

    A way follows the agreement in force on its entry day whose parties include the
    person's case organisation (the promise is made on entry, so a later agreement does
    not change it); the newest such agreement wins; without one the install default holds.
    """

    default: GuaranteeRule = DEFAULT_GUARANTEE
    agreements: tuple[AgreementGuarantee, ...] = ()  # newest first

    def for_way(self, organisation_id: str | None, entry_date: date) -> GuaranteeRule:
        for agreement in self.agreements:
            if agreement.applies(organisation_id, entry_date):
                return agreement.rule
        return self.default


def rule_for(
    rules: GuaranteeRule | GuaranteeRules, organisation_id: str | None, entry_date: date
) -> GuaranteeRule:
    if isinstance(rules, GuaranteeRules):
        return rules.for_way(organisation_id, entry_date)
    return rules
