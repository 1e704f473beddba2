"""Demo referrals: handovers between the demo's parties in every state, some overdue.

Runs after the people, staff and consents are in place and reads them back. Every
referral that is sent goes from one secrecy domain to another (AF, or another nämnd of the
kommun: Jobbcenter Unga to adult education, social services or the KAA unit), so each is
sent on a consent from the sender's nämnd to the receiver for referrals, covering work and
measures, as the consent gate demands. Where the person's consents do not cover it, the
demo records one the day before, as a caseworker would when making the referral.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from ungtui.demo import seeded_id
from ungtui.domain.ages import age_on
from ungtui.domain.data_categories import ARBETE
from ungtui.domain.disclosure import verdict
from ungtui.domain.purposes import PURPOSES, REFERRAL_DEFAULT
from ungtui.domain.secrecy import describe
from ungtui.domain.working_days import add_working_days
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import Consent, Referral, ReferralEvent
from ungtui.sync import holders
from ungtui.sync.sharing import load_facts

# How far each demo referral got; weights roughly as an ordinary autumn.
PATHS: tuple[tuple[tuple[str, ...], int], ...] = (
    ((), 8),
    (("send",), 22),
    (("send", "receive"), 18),
    (("send", "receive", "accept"), 10),
    (("send", "receive", "decline"), 8),
    (("send", "receive", "accept", "start"), 14),
    (("send", "receive", "accept", "start", "finish"), 12),
    (("send", "withdraw"), 4),
    (("send", "receive", "accept", "withdraw"), 4),
)
DECLINE_REASONS = (
    "Ingen plats förrän nästa termin.",
    "Personen uppfyller inte kraven för insatsen.",
    "Insatsen passar inte personens behov; vi föreslår arbetsträning i stället.",
)
WITHDRAW_REASONS = (
    "Personen har fått arbete.",
    "Personen har flyttat från kommunen.",
    "Personen vill inte längre delta.",
)
OUTCOMES = ("work", "work_subsidised", "studies", "other_measure", "interrupted", "still_seeking")

# (sender org, receiver org, receiving unit, kind, measure, purpose)
ROUTES = (
    (
        "Malmö stad",
        "Arbetsförmedlingen",
        "Arbetsförmedlingen Malmö Unga",
        "employment_service",
        "Inskrivning och planering",
        "Samordnad planering mot arbete eller studier",
    ),
    (
        "Arbetsförmedlingen",
        "Malmö stad",
        "Jobbcenter Unga",
        "labour_market",
        "Arbetsträning 8 veckor",
        "Pröva arbete inom lager och logistik",
    ),
    (
        "Arbetsförmedlingen",
        "Malmö stad",
        "Jobbcenter Unga",
        "labour_market",
        "Praktik inom vård och omsorg",
        "Arbetslivserfarenhet inför utbildningskontrakt",
    ),
    (
        "Malmö stad",
        "Malmö stad",
        "Vuxenutbildningen",
        "adult_education",
        "Utbildningskontrakt med SYV-samtal",
        "Slutföra gymnasiebehörighet",
    ),
    (
        "Malmö stad",
        "Malmö stad",
        "Socialtjänsten",
        "social_services",
        "Samtal om försörjning",
        "Säkra försörjningen under studierna",
    ),
    (
        "Malmö stad",
        "Malmö stad",
        "KAA-enheten",
        "one_way_in",
        "Kartläggning i En väg in",
        "Hitta rätt insats för en ung person utan sysselsättning",
    ),
)


def fill_demo_referrals(db: Database, *, seed: int, today: date) -> int:
    """Add about one referral per twelve people; returns how many."""
    rng = random.Random(seed * 7919 + 6)
    # Consents the demo records for its referrals draw from their own sequence, so the
    # referrals are the same whichever consents were there already.
    consent_rng = random.Random(seed * 7919 + 7)

    def rid() -> str:
        return seeded_id(rng.getrandbits(128))

    def consent_id() -> str:
        return seeded_id(consent_rng.getrandbits(128))

    # Made-up records, one unit of work: it stamps them for sync as typed ones.
    with UnitOfWork(db, None) as uow:
        conn = uow.session.connection()
        orgs: dict[str, str] = dict(conn.exec_driver_sql("SELECT name, id FROM organisation").all())
        units = {
            name: (unit_id, org_id)
            for unit_id, org_id, name in conn.exec_driver_sql(
                "SELECT id, organisation_id, name FROM unit ORDER BY name"
            )
        }
        staff_by_unit: dict[str, list[str]] = {}
        for staff_id, unit_id in conn.exec_driver_sql(
            "SELECT id, unit_id FROM staff ORDER BY name"
        ):
            staff_by_unit.setdefault(unit_id, []).append(staff_id)
        people = conn.exec_driver_sql(
            "SELECT id, birth_date FROM individual WHERE status = 'aktiv' ORDER BY id"
        ).all()
        if not people or "Malmö stad" not in orgs or "Arbetsförmedlingen" not in orgs:
            return 0
        unit_holder = holders.unit_holders(conn)
        kinds = holders.organisation_kinds(conn)
        names = {org_id: name for name, org_id in orgs.items()}

        referrals, events, consents = [], [], []
        wanted = max(1, len(people) // 12)
        chosen = rng.sample(people, min(wanted, len(people)))
        # The consents of those chosen only, one in twelve of all; for a demo so large
        # that their ids would pass SQLite's limit of 32,766 parameters, everyone's.
        ids = [person for person, _birth in chosen]
        facts = load_facts(conn, ids if len(ids) <= 20_000 else None)
        for person, birth in chosen:
            route = rng.choice(ROUTES)
            sender_org, receiver_org = orgs[route[0]], orgs[route[1]]
            _, _, unit_name, kind, measure, purpose = route
            to_unit, _ = units[unit_name]
            from_unit = next(
                unit_id
                for name, (unit_id, org_id) in units.items()
                if org_id == sender_org and name != unit_name and staff_by_unit.get(unit_id)
            )
            sender = rng.choice(staff_by_unit[from_unit])
            receivers = staff_by_unit.get(to_unit, [])
            path = rng.choices([p for p, _ in PATHS], weights=[w for _, w in PATHS])[0]
            day = today - timedelta(days=rng.randint(len(path) * 4, 70))
            by, to = unit_holder[from_unit], unit_holder[to_unit]
            basis = (
                f"Samtycke från {describe(names[sender_org], by.domain, kinds[sender_org])} "
                f"till {describe(names[receiver_org], to.domain, kinds[receiver_org])} för "
                f"{PURPOSES[REFERRAL_DEFAULT].lower()} gäller."
            )
            found = verdict(
                facts.terms_of(person),
                discloser=by,
                receiver=to,
                purpose=REFERRAL_DEFAULT,
                category=ARBETE,
                on=day,
            )
            if path and not found.allowed:
                consents.append(
                    _referral_consent(
                        consent_id(),
                        person,
                        birth,
                        sender,
                        (sender_org, by.domain),
                        (receiver_org, to.domain),
                        unit_name,
                        day,
                    )
                )
            referral_id = rid()
            moment = datetime.combine(day, time(8), UTC) + timedelta(minutes=rng.randint(0, 480))
            referrals.append(
                dict(
                    id=referral_id,
                    created_at=moment,
                    updated_at=moment,
                    deleted_at=None,
                    individual_id=person,
                    from_organisation_id=sender_org,
                    from_unit_id=from_unit,
                    from_staff_id=sender,
                    to_organisation_id=receiver_org,
                    to_unit_id=to_unit,
                    to_staff_id=rng.choice(receivers) if receivers and rng.random() < 0.5 else None,
                    kind=kind,
                    measure=measure,
                    purpose=purpose,
                    purpose_code=REFERRAL_DEFAULT,
                    reply_by=add_working_days(day, 10),
                    origin_id=None,
                )
            )
            for step, action in enumerate(path, start=1):
                if step > 1:
                    day = min(today, day + timedelta(days=rng.randint(1, 9)))
                    moment = max(
                        moment + timedelta(minutes=5),
                        datetime.combine(day, time(9), UTC)
                        + timedelta(minutes=rng.randint(0, 420)),
                    )
                by_sender = action in ("send", "withdraw")
                actor = sender if by_sender or not receivers else rng.choice(receivers)
                events.append(
                    dict(
                        id=rid(),
                        created_at=moment,
                        updated_at=moment,
                        deleted_at=None,
                        referral_id=referral_id,
                        individual_id=person,
                        action=action,
                        step=step,
                        at=moment,
                        happened_on=day,
                        actor_id=actor,
                        actor_organisation_id=sender_org if by_sender else receiver_org,
                        note="",
                        reason=rng.choice(
                            DECLINE_REASONS if action == "decline" else WITHDRAW_REASONS
                        )
                        if action in ("decline", "withdraw")
                        else "",
                        outcome=rng.choice(OUTCOMES) if action == "finish" else None,
                        consent_basis=basis if action == "send" else "",
                        consent_exception=False,
                        for_receiver=False,
                    )
                )
        uow.insert_generated(Consent, consents)
        uow.insert_generated(Referral, referrals)
        uow.insert_generated(ReferralEvent, events)
    return len(referrals)


def _referral_consent(
    consent_id: str,
    person: str,
    birth: object,
    recorder: str,
    discloser: tuple[str, str | None],
    receiver: tuple[str, str | None],
    receiving_unit: str,
    day: date,
) -> dict:
    """The consent a caseworker records the day before making a referral."""
    start = day - timedelta(days=1)
    categories = "kontakt,arbete"
    if receiving_unit == "Vuxenutbildningen":
        categories = "kontakt,utbildning,arbete"
    elif receiving_unit == "Socialtjänsten":
        categories = "kontakt,arbete,ekonomi"
    return demo_consent(
        consent_id=consent_id,
        person=person,
        birth=birth,
        recorder=recorder,
        discloser=discloser,
        receiver=receiver,
        purposes=REFERRAL_DEFAULT,
        purpose="Remiss till " + receiving_unit,
        categories=categories,
        valid_from=start,
        moment=datetime.combine(start, time(10), UTC),
    )


def demo_consent(
    *,
    consent_id: str,
    person: str,
    birth: object,
    recorder: str,
    discloser: tuple[str, str | None],
    receiver: tuple[str, str | None],
    purposes: str,
    purpose: str,
    categories: str,
    valid_from: date,
    moment: datetime,
    form: str = "skriftligt",
    valid_to: date | None = None,
    withdrawn_on: date | None = None,
) -> dict:
    """A demo consent row as the consent form would record it: who discloses (an
    organisation and nämnd), to whom, for what, and for someone under 18 how it was
    obtained."""
    basis, note = minor_basis(birth, valid_from)
    return dict(
        id=consent_id,
        created_at=moment,
        updated_at=moment,
        deleted_at=None,
        individual_id=person,
        organisation_id=receiver[0],
        receiver_domain=receiver[1] or "",
        discloser_organisation_id=discloser[0],
        discloser_domain=discloser[1] or "",
        purposes=purposes,
        purpose=purpose,
        data_categories=categories,
        form=form,
        valid_from=valid_from,
        valid_to=valid_to,
        withdrawn_on=withdrawn_on,
        recorded_by=recorder,
        minor_basis=basis,
        minor_note=note,
    )


def minor_basis(birth: object, on: date) -> tuple[str, str]:
    """How a demo consent for someone under 18 was obtained: 16 and 17 year olds sign
    themselves after the caseworker's assessment, younger ones' guardians sign."""
    if birth is None:
        return "", ""
    born = date.fromisoformat(str(birth)[:10])
    age = age_on(born, on)
    if age >= 18:
        return "", ""
    if age >= 16:
        return "mognad", "Förstår vad samtycket innebär och har själv skrivit under."
    return "vardnadshavare", ""
