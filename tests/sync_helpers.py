"""Installs for sync tests: each its own database in tmp_path, exchanging change sets."""

from __future__ import annotations

from tests.database_template import new_database
from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.people.individuals import IndividualInput, get_individual, save_individual
from ungtui.services.people.organisations import register_user
from ungtui.services.sync.dump import dump_json
from ungtui.services.sync.sync import Sender, build_changes, import_changes
from ungtui.sync import state
from ungtui.sync.holders import own_holder


class Install:
    """An install with its user. Without `join` it starts its own organisation (Malmö stad
    unless told otherwise); with `join` it first takes in that install's full export and
    joins its organisation."""

    def __init__(
        self,
        path,
        name: str,
        join: Install | None = None,
        *,
        organisation_name: str = "Malmö stad",
        org_nr: str = "212000-1124",
        kind: str = "kommun",
        unit_name: str = "Jobbcenter Unga",
    ):
        self.db = new_database(path)
        with self.db.engine.begin() as conn:
            self.site = state.site_id(conn)
        if join is None:
            self.user = register_user(
                self.db,
                name=name,
                unit_name=unit_name,
                organisation_name=organisation_name,
                org_nr=org_nr,
                kind=kind,
            )
        else:
            join.send(self, full=True)
            self.user = register_user(
                self.db,
                name=name,
                unit_name=unit_name,
                organisation_id=join.user.organisation_id,
            )

    def send(self, other: Install, for_organisation=None, full=False):
        changes = build_changes(self.db, for_organisation=for_organisation, full=full)
        return import_changes(other.db, changes, Sender(self.site, self.user.organisation_id))

    @property
    def domain(self) -> str | None:
        """The secrecy domain (nämnd) of this install's user."""
        with self.db.engine.connect() as conn:
            holder = own_holder(conn)
        return holder.domain if holder else None

    def send_to(self, other: Install):
        """A file addressed to the other install's organisation and nämnd, as the file
        header names both; only what may go to that nämnd goes."""
        changes = build_changes(
            self.db, for_organisation=other.user.organisation_id, domain=other.domain
        )
        sender = Sender(self.site, self.user.organisation_id, domain=self.domain)
        return import_changes(other.db, changes, sender)

    def carry(self, other: Install, folder, *, full: bool = False):
        """A real sync file: written for the other install's organisation (and the nämnd
        the export would pick by itself), then read in there with the sender trusted.
        Returns (export result, import result)."""
        from ungtui.services.sync.sync_files import (
            default_domain,
            export_file,
            import_file,
            peek_sender,
        )

        to = other.user.organisation_id
        exported = export_file(
            self.db,
            for_organisation=to,
            out=folder,
            passphrase=FILE_PASSPHRASE,
            full=full,
            domain=default_domain(self.db, to),
        )
        _site, fingerprint = peek_sender(exported.path)
        taken = import_file(
            other.db, exported.path, passphrase=FILE_PASSPHRASE, trust=fingerprint
        )
        return exported, taken

    def dump(self) -> str:
        return dump_json(self.db)


def add_person(install, **fields) -> str:
    """Register a person at an install (anything with .db and .user)."""
    data = dict(identity="811218-9876", first_name="Erik", last_name="Ek")
    data.update(fields)
    return save_individual(
        install.db,
        IndividualInput(**data),
        actor_id=install.user.staff_id,
        organisation_id=install.user.organisation_id,
    )


def edit(install, person_id: str, **fields) -> None:
    """Change some fields of a person at an install, keeping the others."""
    person = get_individual(install.db, person_id).individual
    data = dict(
        identity=person.identity_number or "",
        first_name=person.first_name,
        last_name=person.last_name,
        phone=person.phone,
        email=person.email,
        address=person.address,
        status=person.status,
        gender=person.gender,
    )
    data.update(fields)
    save_individual(
        install.db,
        IndividualInput(**data),
        actor_id=install.user.staff_id,
        organisation_id=install.user.organisation_id,
        individual_id=person_id,
    )


FILE_PASSPHRASE = "blåbär cykel tisdag hamn"
KOMMUN_NR, AF_NR = "212000-1124", "202100-2114"


def kommun_and_af(folder) -> tuple[Install, Install]:
    """Malmö stad and Arbetsförmedlingen, each on its own install, each with the other's
    organisation registered by its number."""
    from ungtui.services.people.organisations import add_organisation

    kommun = Install(folder / "kommun.db", "Sofia Berg")
    af = Install(
        folder / "af.db",
        "Ahmed Yusuf",
        organisation_name="Arbetsförmedlingen",
        org_nr=AF_NR,
        kind="af",
        unit_name="Arbetsförmedlingen Malmö Unga",
    )
    add_organisation(kommun.db, name="Arbetsförmedlingen", org_nr=AF_NR, kind="af")
    add_organisation(af.db, name="Malmö stad", org_nr=KOMMUN_NR, kind="kommun")
    return kommun, af


def contact_consent(kommun, af, person: str) -> str:
    """The kommun's consent to AF for `person`: coordination, contact details only."""
    return add_consent(
        kommun.db,
        person,
        ConsentInput(
            organisation_id=af.user.organisation_id,
            purpose="Samordning",
            purposes=["samordning"],
            data_categories=["kontakt"],
            valid_from="2026-11-01",
        ),
        actor_id=kommun.user.staff_id,
    )
