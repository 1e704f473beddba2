import pytest

from ungtui.services.people.organisations import list_organisations
from ungtui.services.processes.processes import ProcessInput, save_process


@pytest.fixture
def orgs(db, user):
    """Malmö stad (the user's) and Arbetsförmedlingen, by name."""
    from ungtui.services.unit_of_work import UnitOfWork
    from ungtui.store.models import Organisation

    with UnitOfWork(db, user.staff_id) as uow:
        uow.create(Organisation(name="Arbetsförmedlingen", org_nr="202100-2114", kind="af"))
    return {o.name: o.id for o in list_organisations(db)}


@pytest.fixture
def make_process(db, user, orgs):
    def make(title="Samverkansgrupp", what="Vi träffas.", how="1. Kalla.", **extra):
        data = ProcessInput(
            title=title,
            what_agreed=what,
            how_done=how,
            responsible_organisation_id=orgs["Malmö stad"],
            responsible_role="Samordnare",
            party_ids=[orgs["Malmö stad"], orgs["Arbetsförmedlingen"]],
            **extra,
        )
        return save_process(db, data, actor_id=user.staff_id)

    return make
