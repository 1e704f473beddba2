"""Processes, versions and agreements travel by sync, and arrive searchable."""

from dataclasses import replace

from tests.sync_helpers import Install
from ungtui.services.processes import processes as svc
from ungtui.services.processes.starting_content import load_starting_content
from ungtui.store.process_search import ProcessQuery


def test_processes_travel_and_the_receiver_finds_them_by_search(tmp_path):
    malmo = Install(tmp_path / "malmo.db", "Sofia Berg")
    af = Install(
        tmp_path / "af.db",
        "Karin Lind",
        organisation_name="Arbetsförmedlingen",
        org_nr="202100-2114",
        kind="af",
    )
    load_starting_content(malmo.db, actor_id=malmo.user.staff_id)
    pid = svc.find_process(malmo.db, "SamUng i Gislaved")
    edited = replace(svc.process_input(malmo.db, pid), title="SamUng i Gislaved och Gnosjö")
    svc.save_process(malmo.db, edited, actor_id=malmo.user.staff_id, process_id=pid)

    malmo.send(af, full=True)

    hits = svc.search(af.db, ProcessQuery("samung gnosjo"))
    assert [h.title for h in hits] == ["SamUng i Gislaved och Gnosjö"]
    detail = svc.get_process(af.db, pid)
    assert [v.version for v in detail.versions] == [2, 1]
    assert svc.count(af.db, ProcessQuery()) == 15
    # A later edit at the receiver reaches the index there too.
    renamed = replace(svc.process_input(af.db, pid), title="SamUng")
    svc.save_process(af.db, renamed, actor_id=af.user.staff_id, process_id=pid)
    assert [h.title for h in svc.search(af.db, ProcessQuery("samung"))] == ["SamUng"]
    af.send(malmo)
    assert [h.title for h in svc.search(malmo.db, ProcessQuery("samung"))] == ["SamUng"]
