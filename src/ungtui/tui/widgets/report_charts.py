"""Charts for the follow-up, drawn with text: bars per subgroup and a line over periods.
Plain Rich text is enough for a handful of bars and six points, and needs no plotting
library."""

from __future__ import annotations

from rich.text import Text

from ungtui.services.followup.report_export import number

BAR = "█"
HALF = "▌"


def figure_text(kind: str, value: float | None) -> str:
    """A figure as the screen shows it: decimal comma, thousands apart (33 528)."""
    if value is None:
        return "–"
    if kind == "andel":
        return f"{number(round(value * 100, 1))} %"
    value = round(value, 1)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return number(value)


def bars(rows: list[tuple[str, float | None]], kind: str, width: int = 16) -> Text:
    """One bar per label, scaled to the largest value (shares to 100 %)."""
    values = [v for _, v in rows if v is not None]
    top = 1.0 if kind == "andel" else max(values, default=0) or 1
    label_width = max((len(label) for label, _ in rows), default=0)
    text = Text()
    for label, value in rows:
        text.append(f"{label:<{label_width}} ", style="bold" if label == "Totalt" else "")
        halves = round((value or 0) / top * width * 2)
        text.append(BAR * (halves // 2) + (HALF if halves % 2 else ""), style="cyan")
        text.append(f" {figure_text(kind, value)}\n")
    return text


def line(points: list[tuple[str, float | None]], kind: str, height: int = 5) -> Text:
    """A point per period at its height over a base line, labels and figures under it."""
    values = [v for _, v in points if v is not None]
    top = 1.0 if kind == "andel" else max(values, default=0) or 1
    levels = [
        None if v is None else min(height - 1, round(v / top * (height - 1))) for _, v in points
    ]
    column = max(8, *(len(label) + 1 for label, _ in points))
    text = Text()
    for row in range(height - 1, -1, -1):
        for level in levels:
            mark = "●" if level == row else " "
            text.append(f"{mark:^{column}}", style="bold cyan")
        text.append("\n")
    text.append("─" * column * len(points) + "\n", style="dim")
    for label, _ in points:
        text.append(f"{label:^{column}}")
    text.append("\n")
    for _, value in points:
        text.append(f"{figure_text(kind, value):^{column}}", style="dim")
    return text
