"""Text folding for search: case and accents do not matter."""

from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """'Öztürk' -> 'ozturk', 'Åsa  Ek' -> 'asa ek'. Cached: an import of 100,000 people
    folds the same few thousand names over and over."""
    if text.isascii():  # nothing to decompose or strip
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


# Swedish alphabetical order ends ...x y z å ä ö; mapping those three past "z" lets
# SQLite sort correctly with plain binary comparison and an ordinary index.
_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"})


def swedish_sort_key(text: str) -> str:
    """'Öberg' sorts after 'Zetterlund', 'Åsa' before 'Ärla', case ignored."""
    return fold(text.casefold().translate(_SWEDISH_LAST))


def person_search_key(
    first_name: str, last_name: str, identity: str | None, reserve: str | None
) -> str:
    """What search-as-you-type matches: folded names and the number with and without dash."""
    parts = [fold(first_name), fold(last_name)]
    if identity:
        parts += [identity, identity.replace("-", "")]
    if reserve:
        parts.append(fold(reserve))
    return " ".join(p for p in parts if p)


def display_name(first_name: str, last_name: str) -> str:
    """'Öberg, Åsa': the last name first, as lists sort; one name alone as it is."""
    if first_name and last_name:
        return f"{last_name}, {first_name}"
    return last_name or first_name


def person_sort_key(first_name: str, last_name: str) -> str:
    return swedish_sort_key(f"{last_name}\x01{first_name}")


def first_letter(word: str) -> str | None:
    """The letter a name word is known by: '(Åsa)' -> 'Å'. A word whose first character
    (after an opening parenthesis or quote) is no letter has none: '[b]x[/b]', '[/]', '-'
    are not names, whatever letters they hold further on."""
    start = word.lstrip("(\"'«»")
    return start[0].upper() if start and start[0].isalpha() else None


def initials(first_name: str, last_name: str) -> str:
    """`Åsa Öberg` -> `Å.Ö.`; every name word counts, a double name with each part:
    `Anna Maria Al-Hassan` -> `A.M.A.-H.`. The one form for a person not to be named in
    full: on a shared screen, in a meeting and its minutes, in files' summaries."""
    parts = []
    for name in (first_name, last_name):
        for word in name.split():
            letters = [letter for p in word.split("-") if (letter := first_letter(p))]
            if letters:
                parts.append("-".join(f"{letter}." for letter in letters))
    return "".join(parts) or "?"


def plural(count: int, one: str, many: str) -> str:
    """'1 rad', '2 rader', '0 rader': the count with the word in the right number."""
    return f"{count} {one if count == 1 else many}"


_MARKDOWN = (
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](link) -> text
    (re.compile(r"(\*\*|__|`)"), ""),  # bold and code marks
    (re.compile(r"(^|\s)[*_](\S[^*_]*\S|\S)[*_](?=\s|$|[.,;:!?])"), r"\1\2"),  # *italic*
    (re.compile(r"(^|\s)#{1,6}\s+"), r"\1"),  # headings
    (re.compile(r"(^|\s)>\s+"), r"\1"),  # quotes
)


def plain_markdown(text: str) -> str:
    """A line of Markdown as a reader sees it, without the marks ("**Mål:** x" -> "Mål: x"),
    for snippets shown as plain text."""
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return text
