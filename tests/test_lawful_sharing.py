"""Lawful sharing, kind of data by kind of data (issue 17).

A field of category C about a person held by Jobbcenter Unga (Malmö stad's labour-market
unit) reaches Arbetsförmedlingen only when a consent from Jobbcenter Unga's nämnd to AF
covers C and the purpose. Otherwise it is absent from the sync file's bytes (the real
file, decrypted here), the meeting minutes, the referral view and the list export.

Each category has a marker value written into a field of that category; the expected
presence of every marker is written out by hand per case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync_helpers import Install
from ungtui.domain.data_categories import CATEGORIES
from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.meetings.meeting_agenda import add_decision, add_person_item, save_notes
from ungtui.services.meetings.meetings import MeetingInput, add_staff_attendee, save_meeting
from ungtui.services.meetings.minutes import build_minutes
from ungtui.services.people.individuals import IndividualFilter, IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation, register_user
from ungtui.services.privacy.list_export import export_individuals, list_receiver
from ungtui.services.referrals.referrals import ReferralDraft, create_referral, referral_share
from ungtui.services.sync.sync_files import export_file
from ungtui.services.way.way import (
    MappingInput,
    PhaseInput,
    WayStartInput,
    add_phase,
    save_mapping,
    start_way,
)
from ungtui.sync.fileformat import BodyReader, open_keys, read_header

PASSPHRASE = "blåbär cykel tisdag hamn"

# What each category's marker is as stored (in a sync file) and as a screen shows it.
STORED = {
    "identitet": "Identitetsson",
    "kontakt": "kontakt.markor@example.se",
    "utbildning": "studiebevis",
    "arbete": "Lagerarbete ARBETSMARKOR",
    "halsa": "Astma HALSOMARKOR",
    "ekonomi": "ekonomiskt_bistand",
    "social": "Stödboende SOCIALMARKOR",
    "anteckningar": "FASANTECKNING markor",
}
SHOWN = {
    **STORED,
    "utbildning": "Gymnasiet med studiebevis",
    "ekonomi": "Ekonomiskt bistånd",
}
# In the minutes: notes on the person's item, and a decision.
MINUTES = {"anteckningar": "MOTESANTECKNING markor", "arbete": "BESLUT ARBETSMARKOR"}

# A record of notes travels only with its kind (the phase: work and measures), so the
# notes' consent names both; every other marker sits in a record of several kinds.
BASE = {c: frozenset() for c in CATEGORIES} | {"anteckningar": frozenset({"arbete"})}


def plaintext(path: Path) -> bytes:
    """The decrypted, unpacked body of a real sync file: every byte the receiver gets."""
    with open(path, "rb") as source:
        header = read_header(source)
        body = BodyReader(source, header, open_keys(header, PASSPHRASE))
        return b"\n".join(body.lines())


class World:
    """Jobbcenter Unga's install, with AF and Malmö stad's socialtjänst known, AF's
    caseworker Karin, and Idunn Identitetsson with data of every kind."""

    def __init__(self, tmp_path: Path) -> None:
        self.kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
        db, user = self.kommun.db, self.kommun.user
        self.af = add_organisation(db, name="Arbetsförmedlingen", org_nr="202100-2114", kind="af")
        self.karin = register_user(
            db, name="Karin Lind", unit_name="AF Malmö Unga", organisation_id=self.af
        )
        kommun = user.organisation_id
        register_user(db, name="Tomas Nyberg", unit_name="Socialtjänsten", organisation_id=kommun)
        self._back_to_sofia()
        actor = user.staff_id
        self.person = save_individual(
            db,
            IndividualInput(
                identity="19811218-9876",
                first_name="Idunn",
                last_name=STORED["identitet"],
                email=STORED["kontakt"],
            ),
            actor_id=actor,
            organisation_id=user.organisation_id,
        )
        start_way(db, self.person, WayStartInput(entry_date="2026-09-01"), actor_id=actor)
        save_mapping(
            db,
            self.person,
            MappingInput(
                mapped_on="2026-09-08",
                schooling="studiebevis",
                work_experience=STORED["arbete"],
                health=STORED["halsa"],
                support="ekonomiskt_bistand",
                social_situation=STORED["social"],
            ),
            actor_id=actor,
        )
        way_id = self._way_id()
        add_phase(
            db,
            way_id,
            PhaseInput(phase="planering", started_on="2026-09-15", note=STORED["anteckningar"]),
            actor_id=actor,
        )
        # A meeting whose notes and decision were written before AF joined the room.
        self.meeting = save_meeting(
            db,
            MeetingInput(kind="samverkansgrupp", title="Samverkansgrupp", when="2026-11-24 10:00"),
            actor_id=actor,
        )
        item = add_person_item(db, self.meeting, self.person, actor_id=actor)
        save_notes(db, item, MINUTES["anteckningar"], actor_id=actor)
        add_decision(db, item, MINUTES["arbete"], actor_id=actor)
        add_staff_attendee(db, self.meeting, self.karin.staff_id, actor_id=actor)
        self.referral = create_referral(
            db,
            user,
            ReferralDraft(
                individual_id=self.person,
                to_organisation_id=self.af,
                to_unit_id=self.karin.unit_id,
                kind="provider",
                measure="Rusta och matcha",
                purpose="Stöd mot arbete",
            ),
        )

    def _back_to_sofia(self) -> None:
        from ungtui.services.people.organisations import CURRENT_STAFF_KEY
        from ungtui.store.models import Setting

        with self.kommun.db.session() as session:
            session.merge(Setting(key=CURRENT_STAFF_KEY, value=self.kommun.user.staff_id))
            session.commit()

    def _way_id(self) -> str:
        with self.kommun.db.engine.connect() as conn:
            return conn.exec_driver_sql("SELECT id FROM way").scalar_one()

    def consent(self, categories, purposes=("samordning", "remiss"), discloser="arbetsmarknad"):
        add_consent(
            self.kommun.db,
            self.person,
            ConsentInput(
                organisation_id=self.af,
                purposes=list(purposes),
                data_categories=sorted(categories),
                valid_from="2026-11-01",
                discloser_organisation_id=self.kommun.user.organisation_id,
                discloser_domain=discloser,
            ),
            actor_id=self.kommun.user.staff_id,
        )

    def outputs(self, tmp_path: Path) -> dict[str, str]:
        """What AF gets: the sync file (decrypted), the minutes shared with the room, the
        referral view, and the participant list taken out for AF."""
        db = self.kommun.db
        path = export_file(
            db, for_organisation=self.af, out=tmp_path / "till-af.ungsync", passphrase=PASSPHRASE
        ).path
        share = referral_share(db, self.referral)
        listed = tmp_path / "lista-till-af.csv"
        export_individuals(
            db,
            self.kommun.user,
            IndividualFilter(),
            listed,
            receiver=list_receiver(db, self.af),
        )
        return {
            "sync": plaintext(path).decode("utf-8"),
            "minutes": build_minutes(db, self.meeting),
            "referral": "\n".join(f"{f.label}: {f.value}" for f in share.goes),
            "list": listed.read_bytes().decode("utf-8-sig"),
        }


# Which markers each channel carries at all, when its category is covered.
CARRIES = {
    "sync": {c: STORED[c] for c in CATEGORIES},
    "referral": {c: SHOWN[c] for c in CATEGORIES},
    "minutes": dict(MINUTES),
    "list": {"identitet": STORED["identitet"], "kontakt": STORED["kontakt"]},
}


def expect(outputs: dict[str, str], covered: frozenset[str]) -> None:
    """Every marker is present where its category is covered, and absent elsewhere. Who
    the person is comes with any covering consent; the list names nobody without one."""
    for channel, markers in CARRIES.items():
        text = outputs[channel]
        for category, marker in markers.items():
            should = category in covered
            assert (marker in text) == should, (channel, category, should)


@pytest.mark.parametrize("category", CATEGORIES)
def test_a_field_reaches_af_only_when_a_consent_covers_its_category(tmp_path, category):
    world = World(tmp_path)
    world.consent(BASE[category] | {category})
    expect(world.outputs(tmp_path), BASE[category] | {category, "identitet"})
    world.kommun.db.close()


@pytest.mark.parametrize("category", ["kontakt", "halsa", "anteckningar"])
def test_without_the_category_the_field_stays(tmp_path, category):
    world = World(tmp_path)
    # Everything else is covered; the category itself is not.
    everything_but = frozenset(CATEGORIES) - {category}
    world.consent(everything_but)
    expect(world.outputs(tmp_path), everything_but | {"identitet"})
    world.kommun.db.close()


def test_a_consent_for_another_purpose_covers_nothing(tmp_path):
    world = World(tmp_path)
    # All kinds of data, but for a three-party talk: no such talk with AF is held.
    world.consent(CATEGORIES, purposes=("trepartssamtal",))
    outputs = world.outputs(tmp_path)
    expect(outputs, frozenset())
    assert "Identitetsson" not in outputs["sync"]


def test_a_consent_from_another_namnd_does_not_cover_jobbcenters_data(tmp_path):
    world = World(tmp_path)
    # The person let socialtjänsten tell AF everything; Jobbcenter Unga may tell nothing.
    world.consent(CATEGORIES, discloser="socialtjanst")
    expect(world.outputs(tmp_path), frozenset())


def test_referrals_consent_covers_the_referral_view_not_the_joint_planning(tmp_path):
    world = World(tmp_path)
    world.consent({"kontakt", "arbete"}, purposes=("remiss",))
    outputs = world.outputs(tmp_path)
    assert STORED["kontakt"] in outputs["referral"]
    assert SHOWN["arbete"] in outputs["referral"]
    # No referral has been sent and no planning purpose is named: nothing else travels.
    assert STORED["kontakt"] not in outputs["sync"]
    assert MINUTES["arbete"] not in outputs["minutes"]
    assert STORED["kontakt"] not in outputs["list"]


# --- the scenario of the issue, to AF's database file ---------------------------------


def af_file_bytes(af: Install) -> bytes:
    """Everything AF's database file holds, after the write-ahead log is folded in."""
    with af.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    af.db.close()
    data = Path(af.db.path).read_bytes()
    wal = Path(f"{af.db.path}-wal")
    return data + (wal.read_bytes() if wal.exists() else b"")


