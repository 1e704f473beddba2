"""Conflicts a caseworker can read (issue 14, item 7): every record kind and field has a
Swedish name, values read as names, and shipped starting content never conflicts."""

from __future__ import annotations

from dataclasses import replace

from tests.sync_helpers import Install
from ungtui.services.processes.processes import get_process, process_input, save_process
from ungtui.services.processes.starting_content import load_starting_content, shipped_id
from ungtui.services.sync.conflicts import list_conflicts
from ungtui.services.sync.record_labels import COLUMN_LABELS, RECORD_KINDS, column_label
from ungtui.services.sync.sync import open_conflicts
from ungtui.sync.organisations import ORG_REFERENCES
from ungtui.sync.state import SYNCED_COLUMNS, TABLES


def test_every_synced_record_and_field_has_a_swedish_name():
    assert set(RECORD_KINDS) == set(TABLES)
    unnamed = [
        (tbl, col)
        for tbl, columns in SYNCED_COLUMNS.items()
        for col in columns
        if column_label(tbl, col) == col
    ]
    assert unnamed == []
    assert column_label("organisation", "kind") == "Sorts organisation"
    assert column_label("individual", "phone") == "Telefon"
    assert COLUMN_LABELS["how_done"] == "Så bedrivs arbetet"


def test_every_column_that_holds_an_organisation_is_known_as_one():
    named_like_one = {
        (tbl, col)
        for tbl, columns in SYNCED_COLUMNS.items()
        for col in columns
        if col.endswith("organisation_id") or col in ("parties", "notice_given_by", "ended_by")
    }
    assert named_like_one == {
        (tbl, col) for tbl, columns in ORG_REFERENCES.items() for col in columns
    }


def edit_title(install: Install, process_id: str, title: str) -> None:
    data = replace(process_input(install.db, process_id), title=title)
    save_process(install.db, data, actor_id=install.user.staff_id, process_id=process_id)


def test_shipped_content_loaded_on_two_installs_never_conflicts(tmp_path):
    kommun = Install(tmp_path / "k.db", "Sofia Berg")
    af = Install(
        tmp_path / "a.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="AF Malmö Unga",
    )
    for install in (kommun, af):
        load_starting_content(install.db, actor_id=install.user.staff_id)
    process = shipped_id("process", "13-jobbspar-malmo")
    # The kommun edits a shipped process before the installs have exchanged anything.
    edit_title(kommun, process, "Jobbspår i Malmö 2026")
    kommun.send(af, for_organisation=af.user.organisation_id)
    af.send(kommun, for_organisation=kommun.user.organisation_id)
    for install in (kommun, af):
        assert open_conflicts(install.db) == []
        assert get_process(install.db, process).title == "Jobbspår i Malmö 2026"


def test_a_conflict_reads_as_names_not_ids(tmp_path):
    a = Install(tmp_path / "a.db", "Sofia Berg")
    b = Install(tmp_path / "b.db", "Jonas Ek", join=a)
    for install in (a, b):
        load_starting_content(install.db, actor_id=install.user.staff_id)
    process = shipped_id("process", "13-jobbspar-malmo")
    edit_title(a, process, "Jobbspår Malmö")
    edit_title(b, process, "Jobbspåren i Malmö")
    a.send(b)
    [view] = list_conflicts(b.db)
    assert (view.kind, view.field_label, view.person) == ("Arbetsprocess", "Titel", "")
    assert view.subject == "Jobbspåren i Malmö"
    assert view.record == "Arbetsprocess: Jobbspåren i Malmö"
    assert sorted(v.shown for v in view.values) == ["Jobbspår Malmö", "Jobbspåren i Malmö"]
    assert {v.where for v in view.values} == {"den här datorn", "Malmö stad"}


def test_older_installs_authors_of_shipped_first_versions_settle_by_themselves(tmp_path):
    from ungtui.services.processes.processes import import_process
    from ungtui.services.processes.starting_content import process_files

    kommun = Install(tmp_path / "k.db", "Sofia Berg")
    af = Install(
        tmp_path / "a.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="AF Malmö Unga",
    )
    name, text = next(p for p in process_files() if p[0] == "13-jobbspar-malmo")
    for install in (kommun, af):
        load_starting_content(install.db, actor_id=install.user.staff_id)
    # As versions before this one loaded it: each install's own user as the first author.
    process = shipped_id("process", name)
    for install in (kommun, af):
        with install.db.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM sync_row WHERE tbl = 'work_process'")
            conn.exec_driver_sql("DELETE FROM sync_row WHERE tbl = 'work_process_version'")
            conn.exec_driver_sql("DELETE FROM work_process_version")
            conn.exec_driver_sql("DELETE FROM work_process")
        import_process(install.db, text, actor_id=install.user.staff_id, new_id=process)
    kommun.send(af, for_organisation=af.user.organisation_id)
    assert open_conflicts(af.db) == []  # settled on taking the file in
    af.send(kommun, for_organisation=kommun.user.organisation_id)
    assert open_conflicts(kommun.db) == []
    with kommun.db.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT author_id FROM work_process_version WHERE process_id = ?", (process,)
        ).all() == [(None,)]
