"""The person view's history: the person's own changes, consents given and withdrawn and
the steps of the person's referrals, in Swedish with ISO times (walker29 #9)."""

from __future__ import annotations

import re

from tests.tui.test_referrals_screen import World
from ungtui.services.consent.consents import withdraw_consent
from ungtui.services.people.individuals import get_individual
from ungtui.services.referrals.referrals import TransitionInput, transition_referral


def test_the_history_has_consents_and_referral_steps(tmp_path):
    world = World(tmp_path / "historik.db")
    consents = get_individual(world.db, world.asa).consents
    [to_af] = [c.id for c in consents if c.organisation_id == world.af.organisation_id]
    withdraw_consent(world.db, to_af, actor_id=world.kommun.staff_id)
    transition_referral(world.db, world.kommun, world.incoming, TransitionInput(action="receive"))
    history = get_individual(world.db, world.asa).history
    seen = {(h.field, h.old_value or "", h.new_value or "", h.actor, h.kind) for h in history}
    assert seen == {
        ("Registrerad", "", "", "Sofia Berg", "field"),
        ("Samtycke lämnat", "", "Arbetsförmedlingen: Arbete och insatser", "Sofia Berg",
         "consent"),
        ("Samtycke lämnat", "", "Malmö stad: Arbete och insatser", "Karin Lind", "consent"),
        ("Samtycke återkallat", "", "Arbetsförmedlingen", "Sofia Berg", "consent"),
        ("Remiss: Skickad", "Arbetsförmedlingen", "Malmö stad", "Karin Lind", "referral"),
        ("Remiss: Mottagen", "Arbetsförmedlingen", "Malmö stad", "Sofia Berg", "referral"),
    }
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", h.at) for h in history)
    # Newest first: the referral received last, the registration first of all.
    assert history[0].field == "Remiss: Mottagen"
    assert history[-1].field == "Registrerad"
    # One page at a time, in SQL: the newest two, and one more to tell there are more.
    short = get_individual(world.db, world.asa, history_limit=2).history
    assert [h.field for h in short] == [h.field for h in history[:3]]
    world.db.close()
