import os
import sqlite3
import stat

import pytest

from ungtui.store.database import StoreError, open_database
from ungtui.store.migrations import LATEST_VERSION


def test_new_database_is_private_and_migrated(tmp_path):
    path = tmp_path / "sub" / "ny.db"
    db = open_database(path)
    db.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "framtid.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE framtid (x)")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="nyare version av ungtui"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_a_database_gets_a_swedish_message(tmp_path):
    path = tmp_path / "anteckningar.db"
    path.write_text("Det här är ingen databas, bara text som råkar heta .db\n" * 20)
    with pytest.raises(StoreError, match="inte en ungtui-databas"):
        open_database(path)


def test_missing_database_is_not_created_when_not_allowed(tmp_path):
    with pytest.raises(StoreError, match="finns inte"):
        open_database(tmp_path / "saknas.db", create=False)
    assert not (tmp_path / "saknas.db").exists()


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(StoreError, match="mapp"):
        open_database(tmp_path)
