"""Management encryption switched on for the whole pool and back off: the pool stays connected,
glusterd speaks only TLS and refuses a certificate of another CA, a worker still mounts; then
plain again (the shared lab's default)."""
import pytest

from conftest import make_cert, mount, probe, put_files, ssh

testinfra_hosts = ["gl-b1"]
TLS_ON = '{"gluster_tls_management": true, "gluster_tls_volumes": ["sectls"]}'
TLS_OFF = '{"gluster_tls_management": false, "gluster_tls_volumes": ["sectls"]}'


@pytest.fixture(scope="module")
def management_on(playbook):
    rc, out, recap = playbook("-e", TLS_ON, playbook="playbooks/gluster_tls.yml")
    yield rc, out, recap
    rc_off, out_off, _recap = playbook("-e", TLS_OFF, playbook="playbooks/gluster_tls.yml")
    assert rc_off == 0, out_off[-3000:]


def test_switch_on_succeeds(management_on):
    rc, out, recap = management_on
    assert rc == 0, out[-3000:]
    assert recap["gl-a1"]["changed"] > 0 and recap["k8s-a1"]["changed"] > 0


def test_pool_connected_over_tls(management_on):
    out = ssh("gl-b1", "gluster --mode=script pool list")[1]
    assert "Disconnected" not in out and out.count("Connected") == 5, out


def test_glusterd_speaks_tls_and_accepts_the_pool_certificate(management_on):
    for address in ("10.77.1.11", "10.77.3.11"):
        result = probe("gl-b1", "connect", address, "24007", "--ca", "/etc/ssl/glusterfs.ca")
        assert result["tls"] and result["accepted"], result


def test_glusterd_refuses_a_certificate_of_another_ca(management_on):
    _p, _k, ca, ca_key = make_cert("rogue CA")
    cert, key, _c, _k2 = make_cert("gl-b1", ca, ca_key)
    put_files("gl-b1", {"/root/rogue-mgmt.pem": cert, "/root/rogue-mgmt.key": key})
    try:
        result = probe("gl-b1", "connect", "10.77.1.11", "24007", "--cert", "/root/rogue-mgmt.pem",
                       "--key", "/root/rogue-mgmt.key")
        assert result["tls"] and not result["accepted"], result
    finally:
        ssh("gl-b1", "rm -f /root/rogue-mgmt.pem /root/rogue-mgmt.key", check=False)


def test_glusterd_refuses_plain_tcp(management_on):
    # The CLI of a host without secure-access speaks plain RPC to glusterd: it gets no answer.
    rc, out = ssh("gl-d1", "timeout 20 gluster --mode=script --remote-host=10.77.1.11 volume list", check=False)
    assert rc != 0, out


def test_worker_mounts_with_management_tls(management_on):
    rc, out = mount("k8s-a1", "sectls")
    assert "fuse" in out
    ssh("k8s-a1", "ls /mnt/sectls >/dev/null")


def test_switched_back_off(playbook, management_on):
    rc, out, _recap = playbook("-e", TLS_OFF, playbook="playbooks/gluster_tls.yml")
    assert rc == 0, out[-3000:]
    for host in ("gl-a1", "gl-b1", "gl-c1", "k8s-a1"):
        assert ssh(host, "test -e /var/lib/glusterd/secure-access", check=False)[0] != 0
    assert "Disconnected" not in ssh("gl-b1", "gluster --mode=script pool list")[1]
    result = probe("gl-b1", "connect", "10.77.1.11", "24007")
    assert not result["tls"], result
