"""A person shared under a consent that leaves out Utbildning och skolgång and Arbete och
insatser: the receiver holds the columns' defaults, and neither the person view nor the
list makes facts or target groups of them (walker29 #6)."""

from __future__ import annotations

from datetime import date

from tests.sync_helpers import add_person, contact_consent, kommun_and_af
from ungtui.services.people.individuals import (
    IndividualFilter,
    count_individuals,
    get_individual,
    list_individuals,
)

DAY = date(2026, 12, 2)


def test_what_was_not_received_is_no_fact_and_no_target_group(tmp_path):
    kommun, af = kommun_and_af(tmp_path)
    marta = add_person(
        kommun, identity="080229-1237", first_name="Märta [b]x[/b]", last_name="Östlund [/]"
    )
    contact_consent(kommun, af, marta)
    kommun.send_to(af)

    # At the kommun, where she was registered, the same defaults are facts: KAA.
    here = get_individual(kommun.db, marta, today=DAY)
    assert here.missing == frozenset()
    assert [g.code for g in here.groups] == ["unga_16_24", "unga_16_29", "kaa"]
    assert count_individuals(kommun.db, IndividualFilter(group="kaa"), DAY) == 1

    there = get_individual(af.db, marta, today=DAY)
    assert there.missing == {"utbildning", "arbete"}
    assert [g.code for g in there.groups] == ["unga_16_24", "unga_16_29"]
    assert [(g.code, g.reason) for g in there.undecided] == [
        ("kaa", "kan inte avgöras: uppgift om gymnasieskola och examen saknas här")
    ]
    [row] = list_individuals(af.db, IndividualFilter(), today=DAY)
    assert (row.groups, row.status) == ("16–24, 16–29", "saknas")
    # The KAA list does not count her on defaults; the list of active people (the one
    # the screen opens with) keeps her, her status shown as missing.
    assert count_individuals(af.db, IndividualFilter(group="kaa"), DAY) == 0
    assert list_individuals(af.db, IndividualFilter(group="kaa"), today=DAY) == []
    assert count_individuals(af.db, IndividualFilter(status="aktiv"), DAY) == 1
    assert count_individuals(af.db, IndividualFilter(), DAY) == 1
    kommun.db.close()
    af.db.close()
