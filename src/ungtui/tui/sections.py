"""The app's top-level sections, one function key each.

Each section is a Textual mode with its own screen stack, so leaving a half-filled form in
one section to look something up in another loses nothing. A section is listed here only
when it exists: the bar and the keys are built from this list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class Section:
    mode: str
    key: str
    title: str
    make_screen: Callable[[], Screen]


def _individuals() -> Screen:
    from ungtui.tui.screens.individuals import IndividualsScreen

    return IndividualsScreen()


def _referrals() -> Screen:
    from ungtui.tui.screens.referrals import ReferralsScreen

    return ReferralsScreen()


def _processes() -> Screen:
    from ungtui.tui.screens.processes import ProcessesScreen

    return ProcessesScreen()


def _meetings() -> Screen:
    from ungtui.tui.screens.meetings import MeetingsScreen

    return MeetingsScreen()


def _follow_up() -> Screen:
    from ungtui.tui.screens.follow_up import FollowUpScreen

    return FollowUpScreen()


def _sync() -> Screen:
    from ungtui.tui.screens.sync import SyncScreen

    return SyncScreen()


def _audit_log() -> Screen:
    from ungtui.tui.screens.audit_log import AuditLogScreen

    return AuditLogScreen()


SECTIONS: tuple[Section, ...] = (
    Section("deltagare", "f2", "Deltagare", _individuals),
    Section("moten", "f3", "Möten", _meetings),
    Section("remisser", "f4", "Remisser", _referrals),
    Section("processer", "f5", "Processer", _processes),
    Section("uppfoljning", "f6", "Uppföljning", _follow_up),
    Section("synk", "f7", "Synk", _sync),
    Section("logg", "f8", "Logg", _audit_log),
)
HOME = SECTIONS[0].mode
