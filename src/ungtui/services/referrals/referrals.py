"""Referrals (remisser): make, change, move through their states, and read them.

Writes go through the UnitOfWork. The state of a referral is derived from its events
(domain.referral_states); the install-local `referral_state` table caches it so that lists
filter, count and page in SQL. Every write here updates the cache in its own transaction;
rows that a sync import or a purge changed are found by their count of events and
rebuilt before any list is read (`refresh_states`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, delete, func, insert, literal, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ungtui.domain import purposes as purpose_vocabulary
from ungtui.domain.data_categories import ARBETE, CATEGORIES, IDENTITET
from ungtui.domain.data_categories import label as category_label
from ungtui.domain.data_categories import labels as category_labels
from ungtui.domain.disclosure import Holder, disclosed_categories, names, same_secrecy
from ungtui.domain.install_settings import REPLY_WORKING_DAYS
from ungtui.domain.meeting_time import parse_day
from ungtui.domain.referral_states import (
    AWAITING_REPLY,
    ENDED,
    NOTE,
    RECEIVER,
    SENDER,
    STATES,
    TRANSITIONS,
    Derived,
    EventFacts,
    Transition,
    TransitionRefused,
    check_transition,
    content_lock_reason,
    derive_state,
    is_overdue,
    legal_actions,
    missing_fields,
)
from ungtui.domain.referral_vocabulary import REFERRAL_KINDS, REFERRAL_OUTCOMES
from ungtui.domain.text import display_name, fold
from ungtui.domain.working_days import add_working_days
from ungtui.services import clock
from ungtui.services.consent.consents import holder_label, may_disclose, party_names
from ungtui.services.errors import NotFound, ServiceError, ValidationError
from ungtui.services.install_settings import REPLY_DAYS_KEY, read_settings, write_settings
from ungtui.services.people.organisations import CurrentUser
from ungtui.services.people.person_data import FactLine, held_data
from ungtui.services.people.same_person import same_person_ids
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import (
    Individual,
    Organisation,
    Referral,
    ReferralEvent,
    ReferralState,
    Staff,
    Unit,
)
from ungtui.sync import holders
from ungtui.sync.sharing import EndedGround, ended_ground, load_facts

DEFAULT_REPLY_DAYS = REPLY_WORKING_DAYS.default
MAX_REPLY_DAYS = REPLY_WORKING_DAYS.high
# A legal ground is a reference and a sentence, not a word.
MIN_GROUND_LENGTH = 10

# Sorts an event without a recorded time (a removed one) first.
_NO_TIME = datetime.min.replace(tzinfo=UTC)

VIEWS: dict[str, str] = {
    "inbox": "Inkorg",
    "sent": "Skickade",
    "overdue": "Försenade",
}


# --- the reply-by setting ------------------------------------------------------------


def reply_working_days(db: Database) -> int:
    return read_settings(db).reply_working_days


def set_reply_working_days(db: Database, text: str) -> int:
    """Change the install's default; raises ValidationError({"days": ...}) on bad input."""
    try:
        days = REPLY_WORKING_DAYS.parse(text)
    except ValueError as error:
        raise ValidationError({"days": str(error)}) from None
    write_settings(db, {REPLY_DAYS_KEY: str(days)})
    return days


def default_reply_by(db: Database, on: date | None = None) -> date:
    return add_working_days(on or clock.today(), reply_working_days(db))


# --- inputs and outputs --------------------------------------------------------------


@dataclass
class ReferralDraft:
    """What a caseworker fills in; the sender is whoever makes it (the actor)."""

    individual_id: str
    to_organisation_id: str | None = None
    to_unit_id: str | None = None
    to_staff_id: str | None = None
    kind: str = ""
    measure: str = ""
    purpose: str = ""
    reply_by: str = ""  # ISO date; empty gives the default number of working days
    origin_id: str | None = None  # e.g. the meeting decision it came from
    # What the referral is for, as a consent must name it (domain.purposes).
    purpose_code: str = purpose_vocabulary.REFERRAL_DEFAULT


@dataclass
class TransitionInput:
    action: str
    happened_on: str = ""  # ISO date; empty is today
    note: str = ""
    reason: str = ""
    outcome: str | None = None
    exception_ground: str = ""  # only for sending without consent
    # A receiver's step taken by the sender: only for a receiver who does not use ungtui
    # (an answer by phone or letter). The history shows it was recorded so.
    for_receiver: bool = False


@dataclass(frozen=True)
class ConsentGate:
    needed: bool  # False when sending within one's own secrecy domain (nämnd)
    allowed: bool
    message: str


@dataclass(frozen=True)
class ReferralShare:
    """What goes to the receiver with a referral, and what stays: the sender's data about
    the person in the categories the basis covers (a consent from the sender's domain to
    the receiver for the referral's purpose; with a legal ground, who the person is)."""

    basis: str  # Swedish: on what ground, or that there is none yet
    goes: list[FactLine]
    stays: list[str]  # categories with data here that do not go
    # Once sent: the day, and the categories the send step recorded as disclosed then
    # (None: sent before steps recorded them, or within one nämnd); the basis and `goes`
    # above are today's, which a withdrawn consent changes and the past does not.
    sent_on: date | None = None
    sent_categories: tuple[str, ...] | None = None
    sent_with_ground: bool = False


@dataclass(frozen=True)
class ReferralRow:
    id: str
    individual_id: str
    from_organisation_id: str
    to_organisation_id: str
    person: str
    kind: str
    measure: str
    from_organisation: str
    from_unit: str
    to_organisation: str
    to_unit: str
    state: str
    reply_by: date
    overdue: bool
    changed_on: date | None

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def from_label(self) -> str:
        return _party(self.from_organisation, self.from_unit)

    @property
    def to_label(self) -> str:
        return _party(self.to_organisation, self.to_unit)


@dataclass(frozen=True)
class EventRow:
    id: str
    recorded: str  # local time, YYYY-MM-DD HH:MM
    happened_on: date
    label: str
    actor: str
    note: str
    reason: str
    outcome: str
    consent_basis: str
    consent_exception: bool
    applied: bool
    for_receiver: bool = False  # recorded by the sender: the receiver does not use ungtui


