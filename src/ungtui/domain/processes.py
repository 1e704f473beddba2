"""Work processes (arbetsprocesser): their state, how one ends, and which ones apply to a
person.

Seed 000 (Malmö, unga 16–29) is the only agreement that says how a work process ends: a
party may end one by telling the operative steering group's other members; where that
party fully controls its part of the process, it must be prepared to keep its commitment
for up to three months if the other party asks. So the continuation is a question of
fact each time (full control, asked, for how long, at most three calendar months:
2026-11-30 + 3 months = 2027-02-28), and it belongs to processes under that agreement
only. Where an agreement says nothing, the process does not end the same day by a rule of
ours: it stands as ended by a party with its last day to be agreed, until it is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from ungtui.domain.ages import age_on
from ungtui.domain.target_groups import (
    DEFAULT_RULES,
    GROUPS,
    AgeRange,
    GroupMatch,
    PersonFacts,
    TargetGroupRules,
    target_groups,
)

# Seed 000: "i upp till tre månader".
COMMITMENT_MONTHS = 3

STATES = {
    "aktiv": "Aktiv",
    "uppsagd": "Uppsagd",
    "avslutad": "Avslutad",
}

SILENT = (
    "Överenskommelsen säger inget om hur en arbetsprocess avslutas eller hur länge "
    "åtagandet gäller"
)

# How much a matching group says about a person: a narrow group (KAA, newcomers,
# utbildningskontrakt) tells more than "young 16–29", so its processes come first.
SPECIFICITY = {
    "kaa": 4,
    "utbildningskontrakt": 4,
    "etablering": 3,
    "nyanland": 3,
    "unga_16_24": 2,
    "unga_16_29": 1,
}


def commitment_until(ended_on: date, months: int = COMMITMENT_MONTHS) -> date:
    """The latest day the ending party can be asked to keep its commitment to."""
    return ended_on + relativedelta(months=months)


class EndingError(ValueError):
    """A reason in Swedish, keyed by the form field it concerns."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        super().__init__(reason)


def last_day(
    ended_on: date,
    months: int | None,
    *,
    full_control: bool | None,
    requested: bool | None,
    until: date | None,
) -> date | None:
    """The last day the process runs after a party ended it on `ended_on`.

    Under an agreement with a commitment rule (`months`): with full control and a request
    from the other party, the day asked for (at most `months` later; by default all of
    them); otherwise the process ends the day it was ended. Under an agreement that says
    nothing (`months` None): the day the parties agreed on, or None while they have not.
    """
    if until is not None and until < ended_on:
        raise EndingError("commitment_until", "Sista dagen kan inte vara före avslutet.")
    if months is None:
        return until
    if full_control is None:
        raise EndingError(
            "full_control", "Ange om parten har full rådighet över sin del av processen."
        )
    if full_control and requested is None:
        raise EndingError("requested", "Ange om den andra parten begär att åtagandet fortsätter.")
    if not (full_control and requested):
        if until is not None and until != ended_on:
            raise EndingError(
                "commitment_until",
                "Utan full rådighet och en begäran från den andra parten upphör åtagandet "
                "samma dag.",
            )
        return ended_on
    limit = commitment_until(ended_on, months)
    if until is not None and until > limit:
        raise EndingError(
            "commitment_until",
            f"Åtagandet gäller högst {months} månader, t.o.m. {limit.isoformat()}.",
        )
    return until or limit


def process_state(ended_on: date | None, last: date | None, on: date) -> str:
    """'aktiv' until a party ends it; 'uppsagd' while its commitment still runs, or while
    no last day is agreed; 'avslutad' after the last day (the same day, when the process
    ended without a commitment)."""
    if ended_on is None or on < ended_on:
        return "aktiv"
    if last is None or (last > ended_on and on <= last):
        return "uppsagd"
    return "avslutad"


