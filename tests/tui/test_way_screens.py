"""The way, an agreement's guarantee list and job tracks, driven by real keys (today is
2026-11-24)."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from tests.tui.helpers import settle, type_text
from ungtui.domain.way import OUTCOMES
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.way.measures import list_catalogue
from ungtui.services.way.way import (
    PLANNED_CHOICES,
    MappingInput,
    WayStartInput,
    save_mapping,
    start_way,
)
from ungtui.store.models import IndividualMeasure, JobTrack, Way
from ungtui.tui.app import UngApp
from ungtui.tui.screens.people.individual_detail import IndividualDetailScreen
from ungtui.tui.screens.way.guarantee import GuaranteeScreen
from ungtui.tui.screens.way.job_tracks import JobTracksScreen
from ungtui.tui.screens.way.way import WayScreen
from ungtui.tui.screens.way.way_forms import WayFormScreen


def contract(db, user) -> str:
    """An agreement like Ungdomskontraktet, of the user's organisation: 16–24, 90 days."""
    from ungtui.services.people.organisations import add_organisation
    from ungtui.services.processes.agreements import AgreementInput, save_agreement
    from ungtui.services.way.guarantee_rules import set_agreement_guarantee

    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    aid = save_agreement(
        db,
        AgreementInput(title="Ungdomskontraktet", party_ids=[user.organisation_id, af]),
        actor_id=None,
    )
    set_agreement_guarantee(db, aid, min_age=16, max_age=24, days=90, actor_id=None)
    return aid


