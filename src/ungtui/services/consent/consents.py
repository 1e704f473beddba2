"""Consents: recording them, withdrawing them, showing them whole, and the one question
others ask (may this party give that party this data, for this purpose, today?).

A consent names who may disclose (the person's data held by one secrecy domain), to whom
(an organisation, or one domain of it), for which purposes and which kinds of data, how it
was given and for how long. The rule is domain.disclosure's; sync.sharing reads consents
for it, older ones included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select

from ungtui.domain import data_categories as cats
from ungtui.domain import purposes as purpose_vocabulary
from ungtui.domain.ages import age_on
from ungtui.domain.consent import STATES, consent_state
from ungtui.domain.disclosure import Holder, same_secrecy, verdict
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.secrecy import SECRECY_DOMAINS, describe, domains_for_kind
from ungtui.domain.vocabulary import CONSENT_FORMS, DATA_CATEGORIES, MINOR_BASES
from ungtui.services import clock
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.people.same_person import same_person_ids
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Consent, Individual, Organisation, Staff, Unit
from ungtui.sync import holders
from ungtui.sync import organisations as orgs
from ungtui.sync.sharing import load_facts

ADULT_AGE = 18
MIN_NOTE = 10


@dataclass
class ConsentInput:
    organisation_id: str | None = None  # who receives
    purpose: str = ""  # the purpose in the consent's own words (a note)
    data_categories: list[str] = field(default_factory=list)
    form: str = "skriftligt"
    valid_from: str = ""
    valid_to: str = ""
    purposes: list[str] = field(default_factory=list)  # domain.purposes codes
    receiver_domain: str = ""  # a domain of the receiving organisation; "" = all of it
    # Who discloses; None: the unit of the person recording it (the usual case).
    discloser_organisation_id: str | None = None
    discloser_domain: str | None = None
    minor_basis: str = ""
    minor_note: str = ""


@dataclass(frozen=True)
class ConsentRow:
    """A consent as the person screen shows it, whole."""

    id: str
    organisation_id: str
    organisation_name: str  # the receiving organisation
    receiver: str  # "Arbetsförmedlingen", "Malmö stad – Socialtjänsten"
    discloser: str
    purpose: str  # the note
    purposes: str  # labels of the purpose codes
    categories: str  # labels, identity included
    form: str
    valid_from: date
    valid_to: date | None
    withdrawn_on: date | None
    state: str  # a code of domain.consent.STATES
    minor: str = ""  # the under-18 basis, as a line, with the caseworker's note
    recorded_by: str = ""
    # What an older consent (recorded before disclosers and purposes were named) is read
    # as, in words; empty for a consent that names both.
    assumed: str = ""

    @property
    def state_label(self) -> str:
        return STATES[self.state]


@dataclass(frozen=True)
class ConsentAnswer:
    allowed: bool
    reason: str
    consent_id: str | None = None


def is_minor(birth_date: date | None, on: date) -> bool:
    return birth_date is not None and age_on(birth_date, on) < ADULT_AGE


def _validate(session, person: Individual, data: ConsentInput, actor_id: str | None, today: date):
    errors: dict[str, str] = {}
    receiver = session.get(Organisation, data.organisation_id) if data.organisation_id else None
    if receiver is None or receiver.deleted_at is not None:
        errors["organisation_id"] = "Välj vem som får ta emot uppgifterna."
    elif data.receiver_domain and data.receiver_domain not in domains_for_kind(receiver.kind):
        errors["organisation_id"] = f"{receiver.name} har ingen sådan nämnd."
    discloser_org_id, discloser_domain = data.discloser_organisation_id, data.discloser_domain
    if discloser_org_id is None:
        own = _recorder_unit(session, actor_id)
        if own is not None:
            discloser_org_id, discloser_domain = own
    discloser = session.get(Organisation, discloser_org_id) if discloser_org_id else None
    if discloser is None or discloser.deleted_at is not None:
        errors["discloser"] = "Välj vem som lämnar ut uppgifterna."
    elif discloser_domain and discloser_domain not in domains_for_kind(discloser.kind):
        errors["discloser"] = f"{discloser.name} har ingen sådan nämnd."
    chosen_purposes = [p for p in data.purposes if p in purpose_vocabulary.PURPOSES]
    if not chosen_purposes or len(chosen_purposes) != len(data.purposes):
        errors["purposes"] = "Välj minst ett syfte som samtycket gäller."
    unknown = [c for c in data.data_categories if c not in DATA_CATEGORIES]
    if unknown or not data.data_categories:
        errors["data_categories"] = "Välj minst en sorts uppgifter som får lämnas."
    if data.form not in CONSENT_FORMS:
        errors["form"] = "Ange om samtycket är skriftligt eller muntligt."
    valid_from = today
    valid_to = None
    if data.valid_from.strip():
        try:
            valid_from = parse_day(data.valid_from, today)
        except ValueError as exc:
            errors["valid_from"] = str(exc)
    if data.valid_to.strip():
        try:
            valid_to = parse_day(data.valid_to, today)
        except ValueError as exc:
            errors["valid_to"] = str(exc)
        else:
            if "valid_from" not in errors and valid_to < valid_from:
                errors["valid_to"] = "Slutdatum kan inte vara före startdatum."
    minor_basis, minor_note = "", ""
    if is_minor(person.birth_date, valid_from):
        minor_basis, minor_note = data.minor_basis, " ".join(data.minor_note.split())
        if minor_basis not in MINOR_BASES:
            errors["minor_basis"] = (
                "Personen är under 18 år: ange om vårdnadshavare har samtyckt eller om den "
                "unga själv bedöms mogen nog."
            )
        elif minor_basis == "mognad" and len(minor_note) < MIN_NOTE:
            errors["minor_note"] = "Skriv din bedömning av den ungas mognad (minst tio tecken)."
    if receiver is not None and discloser is not None and "organisation_id" not in errors:
        conn = session.connection()
        to = holders.organisation_holder(conn, receiver.id, data.receiver_domain or None)
        by = holders.organisation_holder(conn, discloser.id, discloser_domain or None)
        if to is not None and by is not None and same_secrecy(by, to):
            errors["organisation_id"] = (
                "Den som lämnar ut och den som tar emot är samma nämnd; där behövs inget "
                "samtycke."
            )
    if errors:
        raise ValidationError(errors)
    assert receiver is not None and discloser is not None
    return {
        "organisation_id": receiver.id,
        "receiver_domain": data.receiver_domain or "",
        "discloser_organisation_id": discloser.id,
        "discloser_domain": discloser_domain or "",
        "purposes": ",".join(p for p in purpose_vocabulary.PURPOSES if p in chosen_purposes),
        "purpose": " ".join(data.purpose.split()),
        "data_categories": ",".join(c for c in DATA_CATEGORIES if c in data.data_categories),
        "form": data.form,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "minor_basis": minor_basis,
        "minor_note": minor_note,
    }


def _recorder_unit(session, actor_id: str | None) -> tuple[str, str] | None:
    """The organisation and domain of the staff member recording: the usual discloser."""
    if not actor_id:
        return None
    staff = session.get(Staff, actor_id)
    unit = session.get(Unit, staff.unit_id) if staff is not None else None
    if unit is None:
        return None
    holder = holders.unit_holders(session.connection()).get(unit.id)
    return unit.organisation_id, (holder.domain if holder else None) or ""


def add_consent(
    db: Database,
    individual_id: str,
    data: ConsentInput,
    *,
    actor_id: str | None,
    today: date | None = None,
) -> str:
    today = today or clock.today()
    with UnitOfWork(db, actor_id) as uow:
        person = uow.session.get(Individual, individual_id)
        if person is None or person.deleted_at is not None:
            raise NotFound("Personen finns inte längre i registret.")
        values = _validate(uow.session, person, data, actor_id, today)
        consent = uow.create(Consent(individual_id=individual_id, recorded_by=actor_id, **values))
    return consent.id


def withdraw_consent(
    db: Database, consent_id: str, *, actor_id: str | None, on: date | None = None
) -> None:
    on = on or clock.today()
    with UnitOfWork(db, actor_id) as uow:
        consent = uow.session.get(Consent, consent_id)
        if consent is None or consent.deleted_at is not None:
            raise NotFound("Samtycket finns inte längre.")
        if consent.withdrawn_on is not None:
            raise ServiceError(f"Samtycket återkallades redan {consent.withdrawn_on.isoformat()}.")
        uow.update(consent, withdrawn_on=on)


# --- reading ------------------------------------------------------------------------


def party_names(session) -> dict[str, tuple[str, str]]:
    """{organisation identity: (name, kind)}, for naming consent parties."""
    keys = orgs.organisation_keys(session.connection())
    names: dict[str, tuple[str, str]] = {}
    for org in session.exec(select(Organisation)).all():
        key = keys.get(org.id, org.id)
        if key not in names or org.merged_into is None:
            names[key] = (org.name, org.kind)
    return names


def holder_label(holder: Holder | None, names: dict[str, tuple[str, str]]) -> str:
    if holder is None:
        return "okänd (samtycket registrerades utan uppgift om vem som lämnar ut)"
    name, kind = names.get(holder.organisation, ("okänd organisation", "annan"))
    return describe(name, holder.domain, kind)


def list_consents(db: Database, individual_id: str, today: date | None = None) -> list[ConsentRow]:
    on = today or clock.today()
    with db.session() as session:
        members = same_person_ids(session, individual_id)
        rows = session.exec(
            select(Consent)
            .where(col(Consent.individual_id).in_(members), col(Consent.deleted_at).is_(None))
            .order_by(col(Consent.valid_from).desc(), Consent.id)
        ).all()
        facts = load_facts(session.connection(), members)
        names = party_names(session)
        staff = dict(session.exec(select(Staff.id, Staff.name)).all())
        receivers = {o.id: o.name for o in session.exec(select(Organisation)).all()}
    result = []
    for c in rows:
        terms = facts.consent_by_id.get(c.id)
        assumed = []
        if not c.discloser_organisation_id:
            assumed.append(
                "vem som lämnar ut är inte angivet; det är den enhet som registrerade "
                "samtycket" if terms and terms.discloser else "vem som lämnar ut är okänt, "
                "så samtycket gäller inget utlämnande"
            )
        if not c.purposes:
            assumed.append(
                "syftet är bara beskrivet i ord; samtycket gäller som "
                + purpose_vocabulary.labels(purpose_vocabulary.LEGACY_CONSENT).lower()
            )
        codes = set(c.data_categories.split(",")) | {cats.IDENTITET}
        minor = ""
        if c.minor_basis:
            minor = MINOR_BASES.get(c.minor_basis, c.minor_basis)
            if c.minor_note:
                minor += f": {c.minor_note}"
        result.append(
            ConsentRow(
                id=c.id,
                organisation_id=c.organisation_id,
                organisation_name=receivers.get(c.organisation_id, "okänd organisation"),
                receiver=holder_label(terms.receiver, names) if terms else "okänd",
                discloser=holder_label(terms.discloser if terms else None, names),
                purpose=c.purpose,
                purposes=purpose_vocabulary.labels(
                    purpose_vocabulary.consent_purposes(c.purposes)
                ),
                categories=cats.labels(codes),
                form=CONSENT_FORMS.get(c.form, c.form),
                valid_from=c.valid_from,
                valid_to=c.valid_to,
                withdrawn_on=c.withdrawn_on,
                state=consent_state(c.valid_from, c.valid_to, c.withdrawn_on, on),
                minor=minor,
                recorded_by=staff.get(c.recorded_by or "", ""),
                assumed=_sentence("; ".join(assumed)),
            )
        )
    return result


def _sentence(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}." if text else ""


def consent_lines(row: ConsentRow) -> list[str]:
    """A consent whole, as lines of Swedish text: the person screen shows them all."""
    until = row.valid_to.isoformat() if row.valid_to else "tills vidare"
    valid = f"Gäller {row.valid_from.isoformat()} – {until}"
    state = row.state_label
    if row.withdrawn_on:
        state += f" {row.withdrawn_on.isoformat()}"
        # A withdrawn consent ended the day it was withdrawn (or earlier, at its end
        # date): "tills vidare" would read as if it still held.
        ended = min(row.withdrawn_on, row.valid_to or row.withdrawn_on)
        valid = (
            f"Gällde {row.valid_from.isoformat()} – {ended.isoformat()}, "
            f"återkallat {row.withdrawn_on.isoformat()}"
        )
    lines = [
        f"{row.discloser} → {row.receiver}  ({state})",
        f"Syfte: {row.purposes}" + (f". {row.purpose}" if row.purpose else ""),
        f"Uppgifter: {row.categories}",
        f"{valid} · {row.form}"
        + (f" · registrerat av {row.recorded_by}" if row.recorded_by else ""),
    ]
    if row.minor:
        lines.append(f"Under 18: {row.minor}")
    if row.assumed:
        lines.append(f"Äldre samtycke: {row.assumed}")
    return lines


# --- the question ---------------------------------------------------------------------


def may_disclose(
    db: Database,
    individual_id: str,
    *,
    discloser: Holder,
    receiver: Holder,
    purpose: str,
    category: str,
    on: date | None = None,
) -> ConsentAnswer:
    """May `discloser` give `receiver` this kind of data about the person, for this
    purpose, on `on`? The reason is Swedish and names no personal data."""
    on = on or clock.today()
    with db.session() as session:
        person = session.get(Individual, individual_id)
        if person is not None and person.merged_into:
            person = session.get(Individual, person.merged_into)
        if person is None or person.deleted_at is not None:
            return ConsentAnswer(False, "Personen finns inte i registret.")
        facts = load_facts(session.connection(), [person.id])
        names = party_names(session)
    found = verdict(
        facts.terms_of(person.id),
        discloser=discloser,
        receiver=receiver,
        purpose=purpose,
        category=category,
        on=on,
    )
    sender, to = holder_label(discloser, names), holder_label(receiver, names)
    what = purpose_vocabulary.label(purpose).lower()
    label = cats.label(category).lower()
    consent_id = found.consent.id if found.consent else None
    if found.reason == "same_domain":
        return ConsentAnswer(True, f"Inom {sender}: inget samtycke behövs.")
    if found.reason == "covered":
        assert found.consent is not None
        until = found.consent.valid_to
        suffix = f" till {until.isoformat()}" if until else ""
        return ConsentAnswer(
            True, f"Samtycke från {sender} till {to} för {what} gäller{suffix}.", consent_id
        )
    reasons = {
        "category": f"Samtycket från {sender} till {to} omfattar inte {label}.",
        "purpose": f"Samtycket från {sender} till {to} gäller inte för {what}.",
        "withdrawn": f"Samtycket från {sender} till {to} är återkallat.",
        "not_yet": f"Samtycket från {sender} till {to} gäller inte än.",
        "expired": f"Samtycket från {sender} till {to} har gått ut.",
        "none": f"Samtycke saknas från {sender} till {to}.",
    }
    return ConsentAnswer(False, reasons[found.reason], consent_id)


def domain_choices(kind: str) -> list[tuple[str, str]]:
    """(label, code) of the domains an organisation of this kind has, for forms."""
    return [(SECRECY_DOMAINS[code].label, code) for code in domains_for_kind(kind)]


# --- for the form -------------------------------------------------------------------


@dataclass(frozen=True)
class PartyChoice:
    """A party a consent can name: an organisation, or one nämnd of a kommun."""

    organisation_id: str
    domain: str  # "" for the whole organisation (or one that is one domain whole)
    label: str

    @property
    def value(self) -> str:
        return f"{self.organisation_id}#{self.domain}"

    @staticmethod
    def parse(value: str) -> tuple[str, str]:
        organisation_id, _, domain = value.partition("#")
        return organisation_id, domain


@dataclass(frozen=True)
class ConsentFormFacts:
    parties: list[PartyChoice]
    own: str | None  # the value of the user's own nämnd: who usually discloses
    minor: bool  # the person is under 18 today: the form asks how consent was obtained


def known_domains(conn) -> dict[str, set[str]]:
    """{organisation id: the domains of its units known here}."""
    units = holders.unit_holders(conn)
    found: dict[str, set[str]] = {}
    for unit_id, org_id in conn.exec_driver_sql("SELECT id, organisation_id FROM unit"):
        holder = units.get(unit_id)
        if holder is not None and holder.domain:
            found.setdefault(org_id, set()).add(holder.domain)
    return found


def consent_form_facts(
    db: Database, individual_id: str, actor_id: str | None, today: date | None = None
) -> ConsentFormFacts:
    """What the consent form offers: every organisation; a kommun also nämnd by nämnd,
    each of one's own kommun's and of another kommun those with a unit known here (one's
    own organisation first); and whether the person is under 18."""
    today = today or clock.today()
    with db.session() as session:
        organisations = session.exec(
            select(Organisation)
            .where(col(Organisation.deleted_at).is_(None), col(Organisation.merged_into).is_(None))
            .order_by(Organisation.name)
        ).all()
        person = session.get(Individual, individual_id)
        own = _recorder_unit(session, actor_id)
        known = known_domains(session.connection())
    own_org = own[0] if own else None
    ordered = sorted(organisations, key=lambda o: (o.id != own_org, o.name))
    parties: list[PartyChoice] = []
    for org in ordered:
        domains = domains_for_kind(org.kind)
        if len(domains) == 1:
            parties.append(PartyChoice(org.id, "", org.name))
            continue
        parties.append(PartyChoice(org.id, "", f"{org.name} – alla nämnder"))
        parties += [
            PartyChoice(org.id, code, f"{org.name} – {SECRECY_DOMAINS[code].label}")
            for code in domains
            if org.id == own_org or code in known.get(org.id, set())
        ]
    own_value = None
    if own is not None:
        kind = next((o.kind for o in organisations if o.id == own[0]), "annan")
        own_value = PartyChoice(own[0], own[1] if len(domains_for_kind(kind)) > 1 else "", "").value
    birth = person.birth_date if person is not None else None
    return ConsentFormFacts(parties, own_value, is_minor(birth, today))
