"""Two new hosts (one per data site) join under write load; scale_out.yml extends the test volume with
a replica set (data in a and b, arbiter in the tie-breaker), rebalances, and adds them to Heketi.
Afterwards the lab is scaled in again (volume deleted, hosts out of Heketi and the pool, destroyed)."""
import pytest


@pytest.fixture(scope="module")
def outcome(ops, keep_outcome):
    try:
        result = ops.scale_out(("gl-a3", "gl-b3"))
        from day2_load import volume_sets
        from site_loss import gluster
        result["replica_sets"] = volume_sets(ops.VOLUME)
        result["number_of_bricks"] = [line.split(":", 1)[1].strip() for line in
                                      gluster("gl-b1", "volume info", ops.VOLUME).splitlines()
                                      if line.startswith("Number of Bricks:")]
        yield keep_outcome("scale_out", result)
    finally:
        # also when the scale-out failed half-way: the shared lab goes back to 2+2+1
        ops.scale_in(("gl-a3", "gl-b3"))


@pytest.mark.day2_ci
def test_scaled_out_under_load_nothing_lost(outcome, nothing_lost):
    assert outcome["rc"] == 0 and outcome["changed"] > 0, outcome
    nothing_lost(outcome)


@pytest.mark.day2_ci
def test_second_run_changes_nothing(outcome):
    assert outcome["second_rc"] == 0 and outcome["second_changed"] == 0, outcome


@pytest.mark.day2_ci
def test_new_replica_set_keeps_one_copy_per_site(outcome):
    from ansible_collections.metrostor.gluster.plugins.module_utils.site_layout import check_layout
    sites = {"a": {"zone": 1}, "b": {"zone": 2}, "c": {"zone": 3, "tiebreaker": True}}
    nodes = {"10.77.1.11": "a", "10.77.1.12": "a", "10.77.1.13": "a", "10.77.2.11": "b", "10.77.2.12": "b",
             "10.77.2.13": "b", "10.77.3.11": "c"}
    sets = outcome["replica_sets"]
    assert len(sets) == 2 and [b.split(":")[0] for b in sets[1]] == ["10.77.1.13", "10.77.2.13", "10.77.3.11"], sets
    check_layout(sites, nodes, volumes={"day2": [[b.split(":")[0] for b in s] for s in sets]})
    # the new set's third brick is an arbiter too (add-brick without a replica count keeps replica 3 arbiter 1)
    assert outcome["number_of_bricks"] == ["2 x (2 + 1) = 6"], outcome["number_of_bricks"]
