"""What every screen shares."""

from __future__ import annotations

import sqlite3
import sys

from textual import getters
from textual._context import active_app
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

    @property
    def actor_id(self) -> str | None:
        """The staff member the audit log names for what is done on this screen."""
        return self.app.actor_id


class UngModalScreen(UngScreen[ScreenResultType], ModalScreen[ScreenResultType]):
    """A window of the app over the screen it was opened from."""
