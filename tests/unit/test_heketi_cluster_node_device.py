"""heketi_cluster, heketi_node and heketi_device against the real Heketi server and the emulation."""
from tests.unit.conftest import emulation_only
from tests.unit.helpers import mutations


def add_nodes(run_module, layout, devices=("/dev/vdb",)):
    run_module("heketi_cluster", {})
    for name, zone in layout:
        run_module("heketi_node", {"manage": name, "zone": zone})
        for dev in devices:
            run_module("heketi_device", {"node": name, "name": dev})


def test_cluster_create_idempotent_and_check_mode(run_module, heketi):
    r = run_module("heketi_cluster", {"block": False}, check=True)
    assert r["changed"] and r["diff"] == {"before": {"cluster": None}, "after": {"cluster": {"file": True, "block": False}}}
    assert heketi.clusters() == {} and mutations(heketi) == []
    r = run_module("heketi_cluster", {"block": False})
    assert r["changed"] and r["cluster"]["block"] is False
    assert not run_module("heketi_cluster", {"block": False})["changed"]
    r = run_module("heketi_cluster", {"block": True})
    assert r["changed"] and r["diff"]["after"]["cluster"]["block"] is True
    assert list(heketi.clusters().values())[0]["block"] is True


def test_cluster_file_and_block_flags(run_module, heketi):
    cid = run_module("heketi_cluster", {})["cluster"]["id"]
    before = heketi.fingerprint()
    r = run_module("heketi_cluster", {"file": False}, check=True)
    assert r["changed"] and r["diff"] == {
        "before": {"cluster": {"file": True, "block": True}},
        "after": {"cluster": {"file": False, "block": True}}}
    assert heketi.fingerprint() == before
    r = run_module("heketi_cluster", {"id": cid, "file": False})
    assert r["changed"] and heketi.clusters()[cid]["file"] is False and heketi.clusters()[cid]["block"] is True
    assert not run_module("heketi_cluster", {"id": cid, "file": False})["changed"]
    # a block-only cluster takes no file volume: Heketi says so at once
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    run_module("heketi_device", {"node": "a1", "name": "/dev/vdb"})
    r = run_module("heketi_volume", {"name": "f", "size": 1, "durability": "none"}, expect_fail=True)
    assert "Cluster does not support requested volume type" in r["msg"]
    assert run_module("heketi_cluster", {"id": cid, "file": True})["changed"]


def test_cluster_errors(run_module, heketi):
    r = run_module("heketi_cluster", {"id": "0" * 32}, expect_fail=True)
    assert "does not exist" in r["msg"]
    run_module("heketi_cluster", {})
    heketi.create_cluster()
    r = run_module("heketi_cluster", {}, expect_fail=True)
    assert "2 clusters" in r["msg"]
    r = run_module("heketi_cluster", {"file": False, "block": False}, expect_fail=True)
    assert "At least one of file or block" in r["msg"]


def test_cluster_with_nodes_is_not_deleted(run_module, heketi):
    cid = run_module("heketi_cluster", {})["cluster"]["id"]
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    r = run_module("heketi_cluster", {"id": cid, "state": "absent"}, expect_fail=True)
    assert "contains volumes and/or nodes" in r["msg"] and r["status"] == 409
    assert cid in heketi.clusters()


def test_node_lifecycle(run_module, heketi):
    run_module("heketi_cluster", {})
    args = {"manage": "c1", "storage": "10.0.3.1", "zone": 3, "tags": {"arbiter": "required"}}
    r = run_module("heketi_node", args, check=True)
    assert r["changed"] and not heketi.nodes()
    assert r["diff"]["after"]["c1"]["tags"] == {"arbiter": "required"}
    r = run_module("heketi_node", args)
    assert r["changed"] and r["node"]["zone"] == 3
    r = run_module("heketi_node", args)
    assert not r["changed"] and r["actions"] == []
    # retag: check mode first
    args["tags"] = {"arbiter": "supported"}
    r = run_module("heketi_node", args, check=True)
    assert r["changed"] and r["diff"]["before"]["c1"]["tags"] == {"arbiter": "required"}
    assert heketi.node("c1")["tags"] == {"arbiter": "required"}
    r = run_module("heketi_node", args)
    assert heketi.node("c1")["tags"] == {"arbiter": "supported"}
    assert not run_module("heketi_node", args)["changed"]
    # merge instead of purge keeps other tags
    r = run_module("heketi_node", dict(args, tags={"rack": "r7"}, purge_tags=False))
    assert r["node"]["tags"] == {"arbiter": "supported", "rack": "r7"}
    # removing every tag
    r = run_module("heketi_node", dict(args, tags={}))
    assert r["changed"] and not heketi.node("c1").get("tags")
    assert not run_module("heketi_node", dict(args, tags={}))["changed"]


