"""Whole-state reads in one GET /db/dump, against the REAL Heketi (v10, mock executor) and the emulation.

* the views built from the dump are exactly what the per-object routes answer;
* the emulation's dump has the real server's key structure;
* the reconciler, heketi_topology, heketi_info and heketi_node read with one request;
* where the dump is refused, the per-object reads are used and say so.
"""
import json

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient, HeketiError
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_state import (
    load_state,
    read_per_object,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_topology import TopologyReconciler
from tests import real_heketi
from tests.heketi_emulator import HeketiEmulator
from tests.unit.helpers import three_site_topology
from tests.unit.module_on_server import module_runner

ALL = ("clusters", "volumes", "blockvolumes")


def start(kind):
    if kind == "real":
        reason = real_heketi.available()
        if reason:
            pytest.skip("real Heketi: %s" % reason)
        return real_heketi.RealHeketi().start()
    return HeketiEmulator(pending_polls=1).start()


@pytest.fixture(params=["real", "emulation"])
def server(request):
    srv = start(request.param)
    yield srv
    srv.stop()


def client_for(server, **kwargs):
    return HeketiClient(server.url, key=server.admin_key, poll_interval=0.01, **kwargs)


def populate(client):
    """A 2+2+1 topology (two devices each, one tagged), a replica-3 volume, a block volume in its hosting volume."""
    topo = three_site_topology(devices=("/dev/vdb", "/dev/vdc"))
    topo["clusters"][0]["nodes"][0]["devices"][1]["tags"] = {"disk": "ssd"}
    TopologyReconciler(client, topo).plan().apply([])
    client.volume_create({"size": 5, "name": "plain", "durability": {"type": "replicate", "replicate": {"replica": 3}}})
    client.volume_create({"size": 20, "block": True, "name": "hosting",
                          "durability": {"type": "replicate", "replicate": {"replica": 3}}})
    client.blockvolume_create({"size": 1, "name": "blk"})
    return topo


def emulation_normalised(state):
    """The emulation's per-object answers differ from the real server's in ways the real server is
    right about (it omits empty tags, lists a node's devices in id order, computes mount hosts from
    the cluster's nodes, not the bricks, and adds fields): compare the emulation on what it models."""
    def device(d):
        d = dict(d, bricks=sorted(b["id"] for b in d["bricks"]))
        return dict((k, v) for k, v in d.items() if not (k == "tags" and not v) and k != "node")

    def node(n):
        n = dict(n, devices=sorted((device(d) for d in n["devices"]), key=lambda d: d["id"]))
        return dict((k, v) for k, v in n.items() if not (k == "tags" and not v))
    clusters = dict((cid, {"info": dict(e["info"], nodes=sorted(e["info"]["nodes"]),
                                        volumes=sorted(e["info"]["volumes"]),
                                        blockvolumes=sorted(e["info"]["blockvolumes"])),
                           "nodes": dict((nid, node(n)) for nid, n in e["nodes"].items())})
                    for cid, e in state.clusters.items())
    volumes = dict((vid, dict(dict((k, v) for k, v in vol.items() if k in ("id", "name", "size", "cluster")),
                              bricks=sorted(b["id"] for b in vol["bricks"])))
                   for vid, vol in state.volumes.items())
    blockvolumes = dict((bid, dict((k, v) for k, v in bv.items() if not (k == "auth" and not v)))
                        for bid, bv in state.blockvolumes.items())
    return clusters, volumes, blockvolumes


def test_views_from_the_dump_are_the_per_object_answers(server):
    client = client_for(server)
    populate(client)
    per_object = read_per_object(client, ALL)
    calls = client.calls
    state = load_state(client, ALL)
    assert client.calls - calls == 1 and state.source == "db_dump" and state.fallback_reason is None
    assert len(state.volumes) == 2 and len(state.blockvolumes) == 1
    if getattr(server, "kind", "emulation") == "real":
        assert state.clusters == per_object.clusters
        assert state.volumes == per_object.volumes
        assert state.blockvolumes == per_object.blockvolumes
    else:
        assert emulation_normalised(state) == emulation_normalised(per_object)


def key_paths(value, path=""):
    """Every key path of a JSON value; map keys that are ids (or DB attribute names) become <id>."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            is_id = len(key) == 32 and all(ch in "0123456789abcdef" for ch in key)
            name = "<id>" if is_id or path.endswith("dbattributeentries") else key
            found.add(path + "/" + name)
            found |= key_paths(item, path + "/" + name)
    elif isinstance(value, list):
        for item in value:
            found |= key_paths(item, path + "[]")
    return found


def test_emulation_dump_has_the_real_servers_shape():
    """The same topology and volumes on both; every key path of one dump is in the other's."""
    reason = real_heketi.available()
    if reason:
        pytest.skip("real Heketi: %s" % reason)
    dumps = {}
    for kind in ("real", "emulation"):
        srv = start(kind)
        try:
            client = client_for(srv)
            populate(client)
            dumps[kind] = client.db_dump()
        finally:
            srv.stop()
    real, emu = key_paths(dumps["real"]), key_paths(dumps["emulation"])
    assert set(dumps["real"]) == set(dumps["emulation"])
    assert real == emu, "only in the real dump: %s; only in the emulation's: %s" % (
        sorted(real - emu), sorted(emu - real))


def test_no_op_reconcile_reads_once_and_sends_nothing(server):
    client = client_for(server)
    topo = populate(client)
    before = len(server.requests)
    calls = client.calls
    plan = TopologyReconciler(client, topo).plan()
    plan.apply([])
    assert plan.steps == [] and plan.state_source == "db_dump"
    assert client.calls - calls == 1
    assert [(m, p) for m, p, _s in server.requests[before:]] == [("GET", "/db/dump")]


def test_modules_read_with_one_request(server, monkeypatch):
    run = module_runner(monkeypatch, server)
    topo = populate(client_for(server))
    for check in (True, False):
        before = len(server.requests)
        result = run("heketi_topology", {"topology": topo}, check=check)
        assert not result["changed"] and result["api_calls"] == 1 and result["state_source"] == "db_dump"
        assert [(m, p) for m, p, _s in server.requests[before:]] == [("GET", "/db/dump")]
    before = len(server.requests)
    info = run("heketi_info", {})
    assert info["api_calls"] == 3 and info["state_source"] == "db_dump"
    assert sorted(p for _m, p, _s in server.requests[before:]) == ["/db/check", "/db/dump", "/operations"]
    assert sorted(v["name"] for v in info["volumes"]) == ["hosting", "plain"]
    assert [b["name"] for b in info["blockvolumes"]] == ["blk"]
    assert sum(len(c["node_infos"]) for c in info["clusters"]) == 5
    assert info["db_inconsistencies"] == []
    # heketi_node finds its node through load_clusters: the dump, not /clusters + /nodes/<id>
    before = len(server.requests)
    node = topo["clusters"][0]["nodes"][0]["node"]
    result = run("heketi_node", {"manage": node["hostnames"]["manage"][0], "storage": node["hostnames"]["storage"][0],
                                 "zone": node["zone"], "tags": node["tags"]})
    assert not result["changed"]
    paths = [p for _m, p, _s in server.requests[before:]]
    assert "/db/dump" in paths and not any(p.startswith("/nodes/") for p in paths), paths


def test_per_object_reads_where_the_dump_is_refused(server):
    client = client_for(server)
    populate(client)
    # the user key may not read /db/dump (Heketi answers 401): the loader does not even ask
    user = HeketiClient(server.url, user="user", key=server.user_key)
    with pytest.raises(HeketiError) as err:
        user.db_dump()
    assert err.value.status == 401 and "Administrator access required" in str(err.value)
    user.calls = 0
    with pytest.raises(HeketiError) as err:
        load_state(user)  # and the per-object reads are refused too: the error says so
    assert err.value.status == 401 and user.calls == 1 and err.value.path == "/clusters"

    class NoDumpRoute(HeketiClient):
        """A server without the route: Heketi's own 404 for a path it does not serve."""

        def db_dump(self):
            return self.request("GET", "/db/dump-not-served")

    refused = NoDumpRoute(server.url, key=server.admin_key)
    state = load_state(refused, ALL)
    assert state.source == "per_object" and "404" in state.fallback_reason
    expected = load_state(client, ALL)
    assert json.dumps(state.clusters, sort_keys=True) == json.dumps(
        read_per_object(client, ALL).clusters, sort_keys=True)
    assert sorted(state.volumes) == sorted(expected.volumes)
    # 1 refused dump + /clusters + 1 cluster + 5 nodes + /volumes + 2 + /blockvolumes + 1
    assert refused.calls == 1 + 1 + 1 + 5 + 1 + 2 + 1 + 1
