"""What this install's own settings may be: each number's default and allowed range,
with the Swedish message for a value outside it. The same rule reads what a caseworker
types and what is stored, so a stored value the form would refuse is refused too.
services.install_settings keeps the keys and reads and writes them."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