def test_node_zone_cannot_move_and_zone_required(run_module, heketi):
    run_module("heketi_cluster", {})
    r = run_module("heketi_node", {"manage": "a1"}, expect_fail=True)
    assert "zone is required" in r["msg"]
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    before = mutations(heketi)
    r = run_module("heketi_node", {"manage": "a1", "zone": 2}, expect_fail=True)
    assert "cannot move a node between zones" in r["msg"]
    assert mutations(heketi) == before


def test_node_states_follow_heketi_rules(run_module, heketi):
    run_module("heketi_cluster", {})
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    r = run_module("heketi_node", {"manage": "a1", "state": "offline"}, check=True)
    assert r["changed"] and r["diff"]["after"]["a1"]["state"] == "offline" and heketi.node("a1")["state"] == "online"
    assert run_module("heketi_node", {"manage": "a1", "state": "offline"})["actions"] == ["set node a1 offline"]
    assert not run_module("heketi_node", {"manage": "a1", "state": "offline"})["changed"]
    assert run_module("heketi_node", {"manage": "a1", "state": "online"})["actions"] == ["set node a1 online"]
    assert heketi.node("a1")["state"] == "online"
    r = run_module("heketi_node", {"manage": "a1", "state": "failed"})
    assert r["actions"] == ["set node a1 offline", "set node a1 failed"]
    assert r["node"]["state"] == "failed" and heketi.node("a1")["state"] == "failed"
    assert not run_module("heketi_node", {"manage": "a1", "state": "failed"})["changed"]
    # failed is final in Heketi: refused with the way out, before any request
    before = mutations(heketi)
    for state in ("online", "offline"):
        r = run_module("heketi_node", {"manage": "a1", "state": state}, expect_fail=True)
        assert "cannot bring a failed node back" in r["msg"] and "state=absent" in r["msg"]
    assert mutations(heketi) == before


def test_node_with_devices_needs_remove_devices(run_module, heketi):
    add_nodes(run_module, [("a1", 1)])
    r = run_module("heketi_node", {"manage": "a1", "state": "absent"}, expect_fail=True)
    assert "still has 1 device(s) (/dev/vdb)" in r["msg"]
    assert len(heketi.nodes()) == 1
    before = heketi.fingerprint()
    r = run_module("heketi_node", {"manage": "a1", "state": "absent", "remove_devices": True}, check=True)
    assert r["changed"] and heketi.fingerprint() == before
    planned = r["actions"]
    r = run_module("heketi_node", {"manage": "a1", "state": "absent", "remove_devices": True})
    assert r["actions"] == planned == ["set node a1 offline", "set node a1 failed", "delete device /dev/vdb",
                                       "delete node a1"]
    assert heketi.nodes() == {}
    assert not run_module("heketi_node", {"manage": "a1", "state": "absent"})["changed"]


def test_offline_node_without_devices_is_removed(run_module, heketi):
    run_module("heketi_cluster", {})
    run_module("heketi_node", {"manage": "a1", "zone": 1, "state": "offline"})
    r = run_module("heketi_node", {"manage": "a1", "state": "absent"})
    assert r["actions"] == ["set node a1 failed", "delete node a1"] and heketi.nodes() == {}


