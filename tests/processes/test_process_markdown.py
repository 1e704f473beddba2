"""Processes as Markdown files: the round trip, and malformed files refused with the line."""

import pytest

from ungtui.services.people.organisations import register_user
from ungtui.services.processes import processes as svc
from ungtui.services.processes.processes import ImportRefused, import_process
from ungtui.services.processes.starting_content import load_starting_content, process_files
from ungtui.services.unit_of_work import UnitOfWork
from ungtui.store.database import open_database
from ungtui.store.models import Organisation
from ungtui.store.process_search import ProcessQuery

GOOD = """---
titel: Överlämning vid 20 år
parter: Malmö stad; Arbetsförmedlingen
ansvarig organisation: Malmö stad
ansvarig roll: KAA-samordnare
målgrupper: Unga 16–24; KAA
åldrar: 19–20
senast granskad: 2026-03-01
nästa granskning: 2027-03-01
---

## Vad som har överenskommits

Kartläggningen följer med när aktivitetsansvaret upphör.

## Så bedrivs arbetet

1. Tre månader före födelsedagen tas den unga upp.
2. Ett gemensamt samtal hålls.
"""


def test_a_file_comes_in_and_goes_out_unchanged(db, user, orgs, tmp_path):
    result = import_process(db, GOOD, actor_id=user.staff_id)
    assert result.created
    exported = svc.export_process(db, result.process_id)
    assert exported == GOOD.replace(
        "---\ntitel: Överlämning vid 20 år\n",
        f"---\ntitel: Överlämning vid 20 år\nid: {result.process_id}\n",
    ).replace("nästa granskning: 2027-03-01\n", "nästa granskning: 2027-03-01\nversion: 1\n")

    # Into another install with the same parties: the same process, the same file.
    other = open_database(tmp_path / "annan.db")
    register_user(
        other,
        name="Karin Lind",
        unit_name="Unga",
        role="",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
    )
    with UnitOfWork(other, None) as uow:
        uow.create(Organisation(name="Malmö stad", org_nr="212000-1124", kind="kommun"))
    again = import_process(other, exported, actor_id=None)
    assert again.process_id == result.process_id
    assert svc.export_process(other, again.process_id) == exported
    other.close()


def test_an_edited_file_becomes_a_new_version(db, user, orgs):
    first = import_process(db, GOOD, actor_id=user.staff_id)
    text = svc.export_process(db, first.process_id).replace(
        "2. Ett gemensamt samtal hålls.", "2. Ett gemensamt samtal hålls med den unga."
    )
    second = import_process(db, text, actor_id=user.staff_id)
    assert (second.process_id, second.created, second.changed) == (first.process_id, False, True)
    assert svc.get_process(db, first.process_id).version == 2
    same = import_process(db, text, actor_id=user.staff_id)
    assert (same.created, same.changed) == (False, False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("titel: X\n", "rad 1: filen ska börja med en rad med bara ---"),
        ("---\ntitel: X\n", "rad 3: uppgifterna i början avslutas aldrig med en rad ---."),
        ("---\ntitel: X\nfärg: blå\n---\n", "rad 3: okänd uppgift ”färg”."),
        ("---\ntitel X\n---\n", "rad 2: ”titel X” saknar kolon; skriv ”namn: värde”."),
        ("---\ntitel: X\ntitel: Y\n---\n", "rad 3: uppgiften ”titel” står två gånger."),
        (
            "---\ntitel: X\nnästa granskning: 2027-02-30\n---\n",
            "rad 3: Datumet 2027-02-30 finns inte.",
        ),
        ("---\ntitel: X\nåldrar: unga\n---\n", "rad 3: ”unga” är inga åldrar."),
        ("---\ntitel: X\nmålgrupper: vuxna\n---\n", "rad 3: okänd målgrupp ”vuxna”."),
        ("---\nid: 12\ntitel: X\n---\n", "rad 2: id ska vara ett id från ungtui"),
        ("---\nparter: Malmö stad\n---\n", "rad 3: titel saknas"),
        (
            "---\ntitel: X\n---\nLös text\n",
            "rad 4: texten står utanför avsnitten; börja med ”## Vad som har överenskommits”.",
        ),
        ("---\ntitel: X\n---\n## Bakgrund\n", "rad 4: okänt avsnitt ”Bakgrund”."),
        (
            "---\ntitel: X\n---\n## Vad som har överenskommits\nText\n",
            "rad 6: avsnittet ”## Så bedrivs arbetet” saknas.",
        ),
        (
            GOOD.replace("ansvarig organisation: Malmö stad", "ansvarig organisation: Okänd AB"),
            "rad 4: organisationen ”Okänd AB” finns inte här.",
        ),
        (
            GOOD.replace("ansvarig roll: KAA-samordnare\n", ""),
            "rad 1: Ange vilken roll eller person som ansvarar för processen.",
        ),
        (
            GOOD.replace("1. Tre månader före födelsedagen tas den unga upp.\n", "").replace(
                "2. Ett gemensamt samtal hålls.\n", ""
            ),
            "rad 16: Beskriv hur arbetet bedrivs, gärna steg för steg.",
        ),
        (
            GOOD.replace("åldrar: 19–20", "åldrar: 20–19"),
            "rad 7: Lägsta ålder är högre än högsta.",
        ),
    ],
)
def test_a_malformed_file_is_refused_with_line_and_reason(db, user, orgs, text, message):
    with pytest.raises(ImportRefused) as refused:
        import_process(db, text, actor_id=user.staff_id)
    assert str(refused.value).startswith(f"Filen lästes inte in: {message}")
    assert svc.count(db, ProcessQuery()) == 0


def test_word_style_line_endings_and_byte_order_mark_are_accepted(db, user, orgs):
    text = "\ufeff" + GOOD.replace("\n", "\r\n")
    result = import_process(db, text, actor_id=user.staff_id)
    assert svc.get_process(db, result.process_id).title == "Överlämning vid 20 år"


def test_starting_content_loads_once_and_answers_the_kaa_question(db, user):
    assert len(process_files()) >= 12
    summary = load_starting_content(db, actor_id=user.staff_id)
    assert (summary.agreements, summary.processes) == (5, 15)
    again = load_starting_content(db, actor_id=user.staff_id)
    assert (again.agreements, again.processes, again.organisations) == (0, 0, 0)
    best = svc.search(db, ProcessQuery("kaa fyller 20"))[0]
    assert best.title == "När en KAA-ungdom fyller 20 år"
    # Every shipped file states what, how and who (the import would refuse it otherwise).
    for row in svc.search(db, ProcessQuery(), limit=100):
        assert row.responsible
