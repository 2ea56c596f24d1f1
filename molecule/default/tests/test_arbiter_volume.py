"""A replica 3 arbiter 1 volume across the three sites, arbiter brick in the tie-breaker
site: created with metrostor.gluster.gluster_volume, mounted with FUSE, written to."""
import json
import uuid

import pytest

testinfra_hosts = ["gl-a2"]

BRICKS = ["10.77.1.11:/bricks/brick1/vtest", "10.77.2.11:/bricks/brick1/vtest", "10.77.3.11:/bricks/brick1/vtest"]


def gluster_volume(host, **args):
    return host.ansible("metrostor.gluster.gluster_volume", json.dumps(args), check=False, become=False)


@pytest.fixture(scope="module")
def volume(host, ansible_host_for):
    created = gluster_volume(host, name="vtest", replica=3, arbiter=1, bricks=BRICKS,
                             options={"network.ping-timeout": 5})
    yield created
    host.run("umount /mnt/vtest")
    gluster_volume(host, name="vtest", state="absent")
    for name in ("gl-a1", "gl-b1", "gl-c1"):
        ansible_host_for(name).run("rm -rf /bricks/brick1/vtest")


def test_volume_is_replica_3_arbiter_1_with_arbiter_in_site_c(volume, host):
    assert volume["changed"] is True
    info = volume["volume"]
    assert info["status"] == "Started" and info["replica"] == 3 and info["arbiter_count"] == 1
    assert info["arbiter_bricks"] == ["10.77.3.11:/bricks/brick1/vtest"]
    again = gluster_volume(host, name="vtest", replica=3, arbiter=1, bricks=BRICKS,
                           options={"network.ping-timeout": 5})
    assert again["changed"] is False


def test_fuse_write_lands_on_data_bricks(volume, host, ansible_host_for):
    token = uuid.uuid4().hex
    host.run_test("mkdir -p /mnt/vtest")
    host.run_test("mountpoint -q /mnt/vtest || mount -t glusterfs 10.77.1.11:/vtest /mnt/vtest")
    host.run_test("echo %s > /mnt/vtest/probe.txt && sync" % token)
    for name in ("gl-a1", "gl-b1"):
        brick = ansible_host_for(name).file("/bricks/brick1/vtest/probe.txt")
        assert brick.content_string.strip() == token
    arbiter = ansible_host_for("gl-c1").file("/bricks/brick1/vtest/probe.txt")
    assert arbiter.exists and arbiter.size == 0  # the arbiter keeps metadata only
