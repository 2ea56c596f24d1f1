"""heketi_volume, heketi_blockvolume and heketi_info against the emulation."""
import pytest

from tests.unit.helpers import mutations, three_site_topology


@pytest.fixture
def stretched(run_module):
    run_module("heketi_topology", {"topology": three_site_topology()})


ARB = {"name": "pv1", "size": 10, "arbiter": True, "zone_checking": "strict", "options": ["network.ping-timeout 5"]}


def test_arbiter_volume_places_arbiter_in_tiebreaker(run_module, heketi, stretched):
    r = run_module("heketi_volume", ARB, check=True)
    assert r["changed"] and heketi.state.volumes == {}
    assert r["diff"]["after"]["pv1"] == {"size": 10, "durability": "replicate", "replica": 3, "gid": 0,
                                         "arbiter": True, "zone_checking": "strict",
                                         "options": ["network.ping-timeout 5"]}
    r = run_module("heketi_volume", ARB)
    assert r["changed"]
    vol = r["volume"]
    assert "user.heketi.arbiter true" in vol["glustervolumeoptions"]
    zones = {}
    for brick in vol["bricks"]:
        node = heketi.state.nodes[brick["node"]]
        zones[node["zone"]] = brick["size"]
    assert sorted(zones) == [1, 2, 3]
    assert zones[3] < zones[1] == zones[2]  # the small arbiter brick is in the tie-breaker zone
    again = run_module("heketi_volume", ARB)
    assert not again["changed"] and again["actions"] == []


def test_volume_expand_and_no_shrink(run_module, heketi, stretched):
    run_module("heketi_volume", ARB)
    r = run_module("heketi_volume", dict(ARB, size=15), check=True)
    assert r["changed"] and list(heketi.state.volumes.values())[0]["size"] == 10
    assert r["diff"]["before"]["pv1"]["size"] == 10 and r["diff"]["after"]["pv1"]["size"] == 15
    r = run_module("heketi_volume", dict(ARB, size=15))
    assert r["actions"] == ["expand volume pv1 by 5 GiB"] and r["volume"]["size"] == 15
    assert not run_module("heketi_volume", dict(ARB, size=15))["changed"]
    r = run_module("heketi_volume", dict(ARB, size=5), expect_fail=True)
    assert "cannot shrink" in r["msg"]
    assert list(heketi.state.volumes.values())[0]["size"] == 15


def test_volume_immutable_mismatch_is_an_error(run_module, heketi, stretched):
    run_module("heketi_volume", ARB)
    before = mutations(heketi)
    r = run_module("heketi_volume", dict(ARB, arbiter=False), expect_fail=True)
    assert "arbiter is True, wanted False" in r["msg"]
    assert mutations(heketi) == before


def test_volume_strict_zones_refuses_when_a_zone_is_missing(run_module, heketi):
    topo = three_site_topology()
    topo["clusters"][0]["nodes"] = [n for n in topo["clusters"][0]["nodes"] if n["node"]["zone"] != 3]
    run_module("heketi_topology", {"topology": topo})
    r = run_module("heketi_volume", dict(ARB, arbiter=False), expect_fail=True)
    assert "No space in 3 distinct zones" in r["msg"]
    assert heketi.state.volumes == {}


def test_volume_input_errors(run_module, heketi, stretched):
    assert "size is required" in run_module("heketi_volume", {"name": "x"}, expect_fail=True)["msg"]
    r = run_module("heketi_volume", {"name": "x", "size": 5, "arbiter": True, "replica": 2}, expect_fail=True)
    assert "replica 3 arbiter 1" in r["msg"]
    assert "positive" in run_module("heketi_volume", {"name": "x", "size": 0}, expect_fail=True)["msg"]


