"""Host-to-site mapping: the one place that reads metrostor_sites' groups."""
from ansible_collections.metrostor.gluster.plugins.module_utils.site_membership import (
    describe_sites,
    hosts_by_site,
    node_sites,
)

SITES = {"a": {"group": "site_a", "zone": 1}, "b": {"group": "site_b", "zone": 2},
         "c": {"group": "site_tiebreaker", "zone": 3, "tiebreaker": True}}
GROUPS = {"site_a": ["gl-a1", "gl-a2"], "site_b": ["gl-b1"], "site_tiebreaker": ["gl-c1"],
          "gluster_nodes": ["gl-a1", "gl-a2", "gl-b1", "gl-c1", "stray"]}


def test_node_sites_maps_each_group_and_marks_strays():
    assert node_sites(SITES, GROUPS) == {"gl-a1": "a", "gl-a2": "a", "gl-b1": "b", "gl-c1": "c"}
    assert node_sites(SITES, GROUPS, members=GROUPS["gluster_nodes"])["stray"] == "unassigned"


def test_site_without_group_in_inventory_maps_nothing():
    assert node_sites({"d": {"group": "site_d"}}, GROUPS) == {}


def test_hosts_by_site_and_message():
    by_site = hosts_by_site(["gl-a2", "gl-a1", "gl-c1"], SITES, GROUPS)
    assert by_site == {"a": ["gl-a1", "gl-a2"], "c": ["gl-c1"]}
    assert describe_sites(by_site) == "site a (gl-a1, gl-a2), site c (gl-c1)"
    assert hosts_by_site([], SITES, GROUPS) == {}
