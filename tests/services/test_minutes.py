"""Minutes: Swedish, masked by default, nothing sensitive, written for the owner only."""

from __future__ import annotations

import stat

import pytest

from tests.meeting_helpers import make_world, meeting
from ungtui.services.meetings.meeting_agenda import (
    ActionInput,
    acknowledge,
    add_action,
    add_decision,
    add_person_item,
    add_topic_item,
    get_meeting,
    save_notes,
    set_full_name_in_minutes,
)
from ungtui.services.meetings.meetings import add_external_attendee, add_staff_attendee
from ungtui.services.meetings.minutes import build_minutes, minutes_file_name, write_minutes
from ungtui.services.private_files import TargetExists


@pytest.fixture
def held(db, user):
    """A meeting with AF present: Åsa has consent for AF, Ali has none."""
    world = make_world(db, user)
    meeting_id = meeting(db, world, place="Jobbcenter Unga, Malmö")
    actor = world.user.staff_id
    karin = add_staff_attendee(db, meeting_id, world.karin, actor_id=actor)
    topic = add_topic_item(db, meeting_id, "Nya praktikplatser", actor_id=actor)
    asa = add_person_item(db, meeting_id, world.with_consent, actor_id=actor)
    ali = add_person_item(db, meeting_id, world.without_consent, actor_id=actor)
    save_notes(db, topic, "Tre nya platser i lager.", actor_id=actor)
    save_notes(db, asa, "Har börjat på SFI.\nVill prova lager.", actor_id=actor)
    decision = add_decision(db, asa, "Åsa erbjuds praktik i lager.", actor_id=actor)
    add_action(
        db,
        asa,
        ActionInput(what="Kontakta arbetsgivaren", responsible_attendee_id=karin, due="2026-12-01"),
        actor_id=actor,
        decision_id=decision,
    )
    return db, world, meeting_id, asa, ali


def test_markdown_minutes(held):
    db, _world, meeting_id, _asa, _ali = held
    text = build_minutes(db, meeting_id, "md")
    assert text.startswith(
        "# Protokoll: Samverkansgrupp unga\n\n"
        "- Möte: Samverkansgrupp, tisdag 2026-11-24 kl. 10:00\n"
        "- Plats: Jobbcenter Unga, Malmö\n"
        "- Protokollförare: ej angiven\n\n"
        "## Närvarande\n\n"
        "- Karin Lind (Arbetsförmedlingen)\n"
        "- Sofia Berg (Malmö stad – Arbetsmarknadsenheten)\n\n"
        "## Dagordning\n\n"
        "### 1. Nya praktikplatser\n\n"
        "**Anteckningar**\n\n"
        "Tre nya platser i lager.\n\n"
        "### 2. Å.Ö. (f. 2005)\n\n"
        "**Anteckningar**\n\n"
        # A backslash at the end of a line keeps the next one under it in Markdown.
        "Har börjat på SFI.\\\nVill prova lager.\n\n"
        "**Beslut**\n\n"
        "- Åsa erbjuds praktik i lager.\n\n"
        "**Åtgärder**\n\n"
        "- Kontakta arbetsgivaren – ansvarig: Karin Lind "
        "(Arbetsförmedlingen) – klart senast 2026-12-01\n\n"
        "### 3. A.Ö. (f. 2003)\n\n"
        "Personen diskuterades inte: samtycke saknas för Arbetsförmedlingen.\n"
    )
    # Names, numbers and contact details appear nowhere.
    assert "Åsa" not in text.replace("Åsa erbjuds", "") and "Öberg" not in text
    assert "Ali" not in text and "Öztürk" not in text
    assert "20050317" not in text and "9806" not in text


