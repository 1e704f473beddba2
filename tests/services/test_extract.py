"""The register extract holds every record about the person, and nothing about others."""

from __future__ import annotations

import json

import pytest

from ungtui.cli import main
from ungtui.services.audit import AuditFilter, list_entries, record_view
from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.errors import NotFound
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation
from ungtui.services.privacy.extract import as_markdown, build_extract, find_person


def consent(org, purpose):
    return ConsentInput(
        organisation_id=org,
        purpose=purpose,
        purposes=["samordning"],
        data_categories=["kontakt", "halsa"],
        form="muntligt",
        valid_from="2026-01-15",
        valid_to="2026-12-31",
    )


@pytest.fixture
def two_people(db, user):
    af = add_organisation(db, name="Arbetsförmedlingen", org_nr="2021002114", kind="af")
    asa = save_individual(
        db,
        IndividualInput(
            identity="20050317-9806", first_name="Åsa", last_name="Öberg", phone="070-1112233"
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    ali = save_individual(
        db,
        IndividualInput(identity="19990101-9811", first_name="Ali", last_name="Öztürk"),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    add_consent(db, asa, consent(af, "Gemensam planering"), actor_id=user.staff_id)
    add_consent(db, ali, consent(af, "Alis egen planering"), actor_id=user.staff_id)
    record_view(db, user.staff_id, asa, "personakt")
    record_view(db, user.staff_id, ali, "personakt")
    return asa, ali


def test_extract_has_every_record_of_the_person_and_none_of_others(db, user, two_people):
    asa, _ali = two_people
    extract = build_extract(db, asa, actor_id=user.staff_id)
    sections = {s.title: s.records for s in extract.sections}
    assert sections["Personuppgifter"][0]["Identitetsnummer"] == "20050317-9806"
    assert sections["Personuppgifter"][0]["Telefon"] == "070-1112233"
    assert sections["Personuppgifter"][0]["Kön"] == "Okänt"
    assert sections["Ansvariga handläggare"] == [
        {"Organisation": "Malmö stad", "Handläggare": "Sofia Berg"}
    ]
    assert sections["Samtycken"] == [
        {
            "Organisation": "Arbetsförmedlingen",
            "Syfte": "Gemensam planering",
            "Uppgifter": "Kontaktuppgifter, Hälsa och funktionsnedsättning",
            "Form": "Muntligt",
            "Giltigt från": "2026-01-15",
            "Giltigt till": "2026-12-31",
            "Återkallat": "–",
            "Registrerat av": "Sofia Berg",
            "Lämnas ut av": "Malmö stad",
            "Lämnas ut av nämnd": "Arbetsmarknadsenheten",
            "Mottagande nämnd": "–",
            "Syften": "Samordning och planering av insatser",
            "Under 18": "–",
            "Bedömning av mognad": "–",
        }
    ]
    assert [(e["Åtgärd"], e["Vad"]) for e in extract.audit] == [
        ("Skapade", "personuppgifter"),
        ("Skapade", "ansvarig handläggare"),
        ("Skapade", "samtycke"),
        ("Visade", "personakt"),
    ]
    text = as_markdown(extract)
    for other in ("Öztürk", "19990101", "Alis egen planering"):
        assert other not in text
    made = list_entries(db, AuditFilter(individual_id=asa, action="utdrag"))
    assert [e.detail for e in made] == ["registerutdrag"]


def test_every_person_table_is_in_the_extract(db, user, two_people):
    """A record type added later must appear without anyone remembering to add it."""
    from ungtui.services.privacy.extract import SECTION_TITLES
    from ungtui.store.models import DOMAIN_TABLES

    asa, _ali = two_people
    titles = {s.title for s in build_extract(db, asa, actor_id=None).sections}
    expected = {
        SECTION_TITLES.get(m.__tablename__, m.__tablename__)
        for m in DOMAIN_TABLES
        if m.__tablename__ == "individual" or "individual_id" in m.__table__.c
    }
    assert titles == expected


def test_find_person_by_number_or_id(db, user, two_people):
    asa, _ali = two_people
    assert find_person(db, "050317-9806") == asa
    assert find_person(db, asa) == asa
    with pytest.raises(NotFound, match="Ingen person"):
        find_person(db, "20050317-9814")


def test_extract_command_prints_markdown_or_json(db, user, two_people, capsys, tmp_path):
    asa, _ali = two_people
    assert main(["extract", "--db", str(db.path), "--person", "20050317-9806"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Registerutdrag\n")
    assert "- **Förnamn:** Åsa" in out
    assert main(["extract", "--db", str(db.path), "--person", asa, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["poster_i_registret"] == [asa]
    assert data["avsnitt"][0]["rubrik"] == "Personuppgifter"
    assert data["avsnitt"][0]["uppgifter"][0]["Förnamn"] == "Åsa"
    assert main(["extract", "--db", str(db.path), "--person", "20050317-9814"]) == 1
    assert "Ingen person" in capsys.readouterr().err


def test_every_field_has_a_swedish_name(db):
    """The extract is handed to the person: no column name in English."""
    from ungtui.services.privacy.extract import HIDDEN_COLUMNS, column_label
    from ungtui.store.models import PERSON_TABLES, Individual

    for model in (Individual, *PERSON_TABLES):
        for column in model.__table__.columns:
            if column.name not in HIDDEN_COLUMNS:
                assert column_label(model.__tablename__, column.name), (
                    model.__tablename__,
                    column.name,
                )


def test_the_way_reads_in_plain_swedish_with_phases_in_date_order(db, user):
    import re
    from datetime import date

    from ungtui.domain.measures import national_measure_id
    from ungtui.services.way.measures import ensure_measure_catalogue
    from ungtui.services.way.way import (
        ExitInput,
        MappingInput,
        MeasureInput,
        PhaseInput,
        WayStartInput,
        add_phase,
        exit_way,
        save_individual_measure,
        save_mapping,
        start_way,
    )

    ensure_measure_catalogue(db)
    pid = save_individual(
        db,
        IndividualInput(
            identity="20050317-9806",
            first_name="Åsa",
            last_name="Öberg",
            municipality="Malmö",
            af_status="oppet_arbetslos",
        ),
        actor_id=user.staff_id,
        organisation_id=user.organisation_id,
    )
    way = start_way(
        db, pid, WayStartInput("2026-02-02", "inflode", joined_on="2026-02-09"), actor_id=None
    )
    # Phases typed in another order than they happened.
    add_phase(db, way, PhaseInput("planering", "2026-03-01"), actor_id=None)
    add_phase(db, way, PhaseInput("kartlaggning", "2026-02-10"), actor_id=None)
    save_mapping(
        db,
        pid,
        MappingInput(mapped_on="2026-02-10", swedish_level="forstaspraket", schooling="grundskola"),
        actor_id=None,
    )
    save_individual_measure(
        db,
        way,
        MeasureInput(
            measure_id=national_measure_id("praktik"),
            start_date="2026-03-04",
            end_date="2026-06-01",
            status="avslutad",
            end_reason="genomford",
            hours_per_week="20,5",
        ),
        actor_id=None,
    )
    exit_way(db, way, ExitInput("2026-06-10", "studier"), actor_id=None, today=date(2026, 11, 24))
    text = as_markdown(build_extract(db, pid, actor_id=None))
    for english_or_code in (
        "Entry date",
        "Way:",
        "Exit outcome",
        "Started on",
        "forstaspraket",
        "kartlaggning",
        "genomford",
        "oppet_arbetslos",
        ":** studier",
        "True",
        "False",
    ):
        assert english_or_code not in text, english_or_code
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text)
    assert "- **Tackade ja:** 2026-02-09" in text
    assert "- **Gick vidare till:** Reguljära studier" in text
    assert "- **Svenska:** Svenska som förstaspråk" in text
    assert "- **Varför den slutade:** Genomförd enligt plan" in text
    assert "- **Timmar per vecka:** 20,5" in text
    assert "- **Status hos Arbetsförmedlingen:** Inskriven på AF, öppet arbetslös" in text
    assert "- **Väg:** vägen från 2026-02-02 till 2026-06-10" in text
    phases = re.findall(r"- \*\*Fas:\*\* (.+)", text)
    assert phases == ["Inflöde/uppsökande", "Kartläggning", "Planering", "Insats"]
    assert "### Fas 2" in text
