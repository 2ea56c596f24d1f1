"""The trusted pool and quorum, seen from the first node."""
import re

testinfra_hosts = ["gl-a1"]

EXPECTED_PEERS = {"10.77.1.12", "10.77.2.11", "10.77.2.12", "10.77.3.11"}


def test_pool_has_every_peer_connected(host):
    out = host.check_output("gluster --mode=script pool list")
    rows = [line.split() for line in out.splitlines()[1:] if line.strip()]
    peers = {row[1]: row[2] for row in rows if row[1] != "localhost"}
    assert set(peers) == EXPECTED_PEERS
    assert set(peers.values()) == {"Connected"}


def test_server_quorum_ratio(host):
    out = host.check_output("gluster --mode=script volume get all cluster.server-quorum-ratio")
    assert re.search(r"cluster.server-quorum-ratio\s+51", out), out


def test_health_playbook_reports_healthy(playbook):
    rc, out, recap = playbook("-e", '{"metrostor_health_fail_on": ["peers", "bricks", "quorum", "split_brain", '
                              '"heketi"]}', playbook="playbooks/health.yml")
    assert rc == 0, out[-3000:]
    assert "healthy: 5/5 peers connected" in out and "Heketi: healthy" in out, out[-3000:]
    assert all(r["changed"] == 0 for r in recap.values())
