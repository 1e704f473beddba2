"""The measure catalogue: national measures with their validity, and local ones (n new,
e edit, Delete remove)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from ungtui.domain.measures import SCOPES
from ungtui.services.errors import ServiceError
from ungtui.services.people.organisations import OrganisationInfo, list_organisations
from ungtui.services.way.measures import (
    CatalogueRow,
    LocalMeasureInput,
    add_local_measure,
    list_catalogue,
    remove_local_measure,
    update_local_measure,
)
from ungtui.tui.screens.base import UngScreen
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.way.way_forms import Spec, WayFormScreen
from ungtui.tui.widgets.fitted_table import Column, FittedTable, RowDetail
from ungtui.tui.widgets.footer import KeyFooter


class CatalogueScreen(UngScreen[None]):
    BINDINGS = [
        Binding("escape", "back", "Tillbaka", id="back"),
        Binding("n", "new", "Ny lokal insats", id="new"),
        Binding("e", "edit", "Ändra lokal", id="edit"),
        Binding("delete", "remove", "Ta bort lokal", id="remove"),
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
        self.rows: list[CatalogueRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Insatskatalog", classes="screen-title")
        yield Static(
            "Nationella insatser med giltighetstid och lokala insatser. En insats kan bara "
            "startas inom sin giltighetstid.",
            classes="intro",
        )
        yield FittedTable(
            (
                Column("name", "Insats", 40, grow=True, least=20),
                Column("scope", "Typ", 9, priority=2),
                Column("provider", "Anordnare", 20, priority=1),
                Column("valid", "Giltig", 24, priority=1),
                Column("leads", "Mot arbete/studier", 18, priority=2),
            ),
            detail="catalogue-detail",
            id="catalogue",
            cursor_type="row",
            zebra_stripes=True,
        )
        yield RowDetail(id="catalogue-detail")
        yield KeyFooter()

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
        self.rows = message.rows
        table = self.query_one(DataTable)
        keep = table.cursor_row
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
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))

    def _marked_local(self, doing: str) -> CatalogueRow | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        row = next((r for r in self.rows if r.id == key), None)
        if row is not None and row.scope != "lokal":
            self.notify(
                f"{row.name} är en nationell insats och kan inte {doing}. "
                "Bara lokala insatser kan det.",
                severity="warning",
            )
            return None
        return row

    def action_back(self) -> None:
        self.dismiss()

    def action_new(self) -> None:
        self._form(None)

    def action_edit(self) -> None:
        row = self._marked_local("ändras")
        if row is not None:
            self._form(row)

    def action_remove(self) -> None:
        row = self._marked_local("tas bort")
        if row is None:
            return

        def answer(choice: str | None) -> None:
            if choice == "remove":
                self._remove(row.id, row.name)

        self.app.push_screen(
            ConfirmScreen(
                "Ta bort insatsen ur katalogen?",
                f"{row.name} tas bort ur katalogen. Borttagningen loggas.",
                [("cancel", "Avbryt"), ("remove", "Ta bort")],
            ),
            answer,
        )

    @work(thread=True, exclusive=True, group="remove", exit_on_error=False)
    def _remove(self, measure_id: str, name: str) -> None:
        try:
            remove_local_measure(self.app.db, measure_id, actor_id=self.actor_id)
        except ServiceError as exc:
            self.notify(str(exc), severity="error", timeout=8)
            return
        self.notify(f"{name} är borttagen ur katalogen.")
        self.app.call_from_thread(self.load)

    def _form(self, row: CatalogueRow | None) -> None:
        db = self.app.db
        user = self.app.user
        actor = self.actor_id

        def save(v):
            data = LocalMeasureInput(
                name=str(v["name"]),
                provider_organisation_id=str(v["provider_organisation_id"]) or None,
                valid_from=str(v["valid_from"]),
                valid_to=str(v["valid_to"]),
                leads_to_work_or_studies=bool(v["leads_to_work_or_studies"]),
                description=str(v["description"]),
            )
            if row is not None:
                return update_local_measure(db, row.id, data, actor_id=actor)
            return add_local_measure(db, data, actor_id=actor)

        def after(saved: str | None) -> None:
            if saved is not None:
                self.load()

        def day(value) -> str:
            return value.isoformat() if value else ""

        provider = user.organisation_id if user else ""
        if row is not None:
            provider = row.provider_organisation_id or ""
        self.app.push_screen(
            WayFormScreen(
                "Ändra lokal insats" if row else "Ny lokal insats",
                [
                    Spec(
                        "name",
                        "Namn",
                        value=row.name if row else "",
                        placeholder="t.ex. Sommarjobb för unga",
                    ),
                    Spec(
                        "provider_organisation_id",
                        "Anordnare",
                        "select",
                        provider,
                        [(o.name, o.id) for o in self.organisations],
                    ),
                    Spec(
                        "valid_from",
                        "Första dag",
                        "date",
                        value=day(row.valid_from) if row else "",
                        placeholder="tomt = redan nu",
                        row=1,
                    ),
                    Spec(
                        "valid_to",
                        "Sista dag för nya beslut",
                        "date",
                        value=day(row.valid_to) if row else "",
                        placeholder="tomt = tills vidare",
                        row=1,
                    ),
                    Spec(
                        "leads_to_work_or_studies",
                        "Leder mot arbete eller studier (räknas för en garanti om insats)",
                        "check",
                        row.leads_to_work_or_studies if row else True,
                    ),
                    Spec("description", "Beskrivning", value=row.description if row else ""),
                ],
                save,
                done="Insatsen är ändrad." if row else "Insatsen finns nu i katalogen.",
            ),
            after,
        )
