"""The facts the target-group rules need are recorded on the person (issue 18): the
establishment programme, compulsory school, the municipality and AF status; school and AF
status keep their dates so that an earlier period sees them as they were then."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from ungtui.services.errors import ValidationError
from ungtui.services.people.individuals import (
    IndividualFilter,
    IndividualInput,
    get_individual,
    list_individuals,
    save_individual,
    status_on,
)
from ungtui.store.models import PersonStatus

# Fictional numbers in Skatteverket's test range (serial 98x), check digits by hand:
# 080101980 → 0+8+0+1+0+1+9·2→9+8+0 = 27 → 3; 080161980 → …+6·2→3… = 30 → 0.
KAA_PNR = "20080101-9803"
KAA_SAMORDNING = "20080161-9800"  # samordningsnummer, born 2008-01-01


def save(db, user, individual_id=None, today=None, **fields):
    return save_individual(
        db,
        IndividualInput(**fields),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
        individual_id=individual_id,
        today=today,
    )


def rows(db, pid):
    with db.session() as session:
        found = session.exec(
            select(PersonStatus).where(PersonStatus.individual_id == pid)
        ).all()
    return sorted((r.kind, r.value, r.valid_from) for r in found)


def test_the_programme_municipality_and_af_status_are_saved(db, user):
    pid = save(
        db,
        user,
        first_name="Amal",
        last_name="Hassan",
        birth_date="1995-04-04",
        residence_permit_date="2025-02-01",
        establishment_from="2025-03-03",
        establishment_until="2027-03-02",
        municipality="  Gislaved ",
        af_status="program",
    )
    person = get_individual(db, pid).individual
    assert (person.establishment_from, person.establishment_until) == (
        date(2025, 3, 3),
        date(2027, 3, 2),
    )
    assert person.municipality == "Gislaved"
    assert person.af_status == "program"
    codes = [g.code for g in get_individual(db, pid).groups]
    assert codes == ["nyanland", "etablering"]
    # Nothing has changed yet: no dated rows, today's status holds for every day.
    assert rows(db, pid) == []
    assert status_on(db, pid, "af", date(2020, 1, 1)) is None


def test_bad_facts_are_refused_at_their_fields(db, user):
    with pytest.raises(ValidationError) as refused:
        save(
            db,
            user,
            first_name="Amal",
            birth_date="1995-04-04",
            establishment_until="2025-01-01",
            compulsory_school_done_on="1994-06-30",
            municipality="Malmö<script>",
            af_status="arbetslos",
            status_changed_on="2027-01-01",
        )
    assert refused.value.errors == {
        "establishment_from": "Ange när programmet började; ett slut utan start går inte.",
        "compulsory_school_done_on": "Datumet kan inte vara före födelsedagen.",
        "municipality": "Skriv kommunens namn med bokstäver, till exempel Gislaved.",
        "af_status": "Välj status hos Arbetsförmedlingen.",
        "status_changed_on": "Datumet kan inte ligga i framtiden.",
    }
    with pytest.raises(ValidationError) as refused:
        save(
            db,
            user,
            first_name="Amal",
            birth_date="1995-04-04",
            establishment_from="2025-05-01",
            establishment_until="2025-04-30",
        )
    assert refused.value.errors == {
        "establishment_until": "Programmet kan inte sluta före det börjar."
    }


def test_a_changed_school_status_keeps_the_old_one_with_its_days(db, user):
    pid = save(db, user, first_name="Liv", last_name="Berg", birth_date="2008-01-01",
               in_upper_secondary=True)  # fmt: skip
    # She left upper secondary school on 2026-03-15, recorded in November.
    save(
        db,
        user,
        individual_id=pid,
        first_name="Liv",
        last_name="Berg",
        birth_date="2008-01-01",
        status_changed_on="2026-03-15",
    )
    assert rows(db, pid) == [
        ("skola", "gymnasieskola", None),
        ("skola", "ingen", date(2026, 3, 15)),
    ]
    assert status_on(db, pid, "skola", date(2026, 3, 14)) == "gymnasieskola"
    assert status_on(db, pid, "skola", date(2026, 3, 15)) == "ingen"
    # Saving again without a change adds nothing.
    save(db, user, individual_id=pid, first_name="Liv", last_name="Berg",
         birth_date="2008-01-01")  # fmt: skip
    assert len(rows(db, pid)) == 2


def test_the_list_filters_kaa_and_the_programme_as_the_rules_do(db, user):
    today = date(2026, 11, 24)
    # 18, no school, personnummer: KAA.
    kaa = save(db, user, first_name="Kaa", identity=KAA_PNR)
    # The same age with a samordningsnummer: not folkbokförd, not KAA.
    save(db, user, first_name="Samordning", identity=KAA_SAMORDNING)
    in_programme = save(
        db, user, first_name="Etab", birth_date="1990-01-01",
        residence_permit_date="2025-01-10", establishment_from="2025-02-01",
    )  # fmt: skip
    save(db, user, first_name="Nyanländ", birth_date="1990-01-01",
         residence_permit_date="2025-01-10")  # fmt: skip

    def ids(group):
        return {
            r.id
            for r in list_individuals(db, IndividualFilter(group=group), today=today, limit=50)
        }

    assert ids("kaa") == {kaa}
    assert ids("etablering") == {in_programme}


def test_the_new_facts_travel_by_sync_with_their_history(tmp_path):
    from tests.sync_helpers import Install, add_person, edit

    first = Install(tmp_path / "a.db", "Sofia Berg")
    second = Install(tmp_path / "b.db", "Jonas Ek", join=first)
    pid = add_person(
        first,
        identity="20080101-9803",
        in_upper_secondary=True,
        establishment_from="2025-02-01",
        municipality="Gnosjö",
        af_status="program",
    )
    edit(
        first,
        pid,
        status_changed_on="2026-03-15",
        establishment_from="2025-02-01",
        municipality="Gnosjö",
        af_status="program",
    )
    first.send(second)
    person = get_individual(second.db, pid).individual
    assert (person.establishment_from, person.municipality, person.af_status) == (
        date(2025, 2, 1),
        "Gnosjö",
        "program",
    )
    # She left upper secondary school on 2026-03-15; the other install knows it too.
    assert status_on(second.db, pid, "skola", date(2026, 3, 14)) == "gymnasieskola"
    assert status_on(second.db, pid, "skola", date(2026, 3, 15)) == "ingen"


def test_the_programme_and_municipality_come_in_from_a_spreadsheet(db, user, tmp_path):
    from ungtui.domain.table_import import guess_mapping
    from ungtui.services.people.table_files import SheetTable
    from ungtui.services.people.table_import import apply_import, plan_import

    headers = ["Personnummer", "Namn", "Etablering från", "Etablering till", "Kommun"]
    # 900101980: 9·2→9, 0, 0, 1, 0, 1, 9·2→9, 8, 0 = 28 → 2.
    table = SheetTable(
        headers=headers,
        rows=[(2, ["19900101-9802", "Amal Hassan", "2025-03-03", "2027-03-02", "Gislaved"])],
        header_row=1,
    )
    mapping = guess_mapping(headers)
    assert mapping == [
        "identity",
        "full_name",
        "establishment_from",
        "establishment_until",
        "municipality",
    ]
    plan = plan_import(
        db, table, mapping, organisation_id=user.organisation_id, today=date(2026, 11, 24)
    )
    apply_import(db, plan, actor_id=user.staff_id, organisation_id=user.organisation_id)
    [row] = list_individuals(db, IndividualFilter(group="etablering"), limit=5)
    person = get_individual(db, row.id).individual
    assert (person.establishment_from, person.establishment_until, person.municipality) == (
        date(2025, 3, 3),
        date(2027, 3, 2),
        "Gislaved",
    )


def test_the_history_names_the_new_facts_in_swedish(db, user):
    pid = save(db, user, first_name="Amal", last_name="Hassan", birth_date="1995-04-04")
    save(
        db,
        user,
        individual_id=pid,
        first_name="Amal",
        last_name="Hassan",
        birth_date="1995-04-04",
        establishment_from="2025-03-03",
        establishment_until="2027-03-02",
        compulsory_school_done_on="2011-06-10",
        municipality="Gislaved",
        af_status="program",
    )
    named = {row.field for row in get_individual(db, pid).history}
    assert {
        "I etableringsprogrammet från",
        "I etableringsprogrammet till",
        "Grundskolan klar (skolplikten fullgjord)",
        "Folkbokförd i kommun",
        "Status hos Arbetsförmedlingen",
    } <= named
    assert not {f for f in named if "_" in f}
