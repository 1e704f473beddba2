"""Lawful sharing through sync files: between two nämnder of one kommun, a consent that
comes to cover less, purposes that count only on an occasion, and a referral sent on a
legal ground. Expectations by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync_helpers import Install
from ungtui.cli import main
from ungtui.services.consent.consents import ConsentInput, add_consent, withdraw_consent
from ungtui.services.meetings.meeting_agenda import add_person_item
from ungtui.services.meetings.meetings import MeetingInput, add_staff_attendee, save_meeting
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.referrals.referrals import (
    ReferralDraft,
    TransitionInput,
    create_referral,
    transition_referral,
)
from ungtui.services.sync.sync_files import export_file, export_preview, import_file, peek_sender
from ungtui.services.way.way import MappingInput, save_mapping
from ungtui.sync.fileformat import SyncFileError

PASSPHRASE = "blåbär cykel tisdag hamn"


def af_install(path: Path) -> Install:
    return Install(
        path,
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )


def carry(sender: Install, receiver: Install, folder: Path, domain: str | None = None):
    """A real file from one install to another, addressed to the receiver's organisation
    and, when named, one of its nämnder."""
    path = export_file(
        sender.db,
        for_organisation=receiver.user.organisation_id,
        out=folder,
        passphrase=PASSPHRASE,
        domain=domain,
    ).path
    _site, fingerprint = peek_sender(path)
    return import_file(receiver.db, path, passphrase=PASSPHRASE, trust=fingerprint)


def one(install: Install, sql: str, *params):
    with install.db.engine.connect() as conn:
        return conn.exec_driver_sql(sql, params).all()


def person(install: Install, **fields) -> str:
    values = dict(identity="19811218-9876", first_name="Åsa", last_name="Ek")
    values.update(fields)
    return save_individual(
        install.db,
        IndividualInput(**values),
        actor_id=install.user.staff_id,
        organisation_id=install.user.organisation_id,
    )


def consent(install: Install, pid: str, to: str, categories, purposes=("samordning",), **kw):
    return add_consent(
        install.db,
        pid,
        ConsentInput(
            organisation_id=to,
            purposes=list(purposes),
            data_categories=list(categories),
            valid_from="2026-11-01",
            **kw,
        ),
        actor_id=install.user.staff_id,
    )


@pytest.fixture
def kommun_and_af(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    af = af_install(tmp_path / "af.db")
    carry(af, kommun, tmp_path)  # the kommun learns of AF, its unit and its staff
    yield kommun, af
    kommun.db.close()
    af.db.close()


def test_school_answers_no_and_no_go_as_schooling_and_the_preview_says_so(
    kommun_and_af, tmp_path
):
    # walker28 #5: "nej" to both school questions was taken for no data, and the
    # preview left out the category the file carries.
    kommun, af = kommun_and_af
    marta = person(
        kommun,
        identity="20080229-1237",
        first_name="Märta",
        last_name="Östlund",
        compulsory_school_done_on="2024-06-14",
    )
    consent(kommun, marta, af.user.organisation_id, ["kontakt", "utbildning", "arbete"])
    [line] = [p.line() for p in export_preview(kommun.db, af.user.organisation_id).people]
    assert line == (
        "Östlund, Märta (f. 2008): följer med: Identitet, Utbildning och skolgång, Arbete och "
        "insatser"
    )
    carry(kommun, af, tmp_path)
    assert one(
        af,
        "SELECT in_upper_secondary, has_upper_secondary_diploma, compulsory_school_done_on"
        " FROM individual",
    ) == [(0, 0, "2024-06-14")]


def test_a_consent_that_covers_less_makes_the_receiver_drop_just_that(kommun_and_af, tmp_path):
    kommun, af = kommun_and_af
    asa = person(kommun, phone="070-100 00 00")
    save_mapping(
        kommun.db,
        asa,
        MappingInput(mapped_on="2026-11-20", work_experience="Lager", health="Astma"),
        actor_id=kommun.user.staff_id,
    )
    wide = consent(kommun, asa, af.user.organisation_id, ["kontakt", "arbete", "halsa"])
    carry(kommun, af, tmp_path)
    assert one(af, "SELECT work_experience, health FROM mapping") == [("Lager", "Astma")]

    # Åsa takes health out: the old consent is withdrawn, a new one recorded without it.
    withdraw_consent(kommun.db, wide, actor_id=kommun.user.staff_id)
    consent(kommun, asa, af.user.organisation_id, ["kontakt", "arbete"])
    preview = export_preview(kommun.db, af.user.organisation_id)
    [line] = [p.line() for p in preview.people]
    assert line == (
        "Ek, Åsa (f. 1981): följer med: Identitet, Kontaktuppgifter, Arbete och insatser"
        " · stannar här: Utbildning och skolgång, Hälsa och funktionsnedsättning"
    )
    result = carry(kommun, af, tmp_path)

    assert one(af, "SELECT work_experience, health FROM mapping") == [("Lager", "")]
    assert one(af, "SELECT phone FROM individual") == [("070-100 00 00",)]
    assert result.removal_lines() == [
        "Borttaget om Åsa Ek: 1 kartläggning från Malmö stad (hälsa och "
        "funktionsnedsättning), eftersom Malmö stad inte längre får lämna sådana uppgifter "
        "om personen hit (samtycket omfattar dem inte längre)."
    ]
    # The new consent is there, and the withdrawn one says it is withdrawn.
    assert sorted(one(af, "SELECT data_categories, withdrawn_on IS NULL FROM consent")) == [
        ("kontakt,arbete", 1),
        ("kontakt,arbete,halsa", 0),
    ]


def test_a_consent_for_an_occasion_lets_data_go_only_for_it(kommun_and_af, tmp_path):
    kommun, af = kommun_and_af
    asa = person(kommun, phone="070-100 00 00")
    consent(kommun, asa, af.user.organisation_id, ["kontakt"], purposes=["arendekonferens"])
    carry(kommun, af, tmp_path)
    assert one(af, "SELECT count(*) FROM individual") == [(0,)]

    # A case conference with AF in the room and Åsa on the agenda: now it goes.
    meeting = save_meeting(
        kommun.db,
        MeetingInput(kind="arendekonferens", title="Ärendekonferens", when="2026-11-25 10:00"),
        actor_id=kommun.user.staff_id,
    )
    add_staff_attendee(kommun.db, meeting, af.user.staff_id, actor_id=kommun.user.staff_id)
    add_person_item(kommun.db, meeting, asa, actor_id=kommun.user.staff_id)
    carry(kommun, af, tmp_path)
    assert one(af, "SELECT first_name, phone FROM individual") == [("Åsa", "070-100 00 00")]
    # The agenda item is work and measures: the consent does not cover that.
    assert one(af, "SELECT count(*) FROM agendaitem WHERE individual_id IS NOT NULL") == [(0,)]


def test_a_referral_on_a_legal_ground_carries_who_and_the_referral_only(
    kommun_and_af, tmp_path
):
    kommun, af = kommun_and_af
    asa = person(kommun, phone="070-100 00 00")
    referral = create_referral(
        kommun.db,
        kommun.user,
        ReferralDraft(
            individual_id=asa,
            to_organisation_id=af.user.organisation_id,
            to_unit_id=af.user.unit_id,
            kind="provider",
            measure="Rusta och matcha",
            purpose="Stöd mot arbete",
        ),
    )
    transition_referral(
        kommun.db,
        kommun.user,
        referral,
        TransitionInput(action="send", exception_ground="OSL 10 kap. 2 § – nödvändigt utlämnande"),
    )
    carry(kommun, af, tmp_path)
    assert one(af, "SELECT id, measure FROM referral") == [(referral, "Rusta och matcha")]
    assert one(af, "SELECT first_name, last_name, phone FROM individual") == [("Åsa", "Ek", "")]


def test_two_namnder_of_one_kommun_share_only_on_consent(tmp_path):
    jobbcenter = Install(tmp_path / "jobbcenter.db", "Sofia Berg")
    social = Install(tmp_path / "social.db", "Tomas Nyberg", unit_name="Socialtjänsten")
    colleague = Install(tmp_path / "kollega.db", "Jonas Ek")  # Jobbcenter Unga too
    asa = person(jobbcenter, phone="070-100 00 00")
    kommun = jobbcenter.user.organisation_id

    # Without a consent nothing of Åsa goes to socialtjänsten, though it is the same kommun.
    carry(jobbcenter, social, tmp_path, domain="socialtjanst")
    assert one(social, "SELECT count(*) FROM individual") == [(0,)]
    # A colleague in the same nämnd gets everything.
    carry(jobbcenter, colleague, tmp_path)
    assert one(colleague, "SELECT phone FROM individual") == [("070-100 00 00",)]

    consent(jobbcenter, asa, kommun, ["kontakt"], receiver_domain="socialtjanst")
    carry(jobbcenter, social, tmp_path, domain="socialtjanst")
    assert one(social, "SELECT first_name, phone FROM individual") == [("Åsa", "070-100 00 00")]

    # A file for socialtjänsten is not read by Jobbcenter Unga's other install.
    path = export_file(
        jobbcenter.db, for_organisation=kommun, out=tmp_path, passphrase=PASSPHRASE,
        domain="socialtjanst",
    ).path
    _site, fingerprint = peek_sender(path)
    with pytest.raises(SyncFileError) as refused:
        import_file(colleague.db, path, passphrase=PASSPHRASE, trust=fingerprint)
    assert str(refused.value) == (
        "Filen är adresserad till Malmö stad – Socialtjänsten, inte till Malmö stad – "
        "Arbetsmarknadsenheten. Den har inte lästs in; be avsändaren exportera en fil till "
        "er nämnd."
    )
    for install in (jobbcenter, social, colleague):
        install.db.close()


def test_the_command_line_takes_a_namnd(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("UNGTUI_PASSPHRASE", PASSPHRASE)
    jobbcenter = Install(tmp_path / "jobbcenter.db", "Sofia Berg")
    asa = person(jobbcenter)
    consent(jobbcenter, asa, jobbcenter.user.organisation_id, ["kontakt"],
            receiver_domain="socialtjanst")
    jobbcenter.db.close()
    db = str(tmp_path / "jobbcenter.db")
    code = main(
        ["export", "--db", db, "--for", "Malmö stad", "--namnd", "Socialtjänsten",
         "--out", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("Fullständig export till Malmö stad – Socialtjänsten: ")
    assert "Ek, Åsa (f. 1981): följer med: Identitet" in out
    code = main(
        ["export", "--db", db, "--for", "Malmö stad", "--namnd", "fritid", "--out", str(tmp_path)]
    )
    assert code == 1
    assert capsys.readouterr().err == (
        "ungtui: Okänd nämnd ”fritid”. Välj en av: arbetsmarknad, socialtjanst, skola_kaa, "
        "vuxenutbildning eller alla.\n"
    )
