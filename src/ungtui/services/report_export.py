"""The follow-up report as it leaves the screen: small numbers hidden, then written as
CSV for Swedish Excel, Markdown for minutes or JSON for other tools.

Only aggregates leave: no row names a person, so an export is not a disclosure of
personal data and is not written to the audit log.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ungtui.domain.fields import spreadsheet_text
from ungtui.domain.referral_vocabulary import REFERRAL_KINDS
from ungtui.domain.suppression import (
    HIDDEN,
    PROTECTED,
    hidden_cells,
    is_small,
    share_is_hidden,
)
from ungtui.services import clock
from ungtui.services.private_files import free_name, write_private_text
from ungtui.services.report import ALL, GENDER_COLUMNS, GENDERS, Cell, Indicator, Report

FORMATS = ("csv", "md", "json")
# Columns of a goal line that are the agreement's own words.
AGREEMENT_WORDS = {"mål", "indikator", "målnivå"}
LEGEND = (
    f"{HIDDEN}: 1–4 personer, eller ett värde byggt på så få. {PROTECTED}: dolt för att "
    "en summa annars skulle avslöja ett litet tal."
)
UNITS = {"antal": "antal", "andel": "procent", "median": "dagar", "tal": "antal"}


def shown_indicators(report: Report) -> list[Indicator]:
    """All indicators but a referral kind that no one was referred to in either period."""
    now, before = report.by_key(), report.previous
    skip: set[str] = set()
    for kind in REFERRAL_KINDS:
        if (
            not now[f"remisser_{kind}"].total().value
            and not before[f"remisser_{kind}"].total().value
        ):
            skip |= {f"remisser_{kind}", f"remisser_svarsdagar_{kind}"}
            skip.add(f"remisser_besvarade_{kind}")
    return [i for i in report.indicators if i.key not in skip]


CellKey = tuple[str, str, str]  # (indicator, subgroup, gender)


def hidden_keys(indicators: Iterable[Indicator]) -> dict[CellKey, str]:
    """Cells to hide and the mark each gets: '<5' for small counts and for shares and
    medians built on few people, 'x' for counts hidden so a total cannot give a small
    one away."""
    indicators = list(indicators)
    counts: dict[CellKey, int] = {}
    sums: list[tuple[CellKey, list[CellKey]]] = []
    subgroups = {sub for i in indicators for sub, _ in i.cells} | {"totalt"}
    by_key = {i.key: i for i in indicators}
    for ind in indicators:
        if ind.kind != "antal":
            continue
        for (sub, gender), cell in ind.cells.items():
            counts[(ind.key, sub, gender)] = int(cell.value or 0)
        for sub in subgroups:
            sums.append(((ind.key, sub, ALL), [(ind.key, sub, g) for g in GENDERS]))
    families: dict[str, list[str]] = {}
    for ind in indicators:
        if ind.part_of and ind.part_of in by_key:
            families.setdefault(ind.part_of, []).append(ind.key)
    for total, parts in families.items():
        for sub in subgroups:
            for gender in (*GENDERS, ALL):
                sums.append(((total, sub, gender), [(p, sub, gender) for p in parts]))
    hidden = {
        key: HIDDEN if is_small(counts[key]) else PROTECTED for key in hidden_cells(counts, sums)
    }
    # Filled places are the participants whenever no track is over-full: they count
    # people, and hide with the participants' total.
    filled = ("jobbspar_tillsatta", "totalt", ALL)
    if filled[0] in by_key:
        places = int(by_key[filled[0]].total().value or 0)
        mark = hidden.get(("jobbspar_deltagare", "totalt", ALL))
        if is_small(places) or mark:
            hidden[filled] = HIDDEN if is_small(places) else mark or PROTECTED
    for ind in indicators:
        for (sub, gender), cell in ind.cells.items():
            if ind.kind == "andel" and share_is_hidden(cell.part or 0, cell.people):
                hidden[(ind.key, sub, gender)] = HIDDEN
            if ind.kind == "median" and is_small(cell.people):
                hidden[(ind.key, sub, gender)] = HIDDEN
    return hidden


def number(value: float, decimals: int = 1) -> str:
    """Swedish decimal comma; whole numbers without decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{decimals}f}".replace(".", ",")


