"""The rolling upgrade's plan (plugins/module_utils/upgrade_plan.py, filters in plugins/filter/upgrade_plan.py):
the order (data sites first, the tie-breaker last), when the upgrade counts as finished, and the op-version."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.filter.upgrade_plan import FilterModule
from ansible_collections.metrostor.gluster.plugins.module_utils.upgrade_plan import (
    major,
    op_version_step,
    upgrade_order,
    version_problems,
)

SITES = {"a": {"zone": 1}, "b": {"zone": 2}, "c": {"zone": 3, "tiebreaker": True}}
FILTERS = FilterModule().filters()


def test_data_sites_first_site_by_site_the_tiebreaker_last_whatever_the_inventory_order():
    nodes = ["c1", "b1", "a2", "b2", "a1"]
    sites = {"a1": "a", "a2": "a", "b1": "b", "b2": "b", "c1": "c"}
    assert upgrade_order(SITES, sites, nodes) == ["a2", "a1", "b1", "b2", "c1"]


def test_sites_are_ordered_by_zone_not_by_name():
    sites = {"west": {"zone": 2}, "east": {"zone": 1}, "tb": {"zone": 3, "tiebreaker": True}}
    nodes = {"w1": "west", "e1": "east", "t1": "tb"}
    assert upgrade_order(sites, nodes, ["t1", "w1", "e1"]) == ["e1", "w1", "t1"]


def test_a_node_in_no_site_is_refused_by_name():
    with pytest.raises(ValueError, match="not in a site of metrostor_sites: x9"):
        upgrade_order(SITES, {"a1": "a", "x9": "z"}, ["a1", "x9"])
    with pytest.raises(AnsibleFilterError, match="rolling upgrade refused, nothing was changed: nodes not in a site"):
        FILTERS["upgrade_order"](SITES, {"x9": None}, ["x9"])


def test_release_majors():
    assert major("10.3") == 10 and major("9.2") == 9 and major("") is None and major(None) is None


def test_finished_when_every_node_runs_the_same_release():
    assert version_problems({"a1": "10.3", "b1": "10.3", "c1": "10.3"}) == []
    assert version_problems({"a1": "10.3", "b1": "9.2"}) == ["the nodes run different releases: a1 10.3, b1 9.2"]


def test_finished_only_when_every_node_runs_the_target_major():
    assert version_problems({"a1": "10.3", "c1": "9.2"}, "10") == ["not on GlusterFS 10: c1 (9.2)"]
    assert version_problems({"a1": "10.3", "c1": "10.3"}, 10) == []
    assert version_problems({"a1": "10.3", "c1": ""}, "10") == ["no GlusterFS release read on c1"]


def test_op_version_is_only_raised():
    assert op_version_step("90000", "100000") == 100000
    assert op_version_step(100000, 100000) is None
    assert op_version_step(100000, 90000) is None
    assert FILTERS["upgrade_op_version"]("100000", "90000") == 100000