def test_device_add_is_found_without_id(run_module, heketi):
    run_module("heketi_cluster", {})
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    args = {"node": "a1", "name": "/dev/vdb", "tags": {"arbiter": "disabled"}}
    r = run_module("heketi_device", args, check=True)
    assert r["changed"] and heketi.devices() == {}
    r = run_module("heketi_device", args)
    assert r["changed"] and r["device"]["id"] and r["device"]["tags"] == {"arbiter": "disabled"}
    assert r["diff"] == {"before": {"a1:/dev/vdb": None},
                         "after": {"a1:/dev/vdb": {"tags": {"arbiter": "disabled"}, "state": "online", "bricks": 0}}}
    assert not run_module("heketi_device", args)["changed"]
    assert not run_module("heketi_device", {"node": "a1", "name": "/dev/vdb"})["changed"]  # tags left alone
    assert len(heketi.devices()) == 1


def test_device_destroydata_requires_force(run_module, heketi):
    run_module("heketi_cluster", {})
    run_module("heketi_node", {"manage": "a1", "zone": 1})
    r = run_module("heketi_device", {"node": "a1", "name": "/dev/vdb", "destroydata": True}, expect_fail=True)
    assert "set force=true" in r["msg"] and heketi.devices() == {}
    run_module("heketi_device", {"node": "a1", "name": "/dev/vdb", "destroydata": True, "force": True})
    assert len(heketi.devices()) == 1


def test_device_on_unknown_node(run_module, heketi):
    run_module("heketi_cluster", {})
    r = run_module("heketi_device", {"node": "zz", "name": "/dev/vdb"}, expect_fail=True)
    assert "Node zz is not registered" in r["msg"]
    assert not run_module("heketi_device", {"node": "zz", "name": "/dev/vdb", "state": "absent"})["changed"]


def test_empty_device_is_removed(run_module, heketi):
    """The user's report: state=absent on a device without bricks failed and left it offline
    (Heketi deletes only failed devices, even empty ones)."""
    add_nodes(run_module, [("a1", 1)], devices=("/dev/vdb", "/dev/vdc"))
    args = {"node": "a1", "name": "/dev/vdc", "state": "absent"}
    before = heketi.fingerprint()
    r = run_module("heketi_device", args, check=True)
    assert r["changed"] and r["diff"]["after"] == {"a1:/dev/vdc": None} and heketi.fingerprint() == before
    planned = r["actions"]
    r = run_module("heketi_device", args)
    assert r["actions"] == planned == ["set device /dev/vdc offline", "set device /dev/vdc failed",
                                       "delete device /dev/vdc"]
    assert [d["name"] for d in heketi.node("a1")["devices"]] == ["/dev/vdb"]
    assert not run_module("heketi_device", args)["changed"]


def test_offline_and_failed_devices_are_removed(run_module, heketi):
    add_nodes(run_module, [("a1", 1)], devices=("/dev/vdb", "/dev/vdc"))
    run_module("heketi_device", {"node": "a1", "name": "/dev/vdb", "state": "offline"})
    run_module("heketi_device", {"node": "a1", "name": "/dev/vdc", "state": "failed"})
    r = run_module("heketi_device", {"node": "a1", "name": "/dev/vdb", "state": "absent"})
    assert r["actions"] == ["set device /dev/vdb failed", "delete device /dev/vdb"]
    r = run_module("heketi_device", {"node": "a1", "name": "/dev/vdc", "state": "absent"})
    assert r["actions"] == ["delete device /dev/vdc"] and heketi.node("a1")["devices"] == []


def test_device_states_follow_heketi_rules(run_module, heketi):
    add_nodes(run_module, [("a1", 1)])
    dev = {"node": "a1", "name": "/dev/vdb"}

    def state():
        return heketi.node("a1")["devices"][0]["state"]

    r = run_module("heketi_device", dict(dev, state="failed"), check=True)
    assert r["actions"] == ["set device a1:/dev/vdb offline", "set device a1:/dev/vdb failed"] and state() == "online"
    r = run_module("heketi_device", dict(dev, state="failed"))
    assert r["changed"] and state() == "failed" and r["diff"]["after"]["a1:/dev/vdb"]["state"] == "failed"
    assert not run_module("heketi_device", dict(dev, state="failed"))["changed"]
    # failed -> online is refused by Heketi; failed -> offline -> online is allowed
    r = run_module("heketi_device", dict(dev, state="online"))
    assert r["actions"] == ["set device a1:/dev/vdb offline", "set device a1:/dev/vdb online"] and state() == "online"
    assert not run_module("heketi_device", dict(dev, state="present"))["changed"]


