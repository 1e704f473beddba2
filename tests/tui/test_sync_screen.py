"""The Synk screen, driven by real keys: export, import with the trust question, conflicts."""

from __future__ import annotations

from textual.widgets import Checkbox, DataTable, Input, Select, Static, TabbedContent, Tabs

from tests.sync_helpers import Install, add_person, edit
from tests.tui.helpers import burst, row_text, screen_text, settle, type_text
from ungtui.demo.fill import fill_demo
from ungtui.services.people.individuals import get_individual
from ungtui.services.sync.refused_files import refused_files
from ungtui.services.sync.sync import (
    Sender,
    build_changes,
    duplicate_queue,
    import_changes,
    open_conflicts,
)
from ungtui.store.database import open_database
from ungtui.sync import state
from ungtui.tui.app import UngApp
from ungtui.tui.screens.confirm import ConfirmScreen
from ungtui.tui.screens.sync.sync import SyncScreen

PASSPHRASE = "korv med bröd och senap"


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_export_from_one_install_and_import_on_another(tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    sender = open_database(tmp_path / "karin.db")
    fill_demo(sender, individuals=15, seed=8)
    app = UngApp(sender)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        # Several other parties and none has sent a file: no receiver is chosen for the
        # user (least of all their own nämnd, which a first export went to unasked).
        org = app.screen.query_one("#export-org", Select)
        assert org.is_blank()
        assert text_of(app, "#export-preview").startswith("Välj mottagare i listan")
        labels = [str(option[0]) for option in org._options]
        [own] = [n for n, label in enumerate(labels) if label.endswith("(din egen nämnd)")]
        assert labels[own] == "Malmö stad (212000-1124) – Arbetsmarknadsenheten (din egen nämnd)"
        org.focus()
        await pilot.press("enter", *["down"] * own, "enter")  # the prompt is option 0
        await settle(pilot)
        # One's own nämnd, where everything travels.
        assert "följer allt med: 15 personer" in text_of(app, "#export-preview")
        await pilot.press("tab")
        out = app.screen.query_one("#export-out", Input)
        out.value = ""
        await type_text(pilot, str(usb))
        await pilot.press("tab", "tab")
        await type_text(pilot, "kort")
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert "minst 10 tecken" in text_of(app, "#export-result")
        assert list(usb.iterdir()) == []

        app.screen.query_one("#export-passphrase", Input).value = ""
        app.screen.query_one("#export-passphrase", Input).focus()
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")  # in the field, as in Läs in: no Tab to the button
        await settle(pilot)
        assert f"ändringar sparade i {usb}/" in text_of(app, "#export-result")
        # The phrase is not kept where the next keys would change it unseen: cleared, and
        # the focus on the tab bar, where 2 opens Läs in.
        assert app.screen.query_one("#export-passphrase", Input).value == ""
        assert isinstance(app.focused, Tabs)
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "tab-import"
        # F7 in a field of the section: out of the field, to the tab bar.
        app.screen.query_one("#import-passphrase", Input).focus()
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.focused, Tabs)
        await pilot.press("1")
        await settle(pilot)
        # An emptied path is the usual export folder, named in full; not the folder the
        # app was started from.
        app.screen.query_one("#export-out", Input).value = ""
        full = app.screen.query_one("#export-full", Checkbox)
        full.value = True
        app.screen.query_one("#export-passphrase", Input).focus()
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        usual = tmp_path / "dokument-ungtui"
        assert text_of(app, "#export-result").startswith("Fullständig export: ")
        assert f" i {usual}/" in text_of(app, "#export-result")
        assert not full.value  # one full file was asked for, not every file from now on
        [second] = list(usual.iterdir())
        # Both installs of this test share that folder: the receiver below reads the
        # first file from the USB stick, by its path.
        second.unlink()
        # Another receiver chosen: the result of the last export does not stay under the
        # new preview, where it would read as that receiver's file.
        app.screen.query_one("#export-org", Select).focus()
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        assert text_of(app, "#export-result") == ""
    [sync_file] = list(usb.iterdir())
    assert sync_file.suffix == ".ungsync"
    sender.close()

    receiver = open_database(tmp_path / "jonas.db")
    fill_demo(receiver, individuals=3, seed=9)
    app = UngApp(receiver)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("2")  # the "Läs in" tab, with the cursor in the file field
        await type_text(pilot, str(sync_file))
        await pilot.press("tab")
        await type_text(pilot, "fel fras men lång nog")
        await pilot.press("enter")
        await settle(pilot)
        # A sender never seen before is asked about before the passphrase is tried.
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # "Det stämmer – läs in"
        await settle(pilot)
        assert "Fel lösenfras" in text_of(app, "#import-result")

        app.screen.query_one("#import-passphrase", Input).value = ""
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")  # the sender confirmed once is not asked about again
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert text_of(app, "#import-result").startswith("Inläst: ")
        # The focus is on the tab bar now (3 would open the conflicts): back to the file.
        await pilot.press("2", "tab", "enter")  # the same file again
        await settle(pilot)
        assert "redan inläst" in text_of(app, "#import-result")
        # Installationer says what was exchanged in words, not sequence numbers.
        app.screen.query_one(Tabs).focus()
        await pilot.press("5")
        await settle(pilot)
        peers = app.screen.query_one("#peers", DataTable)
        _org, _fingerprint, _day, files_read, confirmed = row_text(peers, 0)
        assert (files_read, confirmed) == ("1", "ingen fil än")
        assert [str(c.label) for c in peers.columns.values()][3:] == [
            "Inlästa filer",
            "Har bekräftat",
        ]
    receiver.close()


