"""The kinds of joint meeting (samverkansmöten) the agreements describe."""

from __future__ import annotations

MEETING_KINDS: dict[str, str] = {
    "samverkansgrupp": "Samverkansgrupp",
    "arendekonferens": "Ärendekonferens",
    "trepartssamtal": "Trepartssamtal",
    "operativ_styrgrupp": "Operativ styrgrupp",
    "strategisk_styrgrupp": "Strategisk styrgrupp",
}

ITEM_PERSON = "person"
ITEM_TOPIC = "amne"
