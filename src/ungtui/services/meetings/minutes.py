"""Minutes (protokoll) of a meeting in Swedish, as Markdown or plain text.

People appear as the meeting view names them for the minutes: initials and birth year
unless the full name was chosen and every party present may hear it. Notes (anteckningar)
and decisions and actions (arbete och insatser) about a person are written only when a
consent for the meeting's purpose covers that kind of data for every party present, or
the person was discussed anyway with a recorded reason. Nothing else about a person is
written: no identity number, contact details or sensitive fields.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ungtui.domain.meeting_time import describe
from ungtui.services.meetings.meeting_agenda import ActionRow, ItemView, MeetingView, get_meeting
from ungtui.services.private_files import write_private_text
from ungtui.store.database import Database

FORMATS = ("md", "txt")
PRIVACY_NOTE = (
    "Personer anges med initialer och födelseår om inte fullständigt namn har valts och "
    "samtycke finns för alla närvarande parter. Anteckningar, beslut och åtgärder om en "
    "person tas med bara när samtycket omfattar dem för alla närvarande, eller när en "
    "part utan samtycke har kvitterats med skäl vid punkten. Personnummer, "
    "kontaktuppgifter och känsliga uppgifter ingår inte."
)


def _action_line(action: ActionRow, *, origin: bool = False) -> str:
    """An item's own actions are under its heading, which already names the person at
    the level chosen for the minutes; a carried action names them masked."""
    parts = [action.what]
    if origin and action.person:
        parts.append(f"gäller {action.person}")
    parts.append(f"ansvarig: {action.responsible_name} ({action.organisation_name})")
    if action.due_date:
        parts.append(f"klart senast {action.due_date.isoformat()}")
    if action.done_at:
        by = f" av {action.done_by}" if action.done_by else ""
        parts.append(f"KLAR {action.done_at:%Y-%m-%d}{by}")
    if origin and action.meeting_label:
        parts.append(f"från mötet {action.meeting_label}")
    return " – ".join(parts)


def _blocks(view: MeetingView) -> list[tuple[str, str]]:
    """The minutes as (kind, text) blocks, rendered as Markdown or text below."""
    b: list[tuple[str, str]] = [("h1", f"Protokoll: {view.title}")]
    b.append(("field", f"Möte: {view.kind}, {describe(view.starts)}"))
    if view.place:
        b.append(("field", f"Plats: {view.place}"))
    if view.cluster:
        b.append(("field", f"Överenskommelse eller kluster: {view.cluster}"))
    if view.series:
        b.append(("field", f"Återkommer: {view.series.lower()}"))
    b.append(("field", f"Protokollförare: {view.minutes_keeper or 'ej angiven'}"))
    b.append(("h2", "Närvarande"))
    for a in view.attendees:
        extern = ", extern" if a.external else ""
        b.append(("bullet", f"{a.name} ({a.organisation_name}{extern})"))
    if not view.attendees:
        b.append(("para", "Ingen närvaro registrerad."))
    if view.carried:
        b.append(("h2", "Öppna åtgärder från tidigare möten"))
        for action in view.carried:
            b.append(("bullet", _action_line(action, origin=True)))
    b.append(("h2", "Dagordning"))
    if not view.items:
        b.append(("para", "Inga punkter."))
    for number, item in enumerate(view.items, start=1):
        b.extend(_item_blocks(number, item))
    b.append(("rule", ""))
    b.append(("small", PRIVACY_NOTE))
    return b


def _item_blocks(number: int, item: ItemView) -> list[tuple[str, str]]:
    b: list[tuple[str, str]] = [("h3", f"{number}. {item.minutes_title}")]
    if item.locked:
        b.append(
            (
                "para",
                f"Personen diskuterades inte: samtycke saknas för {', '.join(item.missing)}.",
            )
        )
        return b
    if item.missing:
        when = f" {item.ack_at:%Y-%m-%d %H:%M}" if item.ack_at else ""
        by = f" av {item.ack_by}" if item.ack_by else ""
        b.append(
            (
                "para",
                f"Samtycke saknas för {', '.join(item.missing)}. Personen diskuterades ändå "
                f"(kvitterat{by}{when}). Skäl: {item.ack_reason}",
            )
        )
    withheld = []
    if item.notes.strip():
        if item.notes_shown:
            b.append(("label", "Anteckningar"))
            b.append(("notes", item.notes.strip()))
        else:
            withheld.append("anteckningar")
    if item.decisions or item.actions:
        if not item.decisions_shown:
            withheld.append("beslut och åtgärder")
        else:
            if item.decisions:
                b.append(("label", "Beslut"))
                for decision in item.decisions:
                    b.append(("bullet", decision.text))
            if item.actions:
                b.append(("label", "Åtgärder"))
                for action in item.actions:
                    b.append(("bullet", _action_line(action)))
    if withheld:
        b.append(
            (
                "para",
                f"Här tas inte med: {' och '.join(withheld)}. Samtycket omfattar inte "
                "dem för alla närvarande.",
            )
        )
    return b


# Text typed in the meeting is data: in the Markdown minutes a note's "# Rubrik", "<b>" or
# "[länk](…)" is shown as typed, not as a heading, a tag or a link.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#|~!&])")
# Line starts that would open a list or underline a heading: "- ", "+ ", "=", "1. ", "1) ".
_LIST_MARK = re.compile(r"^([ \t]*)([-+=])", re.MULTILINE)
_NUMBERED = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)


def _escaped(text: str, line_starts: bool) -> str:
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    if not line_starts:  # a heading's text: "### 1. Ämne" is no list
        return text
    text = _LIST_MARK.sub(r"\1\\\2", text)
    return _NUMBERED.sub(r"\1\\\2", text)


def _kept_lines(text: str) -> str:
    """Lines typed one under the other stay so: a backslash at a line's end is a line
    break in Markdown (a plain newline would join them into one line)."""
    lines = text.split("\n")
    return "\n".join(
        line + "\\" if line.strip() and i + 1 < len(lines) and lines[i + 1].strip() else line
        for i, line in enumerate(lines)
    )


def _markdown(blocks: list[tuple[str, str]]) -> str:
    lines: list[str] = []
    previous = ""
    for kind, raw in blocks:
        text = _escaped(raw, line_starts=kind not in ("h1", "h2", "h3"))
        if kind == "h1":
            lines += [f"# {text}", ""]
        elif kind == "h2":
            lines += ["", f"## {text}", ""]
        elif kind == "h3":
            lines += ["", f"### {text}", ""]
        elif kind == "field":
            lines.append(f"- {text}")
        elif kind == "bullet":
            if previous not in ("bullet", "label"):
                lines.append("")
            lines.append(f"- {text}")
        elif kind == "label":
            lines += ["", f"**{text}**", ""]
        elif kind == "notes":
            lines += [_kept_lines(text), ""]
        elif kind == "rule":
            lines += ["", "---", ""]
        elif kind == "small":
            lines.append(f"*{text}*")
        else:
            lines += [text, ""]
        previous = kind
    return _tidy(lines)


def _plain(blocks: list[tuple[str, str]]) -> str:
    lines: list[str] = []
    for kind, text in blocks:
        if kind == "h1":
            lines += [text.upper(), "=" * len(text), ""]
        elif kind == "h2":
            lines += ["", text, "-" * len(text)]
        elif kind == "h3":
            lines += ["", text]
        elif kind == "field":
            lines.append(text)
        elif kind == "bullet":
            lines.append(f"  * {text}")
        elif kind == "label":
            lines.append(f"{text}:")
        elif kind == "notes":
            lines += [f"  {line}" for line in text.splitlines()]
        elif kind == "rule":
            lines += ["", "-" * 40]
        else:
            lines.append(text)
    return _tidy(lines)


def _tidy(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line.rstrip())
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def build_minutes(db: Database, meeting_id: str, fmt: str = "md", today: date | None = None) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"Okänt format {fmt}: välj md eller txt.")
    blocks = _blocks(get_meeting(db, meeting_id, today))
    return _markdown(blocks) if fmt == "md" else _plain(blocks)


def minutes_file_name(view: MeetingView, fmt: str) -> str:
    """Names no person: the day, the kind of meeting and the start of its id."""
    kind = view.kind.lower().replace(" ", "-").replace("ä", "a")
    return f"protokoll-{view.starts:%Y-%m-%d}-{kind}-{view.id[:6]}.{fmt}"


def write_minutes(path: Path, text: str, *, replace: bool = False) -> Path:
    """Readable by the owner only (0600): a new file, also when one was there before."""
    return write_private_text(path, text, replace=replace)
