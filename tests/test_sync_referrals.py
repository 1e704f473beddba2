"""Referrals between two installs: they travel under consent, and histories merge."""

from __future__ import annotations

import pytest

from tests.sync_helpers import Install, add_person
from ungtui.services.consent.consents import ConsentInput, add_consent, withdraw_consent
from ungtui.services.referrals.referrals import (
    ReferralDraft,
    TransitionInput,
    add_note,
    create_referral,
    get_referral,
    list_referrals,
    transition_referral,
)


def send_for(sender: Install, receiver: Install):
    return sender.send_to(receiver)


def step(install: Install, referral_id: str, action: str, **kw) -> str:
    return transition_referral(
        install.db, install.user, referral_id, TransitionInput(action=action, **kw)
    )


def consent_for_af(kommun: Install, af: Install, person: str, purpose: str, categories) -> str:
    """The kommun's consent to AF for `person`: coordination and referral."""
    return add_consent(
        kommun.db,
        person,
        ConsentInput(
            organisation_id=af.user.organisation_id,
            purpose=purpose,
            purposes=["samordning", "remiss"],
            data_categories=categories,
            valid_from="2026-11-01",
        ),
        actor_id=kommun.user.staff_id,
    )


def sent_to_af_unit(kommun: Install, af: Install, person: str) -> str:
    """A referral "Rusta och matcha" from the kommun to AF's unit, sent."""
    referral_id = create_referral(
        kommun.db,
        kommun.user,
        ReferralDraft(
            individual_id=person,
            to_organisation_id=af.user.organisation_id,
            to_unit_id=af.user.unit_id,
            kind="provider",
            measure="Rusta och matcha",
            purpose="Stöd mot arbete",
        ),
    )
    step(kommun, referral_id, "send")
    return referral_id


@pytest.fixture
def referred(tmp_path):
    """A kommun install that has sent a referral to AF's install, with consent."""
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    af = Install(
        tmp_path / "af.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    send_for(af, kommun)  # the kommun learns of AF, its unit and staff
    person = add_person(kommun, identity="811218-9876", first_name="Åsa", last_name="Ek")
    consent = consent_for_af(kommun, af, person, "Samordning av insatser", ["kontakt", "arbete"])
    referral_id = sent_to_af_unit(kommun, af, person)
    send_for(kommun, af)
    yield kommun, af, referral_id, consent
    kommun.db.close()
    af.db.close()


def test_the_referral_arrives_in_the_receivers_inbox(referred):
    kommun, af, referral_id, _ = referred
    inbox = list_referrals(af.db, "inbox", organisation_id=af.user.organisation_id)
    assert [(r.id, r.state, r.person) for r in inbox] == [(referral_id, "sent", "Ek, Åsa")]
    assert step(af, referral_id, "receive") == "received"
    send_for(af, kommun)
    outbox = list_referrals(kommun.db, "sent", organisation_id=kommun.user.organisation_id)
    assert [r.state for r in outbox] == ["received"]
    assert [e.actor for e in get_referral(kommun.db, referral_id).events] == [
        "Sofia Berg (Malmö stad)",
        "Ahmed Yusuf (Arbetsförmedlingen)",
    ]


def test_a_withdrawal_and_a_concurrent_acceptance_end_the_same_everywhere(referred):
    kommun, af, referral_id, _ = referred
    step(af, referral_id, "receive")
    send_for(af, kommun)
    # Neither has seen the other's step: the kommun withdraws, then AF accepts.
    assert step(kommun, referral_id, "withdraw", reason="Personen har fått arbete") == "withdrawn"
    assert step(af, referral_id, "accept") == "accepted"
    send_for(kommun, af)
    send_for(af, kommun)
    for install in (kommun, af):
        detail = get_referral(install.db, referral_id)
        assert detail.state == "withdrawn"
        assert [(e.label, e.applied) for e in detail.events] == [
            ("Skickad", True),
            ("Mottagen", True),
            ("Återkallad", True),
            ("Accepterad", False),
        ]
        rows = list_referrals(
            install.db, "sent", organisation_id=kommun.user.organisation_id, include_ended=True
        )
        assert [r.state for r in rows] == ["withdrawn"]


def test_a_withdrawn_consent_takes_the_referral_away_from_the_receiver(referred):
    kommun, af, _, consent = referred
    withdraw_consent(kommun.db, consent, actor_id=kommun.user.staff_id)
    send_for(kommun, af)
    assert list_referrals(af.db, "inbox", organisation_id=af.user.organisation_id) == []
    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM referral").scalar_one() == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM referral_event").scalar_one() == 0