def test_volume_clone_and_delete(run_module, heketi, stretched):
    run_module("heketi_volume", ARB)
    r = run_module("heketi_volume", {"name": "pv1-copy", "clone_from": "pv1"})
    assert r["changed"] and r["volume"]["name"] == "pv1-copy"
    assert not run_module("heketi_volume", {"name": "pv1-copy", "clone_from": "pv1"})["changed"]
    r = run_module("heketi_volume", {"name": "nope", "clone_from": "missing"}, expect_fail=True)
    assert "source volume missing does not exist" in r["msg"]
    r = run_module("heketi_volume", {"name": "pv1", "state": "absent"}, check=True)
    assert r["changed"] and len(heketi.state.volumes) == 2
    r = run_module("heketi_volume", {"name": "pv1", "state": "absent"})
    assert r["diff"]["after"] == {"pv1": None} and len(heketi.state.volumes) == 1
    assert not run_module("heketi_volume", {"name": "pv1", "state": "absent"})["changed"]
    # bricks were freed
    used = sum(d["storage"]["used"] for d in heketi.state.devices.values())
    assert used == sum(b["size"] for b in heketi.state.bricks.values())


def test_blockvolume_lifecycle_masks_password(run_module, heketi, stretched):
    args = {"name": "lun1", "size": 5, "auth": True, "hacount": 3}
    r = run_module("heketi_blockvolume", args, check=True)
    assert r["changed"] and heketi.state.blockvolumes == {}
    r = run_module("heketi_blockvolume", args)
    assert r["changed"] and r["blockvolume"]["blockvolume"]["password"] == "********"
    real = list(heketi.state.blockvolumes.values())[0]["blockvolume"]["password"]
    assert r["chap_password"] == real and real != "********"
    assert not run_module("heketi_blockvolume", args)["changed"]
    r = run_module("heketi_blockvolume", dict(args, size=8))
    assert r["actions"] == ["expand block volume lun1 to 8 GiB"]
    assert "cannot shrink" in run_module("heketi_blockvolume", dict(args, size=2), expect_fail=True)["msg"]
    assert "cannot change" in run_module("heketi_blockvolume", dict(args, auth=False), expect_fail=True)["msg"]
    hosting = [v for v in heketi.state.volumes.values() if v["block"]]
    assert len(hosting) == 1
    # the hosting volume cannot be deleted while it carries the block volume
    r = run_module("heketi_volume", {"name": hosting[0]["name"], "state": "absent"}, expect_fail=True)
    assert r["status"] == 409
    run_module("heketi_blockvolume", {"name": "lun1", "state": "absent"})
    assert heketi.state.blockvolumes == {}


def test_info_reads_everything_and_changes_nothing(run_module, heketi, stretched):
    run_module("heketi_volume", ARB)
    before = mutations(heketi)
    r = run_module("heketi_info", {})
    assert not r["changed"] and mutations(heketi) == before
    assert len(r["clusters"]) == 1 and len(r["clusters"][0]["node_infos"]) == 5
    assert [v["name"] for v in r["volumes"]] == ["pv1"]
    assert r["db_check"]["totalinconsistencies"] == 0 and r["operations"]["in_flight"] == 0
    r = run_module("heketi_info", {"gather": ["volumes"]})
    assert set(r) >= {"volumes"} and "clusters" not in r


def test_disperse_and_distribute_only(run_module, heketi):
    topo = three_site_topology()
    for node in topo["clusters"][0]["nodes"]:
        node["node"]["tags"] = {}
    run_module("heketi_topology", {"topology": topo})
    r = run_module("heketi_volume", {"name": "ec", "size": 8, "durability": "disperse",
                                     "disperse_data": 4, "disperse_redundancy": 1})
    assert r["diff"]["after"]["ec"]["disperse"] == "4+1" and len(r["volume"]["bricks"]) == 5
    assert {b["size"] for b in r["volume"]["bricks"]} == {2 * 1024 * 1024}  # 8 GiB over 4 data bricks
    assert not run_module("heketi_volume", {"name": "ec", "size": 8, "durability": "disperse",
                                            "disperse_data": 4, "disperse_redundancy": 1})["changed"]
    r = run_module("heketi_volume", {"name": "plain", "size": 3, "durability": "none"})
    assert len(r["volume"]["bricks"]) == 1 and r["volume"]["durability"] == {"type": "none"}
    r = run_module("heketi_volume", {"name": "ec", "size": 8}, expect_fail=True)
    assert "durability is 'disperse', wanted 'replicate'" in r["msg"]
