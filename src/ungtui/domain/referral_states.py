"""A referral's life: its states, every legal transition, and the state its events give.

draft → sent → received → accepted | declined (reason) → started → finished (outcome);
the sender may withdraw (reason) from any state before an end state. After acceptance
the content is locked; only transitions and notes follow.

How the current state is found when events from two installs meet: the events are the
truth and the state is derived from them, never stored as a field. A stored state field
would merge last-writer-wins, so a withdrawal at the sender and an acceptance made at the
receiver before it learned of the withdrawal would leave whichever was written last, and
the field could disagree with the history shown beside it. Instead each event records the
step it took (how many transitions its author had seen, plus one), and the events are
replayed in (step, time, id) order. The step keeps cause before effect even when the two
machines' clocks disagree; time and id only break ties between concurrent events, the
same on every install. An event that is not legal where it lands (an acceptance after a
concurrent withdrawal) is kept in the history but marked as not applied. Every install
holding the same events therefore shows the same state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

STATES: dict[str, str] = {
    "draft": "Utkast",
    "sent": "Skickad",
    "received": "Mottagen",
    "accepted": "Accepterad",
    "declined": "Avböjd",
    "started": "Påbörjad",
    "finished": "Avslutad",
    "withdrawn": "Återkallad",
}
INITIAL = "draft"
# Waiting for the receiver's answer: these can be overdue.
AWAITING_REPLY = frozenset({"sent", "received"})
# The content may still change; from acceptance on it is what was agreed.
EDITABLE = frozenset({"draft", "sent", "received"})
ENDED = frozenset({"declined", "finished", "withdrawn"})

# How a state reads after "Remissen är …".
_STATE_PHRASE = {
    "draft": "inte skickad än",
    "sent": "skickad men inte mottagen",
    "received": "mottagen men inte besvarad",
    "accepted": "accepterad men inte påbörjad",
    "declined": "avböjd",
    "started": "påbörjad",
    "finished": "avslutad",
    "withdrawn": "återkallad",
}

SENDER = "sender"
RECEIVER = "receiver"
NOTE = "note"


@dataclass(frozen=True)
class Transition:
    action: str
    verb: str  # Swedish infinitive: "det går inte att <verb> remissen"
    label: str  # what the key says
    done: str  # what the history says
    sources: frozenset[str]
    target: str
    side: str  # who takes the step: the sender or the receiver
    requires_reason: bool = False
    requires_outcome: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("send", "skicka", "Skicka", "Skickad", frozenset({"draft"}), "sent", SENDER),
        Transition(
            "receive", "ta emot", "Ta emot", "Mottagen", frozenset({"sent"}), "received", RECEIVER
        ),
        Transition(
            "accept",
            "acceptera",
            "Acceptera",
            "Accepterad",
            frozenset({"received"}),
            "accepted",
            RECEIVER,
        ),
        Transition(
            "decline",
            "avböja",
            "Avböj",
            "Avböjd",
            frozenset({"received"}),
            "declined",
            RECEIVER,
            requires_reason=True,
        ),
        Transition(
            "start", "påbörja", "Påbörja", "Påbörjad", frozenset({"accepted"}), "started", RECEIVER
        ),
        Transition(
            "finish",
            "avsluta",
            "Avsluta",
            "Avslutad",
            frozenset({"started"}),
            "finished",
            RECEIVER,
            requires_outcome=True,
        ),
        Transition(
            "withdraw",
            "återkalla",
            "Återkalla",
            "Återkallad",
            frozenset({"draft", "sent", "received", "accepted", "started"}),
            "withdrawn",
            SENDER,
            requires_reason=True,
        ),
    )
}


class TransitionRefused(ValueError):
    """An illegal step; the message says why in Swedish and what is possible instead."""


def legal_actions(state: str) -> list[str]:
    return [t.action for t in TRANSITIONS.values() if state in t.sources]


def check_transition(state: str, action: str) -> Transition:
    """The transition `action` from `state`, or TransitionRefused saying why not."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(f"Okänd åtgärd för en remiss: {action}.")
    if state in transition.sources:
        return transition
    possible = [TRANSITIONS[a].verb for a in legal_actions(state)]
    if possible:
        hint = " Möjligt nu: " + ", ".join(possible) + "."
    else:
        hint = " Remissen är avslutad; du kan bara lägga till anteckningar."
    raise TransitionRefused(
        f"Remissen är {_STATE_PHRASE.get(state, state)}. Det går inte att "
        f"{transition.verb} den.{hint}"
    )


def missing_fields(transition: Transition, reason: str, outcome: str | None) -> dict[str, str]:
    """The fields a transition requires that are empty: {field: Swedish message}."""
    errors: dict[str, str] = {}
    if transition.requires_reason and not reason.strip():
        why = "avböjs" if transition.action == "decline" else "återkallas"
        errors["reason"] = f"Skriv skälet till att remissen {why}. Det krävs och sparas."
    if transition.requires_outcome and not outcome:
        errors["outcome"] = "Välj utfallet av insatsen."
    return errors


def content_lock_reason(state: str) -> str | None:
    """Why the content may not change any more, or None while it may."""
    if state in EDITABLE:
        return None
    return (
        f"Remissen är {STATES[state].lower()} och innehållet är låst. "
        "Du kan lägga till en anteckning."
    )


def is_overdue(state: str, reply_by: date, today: date) -> bool:
    """Waiting for an answer after the reply-by day (on the day itself it is still in time)."""
    return state in AWAITING_REPLY and reply_by < today


@dataclass(frozen=True)
class EventFacts:
    id: str
    action: str
    step: int
    at: datetime


@dataclass(frozen=True)
class Derived:
    state: str
    applied: tuple[str, ...]  # event ids of the transitions that took effect, in order
    not_applied: tuple[str, ...]  # transitions that were not legal where they landed

    @property
    def next_step(self) -> int:
        return len(self.applied) + 1


def _utc(moment: datetime) -> datetime:
    """A time to order by. Events are written in UTC with its zone and SQLite gives them
    back without one; a comparison of the two kinds would raise, so both are read as
    UTC without a zone."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def derive_state(events: Iterable[EventFacts]) -> Derived:
    """Replay the transitions in (step, time, id) order; notes do not change the state."""
    state = INITIAL
    applied: list[str] = []
    refused: list[str] = []
    transitions = sorted(
        (e for e in events if e.action in TRANSITIONS), key=lambda e: (e.step, _utc(e.at), e.id)
    )
    for event in transitions:
        transition = TRANSITIONS[event.action]
        if state in transition.sources:
            state = transition.target
            applied.append(event.id)
        else:
            refused.append(event.id)
    return Derived(state, tuple(applied), tuple(refused))
