"""A work process as a Markdown file with front matter, and back.

Steering groups write in Word or Markdown; this is the format that brings their text in
and takes it out (`ungtui process export` / `import`), and the text each saved version
keeps. Names, not ids, appear in the file: organisations and agreements by name, target
groups by their Swedish label. A malformed file is refused with its line and reason.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from ungtui.domain.dates import parse_iso_date
from ungtui.domain.target_groups import GROUPS, group_label
from ungtui.domain.text import fold

WHAT_HEADING = "Vad som har överenskommits"
HOW_HEADING = "Så bedrivs arbetet"
# Steps proposed locally that the agreement does not state, kept apart from the two above.
LOCAL_HEADING = "Lokalt förslag (inte överenskommet)"

# Front matter keys in the order they are written; the right side is the field name.
KEYS: dict[str, str] = {
    "titel": "title",
    "id": "id",
    "överenskommelse": "agreement",
    "bilaga": "appendix",
    "parter": "parties",
    "ansvarig organisation": "responsible_organisation",
    "ansvarig roll": "responsible_role",
    "målgrupper": "target_groups",
    "åldrar": "ages",
    "insatser": "measures",
    "källa": "source",
    "senast granskad": "last_reviewed",
    "nästa granskning": "next_review",
    "avslutad": "ended_on",
    "avslutad av": "ended_by",
    "full rådighet": "ender_full_control",
    "fortsättning begärd": "continuation_requested",
    "åtagande till": "commitment_until",
    "version": "version",
}
# Written for the reader; computed again on import, so their values are not read.
DERIVED = {"version"}
_YES_NO = {"ja": True, "nej": False}


@dataclass
class ProcessDocument:
    title: str = ""
    id: str | None = None
    agreement: str = ""
    appendix: int | None = None
    parties: list[str] = field(default_factory=list)
    responsible_organisation: str = ""
    responsible_role: str = ""
    target_groups: list[str] = field(default_factory=list)  # codes
    min_age: int | None = None
    max_age: int | None = None
    measures: str = ""
    source: str = ""
    last_reviewed: date | None = None
    next_review: date | None = None
    ended_on: date | None = None
    ended_by: str = ""
    ender_full_control: bool | None = None
    continuation_requested: bool | None = None
    commitment_until: date | None = None
    version: int | None = None
    what_agreed: str = ""
    how_done: str = ""
    local_proposal: str = ""
    # Where each field was found, so later checks can name the line.
    lines: dict[str, int] = field(default_factory=dict)


class MarkdownError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"rad {line}: {reason}")


# --- writing -----------------------------------------------------------------------


def _ages(doc: ProcessDocument) -> str:
    if doc.min_age is None and doc.max_age is None:
        return ""
    if doc.max_age is None:
        return f"{doc.min_age}–"
    if doc.min_age is None:
        return f"–{doc.max_age}"
    return f"{doc.min_age}–{doc.max_age}"


def render(doc: ProcessDocument) -> str:
    values = {
        "title": doc.title,
        "id": doc.id or "",
        "agreement": doc.agreement,
        "appendix": "" if doc.appendix is None else str(doc.appendix),
        "parties": "; ".join(doc.parties),
        "responsible_organisation": doc.responsible_organisation,
        "responsible_role": doc.responsible_role,
        "target_groups": "; ".join(group_label(code) for code in doc.target_groups),
        "ages": _ages(doc),
        "measures": doc.measures,
        "source": doc.source,
        "last_reviewed": doc.last_reviewed.isoformat() if doc.last_reviewed else "",
        "next_review": doc.next_review.isoformat() if doc.next_review else "",
        "ended_on": doc.ended_on.isoformat() if doc.ended_on else "",
        "ended_by": doc.ended_by,
        "ender_full_control": _yes_no(doc.ender_full_control),
        "continuation_requested": _yes_no(doc.continuation_requested),
        "commitment_until": doc.commitment_until.isoformat() if doc.commitment_until else "",
        "version": "" if doc.version is None else str(doc.version),
    }
    lines = ["---"]
    for key, name in KEYS.items():
        if values[name]:
            lines.append(f"{key}: {' '.join(values[name].split())}")
    lines += ["---", "", f"## {WHAT_HEADING}", "", doc.what_agreed.strip(), ""]
    lines += [f"## {HOW_HEADING}", "", doc.how_done.strip(), ""]
    if doc.local_proposal.strip():
        lines += [f"## {LOCAL_HEADING}", "", doc.local_proposal.strip(), ""]
    return "\n".join(lines)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else "ja" if value else "nej"


def _cell(text: str) -> str:
    return " ".join(text.split()) or "–"


def readable(doc: ProcessDocument, status: str) -> str:
    """The process for reading on screen: the facts as a table, then the two texts."""
    agreement = doc.agreement
    # (a title that is itself the appendix, "…, bilaga 3: …", says it already)
    if agreement and doc.appendix is not None and f"bilaga {doc.appendix}" not in agreement:
        agreement += f", bilaga {doc.appendix}"
    groups = ", ".join(group_label(code) for code in doc.target_groups)
    ages = _ages(doc)
    if ages:
        groups = f"{groups} ({ages} år)" if groups else f"{ages} år"
    responsible = doc.responsible_organisation or ""
    if doc.responsible_role:
        role = doc.responsible_role
        responsible = f"{responsible}, roll: {role}" if responsible else role
    ended = ""
    if doc.ended_on:
        ended = f"{doc.ended_on.isoformat()} av {doc.ended_by or 'okänd part'}"
        if doc.ender_full_control is False:
            ended += "; parten har inte full rådighet över sin del"
        elif doc.continuation_requested is False:
            ended += "; den andra parten begärde ingen fortsättning"
        if doc.commitment_until and doc.commitment_until > doc.ended_on:
            ended += f"; åtagandet gäller t.o.m. {doc.commitment_until.isoformat()}"
        elif doc.commitment_until is None:
            ended += "; sista dag inte bestämd"
    rows = [
        ("Status", status),
        ("Överenskommelse", agreement or "ingen angiven"),
        ("Parter", ", ".join(doc.parties)),
        ("Ansvarar för processen", responsible),
        ("Målgrupper", groups),
        ("Insatser", doc.measures),
        ("Senast granskad", doc.last_reviewed.isoformat() if doc.last_reviewed else ""),
        ("Nästa granskning", doc.next_review.isoformat() if doc.next_review else ""),
    ]
    if ended:
        rows.append(("Avslutad", ended))
    rows.append(("Källa", doc.source))
    lines = [f"- **{label}:** {_cell(value)}" for label, value in rows]
    lines += ["", f"## {WHAT_HEADING}", "", doc.what_agreed.strip(), ""]
    lines += [f"## {HOW_HEADING}", "", doc.how_done.strip(), ""]
    if doc.local_proposal.strip():
        lines += [
            f"## {LOCAL_HEADING}",
            "",
            "*Det här står inte i överenskommelsen. Det är ett förslag till hur arbetet kan "
            "göras lokalt och gäller bara om parterna kommer överens om det.*",
            "",
            doc.local_proposal.strip(),
            "",
        ]
    return "\n".join(lines)


# --- reading -----------------------------------------------------------------------


def _group_code(text: str, line: int) -> str:
    wanted = fold(text)
    for code in GROUPS:
        if wanted in (fold(code), fold(group_label(code)), fold(GROUPS[code])):
            return code
    known = ", ".join(group_label(code) for code in GROUPS)
    raise MarkdownError(line, f"okänd målgrupp ”{text}”. Välj bland: {known}.")


def _parse_ages(text: str, line: int) -> tuple[int | None, int | None]:
    cleaned = text.replace("år", "").replace(" ", "").replace("-", "–")
    low, dash, high = cleaned.partition("–")
    try:
        min_age = int(low) if low else None
        max_age = int(high) if high else None
        if not dash:
            max_age = min_age
    except ValueError:
        raise MarkdownError(
            line, f"”{text}” är inga åldrar. Skriv till exempel 16–24, 20– eller –19."
        ) from None
    return min_age, max_age


def name_of(field_name: str) -> str:
    return next(key for key, name in KEYS.items() if name == field_name)


def _set(doc: ProcessDocument, name: str, value: str, line: int) -> None:
    doc.lines[name] = line
    if name in DERIVED:
        return
    if name in ("ender_full_control", "continuation_requested"):
        answer = _YES_NO.get(fold(value))
        if answer is None:
            raise MarkdownError(line, f"{name_of(name)} ska vara ja eller nej, inte ”{value}”.")
        setattr(doc, name, answer)
    elif name in ("last_reviewed", "next_review", "ended_on", "commitment_until"):
        try:
            setattr(doc, name, parse_iso_date(value))
        except ValueError as exc:
            raise MarkdownError(line, str(exc)) from None
    elif name == "appendix":
        if not value.isdigit():
            raise MarkdownError(line, f"bilaga ska vara ett nummer, inte ”{value}”.")
        doc.appendix = int(value)
    elif name in ("parties",):
        doc.parties = [part.strip() for part in value.split(";") if part.strip()]
    elif name == "target_groups":
        doc.target_groups = [
            _group_code(part.strip(), line) for part in value.split(";") if part.strip()
        ]
    elif name == "ages":
        doc.min_age, doc.max_age = _parse_ages(value, line)
    elif name == "id":
        try:
            doc.id = str(uuid.UUID(value))
        except ValueError:
            raise MarkdownError(
                line, "id ska vara ett id från ungtui (ett UUID); ta bort raden för en ny process."
            ) from None
    else:
        setattr(doc, name, value)


def parse(text: str) -> ProcessDocument:
    """Read a file written by `render` or by hand; raises MarkdownError naming the line."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    number = 0
    while number < len(lines) and not lines[number].strip():
        number += 1
    if number >= len(lines) or lines[number].strip() != "---":
        raise MarkdownError(
            number + 1 if number < len(lines) else 1,
            "filen ska börja med en rad med bara --- och därefter uppgifterna, "
            "till exempel ”titel: …”.",
        )
    doc = ProcessDocument()
    seen: set[str] = set()
    number += 1
    while True:
        if number >= len(lines):
            raise MarkdownError(number, "uppgifterna i början avslutas aldrig med en rad ---.")
        raw = lines[number]
        line_no = number + 1
        number += 1
        if raw.strip() == "---":
            break
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        key, colon, value = raw.partition(":")
        key = " ".join(key.strip().lower().replace("_", " ").split())
        if not colon:
            raise MarkdownError(line_no, f"”{raw.strip()}” saknar kolon; skriv ”namn: värde”.")
        if key not in KEYS:
            raise MarkdownError(
                line_no, f"okänd uppgift ”{key}”. Kända uppgifter: {', '.join(KEYS)}."
            )
        if key in seen:
            raise MarkdownError(line_no, f"uppgiften ”{key}” står två gånger.")
        seen.add(key)
        if value.strip():
            _set(doc, KEYS[key], value.strip(), line_no)
    end_of_front = number
    if not doc.title:
        raise MarkdownError(end_of_front, "titel saknas; skriv ”titel: …” bland uppgifterna.")
    sections: dict[str, list[str]] = {}
    current: str | None = None
    headings = {
        fold(WHAT_HEADING): "what_agreed",
        fold(HOW_HEADING): "how_done",
        fold(LOCAL_HEADING): "local_proposal",
    }
    for index in range(number, len(lines)):
        raw = lines[index]
        line_no = index + 1
        if raw.startswith("## "):
            heading = raw[3:].strip()
            name = headings.get(fold(heading))
            if name is None:
                raise MarkdownError(
                    line_no,
                    f"okänt avsnitt ”{heading}”. Avsnitten heter ”{WHAT_HEADING}”, "
                    f"”{HOW_HEADING}” och ”{LOCAL_HEADING}”; använd ### för rubriker inuti "
                    "dem.",
                )
            if name in sections:
                raise MarkdownError(line_no, f"avsnittet ”{heading}” står två gånger.")
            sections[name] = []
            doc.lines[name] = line_no
            current = name
        elif current is None:
            if raw.strip() and not raw.startswith("# "):
                raise MarkdownError(
                    line_no, f"texten står utanför avsnitten; börja med ”## {WHAT_HEADING}”."
                )
        else:
            sections[current].append(raw)
    for name, heading in (("what_agreed", WHAT_HEADING), ("how_done", HOW_HEADING)):
        if name not in sections:
            raise MarkdownError(len(lines), f"avsnittet ”## {heading}” saknas.")
        setattr(doc, name, "\n".join(sections[name]).strip())
    doc.local_proposal = "\n".join(sections.get("local_proposal", [])).strip()
    return doc