def test_a_withdrawn_consent_leaves_the_answers_to_the_senders_own_referral(referred):
    """The kommun's referral was accepted by AF; then the person withdrew the consent. AF
    drops the referral, as before, but the kommun keeps AF's answers to its own referral:
    they came back on the referral's own ground, not under the withdrawn consent, and
    without them the referral went back to "sent" and waited for ever (walker28)."""
    kommun, af, referral_id, consent = referred
    step(af, referral_id, "receive")
    step(af, referral_id, "accept")
    send_for(af, kommun)
    assert get_referral(kommun.db, referral_id).state == "accepted"

    withdraw_consent(kommun.db, consent, actor_id=kommun.user.staff_id)
    send_for(kommun, af)
    send_for(af, kommun)

    detail = get_referral(kommun.db, referral_id)
    assert detail.state == "accepted"
    assert [(e.label, e.actor) for e in detail.events] == [
        ("Skickad", "Sofia Berg (Malmö stad)"),
        ("Mottagen", "Ahmed Yusuf (Arbetsförmedlingen)"),
        ("Accepterad", "Ahmed Yusuf (Arbetsförmedlingen)"),
    ]
    outbox = list_referrals(kommun.db, "sent", organisation_id=kommun.user.organisation_id)
    assert [(r.id, r.state) for r in outbox] == [(referral_id, "accepted")]



def test_a_step_from_a_colleague_install_merges_and_the_addressed_unit_keeps_the_referral(
    referred, tmp_path
):
    """Each install checks who takes a step at its own door; an import merges the steps
    another install recorded, as facts, so that every install keeps one history. A
    receive by the wrong unit, recorded by an install that did not check (an older
    version), therefore arrives; it does not make that unit the receiver."""
    from datetime import UTC, date, datetime

    from ungtui.services.errors import ServiceError
    from ungtui.services.unit_of_work import UnitOfWork
    from ungtui.store.models import ReferralEvent

    _kommun, af, referral_id, _ = referred
    lund = Install(tmp_path / "af-lund.db", "Per Holm", join=af, unit_name="AF Lund")
    with pytest.raises(ServiceError) as error:
        step(lund, referral_id, "receive")
    assert str(error.value) == (
        "Bara mottagaren (Arbetsförmedlingen, Arbetsförmedlingen Malmö Unga) kan ta emot remissen."
    )
    with UnitOfWork(lund.db, lund.user.staff_id) as uow:
        uow.create(
            ReferralEvent(
                referral_id=referral_id,
                individual_id=get_referral(lund.db, referral_id).referral.individual_id,
                action="receive",
                step=2,
                at=datetime.now(UTC),
                happened_on=date(2026, 11, 24),
                actor_id=lund.user.staff_id,
                actor_organisation_id=lund.user.organisation_id,
            )
        )
    lund.send(af)
    org = af.user.organisation_id
    detail = get_referral(af.db, referral_id, actor=af.user)
    assert (detail.state, detail.events[-1].actor) == (
        "received",
        "Per Holm (Arbetsförmedlingen)",
    )
    assert detail.available == ["accept", "decline"]
    assert get_referral(af.db, referral_id, actor=lund.user).available == []
    assert [
        r.id
        for r in list_referrals(af.db, "inbox", organisation_id=org, own_unit_id=af.user.unit_id)
    ] == [referral_id]
    assert list_referrals(af.db, "inbox", organisation_id=org, own_unit_id=lund.user.unit_id) == []


