"""Safety rails against the REAL Heketi server (v10, mock executor): pending operations made for real.

A volume create is kept in flight by holding the server's disk syncs
(tests/real_heketi_faults.slow_disk: strace delays fdatasync, as a slow or
stuck disk would); the server is then killed mid-operation and restarted on
the same DB, where Heketi marks the operation stale, as after a crash or an
OOM kill.  The emulation has no pending operations, so none of this runs
against it.
"""
import threading

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_state import load_state, read_per_object
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_topology import TopologyReconciler
from tests import real_heketi, real_heketi_faults as faults
from tests.unit.helpers import three_site_topology
from tests.unit.module_on_server import module_runner

ALL = ("clusters", "volumes", "blockvolumes")


@pytest.fixture
def real():
    reason = faults.unavailable()
    if reason:
        pytest.skip("real Heketi faults: %s" % reason)
    server = real_heketi.RealHeketi().start()
    yield server
    server.stop()


def changes_sent(server, since):
    return [(m, p, s) for m, p, s in server.requests[since:] if m != "GET"]


def stuck_volume_create(server):
    """Start a volume create that stays in flight (disk syncs held); return (thread, pending op)."""
    client = HeketiClient(server.url, key=server.admin_key, poll_interval=0.05, retries=0)
    result = {}

    def create():
        try:
            result["volume"] = client.volume_create({"size": 2, "name": "stuck",
                                                     "durability": {"type": "replicate",
                                                                    "replicate": {"replica": 3}}})
        except Exception as err:  # the server is killed under it
            result["error"] = err

    thread = threading.Thread(target=create, daemon=True)
    thread.start()
    faults.wait_for(server, lambda counts: counts["total"] == 1 and counts["in_flight"] == 1)
    _s, _h, listing = server.call("GET", "/operations/pending")
    return thread, listing["pendingoperations"][0]


def test_pending_operations_refuse_changes_until_cleaned_up(real, monkeypatch):
    run = module_runner(monkeypatch, real)
    client = HeketiClient(real.url, key=real.admin_key, poll_interval=0.01)
    topo = three_site_topology()
    TopologyReconciler(client, topo).plan().apply([])
    want = {"name": "wanted", "size": 1}

    with faults.slow_disk(real, seconds=12):
        thread, op = stuck_volume_create(real)
        assert op["type_name"] == "create-volume" and op["sub_status"] == "in-flight"

        # the dump hides the volume being created, as the per-object routes do
        state = load_state(client, ALL)
        assert state.source == "db_dump" and "stuck" not in [v["name"] for v in state.volumes.values()]
        assert state.volumes == read_per_object(client, ALL).volumes

        # a no-op costs no extra request: the guard only runs before a change
        since = len(real.requests)
        result = run("heketi_topology", {"topology": topo})
        assert not result["changed"] and [p for _m, p, _s in real.requests[since:]] == ["/db/dump"]

        # a change waits for the operation in flight (poll_timeout), then refuses, naming it
        since = len(real.requests)
        refused = run("heketi_volume", dict(want, poll_timeout=1), expect_fail=True)
        assert op["id"] in refused["msg"] and "create-volume, in flight" in refused["msg"]
        assert "Nothing was changed" in refused["msg"] and refused["changed"] is False
        assert [o["id"] for o in refused["pending_operations"]] == [op["id"]]
        assert changes_sent(real, since) == []

        # check mode predicts the same refusal and sends nothing
        since = len(real.requests)
        predicted = run("heketi_volume", dict(want, poll_timeout=0), check=True, expect_fail=True)
        assert op["id"] in predicted["msg"] and predicted["planned"] == ["create volume wanted (1 GiB)"]
        assert changes_sent(real, since) == []

        faults.crash(real)  # killed mid-operation (power cut, OOM kill)
    thread.join(10)
    faults.restart(real)

    _s, _h, counts = real.call("GET", "/operations")
    assert counts == {"total": 1, "in_flight": 0, "stale": 1, "failed": 0, "new": 0}

    # a stale operation refuses at once, with the way out
    since = len(real.requests)
    refused = run("heketi_volume", want, expect_fail=True)
    assert "%s (create-volume, stale)" % op["id"] in refused["msg"]
    assert "heketi_operations state=absent" in refused["msg"] and "POST /operations/pending/cleanup" in refused["msg"]
    assert changes_sent(real, since) == []
    assert [p for _m, p, _s in real.requests[since:]].count("/operations") == 1  # no waiting on stale ones

    # heketi_info shows it
    info = run("heketi_info", {"gather": ["operations", "db_check"]})
    assert info["operations"]["stale"] == 1 and info["db_check"]["volumes"]["pending"] == 1

    # heketi_operations lists it with its changes, changing nothing
    since = len(real.requests)
    listed = run("heketi_operations", {})
    assert not listed["changed"] and listed["counts"]["stale"] == 1
    assert [(o["id"], o["type_name"], o["status"]) for o in listed["operations"]] == \
        [(op["id"], "create-volume", "stale")]
    assert sorted(c["description"] for c in listed["operations"][0]["changes"]) == ["Add brick"] * 3 + ["Add volume"]
    assert changes_sent(real, since) == []

    # check mode: what would be cleaned, nothing sent
    since = len(real.requests)
    dry = run("heketi_operations", {"state": "absent"}, check=True)
    assert dry["changed"] and dry["cleaned"] == [op["id"]] and dry["remaining"] == []
    assert dry["diff"]["before"]["pending_operations"] == ["%s (create-volume, stale)" % op["id"]]
    assert dry["diff"]["after"]["pending_operations"] == []
    assert changes_sent(real, since) == []

    # clean up for real, then again: idempotent
    since = len(real.requests)
    cleaned = run("heketi_operations", {"state": "absent"})
    assert cleaned["changed"] and cleaned["cleaned"] == [op["id"]] and cleaned["remaining"] == []
    assert [(m, p) for m, p, _s in changes_sent(real, since)] == [("POST", "/operations/pending/cleanup")]
    _s, _h, counts = real.call("GET", "/operations")
    assert counts["total"] == 0
    since = len(real.requests)
    again = run("heketi_operations", {"state": "absent"})
    assert not again["changed"] and again["cleaned"] == [] and changes_sent(real, since) == []

    # the half-made volume is gone, the DB is consistent, and changes go through again
    _s, _h, check = real.call("GET", "/db/check")
    assert check["totalinconsistencies"] == 0 and check["volumes"]["total"] == 0 and check["bricks"]["total"] == 0
    since = len(real.requests)
    made = run("heketi_volume", want)
    assert made["changed"]
    paths = [(m, p) for m, p, _s in real.requests[since:]]
    assert paths.index(("GET", "/operations")) < paths.index(("POST", "/volumes"))
    assert paths.count(("GET", "/operations")) == 1


