"""Rules for reading a list of people kept in a spreadsheet: which column is what, and how
the cells people actually type (dates, numbers Excel has rewritten, K/M) become values.

Pure: no files, no database. A ValueError always carries a Swedish reason for the report.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, time

from ungtui.domain.text import fold

# What a column can be imported as; the order is the order of the mapping screen.
FIELDS: dict[str, str] = {
    "identity": "Personnummer",
    "full_name": "Namn (för- och efternamn)",
    "first_name": "Förnamn",
    "last_name": "Efternamn",
    "birth_date": "Födelsedatum",
    "gender": "Kön",
    "caseworker": "Handläggare",
    "entry_date": "Inskriven",
    "status": "Status",
    "phone": "Telefon",
    "email": "E-post",
    "address": "Adress",
    "residence_permit_date": "Första uppehållstillstånd",
    "establishment_from": "Etableringsprogrammet från",
    "establishment_until": "Etableringsprogrammet till",
    "municipality": "Folkbokförd i kommun",
}

# Header texts as Swedish and English lists write them, folded (case and accents ignored).
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "identity": (
        "personnummer",
        "pnr",
        "pers nr",
        "personnr",
        "person nr",
        "samordningsnummer",
        "personnummer/samordningsnummer",
        "identitetsnummer",
        "id-nummer",
        "idnr",
        "reservnummer",
        "personal identity number",
        "personal number",
        "ssn",
        "id number",
    ),
    "full_name": ("namn", "name", "fullstandigt namn", "full name", "deltagare", "elev"),
    "first_name": ("fornamn", "tilltalsnamn", "first name", "firstname", "given name"),
    "last_name": ("efternamn", "last name", "lastname", "surname", "family name"),
    "birth_date": ("fodelsedatum", "fodd", "fodelsedag", "date of birth", "birth date", "dob"),
    "gender": ("kon", "gender", "sex", "juridiskt kon"),
    "caseworker": (
        "handlaggare",
        "ansvarig handlaggare",
        "ansvarig",
        "kontaktperson",
        "case worker",
        "caseworker",
        "case manager",
    ),
    "entry_date": (
        "inskriven",
        "inskriven datum",
        "inskrivningsdatum",
        "inskrivning",
        "startdatum",
        "start",
        "aktuell sedan",
        "enrolled",
        "entry date",
        "start date",
    ),
    "status": ("status", "lage", "state"),
    "phone": ("telefon", "tel", "telefonnummer", "mobil", "mobilnummer", "phone", "mobile"),
    "email": ("e-post", "epost", "mejl", "mail", "e-mail", "email"),
    "address": ("adress", "address", "gatuadress", "bostadsadress"),
    "residence_permit_date": (
        "uppehallstillstand",
        "forsta uppehallstillstand",
        "uppehallstillstand datum",
        "datum uppehallstillstand",
        "residence permit",
        "residence permit date",
    ),
    "establishment_from": (
        "etableringsprogrammet fran",
        "etablering fran",
        "etableringen startade",
        "start etablering",
        "etableringsprogram start",
        "establishment programme start",
    ),
    "establishment_until": (
        "etableringsprogrammet till",
        "etablering till",
        "etableringen slutade",
        "slut etablering",
        "etableringsprogram slut",
        "establishment programme end",
    ),
    "municipality": ("kommun", "folkbokford i kommun", "hemkommun", "folkbokforingskommun"),
}
_BY_HEADER = {word: name for name, words in _HEADER_WORDS.items() for word in words}


def _header_key(text: str) -> str:
    folded = fold(str(text)).replace("_", " ").replace(".", " ").rstrip(":")
    return " ".join(folded.split())


def guess_field(header: str) -> str | None:
    return _BY_HEADER.get(_header_key(header))


def guess_mapping(headers: list[str]) -> list[str | None]:
    """One field (or None) per column; a field is given to its first column only."""
    taken: set[str] = set()
    result: list[str | None] = []
    for header in headers:
        name = guess_field(header)
        if name in taken:
            name = None
        if name:
            taken.add(name)
        result.append(name)
    return result


def check_mapping(mapping: list[str | None]) -> list[str]:
    """What makes a mapping unusable, in Swedish; empty when it can be used."""
    problems = []
    chosen = [m for m in mapping if m]
    for name in sorted(set(chosen), key=list(FIELDS).index):
        if chosen.count(name) > 1:
            problems.append(f"{FIELDS[name]} är vald för flera kolumner; välj den för en.")
    unknown = [m for m in chosen if m not in FIELDS]
    if unknown:
        problems.append(f"Okänt fält i mappningen: {', '.join(unknown)}.")
    if not {"full_name", "first_name", "last_name"} & set(chosen):
        problems.append("Ingen kolumn är vald som namn; välj Namn, Förnamn eller Efternamn.")
    if "identity" not in chosen and "birth_date" not in chosen:
        problems.append(
            "Ingen kolumn är vald som personnummer eller födelsedatum; "
            "personerna går inte att känna igen."
        )
    return problems


# --- cells ---------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^\d+([.,]\d+)?[eE]\+?\d+$")


def cell_text(value: object) -> str:
    """A cell as text: numbers without '.0', dates as ISO, None as ''."""
    if type(value) is str:  # most cells, first: a list of 10,000 people has 100,000s
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def identity_text(value: object) -> str:
    """The number as the person wrote it, repaired where Excel dropped a leading zero
    (a 10-digit number of someone born 2000–2009 stored as a number has 9 digits)."""
    text = cell_text(value)
    compact = "".join(text.split())
    if _SCIENTIFIC.match(compact):
        raise ValueError(
            "Excel har skrivit om numret i exponentform och tappat siffror; formatera "
            "kolumnen som text i Excel och spara listan igen."
        )
    if compact.upper().endswith("XXXX"):
        raise ValueError(
            "Numret är dolt (XXXX); ta ut listan med hela numret för att kunna läsa in den."
        )
    if compact.isdigit() and len(compact) in (9, 11):
        return "0" + compact
    return compact


def is_reserve_id(text: str) -> bool:
    return fold(text).startswith("r-")


_DATE_FORMS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "ymd"),
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), "dmy"),
    (re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{2})$"), "dmy"),
)


def parse_sheet_date(value: object, today: date) -> date:
    """Dates as Swedish lists hold them: 2024-03-05, 20240305, 5/3/2024, 05.03.24, or a
    real date cell. Day before month, as Swedish Excel writes; two-digit years fall in the
    latest century that is not after today."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _date_of_text(cell_text(value), today)


