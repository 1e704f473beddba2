"""Demo referrals: handovers between the demo's parties in every state, some overdue.

Runs after the people, staff and consents are in place and reads them back. A referral
to another organisation is made only for a person whose consent covers it, as the
consent gate would demand; the rest stay inside the municipality (Jobbcenter Unga to
adult education or social services), where no consent is needed.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert

from ungtui.domain.consent import is_in_force
from ungtui.domain.working_days import add_working_days
from ungtui.store.database import Database
from ungtui.store.models import Referral, ReferralEvent
from ungtui.sync.state import stamp_new_rows

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
        "other",
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

    def rid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    with db.engine.begin() as conn:
        orgs = dict(conn.exec_driver_sql("SELECT name, id FROM organisation").all())
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
            "SELECT id, case_organisation_id FROM individual WHERE status = 'aktiv' ORDER BY id"
        ).all()
        covered: set[tuple[str, str]] = set()
        for person, org, valid_from, valid_to, withdrawn in conn.exec_driver_sql(
            "SELECT individual_id, organisation_id, valid_from, valid_to, withdrawn_on FROM consent"
        ):
            if is_in_force(
                date.fromisoformat(valid_from),
                date.fromisoformat(valid_to) if valid_to else None,
                date.fromisoformat(withdrawn) if withdrawn else None,
                today,
            ):
                covered.add((person, org))
        if not people or "Malmö stad" not in orgs or "Arbetsförmedlingen" not in orgs:
            return 0

        referrals, events = [], []
        wanted = max(1, len(people) // 12)
        for person, case_org in rng.sample(people, min(wanted, len(people))):
            route = rng.choice(ROUTES)
            sender_org, receiver_org = orgs[route[0]], orgs[route[1]]
            needs_consent = sender_org != receiver_org and case_org != receiver_org
            if needs_consent and (person, receiver_org) not in covered:
                route = ROUTES[3 + rng.randrange(3)]  # stay inside the municipality
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
                        consent_basis=_basis(action, sender_org, receiver_org, case_org, route[1]),
                        consent_exception=False,
                        for_receiver=False,
                    )
                )
        if referrals:
            conn.execute(insert(Referral.__table__), referrals)
        if events:
            conn.execute(insert(ReferralEvent.__table__), events)
        stamp_new_rows(conn, {"referral": referrals, "referral_event": events})
    return len(referrals)


def _basis(action: str, sender: str, receiver: str, case_org: str, receiver_name: str) -> str:
    if action != "send" or sender == receiver:
        return ""
    if case_org == receiver:
        return f"{receiver_name} har ärendet."
    return f"Samtycke för {receiver_name} gäller."
