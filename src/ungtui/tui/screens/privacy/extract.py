"""A person's register extract on screen, ready to save as a file to hand over."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Header, Markdown

from ungtui.config import export_folder
from ungtui.domain.fields import for_display
from ungtui.services import clock
from ungtui.services.privacy.extract import as_markdown, build_extract
from ungtui.services.private_files import free_name, write_private_text
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.widgets.footer import KeyFooter


class ExtractScreen(UngScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("s", "save", "Spara som fil", id="save"),
    ]

    def __init__(self, individual_id: str) -> None:
        super().__init__()
        self.individual_id = individual_id
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="extract-scroll"):
            yield Markdown("Hämtar uppgifterna …", id="extract")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#extract-scroll").focus()
        self.load()
        self.watch(self.app, "screen_share", lambda _on: self._show(self.text), init=False)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        extract = build_extract(
            self.app.db, self.individual_id, actor_id=self.actor_id
        )
        text = as_markdown(extract)
        self.app.call_from_thread(self._show, text)

    def _show(self, text: str) -> None:
        self.text = text
        if self.app.screen_share:
            # Everything about the person: not for a shared screen.
            text = "Registerutdraget döljs medan skärmen delas. F9 stänger av delningen."
        self.query_one("#extract", Markdown).update(for_display(text, multiline=True))

    def action_save(self) -> None:
        if self.text:
            self._save(self.text)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, text: str) -> None:
        path = write_private_text(
            free_name(export_folder(), "registerutdrag", ".md", clock.today()), text
        )
        self.notify(f"Utdraget sparades i {path}", title="Sparat")

    def action_back(self) -> None:
        self.dismiss()
