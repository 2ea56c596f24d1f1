"""Rotation of the secrets while a worker writes to the TLS volume (lab/site_loss.py's FuseWriter,
fsync'ed records): no acknowledged write lost; afterwards the old executor key and the old
JWT admin key are refused and the new ones accepted, and every rotated host has a new certificate.

Which secrets, and on which hosts (ansible --limit), come from the environment: by default every
secret on every host (molecule/security); molecule/security_ci (CI) rotates a subset to fit its
time.  A test of a secret that was not rotated is skipped, saying so."""
import json
import os
import time

import pytest

from conftest import ROOT, mount, ssh

pytestmark = pytest.mark.security_ci
testinfra_hosts = ["gl-c1"]
ROTATED = os.environ.get("METROSTOR_ROTATE_SECRETS", "gluster_tls,heketi_ssh_key,heketi_jwt").split(",")
LIMIT = [h for h in os.environ.get("METROSTOR_ROTATE_LIMIT", "").split(",") if h]  # empty: every host
CERT_HOSTS = [h for h in ("gl-a1", "gl-b1", "gl-c1", "k8s-a1") if not LIMIT or h in LIMIT]
NEW_KEYS = {"heketi_admin_key": "rotated-admin-secret", "heketi_user_key": "rotated-user-secret"}
OLD_KEYS = {"heketi_admin_key": "lab-admin-secret", "heketi_user_key": "lab-user-secret"}
# Runs on the worker: lab/site_loss.py's FuseWriter appends fsync'ed records until /root/stop-writer
# appears, then every acknowledged record is looked for in the file (site_loss.lost).
DRIVER = r"""
import json, os, sys, time
sys.path.insert(0, "/root")
import site_loss
writer = site_loss.FuseWriter("/mnt/sectls/rotation.log")
writer.start()
while not os.path.exists("/root/stop-writer"):
    time.sleep(0.2)
writer.stop()
times = [t for _s, t in writer.acks]
print(json.dumps({"acknowledged": len(writer.acks), "lost": len(site_loss.lost(writer.acks, writer.present())),
                  "write_errors": len(writer.errors),
                  "max_gap_seconds": round(max((b - a for a, b in zip(times, times[1:])), default=0), 2)}))
"""


def heketi_answers(key, user="admin"):
    args = json.dumps({"heketi_url": "https://127.0.0.1:8080", "heketi_user": user, "heketi_key": key,
                       "ca_path": "/etc/heketi/tls/ca.crt", "gather": ["volumes"], "retries": 0})
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"))
    import subprocess
    proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible"), "gl-c1", "-m",
                           "metrostor.gluster.heketi_info", "-a", args], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
    return proc.returncode == 0, proc.stdout


def certificate_fingerprints():
    return {h: ssh(h, "openssl x509 -noout -fingerprint -sha256 -in /etc/ssl/glusterfs.pem")[1].strip()
            for h in CERT_HOSTS}


def rotated(secret):
    return pytest.mark.skipif(secret not in ROTATED, reason="%s not rotated in this run (METROSTOR_ROTATE_SECRETS=%s)"
                              % (secret, ",".join(ROTATED)))