@dataclass(frozen=True)
class ReferralDetail:
    referral: Referral
    person: str
    kind: str
    from_label: str
    to_label: str
    state: str
    overdue: bool
    lock_reason: str | None
    events: list[EventRow]
    available: list[str] = field(default_factory=list)  # actions this user may take now
    # The receiver's steps this user (the sender) may record for a receiver without ungtui.
    for_receiver: list[str] = field(default_factory=list)
    is_sender: bool = False  # this user's unit sent it: may change it while not locked
    is_receiver: bool = False  # this user's unit receives it
    # For the sender, when the ground the referral was sent on has ended: a few words
    # for the state line ("samtycket återkallat 2026-12-02 · borttagen hos …") and the
    # sentence saying what became of it at the receiver.
    ground_ended: str = ""
    ground_ended_text: str = ""

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)


@dataclass(frozen=True)
class ViewCounts:
    inbox: int
    inbox_new: int  # sent to us and not yet received
    sent: int
    overdue: int


@dataclass(frozen=True)
class Receiver:
    """An organisation a referral can go to, its units, and who works in each."""

    id: str
    name: str
    units: list[tuple[str, str, list[tuple[str, str]]]]  # (unit id, name, [(staff id, name)])
    kind: str = ""  # the organisation's kind (vocabulary.ORGANISATION_KINDS)


# --- validation ----------------------------------------------------------------------


def _parse_day(
    text: str, default: date, errors: dict[str, str], name: str, today: date
) -> date:
    if not text.strip():
        return default
    try:
        return parse_day(text, today)
    except ValueError as exc:
        errors[name] = str(exc)
        return default


def _validate_draft(
    session: Session, draft: ReferralDraft, sender_org: str, today: date, default_reply: date
) -> dict:
    errors: dict[str, str] = {}
    person = session.get(Individual, draft.individual_id)
    if person is None or person.deleted_at is not None:
        raise NotFound("Personen finns inte längre i registret.")
    to_org = (
        session.get(Organisation, draft.to_organisation_id) if draft.to_organisation_id else None
    )
    if to_org is None or to_org.deleted_at is not None:
        errors["to_organisation_id"] = "Välj vilken organisation remissen går till."
    to_unit = session.get(Unit, draft.to_unit_id) if draft.to_unit_id else None
    if to_org is not None and to_unit is not None and to_unit.organisation_id != to_org.id:
        errors["to_unit_id"] = f"Enheten hör inte till {to_org.name}. Välj en enhet där."
    if draft.to_staff_id and to_unit is None:
        errors["to_staff_id"] = "Välj enhet innan du väljer person hos mottagaren."
    elif draft.to_staff_id:
        staff = session.get(Staff, draft.to_staff_id)
        if staff is None or staff.unit_id != to_unit.id:  # type: ignore[union-attr]
            errors["to_staff_id"] = "Personen arbetar inte på den valda enheten."
    if draft.kind not in REFERRAL_KINDS:
        errors["kind"] = "Välj vilken sorts remiss det är."
    if not draft.measure.strip():
        errors["measure"] = "Skriv vilken insats som efterfrågas, till exempel arbetsträning."
    if not draft.purpose.strip():
        errors["purpose"] = "Skriv syftet: vad remissen ska leda till för personen."
    if draft.purpose_code not in purpose_vocabulary.PURPOSES:
        errors["purpose_code"] = "Välj vilket syfte remissen har; samtycket måste gälla det."
    reply_by = _parse_day(draft.reply_by, default_reply, errors, "reply_by", today)
    if "reply_by" not in errors and draft.reply_by.strip() and reply_by < today:
        errors["reply_by"] = "Svara senast kan inte ligga före i dag."
    if to_org is not None and to_org.id == sender_org and to_unit is None:
        errors.setdefault(
            "to_unit_id", "En remiss inom den egna organisationen behöver en mottagande enhet."
        )
    if errors:
        raise ValidationError(errors)
    return {
        "to_organisation_id": to_org.id,  # type: ignore[union-attr]
        "to_unit_id": to_unit.id if to_unit else None,
        "to_staff_id": draft.to_staff_id or None,
        "kind": draft.kind,
        "measure": draft.measure.strip(),
        "purpose": draft.purpose.strip(),
        "purpose_code": draft.purpose_code,
        "reply_by": reply_by,
    }


# --- writing -------------------------------------------------------------------------


def create_referral(
    db: Database, actor: CurrentUser, draft: ReferralDraft, *, today: date | None = None
) -> str:
    """A new referral as a draft from the actor's unit; returns its id.

    Meetings turn a decision into a referral with this, passing the decision's id as
    `draft.origin_id`. Sending is a separate step (`transition_referral`, action "send"),
    because that is where the consent gate is.
    """
    today = today or clock.today()
    default_reply = default_reply_by(db, today)
    with UnitOfWork(db, actor.staff_id) as uow:
        values = _validate_draft(uow.session, draft, actor.organisation_id, today, default_reply)
        referral = uow.create(
            Referral(
                individual_id=draft.individual_id,
                from_organisation_id=actor.organisation_id,
                from_unit_id=actor.unit_id,
                from_staff_id=actor.staff_id,
                origin_id=draft.origin_id,
                **values,
            )
        )
        _store_state(uow, referral.id)
    return referral.id


def update_referral(
    db: Database,
    actor: CurrentUser,
    referral_id: str,
    draft: ReferralDraft,
    *,
    today: date | None = None,
) -> None:
    """Change the content while it may still change (until the receiver accepts)."""
    today = today or clock.today()
    default_reply = default_reply_by(db, today)
    with UnitOfWork(db, actor.staff_id) as uow:
        referral = _get(uow.session, referral_id)
        if not _roles(uow.session, referral, actor)[0]:
            raise ServiceError("Bara avsändaren kan ändra remissen.")
        lock = content_lock_reason(_derive(uow.session, referral_id)[0].state)
        if lock:
            raise ServiceError(lock)
        draft.individual_id = referral.individual_id
        values = _validate_draft(
            uow.session, draft, referral.from_organisation_id, today, default_reply
        )
        uow.update(referral, **values)


