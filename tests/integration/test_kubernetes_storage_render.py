"""Render mode of the kubernetes_storage role through real ansible-playbook runs:
first run writes, second run changes nothing and leaves the same bytes; Heketi's
key is in no file unless asked (then 0600) and in no output; bad input is refused,
naming the field, before anything is written; class cluster ids are checked
against Heketi (the Heketi emulation, a TEST DOUBLE) through heketi_info."""
import base64
import hashlib
import json
import os
import re
import stat
import subprocess
import sys

import pytest
import yaml

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient
from tests.heketi_emulator import HeketiEmulator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "kubernetes.yml")
INVENTORY = os.path.join(ROOT, "tests", "integration", "playbooks", "kubernetes", "inventory.yml")
BIN = os.path.dirname(sys.executable)
KEY = "never-in-files-or-logs-4f1c"
KEY_B64 = base64.b64encode(KEY.encode()).decode()
HEKETI_CLUSTERS = ["rancher-119", "k122", "k124", "k125"]
ALL_CLUSTERS = HEKETI_CLUSTERS + ["k126", "k129", "k131", "k135"]


def playbook(tmp_path, *extra, extra_vars=None):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", INVENTORY, PLAYBOOK,
           "-e", "kubernetes_storage_render_dir=%s" % (tmp_path / "rendered")] + list(extra)
    if extra_vars:
        path = tmp_path / "extra.json"
        path.write_text(json.dumps(extra_vars))
        cmd += ["-e", "@%s" % path]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    recap = re.search(r"localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", proc.stdout)
    assert recap, proc.stdout[-3000:] + proc.stderr[-3000:]
    return {"changed": int(recap.group(2)), "failed": int(recap.group(4)), "rc": proc.returncode,
            "out": proc.stdout + proc.stderr}


def snapshot(directory):
    """{relative path: (sha256, mode, mtime)} of every file under ``directory``."""
    out = {}
    for base, _unused, files in os.walk(directory):
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
            st = os.stat(path)
            out[os.path.relpath(path, directory)] = (digest, stat.S_IMODE(st.st_mode), st.st_mtime_ns)
    return out


def test_render_twice_same_bytes_and_no_key(tmp_path):
    first = playbook(tmp_path, "-vvv")
    assert first["rc"] == 0 and first["failed"] == 0, first["out"][-3000:]
    rendered = tmp_path / "rendered"
    files = snapshot(rendered)
    assert sorted(os.listdir(rendered)) == sorted(ALL_CLUSTERS)
    assert first["changed"] == 1  # one module run wrote every file
    second = playbook(tmp_path, "-vvv")
    assert second["rc"] == 0 and second["changed"] == 0, second["out"][-3000:]
    assert snapshot(rendered) == files  # same bytes, not even rewritten
    for run in (first, second):
        assert KEY not in run["out"] and KEY_B64 not in run["out"]
    kinds = {}
    for path, (_unused, mode, _unused) in files.items():
        text = (rendered / path).read_text()
        assert KEY not in text and KEY_B64 not in text
        assert mode == 0o644, path
        obj = yaml.safe_load(text)
        kinds.setdefault(path.split("/")[0], []).append(obj["kind"])
        assert re.match(r"^\d\d-%s-" % obj["kind"].lower(), os.path.basename(path))
    for cluster in HEKETI_CLUSTERS:
        assert "Secret" not in kinds[cluster]
    assert set(kinds["rancher-119"]) == {"StorageClass", "PersistentVolume"}
    assert set(kinds["k126"]) == {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "CSIDriver", "Deployment",
                                  "DaemonSet", "StorageClass", "VolumeSnapshotClass", "PersistentVolume"}
    glusterfs_126 = [p for p in files if p.startswith("k126/") and "glusterfs" in p]
    glusterfs_125 = [p for p in files if p.startswith("k125/") and "storageclass-glusterfs" in p]
    assert glusterfs_126 == [] and len(glusterfs_125) == 3
    sc = yaml.safe_load((rendered / "k124" / "12-storageclass-glusterfs-stretched.yaml").read_text())
    assert sc["parameters"]["volumeoptions"].startswith("user.heketi.arbiter true,")


def test_render_secret_only_when_asked(tmp_path):
    run = playbook(tmp_path, "-vvv", "-e", "kubernetes_storage_render_secrets=true")
    assert run["rc"] == 0, run["out"][-3000:]
    assert KEY not in run["out"] and KEY_B64 not in run["out"]
    rendered = tmp_path / "rendered"
    secrets = sorted(str(p.relative_to(rendered)) for p in rendered.glob("*/00-secret-*.yaml"))
    assert secrets == sorted("%s/00-secret-kube-system-heketi-secret.yaml" % c for c in HEKETI_CLUSTERS)
    for path in secrets:
        assert stat.S_IMODE(os.stat(rendered / path).st_mode) == 0o600
        secret = yaml.safe_load((rendered / path).read_text())
        assert secret["type"] == "kubernetes.io/glusterfs" and secret["data"] == {"key": KEY_B64}
    again = playbook(tmp_path, "-e", "kubernetes_storage_render_secrets=true")
    assert again["rc"] == 0 and again["changed"] == 0


