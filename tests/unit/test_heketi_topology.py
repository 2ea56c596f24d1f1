"""heketi_topology: declarative reconcile against the real Heketi server and the emulation."""
import json

from tests.unit.conftest import emulation_only
from tests.unit.helpers import mutations, three_site_topology


def node_zones(heketi):
    return sorted((n["hostnames"]["manage"][0], n["zone"], (n.get("tags") or {}).get("arbiter"))
                  for n in heketi.nodes().values())


def test_load_then_noop(run_module, heketi):
    topo = three_site_topology(devices=("/dev/vdb", "/dev/vdc"))
    r = run_module("heketi_topology", {"topology": topo}, check=True)
    assert r["changed"] and heketi.clusters() == {} and mutations(heketi) == []
    assert r["actions"][0] == "create cluster #0" and len(r["actions"]) == 1 + 5 + 10
    assert r["diff"]["after"]["c1"] == {"zone": 3, "storage": "10.0.3.14", "tags": {"arbiter": "required"},
                                        "devices": {"/dev/vdb": {"tags": {}}, "/dev/vdc": {"tags": {}}}}
    r = run_module("heketi_topology", {"topology": topo})
    assert r["changed"] and len(r["actions"]) == 16
    assert node_zones(heketi) == [("a1", 1, "disabled"), ("a2", 1, "disabled"), ("b1", 2, "disabled"),
                                  ("b2", 2, "disabled"), ("c1", 3, "required")]
    assert len(heketi.devices()) == 10
    r = run_module("heketi_topology", {"topology": topo})
    assert not r["changed"] and r["actions"] == [] and r["diff"] == {"before": {}, "after": {}}


def test_check_mode_plan_equals_applied_steps(run_module, heketi):
    topo = three_site_topology()
    planned = run_module("heketi_topology", {"topology": topo}, check=True)["actions"]
    applied = run_module("heketi_topology", {"topology": topo})["actions"]
    assert planned == applied


def test_retag_and_add_device(run_module, heketi):
    topo = three_site_topology()
    run_module("heketi_topology", {"topology": topo})
    topo["clusters"][0]["nodes"][4]["node"]["tags"] = {"arbiter": "supported"}
    topo["clusters"][0]["nodes"][0]["devices"].append({"name": "/dev/vdc", "tags": {"ssd": "true"}})
    r = run_module("heketi_topology", {"topology": topo}, check=True)
    assert sorted(r["actions"]) == ["add device /dev/vdc to a1", "retag node c1"]
    assert r["diff"]["before"]["c1"]["tags"] == {"arbiter": "required"}
    assert r["diff"]["after"]["c1"]["tags"] == {"arbiter": "supported"}
    assert r["diff"]["after"]["a1"]["devices"]["/dev/vdc"] == {"tags": {"ssd": "true"}}
    assert len(heketi.devices()) == 5
    run_module("heketi_topology", {"topology": topo})
    assert ("c1", 3, "supported") in node_zones(heketi) and len(heketi.devices()) == 6
    assert not run_module("heketi_topology", {"topology": topo})["changed"]


@emulation_only
def test_absent_nodes_are_kept_unless_remove_absent(run_module, heketi):
    """emulation only: c2 or c1 may get the arbiter brick (the real server picks), and removing a node
    that holds a brick needs its eviction, which the mock executor cannot do ("Id not found",
    shared/heketi/README.md); test_remove_absent_empty_node runs on both."""
    topo = three_site_topology(extra_nodes=[("c2", 3, "required")])
    run_module("heketi_topology", {"topology": topo})
    run_module("heketi_volume", {"name": "v", "size": 10, "arbiter": True, "zone_checking": "strict"})
    smaller = three_site_topology()
    assert not run_module("heketi_topology", {"topology": smaller})["changed"]
    assert len(heketi.nodes()) == 6
    r = run_module("heketi_topology", {"topology": smaller, "remove_absent": True}, check=True)
    assert len(heketi.nodes()) == 6 and r["diff"]["after"] == {"c2": None}
    r = run_module("heketi_topology", {"topology": smaller, "remove_absent": True})
    assert r["actions"][0].startswith("remove node c2 (set node c2 offline, set node c2 failed")
    assert "c2" not in [m for m, _z, _t in node_zones(heketi)]
    # the volume still has its three bricks in three zones, the arbiter in zone 3
    assert sorted(z for z, _s, _n in heketi.brick_zones(heketi.volume("v"))) == [1, 2, 3]


@emulation_only
def test_remove_absent_refused_when_bricks_have_nowhere_to_go(run_module, heketi):
    """emulation only: the mock executor fails any brick eviction before Heketi looks for a
    replacement ("Id not found", shared/heketi/README.md)."""
    topo = three_site_topology()
    run_module("heketi_topology", {"topology": topo})
    run_module("heketi_volume", {"name": "v", "size": 10, "arbiter": True, "zone_checking": "strict"})
    without_c1 = three_site_topology()
    without_c1["clusters"][0]["nodes"] = without_c1["clusters"][0]["nodes"][:4]
    r = run_module("heketi_topology", {"topology": without_c1, "remove_absent": True}, expect_fail=True)
    assert "as no device was found to replace device" in r["msg"]
    assert len(heketi.nodes()) == 5 and len(heketi.devices()) == 5


