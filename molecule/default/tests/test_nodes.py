"""Every Gluster node of the metro pool: GlusterFS installed and running, brick mounted.  (The lab's
DR host and Kubernetes-worker hosts are not in this pool: other scenarios deploy and test them.)"""
import re

testinfra_hosts = ["gl-a1", "gl-a2", "gl-b1", "gl-b2", "gl-c1"]


def test_glusterd_running_and_enabled(host):
    svc = host.service("glusterd")
    assert svc.is_running and svc.is_enabled


def test_installed_major_version(host):
    out = host.check_output("glusterd --version")
    assert re.search(r"glusterfs 10\.\d+", out), out


def test_brick_is_xfs_and_mounted(host):
    mount = host.mount_point("/bricks/brick1")
    assert mount.exists and mount.filesystem == "xfs"
    assert mount.device == "/dev/vdb"
    assert "/bricks/brick1" in host.file("/etc/fstab").content_string


def test_glusterd_listens(host):
    assert host.socket("tcp://0.0.0.0:24007").is_listening
