"""Client networks written as entries Gluster matches exactly (its CIDR matching is not reached in 10.3)."""
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.filter.gluster_auth_entries import gluster_auth_entries


def test_octet_boundaries_become_wildcards():
    assert gluster_auth_entries(["10.0.0.0/8", "10.30.0.0/16", "10.77.1.0/24"]) == ["10.*.*.*", "10.30.*.*", "10.77.1.*"]


def test_small_blocks_are_written_out_exactly():
    assert gluster_auth_entries(["10.77.2.16/30"]) == ["10.77.2.16", "10.77.2.17", "10.77.2.18", "10.77.2.19"]
    lab = gluster_auth_entries(["10.77.2.16/28"])
    assert len(lab) == 16 and "10.77.2.21" in lab and "10.77.2.15" not in lab and "10.77.2.32" not in lab


def test_addresses_wildcards_names_pass_and_duplicates_go():
    assert gluster_auth_entries(["10.77.1.11", "10.77.1.*", "gl-a1", "10.77.1.11/32", "10.77.1.11"]) == [
        "10.77.1.11", "10.77.1.*", "gl-a1"]


def test_wide_unaligned_block_refused_not_widened():
    with pytest.raises(AnsibleFilterError, match="10.77.0.0/20 holds 4096 addresses"):
        gluster_auth_entries(["10.77.0.0/20"])


@pytest.mark.parametrize("bad", ["10.77.1.1,10.77.1.2", "10.77.1.1 10.77.1.2", "10.77.300.0/24"])
def test_bad_entries_refused(bad):
    with pytest.raises(AnsibleFilterError):
        gluster_auth_entries([bad])
