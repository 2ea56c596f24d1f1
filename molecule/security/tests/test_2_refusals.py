"""What the deployed volumes must refuse: a brick connection without a valid certificate, a client
whose certificate is valid but not allowed (auth.ssl-allow), a host outside the client networks
(auth.allow).  In the CI subset (molecule/security_ci).  Bad input given to the roles:
test_2_bad_input.py."""

import pytest

from conftest import install_gluster_files, lab_ca, make_cert, mount, probe, put_files, ssh

pytestmark = pytest.mark.security_ci
testinfra_hosts = ["gl-b1"]
OUTSIDER = "gl-d1"  # the DR site's host: outside the client networks, not allowed by name


@pytest.fixture(scope="module")
def bricks():
    return [b for b in probe("gl-b1", "bricks", "sectls")["bricks"] if b["online"]]


@pytest.fixture(scope="module")
def rogue_files():
    """On gl-b1: a certificate for an allowed name (k8s-a1), signed by a CA that is not the lab's."""
    ca_pem, _ca_key_pem, ca, ca_key = make_cert("rogue CA")
    cert, key, _c, _k = make_cert("k8s-a1", ca, ca_key)
    put_files("gl-b1", {"/root/rogue.pem": cert, "/root/rogue.key": key})
    yield "/root/rogue.pem", "/root/rogue.key"
    ssh("gl-b1", "rm -f /root/rogue.pem /root/rogue.key", check=False)


def test_every_brick_speaks_tls_with_a_modern_cipher(bricks):
    assert len(bricks) == 3
    for brick in bricks:
        assert brick["tls"] and brick["accepted"], brick
        assert brick["version"] in ("TLSv1.2", "TLSv1.3") and ("GCM" in brick["cipher"] or "CHACHA" in brick["cipher"])


def test_brick_refuses_a_certificate_of_another_ca(bricks, rogue_files):
    cert, key = rogue_files
    for brick in bricks:
        result = probe("gl-b1", "connect", brick["hostname"], str(brick["port"]), "--cert", cert, "--key", key)
        assert result["tls"] and not result["accepted"], result


PLAIN_CLIENT = r"""
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
s.sendall(b"\x80\x00\x00\x28" + bytes(40))  # an RPC record, not a TLS ClientHello
s.settimeout(5)
try:
    print("answered %d bytes" % len(s.recv(100)) if s.recv(100) else "closed")
except ConnectionResetError:
    print("closed")
"""


def test_brick_refuses_plain_tcp(bricks):
    # A plain (non-TLS) RPC client: the brick expects a TLS handshake and drops the connection.
    for brick in bricks:
        _rc, out = ssh("gl-b1", "python3 - %s %s" % (brick["hostname"], brick["port"]), stdin=PLAIN_CLIENT)
        assert out.strip().splitlines()[-1] == "closed", out


@pytest.fixture()
def outsider_with(request):
    """Give gl-d1 a Gluster certificate and key with the lab CA, where Gluster reads them (the role's
    install step); removed afterwards."""
    def give(cert, key):
        install_gluster_files(OUTSIDER, cert, key)
    yield give
    ssh(OUTSIDER, "umount -l /mnt/sectls /mnt/secacl 2>/dev/null; rm -f /etc/ssl/glusterfs.pem /etc/ssl/glusterfs.key "
                  "/etc/ssl/glusterfs.ca", check=False)


def test_client_with_a_valid_certificate_but_not_allowed_cannot_mount(outsider_with):
    ca, ca_key = lab_ca()
    cert, key, _c, _k = make_cert("intruder", ca, ca_key)
    outsider_with(cert, key)
    ssh(OUTSIDER, "truncate -s 0 /var/log/glusterfs/mnt-sectls.log 2>/dev/null || true")  # only this attempt's lines
    rc, out = mount(OUTSIDER, "sectls", check=False)
    assert rc != 0 or "fuse" not in out, out
    _rc, log = ssh(OUTSIDER, "grep -h -i -E 'ssl-allow|not authorized|AUTH_FAILED|Authentication failed' "
                             "/var/log/glusterfs/mnt-sectls.log | tail -3", check=False)
    assert log.strip(), "no authentication failure in the client log"


def test_client_with_a_certificate_of_another_ca_cannot_mount(outsider_with):
    _ca_pem, _k, ca, ca_key = make_cert("rogue CA")
    cert, key, _c, _k2 = make_cert("k8s-a1", ca, ca_key)
    outsider_with(cert, key)
    rc, out = mount(OUTSIDER, "sectls", check=False)
    assert rc != 0 or "fuse" not in out, out


def test_auth_allow_is_the_servers_and_the_client_networks():
    out = ssh("gl-b1", "gluster volume get secacl auth.allow")[1]
    allowed = out.strip().splitlines()[-1].split()[-1].split(",")
    # the servers, then 10.77.1.16/28 and 10.77.2.16/28 written out (GlusterFS 10.3 does not match CIDR entries)
    assert allowed[:5] == ["10.77.1.11", "10.77.1.12", "10.77.2.11", "10.77.2.12", "10.77.3.11"]
    assert allowed[5:] == ["10.77.1.%d" % i for i in range(16, 32)] + ["10.77.2.%d" % i for i in range(16, 32)]


def test_a_worker_inside_the_client_networks_mounts():
    rc, out = mount("k8s-b1", "secacl")
    assert "fuse" in out
    ssh("k8s-b1", "echo ok > /mnt/secacl/from-k8s-b1 && cat /mnt/secacl/from-k8s-b1")


def test_a_host_outside_the_client_networks_cannot_mount():
    rc, out = mount(OUTSIDER, "secacl", check=False)
    assert rc != 0 or "fuse" not in out, out
    ssh(OUTSIDER, "umount -l /mnt/secacl 2>/dev/null", check=False)
