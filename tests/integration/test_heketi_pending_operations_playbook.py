"""ansible-playbook runs of the safety rails (action group, module_defaults) against the REAL Heketi
server with a stale pending operation made for real (disk syncs held, server killed mid-operation,
restarted: tests/real_heketi_faults.py), and against the real server and the emulation with nothing
pending.  The real half is skipped, with the reason, where the real server cannot run here."""
import os
import threading

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_topology import TopologyReconciler
from tests.integration.ansible_playbook import run_playbook
from tests import real_heketi, real_heketi_faults as faults
from tests.heketi_emulator import HeketiEmulator
from tests.unit.helpers import three_site_topology

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "tests", "integration", "playbooks", "heketi_pending_operations.yml")


def playbook(server, *extra):
    return run_playbook(["-i", "localhost,", PLAYBOOK,
                         "-e", "heketi_url=%s heketi_key=%s" % (server.url, server.admin_key)] + list(extra))


@pytest.fixture(params=["real", "emulation"])
def server(request):
    if request.param == "real":
        reason = real_heketi.available()
        if reason:
            pytest.skip("real Heketi: %s" % reason)
        srv = real_heketi.RealHeketi()
    else:
        srv = HeketiEmulator(pending_polls=1)
    srv.start()
    yield srv
    srv.stop()


def test_nothing_pending_nothing_refused(server):
    TopologyReconciler(HeketiClient(server.url, key=server.admin_key, poll_interval=0.01),
                       three_site_topology()).plan().apply([])
    run = playbook(server)
    assert run["rc"] == 0 and run["failed"] == 0, run["out"][-3000:]
    assert run["changed"] == 1, run["out"][-3000:]  # the volume, not refused
    again = playbook(server)
    assert again["rc"] == 0 and again["changed"] == 0, again["out"][-3000:]


def test_stale_operation_refuses_until_cleaned_up():
    reason = faults.unavailable()
    if reason:
        pytest.skip("real Heketi faults: %s" % reason)
    with real_heketi.RealHeketi() as real:
        client = HeketiClient(real.url, key=real.admin_key, poll_interval=0.01, retries=0)
        TopologyReconciler(client, three_site_topology()).plan().apply([])
        with faults.slow_disk(real, seconds=8):
            thread = threading.Thread(target=lambda: _create_ignoring_errors(client), daemon=True)
            thread.start()
            faults.wait_for(real, lambda counts: counts["total"] == 1)
            faults.crash(real)
        thread.join(10)
        faults.restart(real)
        run = playbook(real, "-e", "expect_stale=true")
        assert run["rc"] == 0, run["out"][-4000:]
        assert run["failed"] == 0 and "...ignoring" in run["out"], run["out"][-4000:]
        assert run["changed"] == 3, run["out"][-4000:]  # the cleanup predicted (check mode), made, then the volume


def _create_ignoring_errors(client):
    try:
        client.volume_create({"size": 2, "durability": {"type": "replicate", "replicate": {"replica": 3}}})
    except Exception:  # the server is killed under it
        pass
