"""A list Min dag opens for one caseworker's people, where v shows the whole register and
v again the caseworker's own. Each list keeps its own keys (their order is the footer's)
and says how it loads a page and names itself."""

from __future__ import annotations

from ungtui.tui.screens.base import UngScreen


class MineOrAllScreen(UngScreen[None]):
    def __init__(self, staff_id: str | None = None) -> None:
        """With a staff id, that caseworker's people: the list Min dag counted."""
        super().__init__()
        self._staff_id = staff_id
        self._mine = staff_id is not None
        self._loaded = 0

    @property
    def shown_staff_id(self) -> str | None:
        """Whose people the list shows now: None for the whole register."""
        return self._staff_id if self._mine else None

    def _load(self, offset: int, count: bool) -> object:
        """Load a page from `offset` (in a worker); with `count`, the totals too."""
        raise NotImplementedError

    def _show_title(self) -> None:
        raise NotImplementedError

    def action_show_mine(self, mine: bool) -> None:
        self._mine = mine
        self._show_title()
        self._loaded = 0
        self._load(0, True)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_mine":
            # Opened for one caseworker (Min dag): both ways, the other one offered.
            return self._staff_id is not None and parameters[0] != self._mine
        return True
