"""heketi_cluster, heketi_node and heketi_device against the emulation."""
from tests.unit.helpers import mutations


def test_cluster_create_idempotent_and_check_mode(run_module, heketi):
    r = run_module("heketi_cluster", {"block": False}, check=True)
    assert r["changed"] and r["diff"] == {"before": {"cluster": None}, "after": {"cluster": {"file": True, "block": False}}}
    assert heketi.state.clusters == {} and mutations(heketi) == []
    r = run_module("heketi_cluster", {"block": False})
    assert r["changed"] and r["cluster"]["block"] is False
    assert not run_module("heketi_cluster", {"block": False})["changed"]
    r = run_module("heketi_cluster", {"block": True})
    assert r["changed"] and r["diff"]["after"]["cluster"]["block"] is True
    assert list(heketi.state.clusters.values())[0]["block"] is True


def test_cluster_errors(run_module, heketi):
    r = run_module("heketi_cluster", {"id": "0" * 32}, expect_fail=True)
    assert "does not exist" in r["msg"]
    run_module("heketi_cluster", {})
    heketi.state.cluster_create({})
    r = run_module("heketi_cluster", {}, expect_fail=True)
    assert "2 clusters" in r["msg"]
    r = run_module("heketi_cluster", {"file": False, "block": False}, expect_fail=True)
    assert "At least one of file or block" in r["msg"]


def test_cluster_with_nodes_is_not_deleted(run_module, heketi):
    cid = run_module("heketi_cluster", {})["cluster"]["id"]
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    r = run_module("heketi_cluster", {"id": cid, "state": "absent"}, expect_fail=True)
    assert "contains volumes and/or nodes" in r["msg"] and r["status"] == 409
    assert cid in heketi.state.clusters


def test_node_lifecycle(run_module, heketi):
    run_module("heketi_cluster", {})
    args = {"manage": "c1", "storage": "10.0.3.1", "zone": 3, "tags": {"arbiter": "required"}}
    r = run_module("heketi_node", args, check=True)
    assert r["changed"] and not heketi.state.nodes
    assert r["diff"]["after"]["c1"]["tags"] == {"arbiter": "required"}
    r = run_module("heketi_node", args)
    assert r["changed"] and r["node"]["zone"] == 3
    r = run_module("heketi_node", args)
    assert not r["changed"] and r["actions"] == []
    # retag: check mode first
    args["tags"] = {"arbiter": "supported"}
    r = run_module("heketi_node", args, check=True)
    assert r["changed"] and r["diff"]["before"]["c1"]["tags"] == {"arbiter": "required"}
    assert list(heketi.state.nodes.values())[0]["tags"] == {"arbiter": "required"}
    r = run_module("heketi_node", args)
    assert list(heketi.state.nodes.values())[0]["tags"] == {"arbiter": "supported"}
    assert not run_module("heketi_node", args)["changed"]
    # merge instead of purge keeps other tags
    r = run_module("heketi_node", dict(args, tags={"rack": "r7"}, purge_tags=False))
    assert r["node"]["tags"] == {"arbiter": "supported", "rack": "r7"}


def test_node_zone_cannot_move_and_zone_required(run_module, heketi):
    run_module("heketi_cluster", {})
    r = run_module("heketi_node", {"manage": "a1"}, expect_fail=True)
    assert "zone is required" in r["msg"]
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    before = mutations(heketi)
    r = run_module("heketi_node", {"manage": "a1", "zone": 2}, expect_fail=True)
    assert "cannot move a node between zones" in r["msg"]
    assert mutations(heketi) == before


def test_node_state_failed_goes_offline_first(run_module, heketi):
    run_module("heketi_cluster", {})
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    r = run_module("heketi_node", {"manage": "a1", "state": "failed"})
    assert r["actions"] == ["set node a1 offline", "set node a1 failed"]
    assert r["node"]["state"] == "failed"
    assert not run_module("heketi_node", {"manage": "a1", "state": "failed"})["changed"]