def test_a_colleague_install_of_my_nämnd_gets_my_nämnds_referrals_only(tmp_path):
    """Malmö stad's Jobbcenter Unga install holds referrals of other nämnder too (its
    database is shared with KAA-enheten). A file to Jobbtorg, an install of the same
    labour-market nämnd, carries the referrals that nämnd is a party to, and not
    KAA-enheten's to Socialtjänsten, nor AF's to Malmö stad once KAA-enheten took it."""
    from ungtui.services.people.organisations import (
        CURRENT_STAFF_KEY,
        add_organisation,
        register_user,
    )
    from ungtui.store.models import Setting

    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    jobbtorg = Install(tmp_path / "jobbtorg.db", "Omar Said", join=kommun, unit_name="Jobbtorg")
    db, org = kommun.db, kommun.user.organisation_id
    miriam = register_user(db, name="Miriam Haddad", unit_name="KAA-enheten", organisation_id=org)
    social = register_user(db, name="Lars Ek", unit_name="Socialtjänsten", organisation_id=org)
    af_org = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
    karin = register_user(db, name="Karin Lind", unit_name="Malmö Unga", organisation_id=af_org)
    with db.session() as session:
        session.merge(Setting(key=CURRENT_STAFF_KEY, value=kommun.user.staff_id))
        session.commit()
    person = add_person(kommun, identity="20090502-9807", first_name="Emma", last_name="Kowalski")
    ground = "Lag (2001:453) 12 kap. 10 §, nödvändigt för insatsen"

    def sent(actor, to, unit=True) -> str:
        referral_id = create_referral(
            db,
            actor,
            ReferralDraft(
                individual_id=person,
                to_organisation_id=to.organisation_id,
                to_unit_id=to.unit_id if unit else None,
                kind="other",
                measure="Kartläggning",
                purpose="Hitta en väg tillbaka till skolan",
            ),
        )
        transition_referral(
            db, actor, referral_id, TransitionInput(action="send", exception_ground=ground)
        )
        return referral_id

    sofia_to_kaa = sent(kommun.user, miriam)
    kaa_to_social = sent(miriam, social)
    af_to_malmo = sent(karin, kommun.user, unit=False)
    af_to_malmo_taken_by_kaa = sent(karin, kommun.user, unit=False)
    transition_referral(db, miriam, af_to_malmo_taken_by_kaa, TransitionInput(action="receive"))

    def held() -> tuple[set[str], set[str]]:
        with jobbtorg.db.engine.connect() as conn:
            return (
                {r for (r,) in conn.exec_driver_sql("SELECT id FROM referral")},
                {r for (r,) in conn.exec_driver_sql("SELECT referral_id FROM referral_event")},
            )

    exported, _taken = kommun.carry(jobbtorg, tmp_path)
    assert exported.full
    assert held() == ({sofia_to_kaa, af_to_malmo}, {sofia_to_kaa, af_to_malmo})
    jobbtorg.carry(kommun, tmp_path)  # confirms the file: the next one is a delta
    # A later step on KAA-enheten's referral does not go in the next file either.
    add_note(db, miriam, kaa_to_social, "Möte med Emma på fredag")
    transition_referral(db, social, kaa_to_social, TransitionInput(action="receive"))
    exported, _taken = kommun.carry(jobbtorg, tmp_path)
    assert not exported.full
    assert held() == ({sofia_to_kaa, af_to_malmo}, {sofia_to_kaa, af_to_malmo})
    # Jobbtorg's list shows what it may see of the person: its nämnd's referrals.
    shown = list_referrals(
        jobbtorg.db,
        "person",
        organisation_id=org,
        own_unit_id=jobbtorg.user.unit_id,
        individual_id=person,
    )
    assert {r.id for r in shown} == {sofia_to_kaa, af_to_malmo}


# --- walker28 #1 and #3: a withdrawal after AF accepted the kommun's referral, by file --


