"""A node is destroyed under write load (root and disks gone); a new empty host with the same name and
address comes up; replace_node.yml gives it the old peer uuid, rebuilds its bricks, waits for heal and
re-registers it in Heketi with the same zone and tags."""
import pytest


@pytest.fixture(scope="module")
def outcome(ops, keep_outcome):
    return keep_outcome("replace_node", ops.replace_node("gl-b2"))


@pytest.mark.day2_ci
def test_node_replaced_under_load_nothing_lost(outcome, nothing_lost):
    assert outcome["rc"] == 0 and outcome["changed"] > 0, outcome
    nothing_lost(outcome)


@pytest.mark.day2_ci
def test_second_run_changes_nothing(outcome):
    assert outcome["second_rc"] == 0 and outcome["second_changed"] == 0, outcome


@pytest.mark.day2_ci
def test_the_new_node_has_the_old_uuid_and_the_pool_is_whole(outcome):
    # read before the host was destroyed (the pool's view from gl-a1) and on the new host afterwards
    assert outcome["old_uuid"] and outcome["new_uuid"] == outcome["old_uuid"], outcome
    pool = outcome["pool"]
    assert "Disconnected" not in pool and "10.77.2.12" in pool and outcome["old_uuid"] in pool, pool


@pytest.mark.day2_ci
def test_heketi_node_same_zone_and_tags(outcome, ops):
    info = ops.module_json(ops.ansible("gl-c1", "metrostor.gluster.heketi_node",
                                       "manage=10.77.2.12 state=present " + ops.HEKETI_ON_C1))
    node = info["node"]
    assert node["zone"] == 2 and node["tags"].get("arbiter") == "disabled" and node["tags"].get("site") == "b", node
    assert [d["name"] for d in node["devices"]] == ["/dev/vdc"], node
