"""Names and free text are data on every screen: markup is shown as written, escape codes
never reach the terminal, a very long word does not break anything.

The database is demo data whose names and texts are then overwritten straight in the
store, as a peer's sync file or an older version could have left them (the write door
would refuse most of them today)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from textual.widgets import DataTable, OptionList, Select

from tests.tui.helpers import settle, type_text
from ungtui.demo.fill import fill_demo
from ungtui.store.database import open_database
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen

LONG = "Ordmedmånga" + "bokstäver" * 40
LAST = ["[/]Trasig", "[@click=app.quit]Klick", LONG]
FIRST = [
    "[bold red]Röd",
    "Esc\x1b]0;Hackad\x07\x1b[2J\x1b]52;c;aGVq\x07\x9b2J",
    "[link=http://x]Länk",
]
# What each may show, whole or cut by a narrow column.
SHOWN = ("[/]Trasig", "[@click=app.quit]", "Ordmedmångabokstäver", "[bold red]", "[link=")
TEXT = [
    "[/]Trasig text [bold red]röd",
    "Klick [@click=app.quit]\x1b]0;Hackad\x07 slut\x1b[2J",
    "Lång " + LONG,
]

# Columns that hold names or typed text, by table.
COLUMNS = {
    "organisation": ["name"],
    "unit": ["name"],
    "meeting": ["title", "place"],
    "meetingattendee": ["name", "organisation_name"],
    "agendaitem": ["title", "notes"],
    "meetingdecision": ["text"],
    "meetingaction": ["what", "responsible_name", "organisation_name"],
    "referral": ["measure", "purpose"],
    "referral_event": ["note", "reason"],
    "work_process": ["title", "what_agreed", "how_done", "responsible_role"],
    "agreement": ["title", "purpose"],
    "measure": ["name"],
    "job_track": ["name", "employer"],
    "way_phase": ["note"],
    "consent": ["purpose"],
}


@pytest.fixture(scope="session")
def _hostile_file(tmp_path_factory):
    return []


@pytest.fixture
def hostile_db(_hostile_file, tmp_path_factory, tmp_path):
    # Made once a session, by the first test to ask (on the tests' fixed day), and copied.
    if not _hostile_file:
        made = tmp_path_factory.mktemp("fientlig") / "fientlig.db"
        make_hostile(made)
        _hostile_file.append(made)
    path = tmp_path / "fientlig.db"
    shutil.copy(_hostile_file[0], path)
    db = open_database(path)
    yield db
    db.close()


def make_hostile(path) -> None:
    db = open_database(path)
    fill_demo(db, individuals=12, seed=4)
    db.close()
    conn = sqlite3.connect(path)
    ids = [r[0] for r in conn.execute("SELECT id FROM individual ORDER BY sort_key, id")]
    for index, pid in enumerate(ids):
        conn.execute(
            "UPDATE individual SET last_name = ?, first_name = ?, address = ?, phone = ?,"
            " sort_key = ? WHERE id = ?",
            (LAST[index % 3], FIRST[index % 3], TEXT[index % 3], FIRST[1], f"{index:03d}", pid),
        )
    for table, columns in COLUMNS.items():
        rows = [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
        for index, row_id in enumerate(rows):
            sets = ", ".join(f"{c} = ?" for c in columns)
            values = [
                TEXT[index % 3]
                if c not in ("name", "title")
                else LAST[index % 3] + " " + FIRST[index % 3]
                for c in columns
            ]
            conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*values, row_id))
    # The user too: the header names them, their unit and organisation.
    conn.execute(
        "UPDATE staff SET name = ? WHERE id = (SELECT value FROM setting"
        " WHERE key = 'current_staff_id')",
        ("[/]Trasig Handläggare\x1b]0;titel\x07",),
    )
    conn.commit()
    conn.close()


def rendered(app) -> tuple[str, str]:
    """The screen as text, and the bytes that would go to the terminal."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    raw = update.render_segments(app.console)
    text = "\n".join("".join(s.text for strip in line for s in strip) for line in update.strips)
    return text, raw


