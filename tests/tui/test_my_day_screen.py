"""Min dag, the start screen, driven by real keys: every line opens its thing with Enter,
a heading opens the whole list, F10 comes back from anywhere."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList, Select

from tests.tui.helpers import screen_text, settle
from ungtui.services.people.organisations import list_organisations
from ungtui.services.sync.sync_files import export_file
from ungtui.tui.app import UngApp
from ungtui.tui.screens.meetings.meeting import MeetingScreen
from ungtui.tui.screens.my_day import MyDayScreen
from ungtui.tui.screens.referrals.referral_detail import ReferralDetailScreen
from ungtui.tui.screens.referrals.referrals import ReferralsScreen
from ungtui.tui.screens.sync.sync import SyncScreen
from ungtui.tui.screens.way.follow_ups_due import FollowUpsDueScreen
from ungtui.tui.screens.way.way import WayScreen


@pytest.fixture
def demo_db(demo_copy):
    return demo_copy(300, 1)


def option_ids(app) -> list[str]:
    day = app.screen.query_one("#day", OptionList)
    return [day.get_option_at_index(i).id or "" for i in range(day.option_count)]


async def choose(pilot, prefix: str) -> None:
    """Move to the first line whose id starts with `prefix` and press Enter."""
    day = pilot.app.screen.query_one("#day", OptionList)
    day.highlighted = next(i for i, o in enumerate(option_ids(pilot.app)) if o.startswith(prefix))
    await pilot.press("enter")
    await settle(pilot)


async def test_the_app_opens_on_min_dag(demo_db, opens_on_min_dag):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MyDayScreen)
        text = screen_text(pilot)
        assert text.splitlines()[1].strip().startswith("F10 Min dag")
        assert "Min dag · tisdag 2026-11-24 · Sofia Berg" in text
        for title in (
            "Möten i dag och i morgon",
            "Remisser som väntar på svar",
            "Mina åtgärder från möten",
            "Garantigränser för dina deltagare",
            "Uppföljningar efter avslut",
            "Dina ändringar hos andra",
        ):
            assert title in text


async def test_each_line_opens_its_thing(demo_db, opens_on_min_dag):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await choose(pilot, "moten:")
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MyDayScreen)
        await choose(pilot, "remisser:")
        assert isinstance(app.screen, ReferralDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        await choose(pilot, "atgarder:")
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("escape")
        await settle(pilot)
        await choose(pilot, "uppfoljningar:")
        assert isinstance(app.screen, WayScreen)
        await pilot.press("f10")  # in its own section: back to the start
        await settle(pilot)
        assert isinstance(app.screen, MyDayScreen)
        assert len(app.screen_stack) == 1


async def test_a_heading_opens_the_whole_list(demo_db, opens_on_min_dag):
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The demo's 12 follow-ups of Sofia's people overdue by more than two weeks are
        # counted first, in the heading's count too, and the line opens the whole list.
        text = screen_text(pilot)
        assert "Uppföljningar efter avslut (14)" in text
        assert "! 12 uppföljningar försenade mer än två veckor · Enter visar hela listan" in text
        await choose(pilot, "all:uppfoljningar:")
        assert isinstance(app.screen, FollowUpsDueScreen)
        # The list is Sofia's, as Min dag counted it (12 + 2 = 14); v shows the register.
        text = screen_text(pilot)
        assert "Uppföljningar att göra för dina deltagare" in text
        intro = str(app.screen.query_one("#due-intro").render())
        assert intro.startswith("12 uppföljningar är försenade och 2 ska göras inom 14 dagar.")
        await pilot.press("v")
        await settle(pilot)
        text = screen_text(pilot)
        assert "Uppföljningar att göra i hela registret" in text
        intro = str(app.screen.query_one("#due-intro").render())
        assert intro.startswith("45 uppföljningar är försenade och 6 ska göras inom 14 dagar.")
        assert "v Visa mina" in text.splitlines()[-1]
        await pilot.press("escape")
        await settle(pilot)
        await choose(pilot, "all:remisser")
        assert isinstance(app.screen, ReferralsScreen)
        await pilot.press("f10")  # from another section
        await settle(pilot)
        assert isinstance(app.screen, MyDayScreen)


async def test_a_partner_line_opens_the_export_for_that_partner(demo_db, tmp_path):
    [af] = [o for o in list_organisations(demo_db) if o.name == "Arbetsförmedlingen"]
    export_file(demo_db, for_organisation=af.id, out=tmp_path, passphrase="teamets lösenfras")
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert "Arbetsförmedlingen har allt du ändrat" in screen_text(pilot)
        await choose(pilot, "synk:")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert app.screen.query_one("#export-org", Select).value == af.id


async def test_min_dag_fits_80_columns_and_24_lines(demo_db, opens_on_min_dag):
    app = UngApp(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_text(pilot).splitlines()
        assert len(lines) == 24
        assert lines[-1].rstrip().endswith("^q Avsluta")
        assert "F9 Dela skärm" in "\n".join(lines[1:3])


async def test_a_guarantee_line_opens_the_way(demo_db, opens_on_min_dag):
    from ungtui.services.people.individuals import IndividualInput, save_individual
    from ungtui.services.people.organisations import current_user, list_organisations
    from ungtui.services.processes.agreements import AgreementInput, save_agreement
    from ungtui.services.way.guarantee_rules import set_agreement_guarantee
    from ungtui.services.way.way import WayStartInput, start_way

    me = current_user(demo_db)
    # The guarantee is an agreement's: one of Malmö and AF, 16–24, 90 days from the yes.
    af = next(o.id for o in list_organisations(demo_db) if o.kind == "af")
    kontrakt = save_agreement(
        demo_db,
        AgreementInput(title="Ungdomskontraktet", party_ids=[me.organisation_id, af]),
        actor_id=None,
    )
    set_agreement_guarantee(demo_db, kontrakt, min_age=16, max_age=24, days=90, actor_id=None)
    person = save_individual(
        demo_db,
        IndividualInput(first_name="Örjan", last_name="Testsson Åberg", birth_date="2004-03-01"),
        actor_id=me.staff_id,
        organisation_id=me.organisation_id,
    )
    start_way(
        demo_db,
        person,
        WayStartInput(entry_date="2026-09-01", joined_on="2026-09-01"),
        actor_id=None,
    )
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Testsson Åberg, Örjan · gräns 2026-11-30 (6 dagar kvar)" in screen_text(pilot)
        await choose(pilot, "garanti:")
        assert isinstance(app.screen, WayScreen)
        assert app.screen.individual_id == person


def a_referral_due_today(db) -> None:
    """Sent by me to Arbetsförmedlingen about a made-up person, answer due today."""
    from ungtui.services.people.individuals import IndividualInput, save_individual
    from ungtui.services.people.organisations import current_user
    from ungtui.services.referrals.referrals import (
        ReferralDraft,
        TransitionInput,
        create_referral,
        transition_referral,
    )

    me = current_user(db)
    af = next(o.id for o in list_organisations(db) if o.name == "Arbetsförmedlingen")
    person = save_individual(
        db,
        IndividualInput(first_name="Örjan", last_name="Testsson Åberg", birth_date="2004-03-01"),
        actor_id=me.staff_id,
        organisation_id=me.organisation_id,
    )
    referral = create_referral(
        db,
        me,
        ReferralDraft(
            individual_id=person,
            to_organisation_id=af,
            kind="provider",
            measure="Språkstöd",
            purpose="Stöd mot arbete",
            reply_by="2026-11-24",
        ),
    )
    transition_referral(
        db, me, referral, TransitionInput("send", exception_ground="Lag (2001:453) 12 kap.")
    )


async def test_the_first_frame_holds_the_referrals_before_the_full_read(
    demo_db, opens_on_min_dag, monkeypatch
):
    a_referral_due_today(demo_db)
    line = (
        "Testsson Åberg, Örjan · Språkstöd · väntar på svar från Arbetsförmedlingen"
        " · svar senast i dag"
    )
    # Without the full read (services, SQLAlchemy): what the screen's own first read shows.
    monkeypatch.setattr(MyDayScreen, "load", lambda self: None)
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        text = screen_text(pilot)
        assert "Remisser som väntar på svar" in text
        assert line in text
        guarantee = text.index("Garantigränser för dina deltagare")
        assert text[guarantee:].splitlines()[1].strip() == "Hämtar …"
        assert "Hämtar …" in text.splitlines()[-2]  # the status line: the rest is coming
        await pilot.press("f9")  # the screen is shared: initials only
        await settle(pilot)
        text = screen_text(pilot)
        assert "Örjan" not in text
        assert "Ö.T.Å. · Språkstöd · väntar på svar" in text  # every name word


async def test_the_full_read_keeps_the_first_reads_lines(demo_db, opens_on_min_dag, monkeypatch):
    import ungtui.tui.screens.my_day as screen_module

    a_referral_due_today(demo_db)
    first_reads = []
    read = screen_module.first_parts

    def first_parts(*args, **kwargs):
        first_reads.append({p.key: p for p in read(*args, **kwargs)})
        return list(first_reads[-1].values())

    monkeypatch.setattr(screen_module, "first_parts", first_parts)
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MyDayScreen)
        assert screen.complete
        [first] = first_reads
        full = {p.key: p for p in screen.parts}
        assert "Språkstöd" in full["remisser"].lines[-1].text  # due today, after the late ones
        for key in ("moten", "remisser", "atgarder", "synk"):
            assert full[key] == first[key]
        assert first["garanti"].empty == "Hämtar …"
        assert "Hämtar …" not in screen_text(pilot)
        assert "Enter öppnar raden, på en rubrik hela listan" in screen_text(pilot)


async def test_esc_from_another_section_lands_on_min_dag_itself(demo_db, opens_on_min_dag):
    """Not on the meeting opened from Min dag before going elsewhere: F10 goes there."""
    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await choose(pilot, "moten:")
        assert isinstance(app.screen, MeetingScreen)
        for key in ("f2", "f7", "escape"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, MyDayScreen)
        assert app.current_mode == "min_dag"


async def test_a_heading_opens_the_list_even_when_a_meeting_was_left_open(
    demo_db, opens_on_min_dag
):
    from ungtui.tui.screens.meetings.meetings import MeetingsScreen

    app = UngApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in ("f3", "enter"):
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)
        await pilot.press("f10")
        await settle(pilot)
        await choose(pilot, "all:moten")
        assert isinstance(app.screen, MeetingsScreen)
