"""What this install holds about a person, kind by kind (domain.data_categories).

A referral shows what goes with it, the export preview what goes and what stays, and
both read it here, so a category is named only where there is data in it. Each line is a
stored field, filed under the category the one table gives it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from ungtui.domain.data_categories import CATEGORIES, category_of
from ungtui.domain.identity import mask_identity
from ungtui.domain.mapping import SCHOOLING, SUPPORT, SWEDISH_LEVELS
from ungtui.domain.measures import MEASURE_STATUSES
from ungtui.domain.vocabulary import GENDERS, STATUSES
from ungtui.domain.way import PHASES


@dataclass(frozen=True)
class FactLine:
    category: str
    label: str
    value: str


# (table, column, label) of the person record, in the order a reader expects them.
_PERSON = (
    ("first_name", "Förnamn"),
    ("last_name", "Efternamn"),
    ("identity_number", "Identitetsnummer"),
    ("birth_date", "Född"),
    ("gender", "Kön"),
    ("residence_permit_date", "Första uppehållstillstånd"),
    ("phone", "Telefon"),
    ("email", "E-post"),
    ("address", "Adress"),
    ("in_upper_secondary", "Går i gymnasieskolan"),
    ("has_upper_secondary_diploma", "Har gymnasieexamen"),
    ("compulsory_school_done_on", "Grundskolan klar"),
    ("status", "Status"),
)
# Yes-or-no answers: "nej" is an answer too, and it travels with its category (the
# receiver reads a target group from it), so it is named, not taken for empty.
_ANSWERS = {"in_upper_secondary", "has_upper_secondary_diploma"}
_MAPPING = (
    ("schooling", "Skolbakgrund", SCHOOLING),
    ("swedish_level", "Svenska", SWEDISH_LEVELS),
    ("work_experience", "Arbetslivserfarenhet", None),
    ("needs", "Behov", None),
    ("obstacles", "Hinder", None),
    ("goals", "Mål", None),
    ("health", "Hälsa", None),
    ("disability", "Funktionsnedsättning", None),
    ("support", "Försörjning", SUPPORT),
    ("social_situation", "Social situation", None),
)
_UNKNOWN = {"", "okant", None}


def _members(conn: Connection, individual_id: str) -> tuple[str, list[str]]:
    """The id a merged person is shown under, and all of its records."""
    root = conn.exec_driver_sql(
        "SELECT coalesce(merged_into, id) FROM individual WHERE id = ?", (individual_id,)
    ).scalar()
    root = root or individual_id
    members = [
        pid
        for (pid,) in conn.exec_driver_sql(
            "SELECT id FROM individual WHERE id = ? OR merged_into = ?", (root, root)
        )
    ]
    return root, members or [individual_id]


def held_data(conn: Connection, individual_id: str) -> list[FactLine]:
    """Every kind of data held here about the person, as lines; empty and unknown values
    are left out. Identity numbers are masked, as lists show them."""
    root, members = _members(conn, individual_id)
    marks = ", ".join("?" * len(members))
    lines: list[FactLine] = []
    person = conn.exec_driver_sql(
        f"SELECT {', '.join(c for c, _ in _PERSON)} FROM individual"
        " WHERE id = ? AND deleted_at IS NULL",
        (root,),
    ).first()
    if person is not None:
        for (column, label), value in zip(_PERSON, person, strict=True):
            if column in _ANSWERS:
                value = "ja" if value else "nej"
            elif value in _UNKNOWN or value is False or value == 0:
                continue
            if column == "identity_number":
                value = mask_identity(value)
            elif column == "gender":
                if value == "okänt":
                    continue
                value = GENDERS.get(value, value)
            elif column == "status":
                value = STATUSES.get(value, value)
            elif value is True or value == 1:
                value = "ja"
            lines.append(FactLine(category_of("individual", column), label, str(value)))
    mapping = conn.exec_driver_sql(
        f"SELECT {', '.join(c for c, _l, _v in _MAPPING)} FROM mapping"
        f" WHERE individual_id IN ({marks}) AND deleted_at IS NULL"
        " ORDER BY mapped_on DESC, id DESC LIMIT 1",
        tuple(members),
    ).first()
    if mapping is not None:
        for (column, label, vocabulary), value in zip(_MAPPING, mapping, strict=True):
            if value in _UNKNOWN:
                continue
            shown = vocabulary.get(value, value) if vocabulary else value
            lines.append(FactLine(category_of("mapping", column), label, str(shown)))
    phase = conn.exec_driver_sql(
        f"SELECT phase, note FROM way_phase WHERE individual_id IN ({marks})"
        " AND deleted_at IS NULL ORDER BY started_on DESC, id DESC LIMIT 1",
        tuple(members),
    ).first()
    if phase is not None:
        lines.append(
            FactLine(category_of("way_phase", "phase"), "Fas", PHASES.get(phase[0], phase[0]))
        )
        if phase[1]:
            lines.append(FactLine(category_of("way_phase", "note"), "Om fasen", phase[1]))
    exit_note = conn.exec_driver_sql(
        f"SELECT exit_note FROM way WHERE individual_id IN ({marks}) AND deleted_at IS NULL"
        " AND exit_note != '' ORDER BY entry_date DESC, id DESC LIMIT 1",
        tuple(members),
    ).scalar()
    if exit_note:
        lines.append(FactLine(category_of("way", "exit_note"), "Vid avslut", exit_note))
    for name, status in conn.exec_driver_sql(
        "SELECT coalesce(m.name, ''), im.status FROM individual_measure im"
        " LEFT JOIN measure m ON m.id = im.measure_id"
        f" WHERE im.individual_id IN ({marks}) AND im.deleted_at IS NULL"
        " AND im.status IN ('planerad', 'pagaende') ORDER BY im.start_date",
        tuple(members),
    ):
        lines.append(
            FactLine(
                category_of("individual_measure", "measure_id"),
                "Insats",
                f"{name} ({MEASURE_STATUSES.get(status, status).lower()})",
            )
        )
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(lines, key=lambda line: order[line.category])


def held_categories(conn: Connection, individual_ids: Iterable[str]) -> dict[str, set[str]]:
    """For each person, the categories this install holds any data in."""
    found: dict[str, set[str]] = defaultdict(set)
    for pid in individual_ids:
        found[pid] = {line.category for line in held_data(conn, pid)}
    return found


def facts_by_category(lines: Iterable[FactLine]) -> dict[str, list[FactLine]]:
    grouped: dict[str, list[FactLine]] = {}
    for line in lines:
        grouped.setdefault(line.category, []).append(line)
    return grouped
