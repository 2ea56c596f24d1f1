"""The OpenStack provisioning plan (roles/openstack_nodes): what it creates, and what it refuses
before the cloud is asked for anything (the availability-zone rule lives in site_layout)."""
import copy

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.openstack_plan import PlanError, build_plan
from ansible_collections.metrostor.gluster.plugins.module_utils.site_layout import LayoutError, check_layout

SITES = {"a": {"group": "site_a", "zone": 1, "availability_zone": "az-a"},
         "b": {"group": "site_b", "zone": 2, "availability_zone": "az-b"},
         "c": {"group": "site_tiebreaker", "zone": 3, "tiebreaker": True, "availability_zone": "az-c"}}
GROUPS = {"site_a": ["gl-a1", "gl-a2"], "site_b": ["gl-b1", "gl-b2"], "site_tiebreaker": ["gl-c1"],
          "gluster_nodes": ["gl-a1", "gl-a2", "gl-b1", "gl-b2", "gl-c1"]}
HOSTS = {"gl-a1": {"address": "10.81.1.11", "roles": ["nfs_heads"]}, "gl-a2": {"address": "10.81.1.12"},
         "gl-b1": {"address": "10.81.2.11", "roles": ["nfs_heads"]}, "gl-b2": {"address": "10.81.2.12"},
         "gl-c1": {"address": "10.81.3.11", "roles": ["heketi"]}}
NETWORKS = {"a": {"cidr": "10.81.1.0/24"}, "b": {"cidr": "10.81.2.0/24"}, "c": {"cidr": "10.81.3.0/24"}}
DEFAULTS = {"image": "debian-12", "flavor": "m1.gluster", "tiebreaker_flavor": "m1.tiebreaker", "volume_count": 2,
            "volume_size": 10, "tiebreaker_volume_count": 1, "tiebreaker_volume_size": 1,
            "server_group_policy": "soft-anti-affinity", "admin_cidrs": ["10.78.0.0/24"],
            "client_cidrs": ["10.81.1.0/24", "10.81.2.0/24"], "brick_ports": 100, "heketi_port": 8080,
            "nfs_mount_port": 20048, "nfs_nlm_port": 32803}


def plan(sites=None, hosts=None, networks=None, defaults=None, groups=None):
    """The plan of the example deployment; a test replaces one of its inputs."""
    return build_plan(SITES if sites is None else sites, GROUPS if groups is None else groups,
                      HOSTS if hosts is None else hosts, "metro", NETWORKS if networks is None else networks,
                      DEFAULTS if defaults is None else defaults)


def refused(**kw):
    with pytest.raises(PlanError) as err:
        plan(**kw)
    return str(err.value)


def test_plan_lists_every_object_with_its_site_zone_and_mark():
    p = plan()
    assert p["summary"] == {"sites": 3, "servers": 5, "volumes": 9, "ports": 5, "security_group_rules": 26}
    by_name = dict((s["name"], s) for s in p["servers"])
    assert by_name["gl-a1"]["availability_zone"] == "az-a" and by_name["gl-c1"]["availability_zone"] == "az-c"
    assert by_name["gl-c1"]["flavor"] == "m1.tiebreaker" and by_name["gl-b2"]["flavor"] == "m1.gluster"
    assert by_name["gl-c1"]["metadata"] == {"metrostor_deployment": "metro", "metrostor_site": "c",
                                            "metrostor_group": "site_tiebreaker", "metrostor_roles": "heketi"}
    assert by_name["gl-a1"]["server_group"] == "metro-site-a"
    volumes = [(v["name"], v["size"], v["availability_zone"]) for v in p["volumes"] if v["server"] in ("gl-a1", "gl-c1")]
    assert volumes == [("metro-gl-a1-brick1", 10, "az-a"), ("metro-gl-a1-brick2", 10, "az-a"),
                       ("metro-gl-c1-brick1", 1, "az-c")]
    ports = dict((q["host"], q) for q in p["ports"])
    assert ports["gl-b2"]["address"] == "10.81.2.12" and ports["gl-b2"]["network"] == "metro-site-b"
    assert ports["gl-a1"]["security_groups"] == ["metro-gluster", "metro-nfs"]
    assert ports["gl-c1"]["security_groups"] == ["metro-gluster", "metro-heketi"]
    assert [g["policy"] for g in p["server_groups"]] == ["soft-anti-affinity"] * 3


