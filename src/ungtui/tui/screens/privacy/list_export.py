"""Taking a list out: for whom, where, CSV or Excel, and whether identity numbers are
shown whole. A list for another nämnd or authority holds only what consents cover."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select, Static

from ungtui.config import export_folder
from ungtui.domain.disclosure import Holder
from ungtui.services import clock
from ungtui.services.privacy.list_export import FORMATS, ExportResult, list_receiver
from ungtui.services.private_files import free_name
from ungtui.services.sync.sync_files import ExportTarget, export_targets
from ungtui.tui.screens.form_base import FormDialog
from ungtui.tui.widgets.plain import PlainSelect, bold, plain

# (path, reveal identity numbers, the receiver and its name or None for one's own nämnd)
# -> what was written; runs in a thread worker.
Writer = Callable[[Path, bool, tuple[Holder, str] | None], ExportResult]
OWN_USE = "eget"


class ListExportScreen(FormDialog[Path | None]):
    """Dismisses with the written file's path, or None when the user goes back."""

    DEFAULT_CSS = """
    ListExportScreen { align: center middle; }
    ListExportScreen > Vertical {
        width: 84; height: auto; border: round $accent; padding: 1 2; background: $surface;
    }
    ListExportScreen .row { height: auto; margin-bottom: 1; }
    ListExportScreen #export-format { width: 34; }
    ListExportScreen #export-receiver { margin-bottom: 1; }
    ListExportScreen #export-error { color: $error; height: auto; }
    """

    BINDINGS = [
        Binding("ctrl+s", "write", "Skriv filen", id="write", priority=True),
        Binding("escape", "close", "Avbryt"),
    ]

    def __init__(self, title: str, stem: str, writer: Writer, *, numbers: bool = True) -> None:
        super().__init__()
        self._title = title
        self._stem = stem
        self._writer = writer
        self._numbers = numbers

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(plain(bold(f"Ta ut {self._title.lower()}")))
            yield PlainSelect(
                [("För eget bruk i din nämnd", OWN_USE)],
                value=OWN_USE,
                allow_blank=False,
                id="export-receiver",
            )
            with Horizontal(classes="row"):
                yield Select(
                    [(label, suffix) for suffix, label in FORMATS.items()],
                    value=".csv",
                    allow_blank=False,
                    id="export-format",
                )
                if self._numbers:
                    yield Checkbox("Hela personnummer", id="export-reveal")
            yield Input(self._suggested(".csv"), id="export-path")
            yield Static(
                "Filen kan bara läsas av dig. Att listan tas ut skrivs i loggen för varje "
                "person i den. Är listan till någon annan kommer bara det med som samtycken "
                "till dem omfattar. Ctrl+S skriver filen.",
                classes="row",
            )
            yield Static("", id="export-error")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()
        self._load_receivers()

    @work(thread=True, exit_on_error=False)
    def _load_receivers(self) -> None:
        targets = [(t.label, t.value) for t in export_targets(self.app.db)]
        self.app.call_from_thread(self._set_receivers, targets)

    def _set_receivers(self, targets: list[tuple[str, str]]) -> None:
        select = self.query_one("#export-receiver", Select)
        with select.prevent(Select.Changed):
            select.set_options([("För eget bruk i din nämnd", OWN_USE), *targets])
            select.value = OWN_USE

    def _suggested(self, suffix: str) -> str:
        return str(free_name(export_folder(), self._stem, suffix, clock.today()))

    @on(Select.Changed, "#export-format")
    def _format(self, event: Select.Changed) -> None:
        path = self.query_one("#export-path", Input)
        current = Path(path.value)
        if current.suffix.lower() in FORMATS and current.suffix != event.value:
            path.value = str(current.with_suffix(str(event.value)))

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_write()

    def action_write(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        if not text:
            self.query_one("#export-error", Static).update("Ange var filen ska skrivas.")
            return
        reveal = self._numbers and self.query_one("#export-reveal", Checkbox).value
        target = str(self.query_one("#export-receiver", Select).value)
        self.query_one("#export-error", Static).update("Skriver …")
        self._write(Path(text).expanduser(), reveal, target)

    @work(thread=True, exclusive=True, exit_on_error=False)
    def _write(self, path: Path, reveal: bool, target: str) -> None:
        from ungtui.services.errors import ServiceError

        try:
            receiver = None
            if target != OWN_USE:
                receiver = list_receiver(self.app.db, *ExportTarget.parse(target))
            result = self._writer(path, reveal, receiver)
        except ServiceError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._done, result)

    def _failed(self, message: str) -> None:
        self.query_one("#export-error", Static).update(plain(message))

    def _done(self, result: ExportResult) -> None:
        rows = "1 rad" if result.rows == 1 else f"{result.rows} rader"
        self.app.notify(f"Skrev {rows} till {result.path}.", title="Listan är uttagen")
        self.dismiss(result.path)
