"""Units and the nämnd or authority each belongs to: secrecy applies between nämnder, so
which one a unit is in decides who may see its data. A unit nobody has set is read from
its name and marked so."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ungtui.domain.secrecy import SECRECY_DOMAINS, domains_for_kind
from ungtui.services.errors import ServiceError
from ungtui.services.people.organisations import UnitInfo, list_units, set_unit_domain
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.widgets.plain import PlainTable, plain


class DomainChoiceScreen(ModalScreen[str | None]):
    """Pick the nämnd of one unit."""

    DEFAULT_CSS = "DomainChoiceScreen { align: center middle; }"
    BINDINGS = [Binding("escape", "cancel", "Avbryt")]

    def __init__(self, unit: UnitInfo) -> None:
        super().__init__()
        self.unit = unit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                plain(f"Vilken nämnd hör {self.unit.name} ({self.unit.organisation_name}) till?"),
                classes="dialog-title",
            )
            yield OptionList(
                *[
                    Option(SECRECY_DOMAINS[code].label, id=code)
                    for code in domains_for_kind(self.unit.organisation_kind)
                ],
                id="domains",
            )
            yield Static("Enter väljer, Esc avbryter.", classes="dialog-text")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        codes = domains_for_kind(self.unit.organisation_kind)
        options.highlighted = codes.index(self.unit.domain) if self.unit.domain in codes else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class UnitsScreen(UngScreen[None]):
    BINDINGS = [
        Binding("enter", "choose", "Ange nämnd", id="choose"),
        Binding("escape", "back", "Tillbaka", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.units: list[UnitInfo] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Enheter och nämnder", classes="screen-title")
        yield Static(
            "Sekretess gäller mellan myndigheter och mellan kommunens nämnder. En enhets "
            "uppgifter går till en annan nämnd bara med samtycke. Antaget = läst ur enhetens "
            "namn; Enter anger rätt nämnd.",
            classes="intro",
        )
        table = PlainTable(id="units", cursor_type="row")
        for label, width in (("Organisation", 26), ("Enhet", 30), ("Nämnd", 26), ("", 8)):
            table.add_column(label, width=width)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#units", DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        units = list_units(self.app.db)
        self.app.call_from_thread(self._show, units)

    def _show(self, units: list[UnitInfo]) -> None:
        self.units = units
        table = self.query_one("#units", DataTable)
        row = table.cursor_row if table.row_count else 0
        table.clear()
        for unit in units:
            table.add_row(
                Text(unit.organisation_name),
                Text(unit.name),
                Text(unit.domain_label),
                "antaget" if unit.assumed else "",
                key=unit.id,
            )
        if units:
            table.move_cursor(row=min(row, len(units) - 1))

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_choose()  # Enter in the table

    def action_choose(self) -> None:
        table = self.query_one("#units", DataTable)
        if not self.units or not table.row_count:
            return
        unit = self.units[min(table.cursor_row, len(self.units) - 1)]
        if len(domains_for_kind(unit.organisation_kind)) == 1:
            self.notify(f"{unit.organisation_name} är en enda myndighet eller part för sekretess.")
            return

        def chosen(code: str | None) -> None:
            if code:
                self._set(unit, code)

        self.app.push_screen(DomainChoiceScreen(unit), chosen)

    @work(thread=True, exit_on_error=False)
    def _set(self, unit: UnitInfo, code: str) -> None:
        try:
            set_unit_domain(self.app.db, unit.id, code, actor_id=self.actor_id)
        except ServiceError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"{unit.name} hör nu till {SECRECY_DOMAINS[code].label}.")
        self.load()

    def action_back(self) -> None:
        self.dismiss()
