"""The receiver an export starts with: the other party, never one's own side (walker29 #9)."""

from __future__ import annotations

from tests.sync_helpers import kommun_and_af
from ungtui.services.people.organisations import add_organisation
from ungtui.services.sync.sync_files import default_target, export_targets


def test_the_export_starts_with_the_one_other_party_or_with_no_one(tmp_path):
    kommun, af = kommun_and_af(tmp_path)
    af_id, kommun_id = af.user.organisation_id, kommun.user.organisation_id
    # The kommun knows AF and its own nämnder (no one works in the others here).
    targets = export_targets(kommun.db)
    assert [t.label for t in targets if t.own] == [
        "Malmö stad (212000-1124) – Arbetsmarknadsenheten (din egen nämnd)"
    ]
    assert default_target(kommun.db, targets) == af_id
    # AF knows the kommun only by its number: the kommun as a whole until a file says
    # which nämnd; AF itself is marked.
    targets = export_targets(af.db)
    assert [t.label for t in targets if t.own] == [
        "Arbetsförmedlingen (202100-2114) (din egen organisation)"
    ]
    assert default_target(af.db, targets) == kommun_id
    # A second other party: no one is chosen, until only one of them has sent a file.
    add_organisation(af.db, name="Försäkringskassan", org_nr="202100-5521", kind="fk")
    assert default_target(af.db, export_targets(af.db)) is None
    kommun.carry(af, tmp_path)
    assert default_target(af.db, export_targets(af.db)) == f"{kommun_id}#arbetsmarknad"
    kommun.db.close()
    af.db.close()
