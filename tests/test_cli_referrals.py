"""`ungtui referral list|days` on a small database made through the services."""

from __future__ import annotations

from datetime import date

import pytest

from ungtui.cli import main
from ungtui.services.consent.consents import ConsentInput, add_consent
from ungtui.services.people.individuals import IndividualInput, save_individual
from ungtui.services.people.organisations import add_organisation, register_user
from ungtui.services.referrals.referrals import (
    ReferralDraft,
    TransitionInput,
    create_referral,
    transition_referral,
)
from ungtui.store.database import open_database


@pytest.fixture
def path(tmp_path):
    """Malmö stad sent one referral to AF three weeks ago (overdue now), AF one back today;
    the install's user is AF's caseworker."""
    path = tmp_path / "remisser.db"
    db = open_database(path)
    kommun = register_user(
        db,
        name="Sofia Berg",
        unit_name="Jobbcenter Unga",
        organisation_name="Malmö stad",
        org_nr="212000-1124",
        kind="kommun",
    )
    af_org = add_organisation(db, name="Arbetsförmedlingen", org_nr="2021002114", kind="af")
    af = register_user(db, name="Karin Lind", unit_name="Malmö Unga", organisation_id=af_org)
    person = save_individual(
        db,
        IndividualInput(identity="20050317-9806", first_name="Åsa", last_name="Öberg"),
        actor_id=kommun.staff_id,
        organisation_id=kommun.organisation_id,
    )
    add_consent(
        db,
        person,
        ConsentInput(
            organisation_id=af_org,
            purpose="Planering",
            purposes=["remiss"],
            data_categories=["arbete"],
            valid_from="2026-01-01",
        ),
        actor_id=kommun.staff_id,
    )
    # AF's own consent, recorded at AF, to answer with a referral of its own.
    add_consent(
        db,
        person,
        ConsentInput(
            organisation_id=kommun.organisation_id,
            receiver_domain="arbetsmarknad",
            purpose="Arbetsträning",
            purposes=["remiss"],
            data_categories=["arbete"],
            valid_from="2026-01-01",
        ),
        actor_id=af.staff_id,
    )
    early = date(2026, 11, 2)
    to_af = create_referral(
        db,
        kommun,
        ReferralDraft(
            individual_id=person,
            to_organisation_id=af_org,
            to_unit_id=af.unit_id,
            kind="other",
            measure="Inskrivning",
            purpose="Planering mot arbete",
        ),
        today=early,
    )
    transition_referral(db, kommun, to_af, TransitionInput(action="send"), today=early)
    to_kommun = create_referral(
        db,
        af,
        ReferralDraft(
            individual_id=person,
            to_organisation_id=kommun.organisation_id,
            to_unit_id=kommun.unit_id,
            kind="labour_market",
            measure="Arbetsträning",
            purpose="Pröva lager",
        ),
    )
    transition_referral(db, af, to_kommun, TransitionInput(action="send"))
    db.close()
    return str(path)


def test_list_prints_overdue_first_then_inbox_and_sent(path, capsys):
    assert main(["referral", "list", "--db", path]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Remisser för Arbetsförmedlingen, Malmö Unga: 1 försenade, 1 i inkorgen (1 nya), "
        "1 skickade."
    )
    overdue_line = (
        "FÖRSENAD 2026-11-16  Skickad     Öberg, Åsa                  Annat: Inskrivning  "
        "(Malmö stad, Jobbcenter Unga → Arbetsförmedlingen, Malmö Unga)"
    )
    sent_line = (
        "         2026-12-08  Skickad     Öberg, Åsa                  "
        "Arbetsmarknadsenhet/Jobbcenter: Arbetsträning  "
        "(Arbetsförmedlingen, Malmö Unga → Malmö stad, Jobbcenter Unga)"
    )
    assert out[2:] == [
        "Försenade:",
        "         Svara senast  Läge        Person                      Remiss",
        overdue_line,
        "",
        "Inkorg:",
        "         Svara senast  Läge        Person                      Remiss",
        overdue_line,
        "",
        "Skickade:",
        "         Svara senast  Läge        Person                      Remiss",
        sent_line,
    ]


def test_another_unit_of_the_same_authority_lists_none_of_them(path, capsys):
    db = open_database(path)
    af_org = db_org(db, "Arbetsförmedlingen")
    register_user(db, name="Per Holm", unit_name="Malmö Väster", organisation_id=af_org)
    db.close()
    assert main(["referral", "list", "--db", path]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "Remisser för Arbetsförmedlingen, Malmö Väster: 0 försenade, 0 i inkorgen (0 nya), "
        "0 skickade."
    )
    assert [line for line in out if line.strip().startswith("(")] == ["  (inga)"] * 3


def db_org(db, name: str) -> str:
    from ungtui.services.people.organisations import list_organisations

    return next(o.id for o in list_organisations(db) if o.name == name)


def test_list_overdue_only(path, capsys):
    assert main(["referral", "list", "--overdue", "--db", path]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2] == "Försenade:"
    assert len(out) == 5
    assert out[4].startswith("FÖRSENAD 2026-11-16")


def test_bad_input_exits_2_in_swedish(path, capsys):
    assert main(["referral", "--db", path]) == 2
    assert capsys.readouterr().err.startswith("ungtui: Ange vad du vill göra.")
    assert main(["referral", "visa", "--db", path]) == 2
    assert "Okänt remisskommando: visa." in capsys.readouterr().err
    assert main(["referral", "days", "tio", "--db", path]) == 2
    err = capsys.readouterr().err
    assert "mellan 1 och 120" in err
    assert "Traceback" not in err


def test_days_shows_and_changes_the_default(path, capsys):
    assert main(["referral", "days", "--db", path]) == 0
    assert capsys.readouterr().out == "Svara senast sätts till 10 arbetsdagar efter i dag.\n"
    assert main(["referral", "days", "15", "--db", path]) == 0
    assert capsys.readouterr().out == "Nya remisser får svara senast 15 arbetsdagar efter i dag.\n"
    assert main(["referral", "days", "--db", path]) == 0
    assert "15 arbetsdagar" in capsys.readouterr().out


def test_a_database_without_a_user(tmp_path, capsys):
    path = tmp_path / "tom.db"
    open_database(path).close()
    assert main(["referral", "list", "--db", str(path)]) == 1
    assert "ingen användare" in capsys.readouterr().err
