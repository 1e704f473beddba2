"""The flow the product exists for, end to end: a kommun and Arbetsförmedlingen, each on
its own install, each set up on its own and with the starting content accepted, working
on the same young people and exchanging encrypted files through the command line.

Every expectation is written by hand from the scenario; each one failed on the code
before issue 14 (see the issue: duplicate organisations, an empty inbox, missing consent
in the meeting, AF's own work deleted on withdrawal, full exports every time).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ungtui.cli import main
from ungtui.domain.measures import NATIONAL_MEASURES
from ungtui.services import audit
from ungtui.services.consent.consents import ConsentInput, add_consent, withdraw_consent
from ungtui.services.meetings.meeting_agenda import (
    ActionInput,
    add_action,
    add_decision,
    add_person_item,
    add_topic_item,
    get_meeting,
    save_notes,
)
from ungtui.services.meetings.meetings import MeetingInput, add_staff_attendee, save_meeting
from ungtui.services.meetings.minutes import build_minutes
from ungtui.services.people.individuals import IndividualInput, get_individual, save_individual
from ungtui.services.people.organisations import (
    list_organisations,
    list_staff,
    register_user_with_choice,
    setup_choices,
)
from ungtui.services.processes.starting_content import load_starting_content
from ungtui.services.referrals.referrals import (
    ReferralDraft,
    TransitionInput,
    add_note,
    create_referral,
    get_referral,
    list_referrals,
    transition_referral,
)
from ungtui.services.sync.conflicts import list_conflicts, resolve_conflict
from ungtui.services.sync.dump import dump_records
from ungtui.services.way.way import MeasureInput, WayStartInput, save_individual_measure, start_way
from ungtui.store.database import open_database
from ungtui.store.models import PERSON_TABLES

PASSPHRASE = "blåbär cykel tisdag hamn"
KOMMUN_NR = "212000-1124"
AF_NR = "202100-2114"


class Site:
    """One install: its own database file, set up as the first-run screen does it."""

    def __init__(self, path: Path, name: str, unit: str, organisation_label: str) -> None:
        self.path = path
        self.db = open_database(path)
        choices = {c.label: c for c in setup_choices(self.db)}
        self.user = register_user_with_choice(
            self.db, name=name, unit_name=unit, choice=choices[organisation_label]
        )
        load_starting_content(self.db, actor_id=self.user.staff_id)
        self.exports: list[int] = []

    def organisation_id(self, number: str) -> str:
        [org] = [o for o in list_organisations(self.db) if o.org_nr == number]
        return org.id

    def rows(self, sql: str, *params) -> list[tuple]:
        with self.db.engine.connect() as conn:
            return sorted(conn.exec_driver_sql(sql, params).all())


@pytest.fixture
def cli(monkeypatch, capsys):
    monkeypatch.setenv("UNGTUI_PASSPHRASE", PASSPHRASE)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def send(cli, sender: Site, receiver: Site, recipient: str, folder: Path) -> str:
    """Export for `recipient` (as a person types it), carry the file, take it in; the
    first file from a sender is confirmed by its fingerprint, as a person would."""
    out = folder / f"{len(sender.exports)}-{sender.path.stem}.ungsync"
    code, printed, err = cli(
        "export", "--db", str(sender.path), "--for", recipient, "--out", str(out)
    )
    assert code == 0, err
    sender.exports.append(int(re.search(r": (\d+) ändring(?:ar)? i ", printed).group(1)))
    code, taken, err = cli("import", "--db", str(receiver.path), str(out))
    if code == 3:  # a sender not seen before: compare the fingerprint, then trust it
        fingerprint = re.search(r'--trust "([0-9A-F ]+)"', err).group(1)
        code, taken, err = cli(
            "import", "--db", str(receiver.path), str(out), "--trust", fingerprint
        )
    assert code == 0, err
    return printed + taken


def people(site: Site) -> list[str]:
    return [
        f"{first} {last}"
        for first, last in site.rows(
            "SELECT first_name, last_name FROM individual WHERE deleted_at IS NULL"
            " AND merged_into IS NULL"
        )
    ]


def organisations_by_number(site: Site) -> dict[str, int]:
    """How many records each organisation is shown with: by number, or by name where the
    starting content knows no number."""
    counts: dict[str, int] = {}
    for (key,) in site.rows(
        "SELECT coalesce(org_nr, name) FROM organisation"
        " WHERE deleted_at IS NULL AND merged_into IS NULL"
    ):
        counts[key] = counts.get(key, 0) + 1
    return counts


def minutes_parts(text: str) -> list[str]:
    """The minutes as parts: the head (title, time, attendees), one part per agenda item
    with its number left out (numbers follow the items each side holds), and the foot."""
    body, _, foot = text.rpartition("\n---\n")
    head, _, agenda = body.partition("## Dagordning")
    items = re.split(r"\n### \d+\. ", agenda)
    return [head, *(part.strip() for part in items[1:]), foot]


def test_a_kommun_and_af_work_together_on_their_own_installs(tmp_path, cli):
    usb = tmp_path / "usb"
    usb.mkdir()
    kommun = Site(
        tmp_path / "kommun.db", "Sofia Berg", "Jobbcenter Unga", f"Malmö stad ({KOMMUN_NR})"
    )
    af = Site(
        tmp_path / "af.db",
        "Ahmed Yusuf",
        "Arbetsförmedlingen Malmö Unga",
        f"Arbetsförmedlingen ({AF_NR})",
    )
    # Each install already knows the other organisation from the starting content.
    af_at_kommun = kommun.organisation_id(AF_NR)
    kommun_at_af = af.organisation_id(KOMMUN_NR)
    assert af_at_kommun == af.user.organisation_id
    assert kommun_at_af == kommun.user.organisation_id

    # --- the kommun registers two young people; one consents to sharing with AF ---------
    k = kommun.user
    asa = save_individual(
        kommun.db,
        IndividualInput(
            identity="19811218-9876", first_name="Åsa", last_name="Ek", phone="070-100 00 00"
        ),
        actor_id=k.staff_id,
        organisation_id=k.organisation_id,
    )
    save_individual(
        kommun.db,
        IndividualInput(identity="19121212-1212", first_name="Örjan", last_name="Lund"),
        actor_id=k.staff_id,
        organisation_id=k.organisation_id,
    )
    consent = add_consent(
        kommun.db,
        asa,
        ConsentInput(
            organisation_id=af_at_kommun,
            purpose="Samordning av insatser mot arbete",
            purposes=["samordning", "remiss"],
            data_categories=["kontakt", "arbete"],
            valid_from="2026-11-01",
        ),
        actor_id=k.staff_id,
    )
    referral = create_referral(
        kommun.db,
        k,
        ReferralDraft(
            individual_id=asa,
            to_organisation_id=af_at_kommun,
            kind="provider",
            measure="Rusta och matcha",
            purpose="Stöd att hitta arbete inom lager",
        ),
    )
    transition_referral(kommun.db, k, referral, TransitionInput(action="send"))

    # --- exchange 1: kommun → AF, addressed by name ------------------------------------
    said = send(cli, kommun, af, "Arbetsförmedlingen", usb)
    assert "Med: 1 person (" in said and "Utan: 1 person (" in said
    assert people(af) == ["Åsa Ek"]  # Örjan has no consent for AF and stays at the kommun
    inbox = list_referrals(af.db, "inbox", organisation_id=af.user.organisation_id)
    assert [(r.id, r.state, r.person) for r in inbox] == [(referral, "sent", "Ek, Åsa")]
    assert organisations_by_number(af)[KOMMUN_NR] == 1
    assert organisations_by_number(af)[AF_NR] == 1
    assert list_conflicts(af.db) == []  # the starting content of both is one and the same

    # AF takes its own steps on its own install, and writes a note.
    a = af.user
    for action in ("receive", "accept"):
        transition_referral(af.db, a, referral, TransitionInput(action=action))
    add_note(af.db, a, referral, "Plats hos Rusta och matcha från 2026-12-01.")
    # AF's answers and its own work go back only on AF's own consent: Åsa lets AF tell the
    # kommun's labour-market unit (Jobbcenter Unga) the same kinds of data, for the same
    # purposes. Recorded at AF, by AF's caseworker.
    add_consent(
        af.db,
        asa,
        ConsentInput(
            organisation_id=kommun_at_af,
            receiver_domain="arbetsmarknad",
            purpose="Samordning av insatser mot arbete",
            purposes=["samordning", "remiss"],
            data_categories=["kontakt", "arbete"],
            valid_from="2026-11-01",
        ),
        actor_id=af.user.staff_id,
    )
    # The kommun may not take AF's step as if it were AF.
    with pytest.raises(Exception, match="mottagarens steg"):
        transition_referral(kommun.db, k, referral, TransitionInput(action="receive"))
    # AF's own work about Åsa: its way and a measure.
    way = start_way(
        af.db,
        asa,
        WayStartInput(entry_date="2026-11-20", phase="kartlaggning"),
        actor_id=a.staff_id,
    )
    praktik = next(m.id for m in NATIONAL_MEASURES if m.code == "praktik")
    save_individual_measure(
        af.db,
        way,
        MeasureInput(measure_id=praktik, start_date="2026-12-01", status="planerad"),
        actor_id=a.staff_id,
    )

    # --- exchange 1 back: AF → kommun, addressed by number ------------------------------
    send(cli, af, kommun, KOMMUN_NR, usb)
    detail = get_referral(kommun.db, referral, actor=k)
    assert detail.state == "accepted"
    assert [(e.label, e.actor, e.note, e.for_receiver) for e in detail.events] == [
        ("Skickad", "Sofia Berg (Malmö stad)", "", False),
        ("Mottagen", "Ahmed Yusuf (Arbetsförmedlingen)", "", False),
        ("Accepterad", "Ahmed Yusuf (Arbetsförmedlingen)", "", False),
        (
            "Anteckning",
            "Ahmed Yusuf (Arbetsförmedlingen)",
            "Plats hos Rusta och matcha från 2026-12-01.",
            False,
        ),
    ]
    assert organisations_by_number(kommun)[AF_NR] == 1
    assert [(s.name, s.organisation_name) for s in list_staff(kommun.db)] == [
        ("Ahmed Yusuf", "Arbetsförmedlingen"),
        ("Sofia Berg", "Malmö stad"),
    ]

    # --- a joint meeting with attendees from both ---------------------------------------
    meeting = save_meeting(
        kommun.db,
        MeetingInput(kind="samverkansgrupp", title="Samverkansgrupp unga", when="2026-11-24 10:00"),
        actor_id=k.staff_id,
    )
    add_staff_attendee(kommun.db, meeting, a.staff_id, actor_id=k.staff_id)
    topic = add_topic_item(kommun.db, meeting, "Lokaler", actor_id=k.staff_id)
    save_notes(kommun.db, topic, "Nytt rum från januari.", actor_id=k.staff_id)
    item = add_person_item(kommun.db, meeting, asa, actor_id=k.staff_id)
    [asa_item] = [i for i in get_meeting(kommun.db, meeting).items if i.id == item]
    assert asa_item.missing == []

    send(cli, kommun, af, "Arbetsförmedlingen", usb)  # exchange 2
    [asa_item] = [i for i in get_meeting(af.db, meeting).items if i.id == item]
    assert asa_item.missing == [] and not asa_item.locked
    # AF records a decision and Ahmed's action on the kommun's agenda item.
    decision = add_decision(af.db, item, "Åsa börjar praktik i december.", actor_id=a.staff_id)
    [ahmed] = [x for x in get_meeting(af.db, meeting).attendees if x.name == "Ahmed Yusuf"]
    action = add_action(
        af.db,
        item,
        ActionInput(what="Boka trepartssamtal", responsible_attendee_id=ahmed.id, due="2026-12-05"),
        actor_id=a.staff_id,
        decision_id=decision,
    )

    # --- the same field changed on both sides before they exchange ----------------------
    def set_phone(site: Site, phone: str) -> None:
        person = get_individual(site.db, asa).individual
        save_individual(
            site.db,
            IndividualInput(
                identity=person.identity_number or "",
                first_name=person.first_name,
                last_name=person.last_name,
                phone=phone,
            ),
            actor_id=site.user.staff_id,
            organisation_id=None,
            individual_id=asa,
        )

    set_phone(kommun, "070-200 00 00")
    set_phone(af, "070-300 00 00")
    send(cli, af, kommun, KOMMUN_NR, usb)  # exchange 2 back
    send(cli, kommun, af, AF_NR, usb)  # exchange 3
    for site in (kommun, af):
        [conflict] = list_conflicts(site.db)
        assert (conflict.record, conflict.field_label) == ("Ek, Åsa", "Telefon")
        assert [v.shown for v in conflict.values] == ["070-300 00 00", "070-200 00 00"]
        assert get_individual(site.db, asa).individual.phone == "070-300 00 00"
    resolve_conflict(af.db, "individual", asa, "phone", "070-200 00 00", actor_id=a.staff_id)
    send(cli, af, kommun, KOMMUN_NR, usb)  # exchange 3 back
    for site in (kommun, af):
        assert list_conflicts(site.db) == []
        assert get_individual(site.db, asa).individual.phone == "070-200 00 00"

    # Both sides' minutes are the same, and name no missing consent.
    minutes = [build_minutes(site.db, meeting) for site in (kommun, af)]
    assert minutes[0] == minutes[1]
    assert "samtycke saknas" not in minutes[0].lower()
    assert "Åsa börjar praktik i december." in minutes[0]

    # The third exchange each way carries fewer changes than the first (deltas).
    assert len(kommun.exports) == 3 and len(af.exports) == 3
    assert kommun.exports[2] < kommun.exports[0]
    assert af.exports[2] < af.exports[0]

    # --- Åsa withdraws her consent for AF ------------------------------------------------
    withdraw_consent(kommun.db, consent, actor_id=k.staff_id)
    said = send(cli, kommun, af, "Arbetsförmedlingen", usb)
    assert (
        "Borttaget om Åsa Ek: 1 ansvarig handläggare, 1 samtycke, 1 punkt på möte, 1 remiss, "
        "4 remissteg (3 av dem era egna; remissen med alla steg finns kvar hos Malmö stad), "
        "personuppgifterna utom namn och nummer från Malmö stad, eftersom Malmö "
        "stad inte längre får lämna uppgifter om personen hit (samtycket har upphört). "
        "Era egna 6 poster om personen finns kvar."
    ) in said
    # AF's copy of what the kommun shared is gone (its own consent to the kommun stays) ...
    assert af.rows("SELECT organisation_id FROM consent") == [(kommun_at_af,)]
    assert af.rows("SELECT count(*) FROM referral") == [(0,)]
    assert af.rows("SELECT count(*) FROM agendaitem WHERE individual_id IS NOT NULL") == [(0,)]
    assert af.rows("SELECT phone, first_name, last_name, identity_number FROM individual") == [
        ("", "Åsa", "Ek", "19811218-9876")
    ]
    # ... and what AF itself wrote stays: its way, measure, decision, action. Its steps
    # and note on the kommun's referral go with the referral; the kommun keeps them.
    assert af.rows("SELECT id FROM way") == [(way,)]
    assert af.rows("SELECT count(*) FROM individual_measure") == [(1,)]
    assert af.rows("SELECT action FROM referral_event") == []
    assert af.rows("SELECT id FROM meetingdecision") == [(decision,)]
    assert af.rows("SELECT id, done_at FROM meetingaction") == [(action, None)]
    # Each removal is in AF's audit log, under Åsa, saying why and which file did it: the
    # sync, not the caseworker who read the file in.
    from ungtui.services.sync.sync_files import my_fingerprint

    removals = af.rows(
        "SELECT detail FROM audit_entry WHERE action = 'tog bort' AND individual_id = ?", asa
    )
    by_file = f"; synkfil från installation {my_fingerprint(kommun.db)[:14]}"
    assert all(detail.endswith(by_file) for (detail,) in removals)
    assert [detail.removesuffix(by_file) for (detail,) in removals] == [
        "ansvarig handläggare från Malmö stad (samtycket har upphört)",
        "eget remissteg på remiss från Malmö stad (samtycket har upphört)",
        "eget remissteg på remiss från Malmö stad (samtycket har upphört)",
        "eget remissteg på remiss från Malmö stad (samtycket har upphört)",
        "personuppgifter utom namn och nummer från Malmö stad (samtycket har upphört)",
        "punkt på möte från Malmö stad (samtycket har upphört)",
        "remiss från Malmö stad (samtycket har upphört)",
        "remissteg från Malmö stad (samtycket har upphört)",
        "samtycke från Malmö stad (samtycket har upphört)",
    ]
    logged = audit.list_entries(af.db, audit.AuditFilter(action="tog bort"))
    assert {e.actor_name for e in logged} == {"Synkfil"}
    assert len(logged) == 9

    send(cli, af, kommun, KOMMUN_NR, usb)
    # The kommun keeps all of it, AF's records too.
    assert kommun.rows("SELECT count(*) FROM referral_event") == [(4,)]
    assert kommun.rows("SELECT id FROM meetingaction") == [(action,)]

    # Every part of the minutes AF still holds reads the same at the kommun.
    kommun_parts = minutes_parts(build_minutes(kommun.db, meeting))
    af_parts = minutes_parts(build_minutes(af.db, meeting))
    assert af_parts[1] == "Lokaler\n\n**Anteckningar**\n\nNytt rum från januari."
    assert len(af_parts) == 3 and len(kommun_parts) == 4  # Åsa's item is the kommun's
    assert set(af_parts) <= set(kommun_parts)

    # --- the end: one record per organisation, and the same data wherever both hold it ---
    for site in (kommun, af):
        assert set(organisations_by_number(site).values()) == {1}
        assert organisations_by_number(site)[KOMMUN_NR] == 1
    assert organisations_by_number(kommun) == organisations_by_number(af)
    mine, theirs = dump_records(kommun.db), dump_records(af.db)
    person_tables = {m.__tablename__ for m in PERSON_TABLES}
    for table, rows in mine.items():
        if table == "individual" or table in person_tables:
            continue
        assert rows == theirs[table], table
    for table in person_tables:
        at_kommun = {r["id"]: r for r in mine[table]}
        for row in theirs[table]:
            assert row == at_kommun[row["id"]], table
    [kept] = theirs["individual"]
    [same] = [r for r in mine["individual"] if r["id"] == kept["id"]]
    identity = ("first_name", "last_name", "identity_number", "birth_date", "gender")
    assert {c: kept[c] for c in identity} == {c: same[c] for c in identity}
    json.dumps(mine)  # the dump is plain data