@pytest.fixture(scope="module")
def rotation(playbook):
    old_pub = ssh("gl-c1", "cat /etc/heketi/heketi_key.pub")[1].strip()
    ssh("gl-c1", "cp -p /etc/heketi/heketi_key /root/old_heketi_key")
    fingerprints = certificate_fingerprints()
    mount("k8s-a1", "sectls")
    for name in ("site_loss.py", "records.py"):
        with open(os.path.join(ROOT, "lab", name)) as handle:
            ssh("k8s-a1", "cat > /root/%s" % name, stdin=handle.read())
    ssh("k8s-a1", "cat > /root/rotation_writer.py", stdin=DRIVER)
    ssh("k8s-a1", "rm -f /root/stop-writer /mnt/sectls/rotation.log; "
                  "nohup python3 /root/rotation_writer.py > /root/rotation_writer.json 2>&1 &")
    time.sleep(3)
    started = time.monotonic()
    limit = ["--limit", ",".join(LIMIT)] if LIMIT else []
    rc, out, recap = playbook(*limit, "-e", json.dumps(dict(NEW_KEYS, gluster_tls_volumes=["sectls"], rotate_secrets=ROTATED)),
                              playbook="playbooks/rotate_secrets.yml")
    seconds = time.monotonic() - started
    time.sleep(3)
    ssh("k8s-a1", "touch /root/stop-writer")
    deadline = time.monotonic() + 120
    writer = ""
    while time.monotonic() < deadline and not writer.strip().startswith("{"):
        time.sleep(1)
        writer = ssh("k8s-a1", "cat /root/rotation_writer.json", check=False)[1]
    yield {"rc": rc, "out": out, "recap": recap, "seconds": seconds, "old_pub": old_pub,
           "fingerprints": fingerprints, "writer": writer}
    ssh("gl-c1", "rm -f /root/old_heketi_key", check=False)
    if "heketi_jwt" in ROTATED:
        # Back to the inventory's keys (a second JWT rotation), so that site.yml finds what it expects.
        rc_back, out_back, _r = playbook("-e", json.dumps(dict(OLD_KEYS, rotate_secrets=["heketi_jwt"])),
                                         playbook="playbooks/rotate_secrets.yml")
        assert rc_back == 0, out_back[-3000:]


def test_rotation_succeeds(rotation):
    assert rotation["rc"] == 0, rotation["out"][-4000:]
    print("rotate_secrets.yml (%s, hosts %s) took %.1f s" % (",".join(ROTATED), ",".join(LIMIT) or "all",
                                                             rotation["seconds"]))


def test_no_acknowledged_write_lost(rotation):
    result = json.loads(rotation["writer"].strip().splitlines()[-1])
    print("writer during rotation: %s" % result)
    assert result["acknowledged"] > 100 and result["lost"] == 0, result


@rotated("gluster_tls")
def test_every_gluster_certificate_replaced(rotation):
    after = certificate_fingerprints()
    assert all(after[h] != rotation["fingerprints"][h] for h in after), (rotation["fingerprints"], after)


@rotated("heketi_ssh_key")
def test_old_executor_key_refused_new_accepted(rotation):
    for node in ("10.77.1.11", "10.77.2.12", "10.77.3.11"):
        rc, out = ssh("gl-c1", "ssh -i /root/old_heketi_key -o BatchMode=yes -o IdentitiesOnly=yes "
                               "-o StrictHostKeyChecking=no heketi-exec@%s sudo gluster --version" % node, check=False)
        assert rc != 0 and "Permission denied" in out, out
        rc, out = ssh("gl-c1", "sudo -u heketi ssh -i /etc/heketi/heketi_key -o BatchMode=yes -o IdentitiesOnly=yes "
                               "-o StrictHostKeyChecking=no heketi-exec@%s sudo gluster --version" % node, check=False)
        assert rc == 0 and "glusterfs" in out, out
    assert rotation["old_pub"].split()[1] not in ssh("gl-a1", "cat ~heketi-exec/.ssh/authorized_keys")[1]


@rotated("heketi_jwt")
def test_old_jwt_key_refused_new_accepted(rotation):
    ok, out = heketi_answers(OLD_KEYS["heketi_admin_key"])
    assert not ok and "401" in out, out
    ok, out = heketi_answers(NEW_KEYS["heketi_admin_key"])
    assert ok, out
    ok, out = heketi_answers(NEW_KEYS["heketi_user_key"], user="user")
    assert ok, out


@rotated("heketi_jwt")
def test_backup_timer_works_with_the_new_key(rotation):
    ssh("gl-c1", "systemctl start heketi-db-backup.service")
