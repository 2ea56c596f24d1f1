"""A client in site a (k8s-a1) writes a known marker to a volume whose bricks are in sites a, b
and c, while the root namespace captures the site bridges: the marker crosses the links in clear
without TLS, and never with TLS on the volume."""
import os
import sys
import time
import uuid

import pytest

from conftest import ROOT, mount, ssh

sys.path.insert(0, os.path.join(ROOT, "lab"))
from capture import Capture  # noqa: E402

pytestmark = pytest.mark.security_ci
testinfra_hosts = ["k8s-a1"]
MARKER = "METROSTOR-MARKER-%s" % uuid.uuid4().hex


def write_marker(volume):
    mount("k8s-a1", volume)
    path = "/mnt/%s/marker-%s.txt" % (volume, MARKER[-8:])
    with Capture() as cap:
        time.sleep(0.5)
        ssh("k8s-a1", "python3 -c 'import os; f=open(\"%s\", \"w\"); f.write(\"%s\\n\" * 2000); f.flush(); "
                      "os.fsync(f.fileno()); f.close(); print(open(\"%s\").read().count(\"%s\"))'"
            % (path, MARKER, path, MARKER))
        time.sleep(1)
    _rc, on_brick = ssh("gl-b1", "grep -c %s /bricks/brick1/%s/%s" % (MARKER, volume, os.path.basename(path)))
    return cap, int(on_brick.strip())


@pytest.fixture(scope="module")
def plain():
    return write_marker("secplain")


@pytest.fixture(scope="module")
def encrypted():
    return write_marker("sectls")


def test_marker_crosses_the_links_in_clear_without_tls(plain):
    cap, on_brick = plain
    print("without TLS: %d frames, %d bytes captured, marker in %d frames" % (cap.frames, cap.bytes, cap.count(MARKER.encode())))
    assert on_brick == 2000
    assert cap.count(MARKER.encode()) > 0, (cap.frames, cap.by_iface)


def test_marker_never_crosses_the_links_with_tls(encrypted):
    cap, on_brick = encrypted
    print("with TLS: %d frames, %d bytes captured, marker in %d frames" % (cap.frames, cap.bytes, cap.count(MARKER.encode())))
    assert on_brick == 2000  # the write reached the brick in site b...
    assert cap.bytes > 2000 * len(MARKER), (cap.frames, cap.bytes)  # ...through the captured links
    assert cap.count(MARKER.encode()) == 0


def test_tls_options_of_the_volume(host):
    out = ssh("gl-b1", "gluster volume get sectls all | grep -E '^(client.ssl|server.ssl|auth.ssl-allow|ssl.cipher-list) '")[1]
    opts = dict(line.split(None, 1) for line in out.strip().splitlines())
    assert opts["client.ssl"].strip() == "on" and opts["server.ssl"].strip() == "on"
    assert sorted(opts["auth.ssl-allow"].strip().split(",")) == ["gl-a1", "gl-a2", "gl-b1", "gl-b2", "gl-c1",
                                                                 "k8s-a1", "k8s-b1"]
    assert "CBC" not in opts["ssl.cipher-list"] and "ECDHE" in opts["ssl.cipher-list"]


def test_certificate_files_and_names(host):
    assert host.file("/etc/ssl/glusterfs.key").mode == 0o600
    subject = host.check_output("openssl x509 -noout -subject -in /etc/ssl/glusterfs.pem")
    assert "CN = k8s-a1" in subject or "CN=k8s-a1" in subject
    host.run_expect([0], "openssl verify -CAfile /etc/ssl/glusterfs.ca /etc/ssl/glusterfs.pem")
