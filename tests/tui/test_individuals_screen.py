"""The register, driven by real keys."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual import events
from textual.widgets import DataTable, Input, OptionList, Select

from tests.tui.helpers import row_text, screen_text, settle, type_text
from ungtui.services.consent.consents import consent_form_facts
from ungtui.services.people.individuals import IndividualFilter, list_individuals
from ungtui.store.database import open_database
from ungtui.store.models import Consent, Individual
from ungtui.tui.app import UngApp
from ungtui.tui.screens.my_day import MyDayScreen
from ungtui.tui.screens.people.individual_detail import IndividualDetailScreen
from ungtui.tui.screens.people.individual_form import IndividualFormScreen
from ungtui.tui.screens.people.individuals import IndividualsScreen
from ungtui.tui.screens.setup import SetupScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(40, 3)


def table_names(app) -> list[str]:
    table = app.screen.query_one("#individuals", DataTable)
    return [row_text(table, i)[0] for i in range(table.row_count)]


async def test_list_opens_with_masked_numbers_and_search_narrows_it(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        table = app.screen.query_one("#individuals", DataTable)
        assert table.row_count > 20
        numbers = [row_text(table, i)[1] for i in range(table.row_count)]
        assert all(n.endswith("-XXXX") or n.startswith("R-") for n in numbers)

        target = list_individuals(demo_db, IndividualFilter(status="aktiv"))[5]
        last_name = target.name.split(",")[0]
        await pilot.press("slash")
        await type_text(pilot, last_name.lower())
        await settle(pilot)
        names = table_names(app)
        assert target.name in names
        assert all(
            n.lower().startswith(last_name.lower()) or last_name.lower() in n.lower() for n in names
        )

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == ""
        assert table.row_count > 20


async def test_reveal_shows_the_full_number_of_one_row(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#individuals", DataTable)
        row = 0
        while row_text(table, row)[1].startswith("R-"):
            row += 1
        for _ in range(row):
            await pilot.press("down")
        await pilot.press("v")
        shown = row_text(table, row)[1]
        assert not shown.endswith("XXXX")
        assert len(shown) == 13
        await pilot.press("v")
        assert row_text(table, row)[1].endswith("-XXXX")


async def test_add_with_a_bad_number_then_a_good_one(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IndividualFormScreen)
        # The first field is shown whole, its label too (it was scrolled a line away).
        lines = [line.strip() for line in screen_text(pilot).splitlines()]
        assert lines[1:3] == ["Ny deltagare", "Personnummer eller samordningsnummer"]
        await type_text(pilot, "20050317-9807")
        await pilot.press("tab")  # leaving the field checks it
        error = app.screen.query_one("#field-identity .field-error").render()
        assert "Kontrollsiffran stämmer inte" in str(error)

        app.screen.query_one("#first_name", Input).focus()
        await type_text(pilot, "Märit")
        await pilot.press("tab")
        await type_text(pilot, "Östlund")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IndividualFormScreen)  # refused, still open
        with demo_db.session() as s:
            assert s.exec(select(Individual).where(Individual.first_name == "Märit")).all() == []

        identity = app.screen.query_one("#identity", Input)
        identity.focus()
        identity.value = ""
        await type_text(pilot, "0503179806")
        await pilot.press("ctrl+s")
        await settle(pilot)
        with demo_db.session() as s:
            [saved] = s.exec(select(Individual).where(Individual.first_name == "Märit")).all()
        # Her own page opens, where consent and the way come next; Esc leads to the list.
        assert isinstance(app.screen, IndividualDetailScreen)
        assert app.screen.individual_id == saved.id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        assert saved.identity_number == "20050317-9806"
        assert saved.gender == "kvinna"  # taken from the number when left as unknown


async def test_a_refused_field_clears_its_error_when_typed_in(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        field = app.screen.query_one("#field-last_name")
        assert "Ange minst ett namn." in str(field.query_one(".field-error").render())
        app.screen.query_one("#last_name", Input).focus()
        await type_text(pilot, "Ek")
        assert not field.has_class("-invalid")
        assert str(field.query_one(".field-error").render()) == ""


async def test_duplicate_number_offers_the_existing_person(demo_db):
    existing = next(
        r
        for r in list_individuals(demo_db, IndividualFilter(), limit=40)
        if r.identity_kind == "personnummer"
    )
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, existing.identity)
        app.screen.query_one("#first_name", Input).focus()
        await type_text(pilot, "Dubblett")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Numret finns redan" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("enter")  # the first choice: open the existing person
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        assert app.screen.individual_id == existing.id


async def test_edit_from_the_list(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#individuals", DataTable)
        person_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        await pilot.press("e")
        await settle(pilot)
        phone = app.screen.query_one("#phone", Input)
        phone.focus()
        phone.value = ""
        await type_text(pilot, "070-111 22 33")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        with demo_db.session() as s:
            assert s.get(Individual, person_id).phone == "070-111 22 33"


async def test_consent_add_and_withdraw(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#individuals", DataTable)
        person_id = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        before = len(app.screen.detail.consents)

        await pilot.press("s")
        await settle(pilot)
        # Who discloses is the user's own nämnd until changed.
        facts = consent_form_facts(demo_db, person_id, app.user.staff_id)
        labels = [p.label for p in facts.parties]
        assert app.screen.query_one("#discloser", Select).value == facts.own
        assert labels[[p.value for p in facts.parties].index(facts.own)] == (
            "Malmö stad – Arbetsmarknadsenheten"
        )
        await pilot.press("ctrl+s")  # nobody receives yet: refused
        await settle(pilot)
        error = app.screen.query_one("#field-organisation_id .field-error").render()
        assert str(error) == "Välj vem som får ta emot uppgifterna."
        error = app.screen.query_one("#field-purposes .field-error").render()
        assert str(error) == "Välj minst ett syfte som samtycket gäller."

        app.screen.query_one("#organisation_id", Select).focus()
        await pilot.press("enter")  # the list opens
        # Below the empty choice: the own kommun first (all nämnder, then each), then the
        # others by name.
        await pilot.press(*["down"] * (labels.index("Arbetsförmedlingen") + 1), "enter")
        await pilot.press("tab")
        await pilot.press("space")  # the first purpose: joint planning
        await pilot.press("tab")
        await type_text(pilot, "Planering av praktik")
        await pilot.press("tab")
        await pilot.press("space")  # the first kind of data: contact details
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        consents = app.screen.query_one("#consents", OptionList)
        assert consents.option_count == before + 1 == len(app.screen.detail.consents)

        with demo_db.session() as s:
            new = s.exec(select(Consent).where(Consent.purpose == "Planering av praktik")).one()
        assert (new.discloser_domain, new.purposes, new.data_categories) == (
            "arbetsmarknad",
            "samordning",
            "kontakt",
        )
        shown = str(consents.get_option(new.id).prompt)
        assert shown.splitlines()[:3] == [
            "Malmö stad – Arbetsmarknadsenheten → Arbetsförmedlingen  (Gäller)",
            "Syfte: Samordning och planering av insatser. Planering av praktik",
            "Uppgifter: Identitet, Kontaktuppgifter",
        ]
        consents.focus()
        consents.highlighted = consents.get_option_index(new.id)
        await pilot.press("w")
        await pilot.press("enter")  # confirm
        await settle(pilot)
        with demo_db.session() as s:
            assert s.get(Consent, new.id).withdrawn_on is not None
            assert s.get(Consent, new.id).individual_id == person_id


async def test_first_run_asks_who_you_are(tmp_path):
    db = open_database(tmp_path / "tom.db")
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        error = app.screen.query_one("#field-name .field-error").render()
        assert str(error) == "Ange ditt namn."
        error = app.screen.query_one("#field-organisation .field-error").render()
        assert str(error) == "Välj din organisation, eller Ny organisation … längst ned."

        await type_text(pilot, "Karin Lind")
        await pilot.press("tab", "tab", "enter")  # the organisation: the list opens
        await settle(pilot)
        await pilot.press("end", "enter")  # "Ny organisation …", after the known ones
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "Värnamo kommun")
        await pilot.press("tab")
        await type_text(pilot, "212000-0563")
        app.screen.query_one("#unit_name", Input).focus()
        await type_text(pilot, "Jobbcenter Unga")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The offer of the shipped work processes comes first; not now.
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        assert app.user.name == "Karin Lind"
        assert app.user.organisation_name == "Värnamo kommun"
    db.close()


async def test_f1_shows_help(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "HelpScreen"
        text = screen_text(pilot)
        assert "Hjälp" in text and "Överallt" in text
        assert "Ctrl+Q" in text and "Avsluta" in text
        scroll = app.screen.query_one("#help")
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        assert "Överallt" not in screen_text(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IndividualsScreen)


async def test_a_database_failure_is_told_in_swedish(demo_db, monkeypatch):
    from sqlalchemy.exc import OperationalError

    import ungtui.tui.screens.people.individuals as screen_module

    def locked(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(screen_module, "list_names", locked)
        await pilot.press("o")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("upptagen av ett annat program" in m for m in messages)
        assert isinstance(app.screen, IndividualsScreen)


async def test_ctrl_p_finds_a_person_by_name(demo_db):
    target = list_individuals(demo_db, IndividualFilter(), limit=10)[3]
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        last, first = target.name.split(", ")
        await type_text(pilot, f"{first} {last}")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        assert app.screen.individual_id == target.id


async def test_section_keys_switch_sections_and_keep_a_half_filled_form(demo_db):
    from ungtui.tui.screens.sync.sync import SyncScreen

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, IndividualFormScreen)
        await type_text(pilot, "Åsa")  # typing in the form's first field
        await pilot.press("f7")  # works while a field has focus
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, IndividualFormScreen)
        assert "Åsa" in [i.value for i in app.screen.query(Input)]
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("escape")  # Escape on a section's first screen: to Min dag
        await settle(pilot)
        assert isinstance(app.screen, MyDayScreen)
        await pilot.press("f2")  # the register is where it was left: the form
        await settle(pilot)
        assert isinstance(app.screen, IndividualFormScreen)


def test_the_person_view_shows_the_facts_the_target_groups_rest_on():
    from datetime import date

    from ungtui.tui.screens.people.individual_detail import _facts_line

    person = Individual(
        first_name="A",
        last_name="B",
        birth_date=date(2009, 3, 1),
        establishment_from=date(2026, 2, 1),
        af_status="oppet_arbetslos",
    )
    line = _facts_line(person).plain
    assert "Etableringsprogrammet: 2026-02-01–" in line
    # No day recorded: the end of the spring term of the year she turns 16, said so.
    assert "Grundskolan klar: 2025-06-30 (antaget)" in line
    assert "Hos AF: Inskriven på AF, öppet arbetslös" in line
    person.compulsory_school_done_on = date(2025, 1, 20)
    person.af_status = None
    line = _facts_line(person).plain
    assert "Grundskolan klar: 2025-01-20   " in line
    assert "Hos AF: okänt" in line


async def test_the_guarantee_rules_are_read_once_a_visit_not_on_every_keystroke(
    demo_db, monkeypatch
):
    import ungtui.tui.screens.people.individuals as screen_module

    reads: list[int] = []
    real = screen_module.guarantee_rules

    def counted(db):
        reads.append(1)
        return real(db)

    monkeypatch.setattr(screen_module, "guarantee_rules", counted)
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        assert len(reads) == 1
        await pilot.press("slash")
        await type_text(pilot, "ber")
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "ber"
        assert len(reads) == 1  # three searches, the same rules
        # Away to another section and back: an agreement's guarantee may have changed.
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        assert len(reads) == 2


async def test_a_letter_typed_in_the_list_starts_the_search(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#individuals", DataTable)
        search = app.screen.query_one("#search", Input)
        assert app.focused is table
        bound = app.screen.active_bindings
        # A person whose last name begins with a letter no key of the footer owns (the
        # letters after the first go to the field whatever they are).
        target = next(
            r
            for r in list_individuals(demo_db, IndividualFilter(status="aktiv"))
            if r.name[0].lower() not in bound and r.name[0].isalpha()
        )
        last_name = target.name.split(",")[0].lower()
        await pilot.press(*last_name)
        await settle(pilot)
        assert app.focused is search
        assert search.value == last_name
        assert target.name in table_names(app)
        assert all(last_name in n.lower() for n in table_names(app))

        # Back in the list with Enter, a letter starts a new search, as after "/".
        await pilot.press("enter")
        assert app.focused is table
        await pilot.press("k")
        await settle(pilot)
        assert (app.focused, search.value) == (search, "k")

        # Typed fast, all in one read from the terminal: the letters behind the first one
        # reach the list before the focus has moved, and go into the search all the same
        # ("n" too, though the footer's Ny owns it in the list).
        await pilot.press("enter")
        assert app.focused is table
        for char in "öna":
            app.post_message(events.Key(char, char))
        await settle(pilot)
        assert (app.focused, search.value) == (search, "öna")
        assert isinstance(app.screen, IndividualsScreen)


async def test_the_footers_letters_keep_their_keys_in_the_list(demo_db):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "n" in app.screen.active_bindings
        await pilot.press("n")  # Ny: the form, not a search for "n"
        await settle(pilot)
        assert isinstance(app.screen, IndividualFormScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        assert app.screen.query_one("#search", Input).value == ""
        await pilot.press("o")  # Sortera
        await settle(pilot)
        assert app.screen.filter.sort == "alder"
        assert app.screen.query_one("#search", Input).value == ""


async def test_the_first_showing_reads_the_first_page_once(demo_db, monkeypatch):
    """Mount asked for the page and so did the first showing once a page was on screen:
    whichever came first, the other was a second read of the same page."""
    import ungtui.tui.screens.people.individuals as screen_module

    pages: list[int] = []
    real = screen_module.list_names

    def counted(db, flt, **kwargs):
        pages.append(kwargs.get("offset", 0))
        return real(db, flt, **kwargs)

    monkeypatch.setattr(screen_module, "list_names", counted)
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        assert pages == [0]
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f2")  # back: what changed meanwhile shows
        await settle(pilot)
        assert pages == [0, 0]