def test_zone_move_is_refused_before_any_change(run_module, heketi):
    topo = three_site_topology()
    run_module("heketi_topology", {"topology": topo})
    topo["clusters"][0]["nodes"][0]["devices"].append("/dev/vdz")  # would be added...
    topo["clusters"][0]["nodes"][3]["node"]["zone"] = 3               # ...but this is impossible
    before = mutations(heketi)
    r = run_module("heketi_topology", {"topology": topo}, expect_fail=True)
    assert "Node b2 is in zone 2, not 3; Heketi cannot move a node between zones" in r["msg"]
    assert mutations(heketi) == before


def test_bad_topologies(run_module, heketi):
    r = run_module("heketi_topology", {"topology": {"nodes": []}}, expect_fail=True)
    assert "'clusters' list" in r["msg"]
    topo = three_site_topology()
    topo["clusters"][0]["nodes"][1]["node"]["hostnames"]["manage"] = ["a1"]
    assert "already listed" in run_module("heketi_topology", {"topology": topo}, expect_fail=True)["msg"]
    topo = three_site_topology()
    topo["clusters"][0]["nodes"][0]["node"]["zone"] = 0
    assert "zone must be a positive integer" in run_module("heketi_topology", {"topology": topo},
                                                           expect_fail=True)["msg"]
    topo = three_site_topology()
    topo["clusters"][0]["nodes"][0]["devices"] = [{"name": "/dev/vdb", "destroydata": True}]
    assert "set force=true" in run_module("heketi_topology", {"topology": topo}, expect_fail=True)["msg"]
    assert heketi.clusters() == {}
    r = run_module("heketi_topology", {}, expect_fail=True)
    assert "one of the following is required" in r["msg"]


def test_topology_file(run_module, heketi, tmp_path):
    path = tmp_path / "topology.json"
    path.write_text(json.dumps(three_site_topology()))
    assert run_module("heketi_topology", {"topology_file": str(path)})["changed"]
    assert len(heketi.nodes()) == 5
    r = run_module("heketi_topology", {"topology_file": str(tmp_path / "missing.json")}, expect_fail=True)
    assert "Cannot read topology_file" in r["msg"]


@emulation_only
def test_partial_failure_reports_what_was_done(run_module, heketi):
    """emulation only: injects a failed device add (fail_next); the mock executor never fails one."""
    heketi.fail_next["POST /devices"] = "Unable to add device: Can't open /dev/vdb exclusively"
    r = run_module("heketi_topology", {"topology": three_site_topology()}, expect_fail=True)
    assert "Can't open /dev/vdb exclusively" in r["msg"]
    assert r["done"][:2] == ["create cluster #0", "add node a1 (zone 1)"] and r["changed"]
    # a second run finishes the job
    run_module("heketi_topology", {"topology": three_site_topology()})
    assert len(heketi.devices()) == 5


def test_remove_absent_empty_node(run_module, heketi):
    """remove_absent on a node without bricks: offline, failed, delete its devices, delete it (Heketi
    deletes only failed devices, even empty ones: the user's report was that this failed)."""
    topo = three_site_topology(extra_nodes=[("c2", 3, "required")], devices=("/dev/vdb", "/dev/vdc"))
    run_module("heketi_topology", {"topology": topo})
    smaller = three_site_topology(devices=("/dev/vdb", "/dev/vdc"))
    before = heketi.fingerprint()
    r = run_module("heketi_topology", {"topology": smaller, "remove_absent": True}, check=True)
    assert r["changed"] and r["diff"]["after"] == {"c2": None} and heketi.fingerprint() == before
    planned = r["actions"]
    r = run_module("heketi_topology", {"topology": smaller, "remove_absent": True})
    assert r["actions"] == planned
    assert "c2" not in [m for m, _z, _t in node_zones(heketi)] and len(heketi.devices()) == 10
    assert not run_module("heketi_topology", {"topology": smaller, "remove_absent": True})["changed"]
    # a device dropped from a node's list goes the same way
    smaller["clusters"][0]["nodes"][0]["devices"] = ["/dev/vdb"]
    r = run_module("heketi_topology", {"topology": smaller, "remove_absent": True})
    assert r["changed"] and [d["name"] for d in heketi.node("a1")["devices"]] == ["/dev/vdb"]
    assert not run_module("heketi_topology", {"topology": smaller, "remove_absent": True})["changed"]


def test_empty_cluster_is_adopted_not_duplicated(run_module, heketi):
    cid = run_module("heketi_cluster", {})["cluster"]["id"]
    r = run_module("heketi_topology", {"topology": three_site_topology()})
    assert r["clusters"] == [cid] and list(heketi.clusters()) == [cid]


def test_explicit_cluster_id(run_module, heketi):
    first = heketi.create_cluster()
    second = heketi.create_cluster()
    topo = three_site_topology()
    topo["clusters"][0]["id"] = second
    assert run_module("heketi_topology", {"topology": topo})["clusters"] == [second]
    assert heketi.clusters()[first]["nodes"] == [] and len(heketi.clusters()[second]["nodes"]) == 5
    topo["clusters"][0]["id"] = first
    r = run_module("heketi_topology", {"topology": topo}, expect_fail=True)
    assert "cannot move between clusters" in r["msg"]
    topo["clusters"][0]["id"] = "f" * 32
    assert "Heketi has no cluster" in run_module("heketi_topology", {"topology": topo}, expect_fail=True)["msg"]