def _parties_as_holders(session: Session, referral: Referral) -> tuple[Holder, Holder]:
    """The sender's and the receiver's secrecy domains: their units', or the whole
    receiving organisation when no unit is chosen."""
    conn = session.connection()
    units = holders.unit_holders(conn)
    sender = units.get(referral.from_unit_id) or holders.organisation_holder(
        conn, referral.from_organisation_id
    )
    receiver = (units.get(referral.to_unit_id) if referral.to_unit_id else None) or (
        holders.organisation_holder(conn, referral.to_organisation_id)
    )
    assert sender is not None and receiver is not None
    return sender, receiver


def consent_gate(db: Database, referral_id: str, *, on: date | None = None) -> ConsentGate:
    """May this referral be sent to its receiver: which consent covers it, or which is
    missing. Between two nämnder of one kommun it is asked exactly as between two
    authorities; only within one nämnd is no consent needed."""
    with db.session() as session:
        referral = _get(session, referral_id)
        sender, receiver = _parties_as_holders(session, referral)
        names = party_names(session)
    if same_secrecy(sender, receiver):
        return ConsentGate(
            False, True, f"Inom {holder_label(sender, names)}: inget samtycke behövs."
        )
    answer = may_disclose(
        db,
        referral.individual_id,
        discloser=sender,
        receiver=receiver,
        purpose=purpose_vocabulary.referral_purpose(referral.purpose_code),
        category=ARBETE,
        on=on,
    )
    if answer.allowed:
        return ConsentGate(True, True, answer.reason)
    return ConsentGate(
        True,
        False,
        f"{answer.reason} Registrera samtycket i personens vy, eller skicka med ett "
        "undantag och skriv in dess rättsliga grund.",
    )


def referral_share(db: Database, referral_id: str, *, on: date | None = None) -> ReferralShare:
    """What the referral carries to its receiver about the person, by category."""
    on = on or clock.today()
    with db.session() as session:
        referral = _get(session, referral_id)
        sender, receiver = _parties_as_holders(session, referral)
        conn = session.connection()
        facts = load_facts(conn, [referral.individual_id])
        lines = held_data(conn, referral.individual_id)
        sends = session.exec(
            select(ReferralEvent)
            .where(
                ReferralEvent.referral_id == referral_id,
                ReferralEvent.action == "send",
                col(ReferralEvent.deleted_at).is_(None),
            )
            .order_by(col(ReferralEvent.step), col(ReferralEvent.at), col(ReferralEvent.id))
        ).all()
        sent_with_ground = any(e.consent_exception for e in sends)
        names = party_names(session)
    purpose = purpose_vocabulary.referral_purpose(referral.purpose_code)
    covered = disclosed_categories(
        facts.terms_of(referral.individual_id),
        discloser=sender,
        receiver=receiver,
        purposes=(purpose,),
        on=on,
    )
    to = holder_label(receiver, names)
    if same_secrecy(sender, receiver):
        basis = f"Inom {holder_label(sender, names)}: allt följer med."
    elif covered and ARBETE not in covered and not sent_with_ground:
        # The referral itself is about work and measures (consent_gate asks for exactly
        # that): say so here, before sending stops at it (walker28: the view named the
        # consent as the ground, then sending said STOPP).
        basis = (
            f"Samtycket från {holder_label(sender, names)} till {to} omfattar inte "
            f"{category_label(ARBETE).lower()}, som remissen gäller: den kan skickas först "
            "med ett samtycke som omfattar det, eller med ett undantag och dess rättsliga "
            "grund. Samtycket omfattar:"
        )
        if sends:
            # Already sent (a consent withdrawn, then a narrower one given): the referral
            # itself goes to the receiver again only with a consent that covers it.
            basis = (
                f"Samtycket från {holder_label(sender, names)} till {to} omfattar inte "
                f"{category_label(ARBETE).lower()}, som remissen gäller: remissen följer "
                f"inte med till {to} förrän ett samtycke omfattar det. Samtycket omfattar:"
            )
    elif covered:
        basis = (
            f"Samtycke från {holder_label(sender, names)} till {to} för "
            f"{purpose_vocabulary.label(purpose).lower()}."
        )
    elif sent_with_ground:
        covered = frozenset({IDENTITET})
        basis = f"Skickad med undantag (rättslig grund i historiken): {to} får veta vem det gäller."
    else:
        basis = (
            f"Inget samtycke från {holder_label(sender, names)} till {to} för "
            f"{purpose_vocabulary.label(purpose).lower()}: inga uppgifter följer med."
        )
    held = {line.category for line in lines}
    first = sends[0] if sends else None
    return ReferralShare(
        basis=basis,
        goes=[line for line in lines if line.category in covered],
        stays=[c for c in CATEGORIES if c in held and c not in covered],
        sent_on=first.happened_on if first else None,
        # An exception's basis is the ground as typed: it records no categories.
        sent_categories=(
            disclosed_at_sending(first.consent_basis)
            if first and not first.consent_exception
            else None
        ),
        sent_with_ground=sent_with_ground,
    )


# How a send step records what it disclosed, after the consent it went on: the step is
# written once and travels with the referral, so the record of what went, and when,
# stays what it was when the consent later ends or changes.
DISCLOSED_PREFIX = "Lämnas ut med remissen: "


def _with_disclosed(basis: str, categories: frozenset[str]) -> str:
    return f"{basis} {DISCLOSED_PREFIX}{category_labels(categories)}."


def disclosed_at_sending(basis: str) -> tuple[str, ...] | None:
    """The categories a send step's basis records as disclosed; None when it records
    none (a step from before they were recorded)."""
    at = basis.rfind(DISCLOSED_PREFIX)
    if at < 0:
        return None
    by_label = {category_label(c): c for c in CATEGORIES}
    named = basis[at + len(DISCLOSED_PREFIX) :].rstrip(".").split(", ")
    if not all(n in by_label for n in named):
        return None  # a label renamed since: better unsaid than said short
    return tuple(by_label[n] for n in named)


