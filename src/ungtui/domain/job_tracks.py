"""Job tracks (jobbspår): places, who fills them, and the goal of seed 001 — at least
three tracks with at least 180 places in all, at least half of the participants from
the agreement's target group."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TrackGoal:
    min_tracks: int = 3
    min_places: int = 180
    min_target_share: float = 0.5


DEFAULT_TRACK_GOAL = TrackGoal()


@dataclass(frozen=True)
class TrackFigures:
    places: int
    participants: int
    in_target_group: int

    @property
    def filled(self) -> int:
        return min(self.participants, self.places)

    @property
    def target_share(self) -> float | None:
        if not self.participants:
            return None
        return self.in_target_group / self.participants


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)} %"


@dataclass(frozen=True)
class GoalCheck:
    label: str
    value: str
    met: bool


def check_goal(
    tracks: Iterable[TrackFigures], goal: TrackGoal = DEFAULT_TRACK_GOAL
) -> list[GoalCheck]:
    tracks = list(tracks)
    places = sum(t.places for t in tracks)
    participants = sum(t.participants for t in tracks)
    in_target = sum(t.in_target_group for t in tracks)
    share = in_target / participants if participants else None
    return [
        GoalCheck(
            f"Minst {goal.min_tracks} jobbspår", str(len(tracks)), len(tracks) >= goal.min_tracks
        ),
        GoalCheck(f"Minst {goal.min_places} platser", str(places), places >= goal.min_places),
        GoalCheck(
            f"Minst {percent(goal.min_target_share)} av deltagarna ur målgruppen",
            percent(share),
            share is not None and share >= goal.min_target_share,
        ),
    ]
