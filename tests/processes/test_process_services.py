"""Saving, versions, ending, search and the applies rule, through the service layer."""

from datetime import date

import pytest

from ungtui.services.errors import ServiceError, ValidationError
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.processes import processes as svc
from ungtui.services.processes.processes import ProcessInput, save_process
from ungtui.store.process_search import MARK_END, MARK_START, ProcessQuery


def test_required_fields_are_refused_with_the_reason(db, user):
    with pytest.raises(ValidationError) as refused:
        save_process(db, ProcessInput(title=" "), actor_id=user.staff_id)
    assert refused.value.errors == {
        "title": "Ange en titel för arbetsprocessen.",
        "what_agreed": "Beskriv vad som har överenskommits.",
        "how_done": "Beskriv hur arbetet bedrivs, gärna steg för steg.",
        "responsible_organisation": (
            "Ange vilken organisation som ansvarar för att processen hålls aktuell."
        ),
        "responsible_role": "Ange vilken roll eller person som ansvarar för processen.",
    }
    assert svc.count(db, ProcessQuery()) == 0


def test_bad_ages_and_unknown_group_are_refused(db, make_process):
    with pytest.raises(ValidationError) as refused:
        make_process(min_age=25, max_age=16, target_groups=["vuxna"])
    assert refused.value.errors == {
        "target_groups": "Okänd målgrupp: vuxna.",
        "ages": "Lägsta ålder är högre än högsta.",
    }


def test_every_edit_keeps_the_earlier_text_and_shows_the_difference(db, user, orgs, make_process):
    pid = make_process(how="1. Kalla.\n2. Träffas.")
    data = ProcessInput(
        title="Samverkansgrupp",
        what_agreed="Vi träffas.",
        how_done="1. Kalla.\n2. Träffas varje vecka.",
        responsible_organisation_id=orgs["Malmö stad"],
        responsible_role="Samordnare",
        party_ids=[orgs["Malmö stad"], orgs["Arbetsförmedlingen"]],
    )
    save_process(db, data, actor_id=user.staff_id, process_id=pid)
    save_process(db, data, actor_id=user.staff_id, process_id=pid)  # no change: no version
    detail = svc.get_process(db, pid)
    assert detail.version == 2
    assert [(v.version, v.author) for v in detail.versions] == [
        (2, "Sofia Berg"),
        (1, "Sofia Berg"),
    ]
    changes = [(d.kind, d.text) for d in svc.compare_versions(db, pid, 1, 2) if d.kind in "+-"]
    assert changes == [
        ("-", "version: 1"),
        ("+", "version: 2"),
        ("-", "2. Träffas."),
        ("+", "2. Träffas varje vecka."),
    ]


@pytest.fixture
def malmo_youth(db, orgs):
    """An agreement with seed 000's rule for ending a work process: up to three months."""
    from ungtui.services.processes.agreements import AgreementInput, save_agreement

    return save_agreement(
        db,
        AgreementInput(
            title="Unga Malmöbor",
            party_ids=[orgs["Malmö stad"], orgs["Arbetsförmedlingen"]],
            valid_from=date(2020, 11, 1),
            process_commitment_months=3,
        ),
        actor_id=None,
    )


def test_ending_keeps_the_party_and_the_commitment_asked_for(
    db, user, orgs, make_process, malmo_youth
):
    pid = make_process(agreement_id=malmo_youth)
    with pytest.raises(ValidationError) as refused:
        svc.end_process(
            db, pid, party_id=orgs["Arbetsförmedlingen"], on=date(2026, 8, 31), actor_id=None
        )
    assert refused.value.errors == {
        "full_control": "Ange om parten har full rådighet över sin del av processen."
    }
    until = svc.end_process(
        db,
        pid,
        party_id=orgs["Arbetsförmedlingen"],
        on=date(2026, 8, 31),
        full_control=True,
        requested=True,
        actor_id=user.staff_id,
    )
    assert until == date(2026, 11, 30)
    detail = svc.get_process(db, pid)
    assert detail.state == "uppsagd"
    assert detail.status == "Uppsagd, åtagande t.o.m. 2026-11-30"
    assert "avslutad av: Arbetsförmedlingen" in detail.markdown
    assert "full rådighet: ja\nfortsättning begärd: ja\nåtagande till: 2026-11-30" in (
        detail.markdown
    )
    assert detail.version == 2
    with pytest.raises(ServiceError, match="avslutades redan 2026-08-31"):
        svc.end_process(db, pid, party_id=orgs["Malmö stad"], actor_id=user.staff_id)


