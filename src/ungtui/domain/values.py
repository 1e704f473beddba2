"""What a stored value of each kind of column may be: the rules every change from another
install is checked against before anything of it is applied (sync.validate).

Dates are ISO dates, times ISO date-times, yes/no fields are true or false (never the
text "nej"), numbers are numbers, record ids are UUIDs. Text is one line unless the
column holds free text, has no control characters (newline and tab only in free text),
and has a longest length per column.

Each rule returns None when the value may be stored, else the end of a Swedish sentence
that names no value (the value may be personal data).

Pure: no I/O, no SQL, no Textual.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# The lengths a text column may hold.
NAME_MAX = 100  # a person's first or last name, a staff member's name
LINE_MAX = 300  # any other one-line value
TEXT_MAX = 20_000  # notes and other free text
DOCUMENT_MAX = 200_000  # a work process's text, an agreement's lists

# Columns whose text may run over several lines, with their longest length. Every other
# text column holds one line of at most LINE_MAX characters, or its own ONE_LINE length.
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
        "source": TEXT_MAX,
    },
    "work_process_version": {"text": DOCUMENT_MAX},
    "agendaitem": {"notes": DOCUMENT_MAX, "ack_reason": TEXT_MAX, "ack_organisations": TEXT_MAX},
    "meetingdecision": {"text": TEXT_MAX},
    "meetingaction": {"what": TEXT_MAX},
    "referral": {"purpose": TEXT_MAX},
    "referral_event": {"note": TEXT_MAX, "reason": TEXT_MAX, "consent_basis": TEXT_MAX},
}
ONE_LINE: dict[str, dict[str, int]] = {
    "individual": {"first_name": NAME_MAX, "last_name": NAME_MAX},
    "staff": {"name": NAME_MAX},
    "meetingattendee": {"name": NAME_MAX},
    "meetingaction": {"responsible_name": NAME_MAX},
    # Lists of ids and codes, and JSON written by the services (one line).
    "agreement": {
        "parties": DOCUMENT_MAX,
        "target_groups": DOCUMENT_MAX,
        "goals": DOCUMENT_MAX,
        "appendices": DOCUMENT_MAX,
    },
    "work_process": {"parties": DOCUMENT_MAX, "target_groups": DOCUMENT_MAX},
    "consent": {"data_categories": DOCUMENT_MAX},
}

# Characters that steer a terminal or reorder text instead of showing as themselves: C0
# and C1 controls, DEL, line and paragraph separators, bidirectional overrides and
# isolates, and lone surrogates.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE_MULTILINE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + "\ud800-\udfff]"
)
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + "\ud800-\udfff]")


@dataclass(frozen=True)
class TextRule:
    multiline: bool
    max_length: int


def text_rule(table: str, column: str) -> TextRule:
    if column in FREE_TEXT.get(table, {}):
        return TextRule(True, FREE_TEXT[table][column])
    return TextRule(False, ONE_LINE.get(table, {}).get(column, LINE_MAX))


def text_problem(value: str, rule: TextRule) -> str | None:
    if len(value) > rule.max_length:
        return f"är längre än {rule.max_length:,} tecken ({len(value):,})".replace(",", " ")
    found = (_UNSAFE_MULTILINE if rule.multiline else _UNSAFE_ONE_LINE).search(value)
    if found is None:
        return None
    if found.group() in "\n\r\t\u2028\u2029":
        return "får bara vara en rad men har radbrytningar eller tabbar"
    return "innehåller osynliga styrtecken"


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")


def date_problem(value: object) -> str | None:
    if type(value) is str and _DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return "ska vara ett datum (ÅÅÅÅ-MM-DD)"


def datetime_problem(value: object) -> str | None:
    """A point in time with its offset from UTC, as the app writes it."""
    if type(value) is str and _DATETIME.fullmatch(value):
        try:
            datetime.fromisoformat(value)
            return None
        except ValueError:
            pass
    return "ska vara en tidpunkt med tidszon (ÅÅÅÅ-MM-DDTtt:mm:ss+00:00)"


def bool_problem(value: object) -> str | None:
    # JSON true or false, nothing else: not 1, not "ja", not "nej".
    return None if type(value) is bool else "ska vara ja eller nej (true eller false)"


def int_problem(value: object) -> str | None:
    if type(value) is int and -(2**63) <= value < 2**63:
        return None
    return "ska vara ett heltal"


def number_problem(value: object) -> str | None:
    if (type(value) is int and -(2**63) <= value < 2**63) or (
        type(value) is float and math.isfinite(value)
    ):
        return None
    return "ska vara ett tal"


def record_id_problem(value: object) -> str | None:
    if type(value) is str and UUID.fullmatch(value):
        return None
    return "ska vara ett post-id (UUID)"
