"""F5 Arbetsprocesser, driven by real keys."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Markdown, Select, Static

from tests.tui.helpers import row_text, screen_text, settle, type_text
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import current_user, list_organisations, register_user
from ungtui.services.processes import processes as svc
from ungtui.store.database import open_database
from ungtui.store.process_search import ProcessQuery
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.people.individual_detail import IndividualDetailScreen
from ungtui.tui.screens.people.individuals import IndividualsScreen
from ungtui.tui.screens.processes.agreements import AgreementDetailScreen, AgreementsScreen
from ungtui.tui.screens.processes.applicable_processes import ApplicableProcessesScreen
from ungtui.tui.screens.processes.process_detail import (
    DiffScreen,
    EndProcessScreen,
    ProcessDetailScreen,
    VersionsScreen,
)
from ungtui.tui.screens.processes.processes import ProcessesScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(10, 3)


def titles(app) -> list[str]:
    table = app.screen.query_one("#processes", DataTable)
    return [str(table.get_row_at(i)[0]).split("\n")[0] for i in range(table.row_count)]


async def test_search_answers_as_you_type_and_opens_the_process(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ProcessesScreen)
        assert len(titles(app)) == 15
        await type_text(pilot, "kaa fyller 20")
        await settle(pilot)
        assert titles(app)[0] == "När en KAA-ungdom fyller 20 år"
        status = str(app.screen.query_one("#process-status", Static).render())
        assert status.startswith("1 arbetsprocess · bäst först · svar på ")

        await pilot.press("enter")  # from the search field to the list
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProcessDetailScreen)
        text = app.screen.query_one("#process-text", Markdown).source
        assert "- **Målgrupper:** Unga 16–24, KAA (19–20 år)" in text
        assert "## Så bedrivs arbetet" in text

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")  # clears the search first
        await settle(pilot)
        assert app.screen.query_one("#process-search", Input).value == ""
        assert len(titles(app)) == 15
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "min_dag"


async def test_status_filter_shows_the_ended_process(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        app.screen.query_one("#process-state", Select).value = "uppsagd"
        await settle(pilot)
        assert titles(app) == ["Operation Integration – praktik under språkintroduktion"]


async def test_versions_show_what_changed(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "veckovis")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, VersionsScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        diff = str(app.screen.query_one("#diff-text", Static).render())
        assert "− - Gruppen noterar vem som gör vad till nästa gång." in diff
        assert "+ - Gruppen noterar vem som gör vad till nästa gång; beslut skrivs in i" in diff


async def test_ending_a_process_under_malmös_agreement_asks_the_facts_of_its_rule(demo_db):
    """Seed 000: up to three months, if the ending party fully controls its part and the
    other party asks."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "ung malmo")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, EndProcessScreen)
        await pilot.press("ctrl+s")  # no party, no answers: refused at the fields
        await settle(pilot)
        error = app.screen.query_one("#field-party .field-error", Static)
        assert str(error.render()) == "Välj vilken part som avslutar processen."
        error = app.screen.query_one("#field-full_control .field-error", Static)
        assert str(error.render()) == "Ange om parten har full rådighet över sin del."
        hint = app.screen.query_one("#field-commitment_until .field-hint", Static)
        assert str(hint.render()) == (
            "Högst t.o.m. 2027-02-24; tomt = hela tiden om den andra parten begär det."
        )
        parties = app.screen.query_one("#end-party", Select)
        parties.value = parties._options[1][1]
        app.screen.query_one("#end-control", Select).value = "ja"
        app.screen.query_one("#end-requested", Select).value = "ja"
        app.screen.query_one("#end-until", Input).focus()
        await type_text(pilot, "2027-01-15")  # "upp till": fewer months than three
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProcessDetailScreen)
    row = svc.search(demo_db, ProcessQuery("ung malmo"))[0]
    assert row.status == "Uppsagd, åtagande t.o.m. 2027-01-15"


