"""The app's top-level sections, one function key each.

Each section is a Textual mode with its own screen stack, so leaving a half-filled form in
one section to look something up in another loses nothing. A section is listed here only
when it exists: the bar and the keys are built from this list.
"""

from __future__ import annotations

from textual.screen import Screen

from ungtui.tui.widgets.section_bar import Section


def _my_day() -> Screen:
    from ungtui.tui.screens.my_day import MyDayScreen

    return MyDayScreen()


def _individuals() -> Screen:
    from ungtui.tui.screens.people.individuals import IndividualsScreen

    return IndividualsScreen()


def _referrals() -> Screen:
    from ungtui.tui.screens.referrals.referrals import ReferralsScreen

    return ReferralsScreen()


def _processes() -> Screen:
    from ungtui.tui.screens.processes.processes import ProcessesScreen

    return ProcessesScreen()


def _meetings() -> Screen:
    from ungtui.tui.screens.meetings.meetings import MeetingsScreen

    return MeetingsScreen()


def _follow_up() -> Screen:
    from ungtui.tui.screens.followup.follow_up import FollowUpScreen

    return FollowUpScreen()


def _sync() -> Screen:
    from ungtui.tui.screens.sync.sync import SyncScreen

    return SyncScreen()


def _audit_log() -> Screen:
    from ungtui.tui.screens.privacy.audit_log import AuditLogScreen

    return AuditLogScreen()


# Min dag has F10: F1 is help, F2–F8 were the sections before it and F9 screen sharing,
# and F10 reaches the program in the terminals caseworkers use (htop and Midnight
# Commander rely on it). Where a terminal keeps F10 for its menu, Esc from the start of
# any section leads to Min dag as well.
SECTIONS: tuple[Section, ...] = (
    Section("min_dag", "f10", "Min dag", _my_day, "Min dag"),
    Section("deltagare", "f2", "Deltagare", _individuals, "Delt."),
    Section("moten", "f3", "Möten", _meetings, "Möten"),
    Section("remisser", "f4", "Remisser", _referrals, "Rem."),
    Section("processer", "f5", "Processer", _processes, "Proc."),
    Section("uppfoljning", "f6", "Uppföljning", _follow_up, "Uppf."),
    Section("synk", "f7", "Synk", _sync, "Synk"),
    Section("logg", "f8", "Logg", _audit_log, "Logg"),
)
HOME = SECTIONS[0].mode
