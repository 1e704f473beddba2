"""What data is shared for (syfte): a small fixed vocabulary taken from the agreements.

A consent names one or more purposes (and a free-text note); a referral and a meeting
each state one. A consent for another purpose does not cover them. Seed 004 §6.3 asks
that consents be used restrictively, so the vocabulary separates the standing work on a
person's case from the occasions that need data only then:

- standing: the joint mapping and planning, the municipal activity responsibility and
  the follow-up after exit go on for as long as the consent is in force, so data covered
  for them travels with every sync file;
- occasions: a referral, a case conference or a three-party talk. Data covered only for
  one of those travels to a party only when such an occasion involves it: a referral
  sent between the two, or a meeting with the person on the agenda and the party present.
"""

from __future__ import annotations

# Labels as forms show them; SOURCES says where the agreements describe each.
PURPOSES: dict[str, str] = {
    "samordning": "Samordning och planering av insatser",
    "remiss": "Remiss eller anvisning till insats",
    "arendekonferens": "Ärendekonferens",
    "trepartssamtal": "Trepartssamtal med leverantör",
    "kaa": "Kommunala aktivitetsansvaret",
    "uppfoljning": "Uppföljning efter avslut",
}
SOURCES: dict[str, str] = {
    "samordning": "gemensam kartläggning och individuell planering (003), samverkansgrupp "
    "om gemensamma ärenden (002)",
    "remiss": "hänvisning till En väg in (003), anvisning till leverantör (004 6.3)",
    "arendekonferens": "ärendekonferens vid varje förändring för individen (003)",
    "trepartssamtal": "trepartssamtal med fristående aktör, individen deltar (004 6.3)",
    "kaa": "det kommunala aktivitetsansvaret för unga under 20 (002, 003)",
    "uppfoljning": "uppföljning av varje individ efter insats och avslut (003)",
}
STANDING: frozenset[str] = frozenset({"samordning", "kaa", "uppfoljning"})
OCCASIONS: frozenset[str] = frozenset(PURPOSES) - STANDING

REFERRAL_DEFAULT = "remiss"
# A meeting's purpose when its form says nothing else (meetings made before purposes).
MEETING_DEFAULTS: dict[str, str] = {
    "samverkansgrupp": "samordning",
    "arendekonferens": "arendekonferens",
    "trepartssamtal": "trepartssamtal",
    "operativ_styrgrupp": "samordning",
    "strategisk_styrgrupp": "samordning",
}
# Consents recorded before purposes were named hold only a free text: they are read as
# consents for the standing joint planning, the narrowest reading that keeps them useful.
LEGACY_CONSENT = frozenset({"samordning"})


def meeting_purpose(stored: str, kind: str) -> str:
    return stored if stored in PURPOSES else MEETING_DEFAULTS.get(kind, "samordning")


def referral_purpose(stored: str) -> str:
    return stored if stored in PURPOSES else REFERRAL_DEFAULT


def consent_purposes(stored: str) -> frozenset[str]:
    found = frozenset(code for code in stored.split(",") if code in PURPOSES)
    return found or LEGACY_CONSENT


def label(code: str) -> str:
    return PURPOSES.get(code, code)


def labels(codes) -> str:
    chosen = set(codes)
    return ", ".join(PURPOSES[c] for c in PURPOSES if c in chosen)