def test_security_groups_open_exactly_the_needed_ports_between_the_right_groups():
    rules = set((r["security_group"], r["protocol"], r["port_range_min"], r["port_range_max"],
                 r["remote_group"] or r["remote_ip_prefix"]) for r in plan()["security_group_rules"])
    assert rules == {
        ("metro-gluster", "tcp", 24007, 24008, "metro-gluster"),
        ("metro-gluster", "tcp", 24007, 24008, "10.81.1.0/24"), ("metro-gluster", "tcp", 24007, 24008, "10.81.2.0/24"),
        ("metro-gluster", "tcp", 49152, 49251, "metro-gluster"),
        ("metro-gluster", "tcp", 49152, 49251, "10.81.1.0/24"), ("metro-gluster", "tcp", 49152, 49251, "10.81.2.0/24"),
        ("metro-gluster", "tcp", 22, 22, "10.78.0.0/24"), ("metro-gluster", "tcp", 22, 22, "metro-heketi"),
        ("metro-heketi", "tcp", 8080, 8080, "10.78.0.0/24"),
        ("metro-heketi", "tcp", 8080, 8080, "10.81.1.0/24"), ("metro-heketi", "tcp", 8080, 8080, "10.81.2.0/24"),
        ("metro-nfs", "tcp", 2049, 2049, "10.81.1.0/24"), ("metro-nfs", "tcp", 2049, 2049, "10.81.2.0/24"),
        ("metro-nfs", "tcp", 111, 111, "10.81.1.0/24"), ("metro-nfs", "tcp", 111, 111, "10.81.2.0/24"),
        ("metro-nfs", "udp", 111, 111, "10.81.1.0/24"), ("metro-nfs", "udp", 111, 111, "10.81.2.0/24"),
        ("metro-nfs", "tcp", 20048, 20048, "10.81.1.0/24"), ("metro-nfs", "tcp", 20048, 20048, "10.81.2.0/24"),
        ("metro-nfs", "udp", 20048, 20048, "10.81.1.0/24"), ("metro-nfs", "udp", 20048, 20048, "10.81.2.0/24"),
        ("metro-nfs", "tcp", 32803, 32803, "10.81.1.0/24"), ("metro-nfs", "tcp", 32803, 32803, "10.81.2.0/24"),
        ("metro-nfs", "udp", 32803, 32803, "10.81.1.0/24"), ("metro-nfs", "udp", 32803, 32803, "10.81.2.0/24"),
        ("metro-nfs", "112", None, None, "metro-nfs"),
    }


def test_two_sites_in_one_availability_zone_are_refused_by_the_layout_rule():
    sites = copy.deepcopy(SITES)
    sites["b"]["availability_zone"] = "az-a"
    message = refused(sites=sites)
    assert "sites a, b share availability zone az-a" in message
    with pytest.raises(LayoutError) as err:  # the same rule, where validate_layout.yml applies it
        check_layout(sites, {"gl-a1": "a", "gl-b1": "b", "gl-c1": "c"})
    assert "share availability zone az-a" in str(err.value)


def test_a_site_without_availability_zone_is_refused():
    sites = copy.deepcopy(SITES)
    del sites["c"]["availability_zone"]
    assert "site c has no availability_zone" in refused(sites=sites)
    sites = dict((s, dict((k, v) for k, v in c.items() if k != "availability_zone")) for s, c in SITES.items())
    assert "no site of metrostor_sites names its availability_zone" in refused(sites=sites)


def test_layout_without_cloud_is_unchanged():
    plain = dict((s, dict((k, v) for k, v in c.items() if k != "availability_zone")) for s, c in SITES.items())
    assert check_layout(plain, {"gl-a1": "a", "gl-b1": "b", "gl-c1": "c"})["nodes"] == 3


def test_unsafe_counts_addresses_and_networks_are_refused_together():
    groups = dict(GROUPS, site_a=["gl-a1", "gl-a2", "gl-a3"], gluster_nodes=GROUPS["gluster_nodes"] + ["gl-a3"])
    hosts = dict(HOSTS, **{"gl-a3": {"address": "10.81.2.11"}})
    message = refused(groups=groups, hosts=hosts, networks=dict(NETWORKS, c={}))
    assert "losing site a (3 of 6 nodes)" in message
    assert "host gl-a3: address 10.81.2.11 is outside site a's network 10.81.1.0/24" in message
    assert "hosts gl-a3 and gl-b1 have the same address 10.81.2.11" in message or \
        "hosts gl-b1 and gl-a3 have the same address 10.81.2.11" in message
    assert "site c has no network" in message


def test_host_outside_every_site_is_refused():
    groups = dict(GROUPS, gluster_nodes=GROUPS["gluster_nodes"] + ["stray"])
    assert "host stray is in site 'unassigned'" in refused(groups=groups, hosts=dict(HOSTS, stray={"address": "10.81.1.99"}))