def test_device_resync(run_module, heketi):
    """resync asks Heketi to re-read the device's size; a size that did not change is no change."""
    add_nodes(run_module, [("a1", 1)])
    dev = {"node": "a1", "name": "/dev/vdb", "resync": True}
    r = run_module("heketi_device", dev, check=True)
    assert not r["changed"] and r["actions"] == ["resync device a1:/dev/vdb"]
    assert ("GET", "resync") not in [(m, p.rsplit("/", 1)[-1]) for m, p, _s in heketi.requests]
    r = run_module("heketi_device", dev)
    assert not r["changed"] and r["actions"] == ["resync device a1:/dev/vdb"]
    assert [s for m, p, s in heketi.requests if p.endswith("/resync")] == [202]
    assert r["device"]["storage"]["total"] > 0
    r = run_module("heketi_device", dict(dev, state="absent"), expect_fail=True)
    assert "resync" in r["msg"]


@emulation_only
def test_device_removal_evicts_bricks_first(run_module, heketi):
    """emulation only: the mock executor cannot evict bricks (its fake brick paths end in "Id not found",
    shared/heketi/README.md)."""
    add_nodes(run_module, [("a1", 1), ("b1", 2), ("c1", 3), ("a2", 1)])
    run_module("heketi_volume", {"name": "v", "size": 10, "zone_checking": "strict"})
    vol = heketi.volume("v")
    victim = heketi.nodes()[vol["bricks"][0]["node"]]["hostnames"]["manage"][0]
    r = run_module("heketi_device", {"node": victim, "name": "/dev/vdb", "state": "absent"})
    assert r["actions"] == ["set device /dev/vdb offline",
                            "set device /dev/vdb failed (Heketi moves its bricks elsewhere)",
                            "delete device /dev/vdb"]
    zones = sorted(z for z, _size, _node in heketi.brick_zones(heketi.volume("v")))
    assert zones == [1, 2, 3]  # strict zone checking still holds after eviction


@emulation_only
def test_device_removal_refused_when_no_replacement(run_module, heketi):
    """emulation only: the mock executor fails every brick eviction ("Id not found", shared/heketi/README.md),
    so the real server cannot show Heketi finding no replacement."""
    add_nodes(run_module, [("a1", 1), ("b1", 2), ("c1", 3)])
    run_module("heketi_volume", {"name": "v", "size": 10})
    r = run_module("heketi_device", {"node": "a1", "name": "/dev/vdb", "state": "absent"}, expect_fail=True)
    assert "no device was found to replace it" in r["msg"]
    assert r["done"] == ["set device /dev/vdb offline",
                         "set device /dev/vdb failed (Heketi moves its bricks elsewhere)"]
    devices = heketi.devices()
    assert len(devices) == 3 and all(d["bricks"] for d in devices.values())
    assert heketi.node("a1")["devices"][0]["state"] == "offline"  # left offline, not failed, not deleted


@emulation_only
def test_node_removal_refused_when_no_replacement(run_module, heketi):
    """emulation only: the mock executor fails every brick eviction ("Id not found", shared/heketi/README.md),
    so the real server cannot show Heketi finding no replacement."""
    add_nodes(run_module, [("a1", 1), ("b1", 2), ("c1", 3)])
    run_module("heketi_volume", {"name": "v", "size": 10})
    r = run_module("heketi_node", {"manage": "a1", "state": "absent", "remove_devices": True}, expect_fail=True)
    assert "as no device was found to replace device" in r["msg"]
    assert heketi.node("a1")["state"] == "offline" and heketi.node("a1")["devices"][0]["bricks"]


def test_secret_is_no_log(run_module, heketi):
    from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_module import CONNECTION_ARGS
    assert CONNECTION_ARGS["heketi_key"]["no_log"] is True
    r = run_module("heketi_cluster", {"heketi_key": "wrong-secret"}, expect_fail=True)
    assert r["status"] == 401
