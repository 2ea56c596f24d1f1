"""The non-root geo-replication user behind the mountbroker (upstream's recommended set-up) on the lab.

A second metro volume mbvol is copied to the DR site by playbooks/dr_georep.yml with
georep_user=geoaccount: the role creates the user and group on the DR node, runs
gluster-mountbroker setup/add, restarts glusterd there, creates the session (push-pem) as
geoaccount@gl-d1, runs upstream's set_geo_rep_pem_keys.sh and starts it.  The session must become
Active and a file written on the metro volume must reach the DR copy.  On failure the test prints
gsyncd's logs on both sides (the reason).  mbvol, its copy and the session are removed afterwards;
drvol's root session is left as it was.
Runs without molecule too: `pytest -q molecule/dr/tests/test_mountbroker.py` (lab up, converge done).
"""
import json
import os
import subprocess
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
# the repository's ansible.cfg (the lab inventory), not molecule's (which has none)
ENV = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
LAB = os.path.join(ROOT, "lab", "lab")
USER = "geoaccount"
GEO = "gluster --mode=script volume geo-replication mbvol %s@10.77.4.11::mbvol" % USER


def ssh(host, command, check=False):
    proc = subprocess.run([LAB, "ssh", host, command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    if check and proc.returncode:
        raise AssertionError("%s: %s failed: %s" % (host, command, proc.stdout[-2000:]))
    return proc.stdout


def logs():
    return ("--- gl-a1 gsyncd ---\n" + ssh("gl-a1", "tail -n 40 /var/log/glusterfs/geo-replication/mbvol_*/gsyncd.log")
            + "\n--- gl-d1 secondary ---\n"
            + ssh("gl-d1", "ls -la /var/log/glusterfs/geo-replication-secondaries/; tail -n 40 "
                           "/var/log/glusterfs/geo-replication-secondaries/*/gsyncd.log "
                           "/var/log/glusterfs/geo-replication-secondaries/mbr/*.log 2>/dev/null; "
                           "gluster-mountbroker status; tail -n 20 /var/log/glusterfs/glusterd.log"))


def test_non_root_session_through_the_mountbroker():
    ssh("gl-b1", "gluster --mode=script volume create mbvol replica 3 arbiter 1 10.77.1.11:/bricks/brick1/mbvol "
                 "10.77.2.11:/bricks/brick1/mbvol 10.77.3.11:/bricks/brick1/mbvol force && "
                 "gluster --mode=script volume start mbvol", check=True)
    dr_site = {"site": "d", "primary_group": "gluster_nodes", "georep_user": USER,
               "volumes": [{"primary": "mbvol", "standby": "mbvol"}]}
    try:
        start = time.monotonic()
        proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/dr_georep.yml",
                               "-e", json.dumps({"metrostor_dr_site": dr_site})], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, env=ENV, check=False)
        print("dr_georep.yml with %s: rc %d in %.0f s" % (USER, proc.returncode, time.monotonic() - start))
        with open(os.path.join(ROOT, ".lab", "dr-mountbroker-georep.log"), "w") as log:
            log.write(proc.stdout)
        assert proc.returncode == 0, proc.stdout[-4000:] + logs()
        deadline = time.monotonic() + 120
        status = ""
        while time.monotonic() < deadline:
            status = ssh("gl-a1", GEO + " status")
            if "Active" in status and "Faulty" not in status:
                break
            time.sleep(3)
        assert "Active" in status and "Faulty" not in status, status + logs()
        ssh("gl-a1", "mkdir -p /mnt/mbvol && mount -t glusterfs localhost:/mbvol /mnt/mbvol && "
                     "echo through-the-mountbroker > /mnt/mbvol/probe && umount /mnt/mbvol", check=True)
        deadline = time.monotonic() + 120
        copied = ""
        while time.monotonic() < deadline and "through-the-mountbroker" not in copied:
            time.sleep(3)
            copied = ssh("gl-d1", "cat /bricks/brick1/mbvol/probe 2>/dev/null")
        assert "through-the-mountbroker" in copied, ssh("gl-a1", GEO + " status detail") + logs()
        owner = ssh("gl-d1", "getent passwd %s; gluster-mountbroker status" % USER)
        assert USER in owner and "mbvol" in owner, owner
    finally:
        ssh("gl-a1", GEO + " stop force; " + GEO + " delete")
        ssh("gl-b1", "gluster --mode=script volume stop mbvol force; gluster --mode=script volume delete mbvol")
        for host in ("gl-a1", "gl-b1", "gl-c1"):
            ssh(host, "rm -rf /bricks/brick1/mbvol")
        ssh("gl-d1", "gluster --mode=script volume stop mbvol force; gluster --mode=script volume delete mbvol; "
                     "rm -rf /bricks/brick1/mbvol; gluster-mountbroker remove --volume mbvol --user %s" % USER)