async def test_settling_a_conflict_with_keys(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    person = add_person(a, first_name="Märta", last_name="Öberg")
    a.send(b)
    edit(a, person, phone="070-111 11 11")
    edit(b, person, phone="070-222 22 22")
    b.send(a)
    app = UngApp(a.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#conflicts", DataTable)
        assert table.row_count == 1
        assert row_text(table, 0)[:5] == [
            "Deltagare",
            "Öberg, Märta",
            "Telefon",
            "070-222 22 22",
            "070-111 11 11",
        ]
        detail = text_of(app, "#conflict-shown") + text_of(app, "#conflict-other")
        assert "Visas nu (den här datorn" not in detail  # b's value, edited later
        assert "Visas nu (Malmö stad, " in detail and "070-222 22 22" in detail
        assert "Andra värdet (den här datorn, " in detail and "070-111 11 11" in detail
        await pilot.press("f9")  # the screen is shared: initials, no values
        await settle(pilot)
        assert [str(cell) for cell in table.get_row_at(0)] == [
            "Deltagare",
            "M.Ö.",
            "Telefon",
            "(dolt)",
            "(dolt)",
        ]
        detail = text_of(app, "#conflict-shown") + text_of(app, "#conflict-other")
        assert "Märta" not in detail and "070-" not in detail
        await pilot.press("f9")
        await settle(pilot)
        await pilot.press("a")  # choose the other value
        await settle(pilot)
        assert table.row_count == 0
    assert open_conflicts(a.db) == []
    assert get_individual(a.db, person).individual.phone == "070-111 11 11"
    a.db.close()
    b.db.close()


async def test_merging_a_duplicate_after_the_question(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    first = add_person(a, first_name="Åsa", last_name="Ek")
    second = add_person(b, first_name="Åsa", last_name="Eek")  # same number, other install
    b.send(a)
    app = UngApp(a.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one("#duplicates", DataTable)
        one, other, number = row_text(table, 0)
        assert {one, other} == {"Ek, Åsa", "Eek, Åsa"}  # in id order, which is random
        assert number == "19811218-XXXX"
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        # Which value the merged person shows is said before: Jonas wrote "Eek" last.
        text = screen_text(pilot)
        assert "Där posterna skiljer sig åt gäller det som skrevs senast:" in text
        assert "Efternamn: Eek (inte Ek)" in text
        await pilot.press("escape")  # thought better of it: nothing merged
        await settle(pilot)
        assert table.row_count == 1
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("enter")  # "Slå ihop"
        await settle(pilot)
        assert table.row_count == 0
    shown = get_individual(a.db, second).individual
    assert shown.id == min(first, second)
    assert shown.last_name == "Eek"  # as the question said
    a.db.close()
    b.db.close()


async def test_import_picks_a_file_from_a_folder_without_typing_its_path(tmp_path):
    from ungtui.config import export_folder
    from ungtui.services.sync.sync_files import export_file

    karin = Install(tmp_path / "karin.db", "Karin Lind")
    add_person(karin, first_name="Märta", last_name="Öberg")
    org = karin.user.organisation_id
    # The sender's file lands in the receiver's ungtui folder (mailed, saved there).
    older = export_file(karin.db, for_organisation=org, out=export_folder(), passphrase=PASSPHRASE)
    add_person(karin, identity="20050317-9806", first_name="Åsa", last_name="Öberg")
    newer = export_file(karin.db, for_organisation=org, out=export_folder(), passphrase=PASSPHRASE)
    receiver = open_database(tmp_path / "jonas.db")
    fill_demo(receiver, individuals=3, seed=9)
    app = UngApp(receiver)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        folders = app.screen.query_one("#import-folder", Select)
        folders.value = str(export_folder())
        await settle(pilot)
        await pilot.press("2")  # the Läs in tab, the cursor in the list of files
        await settle(pilot)
        files = app.screen.query_one("#import-files", DataTable)
        assert app.focused is files
        # The time a file shows is that of its last change, not of the export.
        assert str(next(iter(files.columns.values())).label) == "Ändringar t.o.m."
        assert [str(files.get_row_at(i)[5]) for i in range(files.row_count)] == [
            newer.path.stem,
            older.path.stem,
        ]
        # An organisation is its org.nr: Malmö stad is known here (the demo's), so the
        # file names it although Karin's install never sent anything here. Whom a file is
        # for is in the list, not in its name.
        sender, to, state = files.full_row("0")[1:4]
        assert (sender, to, state) == ("Malmö stad", "Malmö stad – Arbetsmarknadsenheten", "ny")
        await pilot.press("enter")  # the newest
        await settle(pilot)
        assert app.screen.query_one("#import-file", Input).value == str(newer.path)
        assert app.focused is app.screen.query_one("#import-passphrase", Input)
        await type_text(pilot, "fel fras men lång nog")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # the new sender's fingerprint: it matches
        await settle(pilot)
        # Refused: the list says so instead of "ny"; why is said once, under Läs in.
        assert str(files.get_row_at(0)[3]) == "fel lösenfras"
        assert text_of(app, "#import-result").startswith("Fel lösenfras för filen.")
        assert text_of(app, "#import-files-note") == ""
        # The install remembers it, not only the screen: after a restart (the screen's
        # memory gone) the list read again still says so.
        assert refused_files(receiver)[newer.path.name][0] == "fel lösenfras"
        app.screen._refused.clear()
        app.screen.query_one(Tabs).focus()
        await pilot.press("2")  # Läs in again: the folder is read anew
        await settle(pilot)
        assert str(files.get_row_at(0)[3]) == "fel lösenfras"
        files.move_cursor(row=0)
        # Another file chosen: the last file's message is not left under it.
        files.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert text_of(app, "#import-result") == ""
        assert text_of(app, "#import-files-note") == ""
        # Back on the refused file, the list says why.
        files.focus()
        await pilot.press("up")
        await settle(pilot)
        assert text_of(app, "#import-files-note").startswith(
            f"{newer.path.name}: Fel lösenfras för filen."
        )
        # A damaged copy from the same sender: the fingerprint confirmed once still
        # holds (it is the sender's key, and a damaged body does not change who sent it).
        damaged = tmp_path / "trasig" / newer.path.name
        damaged.parent.mkdir()
        data = bytearray(newer.path.read_bytes())
        data[-100] ^= 0x01
        damaged.write_bytes(bytes(data))
        # A path typed in the list goes to the path field (its digits would switch tabs),
        # also typed in one burst.
        field = app.screen.query_one("#import-file", Input)
        # Enter in an empty path field stays there: the next keys are a path, not the
        # passphrase (walker30 typed a path into the hidden passphrase field).
        field.value = ""
        field.focus()
        await pilot.press("enter")
        assert app.focused is field
        assert text_of(app, "#import-files-note") == "Skriv sökvägen till en synkfil eller en mapp."
        files.focus()
        await pilot.pause()
        burst(app, *str(damaged))
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "tab-import"
        assert app.focused is field
        assert field.value == str(damaged)
        await pilot.press("tab")
        app.screen.query_one("#import-passphrase", Input).value = ""
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)  # not asked about the sender again
        assert text_of(app, "#import-result").startswith("Filen är skadad")
        # The good file, with the right passphrase: read in, no second call either.
        files.focus()
        await pilot.press("enter")
        await settle(pilot)
        app.screen.query_one("#import-passphrase", Input).value = ""
        await type_text(pilot, PASSPHRASE)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert text_of(app, "#import-result").startswith("Inläst: ")
        assert str(files.get_row_at(0)[3]) == "inläst"
        assert newer.path.name not in refused_files(receiver)  # read in: forgotten
        # Away to Min dag; the other party's next file lands in the folder; back, the
        # list is read again (the tab was already the one shown).
        await pilot.press("f10")
        await settle(pilot)
        add_person(karin, identity="20080229-1237", first_name="Ebba", last_name="Ödman")
        newest = export_file(
            karin.db, for_organisation=org, out=export_folder(), passphrase=PASSPHRASE
        )
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert [str(files.get_row_at(i)[5]) for i in range(files.row_count)] == [
            newest.path.stem,
            newer.path.stem,
            older.path.stem,
        ]
        # The cursor left on the file read in last time moves to the newest one not read.
        assert files.cursor_row == 0
        # A folder typed into the file field lists that folder instead.
        field = app.screen.query_one("#import-file", Input)
        field.value = ""
        field.focus()
        await type_text(pilot, str(tmp_path))
        await pilot.press("enter")
        await settle(pilot)
        assert files.row_count == 0
        assert text_of(app, "#import-files-note") == "Inga synkfiler i mappen."
        # Esc leaves the field first (as F1 says), then the section.
        app.screen.query_one("#import-passphrase", Input).focus()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert isinstance(app.focused, Tabs)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SyncScreen)
    receiver.close()


async def test_a_suggested_merge_shows_both_numbers_and_can_be_dismissed(tmp_path):
    """A merge another install made of two records that do not carry one number here is
    a suggestion: Dubbletter names who suggested it, d says they are not one person."""
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    first = add_person(a, identity="811218-9876", first_name="Åsa", last_name="Ek")
    second = add_person(a, identity="000229-9824", first_name="Åsa", last_name="Eek")
    a.send(b)
    changes = build_changes(b.db, for_organisation=None)
    with b.db.engine.connect() as conn:
        stamp = state.clock(conn).last
    changes.merges.append([*sorted((first, second)), stamp, b.site])  # a buggy install
    assert import_changes(a.db, changes, Sender(b.site, b.user.organisation_id)).suggested == 1
    app = UngApp(a.db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        table = app.screen.query_one("#duplicates", DataTable)
        _one, _other, number = table.get_row_at(0)
        assert str(number) in {
            "19811218-XXXX / 20000229-XXXX (förslag: Malmö stad)",
            "20000229-XXXX / 19811218-XXXX (förslag: Malmö stad)",
        }
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # "Inte samma person"
        await settle(pilot)
        assert table.row_count == 0
    assert duplicate_queue(a.db) == []
    # The same merge arriving again does not bring the suggestion back.
    import_changes(a.db, changes, Sender(b.site, b.user.organisation_id))
    assert duplicate_queue(a.db) == []
    assert get_individual(a.db, second).individual.id == second  # never merged
    a.db.close()
    b.db.close()


async def test_a_file_from_an_older_version_lists_and_says_why_in_swedish(tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "gammal.ungsync").write_bytes(b"UNGSYNC1\n" + b"\x00" * 40)
    receiver = open_database(tmp_path / "jonas.db")
    fill_demo(receiver, individuals=3, seed=9)
    app = UngApp(receiver)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        field = app.screen.query_one("#import-file", Input)
        field.focus()
        await type_text(pilot, str(usb))  # a folder typed into the file field lists it
        await pilot.press("enter")
        await settle(pilot)
        files = app.screen.query_one("#import-files", DataTable)
        assert app.focused is files
        # The time a file shows is that of its last change, not of the export.
        assert str(next(iter(files.columns.values())).label) == "Ändringar t.o.m."
        assert [str(c) for c in files.get_row_at(0)[1:6]] == [
            "–",
            "–",
            "oläslig",
            "",
            "gammal",
        ]
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#import-files-note") == (
            "gammal.ungsync: Filen är gjord av en äldre version av ungtui och kan inte läsas in "
            "av den här versionen. Be avsändaren uppdatera ungtui och göra en ny export."
        )
        assert field.value == str(usb)  # nothing chosen to read
        assert app.focused is files
    receiver.close()


async def test_the_first_f7_reads_the_sync_state_once(tmp_path, monkeypatch):
    """Mount and the first showing both asked for a load; the second read was wasted and
    raced the first for the duplicate queue."""
    from ungtui.tui.screens.sync import sync as sync_screen

    reads = []
    real = sync_screen.list_peers
    monkeypatch.setattr(sync_screen, "list_peers", lambda db: reads.append(1) or real(db))
    db = open_database(tmp_path / "en.db")
    fill_demo(db, individuals=3, seed=8)
    app = UngApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert reads == [1]
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f7")  # back again: the state may have changed meanwhile
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert reads == [1, 1]
