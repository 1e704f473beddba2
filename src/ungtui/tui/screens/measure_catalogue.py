"""The measure catalogue: national measures with their validity, and local ones (n)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ungtui.domain.measures import SCOPES
from ungtui.services.measures import (
    CatalogueRow,
    LocalMeasureInput,
    add_local_measure,
    list_catalogue,
)
from ungtui.services.organisations import OrganisationInfo, list_organisations
from ungtui.tui.screens.base import ReportsWorkerErrors
from ungtui.tui.screens.way_forms import Spec, WayFormScreen


class CatalogueScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("n", "new", "Ny lokal insats", id="new"),
    ]
    DEFAULT_CSS = """
    CatalogueScreen #catalogue { height: 1fr; }
    """

    @dataclass
    class Loaded(Message):
        rows: list[CatalogueRow]
        organisations: list[OrganisationInfo]

    def __init__(self) -> None:
        super().__init__()
        self.organisations: list[OrganisationInfo] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Insatskatalog", classes="screen-title")
        yield Static(
            "Nationella insatser med giltighetstid och lokala insatser. En insats kan bara "
            "startas inom sin giltighetstid.",
            classes="intro",
        )
        table: DataTable[str] = DataTable(id="catalogue", cursor_type="row", zebra_stripes=True)
        for label, width in (
            ("Insats", 40),
            ("Typ", 9),
            ("Anordnare", 20),
            ("Giltig", 24),
            ("Mot arbete/studier", 18),
        ):
            table.add_column(label, width=width)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="catalogue", exit_on_error=False)
    def load(self) -> None:
        db = self.app.db
        self.post_message(self.Loaded(list_catalogue(db), list_organisations(db)))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.organisations = message.organisations
        table = self.query_one(DataTable)
        table.clear()
        for r in message.rows:
            table.add_row(
                r.name,
                SCOPES.get(r.scope, r.scope),
                r.provider,
                r.validity,
                "ja" if r.leads_to_work_or_studies else "nej",
                key=r.id,
            )

    def action_back(self) -> None:
        self.dismiss()

    def action_new(self) -> None:
        db = self.app.db
        user = self.app.user
        actor = user.staff_id if user else None

        def save(v):
            data = LocalMeasureInput(
                name=str(v["name"]),
                provider_organisation_id=str(v["provider_organisation_id"]) or None,
                valid_from=str(v["valid_from"]),
                valid_to=str(v["valid_to"]),
                leads_to_work_or_studies=bool(v["leads_to_work_or_studies"]),
                description=str(v["description"]),
            )
            return add_local_measure(db, data, actor_id=actor)

        def after(saved: str | None) -> None:
            if saved is not None:
                self.load()

        self.app.push_screen(
            WayFormScreen(
                "Ny lokal insats",
                [
                    Spec("name", "Namn", placeholder="t.ex. Sommarjobb för unga"),
                    Spec(
                        "provider_organisation_id",
                        "Anordnare",
                        "select",
                        user.organisation_id if user else "",
                        [(o.name, o.id) for o in self.organisations],
                    ),
                    Spec("valid_from", "Första dag", placeholder="tomt = redan nu", row=1),
                    Spec(
                        "valid_to",
                        "Sista dag för nya beslut",
                        placeholder="tomt = tills vidare",
                        row=1,
                    ),
                    Spec(
                        "leads_to_work_or_studies",
                        "Leder mot arbete eller studier (räknas för 90-dagarsgarantin)",
                        "check",
                        True,
                    ),
                    Spec("description", "Beskrivning"),
                ],
                save,
                done="Insatsen finns nu i katalogen.",
            ),
            after,
        )
