"""Every stored field about a person belongs to one kind of data; a new one without a
category fails here before it can travel (or stay behind) by accident."""

from __future__ import annotations

from sqlmodel import Field

from ungtui.domain.data_categories import (
    FIELD_CATEGORIES,
    NOT_ABOUT_A_PERSON,
    RECORD_CATEGORIES,
    labels,
    travelling_columns,
    uncategorised,
)
from ungtui.store.models import DOMAIN_TABLES, Mapping
from ungtui.sync.state import LOCAL_COLUMNS, SYNCED_COLUMNS

LOCAL = LOCAL_COLUMNS  # install-local bookkeeping, never stored for anyone else


def stored_columns(models=DOMAIN_TABLES) -> dict[str, list[str]]:
    """Each model's stored fields, read from the model itself."""
    return {
        m.__tablename__: [name for name in m.model_fields if name not in LOCAL] for m in models
    }


def test_every_synced_field_of_every_record_has_a_category():
    columns = stored_columns()
    assert columns == {t: list(c) for t, c in SYNCED_COLUMNS.items()}
    assert uncategorised(columns) == []
    # Every table is either about a person or about no one, not both.
    tables = {m.__tablename__ for m in DOMAIN_TABLES}
    assert tables <= set(FIELD_CATEGORIES) | NOT_ABOUT_A_PERSON
    assert not set(FIELD_CATEGORIES) & NOT_ABOUT_A_PERSON
    assert set(RECORD_CATEGORIES) == set(FIELD_CATEGORIES)


def test_a_new_field_without_a_category_fails():
    # A field added to the mapping model (not registered as a table here, so that no
    # other test sees it).
    class MappingWithIncome(Mapping):
        __tablename__ = "mapping"
        monthly_income: str = Field(default="")

    columns = stored_columns([MappingWithIncome])
    assert list(columns) == ["mapping"]
    assert uncategorised(columns) == ["mapping.monthly_income"]


def test_a_new_table_about_a_person_without_categories_fails():
    assert uncategorised({"housing": ["individual_id", "address"]}) == ["housing"]


def test_a_record_goes_with_its_kind_and_then_field_by_field():
    way = ["individual_id", "entry_date", "exit_on", "exit_outcome", "exit_note"]
    assert travelling_columns("way", way, frozenset({"identitet", "kontakt"})) == []
    assert travelling_columns("way", way, frozenset({"arbete"})) == [
        "individual_id",
        "entry_date",
        "exit_on",
        "exit_outcome",
    ]
    assert travelling_columns("way", way, frozenset({"arbete", "anteckningar"})) == way


def test_a_mapping_goes_with_any_of_its_kinds_and_its_links():
    columns = ["individual_id", "way_id", "mapped_on", "schooling", "health", "support"]
    assert travelling_columns("mapping", columns, frozenset({"identitet"})) == []
    assert travelling_columns("mapping", columns, frozenset({"utbildning"})) == [
        "individual_id",
        "way_id",
        "mapped_on",
        "schooling",
    ]
    assert travelling_columns("mapping", columns, frozenset({"halsa", "ekonomi"})) == [
        "individual_id",
        "way_id",
        "mapped_on",
        "health",
        "support",
    ]


def test_health_and_social_circumstances_are_their_own_categories():
    assert FIELD_CATEGORIES["mapping"]["health"] == "halsa"
    assert FIELD_CATEGORIES["mapping"]["disability"] == "halsa"
    assert FIELD_CATEGORIES["mapping"]["social_situation"] == "social"
    assert FIELD_CATEGORIES["individual"]["phone"] == "kontakt"
    assert labels(["social", "identitet", "kontakt"]) == (
        "Identitet, Kontaktuppgifter, Sociala förhållanden"
    )


def test_a_category_is_missing_when_none_of_its_fields_is_held():
    from ungtui.domain.data_categories import categories_missing, columns_in

    assert columns_in("individual", "utbildning") == (
        "in_upper_secondary",
        "has_upper_secondary_diploma",
        "compulsory_school_done_on",
    )
    # Shared under Identitet + Kontaktuppgifter: identity and contact columns only.
    held = ["first_name", "last_name", "birth_date", "phone", "address", "municipality"]
    assert categories_missing("individual", held) == {"utbildning", "arbete"}
    # One field of a category is enough: the category came.
    assert categories_missing("individual", [*held, "af_status"]) == {"utbildning"}
    assert categories_missing("individual", []) == {"identitet", "kontakt", "utbildning", "arbete"}
