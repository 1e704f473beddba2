"""This install's settings, read in one place: defaults when nothing is stored, what the
services wrote read back, and stored values the rules refuse left unused."""

from __future__ import annotations

import pytest
from sqlmodel import select

from ungtui.domain.install_settings import IDLE_MINUTES, REPLY_WORKING_DAYS, RETENTION_YEARS
from ungtui.services.errors import ValidationError
from ungtui.services.install_settings import (
    ImportMapping,
    InstallSettings,
    read_settings,
    settings_from_rows,
    write_settings,
)
from ungtui.services.people.organisations import current_user
from ungtui.services.people.table_import import remember_mapping, remembered_mapping
from ungtui.services.privacy import retention
from ungtui.services.privacy.privacy_settings import privacy_settings, save_privacy_settings
from ungtui.services.referrals.referrals import reply_working_days, set_reply_working_days
from ungtui.store.models import Setting


def stored(db) -> dict[str, str]:
    with db.session() as session:
        return {s.key: s.value for s in session.exec(select(Setting)).all()}


def test_a_fresh_install_has_the_defaults(db):
    found = read_settings(db)
    assert found == InstallSettings(
        idle_minutes=10,
        lock_passphrase_hash="",
        share_in_meetings=False,
        reply_working_days=10,
        retention_years={},
        current_staff_id=None,
        import_mappings=(),
        refused=(),
    )
    assert found.retention_years_for("any-organisation") == 5
    assert current_user(db) is None


def test_what_the_services_write_is_read_back(db, user):
    save_privacy_settings(db, idle_minutes=" 3 ", share_in_meetings=True)
    set_reply_working_days(db, "15")
    retention.set_years(db, user.organisation_id, "7")
    remember_mapping(db, ["Namn", "Född"], ["first_name", None])
    found = read_settings(db)
    assert found.idle_minutes == 3
    assert found.share_in_meetings is True
    assert found.reply_working_days == 15
    assert found.retention_years == {user.organisation_id: 7}
    assert found.retention_years_for(user.organisation_id) == 7
    assert found.current_staff_id == user.staff_id
    assert found.import_mappings == (ImportMapping(("Namn", "Född"), ("first_name", None)),)
    assert found.refused == ()
    # Stored as text under the keys they always had: an existing install reads the same.
    assert stored(db) | {"current_staff_id": "-"} == {
        "current_staff_id": "-",
        "idle_lock_minutes": "3",
        "screen_share_in_meetings": "1",
        "referral_reply_working_days": "15",
        f"retention_years:{user.organisation_id}": "7",
        "table_import_mapping": '[{"headers": ["Namn", "Född"], "mapping": ["first_name", null]}]',
    }
    # Switching screen-share mode off removes its row.
    save_privacy_settings(db, idle_minutes="0")
    assert "screen_share_in_meetings" not in stored(db)
    assert privacy_settings(db).idle_minutes == 0


def test_the_import_keeps_ten_lists_and_the_latest_for_the_same_headers(db):
    for n in range(12):
        remember_mapping(db, [f"Kolumn {n}"], ["first_name"])
    remember_mapping(db, ["Kolumn 5"], ["last_name"])
    headers = [m.headers for m in read_settings(db).import_mappings]
    # After twelve, the last ten (2–11); the one used again moves to the end.
    assert headers == [(f"Kolumn {n}",) for n in (2, 3, 4, 6, 7, 8, 9, 10, 11, 5)]
    assert remembered_mapping(db, ["Kolumn 5"]) == ["last_name"]
    assert remembered_mapping(db, ["Kolumn 1"]) is None


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("idle_lock_minutes", "tio"),
        ("idle_lock_minutes", "241"),
        ("idle_lock_minutes", "-1"),
        ("referral_reply_working_days", "0"),
        ("referral_reply_working_days", "121"),
        ("referral_reply_working_days", "1.5"),
        ("retention_years:org-1", "0"),
        ("retention_years:org-1", "fem"),
        ("table_import_mapping", "not json"),
        ("table_import_mapping", '{"headers": []}'),
        ("table_import_mapping", '[{"headers": ["A"], "mapping": [3]}]'),
    ],
)
def test_a_stored_value_the_rules_refuse_is_not_used(db, key, value):
    write_settings(db, {key: value})
    found = read_settings(db)
    assert found.refused == (key,)
    assert found.idle_minutes == 10
    assert found.reply_working_days == 10
    assert found.retention_years == {}
    assert found.retention_years_for("org-1") == 5
    assert found.import_mappings == ()
    # The services read the same and do not fail on it.
    assert privacy_settings(db).idle_minutes == 10
    assert reply_working_days(db) == 10
    assert retention.years_for(db) == {}
    assert remembered_mapping(db, ["A"]) is None


def test_the_edges_of_each_range_are_accepted():
    rows = {
        "idle_lock_minutes": "240",
        "referral_reply_working_days": "120",
        "retention_years:a": "1",
        "retention_years:b": "100",
    }
    found = settings_from_rows(rows)
    assert (found.idle_minutes, found.reply_working_days) == (240, 120)
    assert found.retention_years == {"a": 1, "b": 100}
    assert settings_from_rows({"idle_lock_minutes": "0"}).idle_minutes == 0
    assert settings_from_rows({"referral_reply_working_days": "1"}).reply_working_days == 1


def test_screen_share_is_on_only_when_stored_as_one():
    assert settings_from_rows({"screen_share_in_meetings": "1"}).share_in_meetings is True
    assert settings_from_rows({"screen_share_in_meetings": "ja"}).share_in_meetings is False


def test_typed_values_are_refused_with_the_rule_s_message(db, user):
    with pytest.raises(ValidationError) as raised:
        save_privacy_settings(db, idle_minutes="241")
    assert raised.value.errors == {"idle_minutes": "Välj mellan 0 (aldrig) och 240 minuter."}
    with pytest.raises(ValidationError) as raised:
        retention.set_years(db, user.organisation_id, "ett")
    assert raised.value.errors == {"years": "Skriv antal år som en siffra, till exempel 5."}
    with pytest.raises(ValidationError) as raised:
        set_reply_working_days(db, "0")
    assert raised.value.errors == {
        "days": "Ange ett antal arbetsdagar mellan 1 och 120, till exempel 10."
    }
    # Nothing was written by a refused value.
    assert set(stored(db)) == {"current_staff_id"}


def test_the_rules_by_hand():
    assert IDLE_MINUTES.parse(" 0 ") == 0
    assert RETENTION_YEARS.parse("+3") == 3
    with pytest.raises(ValueError, match="siffra"):
        RETENTION_YEARS.parse("3 år")
    with pytest.raises(ValueError, match="mellan 1 och 120"):
        REPLY_WORKING_DAYS.parse("²")
    assert REPLY_WORKING_DAYS.read(None) == 10
    assert REPLY_WORKING_DAYS.read("12") == 12
    assert REPLY_WORKING_DAYS.read("x") == 10
