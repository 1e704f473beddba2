"""The shipped agreements and work processes say what the agreements say (seeds
000–004), cite them by title and section, and keep everything else apart as a local
proposal."""

from __future__ import annotations

from datetime import date

import pytest

from ungtui.content.agreements import AGREEMENTS
from ungtui.domain.guarantee import GuaranteeRule
from ungtui.services.processes.agreements import get_agreement, list_agreements
from ungtui.services.processes.process_markdown import LOCAL_HEADING, parse
from ungtui.services.processes.starting_content import (
    load_starting_content,
    process_files,
    shipped_id,
)


@pytest.fixture
def loaded(db, user):
    load_starting_content(db, actor_id=user.staff_id)
    return {a.title: a.id for a in list_agreements(db)}


def test_all_five_agreements_ship_and_västerås_holds_the_only_guarantee(db, loaded):
    assert len(loaded) == 5
    vasteras = get_agreement(db, shipped_id("agreement", "003-vasteras-ungdomskontraktet"))
    assert [p.name for p in vasteras.parties] == ["Västerås stad", "Arbetsförmedlingen"]
    # "I Västerås är du som ungdom (16–24 år) garanterad en insats som leder mot arbete
    # eller studier inom 90 dagar."
    assert vasteras.guarantee == GuaranteeRule(16, 24, 90, "arbete_studier")
    # The appendix gives no start date: it is not made up.
    assert vasteras.valid_from is None
    others = [get_agreement(db, aid) for title, aid in loaded.items() if aid != vasteras.id]
    assert [a.guarantee for a in others] == [None, None, None, None]


def test_only_malmös_youth_agreement_has_a_rule_for_ending_a_work_process(db, loaded):
    months = {
        item["key"]: get_agreement(
            db, shipped_id("agreement", item["key"])
        ).process_commitment_months
        for item in AGREEMENTS
    }
    assert months == {
        "000-malmo-unga": 3,
        "001-malmo-nyanlanda": None,
        "002-ggv-unga": None,
        "003-vasteras-ungdomskontraktet": None,
        "004-stockholm": None,
    }


def test_goal_baselines_are_as_written(db, loaded):
    newcomers = get_agreement(db, shipped_id("agreement", "001-malmo-nyanlanda"))
    written = {i.indicator: (i.target, i.baseline) for g in newcomers.goals for i in g.indicators}
    assert written["Andel som avslutar etableringen med arbete eller studier"] == (
        "Högre än 2018",
        "2018",
    )
    stockholm = get_agreement(db, shipped_id("agreement", "004-stockholm"))
    [first] = stockholm.goals[0].indicators[:1]
    assert (first.target, first.baseline) == (
        "Ska öka jämfört med föregående år",
        "föregående period",
    )
    ggv = get_agreement(db, shipped_id("agreement", "002-ggv-unga"))
    assert [p.name for p in ggv.parties] == [
        "Arbetsförmedlingen",
        "Värnamo kommun",
        "Gislaveds kommun",
        "Gnosjö kommun",
    ]
    targets = [(i.target, i.baseline) for g in ggv.goals for i in g.indicators]
    assert targets == [
        ("Minska med 30 % i varje kommun", ""),
        ("20 % fler per årsbasis", "föregående period"),
        ("20 % fler per årsbasis", "föregående period"),
        ("Minska totalt med 20 %", ""),
    ]


def test_every_process_belongs_to_an_agreement_and_cites_it_by_title_and_section():
    titles = {item["title"] for item in AGREEMENTS}
    for name, text in process_files():
        doc = parse(text)
        assert doc.agreement in titles, name
        assert doc.source.startswith(doc.agreement), name
        assert "avsnitt" in doc.source, name
        for file_word in ("Seed", "seed", ".txt", ".md", "00"):
            assert file_word not in doc.source, (name, file_word)


# Steps the earlier texts gave as agreed although no agreement says them: who convenes,
# monthly follow-up, roles, deadlines of our own, and the steps of a project idea.
NOT_AGREED = (
    "kallar till mötet",
    "kallar till träffarna",
    "följer upp varje månad",
    "samma vecka",
    "Tre månader före 20-årsdagen",
    "samordnaren bevakar",
    "FINSAM-teamet tar upp deltagaren",
    "väljer deltagare gemensamt",
    "tecknas en plan",
    "4–8 timmar i veckan, utan att studierna",
    "spindeln i nätet",
    "verksamhetschef",
)


def test_what_no_agreement_says_is_kept_apart_as_a_local_proposal():
    proposals = 0
    for name, text in process_files():
        doc = parse(text)
        agreed = f"{doc.what_agreed}\n{doc.how_done}\n{doc.responsible_role}".casefold()
        for words in NOT_AGREED:
            assert words.casefold() not in agreed, (name, words)
        if doc.local_proposal:
            proposals += 1
            assert f"## {LOCAL_HEADING}" in text
    assert proposals >= 10


def test_the_local_proposal_is_marked_as_not_agreed_on_screen(db, loaded):
    from ungtui.services.processes.processes import find_process, get_process

    detail = get_process(db, find_process(db, "Veckovis samverkansgrupp i Värnamo"))
    assert "## Lokalt förslag (inte överenskommet)" in detail.readable
    assert "Det här står inte i överenskommelsen" in detail.readable
    assert detail.agreement_title.startswith("Lokal överenskommelse om samverkan för unga 16–24")


def test_the_appendix_and_the_responsible_role_read_plainly(db, loaded):
    from ungtui.services.processes.processes import find_process, get_process

    samung = get_process(db, find_process(db, "SamUng i Gislaved")).readable
    lines = {line.split(":**")[0]: line.split(":** ", 1)[1] for line in samung.splitlines()
             if line.startswith("- **")}  # fmt: skip
    # The agreement's title is its appendix 3 already: said once.
    assert lines["- **Överenskommelse"].count("bilaga 3") == 1
    assert lines["- **Ansvarar för processen"] == (
        "Gislaveds kommun, roll: Anges inte i överenskommelsen; styrgruppen följer upp"
    )
    ung_malmo = get_process(
        db, find_process(db, "Ung Malmö – gemensam arena och kartläggning av behov")
    ).readable
    assert "16–29 år, bilaga 1\n" in ung_malmo
    assert "**Ansvarar för processen:** Malmö stad, roll: Operativa styrgruppen\n" in ung_malmo


def test_a_process_ended_under_an_agreement_that_says_nothing_is_not_ended_that_day(
    db, loaded
):
    """The GGV appendix says nothing about ending a work process: the process stands as
    ended by a party until the parties record a last day."""
    from ungtui.services.processes import processes as svc

    pid = svc.find_process(db, "Samverkansgrupp i Gnosjö")
    gnosjo = shipped_id("organisation", "Gnosjö kommun")
    assert svc.end_process(db, pid, party_id=gnosjo, on=date(2026, 11, 2), actor_id=None) is None
    detail = svc.get_process(db, pid)
    assert (detail.state, detail.status) == (
        "uppsagd",
        "Uppsagd 2026-11-02, sista dag inte bestämd",
    )
    svc.set_last_day(db, pid, until=date(2026, 11, 20), actor_id=None)
    detail = svc.get_process(db, pid, today=date(2026, 11, 21))
    assert (detail.state, detail.status) == ("avslutad", "Avslutad 2026-11-20")
