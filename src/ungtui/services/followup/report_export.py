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
    is_small,
    protect,
    share_is_hidden,
)
from ungtui.services import clock
from ungtui.services.followup.report import ALL, GENDER_COLUMNS, GENDERS, Cell, Indicator, Report
from ungtui.services.private_files import free_name, write_private_text

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

# Counts of which one counts a part of the people the other counts (the second of each
# pair within the first), in every subgroup and gender: their difference is a number too.
CONTAINS: tuple[tuple[str, str], ...] = (
    ("borjar_arbete_studier", "borjar_arbete"),
    ("borjar_arbete_studier", "borjar_studier"),
    ("aktiva", "kaa_aktiva"),
    ("personer", "aktiva"),
    ("personer", "inskrivna_af"),
    ("inskrivna_af", "oppet_arbetslosa"),
    ("inskrivna_af", "inskrivna_af_sysselsattning"),
)
# Counts that only KAA young people are in: the whole count is the KAA subgroup's.
KAA_ONLY = ("kaa_aktiva", "kaa_utan_aktivitet")
# Subgroups that never overlap, all within the total.
APART = (("etablering", "ovriga_nyanlanda"),)


def _nested(subgroups: Iterable[str], nesting: Iterable[tuple[str, str]]) -> list:
    """(group, its subgroups kept apart) by definition: the total holds every subgroup,
    the newcomers in and out of the programme together, the municipalities together."""
    subs = [s for s in subgroups if s != "totalt"]
    pairs: list[tuple[str, tuple[str, ...]]] = [("totalt", (s,)) for s in subs]
    pairs += [(outer, (inner,)) for outer, inner in nesting if outer in subs and inner in subs]
    for group in APART:
        if all(s in subs for s in group):
            pairs.append(("totalt", group))
    municipalities = tuple(s for s in subs if s.startswith("kommun:"))
    if len(municipalities) > 1:
        pairs.append(("totalt", municipalities))
    return pairs