def state_text(
    ended_on: date | None, last: date | None, next_review: date | None, on: date
) -> str:
    state = process_state(ended_on, last, on)
    if state == "uppsagd":
        assert ended_on is not None
        if last is None:
            return f"Uppsagd {ended_on.isoformat()}, sista dag inte bestämd"
        return f"Uppsagd, åtagande t.o.m. {last.isoformat()}"
    if state == "avslutad":
        assert ended_on is not None
        return f"Avslutad {(last or ended_on).isoformat()}"
    if next_review is not None and next_review < on:
        return "Aktiv, översyn försenad"
    return "Aktiv"


@dataclass(frozen=True)
class AgreementGroup:
    """A target group as an agreement states it: a code of target_groups.GROUPS (or a
    group of its own, code ''), its label, and its age limits."""

    code: str
    label: str
    min_age: int | None = None
    max_age: int | None = None

    def ages(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return f"{self.min_age}–{self.max_age} år"
        if self.min_age is not None:
            return f"från {self.min_age} år"
        if self.max_age is not None:
            return f"till och med {self.max_age} år"
        return ""


# The groups whose ages an agreement sets. KAA's limits are the law's and the
# establishment programme is a recorded decision, so an agreement's ages for those two
# describe its group without changing who is in it.
_RULE_FIELDS = {
    "unga_16_24": "young_narrow",
    "unga_16_29": "young_wide",
    "utbildningskontrakt": "education_contract",
}


def rules_from_agreement(
    groups: Iterable[AgreementGroup], base: TargetGroupRules = DEFAULT_RULES
) -> TargetGroupRules:
    """The target-group rules as an agreement sets them: its age limits replace the
    defaults for the groups it names (Malmö's young people are 16–29, DUA's 16–24)."""
    changes: dict[str, AgeRange] = {}
    for group in groups:
        field = _RULE_FIELDS.get(group.code)
        if field is None or group.min_age is None or group.max_age is None:
            continue
        changes[field] = AgeRange(group.min_age, group.max_age)
    if not changes:
        return base
    values = {name: getattr(base, name) for name in base.__dataclass_fields__}
    values.update(changes)
    return TargetGroupRules(**values)


@dataclass(frozen=True)
class ProcessTarget:
    """What the applies rule needs to know about one process."""

    id: str
    title: str
    target_groups: tuple[str, ...]
    min_age: int | None
    max_age: int | None
    rules: TargetGroupRules = DEFAULT_RULES


@dataclass(frozen=True)
class Applicable:
    process_id: str
    title: str
    matched: tuple[GroupMatch, ...]
    score: int

    @property
    def reason(self) -> str:
        return "; ".join(f"{m.label}: {m.reason}" for m in self.matched)


def applicable_processes(
    facts: PersonFacts, processes: Iterable[ProcessTarget], on: date
) -> list[Applicable]:
    """Processes whose target groups fit the person on `on`, best first.

    A process fits when one of its groups is one of the person's (counted with the rules of
    the process's agreement) and the person's age is within the process's own limits, if
    it has any. Best first: the most specific matching group, then the most groups
    matched, then the narrowest age limits, then the title.
    """
    age = age_on(facts.birth_date, on) if facts.birth_date else None
    found: list[tuple[tuple, Applicable]] = []
    for process in processes:
        if not process.target_groups:
            continue
        if process.min_age is not None and (age is None or age < process.min_age):
            continue
        if process.max_age is not None and (age is None or age > process.max_age):
            continue
        wanted = set(process.target_groups)
        matched = tuple(m for m in target_groups(facts, on, process.rules) if m.code in wanted)
        if not matched:
            continue
        best = max(SPECIFICITY.get(m.code, 1) for m in matched)
        span = (process.max_age if process.max_age is not None else 99) - (
            process.min_age if process.min_age is not None else 0
        )
        score = best * 10 + len(matched)
        found.append(
            (
                (-best, -len(matched), span, process.title.casefold()),
                Applicable(process.id, process.title, matched, score),
            )
        )
    found.sort(key=lambda pair: pair[0])
    return [applicable for _key, applicable in found]


def known_group(code: str) -> bool:
    return code in GROUPS
