"""Fictional meetings for the demo: a weekly samverkansgrupp with one meeting today, a
three-party talk with an external provider that has no consent, a case conference and an
operative steering group. Built on the people and staff fill_demo made.

The people discussed are those the demo user (Jobbcenter Unga) may tell AF about; for
them the demo records the consents the rooms need, from Jobbcenter Unga to each other
party present (socialtjänsten and AF in the weekly group, AF and adult education at the
case conference), with notes included, as a caseworker would before the meeting."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import col, select

from ungtui.demo import seeded_id
from ungtui.demo.referrals import demo_consent
from ungtui.domain.disclosure import Holder
from ungtui.domain.meeting_consent import Present, uncovered
from ungtui.services.meetings.meetings import to_utc
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import Database
from ungtui.store.models import (
    AgendaItem,
    Consent,
    Individual,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingSeries,
    Organisation,
    Staff,
    Unit,
)
from ungtui.sync import holders
from ungtui.sync.sharing import load_facts

NOTES = (
    "Har varit på två studiebesök och vill börja på vuxenutbildningen i januari.",
    "Praktiken i lager fungerar bra. Arbetsgivaren kan tänka sig en anställning.",
    "Behöver stöd med att söka bostad; socialtjänsten har kontakt.",
    "Har avbrutit kursen. Ny kartläggning behövs innan nästa insats.",
    "Har fått plats på språkintroduktion och trivs.",
)
DECISIONS = (
    "Erbjuds arbetspraktik fyra veckor med start efter nyår.",
    "Gemensam kartläggning med SYV innan nästa möte.",
    "Ärendet följs upp vid nästa samverkansgrupp.",
)
ACTIONS = (
    "Kontakta arbetsgivaren om praktikplats",
    "Boka trepartssamtal med leverantören",
    "Skicka underlag till SYV",
    "Ringa och följa upp efter studiebesöket",
    "Boka tid för kartläggning",
)


def _workday(day: date, step: int = 1) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return day


def _first(people: Sequence[Individual]) -> Individual | None:
    return people[0] if people else None


def fill_demo_meetings(db: Database, *, seed: int, today: date) -> int:
    """Add the demo meetings; returns how many."""
    rng = random.Random(seed * 7919 + 5)

    def rid() -> str:
        return seeded_id(rng.getrandbits(128))

    stamp = datetime(today.year, today.month, today.day, 7, 0, tzinfo=UTC)
    with db.session() as session:
        orgs = {o.name: o for o in session.exec(select(Organisation)).all()}
        staff = {
            s.name: (s, u.organisation_id)
            for s, u in session.exec(
                select(Staff, Unit).join(Unit, col(Unit.id) == Staff.unit_id)
            ).all()
        }
        people = session.exec(
            select(Individual)
            .where(Individual.status == "aktiv", col(Individual.deleted_at).is_(None))
            .order_by(Individual.id)
            .limit(60)
        ).all()
        conn = session.connection()
        facts = load_facts(conn, [p.id for p in people])
        staff_holder = holders.staff_holders(conn)
        unit_rows = {u.id: u for u in session.exec(select(Unit)).all()}
        unit_names = {u.name: u.id for u in unit_rows.values()}
    if "Arbetsförmedlingen" not in orgs or "Malmö stad" not in orgs:
        return 0
    af, kommun = orgs["Arbetsförmedlingen"], orgs["Malmö stad"]
    # People who have let some nämnd of the kommun tell AF about them are the ones the
    # group takes up; the demo records what Jobbcenter Unga needs for the rooms below.
    af_key = af.org_nr or af.id
    shareable = [
        p
        for p in people
        if any(
            t.receiver.organisation == af_key and t.state(today) == "gäller"
            for t in facts.terms_of(p.id)
        )
    ]
    # And one the room may not hear about: no consent from Jobbcenter Unga for AF.
    jobbcenter = staff_holder.get(staff["Sofia Berg"][0].id, Holder(kommun.org_nr or ""))
    room = [Present(jobbcenter, kommun.name), Present(Holder(af_key, "af"), af.name)]
    not_shareable = [
        p
        for p in people
        if p not in shareable
        and uncovered(
            room, facts.terms_of(p.id), [today], discloser=jobbcenter, purpose="samordning"
        )
    ]

    rows: dict[type, list[dict]] = {
        model: []
        for model in (
            Consent,
            MeetingSeries,
            Meeting,
            MeetingAttendee,
            AgendaItem,
            MeetingDecision,
            MeetingAction,
        )
    }
    consent_rng = random.Random(seed * 7919 + 8)

    def consent(person: Individual, unit: str, purpose: str, categories: str) -> None:
        """Jobbcenter Unga may tell the party of `unit` about the person in a meeting."""
        unit_row = unit_rows[unit_names[unit]]
        domain = unit_row.secrecy_domain
        rows[Consent].append(
            demo_consent(
                consent_id=seeded_id(consent_rng.getrandbits(128)),
                person=person.id,
                birth=person.birth_date,
                recorder=staff["Sofia Berg"][0].id,
                discloser=(kommun.id, "arbetsmarknad"),
                receiver=(unit_row.organisation_id, domain if domain != "af" else None),
                purposes=purpose,
                purpose="Inför gemensamma möten om planeringen",
                categories=categories,
                valid_from=stamp.date() - timedelta(days=30),
                moment=stamp,
            )
        )

    def add(model: type, **values) -> str:
        values.setdefault("id", rid())
        values.update(created_at=stamp, updated_at=stamp, deleted_at=None)
        rows[model].append(values)
        return values["id"]

    def meeting(kind: str, title: str, day: date, at: time, place: str, **extra) -> str:
        return add(
            Meeting,
            kind=kind,
            title=title,
            starts_at=to_utc(datetime.combine(day, at)),
            place=place,
            cluster=extra.get("cluster", "Lokal överenskommelse Malmö"),
            series_id=extra.get("series_id"),
            minutes_keeper_id=extra.get("keeper"),
        )

    def attend(meeting_id: str, name: str) -> str:
        person, org_id = staff[name]
        org_name = next(o.name for o in orgs.values() if o.id == org_id)
        return add(
            MeetingAttendee,
            meeting_id=meeting_id,
            staff_id=person.id,
            name=name,
            organisation_id=org_id,
            organisation_name=org_name,
        )

    def item(meeting_id: str, position: int, person: Individual | None = None, **extra) -> str:
        return add(
            AgendaItem,
            meeting_id=meeting_id,
            position=position,
            kind="person" if person else "amne",
            title=extra.get("title", ""),
            individual_id=person.id if person else None,
            notes=extra.get("notes", ""),
            full_name_in_minutes=False,
            ack_reason="",
            ack_organisations="",
            ack_by=None,
            ack_at=None,
        )

    def action(meeting_id, item_id, person, what, attendee_name, due, done=False):
        person_staff, org_id = staff[attendee_name]
        org_name = next(o.name for o in orgs.values() if o.id == org_id)
        return add(
            MeetingAction,
            meeting_id=meeting_id,
            item_id=item_id,
            decision_id=None,
            individual_id=person.id if person else None,
            what=what,
            responsible_staff_id=person_staff.id,
            responsible_name=attendee_name,
            organisation_id=org_id,
            organisation_name=org_name,
            due_date=due,
            done_at=stamp - timedelta(days=1) if done else None,
            done_by=person_staff.id if done else None,
        )

    group = ("Sofia Berg", "Karin Lind", "Tomas Nyberg")
    keeper = staff["Sofia Berg"][0].id
    series = add(
        MeetingSeries, title="Samverkansgrupp unga", kind="samverkansgrupp", interval_weeks=1
    )
    weekly = {}
    for weeks in (-2, -1, 0, 1, 2):
        day = today + timedelta(weeks=weeks)
        weekly[weeks] = meeting(
            "samverkansgrupp",
            "Samverkansgrupp unga",
            day,
            time(10, 0),
            "Jobbcenter Unga, rum Ängen",
            series_id=series,
            keeper=keeper,
        )
        for name in group:
            attend(weekly[weeks], name)

    for person in shareable[:8]:
        for unit in ("Arbetsförmedlingen Malmö Unga", "Socialtjänsten"):
            consent(person, unit, "samordning", "kontakt,arbete,anteckningar")

    # Earlier meetings: notes, decisions, actions; some still open, so they come along.
    for weeks, offset in ((-2, 0), (-1, 3)):
        meeting_id = weekly[weeks]
        for position, person in enumerate(shareable[offset : offset + 3], start=1):
            item_id = item(meeting_id, position, person, notes=rng.choice(NOTES))
            add(
                MeetingDecision,
                meeting_id=meeting_id,
                item_id=item_id,
                individual_id=person.id,
                text=rng.choice(DECISIONS),
            )
            who = rng.choice(group)
            due = today + timedelta(weeks=weeks, days=rng.choice((3, 7, 10)))
            action(meeting_id, item_id, person, rng.choice(ACTIONS), who, due, done=position == 1)

    # Today's meeting, in progress: two people the room may hear about, one it may not,
    # and a free topic.
    today_id = weekly[0]
    item(
        today_id, 1, title="Nya praktikplatser i Hyllie", notes="Tre platser i lager från januari."
    )
    for position, person in enumerate(shareable[6:8], start=2):
        item(today_id, position, person)
    if not_shareable:
        item(today_id, 4, not_shareable[0])

    # A three-party talk tomorrow with the provider's coach: no consent covers the
    # provider, so the person shows masked with a warning.
    talk = meeting(
        "trepartssamtal",
        "Trepartssamtal Rusta och matcha",
        _workday(today + timedelta(days=1)),
        time(13, 0),
        "Arbetsförmedlingen, Södra Förstadsgatan",
        keeper=staff["Karin Lind"][0].id,
    )
    attend(talk, "Karin Lind")
    provider = orgs.get("Nordljus Kompetens AB")
    add(
        MeetingAttendee,
        meeting_id=talk,
        staff_id=None,
        name="Nora Lund",
        organisation_id=provider.id if provider else None,
        organisation_name=provider.name if provider else "Nordljus Kompetens AB",
    )
    # A small demo has few people (perhaps none active): the talk and the conference
    # then take up whoever there is, the same person in both if only one.
    talked_about: Individual | None = shareable[8] if len(shareable) > 8 else _first(people)
    if talked_about:
        consent(talked_about, "Arbetsförmedlingen Malmö Unga", "trepartssamtal", "kontakt,arbete")
        item(talk, 1, talked_about)

    # A case conference three days ago, around a change for one person.
    conference = meeting(
        "arendekonferens",
        "Ärendekonferens inför praktik",
        _workday(today - timedelta(days=3), -1),
        time(14, 30),
        "Jobbcenter Unga",
        keeper=keeper,
    )
    for name in ("Sofia Berg", "Karin Lind", "Lena Åström"):
        attend(conference, name)
    discussed = shareable[9] if len(shareable) > 9 else _first(people[1:]) or talked_about
    if discussed:
        for unit in ("Arbetsförmedlingen Malmö Unga", "Vuxenutbildningen"):
            consent(discussed, unit, "arendekonferens", "kontakt,utbildning,arbete,anteckningar")
        conference_item = item(conference, 1, discussed, notes=NOTES[0])
        action(
            conference,
            conference_item,
            discussed,
            "Skicka underlag till SYV",
            "Lena Åström",
            today - timedelta(days=1),
        )

    steering = meeting(
        "operativ_styrgrupp",
        "Operativ styrgrupp",
        _workday(today + timedelta(days=10)),
        time(9, 0),
        "Stadshuset, sal 3",
        keeper=keeper,
    )
    for name in ("Sofia Berg", "Karin Lind", "Tomas Nyberg", "Lena Åström"):
        attend(steering, name)
    item(steering, 1, title="Indikatorer och målnivåer 2027")
    item(steering, 2, title="Uppföljning per termin, uppdelat på kön")

    with UnitOfWork(db, None) as uow:
        for model, values in rows.items():
            uow.insert_generated(model, values)
    return len(rows[Meeting])
