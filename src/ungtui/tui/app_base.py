"""What screens may ask of the app, typed; `UngApp` (tui.app) fills it in.

Screens reach the app through this class, never through tui.app: the app imports the
screens (its sections, its navigation), so a screen importing the app would close a
cycle. Opening another kind of record goes through `open_person`, `open_process`,
`open_agreement` and `open_referral` for the same reason: screens do not import each
other to show a detail view.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App
from textual.reactive import reactive

from ungtui.services.start import CurrentUser, PrivacySettings
from ungtui.store.database import Database
from ungtui.tui.widgets.section_bar import Section


class UngAppBase(App[None]):
    db: Database
    user: CurrentUser | None
    privacy: PrivacySettings
    locked: bool
    SECTIONS: Sequence[Section] = ()

    # Screens that show people watch this and redraw names as initials, numbers masked.
    screen_share: reactive[bool] = reactive(False)

    @property
    def actor_id(self) -> str | None:
        """Who the audit log names for what this user does."""
        return self.user.staff_id if self.user else None

    def open_person(self, individual_id: str) -> None:
        raise NotImplementedError

    def open_process(self, process_id: str) -> None:
        raise NotImplementedError

    def open_agreement(self, agreement_id: str) -> None:
        raise NotImplementedError

    def open_referral(self, referral_id: str) -> None:
        raise NotImplementedError

    def action_new_individual(self) -> None:
        raise NotImplementedError

    def back_to_home(self) -> None:
        raise NotImplementedError

    def back_to_section_start(self) -> None:
        raise NotImplementedError

    def open_section_start(self, mode: str) -> None:
        raise NotImplementedError

    def action_section(self, mode: str) -> None:
        raise NotImplementedError