@pytest.fixture
def accepted(tmp_path):
    """Malmö stad's referral about Märta, accepted by AF, every step carried by a real
    sync file; then Märta withdraws her consent for AF."""
    from tests.sync_helpers import kommun_and_af

    kommun, af = kommun_and_af(tmp_path)
    af.carry(kommun, tmp_path)  # the kommun learns of AF's unit
    marta = add_person(
        kommun,
        identity="20080229-1237",
        first_name="Märta",
        last_name="Östlund-Åkesson",
        phone="070-111 22 33",
    )
    consent = consent_for_af(
        kommun, af, marta, "Planering mot arbete – Märtas ord", ["kontakt", "utbildning", "arbete"]
    )
    referral_id = sent_to_af_unit(kommun, af, marta)
    kommun.carry(af, tmp_path)
    step(af, referral_id, "receive")
    step(af, referral_id, "accept", note="Välkommen! Inskrivningsmöte 2026-12-08")
    af.carry(kommun, tmp_path)
    assert get_referral(kommun.db, referral_id).state == "accepted"
    withdraw_consent(kommun.db, consent, actor_id=kommun.user.staff_id)
    _exported, taken = kommun.carry(af, tmp_path)
    yield kommun, af, marta, referral_id, consent, taken
    kommun.db.close()
    af.db.close()


def count(install: Install, sql: str) -> int:
    with install.db.engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalar_one()


def test_a_withdrawal_takes_the_referral_from_af_with_afs_own_steps(accepted):
    """AF drops the kommun's referral (stop 28) and its own two steps with it: they answer
    that referral, whose whole record the kommun keeps; left here they answered nothing
    and could not be seen. The log names the file, not AF's caseworker, as remover."""
    from ungtui.services import audit

    _kommun, af, marta, _referral_id, _consent, taken = accepted
    assert taken.removal_lines() == [
        "Borttaget om Märta Östlund-Åkesson: 1 ansvarig handläggare, 1 samtycke, 1 remiss, "
        "3 remissteg (2 av dem era egna; remissen med alla steg finns kvar hos Malmö stad), "
        "personen från Malmö stad, eftersom Malmö stad inte längre får lämna uppgifter om "
        "personen hit (samtycket har upphört)."
    ]
    for table in ("referral", "referral_event", "individual"):
        assert count(af, f"SELECT count(*) FROM {table}") == 0
    logged = audit.list_entries(af.db, audit.AuditFilter(action="tog bort"))
    assert len(logged) == 7
    assert {(e.actor_name, e.individual_id) for e in logged} == {("Synkfil", marta)}
    # The caseworker who read the file in did read it in.
    read_in = audit.list_entries(af.db, audit.AuditFilter(action="läste in"))
    assert read_in[0].actor_name == "Ahmed Yusuf"


def test_after_a_withdrawal_af_announces_no_removal_of_its_own(accepted, tmp_path):
    """AF never had a consent to give the kommun anything about Märta; what went back was
    its answers to the kommun's own referral, which the kommun keeps. So AF's next file
    asks nothing removed, and the kommun's referral stays accepted."""
    from ungtui.services.sync.sync_files import default_domain, export_preview

    kommun, af, _marta, referral_id, _consent, _taken = accepted
    to = kommun.user.organisation_id
    preview = export_preview(af.db, to, domain=default_domain(af.db, to))
    assert (preview.people_included, preview.people_removed) == (0, 0)
    exported, taken = af.carry(kommun, tmp_path)
    assert exported.purges == 0
    assert (taken.summary.purged, taken.summary.warnings, taken.removal_lines()) == (0, [], [])
    detail = get_referral(kommun.db, referral_id)
    assert (detail.state, [e.label for e in detail.events]) == (
        "accepted",
        ["Skickad", "Mottagen", "Accepterad"],
    )