def carry(sender: Install, receiver: Install, folder: Path, name: str) -> None:
    """Export a real file for the receiver's organisation and take it in there."""
    from ungtui.services.sync.sync_files import import_file, peek_sender

    path = export_file(
        sender.db,
        for_organisation=receiver.user.organisation_id,
        out=folder / name,
        passphrase=PASSPHRASE,
    ).path
    _site, fingerprint = peek_sender(path)
    import_file(receiver.db, path, passphrase=PASSPHRASE, trust=fingerprint)


def test_health_in_the_mapping_never_reaches_af_without_a_consent_naming_it(tmp_path):
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    af = Install(
        tmp_path / "af.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    fk = add_organisation(kommun.db, name="Försäkringskassan", org_nr="202100-5521", kind="fk")
    carry(af, kommun, tmp_path, "af-1.ungsync")  # the kommun learns of AF
    actor = kommun.user.staff_id
    asa = save_individual(
        kommun.db,
        IndividualInput(identity="19811218-9876", first_name="Åsa", last_name="Ek"),
        actor_id=actor,
        organisation_id=kommun.user.organisation_id,
    )
    add_consent(
        kommun.db,
        asa,
        ConsentInput(
            organisation_id=af.user.organisation_id,
            purposes=["samordning"],
            data_categories=["kontakt", "arbete"],
            valid_from="2026-11-01",
        ),
        actor_id=actor,
    )
    start_way(kommun.db, asa, WayStartInput(entry_date="2026-09-01"), actor_id=actor)
    save_mapping(
        kommun.db,
        asa,
        MappingInput(
            mapped_on="2026-11-20",
            schooling="studiebevis",
            swedish_level="sfi_c",
            work_experience="Lager två år",
            health="Astma",
        ),
        actor_id=actor,
    )
    # Another person, whose health may go to Försäkringskassan only.
    orjan = save_individual(
        kommun.db,
        IndividualInput(identity="19121212-1212", first_name="Örjan", last_name="Lund"),
        actor_id=actor,
        organisation_id=kommun.user.organisation_id,
    )
    add_consent(
        kommun.db,
        orjan,
        ConsentInput(
            organisation_id=fk,
            purposes=["samordning"],
            purpose="Rehabiliteringsplan",
            data_categories=["halsa"],
            valid_from="2026-11-01",
        ),
        actor_id=actor,
    )
    add_consent(
        kommun.db,
        orjan,
        ConsentInput(
            organisation_id=af.user.organisation_id,
            purposes=["samordning"],
            data_categories=["kontakt"],
            valid_from="2026-11-01",
        ),
        actor_id=actor,
    )

    carry(kommun, af, tmp_path, "kommun-1.ungsync")

    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT work_experience, schooling, swedish_level, health FROM mapping"
        ).all() == [("Lager två år", "okant", "okant", "")]
        assert conn.exec_driver_sql(
            "SELECT count(*) FROM consent WHERE organisation_id = ?", (fk,)
        ).scalar_one() == 0
    data = af_file_bytes(af)
    assert b"Astma" not in data
    assert b"studiebevis" not in data and b"sfi_c" not in data
    assert b"Rehabiliteringsplan" not in data
    assert b"halsa" not in data  # no consent that names health is there either
    assert b"Lager tv\xc3\xa5 \xc3\xa5r" in data  # work and measures did go
    kommun.db.close()


