"""Creating and editing a work process in the app (F5 n, e in the process view)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.tui.helpers import settle, type_text
from ungtui.services.processes import processes as svc
from ungtui.store.process_search import ProcessQuery
from ungtui.tui.app import UngApp
from ungtui.tui.screens.processes.process_detail import ProcessDetailScreen
from ungtui.tui.screens.processes.process_form import ProcessFormScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(10, 3)


def error(app, name: str) -> str:
    return str(app.screen.query_one(f"#field-{name} .field-error", Static).render())


async def test_new_process_refuses_missing_fields_then_saves_and_edits_keep_versions(demo_db):
    before = svc.count(demo_db, ProcessQuery(""))
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("tab", "n")
        await settle(pilot)
        assert isinstance(app.screen, ProcessFormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProcessFormScreen)
        assert error(app, "title") == "Ange en titel för arbetsprocessen."
        assert error(app, "what_agreed") == "Beskriv vad som har överenskommits."
        assert error(app, "how_done") == "Beskriv hur arbetet bedrivs, gärna steg för steg."
        assert error(app, "responsible_role") == (
            "Ange vilken roll eller person som ansvarar för processen."
        )
        assert svc.count(demo_db, ProcessQuery("")) == before
        await type_text(pilot, "Sommarjobb för unga")  # the title has the focus
        await pilot.press("tab")
        await type_text(pilot, "Kommunen erbjuder sommarjobb")
        await pilot.press("tab")
        await type_text(pilot, "1. Ansökan i april")
        await pilot.press("tab")  # steps the agreement does not state are kept apart
        await type_text(pilot, "Påminnelse till skolorna i mars")
        await pilot.press("tab", "tab")  # past the responsible organisation
        await type_text(pilot, "Enhetschef")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProcessDetailScreen)
        title = str(app.screen.query_one("#process-title", Static).render())
        assert title.startswith("Sommarjobb för unga  (version 1)")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ProcessFormScreen)
        await pilot.press("end")
        await type_text(pilot, " 16-19")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProcessDetailScreen)
        title = str(app.screen.query_one("#process-title", Static).render())
        assert title.startswith("Sommarjobb för unga 16-19  (version 2)")
    (row,) = svc.search(demo_db, ProcessQuery("sommarjobb"))
    detail = svc.get_process(demo_db, row.id)
    assert [v.version for v in detail.versions] == [2, 1]
    assert svc.version_text(demo_db, row.id, 1).startswith("---")
    assert (
        "## Lokalt förslag (inte överenskommet)\n\nPåminnelse till skolorna i mars"
        in detail.markdown
    )
