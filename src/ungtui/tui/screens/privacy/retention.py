"""Retention on screen: who would be erased today, the years kept, and the erasure itself."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from ungtui.domain.text import plural
from ungtui.services.errors import ValidationError
from ungtui.services.privacy.retention import (
    DEFAULT_YEARS,
    RetentionCandidate,
    erase,
    preview,
    set_years,
    years_for,
)
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable
from ungtui.tui.widgets.footer import KeyFooter


class RetentionScreen(UngScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("t", "focus_years", "Ändra år", id="years"),
        Binding("r", "erase", "Radera alla i listan", id="erase"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.candidates: list[RetentionCandidate] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Gallring", classes="screen-title")
        yield Static(
            "Avslutade ärenden raderas när den senaste uppgiften är äldre än de år din "
            "organisation sparar dem. Raderingen går inte att ångra och följer med i synk.",
            classes="intro",
        )
        yield Static(
            "Antal år som din organisation sparar avslutade ärenden", classes="field-label"
        )
        yield Input(id="retention-years")
        yield Static("", id="years-error")
        yield FittedTable(
            (
                Column("person", "Person", 24, grow=True, least=16),
                Column("case", "Ärendet hos", 24, priority=1),
                Column("last", "Senaste uppgift", 16),
                Column("until", "Sparas till", 12),
            ),
            id="candidates",
            cursor_type="row",
        )
        yield Static("", id="retention-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#candidates", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="retention", exit_on_error=False)
    def load(self) -> None:
        user = self.app.user
        years = years_for(self.app.db).get(user.organisation_id if user else "", DEFAULT_YEARS)
        found = preview(self.app.db)
        self.app.call_from_thread(self._show, years, found)

    def _show(self, years: int, found: list[RetentionCandidate]) -> None:
        self.candidates = found
        field = self.query_one("#retention-years", Input)
        if not field.has_focus:
            field.value = str(years)
        table = self.query_one("#candidates", DataTable)
        table.clear()
        for c in found:
            table.add_row(
                c.label, c.organisation_name, c.last_entry.isoformat(), c.keep_until.isoformat()
            )
        status = (
            f"{plural(len(found), 'person', 'personer')} kan gallras i dag."
            if found
            else "Ingen behöver gallras i dag."
        )
        self.query_one("#retention-status", Static).update(status)

    def action_focus_years(self) -> None:
        self.query_one("#retention-years", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._save_years(event.value)

    @work(thread=True, exclusive=True, group="retention-years", exit_on_error=False)
    def _save_years(self, text: str) -> None:
        user = self.app.user
        if user is None:
            return
        try:
            years = set_years(self.app.db, user.organisation_id, text)
        except ValidationError as exc:
            self.app.call_from_thread(
                self.query_one("#years-error", Static).update, exc.errors["years"]
            )
            return
        self.app.call_from_thread(self.query_one("#years-error", Static).update, "")
        # The years only change the list below; nothing is erased before r and its question.
        self.notify(
            f"{user.organisation_name} sparar avslutade ärenden i {years} år. "
            "Listan visar vilka som kan gallras; inget raderas förrän du trycker r."
        )
        self.app.call_from_thread(self.query_one("#candidates", DataTable).focus)
        self.load()

    def action_erase(self) -> None:
        if not self.candidates:
            self.notify("Ingen behöver gallras i dag.")
            return
        ids = [c.individual_id for c in self.candidates]

        def answered(answer: str | None) -> None:
            if answer == "erase":
                self._erase(ids)

        self.app.push_screen(
            ConfirmScreen(
                "Radera för alltid?",
                f"Alla uppgifter om {plural(len(ids), 'person', 'personer')} raderas här och, "
                "vid nästa synk, hos "
                "de andra. Det går inte att ångra.",
                [("keep", "Avbryt"), ("erase", "Radera")],
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="retention", exit_on_error=False)
    def _erase(self, ids: list[str]) -> None:
        count = erase(self.app.db, ids, actor_id=self.actor_id)
        self.notify(
            f"{plural(count, 'person är raderad', 'personer är raderade')}.", title="Gallring klar"
        )
        self.load()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):  # one level: out of the years field first
            self.query_one("#candidates", DataTable).focus()
            return
        self.dismiss()
