"""site.yml deploys the NFS path: ansible-playbook itself lists nfs.yml's plays after Heketi's and
before the Kubernetes objects, behind site.yml's reachability gate; nfs.yml's own gate goes on
without a lost site instead of stopping."""
import os
import re
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def plays(playbook):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), playbook,
                           "--list-tasks"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return re.findall(r"^\s+play #\d+ \(([^)]*)\): (.+?)\tTAGS", proc.stdout, re.M)


def test_site_yml_runs_the_nfs_plays_after_heketi_and_before_kubernetes():
    names = [name for _hosts, name in plays("playbooks/site.yml")]
    nfs = [name for _hosts, name in plays("playbooks/nfs.yml")]
    assert len(nfs) == 4, nfs
    start = names.index(nfs[0])
    assert names[start:start + len(nfs)] == nfs, names
    assert names.index("Every site answers, or stop naming the one that does not") < names.index("Heketi") < start
    assert start + len(nfs) == len(names) - 1 and names[-1].startswith("Kubernetes storage objects"), names


def test_nfs_yml_gate_names_lost_sites_and_goes_on():
    with open(os.path.join(ROOT, "playbooks", "nfs.yml")) as handle:
        first = yaml.safe_load(handle)[0]
    assert first["hosts"] == "nfs_heads:kubernetes_workers"
    role = first["roles"][0]
    assert role["role"] == "metrostor.gluster.site_reachability"
    assert role["site_reachability_on_loss"] == "continue" and role["site_reachability_operation"] == "nfs.yml"


def test_exported_volumes_drop_a_lost_heads_connection_within_seconds():
    with open(os.path.join(ROOT, "roles", "nfs_ganesha", "defaults", "main.yml")) as handle:
        options = yaml.safe_load(handle)["nfs_ganesha_volume_options"]
    # time for a brick to give up on a client that stopped answering: the locks it held go with it
    detect = int(options["server.keepalive-time"]) + int(options["server.keepalive-interval"]) * int(
        options["server.keepalive-count"])
    assert int(options["server.tcp-user-timeout"]) <= 10 and detect <= 10, options