def test_node_with_devices_needs_remove_devices(run_module, heketi):
    run_module("heketi_cluster", {})
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    run_module("heketi_device", {"node": "a1", "name": "/dev/vdb"})
    r = run_module("heketi_node", {"manage": "a1", "state": "absent"}, expect_fail=True)
    assert "still has 1 device(s) (/dev/vdb)" in r["msg"]
    assert len(heketi.state.nodes) == 1
    r = run_module("heketi_node", {"manage": "a1", "state": "absent", "remove_devices": True}, check=True)
    assert r["changed"] and len(heketi.state.devices) == 1
    r = run_module("heketi_node", {"manage": "a1", "state": "absent", "remove_devices": True})
    assert r["actions"] == ["offline node a1", "offline device /dev/vdb", "delete device /dev/vdb", "delete node a1"]
    assert heketi.state.nodes == {} and heketi.state.devices == {}
    assert not run_module("heketi_node", {"manage": "a1", "state": "absent"})["changed"]


def test_device_add_is_found_without_id(run_module, heketi):
    run_module("heketi_cluster", {})
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    args = {"node": "a1", "name": "/dev/vdb", "tags": {"arbiter": "disabled"}}
    r = run_module("heketi_device", args, check=True)
    assert r["changed"] and heketi.state.devices == {}
    r = run_module("heketi_device", args)
    assert r["changed"] and r["device"]["id"] and r["device"]["tags"] == {"arbiter": "disabled"}
    assert r["diff"] == {"before": {"a1:/dev/vdb": None},
                         "after": {"a1:/dev/vdb": {"tags": {"arbiter": "disabled"}, "state": "online", "bricks": 0}}}
    assert not run_module("heketi_device", args)["changed"]


def test_device_destroydata_requires_force(run_module, heketi):
    run_module("heketi_cluster", {})
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    r = run_module("heketi_device", {"node": "a1", "name": "/dev/vdb", "destroydata": True}, expect_fail=True)
    assert "set force=true" in r["msg"] and heketi.state.devices == {}
    run_module("heketi_device", {"node": "a1", "name": "/dev/vdb", "destroydata": True, "force": True})
    assert len(heketi.state.devices) == 1


def test_device_on_unknown_node(run_module, heketi):
    run_module("heketi_cluster", {})
    r = run_module("heketi_device", {"node": "zz", "name": "/dev/vdb"}, expect_fail=True)
    assert "Node zz is not registered" in r["msg"]


def test_device_removal_evicts_bricks_first(run_module, heketi):
    run_module("heketi_cluster", {})
    for name, zone in (("a1", 1), ("b1", 2), ("c1", 3), ("a2", 1)):
        run_module("heketi_node", {"manage": name, "zone": zone})
        run_module("heketi_device", {"node": name, "name": "/dev/vdb"})
    run_module("heketi_volume", {"name": "v", "size": 10, "zone_checking": "strict"})
    used = [d for d in heketi.state.devices.values() if d["bricks"]]
    victim_node = heketi.state.nodes[used[0]["node"]]["hostnames"]["manage"][0]
    r = run_module("heketi_device", {"node": victim_node, "name": "/dev/vdb", "state": "absent"})
    assert r["actions"][1].startswith("evict bricks") and r["actions"][-1] == "delete device /dev/vdb"
    vol = list(heketi.state.volumes.values())[0]
    zones = sorted(heketi.state.nodes[heketi.state.bricks[b]["node"]]["zone"] for b in vol["bricks"])
    assert zones == [1, 2, 3]  # strict zone checking still holds after eviction


def test_device_removal_refused_when_no_replacement(run_module, heketi):
    run_module("heketi_cluster", {})
    for name, zone in (("a1", 1), ("b1", 2), ("c1", 3)):
        run_module("heketi_node", {"manage": name, "zone": zone})
        run_module("heketi_device", {"node": name, "name": "/dev/vdb"})
    run_module("heketi_volume", {"name": "v", "size": 10})
    r = run_module("heketi_device", {"node": "a1", "name": "/dev/vdb", "state": "absent"}, expect_fail=True)
    assert "No Replacement was found" in r["msg"]
    assert len(heketi.state.devices) == 3 and all(d["bricks"] for d in heketi.state.devices.values())


def test_secret_is_no_log(run_module, heketi):
    from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_common import CONNECTION_ARGS
    assert CONNECTION_ARGS["heketi_key"]["no_log"] is True
    r = run_module("heketi_cluster", {"heketi_key": "wrong-secret"}, expect_fail=True)
    assert r["status"] == 401
