"""After converge: the session drvol -> gl-d1::drvol is running, the DR copy is read-only for
clients and marked standby, the DR pool is its own, and a check-mode run predicts no change."""
import os
import subprocess

testinfra_hosts = ["gl-a1"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# the repository's ansible.cfg (the lab inventory), not molecule's (which has none)
ENV = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
GEO = "gluster --mode=script volume geo-replication drvol 10.77.4.11::drvol"


def test_session_started_with_meta_volume(host):
    out = host.check_output(GEO + " status detail --xml")
    assert out.count("<status>Active</status>") == 1, out
    assert "Faulty" not in out
    config = host.check_output(GEO + " config use_meta_volume")
    assert config.strip() == "true"


def test_dr_pool_is_separate(host):
    pool = host.check_output("gluster --mode=script pool list")
    assert "10.77.4.11" not in pool


def test_standby_read_only_for_clients_and_marked():
    out = subprocess.run([os.path.join(ROOT, "lab", "lab"), "ssh", "gl-d1",
                          "gluster --mode=script volume info drvol; gluster --mode=script pool list"],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    assert "features.read-only: on" in out and "user.metrostor.dr-role: standby" in out
    assert "10.77.1.11" not in out and "10.77.2.11" not in out


def test_check_mode_predicts_no_change():
    proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/dr_georep.yml",
                           "--check"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=ENV, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    recap = proc.stdout[proc.stdout.rindex("PLAY RECAP"):]
    assert "changed=0" in recap and "changed=1" not in recap, recap


def test_session_to_a_volume_holding_data_refused_before_change():
    """A second session to a DR volume that already holds files is refused with the reason."""
    lab = os.path.join(ROOT, "lab", "lab")
    subprocess.run([lab, "ssh", "gl-d1", "gluster --mode=script volume create fullvol "
                    "10.77.4.11:/bricks/brick1/fullvol force && gluster --mode=script volume start fullvol && "
                    "mkdir -p /mnt/fullvol && mount -t glusterfs 10.77.4.11:/fullvol /mnt/fullvol && "
                    "echo data > /mnt/fullvol/existing && umount /mnt/fullvol"], check=True)
    try:
        proc = subprocess.run(
            [os.path.join(ROOT, ".venv", "bin", "ansible"), "gl-a1", "-m", "metrostor.gluster.gluster_georep",
             "-a", "master_volume=drvol slave_host=10.77.4.11 slave_volume=fullvol"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, env=ENV, check=False)
        assert proc.returncode != 0
        assert "slave_not_empty" in proc.stdout and "already holds files" in proc.stdout, proc.stdout[-2000:]
        sessions = subprocess.run([lab, "ssh", "gl-a1", GEO.replace("::drvol", "::fullvol") + " config"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False).stdout
        assert "does not exist" in sessions
    finally:
        subprocess.run([lab, "ssh", "gl-d1", "gluster --mode=script volume stop fullvol; "
                        "gluster --mode=script volume delete fullvol; rm -rf /bricks/brick1/fullvol"], check=False)
