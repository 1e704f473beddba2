"""What this install's own settings may be: each number's default and allowed range,
with the Swedish message for a value outside it. The same rule reads what a caseworker
types and what is stored, so a stored value the form would refuse is refused too.
Also the keys in the Setting table and how its rows are read into one InstallSettings;
services.install_settings writes them, services.start reads them before the first screen."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_WHOLE = re.compile(r"[+-]?[0-9]+")


@dataclass(frozen=True)
class NumberSetting:
    """A whole number between `low` and `high`, both included."""

    default: int
    low: int
    high: int
    not_a_number: str  # the message for text that is not a whole number
    out_of_range: str  # the message for a number outside low..high

    def parse(self, text: str) -> int:
        """The number in `text`; ValueError with the Swedish message otherwise."""
        cleaned = str(text).strip()
        if not _WHOLE.fullmatch(cleaned):
            raise ValueError(self.not_a_number)
        value = int(cleaned)
        if not self.low <= value <= self.high:
            raise ValueError(self.out_of_range)
        return value

    def read(self, stored: str | None) -> int:
        """A stored value, or the default when there is none or the rule refuses it."""
        if stored is None:
            return self.default
        try:
            return self.parse(stored)
        except ValueError:
            return self.default

    def accepts(self, stored: str) -> bool:
        try:
            self.parse(stored)
        except ValueError:
            return False
        return True


IDLE_MINUTES = NumberSetting(
    default=10,
    low=0,  # never lock
    high=240,
    not_a_number="Skriv antal minuter som en siffra, till exempel 10 (0 = aldrig).",
    out_of_range="Välj mellan 0 (aldrig) och 240 minuter.",
)
REPLY_WORKING_DAYS = NumberSetting(
    default=10,
    low=1,
    high=120,
    not_a_number="Ange ett antal arbetsdagar mellan 1 och 120, till exempel 10.",
    out_of_range="Ange ett antal arbetsdagar mellan 1 och 120, till exempel 10.",
)
# Five years by default, as for social-services files (SoL 12 kap. 1 §).
RETENTION_YEARS = NumberSetting(
    default=5,
    low=1,
    high=100,
    not_a_number="Skriv antal år som en siffra, till exempel 5.",
    out_of_range="Välj mellan 1 och 100 år.",
)
MIN_LOCK_PASSPHRASE = 6


def parse_flag(stored: str | None) -> bool:
    """An on/off setting: stored as "1" when on, absent when off."""
    return stored == "1"


# The Setting table's keys. store.models reads the current user's with plain SQL too.
CURRENT_STAFF_KEY = "current_staff_id"
IDLE_MINUTES_KEY = "idle_lock_minutes"
LOCK_PASSPHRASE_KEY = "idle_lock_passphrase"
SHARE_IN_MEETINGS_KEY = "screen_share_in_meetings"
REPLY_DAYS_KEY = "referral_reply_working_days"
RETENTION_YEARS_PREFIX = "retention_years:"  # + organisation id
IMPORT_MAPPING_KEY = "table_import_mapping"


@dataclass(frozen=True)
class ImportMapping:
    """The columns a table import last mapped a list with exactly these headers to."""

    headers: tuple[str, ...]
    mapping: tuple[str | None, ...]


@dataclass(frozen=True)
class InstallSettings:
    idle_minutes: int = IDLE_MINUTES.default  # 0 = never lock
    lock_passphrase_hash: str = ""  # "" = any key unlocks
    share_in_meetings: bool = False
    reply_working_days: int = REPLY_WORKING_DAYS.default
    # Years to keep a closed case, for the organisations that set their own.
    retention_years: dict[str, int] = field(default_factory=dict)
    current_staff_id: str | None = None
    import_mappings: tuple[ImportMapping, ...] = ()  # oldest first, at most 10
    refused: tuple[str, ...] = ()  # keys whose stored values were not used

    def retention_years_for(self, organisation_id: str) -> int:
        return self.retention_years.get(organisation_id, RETENTION_YEARS.default)


def _mappings(stored: str) -> tuple[ImportMapping, ...]:
    """ValueError unless a list of {"headers": [text], "mapping": [text or null]}."""
    found = json.loads(stored)
    if not isinstance(found, list):
        raise ValueError
    out = []
    for entry in found:
        headers, mapping = entry.get("headers"), entry.get("mapping")
        if not (
            isinstance(headers, list)
            and isinstance(mapping, list)
            and all(isinstance(h, str) for h in headers)
            and all(m is None or isinstance(m, str) for m in mapping)
        ):
            raise ValueError
        out.append(ImportMapping(tuple(headers), tuple(mapping)))
    return tuple(out)


def settings_from_rows(rows: dict[str, str]) -> InstallSettings:
    """The settings from the Setting table's rows (key → stored text)."""
    refused: list[str] = []

    def number(key: str, rule) -> int:
        stored = rows.get(key)
        if stored is not None and not rule.accepts(stored):
            refused.append(key)
        return rule.read(stored)

    years = {}
    for key, stored in sorted(rows.items()):
        if key.startswith(RETENTION_YEARS_PREFIX):
            if RETENTION_YEARS.accepts(stored):
                years[key.removeprefix(RETENTION_YEARS_PREFIX)] = RETENTION_YEARS.parse(stored)
            else:
                refused.append(key)
    mappings: tuple[ImportMapping, ...] = ()
    if IMPORT_MAPPING_KEY in rows:
        try:
            mappings = _mappings(rows[IMPORT_MAPPING_KEY])
        except (ValueError, AttributeError):
            refused.append(IMPORT_MAPPING_KEY)
    return InstallSettings(
        idle_minutes=number(IDLE_MINUTES_KEY, IDLE_MINUTES),
        lock_passphrase_hash=rows.get(LOCK_PASSPHRASE_KEY, ""),
        share_in_meetings=parse_flag(rows.get(SHARE_IN_MEETINGS_KEY)),
        reply_working_days=number(REPLY_DAYS_KEY, REPLY_WORKING_DAYS),
        retention_years=years,
        current_staff_id=rows.get(CURRENT_STAFF_KEY) or None,
        import_mappings=mappings,
        refused=tuple(refused),
    )
