"""The floating address check of the NFS heads (plugins/filter/floating_address.py)."""
from ansible_collections.metrostor.gluster.plugins.filter.floating_address import floating_address_problems

NETS = {"a": ["10.77.1.0/24", "10.77.10.0/24"], "b": ["10.77.2.0/24", "10.77.10.0/24"]}


def test_address_in_every_data_site_is_fine():
    assert floating_address_problems("10.77.10.50", NETS, ["a", "b"]) == []


def test_address_in_one_site_only_names_the_other_site_and_field():
    problems = floating_address_problems("10.77.1.50", NETS, ["a", "b"], field="nfs_ganesha_floating_address",
                                         networks_field="nfs_ganesha_site_networks")
    assert problems == ["nfs_ganesha_floating_address 10.77.1.50 is outside the networks of data site b "
                        "(nfs_ganesha_site_networks.b: 10.77.2.0/24, 10.77.10.0/24)"]


def test_address_outside_all_sites():
    problems = floating_address_problems("192.168.5.5", NETS, ["a", "b"])
    assert len(problems) == 2 and all("is outside the networks of data site" in p for p in problems)


def test_not_an_address():
    assert floating_address_problems("10.77.10.50/32", NETS, ["a"]) == [
        "floating_address '10.77.10.50/32' is not an IP address (give the address alone, without a prefix length)"]
    assert floating_address_problems("", NETS, ["a"]) == ["floating_address is not set"]


def test_site_without_networks_and_bad_network():
    assert floating_address_problems("10.77.10.50", {"a": []}, ["a"]) == [
        "site_networks has no networks for data site a (site_networks.a is missing or empty)"]
    assert floating_address_problems("10.77.10.50", {"a": ["nonsense", "10.77.10.0/24"]}, ["a"]) == [
        "site_networks.a: 'nonsense' is not a network"]


def test_ipv6():
    assert floating_address_problems("fd00::10", {"a": ["fd00::/64"]}, ["a"]) == []
    assert floating_address_problems("fd00::10", {"a": ["10.0.0.0/8"]}, ["a"])
