"""The day-2 plans: which bricks a replacement rebuilds, where a scale-out's replica sets go, and which
problems a day-2 operation refuses to act on.  Pure functions; the playbooks run them on the lab
(molecule/day2)."""
from ansible_collections.metrostor.gluster.plugins.module_utils.brick_rebuild import plan
from ansible_collections.metrostor.gluster.plugins.module_utils.health_gate import unexpected
from ansible_collections.metrostor.gluster.plugins.module_utils.scale_out_plan import hosts_of, plan_sets
from ansible_collections.metrostor.gluster.plugins.module_utils.site_layout import LayoutError, check_layout

import pytest

SITES = {"a": {"zone": 1}, "b": {"zone": 2}, "c": {"zone": 3, "tiebreaker": True}}
NODES = {"a1": "a", "a2": "a", "b1": "b", "b2": "b", "c1": "c"}


def volume(bricks, status="Started", replica=3):
    return {"bricks": bricks, "status": status, "replica": replica, "arbiter_count": 1, "type": "Replicate"}


def test_rebuild_only_the_offline_bricks_under_the_failed_disk():
    vols = {"v1": volume(["a1:/bricks/brick1/v1", "b1:/bricks/brick1/v1", "c1:/bricks/brick1/v1"]),
            "v2": volume(["a1:/bricks/brick2/v2", "b1:/bricks/brick1/v2", "c1:/bricks/brick1/v2"]),
            "v3": volume(["a1:/bricks/brick1/v3", "b1:/bricks/brick1/v3", "c1:/bricks/brick1/v3"])}
    online = {"v1": {"a1:/bricks/brick1/v1": False}, "v2": {"a1:/bricks/brick2/v2": False},
              "v3": {"a1:/bricks/brick1/v3": True}}
    steps, skipped = plan(vols, online, "a1", ["/bricks/brick1"])
    assert [(s["volume"], s["how"]) for s in steps] == [("v1", "reset-brick")]
    assert steps[0]["args"][-1] == ["volume", "reset-brick", "v1", "a1:/bricks/brick1/v1", "a1:/bricks/brick1/v1",
                                    "commit", "force"]
    assert skipped == [{"volume": "v3", "brick": "a1:/bricks/brick1/v3", "why": "online"}]


def test_rebuild_onto_a_new_host_is_replace_brick_and_a_lone_brick_is_reported():
    vols = {"v1": volume(["a1:/bricks/brick1/v1", "b1:/bricks/brick1/v1", "c1:/bricks/brick1/v1"]),
            "plain": volume(["a1:/bricks/brick1/plain"], replica=1),
            "stopped": volume(["a1:/bricks/brick1/s", "b1:/bricks/brick1/s", "c1:/bricks/brick1/s"], status="Stopped")}
    steps, skipped = plan(vols, {}, "a1", new_host="a9")
    assert steps[0]["args"] == [["volume", "replace-brick", "v1", "a1:/bricks/brick1/v1", "a9:/bricks/brick1/v1",
                                 "commit", "force"]]
    assert {s["volume"] for s in skipped} == {"plain", "stopped"}
    assert "nothing to heal it from" in [s for s in skipped if s["volume"] == "plain"][0]["why"]


def test_brick_roots_match_whole_path_components():
    vols = {"v": volume(["a1:/bricks/brick10/v", "b1:/bricks/brick1/v", "c1:/bricks/brick1/v"])}
    assert plan(vols, {}, "a1", ["/bricks/brick1"])[0] == []


def test_scale_out_pairs_one_new_node_of_each_data_site_with_an_arbiter_in_the_tiebreaker():
    nodes = dict(NODES, a3="a", b3="b")
    existing = ["a1:/bricks/brick1/v", "b1:/bricks/brick1/v", "c1:/bricks/brick1/v"]
    sets = plan_sets(SITES, nodes, ["a3", "b3"], existing, {}, "v")
    assert sets == [["a3:/bricks/brick1/v", "b3:/bricks/brick1/v", "c1:/bricks/brick1/v-2"]]
    check_layout(SITES, nodes, volumes={"v": hosts_of(sets)})


def test_scale_out_uses_a_new_tiebreaker_node_for_the_arbiter():
    nodes = dict(NODES, a3="a", b3="b", c2="c")
    sets = plan_sets(SITES, nodes, ["a3", "b3", "c2"], [], {}, "v")
    assert hosts_of(sets) == [["a3", "b3", "c2"]]


def test_scale_out_with_two_new_nodes_in_one_site_is_refused_by_the_layout_rules():
    nodes = dict(NODES, a3="a", a4="a")
    sets = hosts_of(plan_sets(SITES, nodes, ["a3", "a4"], [], {}, "v"))
    assert sets == [["a3", "a4", "c1"]]
    with pytest.raises(LayoutError) as err:
        check_layout(SITES, nodes, volumes={"v": sets})
    assert "puts 2 bricks in site a" in str(err.value)


