"""A small world for meeting tests: Malmö stad (the user's), Arbetsförmedlingen with one
caseworker, an external provider, and people with and without consent for AF."""

from __future__ import annotations

from dataclasses import dataclass

from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.meetings.meetings import MeetingInput, save_meeting
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import CurrentUser, add_organisation
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.models import Staff, Unit


@dataclass
class World:
    user: CurrentUser
    af: str
    karin: str  # AF caseworker (staff id)
    provider: str
    with_consent: str  # Åsa Öberg: consent for AF
    without_consent: str  # Ali Öztürk: no consent for AF


def make_world(db, user) -> World:
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    provider = add_organisation(
        db, name="Nordljus Kompetens AB", org_nr="556789-0123", kind="leverantor"
    )
    with UnitOfWork(db, None) as uow:
        unit = uow.create(Unit(organisation_id=af, name="Arbetsförmedlingen Malmö Unga"))
        karin = uow.create(Staff(name="Karin Lind", unit_id=unit.id, role="ungdomshandläggare"))
    asa = save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    ali = save_individual(
        db,
        IndividualInput(identity="20030805-9815", first_name="Ali", last_name="Öztürk"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    add_consent(
        db,
        asa,
        ConsentInput(
            organisation_id=af,
            purpose="Planering av insatser",
            purposes=["samordning"],
            data_categories=["kontakt", "arbete", "anteckningar"],
            valid_from="2026-01-15",
        ),
        actor_id=user.staff_id,
    )
    return World(user, af, karin.id, provider, asa, ali)


def meeting(db, world: World, when: str = "2026-11-24 10:00", **fields) -> str:
    data = MeetingInput(
        kind=fields.pop("kind", "samverkansgrupp"),
        title=fields.pop("title", "Samverkansgrupp unga"),
        when=when,
        place=fields.pop("place", "Jobbcenter Unga"),
        **fields,
    )
    return save_meeting(db, data, actor_id=world.user.staff_id)