def transition_referral(
    db: Database,
    actor: CurrentUser,
    referral_id: str,
    data: TransitionInput,
    *,
    today: date | None = None,
) -> str:
    """Take one step; returns the new state. Refused steps raise with the reason."""
    today = today or clock.today()
    transition = TRANSITIONS.get(data.action)
    if transition is None:
        raise ServiceError(f"Okänd åtgärd för en remiss: {data.action}.")
    errors = missing_fields(transition, data.reason, data.outcome)
    if data.outcome and data.outcome not in REFERRAL_OUTCOMES:
        errors["outcome"] = "Välj ett av utfallen i listan."
    happened_on = _parse_day(data.happened_on, today, errors, "happened_on", today)
    if "happened_on" not in errors and happened_on > today:
        errors["happened_on"] = "Datumet kan inte ligga i framtiden."
    if errors:
        raise ValidationError(errors)
    basis, exception = "", False
    if transition.action == "send":
        gate = consent_gate(db, referral_id, on=happened_on)
        basis = gate.message if gate.needed else ""
        if gate.needed and gate.allowed:
            going = referral_share(db, referral_id, on=happened_on).goes
            basis = _with_disclosed(basis, frozenset(line.category for line in going))
        if not gate.allowed:
            ground = data.exception_ground.strip()
            if len(ground) < MIN_GROUND_LENGTH:
                raise ValidationError({"exception_ground": gate.message})
            basis, exception = ground, True
    with UnitOfWork(db, actor.staff_id) as uow:
        referral = _get(uow.session, referral_id)
        derived, events = _derive(uow.session, referral_id)
        try:
            check_transition(derived.state, transition.action)
        except TransitionRefused as exc:
            raise ServiceError(str(exc)) from None
        recorded_for_receiver = _check_side(
            uow.session, actor, referral, transition, data.for_receiver
        )
        last_day = max((e.happened_on for e in events if e.id in derived.applied), default=None)
        if last_day is not None and happened_on < last_day:
            earliest = last_day.isoformat()
            raise ValidationError(
                {"happened_on": f"Datumet kan inte vara före förra steget ({earliest})."}
            )
        if transition.action == "send" and referral.reply_by < happened_on:
            raise ServiceError(
                f"Svara senast ({referral.reply_by.isoformat()}) har redan passerat. "
                "Ändra remissen och sätt ett nytt datum innan du skickar."
            )
        uow.create(
            ReferralEvent(
                referral_id=referral.id,
                individual_id=referral.individual_id,
                action=transition.action,
                step=derived.next_step,
                at=datetime.now(UTC),
                happened_on=happened_on,
                actor_id=actor.staff_id,
                actor_organisation_id=actor.organisation_id,
                note=data.note.strip(),
                reason=data.reason.strip(),
                outcome=data.outcome if transition.requires_outcome else None,
                consent_basis=basis,
                consent_exception=exception,
                for_receiver=recorded_for_receiver,
            )
        )
        new_state = _store_state(uow, referral.id).state
    return new_state


def add_note(
    db: Database, actor: CurrentUser, referral_id: str, note: str, *, today: date | None = None
) -> None:
    """A note in the history; allowed in every state, also after the content is locked."""
    if not note.strip():
        raise ValidationError({"note": "Skriv anteckningen."})
    with UnitOfWork(db, actor.staff_id) as uow:
        referral = _get(uow.session, referral_id)
        if not any(_roles(uow.session, referral, actor)):
            raise ServiceError("Bara avsändaren och mottagaren kan skriva i remissen.")
        uow.create(
            ReferralEvent(
                referral_id=referral.id,
                individual_id=referral.individual_id,
                action=NOTE,
                step=0,
                at=datetime.now(UTC),
                happened_on=today or clock.today(),
                actor_id=actor.staff_id,
                actor_organisation_id=actor.organisation_id,
                note=note.strip(),
            )
        )
        _store_state(uow, referral.id)


def _actor_holder(session: Session, actor: CurrentUser) -> Holder:
    conn = session.connection()
    holder = holders.unit_holders(conn).get(actor.unit_id) if actor.unit_id else None
    found = holder or holders.organisation_holder(conn, actor.organisation_id)
    assert found is not None
    return found


def _roles(
    session: Session, referral: Referral, actor: CurrentUser | None
) -> tuple[bool, bool]:
    """(is the actor the sender, is the actor the receiver). A party is the unit the
    referral names, as the lists show it (`_from_us`, `_to_us`): Jobbtorg neither receives
    nor withdraws for Jobbcenter Unga, though both are Malmö stad's labour-market nämnd. A
    referral to an organisation without a unit is for any of its units until one has
    received it; that unit then answers for it. A unit this install does not know is
    read as its party, the nämnd of its organisation (by identity, so either install's
    record of the organisation counts)."""
    if actor is None:
        return False, False
    sender, receiver = _parties_as_holders(session, referral)
    me = _actor_holder(session, actor)
    known = holders.unit_holders(session.connection())
    ours = set(_same_unit(session, actor.unit_id)) if actor.unit_id else set()
    if referral.from_unit_id in known:
        is_sender = referral.from_unit_id in ours
    else:
        is_sender = names(sender, me)
    if referral.to_unit_id in known:
        is_receiver = referral.to_unit_id in ours
    else:
        taker = _taker_of(session, referral)
        is_receiver = names(receiver, me) and (taker is None or taker in ours)
    return is_sender, is_receiver


