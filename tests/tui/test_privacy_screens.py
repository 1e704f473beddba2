"""Screen-share mode, the idle lock and the audit log, driven by real keys."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from tests.tui.helpers import row_text, settle, type_text
from ungtui.services.audit import AuditFilter, list_entries
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.privacy.privacy_settings import privacy_settings, save_privacy_settings
from ungtui.tui.app import UngApp
from ungtui.tui.screens.people.individual_detail import IndividualDetailScreen
from ungtui.tui.screens.privacy.audit_log import AuditLogScreen
from ungtui.tui.screens.privacy.lock import LockScreen
from ungtui.tui.screens.privacy.privacy_settings import PrivacySettingsScreen


@pytest.fixture
def person(db, user):
    return save_individual(
        db,
        IndividualInput(
            identity="20050317-9806",
            first_name="Åsa",
            last_name="Öberg",
            phone="070-1234567",
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def list_cells(app) -> list[tuple[str, str]]:
    table = app.screen.query_one("#individuals", DataTable)
    return [tuple(row_text(table, i)[:2]) for i in range(table.row_count)]


async def test_screen_share_masks_list_and_detail_until_switched_off(db, user, person):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert list_cells(app) == [("Öberg, Åsa", "20050317-XXXX")]
        await pilot.press("v")  # reveal the number…
        assert list_cells(app) == [("Öberg, Åsa", "20050317-9806")]
        await pilot.press("f9")  # …screen-share masks it anyway
        await settle(pilot)
        assert list_cells(app) == [("Å.Ö.", "20050317-XXXX")]
        assert "SKÄRMDELNING" in app.title
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IndividualDetailScreen)
        shown = str(app.screen.query_one("#identity-section", Static).render())
        title = str(app.screen.query_one("#person-title", Static).render())
        assert title == "Å.Ö."
        assert "070-1234567" not in shown and "9806" not in shown
        await pilot.press("v")  # revealing is refused while sharing
        shown = str(app.screen.query_one("#identity-section", Static).render())
        assert "20050317-XXXX" in shown
        await pilot.press("f9")
        await settle(pilot)
        title = str(app.screen.query_one("#person-title", Static).render())
        assert title == "Öberg, Åsa"
        assert "SKÄRMDELNING" not in app.title


async def test_idle_lock_covers_the_screen_and_any_key_unlocks(db, user, person):
    clock = FakeClock()
    app = UngApp(db, monotonic=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clock.now += 9 * 60 + 59
        app.lock_if_idle()
        await pilot.pause()
        assert not isinstance(app.screen, LockScreen)
        clock.now += 1  # ten minutes without a key: the default
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        text = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Öberg" not in text and "20050317" not in text
        await pilot.press("f7")  # section keys do not get past the lock
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, LockScreen)
        await pilot.press("x")
        await pilot.pause()
        assert not isinstance(app.screen, LockScreen)
        assert not app.locked
        # Tab is any key too, though it moves the focus everywhere else.
        clock.now += 10 * 60
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await pilot.press("tab")
        await pilot.pause()
        assert not isinstance(app.screen, LockScreen)


async def test_lock_with_passphrase_wants_the_right_one(db, user, person):
    save_privacy_settings(db, idle_minutes="2", new_passphrase="hemligt ord")
    clock = FakeClock()
    app = UngApp(db, monotonic=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        clock.now += 60
        await pilot.press("down")  # a key resets the idle time
        clock.now += 90
        app.lock_if_idle()
        await pilot.pause()
        assert not isinstance(app.screen, LockScreen)
        clock.now += 30
        app.lock_if_idle()
        await pilot.pause()
        assert isinstance(app.screen, LockScreen)
        await type_text(pilot, "fel ord")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        error = str(app.screen.query_one("#lock-error", Static).render())
        assert error == "Fel lösenfras. Försök igen."
        await type_text(pilot, "hemligt ord")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, LockScreen)


async def test_privacy_settings_refuse_bad_minutes_and_save_good_ones(db, user):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_privacy_settings()
        await settle(pilot)
        assert isinstance(app.screen, PrivacySettingsScreen)
        minutes = app.screen.query_one("#idle_minutes", Input)
        assert minutes.value == "10"
        minutes.value = ""
        await type_text(pilot, "tio")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PrivacySettingsScreen)
        error = app.screen.query_one("#field-idle_minutes .field-error", Static)
        assert "siffra" in str(error.render())
        assert privacy_settings(db).idle_minutes == 10
        minutes.value = ""
        await type_text(pilot, "3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, PrivacySettingsScreen)
        assert app.privacy.idle_minutes == 3  # in force at once, no restart
    assert privacy_settings(db).idle_minutes == 3


async def test_opening_a_person_is_logged_and_the_log_shows_it(db, user, person):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, AuditLogScreen)
        table = app.screen.query_one("#audit", DataTable)
        rows = [row_text(table, i)[1:] for i in range(table.row_count)]
        assert rows == [
            ["Sofia Berg", "Visade", "Åsa Öberg", "personakt"],
            ["Sofia Berg", "Skapade", "Åsa Öberg", "ansvarig handläggare"],
            ["Sofia Berg", "Skapade", "Åsa Öberg", "personuppgifter"],
        ]
        await pilot.press("escape", "escape", "f8")
        await settle(pilot)
        assert app.current_mode == "logg"
        assert app.screen.query_one("#audit", DataTable).row_count == 3
    assert [e.detail for e in list_entries(db, AuditFilter(action="visade"))] == ["personakt"]


async def test_screen_share_shows_initials_on_the_meeting_agenda(tmp_path):
    from textual.widgets import OptionList

    from ungtui.demo.fill import fill_demo
    from ungtui.store.database import open_database
    from ungtui.tui.screens.meetings.meeting import MeetingScreen

    db = open_database(tmp_path / "demo.db")
    fill_demo(db, individuals=40, seed=3)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("enter")  # the group meeting of today, first in the list
        await settle(pilot)
        assert isinstance(app.screen, MeetingScreen)

        def agenda() -> list[str]:
            options = app.screen.query_one(OptionList)
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        names = agenda()
        await pilot.press("f9")
        await settle(pilot)
        shared = agenda()
        assert len(shared) == len(names)
        changed = [(a, b) for a, b in zip(names, shared, strict=True) if a != b]
        assert changed, "some person on the agenda must be shown differently"
        for full, masked in changed:
            # "2. Förnamn Efternamn (f. 2004)" becomes "2. F.E. (f. 2004)"-style initials
            assert "." in masked.split(" ", 1)[1] and len(masked) < len(full)
    db.close()


async def test_the_log_says_when_the_day_typed_is_no_day(db, user, person):
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        status = app.screen.query_one("#audit-status", Static)
        await pilot.press("d")
        await type_text(pilot, "2026-02-30")
        await settle(pilot)
        # "2026-02-3" on the way was a day; the 30th of February is not.
        assert str(status.render()) == "Datumet 2026-02-30 finns inte."
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#day", Input)
        await pilot.press("ctrl+u")
        await type_text(pilot, "xyz")
        await settle(pilot)
        assert str(status.render()).startswith("”xyz” förstås inte som en dag.")
        await pilot.press("ctrl+u")
        await type_text(pilot, "2026-11-23")
        await settle(pilot)
        assert str(status.render()) == "Måndag 2026-11-23: inga poster."
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.focused is app.screen.query_one("#audit", DataTable)