def test_without_full_control_or_a_request_the_process_ends_that_day(
    db, user, orgs, make_process, malmo_youth
):
    pid = make_process(agreement_id=malmo_youth)
    until = svc.end_process(
        db,
        pid,
        party_id=orgs["Malmö stad"],
        on=date(2026, 11, 2),
        full_control=False,
        actor_id=user.staff_id,
    )
    assert until == date(2026, 11, 2)
    detail = svc.get_process(db, pid)
    assert (detail.state, detail.status) == ("avslutad", "Avslutad 2026-11-02")


def test_only_a_party_may_end_a_process(db, user, make_process):
    pid = make_process()
    with pytest.raises(ValidationError) as refused:
        svc.end_process(db, pid, party_id="någon-annan", actor_id=user.staff_id)
    assert refused.value.errors == {"party": "Bara en part i processen kan avsluta den."}


def test_search_ranks_title_matches_first_and_ignores_accents(db, make_process):
    make_process(title="Samverkansgrupp i Värnamo", what="Vi talar om övergång till studier.")
    make_process(title="Övergång från KAA vid 20 år", what="Aktivitetsansvaret upphör.")
    make_process(title="Jobbspår", what="Tre spår med 180 platser.")
    # OCR text that lost its dots is still found by a query with them.
    make_process(title="Trepartssamtal", what="Arbetsformedlingen anvisar till leverantoren.")

    titles = [r.title for r in svc.search(db, ProcessQuery("overgang"))]
    assert titles == ["Övergång från KAA vid 20 år", "Samverkansgrupp i Värnamo"]
    assert [r.title for r in svc.search(db, ProcessQuery("Övergå"))] == titles  # a prefix
    assert [r.title for r in svc.search(db, ProcessQuery("arbetsförmedlingen leverantör"))] == [
        "Trepartssamtal"
    ]
    assert svc.search(db, ProcessQuery("spår 180"))[0].snippet == (
        f"Tre {MARK_START}spår{MARK_END} med {MARK_START}180{MARK_END} platser. 1. Kalla."
    )
    assert svc.search(db, ProcessQuery("'\"*(")) != []  # punctuation alone lists all
    assert svc.search(db, ProcessQuery("finnsinte")) == []


def test_ended_processes_stay_searchable_after_active_ones(
    db, user, orgs, make_process, malmo_youth
):
    ended = make_process(title="Övergång vid 20 år", agreement_id=malmo_youth)
    make_process(title="Stöd vid övergång", what="Övergång till studier.")
    svc.end_process(
        db,
        ended,
        party_id=orgs["Malmö stad"],
        on=date(2026, 1, 5),
        full_control=True,
        requested=False,
        actor_id=user.staff_id,
    )
    rows = svc.search(db, ProcessQuery("övergång"))
    assert [(r.title, r.status) for r in rows] == [
        ("Stöd vid övergång", "Aktiv"),
        ("Övergång vid 20 år", "Avslutad 2026-01-05"),
    ]
    active = svc.search(db, ProcessQuery("övergång", state="aktiv"))
    assert [r.title for r in active] == ["Stöd vid övergång"]


def test_filters_by_party_and_target_group(db, user, orgs, make_process):
    make_process(title="A", target_groups=["kaa"])
    make_process(title="B", target_groups=["nyanland", "unga_16_24"])
    assert [r.title for r in svc.search(db, ProcessQuery(target_group="unga_16_24"))] == ["B"]
    assert [r.title for r in svc.search(db, ProcessQuery(party_id=orgs["Malmö stad"]))] == [
        "A",
        "B",
    ]
    assert svc.search(db, ProcessQuery(party_id="okänd")) == []


def test_which_processes_apply_to_a_person_today(db, user, make_process):
    # Born 2007-01-10: 19 on 2026-11-24, not in school: KAA and young.
    person = save_individual(
        db,
        IndividualInput(identity="", birth_date="2007-01-10", first_name="Test", last_name="Ung"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    make_process(title="Bred", target_groups=["unga_16_29"])
    make_process(title="KAA fyller 20", target_groups=["kaa", "unga_16_24"], min_age=19, max_age=20)
    make_process(title="Nyanlända", target_groups=["nyanland"])
    ended = make_process(title="Avslutad KAA", target_groups=["kaa"])
    svc.end_process(db, ended, party_id=user.organisation_id, actor_id=user.staff_id)
    rows, groups = svc.applicable_for(db, person)
    assert [(r.title, r.reason) for r in rows] == [
        ("KAA fyller 20", "Unga 16–24, KAA"),
        ("Bred", "Unga 16–29"),
    ]
    assert groups == "Unga 16–24, Unga 16–29, KAA"