def _check_side(
    session: Session,
    actor: CurrentUser,
    referral: Referral,
    transition: Transition,
    for_receiver: bool = False,
) -> bool:
    """Each party takes its own steps on its own install: the sender sends and withdraws,
    the receiver receives, answers, starts and finishes, and the other install learns of
    it by sync. The sender may record the receiver's step only for a receiver who does not
    use ungtui, and says so (`for_receiver`); the history shows it. Returns whether the
    step is recorded for the receiver."""
    is_sender, is_receiver = _roles(session, referral, actor)
    sender_name, receiver_name = _party_names(session, referral, _actor_holder(session, actor))
    if transition.side == SENDER:
        if is_sender:
            return False
        raise ServiceError(f"Bara avsändaren ({sender_name}) kan {transition.verb} remissen.")
    if is_receiver:
        return False
    if is_sender and for_receiver:
        return True
    if is_sender:
        raise ServiceError(
            f"Det är mottagarens steg: {receiver_name} gör det i sin ungtui, och det kommer "
            "hit med nästa fil. Använder mottagaren inte ungtui kan du registrera svaret åt "
            "mottagaren; historiken visar då att du gjorde det."
        )
    raise ServiceError(f"Bara mottagaren ({receiver_name}) kan {transition.verb} remissen.")


def _party_names(session: Session, referral: Referral, me: Holder) -> tuple[str, str]:
    """The sender's and the receiver's names as the messages say them: the organisations,
    or the units where the organisation is the reader's own or both parties', since
    those are the parties there."""

    def name(model, row_id: str | None) -> str | None:
        row = session.get(model, row_id) if row_id else None
        return row.name if row else None

    sender, receiver = _parties_as_holders(session, referral)
    internal = sender.organisation == receiver.organisation

    def label(holder: Holder, org_id: str, unit_id: str | None) -> str:
        org = name(Organisation, org_id)
        if internal or holder.organisation == me.organisation:
            return _party(org, name(Unit, unit_id))
        return org or "okänd"

    return (
        label(sender, referral.from_organisation_id, referral.from_unit_id),
        # Sent to the whole organisation: the unit that received it is the receiver now.
        label(
            receiver,
            referral.to_organisation_id,
            referral.to_unit_id or _taker_of(session, referral),
        ),
    )


def _receivers_own(event: ReferralEvent) -> bool:
    """A receiver's step taken by the receiver itself (not recorded for it)."""
    transition = TRANSITIONS.get(event.action)
    return transition is not None and transition.side == RECEIVER and not event.for_receiver


def _available(
    session: Session, actor: CurrentUser | None, referral: Referral, state: str
) -> tuple[list[str], list[str]]:
    """(the steps this user may take now, the receiver's steps this user may record for a
    receiver without ungtui)."""
    if actor is None:
        return [], []
    is_sender, is_receiver = _roles(session, referral, actor)
    own, for_receiver = [], []
    for action in legal_actions(state):
        side = TRANSITIONS[action].side
        if (side == SENDER and is_sender) or (side == RECEIVER and is_receiver):
            own.append(action)
        elif side == RECEIVER and is_sender:
            for_receiver.append(action)
    return own, for_receiver


# --- derived state -------------------------------------------------------------------


def _get(session: Session, referral_id: str) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None or referral.deleted_at is not None:
        raise NotFound("Remissen finns inte längre.")
    return referral


def _facts(event: ReferralEvent) -> EventFacts:
    return EventFacts(event.id, event.action, event.step, event.at or _NO_TIME)


def _derive(session: Session, referral_id: str) -> tuple[Derived, list[ReferralEvent]]:
    session.flush()
    events = list(
        session.exec(
            select(ReferralEvent).where(
                ReferralEvent.referral_id == referral_id, col(ReferralEvent.deleted_at).is_(None)
            )
        ).all()
    )
    return derive_state(_facts(e) for e in events), events


def _state_row(referral_id: str, derived: Derived, days: dict[str, date], count: int):
    changed = days[derived.applied[-1]] if derived.applied else None
    return ReferralState(
        referral_id=referral_id, state=derived.state, changed_on=changed, events=count
    )


def _store_state(uow: UnitOfWork, referral_id: str) -> ReferralState:
    session = uow.session
    derived, events = _derive(session, referral_id)
    days = {e.id: e.happened_on for e in events}
    # All events are counted, removed ones too, as refresh_states counts them.
    count = session.exec(select(func.count()).where(ReferralEvent.referral_id == referral_id)).one()
    return uow.store_derived(_state_row(referral_id, derived, days, count))


def refresh_states(db: Database) -> int:
    """Rebuild cached states whose events changed behind the services' back (a sync
    import, a purge); returns how many were rebuilt."""
    counts = (
        select(ReferralEvent.referral_id, func.count().label("n"))
        .group_by(ReferralEvent.referral_id)
        .subquery()
    )
    with UnitOfWork(db, None) as uow:
        session = uow.session
        stale = session.exec(
            select(Referral.id)
            .join(ReferralState, col(ReferralState.referral_id) == Referral.id, isouter=True)
            .join(counts, counts.c.referral_id == Referral.id, isouter=True)
            .where(
                or_(
                    col(ReferralState.referral_id).is_(None),
                    ReferralState.events != func.coalesce(counts.c.n, 0),
                )
            )
        ).all()
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            by_referral: dict[str, list[tuple]] = defaultdict(list)
            # Plain rows, not ORM objects: after a big import thousands are rebuilt at once.
            for row in session.exec(
                select(
                    ReferralEvent.referral_id,
                    ReferralEvent.id,
                    ReferralEvent.action,
                    ReferralEvent.step,
                    ReferralEvent.at,
                    ReferralEvent.happened_on,
                    ReferralEvent.deleted_at,
                ).where(col(ReferralEvent.referral_id).in_(chunk))
            ):
                by_referral[row[0]].append(row)
            states = []
            for referral_id in chunk:
                events = by_referral.get(referral_id, [])
                live = [e for e in events if e[6] is None]
                derived = derive_state(EventFacts(e[1], e[2], e[3], e[4] or _NO_TIME) for e in live)
                days = {e[1]: e[5] for e in live}
                row = _state_row(referral_id, derived, days, len(events))
                states.append(row.model_dump())
            table = ReferralState.__table__
            session.execute(delete(table).where(table.c.referral_id.in_(chunk)))
            session.execute(insert(table), states)
    return len(stale)


# --- reading -------------------------------------------------------------------------