def test_markdown_in_what_was_typed_is_shown_as_typed(held):
    db, world, meeting_id, _asa, _ali = held
    topic = get_meeting(db, meeting_id).items[0].id
    save_notes(
        db,
        topic,
        "# Stor rubrik\n<b>html</b> [länk](http://x) *kursiv* a_b\n- punkt\n2. nummer\n\n---",
        actor_id=world.user.staff_id,
    )
    text = build_minutes(db, meeting_id, "md")
    assert (
        "**Anteckningar**\n\n"
        "\\# Stor rubrik\\\n"
        "\\<b\\>html\\</b\\> \\[länk\\](http://x) \\*kursiv\\* a\\_b\\\n"
        "\\- punkt\\\n"
        "2\\. nummer\n\n"
        "\\---\n\n"
        "### 2."
    ) in text


def test_an_action_names_the_person_masked_when_the_item_is(held):
    db, _world, meeting_id, _asa, _ali = held
    action = get_meeting(db, meeting_id).items[1].actions[0]
    # In the meeting view the covered person is named in full ...
    assert action.person == "Åsa Öberg (f. 2005)"


def test_full_name_only_when_chosen_and_consented(held):
    db, world, meeting_id, asa, _ali = held
    set_full_name_in_minutes(db, asa, True, actor_id=world.user.staff_id)
    text = build_minutes(db, meeting_id, "md")
    assert "### 2. Åsa Öberg (f. 2005)" in text
    # Someone without consent joins: the name goes back to initials.
    add_external_attendee(
        db,
        meeting_id,
        name="Nora Coach",
        organisation_name="Tolkbyrån",
        actor_id=world.user.staff_id,
    )
    text = build_minutes(db, meeting_id, "md")
    assert "### 2. Å.Ö. (f. 2005)" in text
    assert "Åsa Öberg" not in text.split("### 2.")[1].split("### 3.")[0].splitlines()[0]


def test_an_acknowledged_person_is_recorded_with_the_reason(held):
    db, world, meeting_id, _asa, ali = held
    acknowledge(db, ali, "Akut läge, samtycke inhämtas i efterhand.", actor_id=world.user.staff_id)
    save_notes(db, ali, "Behöver boende.", actor_id=world.user.staff_id)
    text = build_minutes(db, meeting_id, "md")
    section = text.split("### 3. A.Ö. (f. 2003)\n\n")[1]
    assert section.startswith(
        "Samtycke saknas för Arbetsförmedlingen. Personen diskuterades ändå (kvitterat av "
        "Sofia Berg "
    )
    assert "Skäl: Akut läge, samtycke inhämtas i efterhand." in section
    assert "Behöver boende." in section
    # The note at the end says so, as it says when notes are left out.
    assert "eller när en part utan samtycke har kvitterats med skäl vid punkten" in text


def test_plain_text_minutes(held):
    db, _world, meeting_id, _asa, _ali = held
    text = build_minutes(db, meeting_id, "txt")
    assert text.startswith(
        "PROTOKOLL: SAMVERKANSGRUPP UNGA\n"
        "===============================\n\n"
        "Möte: Samverkansgrupp, tisdag 2026-11-24 kl. 10:00\n"
    )
    assert "Närvarande\n----------\n  * Karin Lind (Arbetsförmedlingen)\n" in text
    assert "Anteckningar:\n  Har börjat på SFI.\n  Vill prova lager.\n" in text
    assert "#" not in text and "**" not in text


def test_minutes_file_is_private_and_its_name_names_nobody(held, tmp_path):
    db, _world, meeting_id, _asa, _ali = held
    view = get_meeting(db, meeting_id)
    name = minutes_file_name(view, "md")
    assert name == f"protokoll-2026-11-24-samverkansgrupp-{meeting_id[:6]}.md"
    path = tmp_path / name
    path.write_text("gammalt")
    path.chmod(0o644)
    with pytest.raises(TargetExists):
        write_minutes(path, build_minutes(db, meeting_id, "md"))
    assert path.read_text() == "gammalt"
    # Replaced on request: a new owner-only file, not the old 0644 one written over.
    write_minutes(path, build_minutes(db, meeting_id, "md"), replace=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text(encoding="utf-8").startswith("# Protokoll: Samverkansgrupp unga")