def test_cleanup_of_an_operation_still_running_is_refused(real, monkeypatch):
    """Heketi cleans only stale or failed operations; asking for a running one by id says so."""
    run = module_runner(monkeypatch, real)
    client = HeketiClient(real.url, key=real.admin_key, poll_interval=0.01)
    TopologyReconciler(client, three_site_topology()).plan().apply([])
    with faults.slow_disk(real, seconds=6):
        thread, op = stuck_volume_create(real)
        since = len(real.requests)
        refused = run("heketi_operations", {"state": "absent", "ids": [op["id"]], "details": False}, expect_fail=True)
        assert "still running: %s (create-volume, in flight)" % op["id"] in refused["msg"]
        assert changes_sent(real, since) == []
        # without ids, the running one is left alone (a warning), nothing sent
        left = run("heketi_operations", {"state": "absent", "details": False})
        assert not left["changed"] and left["cleaned"] == [] and op["id"] in left["warnings"][0]
        assert changes_sent(real, since) == []
    thread.join(30)
    assert not thread.is_alive()


def test_heketi_info_returns_db_check_inconsistencies(real, monkeypatch):
    """A DB that no longer holds together (a device that lost track of its brick), made with the real
    ``heketi db import`` from an edited dump: heketi_info names what /db/check found."""
    run = module_runner(monkeypatch, real)
    client = HeketiClient(real.url, key=real.admin_key, poll_interval=0.01)
    TopologyReconciler(client, three_site_topology()).plan().apply([])
    client.volume_create({"size": 2, "name": "v", "durability": {"type": "replicate", "replicate": {"replica": 3}}})
    assert run("heketi_info", {"gather": ["db_check"]})["db_inconsistencies"] == []
    dump = client.db_dump()
    brick_id, brick = sorted(dump["brickentries"].items())[0]
    device = dump["deviceentries"][brick["Info"]["device"]]
    device["Bricks"] = [b for b in device["Bricks"] if b != brick_id]
    faults.rewrite_db(real, dump)
    info = run("heketi_info", {"gather": ["db_check", "clusters"]})
    assert info["db_check"]["totalinconsistencies"] >= 1
    assert info["db_inconsistencies"] and all(": " in text for text in info["db_inconsistencies"])
    assert any(brick_id in text for text in info["db_inconsistencies"]), info["db_inconsistencies"]
    assert info["state_source"] == "db_dump"