CLUSTER = {"name": "bad", "version": "1.29", "paths": ["nfs"]}


@pytest.mark.parametrize("clusters,extra,words", [
    ([dict(CLUSTER, version="1.36")], {}, "kubernetes_storage_clusters[0].version: Kubernetes 1.36 is outside"),
    ([dict(CLUSTER, version="latest")], {}, "kubernetes_storage_clusters[0].version: 'latest' is not a Kubernetes"),
    ([dict(CLUSTER, version="1.26", paths=["heketi"])], {}, "use the NFS path"),
    ([dict(CLUSTER, version="api")], {}, "kubernetes_storage_clusters[0].kubeconfig is missing"),
    ([dict(CLUSTER, snapshot_api="snapshot.storage.k8s.io/v1beta1")], {},
     "kubernetes_storage_clusters[0].snapshot_api: Kubernetes 1.29 serves snapshot.storage.k8s.io/v1"),
    ([CLUSTER], {"kubernetes_storage_nfs_server": "10.77.3.100"},
     "kubernetes_storage_nfs_server 10.77.3.100 is outside the networks of data site a"),
])
def test_bad_input_refused_before_anything_is_written(tmp_path, clusters, extra, words):
    run = playbook(tmp_path, extra_vars=dict({"kubernetes_storage_clusters": clusters}, **extra))
    assert run["rc"] != 0 and run["failed"] == 1
    assert words in run["out"], run["out"][-3000:]
    assert not (tmp_path / "rendered").exists()


def test_missing_kubeconfig_in_apply_mode(tmp_path):
    run = playbook(tmp_path, "-e", "kubernetes_storage_mode=apply",
                   extra_vars={"kubernetes_storage_clusters": [CLUSTER]})
    assert run["failed"] == 1
    assert "kubernetes_storage_clusters[0].kubeconfig is missing: apply mode talks to the cluster" in run["out"]


@pytest.fixture
def heketi():
    with HeketiEmulator(pending_polls=1) as emu:
        client = HeketiClient(emu.url, key=emu.admin_key, poll_interval=0.001)
        emu.cluster_id = client.cluster_create()["id"]
        yield emu


def test_heketi_cluster_ids_checked_through_heketi(tmp_path, heketi):
    clusters = [{"name": "k124", "version": "1.24", "paths": ["heketi"]}]
    common = {"kubernetes_storage_clusters": clusters, "kubernetes_storage_heketi_api_url": heketi.url,
              "kubernetes_storage_heketi_key": heketi.admin_key}
    bad = playbook(tmp_path, extra_vars=dict(common, kubernetes_storage_heketi_cluster_ids=[heketi.cluster_id,
                                                                                            "deadbeef"]))
    assert bad["failed"] == 1
    assert ("kubernetes_storage_heketi_cluster_ids: Heketi has no cluster deadbeef (it has: %s)"
            % heketi.cluster_id) in bad["out"], bad["out"][-3000:]
    assert not (tmp_path / "rendered").exists()
    good = playbook(tmp_path, extra_vars=dict(common, kubernetes_storage_heketi_cluster_ids=[heketi.cluster_id]))
    assert good["rc"] == 0, good["out"][-3000:]
    sc = yaml.safe_load((tmp_path / "rendered" / "k124" / "03-storageclass-glusterfs-stretched.yaml").read_text())
    assert sc["parameters"]["clusterid"] == heketi.cluster_id
    # both runs asked Heketi (heketi_info reads GET /clusters or /db/dump), and changed nothing there
    reads = [r for r in heketi.requests[1:] if r[0] == "GET"]
    assert len(reads) >= 2 and [r for r in heketi.requests[1:] if r[0] != "GET"] == [], heketi.requests


def test_check_mode_writes_nothing_and_diff_shows_the_manifests(tmp_path):
    run = playbook(tmp_path, "--check", "--diff", "-e", "kubernetes_storage_render_secrets=true")
    assert run["rc"] == 0 and run["changed"] == 1, run["out"][-3000:]
    assert not (tmp_path / "rendered").exists()
    assert "+provisioner: nfs.csi.k8s.io" in run["out"] and "k135/12-storageclass-gluster-nfs-stretched.yaml" in run["out"]
    assert "(secret, " in run["out"]  # the Secret file is announced by its size only
    assert KEY not in run["out"] and KEY_B64 not in run["out"]
