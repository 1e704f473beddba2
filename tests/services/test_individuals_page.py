"""The register's page in two steps: the names from a light query (list_names), then the
caseworker and the way's marks (fill_in). Hand-built people, rows written out by hand
(today 2026-11-24)."""

from __future__ import annotations

from datetime import date

import pytest

import ungtui.services.people.individuals as individuals
from ungtui.services.people.individuals import (
    IndividualFilter,
    IndividualInput,
    IndividualRow,
    count_individuals,
    fill_in,
    list_individuals,
    list_names,
    save_individual,
)
from ungtui.services.people.organisations import add_organisation, register_user
from ungtui.services.processes.agreements import AgreementInput, save_agreement
from ungtui.services.way.guarantee_rules import set_agreement_guarantee
from ungtui.services.way.way import WayStartInput, start_way

TODAY = date(2026, 11, 24)
ASA = "20050317-9806"  # fictional, Skatteverket's test range
ALI_SAMORDNING = "19980472-9912"


@pytest.fixture
def people(db, user):
    """Four people: two with a way under a 16–24, 90-day guarantee, one registered by
    another organisation only, one with a reserve number and no caseworker."""
    other = register_user(
        db,
        name="Karin Lind",
        unit_name="Jobbcenter",
        organisation_name="Värnamo kommun",
        org_nr="212000-0563",
    )
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    agreement = save_agreement(
        db,
        AgreementInput(title="Ungdomskontraktet", party_ids=[user.organisation_id, af]),
        actor_id=None,
    )
    set_agreement_guarantee(db, agreement, min_age=16, max_age=24, days=90, actor_id=None)

    def save(by, data: IndividualInput, individual_id=None) -> str:
        return save_individual(
            db,
            data,
            actor_id=by.staff_id if by else None,
            organisation_id=by.organisation_id if by else None,
            individual_id=individual_id,
            today=TODAY,
        )

    def way(person_id: str, joined: str) -> None:
        start_way(
            db,
            person_id,
            WayStartInput(entry_date=joined, joined_on=joined),
            actor_id=user.staff_id,
            today=TODAY,
        )

    asa = save(user, IndividualInput(identity=ASA, first_name="Åsa", last_name="Öberg",
                                     gender="kvinna"))  # fmt: skip
    way(asa, "2026-09-01")  # 21 when she joined: covered; 2026-11-30 is six days off
    ali = save(other, IndividualInput(identity=ALI_SAMORDNING, first_name="Ali",
                                      last_name="Öztürk", gender="man"))  # fmt: skip
    kim = save(
        None,
        IndividualInput(
            reserve_id="R-TEST01", birth_date="2009-06-01", first_name="Kim", status="vilande"
        ),
    )
    bo_data = IndividualInput(
        reserve_id="R-TEST02", birth_date="1990-01-01", first_name="Bo", last_name="Ek"
    )
    bo = save(user, bo_data)
    # Karin answers for Bo in Värnamo as well.
    save(other, IndividualInput(**{**bo_data.__dict__, "responsible_staff_id": other.staff_id}),
         individual_id=bo)  # fmt: skip
    way(bo, "2026-11-01")  # 36 when he joined: not covered, no deadline
    return {"asa": asa, "ali": ali, "kim": kim, "bo": bo, "other": other}


def names_only(people) -> list[IndividualRow]:
    # By last name, then first: Kim has no last name and comes first.
    return [
        IndividualRow(
            id=people["kim"], name="Kim", identity="R-TEST01", identity_kind="reservnummer",
            age=17, groups="16–24, 16–29, KAA", caseworker="", status="Vilande",
            gender="okänt",
        ),
        IndividualRow(
            id=people["bo"], name="Ek, Bo", identity="R-TEST02", identity_kind="reservnummer",
            age=36, groups="", caseworker="", status="Aktiv", gender="okänt",
        ),
        IndividualRow(
            id=people["asa"], name="Öberg, Åsa", identity=ASA, identity_kind="personnummer",
            age=21, groups="16–24, 16–29, Utb.kontr.", caseworker="", status="Aktiv",
            gender="kvinna",
        ),
        IndividualRow(
            id=people["ali"], name="Öztürk, Ali", identity=ALI_SAMORDNING,
            identity_kind="samordningsnummer", age=28, groups="16–29", caseworker="",
            status="Aktiv", gender="man",
        ),
    ]  # fmt: skip


