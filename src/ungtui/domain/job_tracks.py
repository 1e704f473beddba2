"""Job tracks (jobbspår): places and who fills them. An agreement's goal for its tracks
(seed 001: at least three tracks with at least 180 places in all, at least half of the
participants from its target group) is its own, counted on its own tracks
(services.way.job_tracks.track_goals)."""

from __future__ import annotations

from dataclasses import dataclass


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