def add_person(db, user, first: str, birth: str) -> str:
    return save_individual(
        db,
        IndividualInput(first_name=first, last_name="Lind", birth_date=birth),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


async def choose(pilot, select_id: str, label: str, labels: list[str]) -> None:
    """Open a Select and move to `label` with the arrow keys (the blank comes first)."""
    pilot.app.screen.query_one(f"#{select_id}").focus()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("home")
    for _ in range(labels.index(label) + 1):
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_start_a_way_and_a_measure_from_the_person(db, user):
    contract(db, user)
    add_person(db, user, "Alva", "2006-04-02")
    names = [r.name for r in list_catalogue(db)]
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        assert "Ingen väg registrerad" in str(app.screen.query_one("#way-summary").render())
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        entry = app.screen.query_one("#in-entry_date", Input)
        entry.value = ""
        entry.focus()
        await type_text(pilot, "2026-08-20")  # first contact
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        summary = str(app.screen.query_one("#way-summary").render())
        assert "Inflöde/uppsökande sedan 2026-08-20" in summary
        assert "Garanti: Ungdomskontraktet: har inte tackat ja (t registrerar dagen)" in summary
        # She accepted the offer on 2026-09-01: the 90 days run from then.
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        joined = app.screen.query_one("#in-joined_on", Input)
        joined.value = ""
        joined.focus()
        await type_text(pilot, "2026-08-19")  # before first contact: refused
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        error = str(app.screen.query_one("#field-joined_on .field-error").render())
        assert error == "Vägen började 2026-08-20; personen kan inte tacka ja före det."
        joined.value = ""
        await type_text(pilot, "2026-09-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        summary = str(app.screen.query_one("#way-summary").render())
        assert "Tackade ja: 2026-09-01" in summary
        assert "Ungdomskontraktet: Inom 14 dagar · gräns 2026-11-30 (6 dagar kvar)" in summary

        # A traineejobb today is refused at the start field and nothing is saved.
        await pilot.press("i")
        await settle(pilot)
        await choose(
            pilot,
            "in-measure_id",
            "Traineejobb (giltig till 2017-12-31)",
            [n if n != "Traineejobb" else "Traineejobb (giltig till 2017-12-31)" for n in names],
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        error = str(app.screen.query_one("#field-start_date .field-error").render())
        assert error == "Traineejobb kan inte startas 2026-11-24: inga nya beslut efter 2017-12-31."
        with db.session() as session:
            assert session.exec(select(IndividualMeasure)).all() == []

        # Praktik, started today, keeps the promise and moves the way to insats.
        labels = [
            n if n != "Traineejobb" else "Traineejobb (giltig till 2017-12-31)" for n in names
        ]
        await choose(pilot, "in-measure_id", "Praktik", labels)
        await choose(
            pilot, "in-status", "Pågående", ["Planerad", "Pågående", "Avslutad", "Avbruten"]
        )
        hours = app.screen.query_one("#in-hours_per_week", Input)
        hours.focus()
        await type_text(pilot, "20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        rows = cells(app.screen.query_one("#measures", DataTable))
        assert rows == [["Praktik", "2026-11-24", "", "20", "Pågående", "", ""]]
        summary = str(app.screen.query_one("#way-summary").render())
        assert "Insats sedan 2026-11-24" in summary
        assert "Uppfylld · gräns 2026-11-30" in summary


async def test_health_is_hidden_until_asked_for(db, user):
    pid = add_person(db, user, "Hodan", "2004-05-05")
    start_way(db, pid, WayStartInput(entry_date="2026-10-01"), actor_id=None)
    save_mapping(
        db,
        pid,
        MappingInput(mapped_on="2026-10-08", goals="Undersköterska", health="Astma"),
        actor_id=None,
    )
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_person(pid)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        mapping = app.screen.query_one("#mapping-section", Static)
        assert "Undersköterska" in str(mapping.render())
        assert "Astma" not in str(mapping.render())
        await pilot.press("h")
        assert "Astma" in str(mapping.render())
        await pilot.press("h")
        assert "Astma" not in str(mapping.render())


async def test_the_guarantee_list_opens_the_way(db, user):
    contract(db, user)

    def joined(on: str) -> WayStartInput:
        return WayStartInput(entry_date=on, joined_on=on)

    near = add_person(db, user, "Nära", "2005-01-01")
    start_way(db, near, joined("2026-08-30"), actor_id=None)  # 2026-11-28
    late = add_person(db, user, "Sen", "2002-01-01")
    start_way(db, late, joined("2026-08-01"), actor_id=None)  # 2026-10-30
    early = add_person(db, user, "Tidig", "2005-01-01")
    start_way(db, early, joined("2026-10-01"), actor_id=None)
    # First contact only: no promise yet, nothing to watch.
    start_way(db, add_person(db, user, "Kontakt", "2005-01-01"), WayStartInput("2026-06-01"),
              actor_id=None)  # fmt: skip
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        register = app.screen.query_one("#individuals", DataTable)
        marks = {r[0]: r[-1] for r in cells(register)}
        assert marks == {
            "Lind, Kontakt": "",
            "Lind, Nära": "! 2026-11-28 garanti",
            "Lind, Sen": "! 2026-10-30 garanti",
            "Lind, Tidig": "2026-12-30 garanti",
        }
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GuaranteeScreen)
        rows = cells(app.screen.query_one("#watch", DataTable))
        assert [(r[0], r[4], r[5]) for r in rows] == [
            ("Lind, Sen", "2026-10-30", "passerad 25 d"),
            ("Lind, Nära", "2026-11-28", "4 dagar kvar"),
        ]
        intro = str(app.screen.query_one("#watch-intro").render())
        assert "1 har passerat gränsen och 1 har högst 14 dagar kvar" in intro
        assert (
            "Ungdomskontraktet: 16–24 år den dag personen tackar ja; en insats som leder mot "
            "arbete eller studier inom 90 dagar"
        ) in intro
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        assert app.screen.individual_id == late
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#individuals", DataTable) is not None


async def test_a_job_track_is_added_and_counted(db, user):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, JobTracksScreen)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "Jobbspår vård")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        assert "Ange arbetsgivare eller bransch." in str(
            app.screen.query_one("#field-employer .field-error").render()
        )
        app.screen.query_one("#in-employer", Input).focus()
        await type_text(pilot, "Region Skåne")
        app.screen.query_one("#in-period_from", Input).focus()
        await type_text(pilot, "2026-01-15")
        app.screen.query_one("#in-places", Input).focus()
        await type_text(pilot, "60")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, JobTracksScreen)
        rows = cells(app.screen.query_one("#tracks", DataTable))
        assert rows == [
            [
                "Jobbspår vård",
                "Region Skåne",
                "2026-01-15 – tills vidare",
                "60",
                "0",
                "0",
                "–",
            ]
        ]
        goal = str(app.screen.query_one("#goal").render())
        # A track of no agreement counts for no agreement's goal.
        assert "1 jobbspår hör inte till någon överenskommelse" in goal
        with db.session() as session:
            assert session.exec(select(JobTrack.name)).all() == ["Jobbspår vård"]
            assert session.exec(select(Way)).all() == []