@functools.lru_cache(maxsize=8192)  # a list of 10,000 people holds a few 1,000 days
def _date_of_text(text: str, today: date) -> date:
    for pattern, order in _DATE_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        first, second, third = (int(part) for part in match.groups())
        if order == "ymd":
            year, month, day = first, second, third
        else:
            day, month, year = first, second, third
            if len(match.group(3)) == 2:
                year += today.year - today.year % 100
                if (year, month, day) > (today.year, today.month, today.day):
                    year -= 100
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(f"Datumet ”{text}” finns inte.") from None
    raise ValueError(f"”{text}” är inget datum; skriv till exempel 2024-03-05.")


_GENDERS = {
    "k": "kvinna",
    "kvinna": "kvinna",
    "kvinnor": "kvinna",
    "flicka": "kvinna",
    "tjej": "kvinna",
    "f": "kvinna",
    "female": "kvinna",
    "woman": "kvinna",
    "m": "man",
    "man": "man",
    "pojke": "man",
    "kille": "man",
    "male": "man",
    "annat": "annat",
    "annan": "annat",
    "icke-binar": "annat",
    "other": "annat",
    "x": "annat",
    "okant": "okänt",
    "vet ej": "okänt",
    "uppgift saknas": "okänt",
    "unknown": "okänt",
    "": "okänt",
}


@functools.lru_cache(maxsize=256)
def parse_gender(text: str) -> str:
    code = _GENDERS.get(fold(text))
    if code is None:
        raise ValueError(f"Okänt kön ”{text}”; skriv K, M, annat eller lämna tomt.")
    return code


_STATUSES = {
    "aktiv": "aktiv",
    "aktuell": "aktiv",
    "active": "aktiv",
    "vilande": "vilande",
    "pausad": "vilande",
    "paused": "vilande",
    "avslutad": "avslutad",
    "avslutat": "avslutad",
    "closed": "avslutad",
    "": "aktiv",
}


@functools.lru_cache(maxsize=256)
def parse_status(text: str) -> str:
    code = _STATUSES.get(fold(text))
    if code is None:
        raise ValueError(f"Okänd status ”{text}”; skriv aktiv, vilande eller avslutad.")
    return code


def split_full_name(text: str) -> tuple[str, str]:
    """(first, last) from 'Efternamn, Förnamn' or 'Förnamn Efternamn'."""
    cleaned = " ".join(text.split())
    if "," in cleaned:
        last, _, first = cleaned.partition(",")
        return first.strip(), last.strip()
    first, _, last = cleaned.rpartition(" ")
    return first, last


_TOTAL_WORDS = ("summa", "totalt", "total", "antal", "sum", "count")


def is_total_row(cells: list[object]) -> bool:
    """A sum or count line under the list ('Summa', 'Totalt: 52', 'Antal 52')."""
    filled = [text for text in map(cell_text, cells) if text]
    if not filled:
        return False
    first = fold(filled[0]).rstrip(":")
    return any(first == word or first.startswith(word + " ") for word in _TOTAL_WORDS) or (
        any(first.startswith(word + ":") for word in _TOTAL_WORDS)
    )