def hidden_keys(
    indicators: Iterable[Indicator],
    subgroups: Iterable[str] | None = None,
    nesting: Iterable[tuple[str, str]] = (("unga_16_29", "unga_16_24"),),
) -> dict[CellKey, str]:
    """Cells to hide and the mark each gets: '<5' for small counts and for shares and
    medians built on few people, 'x' for figures hidden so that no small number can be
    worked out from the others (domain.suppression) — across all the published
    indicators at once, every subgroup and gender, the groups within groups, the counts
    within counts and the shares' parts and wholes."""
    indicators = list(indicators)
    by_key = {i.key: i for i in indicators}
    subs = list(
        subgroups
        if subgroups is not None
        else dict.fromkeys(["totalt", *(sub for i in indicators for sub, _g in i.cells)])
    )
    genders = (*GENDERS, ALL)
    values: dict[CellKey, int] = {}
    published: set[CellKey] = set()
    exact: list[tuple[CellKey, tuple[CellKey, ...]]] = []
    quantities: list[str] = []

    def quantity(name: str, figures: dict[tuple[str, str], int], shown: bool) -> None:
        if name not in quantities:
            quantities.append(name)
        for sub in subs:
            for gender in genders:
                key = (name, sub, gender)
                values[key] = max(values.get(key, 0), figures.get((sub, gender), 0))
                if shown:
                    published.add(key)

    for ind in indicators:
        if ind.kind == "antal":
            quantity(ind.key, {k: int(c.value or 0) for k, c in ind.cells.items()}, True)
    shares: dict[CellKey, tuple[CellKey, CellKey]] = {}
    for ind in indicators:
        if ind.kind != "andel" or not ind.parts_of:
            continue
        names = []
        for n, side in enumerate(ind.parts_of):
            name, members = (side, ()) if isinstance(side, str) else side
            figures = {
                k: int((c.part or 0) if n == 0 else c.people) for k, c in ind.cells.items()
            }
            if name not in by_key:
                quantity(name, figures, False)
            if members and all(m in quantities for m in members):
                for sub in subs:
                    for gender in genders:
                        parts = tuple((m, sub, gender) for m in members)
                        exact.append(((name, sub, gender), parts))
            names.append(name)
        part, whole = names
        for (sub, gender), cell in ind.cells.items():
            if cell.people:
                shares[(ind.key, sub, gender)] = ((part, sub, gender), (whole, sub, gender))
    families: dict[str, list[str]] = {}
    for ind in indicators:
        if ind.part_of and ind.part_of in by_key:
            families.setdefault(ind.part_of, []).append(ind.key)
    for total, parts in families.items():
        for sub in subs:
            for gender in genders:
                exact.append(((total, sub, gender), tuple((p, sub, gender) for p in parts)))
    for name in quantities:
        for sub in subs:
            exact.append(((name, sub, ALL), tuple((name, sub, g) for g in GENDERS)))
    for name in KAA_ONLY:
        if name in quantities and "kaa" in subs:
            for gender in genders:
                exact.append(((name, "totalt", gender), ((name, "kaa", gender),)))
    if "kaa_aktiva" in quantities and "aktiva" in quantities and "kaa" in subs:
        for gender in genders:
            exact.append((("kaa_aktiva", "totalt", gender), (("aktiva", "kaa", gender),)))
    # Within one gender, a count in a subgroup holds the same or a smaller count in a
    # subgroup within it, and so on down any chain of such steps: every such pair
    # (and the subgroups kept apart, together) leaves a rest that is a number too.
    pairs = list(CONTAINS)
    for ind in indicators:
        if ind.kind == "andel" and ind.parts_of:
            part, whole = (side if isinstance(side, str) else side[0] for side in ind.parts_of)
            pairs.append((whole, part))
    for total, parts in families.items():
        pairs += [(total, part) for part in parts]
    holds = {name: {name} for name in quantities}
    for outer, inner in pairs:
        if outer in holds and inner in holds:
            holds[outer].add(inner)
    changed = True
    while changed:
        changed = False
        for inner in holds.values():
            wider = set().union(*(holds[i] for i in inner))
            if not wider <= inner:
                inner |= wider
                changed = True
    nested = _nested(subs, nesting)
    within_sub = {sub: {sub} for sub in subs}
    for group, inner in nested:
        if len(inner) == 1:
            within_sub[group].add(inner[0])
    subsets: list[tuple[CellKey, tuple[CellKey, ...]]] = []
    # (in the report's order, not the sets' order, so the same report hides the same)
    for outer_q, inner_qs in holds.items():
        for inner_q in sorted(inner_qs, key=quantities.index):
            for outer_s, inner_ss in within_sub.items():
                for inner_s in sorted(inner_ss, key=subs.index):
                    if (outer_q, outer_s) == (inner_q, inner_s):
                        continue
                    for gender in genders:
                        group, inner = (outer_q, outer_s, gender), (inner_q, inner_s, gender)
                        if is_small(values[group] - values[inner]):
                            subsets.append((group, (inner,)))
    for name in quantities:
        for group, inner in nested:
            if len(inner) > 1:
                for gender in genders:
                    subsets.append(((name, group, gender), tuple((name, s, gender) for s in inner)))
    counts_hidden, small_shares, protected_shares = protect(
        values,
        published,
        exact,
        subsets,
        shares,
        is_total=lambda key: (key[1] == "totalt") + (key[2] == ALL),
    )
    hidden = {
        key: HIDDEN if is_small(values[key]) else PROTECTED for key in counts_hidden
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
            key = (ind.key, sub, gender)
            if ind.kind == "andel":
                if key in small_shares or (
                    key not in shares and share_is_hidden(cell.part or 0, cell.people)
                ):
                    hidden[key] = HIDDEN
                elif key in protected_shares:
                    hidden[key] = PROTECTED
            if ind.kind == "median" and is_small(cell.people):
                hidden[key] = HIDDEN
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
    now_hidden, before_hidden = _marks(report)
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


def _marks(report: Report) -> tuple[dict[CellKey, str], dict[CellKey, str]]:
    """The hidden cells of the period and of the one before, each over all its tables,
    and of the years goals are compared with; worked out once per report."""
    if report.hidden is None:
        indicators = shown_indicators(report)
        previous = [report.previous[i.key] for i in indicators]
        report.hidden = (
            hidden_keys(indicators, report.subgroups, report.nesting),
            hidden_keys(previous, report.subgroups, report.nesting),
            {
                label: hidden_keys(found, report.subgroups, report.nesting)
                for label, found in report.baseline_indicators.items()
            },
        )
    return report.hidden[0], report.hidden[1]


def goal_lines(report: Report, *, hide: bool = True) -> list[dict]:
    """Each goal indicator: its figure, target, what it is compared with, verdict and how
    many it is about, each hidden exactly as the same cell is in the tables (or, with
    hide=False, as the screen shows them: exact)."""
    if hide:
        now_hidden, before_hidden = _marks(report)
        others = report.hidden[2]
    else:
        now_hidden, before_hidden, others = {}, {}, {}
    out = []
    for g in report.goals:
        kind = g.kind
        key = (g.indicator_key or "", g.subgroup, ALL)
        hidden = now_hidden.get(key, "") if g.figure is not None and kind != "tal" else ""
        if g.baseline_period == report.previous_period.label:
            base_hidden = before_hidden.get(key, "")
        else:
            base_hidden = others.get(g.baseline_period, {}).get(key, "")
        if g.baseline is None or kind == "tal":
            base_hidden = ""
        if g.note:
            verdict = g.note
        elif hidden or base_hidden:
            verdict = "För få för att redovisa"
        elif g.met is None:
            verdict = "Inget utfall än"
        else:
            verdict = "Uppfyllt" if g.met else "Inte uppfyllt"
        population = ""
        if g.population is not None:
            population = f"{g.population} {g.population_label}"
            if hidden or (hide and kind in ("andel", "median") and is_small(g.population)):
                # Hidden with its figure: '<5' only if it is that few.
                mark = HIDDEN if is_small(g.population) else PROTECTED
                population = f"{mark} {g.population_label}"
        out.append(
            {
                "mål": g.goal + (f" ({g.where})" if g.where else ""),
                "indikator": g.indicator,
                "målnivå": g.target,
                "utfall": shown(kind, g.figure, hidden, unit=True) if g.figure else "–",
                "jämförelse": (
                    f"{g.baseline_label}: {shown(kind, g.baseline, base_hidden, unit=True)}"
                    if g.baseline is not None
                    else ""
                ),
                "bedömning": verdict,
                "underlag": population,
            }
        )
    return out


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
        writer.writerow(
            ["Mål", "Indikator", "Målnivå", "Utfall", "Jämförelse", "Bedömning", "Underlag"]
        )
        for goal in goal_lines(report):
            # The goal's words are the agreement's, perhaps from another install: text, so
            # Excel never takes them for a formula. The figures are the report's own.
            writer.writerow(
                [
                    spreadsheet_text(value) if key in AGREEMENT_WORDS else value
                    for key, value in goal.items()
                ]
            )
    if report.notes:
        writer.writerow([])
        for note in report.notes:
            writer.writerow([spreadsheet_text(note)])
    return "\ufeff" + out.getvalue()


def as_markdown(report: Report) -> str:
    lines = [f"# Uppföljning {report.period.label}", ""]
    lines.append(
        f"Period {report.period.start.isoformat()}–{report.period.end.isoformat()}, jämförs "
        f"med {report.previous_period.label}. {LEGEND}"
    )
    if report.agreement_title:
        lines.append(f"Överenskommelse: {report.agreement_title}.")
    lines += report.notes
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
        lines += [
            "## Mål",
            "",
            "| Mål | Indikator | Målnivå | Utfall | Jämförelse | Bedömning | Underlag |",
        ]
        lines.append("|---|---|---|---:|---|---|---|")
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
        "noteringar": report.notes,
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