async def test_ending_a_process_under_an_agreement_that_says_nothing_says_so(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "samung")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, EndProcessScreen)
        intro = str(app.screen.query(Static)[1].render())
        assert intro.startswith(
            "Överenskommelsen säger inget om hur en arbetsprocess avslutas eller hur länge "
            "åtagandet gäller."
        )
        assert not app.screen.query("#end-control")
        parties = app.screen.query_one("#end-party", Select)
        parties.value = parties._options[1][1]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProcessDetailScreen)
        await pilot.press("x")  # now: the last day the parties agreed on
        await settle(pilot)
        from ungtui.tui.screens.way.way_forms import WayFormScreen

        assert isinstance(app.screen, WayFormScreen)
        await type_text(pilot, "2026-12-15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProcessDetailScreen)
    row = svc.search(demo_db, ProcessQuery("samung"))[0]
    assert row.status == "Uppsagd, åtagande t.o.m. 2026-12-15"


async def test_agreements_list_and_one_agreement_with_its_processes(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("tab")  # leave the search field for the list
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AgreementsScreen)
        table = app.screen.query_one(DataTable)
        keys = [table.coordinate_to_cell_key((i, 0)).row_key for i in range(table.row_count)]
        assert [list(table.full_row(key)[2:]) for key in keys] == [
            ["2023-01-01", "Gäller tills vidare"],
            ["2020-11-01", "Gäller tills vidare"],
            ["2019-02-01", "Gäller, revision försenad (skulle ske 2020-01-31)"],
            # GGV's and Västerås' appendices give no start date.
            ["anges inte", "Gäller tills vidare"],
            ["anges inte", "Gäller tills vidare"],
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AgreementDetailScreen)
        text = app.screen.query_one("#agreement-text", Markdown).source
        assert "- Stockholms stad, org.nr 212000-0142" in text
        assert "11. Samverkan med externa leverantörer" in text
        processes = app.screen.query_one("#agreement-processes", DataTable)
        assert processes.row_count == 2


async def test_which_processes_apply_from_the_person_view(demo_db):
    user = current_user(demo_db)
    person = save_individual(
        demo_db,
        IndividualInput(identity="", birth_date="2007-01-10", first_name="Test", last_name="Ung"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_person(person)
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        await pilot.press("a")  # Arbetsprocesser that apply
        await settle(pilot)
        assert isinstance(app.screen, ApplicableProcessesScreen)
        table = app.screen.query_one(DataTable)
        first = [row_text(table, i)[0] for i in range(3)]
        # KAA first (the narrowest group), the one matching two groups before the one
        # matching one; then young 16–24 processes by title.
        assert first == [
            "När en KAA-ungdom fyller 20 år",
            "Utveckling av KAA vid Navigatorcentrum i Gislaved",
            "SamUng i Gislaved",
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProcessDetailScreen)


async def test_an_empty_install_offers_the_starting_content(tmp_path):
    db = open_database(tmp_path / "ny.db")
    register_user(
        db,
        name="Sofia Berg",
        unit_name="Jobbcenter Unga",
        role="",
        organisation_name="Malmö stad",
        org_nr="212000-1124",
        kind="kommun",
    )
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert app.screen.query_one("#process-empty").display
        await pilot.press("tab", "l")
        await settle(pilot)
        assert len(titles(app)) == 15
        assert not app.screen.query_one("#process-empty").display
    assert svc.count(db, ProcessQuery()) == 15
    db.close()


async def test_after_setup_one_key_loads_the_starting_content(tmp_path):
    db = open_database(tmp_path / "tom.db")
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_text(pilot, "Karin Lind")
        await pilot.press("tab", "tab", "enter")  # the organisation list
        await settle(pilot)
        await pilot.press("end", "enter")  # "Ny organisation …"
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "Värnamo kommun")
        await pilot.press("tab")
        await type_text(pilot, "212000-0563")
        app.screen.query_one("#unit_name", Input).focus()
        await type_text(pilot, "Jobbcenter Unga")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # "Läs in" is the first choice
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
    assert svc.count(db, ProcessQuery()) == 15
    # The organisation typed at setup is the one the Värnamo processes name.
    detail = svc.get_process(db, svc.find_process(db, "Veckovis samverkansgrupp i Värnamo"))
    assert detail.party_names == ["Arbetsförmedlingen", "Värnamo kommun"]
    assert [o.org_nr for o in list_organisations(db) if o.name == "Värnamo kommun"] == [
        "212000-0563"
    ]
    db.close()


async def test_slash_is_offered_only_outside_the_search_field(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        search = app.screen.query_one("#process-search", Input)
        assert search.has_focus
        assert "/ Sök" not in screen_text(pilot).splitlines()[-1]
        await pilot.press("tab")  # to the filters, out of the field
        await settle(pilot)
        assert not search.has_focus
        assert "/ Sök" in screen_text(pilot).splitlines()[-1]
        await pilot.press("slash")
        await settle(pilot)
        assert search.has_focus and search.value == ""
