"""authorized_keys from= evaluation, used to refuse a list that locks Heketi out."""
from ansible_collections.metrostor.gluster.plugins.filter.ssh_from import ssh_from_allows


def test_addresses_cidr_and_wildcards():
    assert ssh_from_allows(["10.77.3.11"], ["10.77.3.11", "10.77.1.11"]) == ["10.77.3.11"]
    assert ssh_from_allows(["10.77.3.0/24"], ["10.77.1.11", "10.77.3.200"]) == ["10.77.3.200"]
    assert ssh_from_allows(["10.77.*"], ["10.77.2.5", "10.78.0.1"]) == ["10.77.2.5"]


def test_negation_wins():
    assert ssh_from_allows(["10.77.3.0/24", "!10.77.3.11"], ["10.77.3.11", "10.77.3.12"]) == ["10.77.3.12"]


def test_lock_out_is_empty():
    assert ssh_from_allows(["10.99.0.0/16"], ["10.77.3.11", "127.0.0.1"]) == []
    assert ssh_from_allows(["not-an-address/8"], ["10.77.3.11"]) == []
