"""What every screen shares."""

from __future__ import annotations

import sqlite3
import sys

from textual import events, getters
from textual._context import active_app
from textual.geometry import Size
from textual.screen import ModalScreen, Screen, ScreenResultType
from textual.worker import Worker, WorkerState

from ungtui.services.errors import ServiceError, explain_database_error
from ungtui.tui.app_base import UngAppBase


def failure_message(error: BaseException | None) -> str:
    if isinstance(error, ServiceError):
        return str(error)
    # Looked up, not imported: the start screen is up before SQLAlchemy is, and an error
    # of SQLAlchemy's can only come once it is.
    sqlalchemy_exc = sys.modules.get("sqlalchemy.exc")
    if isinstance(error, sqlite3.Error) or (
        sqlalchemy_exc is not None and isinstance(error, sqlalchemy_exc.SQLAlchemyError)
    ):
        return explain_database_error(error)
    return "Något gick fel. Inget sparades. Försök igen."


class ReportsWorkerErrors:
    """Workers run with exit_on_error=False, so a failure would pass in silence.

    Worker state messages do not bubble, so each screen reports its own workers' failures.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.notify(  # type: ignore[attr-defined]
                failure_message(event.worker.error), title="Fel", severity="error", timeout=10
            )


class UngScreen(ReportsWorkerErrors, Screen[ScreenResultType]):
    """A screen of the app: `self.app` typed as ungtui's app (its database, its user, its
    navigation), and who acts."""

    app = getters.app(UngAppBase)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # What the screen's styles were worked out for when it was last on top; None:
        # styled as it was mounted, not yet shown.
        self._styled_for: tuple | None = None
        # The breakpoint classes (-narrow, -short, …) Textual gives a screen on its first
        # resize, given now: set after mounting they made every new screen style all its
        # widgets a second time.
        try:
            app = active_app.get()
        except LookupError:
            return  # made outside a running app: the first resize sets them
        width, height = app.size
        across = self.HORIZONTAL_BREAKPOINTS or app.HORIZONTAL_BREAKPOINTS or []
        down = self.VERTICAL_BREAKPOINTS or app.VERTICAL_BREAKPOINTS or []
        self.add_class(
            *self._get_breakpoint_classes(width, across),
            *self._get_breakpoint_classes(height, down),
            update=False,
        )
        # Textual marks a new screen as styled by no stylesheet yet, and the first visit
        # to each section then read all the CSS again and restyled every screen of every
        # section. A new screen's widgets are styled as they are mounted, by the
        # stylesheet as it is now; a later theme change restyles it like any other.
        self._css_update_count = app._css_update_count

    def _style_inputs(self) -> tuple:
        """What a screen's styles depend on besides its own classes (a change of those
        restyles at once): the stylesheet and the app's classes."""
        app = self.app
        return (app._css_update_count, app.classes, app.pseudo_classes)

    def _on_screen_suspend(self) -> None:
        # On top until now: whatever changed meanwhile restyled this screen at once.
        self._styled_for = self._style_inputs()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles every widget of a screen each time it comes to the top (just
        # after it was mounted and styled, and on every switch of section): as much work
        # as mounting it, for the same styles unless the stylesheet or the app's classes
        # changed while it was not on top. Screen's own handler runs after this one.
        if self._styled_for is None or self._styled_for == self._style_inputs():
            event.refresh_styles = False

    def _screen_resized(self, size: Size) -> None:
        # A new screen's first Resize (sent by its own first layout, not by the terminal)
        # laid out and painted again every screen under it, at the size they all had
        # already. A screen under the top one that is laid out at this size, with no change
        # of its own waiting for a layout, is left as it is; a changed terminal still lays
        # out each screen. The top screen's own second layout is kept: skipping it moved
        # where a form scrolled to for its first focused field (Synk at 80x24).
        if (
            self is not self.app.screen
            and self._compositor.size == size
            and not self._layout_required
        ):
            return
        super()._screen_resized(size)

    def start_again(self) -> None:
        """The section's key pressed on its first screen: back to where it starts. Most
        screens have nothing to do; one with fields that hold the keys says so."""

    @property
    def actor_id(self) -> str | None:
        """The staff member the audit log names for what is done on this screen."""
        return self.app.actor_id


class UngModalScreen(UngScreen[ScreenResultType], ModalScreen[ScreenResultType]):
    """A window of the app over the screen it was opened from."""