def test_one_day_is_a_day():
    from datetime import date
    from types import SimpleNamespace

    from ungtui.tui.screens.way.way import guarantee_text

    def text(days_left):
        g = SimpleNamespace(
            state="passerad" if days_left < 0 else "nara",
            agreement="Ungdomskontraktet",
            label="Passerad" if days_left < 0 else "Inom 14 dagar",
            deadline=date(2026, 11, 30),
            days_left=days_left,
        )
        return guarantee_text(SimpleNamespace(guarantee=g)).plain

    assert text(-1).endswith("gräns 2026-11-30 (1 dag sedan)")
    assert text(1).endswith("(1 dag kvar)")
    assert text(-3).endswith("(3 dagar sedan)")


async def test_closing_a_way_asks_about_planned_measures(db, user):
    from ungtui.domain.measures import national_measure_id
    from ungtui.services.way.way import MeasureInput, save_individual_measure

    person = add_person(db, user, "Bea", "2004-05-05")
    way = start_way(db, person, WayStartInput(entry_date="2026-09-01"), actor_id=None)
    save_individual_measure(
        db,
        way,
        MeasureInput(
            measure_id=national_measure_id("praktik"), start_date="2026-12-07", status="planerad"
        ),
        actor_id=None,
    )
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "p")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        hint = str(app.screen.query_one("#field-planned .field-hint", Static).render())
        assert hint == "Praktik (2026-12-07)"
        await choose(pilot, "in-outcome", "Arbete utan subvention", [o for o in OUTCOMES.values()])
        await pilot.press("ctrl+s")  # the planned measure not decided on: asked at its field
        await settle(pilot)
        error = str(app.screen.query_one("#field-planned .field-error", Static).render())
        assert error == "Vägen har en planerad insats. Välj om den tas bort eller står kvar."
        choices = list(PLANNED_CHOICES.values())
        await choose(pilot, "in-planned", PLANNED_CHOICES["ta_bort"], choices)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        assert app.screen.query_one("#measures", DataTable).row_count == 0


async def test_a_follow_up_before_its_day_asks_for_the_reason(db, user):
    from ungtui.services.way.way import ExitInput, exit_way

    person = add_person(db, user, "Cim", "2003-05-05")
    way = start_way(db, person, WayStartInput(entry_date="2026-01-12"), actor_id=None)
    exit_way(db, way, ExitInput("2026-10-01", "arbete"), actor_id=None)
    # Dan left in May: his 90-day follow-up was due 2026-07-30 and is not done.
    late = add_person(db, user, "Dan", "2002-02-02")
    late_way = start_way(db, late, WayStartInput(entry_date="2026-01-12"), actor_id=None)
    exit_way(db, late_way, ExitInput("2026-05-01", "arbete"), actor_id=None)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        listed = cells(app.screen.query_one(DataTable))
        assert [row[-1] for row in listed] == ["2026-12-30 uppf. 90 d", "! 2026-07-30 uppf. 90 d"]
        await pilot.press("down", "enter", "p")
        await settle(pilot)
        summary = str(app.screen.query_one("#way-summary", Static).render())
        assert "Nästa datum: 2026-07-30 uppf. 90 d – försenad" in summary
        await pilot.press("escape", "escape", "up", "enter", "p")
        await settle(pilot)
        summary = str(app.screen.query_one("#way-summary", Static).render())
        assert summary.endswith("Nästa datum: 2026-12-30 uppf. 90 d")
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, WayFormScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#field-note .field-error", Static).render())
        assert error == (
            "Uppföljningen efter 90 dagar ska göras 2026-12-30. Skriv i anteckningen "
            "varför den görs tidigare (minst tio tecken)."
        )
        note = app.screen.query_one("#in-note", Input)
        note.focus()
        await type_text(pilot, "Flyttar till Umeå")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, WayScreen)
        rows = cells(app.screen.query_one("#follow-ups", DataTable))
        assert rows[0][:3] == ["90 dagar", "2026-12-30", "2026-11-24"]
