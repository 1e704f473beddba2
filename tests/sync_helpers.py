"""Installs for sync tests: each its own database in tmp_path, exchanging change sets."""

from __future__ import annotations

from ungtui.services.dump import dump_json
from ungtui.services.organisations import register_user
from ungtui.services.sync import Sender, build_changes, import_changes
from ungtui.store.database import open_database
from ungtui.sync import state


class Install:
    def __init__(self, path, name: str, join: Install | None = None):
        self.db = open_database(path)
        with self.db.engine.begin() as conn:
            self.site = state.site_id(conn)
        if join is None:
            self.user = register_user(
                self.db,
                name=name,
                unit_name="Jobbcenter Unga",
                organisation_name="Malmö stad",
                org_nr="212000-1124",
                kind="kommun",
            )
        else:
            join.send(self, full=True)
            self.user = register_user(
                self.db,
                name=name,
                unit_name="Jobbcenter Unga",
                organisation_id=join.user.organisation_id,
            )

    def send(self, other: Install, for_organisation=None, full=False):
        changes = build_changes(self.db, for_organisation=for_organisation, full=full)
        return import_changes(other.db, changes, Sender(self.site, self.user.organisation_id))

    def dump(self) -> str:
        return dump_json(self.db)