def plain_value(kind: str, cell: Cell | None) -> float | None:
    """The figure in its unit: shares in per cent (one decimal), medians in days."""
    if cell is None or cell.value is None:
        return None
    if kind == "andel":
        return round(cell.value * 100, 1)
    if kind == "median":
        return round(cell.value, 1)
    return cell.value


def shown(kind: str, cell: Cell | None, hidden: str | bool, *, unit: bool = False) -> str:
    """The figure as text, or the mark of a hidden one."""
    if hidden:
        return hidden if isinstance(hidden, str) else HIDDEN
    value = plain_value(kind, cell)
    if value is None:
        return "–"
    text = number(value)
    if unit and kind == "andel":
        return f"{text} %"
    return text


@dataclass(frozen=True)
class Line:
    indicator: Indicator
    subgroup: str
    gender: str
    value: str
    previous: str
    change: str


def published_lines(report: Report, *, unit: bool = False) -> list[Line]:
    """Every cell with its previous value and change, as it may leave the screen."""
    indicators = shown_indicators(report)
    previous = [report.previous[i.key] for i in indicators]
    now_hidden = hidden_keys(indicators)
    before_hidden = hidden_keys(previous)
    lines = []
    for ind in indicators:
        before_ind = report.previous[ind.key]
        subs = report.subgroups if ind.person_level else {"totalt": "Totalt"}
        genders = GENDER_COLUMNS if ind.person_level else {ALL: "Totalt"}
        for sub in subs:
            for gender in genders:
                cell = ind.cells.get((sub, gender), _empty(ind.kind))
                before = before_ind.cells.get((sub, gender), _empty(ind.kind))
                h_now = now_hidden.get((ind.key, sub, gender), "")
                h_before = before_hidden.get((ind.key, sub, gender), "")
                a, b = plain_value(ind.kind, cell), plain_value(ind.kind, before)
                change = "–" if h_now or h_before or a is None or b is None else signed(a - b)
                if unit and ind.kind == "andel" and change != "–":
                    change += " p.e."
                lines.append(
                    Line(
                        ind,
                        sub,
                        gender,
                        shown(ind.kind, cell, h_now, unit=unit),
                        shown(ind.kind, before, h_before, unit=unit),
                        change,
                    )
                )
    return lines


def _empty(kind: str) -> Cell:
    return Cell(0 if kind == "antal" else None, 0)


def signed(value: float) -> str:
    text = number(round(value, 1))
    return text if value <= 0 else f"+{text}"


def goal_lines(report: Report) -> list[dict]:
    """Each goal indicator: its figure, target and verdict, hidden like any cell when
    the figure rests on fewer than five people."""
    out = []
    for g in report.goals:
        kind = g.kind
        hidden = g.figure is not None and _hidden_total(kind, g.figure)
        base_hidden = g.baseline is not None and _hidden_total(kind, g.baseline)
        if g.note:
            verdict = g.note
        elif hidden or base_hidden:
            verdict = "För få för att redovisa"
        elif g.met is None:
            verdict = "Inget utfall än"
        else:
            verdict = "Uppfyllt" if g.met else "Inte uppfyllt"
        out.append(
            {
                "mål": g.goal,
                "indikator": g.indicator,
                "målnivå": g.target,
                "utfall": shown(kind, g.figure, hidden, unit=True) if g.figure else "–",
                "jämförelse": (
                    f"{g.baseline_label}: {shown(kind, g.baseline, base_hidden, unit=True)}"
                    if g.baseline is not None
                    else ""
                ),
                "bedömning": verdict,
            }
        )
    return out


def _hidden_total(kind: str, cell: Cell) -> bool:
    if kind == "tal":
        return False
    if kind == "andel":
        return share_is_hidden(cell.part or 0, cell.people)
    return is_small(cell.people)


