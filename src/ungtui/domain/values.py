"""What a stored value of each kind of column may be: the rules every change from another
install is checked against before anything of it is applied (sync.validate).

Dates are ISO dates, times ISO date-times with their offset, yes/no fields are true or
false (never the text "nej"), numbers are numbers, record ids are UUIDs. Text follows the
field rules of domain.fields, the same the forms and the table import follow: one line
unless the column holds free text, no control characters (newline and tab only in free
text), and a longest length per column.

Each rule returns None when the value may be stored, else the end of a Swedish sentence
that names no value (the value may be personal data).

Pure: no I/O, no SQL, no Textual.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime

from ungtui.domain import fields

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def text_check(table: str, column: str) -> Callable[[str], str | None]:
    """The field rules of domain.fields for one column (one line or free text, longest
    length, no control characters, JSON where the column holds JSON), in words fit for a
    refused file: the problem is the sender's to fix, not something to type again here."""
    rule = fields.rule_for(table, column)
    if rule is None:
        return lambda value: None
    multiline, longest = rule.multiline, rule.max_length

    def check(value: str) -> str | None:
        if len(value) > longest:
            return f"är längre än {longest:,} tecken ({len(value):,})".replace(",", " ")
        problem = fields.text_problem(value, multiline=multiline, max_length=longest)
        if problem is None and rule.json:
            problem = fields.field_problem(table, column, value)
        if problem is None:
            return None
        if "en rad" in problem:
            return "får bara vara en rad men har radbrytningar eller tabbar"
        if "JSON" in problem:
            return "är inte giltig JSON"
        return "innehåller osynliga styrtecken"

    return check


def text_problem(table: str, column: str, value: str) -> str | None:
    return text_check(table, column)(value)


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
