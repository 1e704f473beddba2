"""Issue 14 on screen, by real keys: the first run offers the parties, the sender records
an answer only for a receiver without ungtui, the Synk screen says what the next file is
and whom a withdrawal removed, the list shows people brought in by an import, and F7
again leaves 1–5 to the tabs."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from tests.sync_helpers import Install, add_person, contact_consent
from tests.tui.helpers import settle, type_text
from tests.tui.test_referrals_screen import World
from ungtui.services.consent.consents import withdraw_consent
from ungtui.services.people.organisations import add_organisation
from ungtui.services.referrals.referrals import TransitionInput, get_referral, transition_referral
from ungtui.services.sync.sync_files import export_file, import_file, peek_sender
from ungtui.store.database import open_database
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.people.individuals import IndividualsScreen
from ungtui.tui.screens.referrals.referral_detail import ReferralDetailScreen
from ungtui.tui.screens.referrals.referral_step import StepScreen
from ungtui.tui.screens.setup import SetupScreen
from ungtui.tui.screens.sync.sync import SyncScreen

PASSPHRASE = "blåbär cykel tisdag hamn"


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_first_run_offers_the_parties_of_the_starting_content(tmp_path):
    db = open_database(tmp_path / "ny.db")
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SetupScreen)
        await type_text(pilot, "Ahmed Yusuf")
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        await pilot.press("down", "enter")  # the first: Arbetsförmedlingen (202100-2114)
        await settle(pilot)
        assert str(app.screen.query_one("#organisation", Select).value) == "nr:202100-2114"
        assert not app.screen.query_one("#field-org_nr").display  # nothing to type
        app.screen.query_one("#unit_name", Input).focus()
        await type_text(pilot, "Arbetsförmedlingen Malmö Unga")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the starting content is offered
        assert app.user.organisation_name == "Arbetsförmedlingen"
        assert app.user.organisation_id == "f32c3c9b-9198-5038-a402-5ef131905064"
    db.close()


async def test_the_sender_answers_for_a_receiver_only_by_saying_so(tmp_path):
    world = World(tmp_path / "remisser.db")
    referral = world.draft_to_af(world.asa)
    transition_referral(world.db, world.kommun, referral, TransitionInput(action="send"))
    app = UngApp(world.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        footer_keys = {key for key, b in app.screen.active_bindings.items() if b.enabled}
        assert "o" in footer_keys and "m" not in footer_keys
        next_steps = text_of(app, "#referral-next")
        assert "Mottagaren ska ta emot remissen i sin ungtui" in next_steps
        await pilot.press("m")  # the receiver's key does nothing for the sender
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # "Ta emot"
        await settle(pilot)
        assert isinstance(app.screen, StepScreen)
        assert "Mottagaren använder inte ungtui" in text_of(app, "#for-receiver-line")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralDetailScreen)
        history = app.screen.query_one("#referral-events", DataTable)
        last = [str(cell) for cell in history.get_row_at(history.row_count - 1)]
        assert last[1] == "Mottagen"
        assert last[3].startswith("Registrerat av avsändaren åt mottagaren")
        assert text_of(app, "#referral-share").splitlines()[0] == (
            "Lämnades ut 2026-11-24: Identitet, Arbete och insatser."
        )

        # Åsa withdraws her consent for AF (walker29 #1, #7): the view says so, and what
        # went at sending is still said as it went. AF has no install here, so answers it
        # gave by phone before can still be recorded for it.
        with world.db.engine.connect() as conn:
            (consent,) = conn.exec_driver_sql(
                "SELECT id FROM consent WHERE individual_id = ? AND organisation_id = ?",
                (world.asa, world.af.organisation_id),
            ).one()
        withdraw_consent(world.db, consent, actor_id=world.kommun.staff_id)
        app.screen.load()  # as on return to the screen
        await settle(pilot)
        state = text_of(app, "#referral-state").splitlines()
        assert state[0].startswith("Läge: Mottagen ")
        assert state[1].strip() == "samtycket återkallat 2026-11-24"
        share = text_of(app, "#referral-share").splitlines()
        assert share[:2] == [
            "Lämnades ut 2026-11-24: Identitet, Arbete och insatser.",
            "Nu: Inget samtycke från Malmö stad – Arbetsmarknadsenheten till "
            "Arbetsförmedlingen för remiss eller anvisning till insats: inga uppgifter "
            "följer med.",
        ]
        assert " ".join(text_of(app, "#referral-next").split()).endswith(
            "Samtycket återkallades 2026-11-24: inga fler uppgifter om personen får lämnas "
            "till Arbetsförmedlingen för remissen. Hela remissen, med deras svar, finns kvar "
            "här. Svar som mottagaren redan gett utanför ungtui: o registrerar dem."
        )
    detail = get_referral(world.db, referral)
    assert (detail.state, detail.events[-1].for_receiver) == ("received", True)
    world.db.close()


def two_installs(tmp_path) -> tuple[Install, Install]:
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    af = Install(
        tmp_path / "af.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    add_organisation(kommun.db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    return kommun, af


def export_for(sender: Install, receiver: Install, folder: Path) -> Path:
    return export_file(
        sender.db,
        for_organisation=receiver.user.organisation_id,
        out=folder,
        passphrase=PASSPHRASE,
    ).path


async def import_by_keys(pilot, path: Path) -> None:
    """Synk → Läs in: the file, the passphrase, Enter; a new sender is confirmed."""
    await pilot.press("f7")
    await settle(pilot)
    await pilot.press("2")
    field = pilot.app.screen.query_one("#import-file", Input)
    field.value = ""
    await type_text(pilot, str(path))
    await pilot.press("tab")
    pilot.app.screen.query_one("#import-passphrase", Input).value = ""
    await type_text(pilot, PASSPHRASE)
    await pilot.press("enter")
    await settle(pilot)
    if isinstance(pilot.app.screen, ConfirmScreen):
        await pilot.press("enter")  # the fingerprint was compared by phone
        await settle(pilot)


async def test_an_import_fills_the_list_and_a_withdrawal_says_whom_by_name(tmp_path):
    kommun, af = two_installs(tmp_path)
    asa = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    consent = contact_consent(kommun, af, asa)
    # 18 and, at the kommun, KAA: the consent covers neither school nor status (walker29 #6).
    marta = add_person(
        kommun, identity="080229-1237", first_name="Märta [b]x[/b]", last_name="Östlund [/]"
    )
    contact_consent(kommun, af, marta)
    first = export_for(kommun, af, tmp_path)
    app = UngApp(af.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IndividualsScreen)
        assert text_of(app, "#list-status").startswith("0 deltagare")
        await import_by_keys(pilot, first)
        assert text_of(app, "#import-result").startswith("Inläst: ")
        await pilot.press("f2")  # back to the list: both are there without a search
        await settle(pilot)
        assert text_of(app, "#list-status").startswith("2 deltagare")
        table = app.screen.query_one("#individuals", DataTable)
        cells = [str(c) for c in table.get_row_at(1)]
        assert cells[0] == "Östlund [/], Märta [b]x[/b]"
        assert "16–24, 16–29" in cells and "saknas" in cells
        assert not any("KAA" in c for c in cells)
        await pilot.press("down", "enter")
        await settle(pilot)
        shown = " ".join(text_of(app, "#identity-section").split())
        assert "Status: uppgift saknas" in shown
        assert "Går i gymnasieskolan: uppgift saknas Gymnasieexamen: uppgift saknas" in shown
        assert "Grundskolan klar: uppgift saknas Hos AF: uppgift saknas" in shown
        assert "Har inte lämnats hit: Utbildning och skolgång, Arbete och insatser" in shown
        assert text_of(app, "#responsible-section") == (
            "Ingen ansvarig här. Ansvarig hos Malmö stad: uppgift saknas."
        )
        groups = " ".join(text_of(app, "#groups-section").split())
        assert groups == (
            "• Unga 16–24: 18 år (16–24 år) • Unga 16–29: 18 år (16–29 år) "
            "• KAA: kan inte avgöras: uppgift om gymnasieskola och examen saknas här"
        )
        # The consent that brought her is in her history, on its first day (it was
        # recorded at the kommun, not here).
        history = app.screen.query_one("#history", DataTable)
        assert history.row_count == 1
        at, what, old, new, who = (str(c) for c in history.get_row_at(0))
        assert (at, what, old, who) == ("2026-11-01", "Samtycke lämnat", "", "Sofia Berg")
        assert new.startswith("Arbetsförmedlingen: Kont")  # the rest in the row's detail
        await pilot.press("escape")
        await settle(pilot)
        # The export starts with the one party that has sent files here, the nämnd that
        # sent them, not with AF itself, which is marked (walker29 #9).
        await pilot.press("f7", "1")
        await settle(pilot)
        org = app.screen.query_one("#export-org", Select)
        labels = {value: str(label) for label, value in org._options}
        assert labels[str(org.value)] == "Malmö stad (212000-1124) – Arbetsmarknadsenheten"
        assert labels[af.user.organisation_id] == (
            "Arbetsförmedlingen (202100-2114) (din egen organisation)"
        )
        await pilot.press("f2")
        await settle(pilot)

        withdraw_consent(kommun.db, consent, actor_id=kommun.user.staff_id)
        second = export_for(kommun, af, tmp_path)
        await import_by_keys(pilot, second)
        result = text_of(app, "#import-result")
        # The consent covered contact details only: the caseworker record never went.
        assert "Borttaget om Åsa Ek: 1 samtycke, personen från " in result
        await pilot.press("f9")  # the screen is shared: initials only
        await settle(pilot)
        result = text_of(app, "#import-result")
        assert "Borttaget om Å.E. (f. 1981):" in result and "Åsa" not in result
    kommun.db.close()
    af.db.close()


async def test_the_export_tab_says_full_or_since_when_and_f7_again_leaves_digits_to_tabs(
    tmp_path,
):
    kommun, af = two_installs(tmp_path)
    app = UngApp(kommun.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        org = app.screen.query_one("#export-org", Select)
        org.value = af.user.organisation_id
        await settle(pilot)
        assert (
            "Fullständig export: Arbetsförmedlingen har inte skickat någon fil hit än."
            in text_of(app, "#export-preview")
        )
        # A round trip: the kommun's file read at AF, AF's file read here.
        path = export_for(kommun, af, tmp_path)
        _site, fingerprint = peek_sender(path)
        import_file(af.db, path, passphrase=PASSPHRASE, trust=fingerprint)
        back = export_for(af, kommun, tmp_path)
        await import_by_keys(pilot, back)
        await pilot.press("1")
        org.value = kommun.user.organisation_id
        await settle(pilot)
        org.value = af.user.organisation_id
        await settle(pilot)
        assert "Ändringar sedan förra bekräftade filen: Arbetsförmedlingen har bekräftat" in (
            text_of(app, "#export-preview")
        )
        # Typing in a field, leaving for the list and coming back with F7: 3 is a tab.
        await pilot.press("2")
        app.screen.query_one("#import-file", Input).focus()
        await type_text(pilot, "/media/usb")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "tab-conflicts"
        assert app.screen.query_one("#import-file", Input).value == "/media/usb"

        # A consent AF has had data under is withdrawn: the preview says what goes at AF
        # and what stays, as the withdrawal does it (AF's answers to referrals from here
        # go with the referral there, and stay here).
        asa = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
        consent = contact_consent(kommun, af, asa)
        import_file(af.db, export_for(kommun, af, tmp_path), passphrase=PASSPHRASE)
        withdraw_consent(kommun.db, consent, actor_id=kommun.user.staff_id)
        await pilot.press("1")
        org.value = kommun.user.organisation_id
        await settle(pilot)
        org.value = af.user.organisation_id
        await settle(pilot)
        assert (
            "Tas bort hos Arbetsförmedlingen: 1 person som de har fått uppgifter om härifrån, "
            "eftersom samtycket har upphört: allt som kom härifrån om personen, som ansvarig "
            "handläggare, remisser och punkter på möten. Det de själva har skrivit om personen "
            "finns kvar hos dem, utom deras svar på remisser härifrån: de tas bort där med "
            "remissen men finns kvar här."
        ) in " ".join(text_of(app, "#export-preview").split())
        # Her consent was the only one (walker29 #9): none is in force, and it says so.
        assert text_of(app, "#export-preview").startswith(
            "Inga gällande samtycken från er till Arbetsförmedlingen. Följer med: 0 personer, "
        )
    kommun.db.close()
    af.db.close()


async def test_an_organisation_without_a_number_gets_one_under_duplicates(tmp_path):
    from ungtui.services.people.organisations import list_organisations
    from ungtui.services.processes.starting_content import load_starting_content
    from ungtui.services.unit_of_work import UnitOfWork
    from ungtui.store.models import Organisation

    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    load_starting_content(kommun.db, actor_id=kommun.user.staff_id)
    # As a peer's file can bring one: an organisation known by name only.
    with UnitOfWork(kommun.db, kommun.user.staff_id) as uow:
        uow.create(Organisation(name="Ljungby kommun", org_nr=None, kind="kommun"))
    app = UngApp(kommun.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("4", "tab")  # the organisations' table
        await settle(pilot)
        table = app.screen.query_one("#org-duplicates", DataTable)
        # Only the one added here: the starting content's Värnamo, Gnosjö, Gislaved and
        # samordningsförbund have no number in the seeds either, but their ids are the
        # same on every install, so a fresh install has nothing to do about them.
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "Ljungby kommun (org.nr saknas)",
        ]
        await pilot.press("o")
        await settle(pilot)
        await type_text(pilot, "212000-0588")  # a wrong check digit
        await pilot.press("enter")
        await settle(pilot)
        assert table.row_count == 1
        await pilot.press("o")
        await settle(pilot)
        await type_text(pilot, "212000-0589")
        await pilot.press("enter")
        await settle(pilot)
        assert table.row_count == 0
        assert str(app.screen.query_one("#org-duplicates-help").render()) == (
            "Alla organisationer har organisationsnummer och ingen finns två gånger."
        )
    assert [o.org_nr for o in list_organisations(kommun.db) if o.name == "Ljungby kommun"] == [
        "212000-0589"
    ]
    kommun.db.close()