def test_health_sent_before_categories_is_dropped_at_the_next_file(tmp_path):
    """A database from before categories: the kommun sent AF everything about Åsa. After
    the upgrade the first file tells AF to drop what the consent does not cover."""
    kommun = Install(tmp_path / "kommun.db", "Sofia Berg")
    af = Install(
        tmp_path / "af.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    carry(af, kommun, tmp_path, "af-1.ungsync")
    actor = kommun.user.staff_id
    asa = save_individual(
        kommun.db,
        IndividualInput(identity="19811218-9876", first_name="Åsa", last_name="Ek"),
        actor_id=actor,
        organisation_id=kommun.user.organisation_id,
    )
    add_consent(
        kommun.db,
        asa,
        ConsentInput(
            organisation_id=af.user.organisation_id,
            purposes=["samordning"],
            data_categories=["kontakt", "arbete"],
            valid_from="2026-11-01",
        ),
        actor_id=actor,
    )
    save_mapping(
        kommun.db,
        asa,
        MappingInput(mapped_on="2026-11-20", work_experience="Lager", health="Astma"),
        actor_id=actor,
    )
    # As an older version did: the whole person, and the receiver recorded as having
    # had everything (no categories).
    from ungtui.services.sync.sync import Sender, build_changes, import_changes

    changes = build_changes(kommun.db, for_organisation=None, full=True)
    import_changes(af.db, changes, Sender(kommun.site, kommun.user.organisation_id))
    with kommun.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO sync_sent (organisation_id, individual_id, categories)"
            " VALUES ('202100-2114', ?, NULL)",
            (asa,),
        )
    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT health FROM mapping").scalar_one() == "Astma"

    carry(kommun, af, tmp_path, "kommun-2.ungsync")

    with af.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT work_experience, health FROM mapping").all() == [
            ("Lager", "")
        ]
    assert b"Astma" not in af_file_bytes(af)
    kommun.db.close()


def test_the_referral_says_before_sending_that_its_consent_leaves_out_work(tmp_path):
    """The referral is about work and measures, which sending asks the consent for: a
    consent for contact details only is named as not enough, not as the ground."""
    world = World(tmp_path)
    world.consent({"kontakt"})
    share = referral_share(world.kommun.db, world.referral)
    assert share.basis.startswith("Samtycket från Malmö stad – Arbetsmarknadsenheten till ")
    assert " omfattar inte arbete och insatser, som remissen gäller: den kan skickas först " in (
        share.basis
    )
    world.kommun.db.close()
    world = World(tmp_path / "med-arbete")
    world.consent({"kontakt", "arbete"})
    assert referral_share(world.kommun.db, world.referral).basis.startswith("Samtycke från ")
    world.kommun.db.close()
