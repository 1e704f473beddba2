"""Mapping (kartläggning) of needs and possibilities, and which of its fields are
sensitive (health and disability, GDPR art. 9, and social circumstances) that minutes,
exports and lists leave out unless someone chooses to include them."""

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

# How the person supports themselves now (försörjning): economy in a consent's terms.
SUPPORT: dict[str, str] = {
    "okant": "Okänt",
    "lon": "Lön",
    "aktivitetsstod": "Aktivitetsstöd eller utvecklingsersättning",
    "etableringsersattning": "Etableringsersättning",
    "studiemedel": "Studiemedel",
    "ekonomiskt_bistand": "Ekonomiskt bistånd",
    "sjukersattning": "Sjuk- eller aktivitetsersättning",
    "ingen": "Ingen egen försörjning",
}

# table -> columns holding health, disability or social circumstances; store.models marks
# the same columns, and a test checks that both say the same.
SENSITIVE_FIELDS: dict[str, frozenset[str]] = {
    "mapping": frozenset(
        {"health", "disability", "reduced_work_capacity", "social_situation"}
    ),
}
