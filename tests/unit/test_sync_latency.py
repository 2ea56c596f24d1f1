"""The sync-or-async rule: links above metrostor_max_sync_rtt_ms are refused, naming link and figure."""
import socket

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.filter.sync_links import sync_links
from ansible_collections.metrostor.gluster.plugins.module_utils.sync_latency import LatencyError, check_sync_links
from ansible_collections.metrostor.gluster.plugins.modules import link_rtt


def links(ab=0.4, ac=0.5, bc=0.3):
    return {"a-b": {"ms": ab, "from": "gl-a1", "to": "10.77.2.11"},
            "a-c": {"ms": ac, "from": "gl-a1", "to": "10.77.3.11"},
            "b-c": {"ms": bc, "from": "gl-b1", "to": "10.77.3.11"}}


def test_fast_links_pass():
    out = check_sync_links(links())
    assert out["links"] == {"a-b": 0.4, "a-c": 0.5, "b-c": 0.3} and out["max_rtt_ms"] == 10
    assert not out["overridden"] and out["slow"] == []


def test_slow_link_refused_naming_link_figure_and_geo_replication():
    with pytest.raises(LatencyError) as err:
        check_sync_links(links(ab=30.46))
    msg = str(err.value)
    assert "the link between sites a-b has a round-trip time of 30.5 ms (gl-a1 -> 10.77.2.11)" in msg
    assert "metrostor_max_sync_rtt_ms=10 ms" in msg
    assert "geo-replication" in msg and "metrostor_allow_slow_sync_link=true" in msg
    assert "a-c" not in msg and "b-c" not in msg


def test_threshold_is_inclusive_and_configurable():
    assert check_sync_links(links(ab=10.0))["links"]["a-b"] == 10.0
    with pytest.raises(LatencyError, match="a-b .* 6.0 ms .* above metrostor_max_sync_rtt_ms=5 ms"):
        check_sync_links(links(ab=6.0), max_rtt_ms="5")


def test_override_accepts_slow_links_and_lists_them():
    out = check_sync_links(links(ab=31, bc=12), allow_slow=True)
    assert out["overridden"] and len(out["slow"]) == 2 and "b-c" in out["slow"][1]


def test_unmeasured_link_refused_even_with_override():
    data = links()
    data["a-b"] = {"ms": None, "from": "gl-a1", "to": "10.77.2.11", "error": "timed out"}
    with pytest.raises(LatencyError, match="a-b could not be measured .*timed out"):
        check_sync_links(data, allow_slow=True)


@pytest.mark.parametrize("bad", ["ten", 0, -1, None])
def test_bad_threshold_refused(bad):
    with pytest.raises(LatencyError, match="metrostor_max_sync_rtt_ms must be"):
        check_sync_links(links(), max_rtt_ms=bad)


def test_no_links_refused():
    with pytest.raises(LatencyError, match="no link between the metro sites"):
        check_sync_links({})


def test_filter_raises_ansible_error():
    with pytest.raises(AnsibleFilterError, match="a-b has a round-trip time of 40.0 ms"):
        sync_links(links(ab=40))


def test_link_rtt_targets():
    assert link_rtt.split_target("10.77.2.11", 22) == ("10.77.2.11", 22)
    assert link_rtt.split_target("gl-b1:24007", 22) == ("gl-b1", 24007)
    assert link_rtt.split_target("[fd00::1]:2222", 22) == ("fd00::1", 2222)


def test_link_rtt_measures_a_listening_socket_and_reports_a_closed_port():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    port = server.getsockname()[1]
    try:
        out = link_rtt.measure("127.0.0.1", port, 3, 1.0)
    finally:
        server.close()
    assert len(out["samples"]) == 3 and 0 <= out["min_ms"] <= out["ms"] <= out["max_ms"] < 100
    closed = link_rtt.measure("127.0.0.1", port, 2, 1.0)
    assert closed["ms"] is None and "refused" in closed["error"].lower()
