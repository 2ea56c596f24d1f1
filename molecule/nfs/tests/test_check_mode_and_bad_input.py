"""nfs.yml in check mode changes nothing; bad input is refused with the field named, before anything changes."""
import json

testinfra_hosts = ["gl-a1"]
CONFIGS = "md5sum /etc/ganesha/ganesha.conf /etc/keepalived/keepalived.conf /etc/bird/bird.conf"


def test_check_mode_reports_no_change(playbook):
    rc, out, recap = playbook("--check", "--diff", playbook="playbooks/nfs.yml")
    assert rc == 0, out[-3000:]
    assert {"gl-a1", "gl-b1", "k8s-a1", "k8s-b1"} <= set(recap), out[-3000:]
    assert all(r["changed"] == 0 and r["failed"] == 0 for r in recap.values()), out[-3000:]


def test_floating_address_outside_the_data_sites_is_refused(playbook, host):
    before = host.check_output(CONFIGS)
    rc, out, _recap = playbook("--limit", "nfs_heads", "-e", "nfs_ganesha_floating_address=10.77.9.50",
                               playbook="playbooks/nfs.yml")
    assert rc != 0, out[-2000:]
    assert "nfs_ganesha_floating_address 10.77.9.50 is outside the networks of data site a" in out, out[-2000:]
    assert "Nothing was changed" in out
    assert host.check_output(CONFIGS) == before


def test_export_of_a_missing_volume_is_refused(playbook, host):
    before = host.check_output(CONFIGS)
    rc, out, _recap = playbook("--limit", "nfs_heads", "-e", json.dumps({"nfs_ganesha_exports": [{"volume": "nosuch"}]}),
                               playbook="playbooks/nfs.yml")
    assert rc != 0 and "volume nosuch does not exist in the Gluster pool" in out, out[-2000:]
    assert host.check_output(CONFIGS) == before


def test_worker_without_kernel_nfs_is_refused_when_required(playbook):
    rc, out, _recap = playbook("--limit", "k8s-a1", "-e", "kubernetes_node_require_kernel_nfs=true",
                               playbook="playbooks/nfs.yml")
    assert rc != 0 and "k8s-a1: the kernel has no NFS client" in out, out[-2000:]
    # the role's report, read from /proc/filesystems ("nodev\tfuse"): FUSE found, NFS not
    assert "k8s-a1: kernel NFS client ABSENT, FUSE present" in out, out[-2000:]
