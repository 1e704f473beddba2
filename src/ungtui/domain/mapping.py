"""Mapping (kartläggning) of needs and possibilities, and which of its fields are
special-category data (GDPR art. 9) that minutes, exports and lists leave out unless
someone chooses to include them."""

from __future__ import annotations

SCHOOLING: dict[str, str] = {
    "okant": "Okänt",
    "ej_grundskola": "Grundskolan inte slutförd",
    "grundskola": "Grundskolan slutförd",
    "studiebevis": "Gymnasiet med studiebevis",
    "gymnasieexamen": "Gymnasieexamen",
    "pagaende": "Studerar nu",
}

SWEDISH_LEVELS: dict[str, str] = {
    "okant": "Okänt",
    "forstaspraket": "Svenska som förstaspråk",
    "sva": "Svenska som andraspråk",
    "sfi_d": "SFI kurs D",
    "sfi_c": "SFI kurs C",
    "sfi_b": "SFI kurs B",
    "sfi_a": "SFI kurs A",
    "ingen": "Ingen svenska ännu",
}

# table -> columns holding health or disability; store.models marks the same columns,
# and a test checks that both say the same.
SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "mapping": frozenset({"health", "disability", "reduced_work_capacity"}),
}