def receivers(db: Database) -> list[Receiver]:
    """Every organisation with its units and staff, for choosing where a referral goes."""
    with db.session() as session:
        orgs = session.exec(
            select(Organisation)
            .where(col(Organisation.deleted_at).is_(None), col(Organisation.merged_into).is_(None))
            .order_by(Organisation.name)
        ).all()
        units = session.exec(
            select(Unit).where(col(Unit.deleted_at).is_(None)).order_by(Unit.name)
        ).all()
        staff = session.exec(
            select(Staff).where(col(Staff.deleted_at).is_(None)).order_by(Staff.name)
        ).all()
    staff_by_unit: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for person in staff:
        staff_by_unit[person.unit_id].append((person.id, person.name))
    units_by_org: dict[str, list] = defaultdict(list)
    for unit in units:
        units_by_org[unit.organisation_id].append((unit.id, unit.name, staff_by_unit[unit.id]))
    return [Receiver(o.id, o.name, units_by_org[o.id], o.kind or "") for o in orgs]


_FromOrg = aliased(Organisation)
_FromUnit = aliased(Unit)
_ToOrg = aliased(Organisation)
_ToUnit = aliased(Unit)


def _party(org: str | None, unit: str | None) -> str:
    if org and unit:
        return f"{org}, {unit}"
    return org or unit or "okänd"


def _same_unit(session: Session, unit_id: str) -> list[str]:
    """The unit and its copies: a unit record with the same organisation (by identity),
    nämnd and name is the same unit, recorded on two installs before they met."""
    conn = session.connection()
    units = holders.unit_holders(conn)
    mine = units.get(unit_id)
    if mine is None:
        return [unit_id]
    unit_names = dict(conn.exec_driver_sql("SELECT id, name FROM unit").all())
    name = fold(unit_names.get(unit_id) or "")
    return sorted(
        other
        for other, holder in units.items()
        if other == unit_id or (holder == mine and name and fold(unit_names[other]) == name)
    )


def _to_whole_organisation():
    """Addressed to the organisation, with no unit named (or one this install does not know)."""
    return or_(
        col(Referral.to_unit_id).is_(None),
        col(Referral.to_unit_id).not_in(sa_select(Unit.id).scalar_subquery()),
    )


def _taker_unit():
    """For a referral sent to a whole organisation: the unit of whoever received it (the
    first receive step), which then answers for it. None before anyone has, or when the
    sender recorded the step for a receiver without ungtui (no unit is known then)."""
    event, staff = aliased(ReferralEvent), aliased(Staff)
    return (
        sa_select(case((col(event.for_receiver).is_(True), None), else_=staff.unit_id))
        .select_from(event)
        .join(staff, staff.id == event.actor_id, isouter=True)
        .where(
            event.referral_id == Referral.id,
            event.action == "receive",
            # Only a step by the receiving organisation takes it, whatever a file brings.
            event.actor_organisation_id == Referral.to_organisation_id,
            col(event.deleted_at).is_(None),
        )
        .order_by(event.step, event.at, event.id)
        .limit(1)
        .correlate(Referral)
        .scalar_subquery()
    )


def _taker_of(session: Session, referral: Referral) -> str | None:
    """`_taker_unit` for one referral."""
    return session.execute(
        sa_select(_taker_unit()).select_from(Referral).where(Referral.id == referral.id)
    ).scalar()


def _to_us(session: Session, organisation_id: str | None, own_unit_id: str | None):
    """Referrals the user's unit receives: addressed to that unit, or to the whole
    organisation until another of its units has received it; never what the unit sent
    itself. A unit is its own party, also beside another unit of the same nämnd: a
    referral to Jobbcenter Unga is not Jobbtorg's to see or receive. Without
    `own_unit_id` (a caller that knows only the organisation): everything addressed to
    the organisation."""
    to_org = Referral.to_organisation_id == organisation_id
    if not own_unit_id:
        return to_org
    ours = _same_unit(session, own_unit_id)
    taker = _taker_unit()
    return and_(
        to_org,
        or_(
            col(Referral.to_unit_id).in_(ours),
            and_(_to_whole_organisation(), or_(taker.is_(None), taker.in_(ours))),
        ),
        or_(col(Referral.from_unit_id).is_(None), col(Referral.from_unit_id).not_in(ours)),
    )


def _from_us(session: Session, organisation_id: str | None, own_unit_id: str | None):
    """Referrals the user's unit sent. What another unit sent, even one of the same
    nämnd, is that unit's: the list follows the inbox, one unit on each side. Without
    `own_unit_id`: everything the organisation sent."""
    from_org = Referral.from_organisation_id == organisation_id
    if not own_unit_id:
        return from_org
    return and_(from_org, col(Referral.from_unit_id).in_(_same_unit(session, own_unit_id)))


def _ours_to_see(session: Session, organisation_id: str | None, own_unit_id: str):
    """Referrals about a person that the user's nämnd is a party to: sent or received by
    one of its units, or sent to the whole organisation and not received by another
    nämnd. The person's page shows these; a referral between two other nämnder (KAA's to
    Socialtjänsten, say) is under their secrecy, not ours."""
    units = holders.unit_holders(session.connection())
    mine = units.get(own_unit_id)
    domain_units = [unit for unit, holder in units.items() if holder == mine] or [own_unit_id]
    taker = _taker_unit()
    return or_(
        col(Referral.from_unit_id).in_(domain_units),
        col(Referral.to_unit_id).in_(domain_units),
        and_(
            Referral.to_organisation_id == organisation_id,
            _to_whole_organisation(),
            or_(taker.is_(None), taker.in_(domain_units)),
        ),
    )


