"""Meetings travel by sync; rows about a person only where that person's consent allows."""

from __future__ import annotations

from tests.sync_helpers import add_person
from tests.test_sync_scenarios import consent_for, kommun_and_af, send_for  # noqa: F401
from ungtui.services.meetings.meeting_agenda import add_person_item, add_topic_item, save_notes
from ungtui.services.meetings.meetings import (
    MeetingInput,
    add_staff_attendee,
    remove_meeting,
    save_meeting,
)


def rows(install, sql: str) -> list[tuple]:
    with install.db.engine.connect() as conn:
        return sorted(conn.exec_driver_sql(sql).all())


def test_meeting_topics_travel_and_people_only_with_consent(kommun_and_af):  # noqa: F811
    kommun, af = kommun_and_af
    actor = kommun.user.staff_id
    asa = add_person(kommun, identity="20050317-9806", first_name="Åsa", last_name="Öberg")
    ali = add_person(kommun, identity="20030805-9815", first_name="Ali", last_name="Öztürk")
    consent_for(kommun, asa, af.user.organisation_id, ("kontakt", "arbete", "anteckningar"))
    meeting_id = save_meeting(
        kommun.db,
        MeetingInput(kind="samverkansgrupp", title="Samverkansgrupp unga", when="idag 10"),
        actor_id=actor,
    )
    add_staff_attendee(kommun.db, meeting_id, af.user.staff_id, actor_id=actor)
    topic = add_topic_item(kommun.db, meeting_id, "Lokaler", actor_id=actor)
    save_notes(kommun.db, topic, "Nytt rum från januari.", actor_id=actor)
    asa_item = add_person_item(kommun.db, meeting_id, asa, actor_id=actor)
    save_notes(kommun.db, asa_item, "Praktik i lager.", actor_id=actor)
    add_person_item(kommun.db, meeting_id, ali, actor_id=actor)

    send_for(kommun, af)

    assert rows(af, "SELECT title FROM meeting") == [("Samverkansgrupp unga",)]
    assert rows(af, "SELECT name FROM meetingattendee") == [("Ahmed Yusuf",), ("Sofia Berg",)]
    assert rows(af, "SELECT kind, title, individual_id, notes FROM agendaitem") == sorted(
        [
            ("amne", "Lokaler", None, "Nytt rum från januari."),
            ("person", "", asa, "Praktik i lager."),
        ]
    )

    # A removed meeting is removed there too (its start time blanked like other values).
    remove_meeting(kommun.db, meeting_id, actor_id=actor)
    send_for(kommun, af)
    assert rows(af, "SELECT deleted_at IS NOT NULL FROM meeting") == [(1,)]
