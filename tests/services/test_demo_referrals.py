from datetime import date

from ungtui.demo.fill import fill_demo
from ungtui.services.referrals.referrals import consent_gate, list_referrals


def test_demo_referrals_in_many_states_and_only_where_consent_allows(db):
    fill_demo(db, individuals=600, seed=5)
    rows = list_referrals(db, "overdue") + list_referrals(db, "person", individual_id=None)
    with db.engine.connect() as conn:
        referrals = conn.exec_driver_sql(
            "SELECT r.id, r.individual_id, r.from_organisation_id, r.to_organisation_id, s.state"
            " FROM referral r JOIN referral_state s ON s.referral_id = r.id"
        ).all()
    assert len(referrals) >= 40
    assert {state for *_, state in referrals} >= {"draft", "sent", "received", "started"}
    assert rows  # some are overdue
    # Every referral sent went from one nämnd or authority to another, on a consent from
    # the sender's nämnd for referrals (none within the kommun goes without one).
    within_kommun = 0
    for referral_id, _person, sender, receiver, state in referrals:
        if state != "draft":
            gate = consent_gate(db, referral_id, on=date(2026, 11, 24))
            assert gate.needed and gate.allowed, gate.message
            within_kommun += sender == receiver
    assert within_kommun >= 10
    with db.engine.connect() as conn:
        bases = [
            basis
            for (basis,) in conn.exec_driver_sql(
                "SELECT consent_basis FROM referral_event WHERE action = 'send'"
            )
        ]
    assert all(b.startswith("Samtycke från ") for b in bases)
    assert not any("har ärendet" in b for b in bases)