def check(app, *, names: bool = True) -> str:
    text, raw = rendered(app)
    for steering in ("\x1b]", "\x07", "\x1b[2J", "\x9b"):
        assert steering not in raw, (type(app.screen).__name__, repr(steering))
    if names:
        assert any(s in text for s in SHOWN), (type(app.screen).__name__, text)
    return text


async def visit(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def test_the_register_and_a_person(hostile_db):
    app = UngApp(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = check(app)
        assert "[/]Trasig, [bold re" in text
        assert "[@click=app.quit]Kl" in text
        assert "[/]Trasig Handläggare]0;titel" in text  # the header
        # Each person, whatever their name: details, form, way, referrals, log, extract.
        for row in range(3):
            await visit(pilot, "f2")
            table = app.screen.query_one("#individuals", DataTable)
            table.move_cursor(row=row)
            await visit(pilot, "enter")
            text = check(app)
            assert LAST[row][:9] in text
            for key in ("e", "p", "r", "l", "a"):
                await visit(pilot, key)
                check(app, names=key not in ("a",))
                await visit(pilot, "escape")
                if isinstance(app.screen, ConfirmScreen):  # the form asks before closing
                    await visit(pilot, "tab", "enter")
            await visit(pilot, "u")
            check(app)
            await visit(pilot, "escape", "escape")
        assert app.is_running


async def test_lists_from_the_register(hostile_db):
    app = UngApp(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await visit(pilot, "g")
        check(app, names=False)
        await visit(pilot, "escape", "j")
        check(app)
        await visit(pilot, "enter")
        check(app, names=False)
        await visit(pilot, "escape", "escape", "u")
        check(app, names=False)
        await visit(pilot, "escape")
        # Ctrl+P finds a person by their name's letters and shows the name as text.
        await pilot.press("ctrl+p")
        await type_text(pilot, "trasig")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert "[/]Trasig" in check(app)
        await visit(pilot, "escape")
        assert app.is_running


async def test_meetings_referrals_processes_and_the_rest(hostile_db):
    app = UngApp(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await visit(pilot, "f3")
        await visit(pilot, "down", "up")
        check(app)
        await visit(pilot, "enter")
        check(app)
        await visit(pilot, "b")
        check(app)
        await visit(pilot, "escape", "escape", "a")
        check(app)
        await visit(pilot, "escape", "f4")
        check(app)
        await visit(pilot, "enter")
        check(app)
        await visit(pilot, "escape", "f5")
        check(app)
        await visit(pilot, "enter")
        check(app)
        await visit(pilot, "escape", "a")
        check(app)
        await visit(pilot, "enter")
        check(app)
        await visit(pilot, "escape", "escape", "f6")
        check(app, names=False)
        agreements = app.screen.query_one("#fu-agreement", Select)
        await visit(pilot, "a", "enter")
        check(app)
        await visit(pilot, "escape")
        assert agreements is not None
        await visit(pilot, "f7")
        check(app)  # the organisations to export to
        for tab in ("4", "5"):
            await visit(pilot, tab)
            check(app, names=False)
        await visit(pilot, "f8")
        check(app)
        assert app.is_running


async def test_min_dag_and_the_sync_file_picker(hostile_db, opens_on_min_dag, tmp_path):
    """The start screen's lines, and a folder's sync files: a file name and a sender's
    name come from outside as much as a person's name does."""
    from textual.widgets import Input

    from ungtui.services.people.organisations import current_user
    from ungtui.services.sync.sync_files import export_file
    from ungtui.tui.screens.my_day import MyDayScreen

    usb = tmp_path / "usb"
    usb.mkdir()
    user = current_user(hostile_db)
    made = export_file(
        hostile_db, for_organisation=user.organisation_id, out=usb, passphrase="korv med bröd"
    ).path
    made.rename(usb / "[bold red]Trasig\x1b]0;Hackad\x07.ungsync")
    app = UngApp(hostile_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MyDayScreen)
        check(app)
        await visit(pilot, "f9")  # shared: initials instead of the names
        check(app, names=False)
        await visit(pilot, "f9", "f7", "2")
        field = app.screen.query_one("#import-file", Input)
        field.focus()
        await type_text(pilot, str(usb))
        await visit(pilot, "enter")
        files = app.screen.query_one("#import-files", DataTable)
        assert files.row_count == 1
        text = check(app)
        assert "[bold red]Trasig]0;Hackad" in text  # the file name, steering removed
        assert "[/]Trasig [bold red]Röd" in text  # the sender: this install's organisation
        # Chosen, the name shows in the path field cleaned; the file read is still the
        # one chosen (this install's own, which it says and leaves alone).
        files.focus()
        await visit(pilot, "enter")
        assert field.value == f"{usb}/[bold red]Trasig]0;Hackad.ungsync"
        check(app)
        await type_text(pilot, "korv med bröd")
        await visit(pilot, "enter")
        result = str(app.screen.query_one("#import-result").render())
        assert result == "Filen är skapad av den här installationen. Inget har ändrats."
        assert app.is_running


async def test_a_narrow_screen_writes_out_hidden_cells_as_text(hostile_db):
    """At 80 columns the lists leave columns out and write them under the table: names of
    staff and organisations there are text too."""
    app = UngApp(hostile_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        check(app)
        table = app.screen.query_one("#individuals", DataTable)
        table.move_cursor(row=1)  # a name cut in its column: written out in full below
        await settle(pilot)
        assert "Namn: [@click=app.quit]Klick, Esc]0;Hackad" in check(app)
        for row in range(3):
            table = app.screen.query_one("#individuals", DataTable)
            table.move_cursor(row=row)
            await visit(pilot, "enter")
            check(app)
            await visit(pilot, "escape")
        await visit(pilot, "f3", "a")
        check(app)
        assert app.is_running


async def test_notifications_and_questions_quote_names_as_text(hostile_db):
    app = UngApp(hostile_db)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.notify("Personen [/]Trasig \x1b]0;x\x07 är sparad.", title="[@click=app.quit]")
        await settle(pilot)
        await pilot.pause(0.2)
        text = check(app)
        assert "Personen [/]Trasig ]0;x är sparad." in text
        # A question naming an organisation: withdrawing a consent.
        table = app.screen.query_one("#individuals", DataTable)
        for row in range(table.row_count):
            table.move_cursor(row=row)
            await visit(pilot, "enter")
            # Each consent is an option of its own (issue 17); none: one disabled line.
            consents = app.screen.query_one("#consents", OptionList)
            if consents.option_count and not consents.get_option_at_index(0).disabled:
                break
            await visit(pilot, "escape")
        await visit(pilot, "w")
        text = check(app)
        assert "Återkalla samtycke?" in text
        await visit(pilot, "escape")
        assert app.is_running


def test_a_text_built_from_data_loses_its_steering_characters_and_keeps_its_styles():
    """Text(name) is no markup, yet an escape code in the name would reach the terminal:
    plain() and PlainTable clean such Texts too."""
    from rich.text import Text

    from ungtui.tui.widgets.plain import clean_text, plain

    built = Text("Ek\x1b]0;Hackad\x07 Åsa", style="bold")
    built.stylize("red", 0, 2)
    cleaned = clean_text(built)
    assert cleaned.plain == "Ek]0;Hackad Åsa"
    from rich.console import Console

    console = Console()
    assert cleaned.get_style_at_offset(console, 0).color.name == "red"
    assert cleaned.get_style_at_offset(console, 12).bold
    assert plain("Till: ", built).plain == "Till: Ek]0;Hackad Åsa"
    untouched = Text("Öberg")
    assert clean_text(untouched) is untouched
