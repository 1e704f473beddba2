from ungtui.services.consents import may_receive
from ungtui.services.demo import fill_demo
from ungtui.services.referrals import list_referrals


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
    for _id, person, sender, receiver, state in referrals:
        if sender != receiver and state != "draft":
            assert may_receive(db, person, receiver).allowed
