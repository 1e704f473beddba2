"""Every transition from every state, the required fields, the lock, and the replay."""

from datetime import UTC, date, datetime

import pytest

from ungtui.domain.referral_states import (
    STATES,
    TRANSITIONS,
    EventFacts,
    TransitionRefused,
    check_transition,
    content_lock_reason,
    derive_state,
    is_overdue,
    legal_actions,
    missing_fields,
)

# Written out by hand: (from, action) -> to. Everything else is illegal.
LEGAL = {
    ("draft", "send"): "sent",
    ("draft", "withdraw"): "withdrawn",
    ("sent", "receive"): "received",
    ("sent", "withdraw"): "withdrawn",
    ("received", "accept"): "accepted",
    ("received", "decline"): "declined",
    ("received", "withdraw"): "withdrawn",
    ("accepted", "start"): "started",
    ("accepted", "withdraw"): "withdrawn",
    ("started", "finish"): "finished",
    ("started", "withdraw"): "withdrawn",
}
ALL_STATES = [
    *("draft", "sent", "received", "accepted"),
    *("declined", "started", "finished", "withdrawn"),
]
ALL_ACTIONS = ["send", "receive", "accept", "decline", "start", "finish", "withdraw"]


def test_the_lists_are_complete():
    assert sorted(STATES) == sorted(ALL_STATES)
    assert sorted(TRANSITIONS) == sorted(ALL_ACTIONS)


@pytest.mark.parametrize(("state", "action"), sorted(LEGAL))
def test_legal_transitions(state, action):
    assert check_transition(state, action).target == LEGAL[(state, action)]


ILLEGAL = [(s, a) for s in ALL_STATES for a in ALL_ACTIONS if (s, a) not in LEGAL]


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_illegal_transitions_are_refused_with_a_reason(state, action):
    with pytest.raises(TransitionRefused) as refused:
        check_transition(state, action)
    assert "Det går inte att" in str(refused.value)


def test_the_refusal_names_the_state_and_what_is_possible():
    with pytest.raises(TransitionRefused) as refused:
        check_transition("declined", "accept")
    assert str(refused.value) == (
        "Remissen är avböjd. Det går inte att acceptera den. "
        "Remissen är avslutad; du kan bara lägga till anteckningar."
    )
    with pytest.raises(TransitionRefused) as refused:
        check_transition("sent", "accept")
    assert str(refused.value) == (
        "Remissen är skickad men inte mottagen. Det går inte att acceptera den. "
        "Möjligt nu: ta emot, återkalla."
    )


def test_legal_actions_per_state():
    assert legal_actions("received") == ["accept", "decline", "withdraw"]
    assert legal_actions("finished") == []
    assert legal_actions("withdrawn") == []


def test_withdrawal_and_refusal_need_a_reason_and_finishing_an_outcome():
    assert set(missing_fields(TRANSITIONS["decline"], "  ", None)) == {"reason"}
    assert set(missing_fields(TRANSITIONS["withdraw"], "", None)) == {"reason"}
    assert missing_fields(TRANSITIONS["decline"], "Ingen plats i höst", None) == {}
    assert set(missing_fields(TRANSITIONS["finish"], "", None)) == {"outcome"}
    assert missing_fields(TRANSITIONS["finish"], "", "work") == {}
    assert missing_fields(TRANSITIONS["accept"], "", None) == {}


def test_content_is_locked_from_acceptance_on():
    assert content_lock_reason("draft") is None
    assert content_lock_reason("sent") is None
    assert content_lock_reason("received") is None
    for state in ("accepted", "started", "finished", "declined", "withdrawn"):
        assert content_lock_reason(state) is not None
    assert content_lock_reason("accepted") == (
        "Remissen är accepterad och innehållet är låst. Du kan lägga till en anteckning."
    )


def test_overdue_only_while_waiting_and_after_the_day():
    today = date(2026, 11, 24)
    assert is_overdue("sent", date(2026, 11, 23), today)
    assert is_overdue("received", date(2026, 11, 23), today)
    assert not is_overdue("sent", date(2026, 11, 24), today)
    assert not is_overdue("accepted", date(2026, 11, 1), today)
    assert not is_overdue("draft", date(2026, 11, 1), today)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 24, hour, minute, tzinfo=UTC)


def test_replay_follows_steps_even_when_clocks_disagree():
    events = [
        # The receiver's clock is behind: its receipt has an earlier time than the send.
        EventFacts("b", "receive", 2, at(9, 0)),
        EventFacts("a", "send", 1, at(9, 5)),
        EventFacts("n", "note", 0, at(8, 0)),
        EventFacts("c", "accept", 3, at(9, 1)),
    ]
    derived = derive_state(events)
    assert derived.state == "accepted"
    assert derived.applied == ("a", "b", "c")
    assert derived.not_applied == ()
    assert derived.next_step == 4


def test_concurrent_withdrawal_wins_over_a_later_acceptance():
    # Both saw "received" (two transitions); the withdrawal came first in time.
    events = [
        EventFacts("s", "send", 1, at(8)),
        EventFacts("r", "receive", 2, at(9)),
        EventFacts("w", "withdraw", 3, at(10)),
        EventFacts("x", "accept", 3, at(11)),
        EventFacts("y", "start", 4, at(12)),
    ]
    derived = derive_state(events)
    assert derived.state == "withdrawn"
    assert derived.not_applied == ("x", "y")


def test_an_acceptance_first_then_a_concurrent_withdrawal_still_withdraws():
    events = [
        EventFacts("s", "send", 1, at(8)),
        EventFacts("r", "receive", 2, at(9)),
        EventFacts("x", "accept", 3, at(10)),
        EventFacts("w", "withdraw", 3, at(11)),
    ]
    assert derive_state(events).state == "withdrawn"
    assert derive_state(reversed(events)).state == "withdrawn"


def test_no_events_is_a_draft():
    assert derive_state([]).state == "draft"


def test_times_read_back_without_a_zone_order_with_those_written_with_one():
    # A withdrawal just written (UTC, with its zone) and an acceptance read back from the
    # database (SQLite drops the zone) at the same step: 10:00 UTC comes before 10:30.
    events = [
        EventFacts("s", "send", 1, at(8)),
        EventFacts("r", "receive", 2, at(9)),
        EventFacts("w", "withdraw", 3, datetime(2026, 11, 24, 10, 0, tzinfo=UTC)),
        EventFacts("x", "accept", 3, datetime(2026, 11, 24, 10, 30)),
    ]
    derived = derive_state(events)
    assert derived.applied == ("s", "r", "w")
    assert derived.not_applied == ("x",)
    # The other way round in time, so the order is really read from the clock.
    later = [*events[:2], EventFacts("w", "withdraw", 3, at(11)), events[3]]
    assert derive_state(later).applied == ("s", "r", "x", "w")