@pytest.mark.parametrize(
    ("purposes", "categories", "responsible", "steps", "phone"),
    [
        # Work and measures again: the responsible caseworker and the referral come back.
        (
            ["samordning", "remiss"],
            ["kontakt", "arbete"],
            [("Malmö stad", "Sofia Berg", "Jobbcenter Unga")],
            ["accept", "receive", "send"],
            "070-111 22 33",
        ),
        # walker28's new consent, contact details only: "ansvariga handläggare" are work
        # and measures (the consent form says so), so a fresh file leaves them out too.
        (["samordning"], ["kontakt"], [], [], "070-111 22 33"),
    ],
)
def test_a_new_consent_after_a_withdrawal_gives_af_what_a_fresh_export_would(
    accepted, tmp_path, purposes, categories, responsible, steps, phone
):
    """walker28 #3: AF holds what a new AF install given a full file holds: the
    responsible caseworker comes back when the consent covers it, and the withdrawn
    consent, with its free text, does not come back."""
    from ungtui.services.people.individuals import get_individual
    from ungtui.store.database import open_database

    kommun, af, marta, referral_id, old_consent, _taken = accepted
    af.carry(kommun, tmp_path)
    new_consent = add_consent(
        kommun.db,
        marta,
        ConsentInput(
            organisation_id=af.user.organisation_id,
            purpose="Ny planering",
            purposes=purposes,
            data_categories=categories,
            valid_from="2026-11-20",
        ),
        actor_id=kommun.user.staff_id,
    )
    # The yardstick: a first, full file from the same kommun database (a copy, so that
    # it is not told what AF holds) to a new AF install.
    with kommun.db.engine.connect() as conn:
        conn.exec_driver_sql(f"VACUUM INTO '{tmp_path / 'kommun-copy.db'}'")
    same_kommun = object.__new__(Install)
    same_kommun.db = open_database(tmp_path / "kommun-copy.db")
    fresh = Install(
        tmp_path / "af2.db",
        "Lena Berg",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    (tmp_path / "fresh").mkdir()
    same_kommun.carry(fresh, tmp_path / "fresh", full=True)
    kommun.carry(af, tmp_path)

    def held(install: Install) -> dict:
        person = get_individual(install.db, marta)
        with install.db.engine.connect() as conn:
            return {
                "responsible": person.responsibilities,
                "consents": sorted(r for (r,) in conn.exec_driver_sql("SELECT id FROM consent")),
                "purposes": sorted(
                    p for (p,) in conn.exec_driver_sql("SELECT purpose FROM consent")
                ),
                "steps": sorted(
                    a for (a,) in conn.exec_driver_sql("SELECT action FROM referral_event")
                ),
                "phone": person.individual.phone,
            }

    assert held(af) == {
        "responsible": responsible,
        "consents": [new_consent],
        "purposes": ["Ny planering"],
        "steps": steps,
        "phone": phone,
    }
    assert held(fresh) == held(af)
    assert old_consent not in held(af)["consents"]
    if steps:
        assert get_referral(af.db, referral_id).state == "accepted"


def test_the_kommun_sees_its_referral_go_at_af_and_come_back_with_a_new_consent(
    accepted, tmp_path
):
    """walker29 #1, #3, #7: after the withdrawal the kommun's view says what became of its
    referral at AF, as far as the files tell; what went at sending stays said; a new
    consent covering the referral brings back to AF the referral with its steps, the
    responsible caseworker and the agenda item, by a delta and by a full file alike."""
    from datetime import datetime

    from ungtui.services.clock import local_time, today
    from ungtui.services.meetings.meeting_agenda import add_person_item
    from ungtui.services.meetings.meetings import MeetingInput, add_staff_attendee, save_meeting
    from ungtui.services.referrals.referrals import referral_share

    kommun, af, marta, referral_id, withdrawn, _taken = accepted
    day = today().isoformat()
    with kommun.db.engine.connect() as conn:  # the file's own (wall clock) day
        (at,) = conn.exec_driver_sql("SELECT max(at) FROM sync_export").one()
    sent = f"{local_time(datetime.fromisoformat(at)):%Y-%m-%d}"

    def seen() -> tuple[str, str, list[str]]:
        detail = get_referral(kommun.db, referral_id, actor=kommun.user)
        return detail.ground_ended, detail.ground_ended_text, detail.for_receiver

    # The file that takes it away has gone; AF has not said it read it.
    assert seen() == (
        f"samtycket återkallat {day} · borttagningen skickad till Arbetsförmedlingen {sent}",
        f"Samtycket återkallades {day}: filen som tar bort remissen hos Arbetsförmedlingen "
        f"skickades {sent}; de har inte bekräftat den än. Hela remissen, med deras svar, "
        "finns kvar här.",
        [],
    )
    af.carry(kommun, tmp_path)  # AF's next file confirms the kommun's
    assert seen() == (
        f"samtycket återkallat {day} · borttagen hos Arbetsförmedlingen",
        f"Samtycket återkallades {day}: Arbetsförmedlingen har tagit bort remissen med alla "
        "steg, också sina egna (de har bekräftat filen som sa det). Hela remissen, med "
        "deras svar, finns kvar här. Inga fler steg från Arbetsförmedlingen kommer hit.",
        [],
    )
    # What went at sending is what the send step recorded, not today's nothing.
    share = referral_share(kommun.db, referral_id)
    assert (share.sent_categories, share.goes) == (
        ("identitet", "kontakt", "utbildning", "arbete"),
        [],
    )
    assert share.basis.startswith("Inget samtycke från ")

    # A meeting with AF present and Märta on the agenda, made while no consent holds.
    actor = kommun.user.staff_id
    meeting_id = save_meeting(
        kommun.db,
        MeetingInput(kind="samverkansgrupp", title="Samverkansgrupp unga", when="idag 10"),
        actor_id=actor,
    )
    add_staff_attendee(kommun.db, meeting_id, af.user.staff_id, actor_id=actor)
    item = add_person_item(kommun.db, meeting_id, marta, actor_id=actor)
    kommun.carry(af, tmp_path)
    assert count(af, "SELECT count(*) FROM agendaitem") == 0

    # walker29's new consent: contact details only. Märta comes back, the referral does
    # not (it is work and measures), and the kommun's view says both.
    consent_for_af(kommun, af, marta, "Kontakt", ["kontakt"])
    kommun.carry(af, tmp_path)
    assert [count(af, f"SELECT count(*) FROM {t}") for t in ("individual", "referral")] == [1, 0]
    assert seen()[0] == f"samtycket återkallat {day} · borttagen hos Arbetsförmedlingen"
    assert referral_share(kommun.db, referral_id).basis == (
        "Samtycket från Malmö stad – Arbetsmarknadsenheten till Arbetsförmedlingen omfattar "
        "inte arbete och insatser, som remissen gäller: remissen följer inte med till "
        "Arbetsförmedlingen förrän ett samtycke omfattar det. Samtycket omfattar:"
    )

    consent_for_af(kommun, af, marta, "Ny planering", ["kontakt", "arbete"])
    tables = ("referral", "referral_event", "responsibility", "agendaitem")

    def held() -> dict[str, list[str]]:
        with af.db.engine.connect() as conn:
            return {
                t: sorted(r for (r,) in conn.exec_driver_sql(f"SELECT id FROM {t}"))
                for t in tables
            }

    kommun.carry(af, tmp_path)
    after_delta = held()
    assert after_delta["referral"] == [referral_id]
    assert after_delta["agendaitem"] == [item]
    assert (len(after_delta["referral_event"]), len(after_delta["responsibility"])) == (3, 1)
    assert get_referral(af.db, referral_id).state == "accepted"
    # Its ground holds again: AF may start it, in its own ungtui (it has answered
    # there), so nothing is offered to record for it.
    assert seen() == ("", "", [])
    kommun.carry(af, tmp_path, full=True)
    assert held() == after_delta
    # Nor does a full file bring back the withdrawn consent, with its free text: it went
    # from AF with Märta, and what came back since is the two new ones.
    with af.db.engine.connect() as conn:
        purposes = sorted(p for (p,) in conn.exec_driver_sql("SELECT purpose FROM consent"))
    assert purposes == ["Kontakt", "Ny planering"]
    assert count(af, f"SELECT count(*) FROM consent WHERE id = '{withdrawn}'") == 0
