"""Lawful sharing on screen, by real keys: what goes with a referral, what a file carries
per person, a consent for someone under 18, what may be said in a meeting, and which nämnd
a unit belongs to."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, OptionList, Select, Static

from tests.tui.helpers import settle, type_text
from tests.tui.test_referrals_screen import World, open_section
from ungtui.services.meetings.meeting_agenda import add_person_item
from ungtui.services.meetings.meetings import MeetingInput, add_staff_attendee, save_meeting
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import list_units
from ungtui.services.way.way import MappingInput, save_mapping
from ungtui.store.models import Consent
from ungtui.tui.app import UngApp
from ungtui.tui.screens.meetings.meeting import MeetingScreen
from ungtui.tui.screens.people.individual_detail import IndividualDetailScreen
from ungtui.tui.screens.people.units import UnitsScreen
from ungtui.tui.screens.referrals.referral_detail import ReferralDetailScreen


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_a_referral_shows_what_goes_with_it_and_what_stays(tmp_path):
    world = World(tmp_path / "remisser.db")
    save_mapping(
        world.db,
        world.asa,
        MappingInput(mapped_on="2026-11-20", work_experience="Lager", health="Astma"),
        actor_id=world.kommun.staff_id,
    )
    world.draft_to_af(world.asa)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        share = text_of(app, "#referral-share")
        # The consent to AF for referrals covers work and measures only.
        assert share.splitlines() == [
            "Samtycke från Malmö stad – Arbetsmarknadsenheten till Arbetsförmedlingen för "
            "remiss eller anvisning till insats.",
            "Identitet: Förnamn: Åsa; Efternamn: Öberg; Identitetsnummer: 20050317-XXXX; "
            "Född: 2005-03-17",
            "Arbete och insatser: Status: Aktiv; Arbetslivserfarenhet: Lager",
            # Her "nej" to the school questions is held here too, and does not go.
            "Stannar här: Utbildning och skolgång, Hälsa och funktionsnedsättning.",
        ]
        await pilot.press("f9")  # the screen is shared: values hidden, kinds still named
        await settle(pilot)
        share = text_of(app, "#referral-share")
        assert "Öberg" not in share and "Lager" not in share
        assert "Arbete och insatser: Status: (dolt); Arbetslivserfarenhet: (dolt)" in share
    world.db.close()


async def test_the_export_preview_says_per_person_what_goes_and_what_stays(tmp_path):
    world = World(tmp_path / "remisser.db")
    save_mapping(
        world.db,
        world.asa,
        MappingInput(mapped_on="2026-11-20", schooling="grundskola", health="Astma"),
        actor_id=world.kommun.staff_id,
    )
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        app.screen.query_one("#export-org", Select).value = world.af.organisation_id
        await settle(pilot)
        # Åsa's consent to AF is for referrals, and AF has sent her a referral: it counts,
        # for work and measures. Örjan has no consent and is not named.
        assert text_of(app, "#export-people").splitlines() == [
            "Per person, det som följer med och det som stannar här:",
            "Öberg, Åsa (f. 2005): följer med: Identitet, Arbete och insatser · stannar här: "
            "Utbildning och skolgång, Hälsa och funktionsnedsättning",
        ]
        preview = text_of(app, "#export-preview")
        assert preview.startswith("Följer med: 1 person,")
        # Not only consents: what belongs to referrals and meetings with AF goes too.
        assert "och det som hör till remisser och möten med Arbetsförmedlingen." in preview
        assert "Följer inte med: 1 person " in preview
        assert "Att mottagaren har ärendet räcker inte." in preview
        await pilot.press("f9")
        await settle(pilot)
        assert text_of(app, "#export-people").splitlines()[1].startswith("Å.Ö. (f. 2005): ")
    world.db.close()


async def test_a_consent_for_someone_under_18_records_how_it_was_given(tmp_path):
    world = World(tmp_path / "remisser.db")
    mira = save_individual(
        world.db,
        IndividualInput(identity="20090502-9807", first_name="Mira", last_name="Lund"),
        actor_id=world.kommun.staff_id,
        organisation_id=world.kommun.organisation_id,
    )
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_person(mira)
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#organisation_id", Select).value = (
            f"{world.af.organisation_id}#"
        )
        app.screen.query_one("#organisation_id", Select).focus()
        await pilot.press("tab", "space")  # the first purpose
        await pilot.press("tab", "tab", "space")  # the first kind of data
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = app.screen.query_one("#field-minor_basis .field-error", Static).render()
        assert str(error).startswith("Personen är under 18 år")
        app.screen.query_one("#minor_basis", Select).value = "mognad"
        await settle(pilot)
        app.screen.query_one("#minor_note").focus()
        await type_text(pilot, "Förstår vad samtycket innebär.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        consents = app.screen.query_one("#consents", OptionList)
        shown = str(consents.get_option_at_index(0).prompt).splitlines()
        assert shown[-1] == (
            "Under 18: Den unga har själv samtyckt och bedöms mogen nog: Förstår vad "
            "samtycket innebär."
        )
    with world.db.session() as session:
        [saved] = session.exec(select(Consent).where(Consent.individual_id == mira)).all()
    assert (saved.minor_basis, saved.minor_note) == ("mognad", "Förstår vad samtycket innebär.")
    world.db.close()


async def test_a_meeting_says_what_may_be_taken_up(tmp_path):
    world = World(tmp_path / "remisser.db")
    meeting = save_meeting(
        world.db,
        MeetingInput(kind="samverkansgrupp", title="Samverkansgrupp", when="2026-11-24 10:00"),
        actor_id=world.kommun.staff_id,
    )
    add_staff_attendee(world.db, meeting, world.af.staff_id, actor_id=world.kommun.staff_id)
    add_person_item(world.db, meeting, world.asa, actor_id=world.kommun.staff_id)
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(MeetingScreen(meeting))
        await settle(pilot)
        # Åsa's consent to AF is for referrals, not for the joint planning of this group.
        warning = text_of(app, "#item-warning")
        assert warning.startswith(
            "⚠ Inget samtycke att lämna uppgifter om personen till Arbetsförmedlingen."
        )
        footer_keys = {key for key, b in app.screen.active_bindings.items() if b.enabled}
        assert "enter" not in footer_keys  # no notes to write here
    world.db.close()


async def test_units_get_their_namnd_by_keys(tmp_path):
    world = World(tmp_path / "remisser.db")
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(UnitsScreen())
        await settle(pilot)
        table = app.screen.query_one("#units", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["Arbetsförmedlingen", "Malmö Unga", "Arbetsförmedlingen", ""],
            ["Malmö stad", "Jobbcenter Unga", "Arbetsmarknadsenheten", "antaget"],
        ]
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Gymnasieskolan och KAA
        await settle(pilot)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[1] == ["Malmö stad", "Jobbcenter Unga", "Gymnasieskolan och KAA", ""]
    [unit] = [u for u in list_units(world.db) if u.name == "Jobbcenter Unga"]
    assert (unit.domain, unit.assumed) == ("skola_kaa", False)
    world.db.close()