def health(peers=(), volumes=None, problems=None):
    return {"peers": list(peers), "volumes": volumes or {}, "problems": problems or {}}


def test_gate_tolerates_what_the_operation_repairs_and_names_the_rest():
    vols = {"v1": {"status": "Started", "bricks_online": {"10.0.0.2:/bricks/brick1/v1": False,
                                                          "10.0.0.3:/bricks/brick1/v1": True}, "heal_pending": 12},
            "v2": {"status": "Started", "bricks_online": {"10.0.0.3:/bricks/brick1/v2": True}, "heal_pending": 3},
            "v3": {"status": "Started", "bricks_online": {"10.0.0.4:/bricks/brick1/v3": False}}}
    peers = [{"hostname": "10.0.0.2", "names": ["10.0.0.2"], "connected": False, "state": "Peer in Cluster"},
             {"hostname": "10.0.0.5", "names": ["10.0.0.5"], "connected": False, "state": "Peer in Cluster"}]
    heketi = {"problems": {"heketi": ["Heketi: node 10.0.0.2 is offline", "Heketi: device /dev/vdc on 10.0.0.4 is failed",
                                      "Heketi has 1 pending operation(s) (...) 10.0.0.2"]}}
    found = unexpected(health(peers, vols, {"quorum": ["volume v9: replica set 0 has no client quorum (...)"]}),
                       heketi, hosts=["10.0.0.2"], heketi_names=["10.0.0.2"])
    assert found == ["peer 10.0.0.5 is Peer in Cluster", "volume v2: 3 entries pending heal",
                     "volume v3: brick(s) not online: 10.0.0.4:/bricks/brick1/v3",
                     "volume v9: replica set 0 has no client quorum (...)",
                     "Heketi: device /dev/vdc on 10.0.0.4 is failed",
                     "Heketi has 1 pending operation(s) (...) 10.0.0.2"]


def test_gate_on_a_healthy_cluster_finds_nothing():
    vols = {"v1": {"status": "Started", "bricks_online": {"10.0.0.2:/bricks/brick1/v1": True}}}
    assert unexpected(health([{"hostname": "x", "connected": True}], vols)) == []


def test_gate_brick_prefix_covers_only_that_disk():
    vols = {"v1": {"status": "Started", "bricks_online": {"10.0.0.2:/bricks/brick1/v1": False,
                                                          "10.0.0.2:/bricks/brick2/v1": False}}}
    assert unexpected(health(volumes=vols), bricks=["10.0.0.2:/bricks/brick1"]) == [
        "volume v1: brick(s) not online: 10.0.0.2:/bricks/brick2/v1"]


def test_gate_tolerates_geo_replication_workers_of_the_lost_hosts_only():
    sessions = [{"name": "drvol", "workers": [{"primary_node": "10.0.0.2", "status": "Faulty"},
                                              {"primary_node": "10.0.0.3", "status": "Faulty"},
                                              {"primary_node": "10.0.0.4", "status": "Active"}]}]
    found = unexpected(dict(health(), georep=sessions), hosts=["10.0.0.2"])
    assert found == ["geo-replication drvol: 10.0.0.3 Faulty"]


def test_gate_does_not_refuse_a_session_stopped_or_paused_on_purpose():
    sessions = [{"name": "drvol", "workers": [{"primary_node": "10.0.0.2", "status": "Stopped"},
                                              {"primary_node": "10.0.0.3", "status": "Paused"},
                                              {"primary_node": "10.0.0.4", "status": "Offline"}]}]
    assert unexpected(dict(health(), georep=sessions)) == ["geo-replication drvol: 10.0.0.4 Offline"]


def test_a_brick_still_reported_online_on_a_dead_disk_is_rebuilt_when_asked():
    vols = {"v1": volume(["a1:/bricks/brick1/v1", "b1:/bricks/brick1/v1", "c1:/bricks/brick1/v1"])}
    online = {"v1": {"a1:/bricks/brick1/v1": True}}
    assert plan(vols, online, "a1", ["/bricks/brick1"])[0] == []
    assert [s["brick"] for s in plan(vols, online, "a1", ["/bricks/brick1"], online_too=True)[0]] == ["a1:/bricks/brick1/v1"]


def test_a_brick_glusterd_takes_for_new_moves_to_a_free_sibling_directory():
    from ansible_collections.metrostor.gluster.plugins.modules.gluster_brick_rebuild import sibling_path
    assert sibling_path("b2:/bricks/brick1/v", ["b2:/bricks/brick1/v"]) == "b2:/bricks/brick1/v-rebuilt"
    assert sibling_path("b2:/bricks/brick1/v", ["b2:/bricks/brick1/v-rebuilt"]) == "b2:/bricks/brick1/v-rebuilt-2"
