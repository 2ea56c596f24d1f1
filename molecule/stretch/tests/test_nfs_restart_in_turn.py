"""Ganesha restarted one head at a time when the bricks' connection options change under it (roles/nfs_ganesha,
tasks/restart_for_brick_options.yml), on the deployed lab: with server.tcp-user-timeout put back to Gluster's
42 s while both Ganeshas run, nfs.yml on the heads sets 5 again and restarts Ganesha on the head without the
floating address first, then on the one holding it; afterwards each head runs one new ganesha.nfsd, one head
holds the address and NFS answers through it.  Runs before test_nfs_site_loss.py (which then cuts site a
with Ganesha's brick connections made under the new options).  About 3 minutes."""
import os
import subprocess
import sys
import time

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "lab"))

import nfs_site_loss  # noqa: E402

ENV = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
           # molecule's verifier exports ANSIBLE_FORCE_COLOR: colour codes begin every line of the output
           ANSIBLE_FORCE_COLOR="0")
ENV.pop("ANSIBLE_INVENTORY", None)


def ganesha_pids(head):
    return nfs_site_loss.ssh(head, "pgrep -x ganesha.nfsd", check=False).split()


def nfs_yml_on_heads():
    proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/nfs.yml", "--limit",
                           "nfs_heads"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=900, check=False)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def restart():
    address, volume, heads = nfs_site_loss.nfs_layout()
    before = {"holder": nfs_site_loss.holder(address, heads), "pids": {h: ganesha_pids(h) for h in heads}}
    nfs_site_loss.ssh("gl-b1", "gluster --mode=script volume set %s server.tcp-user-timeout 42" % volume)
    rc, out = nfs_yml_on_heads()
    # the address may still be moving (the holder's restart failed its head check): give it 30 s to settle
    deadline = time.monotonic() + 30
    while True:
        holder = nfs_site_loss.holder(address, heads)
        serves = nfs_site_loss.ssh("gl-b1", "rpcinfo -t %s nfs 3" % address, check=False)
        if (len(holder) == 1 and "ready and waiting" in serves) or time.monotonic() > deadline:
            break
        time.sleep(1)
    after = {"holder": holder, "pids": {h: ganesha_pids(h) for h in heads}}
    timeout = nfs_site_loss.ssh("gl-b1", "gluster --mode=script volume get %s server.tcp-user-timeout" % volume)
    return {"address": address, "heads": sorted(heads), "before": before, "after": after, "rc": rc, "out": out,
            "timeout": timeout, "serves": serves}


def test_nfs_yml_sets_the_option_again(restart):
    assert restart["rc"] == 0, restart["out"][-3000:]
    assert "server.tcp-user-timeout" in restart["timeout"] and " 5" in restart["timeout"], restart["timeout"]


def test_backup_head_restarts_first_then_the_holder(restart):
    holder = restart["before"]["holder"]
    assert len(holder) == 1, restart["before"]
    backup = [h for h in restart["heads"] if h != holder[0]][0]
    assert ("Restarting Ganesha one head at a time: %s, then %s (the last holds the floating address %s)"
            % (backup, holder[0], restart["address"])) in restart["out"], restart["out"][-4000:]


def test_each_head_runs_one_new_ganesha(restart):
    for head in restart["heads"]:
        before, after = restart["before"]["pids"][head], restart["after"]["pids"][head]
        assert len(before) == 1 and len(after) == 1 and before != after, (head, before, after)


def test_one_head_holds_the_address_and_nfs_answers_through_it(restart):
    assert len(restart["after"]["holder"]) == 1, restart["after"]
    assert "ready and waiting" in restart["serves"], restart["serves"]