def as_csv(report: Report) -> str:
    """UTF-8 with BOM, ';' between fields, decimal comma: what Swedish Excel opens."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            "Period",
            "Indikator",
            "Målgrupp",
            "Kön",
            "Värde",
            "Enhet",
            f"Föregående period ({report.previous_period.label})",
            "Förändring",
        ]
    )
    for line in published_lines(report):
        writer.writerow(
            [
                report.period.label,
                line.indicator.label,
                report.subgroups[line.subgroup],
                GENDER_COLUMNS[line.gender],
                line.value,
                UNITS[line.indicator.kind],
                line.previous,
                line.change,
            ]
        )
    if report.goals:
        writer.writerow([])
        writer.writerow(["Mål", "Indikator", "Målnivå", "Utfall", "Jämförelse", "Bedömning"])
        for goal in goal_lines(report):
            # The goal's words are the agreement's, perhaps from another install: text, so
            # Excel never takes them for a formula. The figures are the report's own.
            writer.writerow(
                [
                    spreadsheet_text(value) if key in AGREEMENT_WORDS else value
                    for key, value in goal.items()
                ]
            )
    return "\ufeff" + out.getvalue()


def as_markdown(report: Report) -> str:
    lines = [f"# Uppföljning {report.period.label}", ""]
    lines.append(
        f"Period {report.period.start.isoformat()}–{report.period.end.isoformat()}, jämförs "
        f"med {report.previous_period.label}. {LEGEND}"
    )
    if report.agreement_title:
        lines.append(f"Överenskommelse: {report.agreement_title}.")
    lines.append("")
    published = published_lines(report, unit=True)
    for sub, label in report.subgroups.items():
        lines += [f"## {label}", ""]
        lines.append(
            "| Indikator | Kvinnor | Män | Annat/okänt | Totalt | "
            f"{report.previous_period.label} | Förändring |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        rows: dict[str, dict[str, Line]] = {}
        for line in published:
            if line.subgroup == sub:
                rows.setdefault(line.indicator.key, {})[line.gender] = line
        for cells in rows.values():
            total = cells[ALL]
            parts = [cells[g].value if g in cells else "" for g in GENDERS]
            lines.append(
                f"| {total.indicator.label} | {' | '.join(parts)} | {total.value} | "
                f"{total.previous} | {total.change} |"
            )
        lines.append("")
    if report.goals:
        lines += ["## Mål", "", "| Mål | Indikator | Målnivå | Utfall | Jämförelse | Bedömning |"]
        lines.append("|---|---|---|---:|---|---|")
        for goal in goal_lines(report):
            lines.append("| " + " | ".join(v.replace("|", "/") for v in goal.values()) + " |")
        lines.append("")
    return "\n".join(lines)


def as_json(report: Report) -> str:
    def value(text: str):
        if text in (HIDDEN, PROTECTED, "–"):
            return None if text == "–" else text
        figure = float(text.replace(",", ".").lstrip("+"))
        return int(figure) if figure.is_integer() else figure

    indicators: dict[str, dict] = {}
    for line in published_lines(report):
        ind = line.indicator
        entry = indicators.setdefault(
            ind.key,
            {"nyckel": ind.key, "indikator": ind.label, "enhet": UNITS[ind.kind]},
        )
        entry.setdefault("celler", []).append(
            {
                "målgrupp": line.subgroup,
                "kön": line.gender,
                "värde": value(line.value),
                "föregående": value(line.previous),
                "förändring": value(line.change),
            }
        )
    data = {
        "period": report.period.label,
        "från": report.period.start.isoformat(),
        "till": report.period.end.isoformat(),
        "föregående_period": report.previous_period.label,
        "överenskommelse": report.agreement_title or None,
        "små_tal": LEGEND,
        "målgrupper": report.subgroups,
        "indikatorer": list(indicators.values()),
        "mål": goal_lines(report),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render(report: Report, fmt: str) -> str:
    return {"csv": as_csv, "md": as_markdown, "json": as_json}[fmt](report)


def file_stem(report: Report) -> str:
    """A file name that says what the file is and nothing about anyone."""
    return "ungtui-uppfoljning-" + report.period.label.replace("..", "_")


def write_report(report: Report, fmt: str, path: Path, *, replace: bool = False) -> Path:
    """Owner-only, never over another file unless asked (aggregates, but a register's)."""
    return write_private_text(path, render(report, fmt), replace=replace)


def write_to_folder(report: Report, fmt: str, folder: Path) -> Path:
    path = free_name(folder, file_stem(report), f".{fmt}", report.made_on or clock.today())
    return write_report(report, fmt, path)
