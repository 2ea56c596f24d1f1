"""site.yml in check mode changes nothing; bad input gets a clear error and nothing is lost."""
import json

testinfra_hosts = ["gl-a2"]


def test_check_mode_reports_no_change(playbook):
    rc, out, recap = playbook("--check", "--diff")
    assert rc == 0, out[-3000:]
    assert {"gl-a1", "gl-a2", "gl-b1", "gl-b2", "gl-c1"} <= set(recap) and all(r["changed"] == 0 and r["failed"] == 0 for r in recap.values()), out[-3000:]


def test_missing_device_is_refused(playbook, host):
    bricks = {"gluster_bricks": [{"device": "/dev/vdz", "name": "brick1"}]}
    rc, out, _recap = playbook("--limit", "gl-a2", "-e", json.dumps(bricks))
    assert rc != 0 and "Brick device /dev/vdz (brick brick1) does not exist on gl-a2" in out


def test_foreign_filesystem_is_not_wiped(playbook, host):
    marker = "/bricks/brick1/keep-me"
    host.run_test("echo precious > %s" % marker)
    # /dev/vdb carries the XFS of brick1; claiming it for another brick must be refused
    bricks = {"gluster_bricks": [{"device": "/dev/vdb", "name": "other"}]}
    rc, out, _recap = playbook("--limit", "gl-a2", "-e", json.dumps(bricks))
    assert rc != 0 and "already holds xfs labelled gl-brick1" in out and "Nothing was changed" in out
    assert host.file(marker).content_string.strip() == "precious"
    assert host.mount_point("/bricks/brick1").exists
    host.run_test("rm -f %s" % marker)


def test_foreign_ext4_needs_force_then_is_wiped(playbook, host):
    # /dev/vdc is the lab's Heketi disk; Heketi's mock executor (lab only) never writes to it, so it can be borrowed.
    host.run_test("wipefs -a /dev/vdc && mkfs.ext4 -q -L foreign /dev/vdc")
    try:
        bricks = {"gluster_bricks": [{"device": "/dev/vdb", "name": "brick1"}, {"device": "/dev/vdc", "name": "brick2"}]}
        rc, out, _recap = playbook("--limit", "gl-a2", "-e", json.dumps(bricks))
        assert rc != 0 and "/dev/vdc on gl-a2 already holds ext4 labelled foreign" in out
        assert host.check_output("blkid -o value -s TYPE /dev/vdc") == "ext4"
        assert not host.mount_point("/bricks/brick2").exists
        rc, out, recap = playbook("--limit", "gl-a2", "-e", json.dumps(dict(bricks, gluster_force_wipe=True)))
        assert rc == 0, out[-3000:]
        assert host.check_output("blkid -o value -s LABEL /dev/vdc") == "gl-brick2"
        assert host.mount_point("/bricks/brick2").filesystem == "xfs"
        # the existing brick1 was left alone
        assert host.mount_point("/bricks/brick1").exists
        rc, out, recap = playbook("--limit", "gl-a2", "-e", json.dumps(dict(bricks, gluster_force_wipe=True)))
        assert rc == 0 and recap["gl-a2"]["changed"] == 0, out[-3000:]
    finally:
        host.run("umount /bricks/brick2; sed -i '\\#/bricks/brick2#d' /etc/fstab; wipefs -a /dev/vdc")


def test_unreachable_peer_is_refused_before_probing(host):
    before = host.check_output("gluster --mode=script pool list")
    try:  # testinfra returns a failed module's result (older versions raised)
        result = host.ansible("metrostor.gluster.gluster_peer",
                              json.dumps({"nodes": ["10.77.3.99"], "connect_timeout": 2}), check=False)
    except host.ansible.AnsibleException as exc:
        result = exc.result
    assert "glusterd does not answer on port 24007 of 10.77.3.99" in result.get("msg", ""), result
    assert "Nothing was probed" in result["msg"]
    assert host.check_output("gluster --mode=script pool list") == before
