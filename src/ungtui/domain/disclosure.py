"""The one rule for every disclosure: may this party give that party this kind of data
about a person, for this purpose, on this day?

Yes when both are the same secrecy domain (domain.secrecy), or when a consent in force
names the discloser, the receiver, one of the purposes and the category. Identity comes
with every covering consent. Nothing else is a reason: that the receiver holds the
person's case does not lift the discloser's secrecy (OSL 8 kap.; DOMAIN.md).

Sync exports, meetings, referrals and list exports all ask here; they differ only in
which purposes count (domain.purposes) and who the parties are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ungtui.domain.consent import consent_state
from ungtui.domain.data_categories import CATEGORIES, IDENTITET

ALL = frozenset(CATEGORIES)


@dataclass(frozen=True, order=True)
class Holder:
    """A party under one secrecy: an organisation (by identity: its number, or its record
    id without one) and a domain of it. `domain` None is the whole organisation: as a
    receiver, a file or a room any of its domains may read; as a consent's party, all of
    its domains."""

    organisation: str
    domain: str | None = None

    @property
    def key(self) -> str:
        return self.organisation if self.domain is None else f"{self.organisation}#{self.domain}"

    @classmethod
    def from_key(cls, key: str) -> Holder:
        organisation, _, domain = key.partition("#")
        return cls(organisation, domain or None)


def same_secrecy(a: Holder, b: Holder) -> bool:
    """One domain of one organisation: no disclosure happens between them."""
    return a.organisation == b.organisation and a.domain is not None and a.domain == b.domain


def names(named: Holder, actual: Holder) -> bool:
    """Does a consent naming `named` name the party `actual`? A consent for a whole
    organisation names each of its domains; one for a domain names that domain only, and
    not a party whose domain is unknown (a file any domain may read)."""
    return named.organisation == actual.organisation and (
        named.domain is None or named.domain == actual.domain
    )


@dataclass(frozen=True)
class ConsentTerms:
    """A consent as the rule reads it. `discloser` None: a consent recorded before
    disclosers were named, by no one known here; it covers no disclosure."""

    id: str
    discloser: Holder | None
    receiver: Holder
    purposes: frozenset[str]
    categories: frozenset[str]
    valid_from: date
    valid_to: date | None = None
    withdrawn_on: date | None = None

    def state(self, on: date) -> str:
        return consent_state(self.valid_from, self.valid_to, self.withdrawn_on, on)

    def names_parties(self, discloser: Holder, receiver: Holder) -> bool:
        return (
            self.discloser is not None
            and names(self.discloser, discloser)
            and names(self.receiver, receiver)
        )

    @property
    def covers(self) -> frozenset[str]:
        """The categories it lets travel: those it names, and who the person is."""
        return self.categories | {IDENTITET}


def covering(
    consents: Iterable[ConsentTerms],
    *,
    discloser: Holder,
    receiver: Holder,
    purposes: Iterable[str],
    on: date,
) -> list[ConsentTerms]:
    """The consents in force on `on` that name both parties and one of the purposes."""
    wanted = frozenset(purposes)
    return [
        c
        for c in consents
        if c.state(on) == "gäller"
        and c.names_parties(discloser, receiver)
        and c.purposes & wanted
    ]


def disclosed_categories(
    consents: Iterable[ConsentTerms],
    *,
    discloser: Holder,
    receiver: Holder,
    purposes: Iterable[str],
    on: date,
) -> frozenset[str]:
    """Every category `discloser` may give `receiver` for any of `purposes` on `on`."""
    if same_secrecy(discloser, receiver):
        return ALL
    found: set[str] = set()
    for consent in covering(
        consents, discloser=discloser, receiver=receiver, purposes=purposes, on=on
    ):
        found |= consent.covers
    return frozenset(found)


def shared_in_room(
    consents: Sequence[ConsentTerms],
    *,
    discloser: Holder,
    present: Iterable[Holder],
    purpose: str,
    days: Sequence[date],
) -> frozenset[str]:
    """What may be said about a person in a room: the categories every party present may
    receive from `discloser` for the meeting's purpose, on every day asked about."""
    result = ALL
    for party in present:
        for day in days:
            result &= disclosed_categories(
                consents, discloser=discloser, receiver=party, purposes=(purpose,), on=day
            )
    return result


@dataclass(frozen=True)
class Verdict:
    """Why a disclosure may or may not happen. `reason`: same_domain | covered |
    category (consents name the parties and purpose, not the category) | purpose (they
    name the parties, not the purpose) | withdrawn | not_yet | expired | none."""

    allowed: bool
    reason: str
    consent: ConsentTerms | None = None


def verdict(
    consents: Sequence[ConsentTerms],
    *,
    discloser: Holder,
    receiver: Holder,
    purpose: str,
    category: str,
    on: date,
) -> Verdict:
    if same_secrecy(discloser, receiver):
        return Verdict(True, "same_domain")
    parties = [c for c in consents if c.names_parties(discloser, receiver)]
    for_purpose = [c for c in parties if purpose in c.purposes]
    in_force = [c for c in for_purpose if c.state(on) == "gäller"]
    covering_category = [c for c in in_force if category in c.covers]
    if covering_category:
        best = max(covering_category, key=lambda c: (c.valid_to or date.max, c.id))
        return Verdict(True, "covered", best)
    if in_force:
        return Verdict(False, "category", in_force[0])
    if for_purpose:
        states = {c.state(on): c for c in for_purpose}
        for reason in ("återkallat", "ej_börjat", "utgånget"):
            if reason in states:
                code = {"återkallat": "withdrawn", "ej_börjat": "not_yet", "utgånget": "expired"}
                return Verdict(False, code[reason], states[reason])
    if parties:
        return Verdict(False, "purpose", parties[0])
    return Verdict(False, "none")