def _view_conditions(
    session: Session,
    view: str,
    *,
    organisation_id: str | None,
    unit_id: str | None,
    own_unit_id: str | None,
    individual_ids: list[str] | None,
    include_ended: bool,
    today: date,
) -> list:
    state = ReferralState.state
    conditions: list = [col(Referral.deleted_at).is_(None)]
    if view == "inbox":
        conditions += [_to_us(session, organisation_id, own_unit_id), state != "draft"]
        if unit_id:
            conditions.append(Referral.to_unit_id == unit_id)
    elif view == "sent":
        conditions.append(_from_us(session, organisation_id, own_unit_id))
        if unit_id:
            conditions.append(Referral.from_unit_id == unit_id)
    elif view == "overdue":
        mine = [
            _to_us(session, organisation_id, own_unit_id),
            _from_us(session, organisation_id, own_unit_id),
        ]
        if organisation_id is not None:
            conditions.append(or_(*mine))
        conditions += [col(state).in_(AWAITING_REPLY), col(Referral.reply_by) < today]
    elif view == "person":
        conditions.append(col(Referral.individual_id).in_(individual_ids or []))
        if own_unit_id:
            conditions.append(_ours_to_see(session, organisation_id, own_unit_id))
    else:
        raise ValueError(view)
    if not include_ended and view != "person":
        conditions.append(col(state).not_in(ENDED))
    return conditions


def _rank(today: date):
    """Overdue first, then waiting for an answer, drafts, under way, and ended last."""
    state = ReferralState.state
    awaiting = col(state).in_(AWAITING_REPLY)
    return case(
        (and_(awaiting, col(Referral.reply_by) < today), 0),
        (awaiting, 1),
        (state == "draft", 2),
        (col(state).in_(("accepted", "started")), 3),
        else_=4,
    )


def list_referrals(
    db: Database,
    view: str,
    *,
    organisation_id: str | None = None,
    unit_id: str | None = None,
    own_unit_id: str | None = None,
    individual_id: str | None = None,
    include_ended: bool = False,
    offset: int = 0,
    limit: int = 100,
    today: date | None = None,
) -> list[ReferralRow]:
    """One page of a view: "inbox", "sent", "overdue" (for `organisation_id`) or "person".

    `own_unit_id` is the user's unit: the inbox then holds what that unit receives
    (`_to_us`), Skickade what it sent (`_from_us`), Försenade both; "person" the
    referrals about the person that the unit's nämnd takes part in. Without it a view is
    the whole organisation's, for callers with no user. `unit_id` narrows the inbox to
    what names the unit itself ("Min enhet": not what went to the whole organisation)."""
    today = today or clock.today()
    refresh_states(db)
    with db.session() as session:
        members = same_person_ids(session, individual_id) if individual_id else None
        conditions = _view_conditions(
            session,
            view,
            organisation_id=organisation_id,
            unit_id=unit_id,
            own_unit_id=own_unit_id,
            individual_ids=members,
            include_ended=include_ended,
            today=today,
        )
        order = [_rank(today), Referral.reply_by, Referral.id]
        if view == "person":
            order = [_rank(today), col(Referral.created_at).desc(), Referral.id]
        rows = session.exec(
            select(
                Referral,
                ReferralState.state,
                ReferralState.changed_on,
                Individual.first_name,
                Individual.last_name,
                _FromOrg.name,
                _FromUnit.name,
                _ToOrg.name,
                _ToUnit.name,
            )
            .join(ReferralState, col(ReferralState.referral_id) == Referral.id)
            .join(Individual, col(Individual.id) == Referral.individual_id, isouter=True)
            .join(_FromOrg, _FromOrg.id == Referral.from_organisation_id, isouter=True)
            .join(_FromUnit, _FromUnit.id == Referral.from_unit_id, isouter=True)
            .join(_ToOrg, _ToOrg.id == Referral.to_organisation_id, isouter=True)
            .join(_ToUnit, _ToUnit.id == Referral.to_unit_id, isouter=True)
            .where(and_(*conditions))
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        ).all()
    return [
        ReferralRow(
            id=r.id,
            individual_id=r.individual_id,
            from_organisation_id=r.from_organisation_id,
            to_organisation_id=r.to_organisation_id,
            person=display_name(first or "", last or "") or "okänd person",
            kind=REFERRAL_KINDS.get(r.kind, r.kind),
            measure=r.measure,
            from_organisation=from_org or "okänd",
            from_unit=from_unit or "",
            to_organisation=to_org or "okänd",
            to_unit=to_unit or "",
            state=state,
            reply_by=r.reply_by,
            overdue=is_overdue(state, r.reply_by, today),
            changed_on=changed_on,
        )
        for r, state, changed_on, first, last, from_org, from_unit, to_org, to_unit in rows
    ]


def count_referrals(
    db: Database,
    view: str,
    *,
    organisation_id: str | None = None,
    unit_id: str | None = None,
    own_unit_id: str | None = None,
    individual_id: str | None = None,
    include_ended: bool = False,
    today: date | None = None,
) -> int:
    today = today or clock.today()
    refresh_states(db)
    with db.session() as session:
        members = same_person_ids(session, individual_id) if individual_id else None
        conditions = _view_conditions(
            session,
            view,
            organisation_id=organisation_id,
            unit_id=unit_id,
            own_unit_id=own_unit_id,
            individual_ids=members,
            include_ended=include_ended,
            today=today,
        )
        return session.exec(
            select(func.count())
            .select_from(Referral)
            .join(ReferralState, col(ReferralState.referral_id) == Referral.id)
            .where(and_(*conditions))
        ).one()


def view_counts(
    db: Database,
    organisation_id: str,
    *,
    unit_id: str | None = None,
    own_unit_id: str | None = None,
    today: date | None = None,
) -> ViewCounts:
    """The numbers on the section's title: open referrals in each view, in one query;
    `unit_id` and `own_unit_id` as for `list_referrals`."""
    today = today or clock.today()
    refresh_states(db)
    state = ReferralState.state
    open_ = col(state).not_in(ENDED)
    awaiting_late = and_(col(state).in_(AWAITING_REPLY), col(Referral.reply_by) < today)

    def total(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), literal(0))

    with db.session() as session:
        addressed = _to_us(session, organisation_id, own_unit_id)
        sent_by_us = _from_us(session, organisation_id, own_unit_id)
        to_us = and_(addressed, Referral.to_unit_id == unit_id) if unit_id else addressed
        from_us = and_(sent_by_us, Referral.from_unit_id == unit_id) if unit_id else sent_by_us
        inbox, new, sent, overdue = session.exec(
            select(
                total(and_(to_us, open_, state != "draft")),
                total(and_(to_us, state == "sent")),
                total(and_(from_us, open_)),
                total(and_(or_(addressed, sent_by_us), awaiting_late)),
            )
            .select_from(Referral)
            .join(ReferralState, col(ReferralState.referral_id) == Referral.id)
            .where(col(Referral.deleted_at).is_(None))
        ).one()
    return ViewCounts(int(inbox), int(new), int(sent), int(overdue))


