"""An agreement's guarantee of a measure within a number of days (Ungdomskontraktet,
seed 003: "i Västerås är du som ungdom (16–24 år) garanterad en insats som leder mot
arbete eller studier inom 90 dagar").

A guarantee is a rule of an agreement, never of an install: it holds for people whose
case organisation is a party, and it runs from the day the person joins the agreement's
offer ("När ungdomen tackar ja till att delta …"), which is a day of its own, not the
first contact. Coverage is decided by age on that day: the promise made to a 24-year-old
stands when they turn 25 before the deadline. Where no agreement holds one, there is no
guarantee to show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ungtui.domain.ages import age_on

# What keeps the promise: seed 003 promises "en insats som leder mot arbete eller
# studier"; the measure catalogue marks which measures do.
COUNTS: dict[str, str] = {
    "arbete_studier": "en insats som leder mot arbete eller studier",
    "alla": "vilken insats som helst",
}


@dataclass(frozen=True)
class GuaranteeRule:
    min_age: int
    max_age: int  # inclusive
    days: int
    counts: str = "arbete_studier"
    warn_days: int = 14

    def text(self) -> str:
        what = COUNTS.get(self.counts, COUNTS["arbete_studier"])
        return (
            f"{self.min_age}–{self.max_age} år den dag personen tackar ja; {what} "
            f"inom {self.days} dagar"
        )


STATES: dict[str, str] = {
    "ingen": "Ingen garanti",
    "ej_ansluten": "Har inte tackat ja",
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
    agreement: str = ""  # the title of the agreement whose guarantee it is

    @property
    def label(self) -> str:
        return STATES[self.state]

    @property
    def open(self) -> bool:
        return self.state in ("loper", "nara", "passerad")


NO_GUARANTEE = GuaranteeStatus("ingen", None, None)


def is_covered(birth_date: date | None, joined_on: date, rule: GuaranteeRule) -> bool:
    if birth_date is None:
        return False
    return rule.min_age <= age_on(birth_date, joined_on) <= rule.max_age


def deadline(joined_on: date, rule: GuaranteeRule) -> date:
    return joined_on + timedelta(days=rule.days)


def guarantee_status(
    *,
    birth_date: date | None,
    joined_on: date | None,
    first_measure_start: date | None,
    exit_on: date | None,
    today: date,
    rule: GuaranteeRule | None,
    agreement: str = "",
) -> GuaranteeStatus:
    """Where the promise stands on `today`.

    `first_measure_start` is the first start, on or before today, of a measure that counts
    under the rule; a planned start in the future does not keep the promise yet.
    """
    if rule is None:
        return NO_GUARANTEE
    if joined_on is None:
        return GuaranteeStatus("ej_ansluten", None, None, agreement)
    if not is_covered(birth_date, joined_on, rule):
        return GuaranteeStatus("ej_omfattad", None, None, agreement)
    due = deadline(joined_on, rule)
    if first_measure_start is not None and first_measure_start <= today:
        state = "uppfylld" if first_measure_start <= due else "uppfylld_sent"
        return GuaranteeStatus(state, due, None, agreement)
    if exit_on is not None:
        return GuaranteeStatus("avslutad", due, None, agreement)
    left = (due - today).days
    if left < 0:
        state = "passerad"
    elif left <= rule.warn_days:
        state = "nara"
    else:
        state = "loper"
    return GuaranteeStatus(state, due, left, agreement)


def latest_join_to_watch(today: date, rule: GuaranteeRule) -> date:
    """Joins on or before this day have a deadline within the warning window or past."""
    return today + timedelta(days=rule.warn_days - rule.days)


# --- the rule of each agreement ------------------------------------------------------


@dataclass(frozen=True)
class AgreementGuarantee:
    """An agreement's own guarantee, for people whose case organisation is a party, who
    join while the agreement is in force (notice included)."""

    agreement_id: str
    party_ids: frozenset[str]
    in_force_from: date | None  # None: the agreement does not say
    in_force_until: date | None  # None: until further notice
    rule: GuaranteeRule
    title: str = ""
    # The names of the municipalities among its parties ("i Västerås är du som
    # ungdom …"): someone registered elsewhere is not covered; someone whose municipality
    # is not recorded cannot be told apart, and is. Empty: no municipality is a party.
    municipalities: frozenset[str] = frozenset()

    def applies(self, organisation_id: str | None, on: date, municipality: str = "") -> bool:
        return (
            organisation_id in self.party_ids
            and (self.in_force_from is None or self.in_force_from <= on)
            and (self.in_force_until is None or on <= self.in_force_until)
            and (not municipality or not self.municipalities or municipality in self.municipalities)
        )


@dataclass(frozen=True)
class GuaranteeRules:
    """The agreements that hold a guarantee.

    A way follows the agreement in force on the day the person joined whose parties
    include the person's case organisation (the promise is made then, so a later agreement
    does not change it); the newest such agreement wins; without one there is none.
    """

    agreements: tuple[AgreementGuarantee, ...] = ()  # newest first

    def for_way(
        self, organisation_id: str | None, on: date, municipality: str = ""
    ) -> AgreementGuarantee | None:
        for agreement in self.agreements:
            if agreement.applies(organisation_id, on, municipality):
                return agreement
        return None
