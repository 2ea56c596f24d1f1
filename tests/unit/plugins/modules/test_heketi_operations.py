"""heketi_operations with nothing pending (REAL Heketi and the emulation), and the guard against the emulation.

Stale and failed operations exist only on the real server: they are made and
cleaned up there in test_heketi_pending_guard.py.
"""
import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_topology import TopologyReconciler
from tests import real_heketi
from tests.heketi_emulator import HeketiEmulator
from tests.unit.helpers import three_site_topology
from tests.unit.module_on_server import module_runner

ZERO = {"total": 0, "in_flight": 0, "stale": 0, "failed": 0, "new": 0}


@pytest.fixture(params=["real", "emulation"])
def server(request):
    if request.param == "real":
        reason = real_heketi.available()
        if reason:
            pytest.skip("real Heketi: %s" % reason)
        srv = real_heketi.RealHeketi().start()
    else:
        srv = HeketiEmulator(pending_polls=1).start()
    yield srv
    srv.stop()


def test_nothing_pending_is_nothing_to_do(server, monkeypatch):
    run = module_runner(monkeypatch, server)
    listed = run("heketi_operations", {})
    assert listed == dict(listed, changed=False, operations=[], counts=ZERO, cleaned=[], remaining=[])
    assert listed["api_calls"] == 2  # GET /operations, GET /operations/pending
    for check in (True, False):
        since = len(server.requests)
        result = run("heketi_operations", {"state": "absent"}, check=check)
        assert not result["changed"] and result["cleaned"] == []
        assert [m for m, _p, _s in server.requests[since:]] == ["GET", "GET"]
    # ids that are not pending are already absent
    assert not run("heketi_operations", {"state": "absent", "ids": ["0" * 32]})["changed"]


def test_bad_input_is_refused_before_any_request(server, monkeypatch):
    run = module_runner(monkeypatch, server)
    since = len(server.requests)
    failed = run("heketi_operations", {"state": "clean"}, expect_fail=True)
    assert "state" in failed["msg"] and "query" in failed["msg"]
    assert server.requests[since:] == []


def test_changes_wait_for_operations_in_flight_then_go_on():
    """emulation only: an operation held in flight for as many polls as the test wants (pending_polls)."""
    with HeketiEmulator(pending_polls=10 ** 6) as emu:
        client = HeketiClient(emu.url, key=emu.admin_key, poll_interval=0)
        emu.pending_polls = 0
        TopologyReconciler(client, three_site_topology()).plan().apply([])
        emu.pending_polls = 10 ** 6
        resp = client._exchange("POST", "/volumes", {"size": 1})  # another client's create, not polled
        assert resp.status == 202
        queue = resp.header("Location")

        monkeypatch = pytest.MonkeyPatch()
        try:
            run = module_runner(monkeypatch, emu)
            since = len(emu.requests)
            refused = run("heketi_volume", {"name": "later", "size": 1, "poll_timeout": 0}, expect_fail=True)
            assert "in flight" in refused["msg"] and queue.rsplit("/", 1)[1] in refused["msg"]
            assert [(m, p) for m, p, _s in emu.requests[since:] if m != "GET"] == []
            emu.queue[queue.rsplit("/", 1)[1]].polls_left = 0  # the other client's operation finishes
            emu.pending_polls = 0
            made = run("heketi_volume", {"name": "later", "size": 1})
            assert made["changed"]
        finally:
            monkeypatch.undo()