def test_the_names_come_first_with_the_costly_columns_empty(db, people):
    assert list_names(db, IndividualFilter(), today=TODAY) == names_only(people)


def test_fill_in_adds_the_caseworker_and_the_way(db, user, people):
    names = list_names(db, IndividualFilter(), today=TODAY)
    rows = fill_in(db, names, organisation_id=user.organisation_id, today=TODAY)
    shown = [(r.name, r.caseworker, r.phase, r.next_date, r.warn) for r in rows]
    assert shown == [
        ("Kim", "", "", "", None),
        # Both organisations answer for Bo: the user's own caseworker is shown.
        ("Ek, Bo", "Sofia Berg", "Inflöde", "", None),
        # 2026-09-01 + 90 days = 2026-11-30, within the 14 days' warning.
        ("Öberg, Åsa", "Sofia Berg", "Inflöde", "2026-11-30 garanti", "nara"),
        # Nobody here answers for Ali: Värnamo's caseworker rather than none.
        ("Öztürk, Ali", "Karin Lind", "", "", None),
    ]
    # What list_names gave is kept as it was.
    assert [(r.id, r.name, r.identity, r.age, r.groups, r.status) for r in rows] == [
        (r.id, r.name, r.identity, r.age, r.groups, r.status) for r in names
    ]
    assert list_individuals(
        db, IndividualFilter(), organisation_id=user.organisation_id, today=TODAY
    ) == rows


def test_another_organisation_sees_its_own_caseworker(db, people):
    other = people["other"]
    rows = list_individuals(
        db, IndividualFilter(text="ek"), organisation_id=other.organisation_id, today=TODAY
    )
    assert [(r.name, r.caseworker) for r in rows] == [("Ek, Bo", "Karin Lind")]


def test_filters_sort_and_paging_hold_in_the_light_query(db, people):
    def names(**kw) -> list[str]:
        return [r.name for r in list_names(db, IndividualFilter(**kw), today=TODAY)]

    assert names(status="aktiv") == ["Ek, Bo", "Öberg, Åsa", "Öztürk, Ali"]
    assert names() == ["Kim", "Ek, Bo", "Öberg, Åsa", "Öztürk, Ali"]
    assert names(text="oz") == ["Öztürk, Ali"]
    assert names(group="kaa") == ["Kim"]
    assert names(sort="alder") == ["Kim", "Öberg, Åsa", "Öztürk, Ali", "Ek, Bo"]
    assert names(mine_staff_id=people["other"].staff_id) == ["Ek, Bo", "Öztürk, Ali"]
    page2 = list_names(db, IndividualFilter(), offset=2, limit=2, today=TODAY)
    assert [r.name for r in page2] == ["Öberg, Åsa", "Öztürk, Ali"]
    assert fill_in(db, [], today=TODAY) == []


def test_a_count_no_longer_wanted_gives_up(db, people, monkeypatch):
    assert count_individuals(db, IndividualFilter(), TODAY, stale=lambda: False) == 4
    # Asked at every step whether it is still wanted, and told no: None, not a number.
    monkeypatch.setattr(individuals, "STALE_CHECK_STEPS", 1)
    assert count_individuals(db, IndividualFilter(), TODAY, stale=lambda: True) is None
    # The connection goes back to the pool without the question attached.
    assert count_individuals(db, IndividualFilter(status="aktiv"), TODAY) == 3
    assert count_individuals(db, IndividualFilter(), TODAY, stale=lambda: False) == 4