def get_referral(
    db: Database, referral_id: str, *, actor: CurrentUser | None = None, today: date | None = None
) -> ReferralDetail:
    today = today or clock.today()
    with db.session() as session:
        referral = _get(session, referral_id)
        derived, events = _derive(session, referral_id)
        person = session.get(Individual, referral.individual_id)

        def name(model, row_id: str | None) -> str | None:
            row = session.get(model, row_id) if row_id else None
            return row.name if row else None

        from_label = _party(
            name(Organisation, referral.from_organisation_id), name(Unit, referral.from_unit_id)
        )
        sender = name(Staff, referral.from_staff_id)
        if sender:
            from_label += f" ({sender})"
        to_label = _party(
            name(Organisation, referral.to_organisation_id), name(Unit, referral.to_unit_id)
        )
        addressed = name(Unit, referral.to_unit_id)
        taker = None if addressed else name(Unit, _taker_of(session, referral))
        if taker:
            # Sent to the whole organisation: the unit that received it answers for it.
            to_label += f" (hela organisationen; mottagen av {taker})"
        receiver = name(Staff, referral.to_staff_id)
        if receiver:
            to_label += f" ({receiver})"
        actors = {
            e.id: (name(Staff, e.actor_id) or "okänd", name(Organisation, e.actor_organisation_id))
            for e in events
        }
        available, for_receiver = _available(session, actor, referral, derived.state)
        is_sender, is_receiver = _roles(session, referral, actor)
        ended = ended_ground(session.connection(), referral_id, today) if is_sender else None
        receiver_name = name(Organisation, referral.to_organisation_id) or "mottagaren"
    ground_ended, ground_ended_text = _ground_ended_lines(ended, receiver_name)
    if ended is not None and ended.receiver_syncs:
        # The receiver uses ungtui and no longer holds the referral (or is about to
        # drop it): no answer of its can come, so none is recorded for it either.
        for_receiver = []
    if any(_receivers_own(e) for e in events):
        # The receiver's own steps are here (by file, or in this install): it uses ungtui,
        # and its answers come the same way; one recorded for it would stand beside them.
        for_receiver = []
    applied = set(derived.applied)
    ordered = sorted(events, key=lambda e: (e.at or _NO_TIME, e.id))
    return ReferralDetail(
        referral=referral,
        person=display_name(person.first_name, person.last_name) if person else "okänd person",
        kind=REFERRAL_KINDS.get(referral.kind, referral.kind),
        from_label=from_label,
        to_label=to_label,
        state=derived.state,
        overdue=is_overdue(derived.state, referral.reply_by, today),
        lock_reason=content_lock_reason(derived.state),
        events=[
            EventRow(
                id=e.id,
                recorded=clock.local_time(e.at).strftime("%Y-%m-%d %H:%M") if e.at else "",
                happened_on=e.happened_on,
                label=TRANSITIONS[e.action].done if e.action in TRANSITIONS else "Anteckning",
                actor=f"{actors[e.id][0]} ({actors[e.id][1]})"
                if actors[e.id][1]
                else actors[e.id][0],
                note=e.note,
                reason=e.reason,
                outcome=REFERRAL_OUTCOMES.get(e.outcome or "", e.outcome or ""),
                consent_basis=e.consent_basis,
                consent_exception=e.consent_exception,
                applied=e.action == NOTE or e.id in applied,
                for_receiver=e.for_receiver,
            )
            for e in ordered
        ],
        available=available,
        for_receiver=for_receiver,
        is_sender=is_sender,
        is_receiver=is_receiver,
        ground_ended=ground_ended,
        ground_ended_text=ground_ended_text,
    )


def _ground_ended_lines(ended: EndedGround | None, to: str) -> tuple[str, str]:
    """What the sender is told about a referral whose ground has ended: the words the
    receiver's import said on its side (sync.withdrawal: the referral goes there with
    every step, the receiver's own too, and stays whole here)."""
    if ended is None:
        return "", ""
    day = ended.on.isoformat() if ended.on else ""
    if ended.why == "återkallat":
        short, why = f"samtycket återkallat {day}", f"Samtycket återkallades {day}"
    elif ended.why == "utgånget":
        short, why = f"samtycket utgånget {day}", f"Samtycket gick ut {day}"
    else:
        short = "samtycket omfattar den inte längre"
        why = "Inget samtycke omfattar remissen längre"
    kept = "Hela remissen, med deras svar, finns kvar här."
    if not ended.receiver_syncs:
        return short, (
            f"{why}: inga fler uppgifter om personen får lämnas till {to} för remissen. {kept}"
        )
    if ended.confirmed:
        return f"{short} · borttagen hos {to}", (
            f"{why}: {to} har tagit bort remissen med alla steg, också sina egna (de har "
            f"bekräftat filen som sa det). {kept} Inga fler steg från {to} kommer hit."
        )
    if ended.sent_at:
        sent = f"{clock.local_time(datetime.fromisoformat(ended.sent_at)):%Y-%m-%d}"
        return f"{short} · borttagningen skickad till {to} {sent}", (
            f"{why}: filen som tar bort remissen hos {to} skickades {sent}; de har inte "
            f"bekräftat den än. {kept}"
        )
    return f"{short} · tas bort hos {to} med nästa fil", (
        f"{why}: remissen tas bort hos {to}, med deras steg på den, med nästa fil dit. {kept}"
    )
