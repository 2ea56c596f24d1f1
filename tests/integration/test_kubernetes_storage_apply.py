"""Apply mode of the kubernetes_storage role: what reaches kubernetes.core.

No Kubernetes API server may run here, so two things are tested:
* the wiring, through real ansible-playbook runs in which kubernetes.core's k8s,
  k8s_info and k8s_cluster_info are recording stand-ins (TEST DOUBLE,
  tests/integration/kubernetes_core_recorder) that validate their arguments
  against the real kubernetes.core argument specs and record each call;
* the real kubernetes.core modules, in check mode, up to where they need a
  server: the role's arguments are accepted and the first call fails on the
  unreachable API, with nothing applied.
"""
import base64
import json
import os
import re
import socket
import subprocess
import sys

import pytest

from ansible_collections.kubernetes.core.plugins.modules import k8s, k8s_cluster_info, k8s_info
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient
from tests.heketi_emulator import HeketiEmulator

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "kubernetes.yml")
INVENTORY = os.path.join(ROOT, "tests", "integration", "playbooks", "kubernetes", "inventory.yml")
RECORDER = os.path.join(ROOT, "tests", "integration", "kubernetes_core_recorder")
BIN = os.path.dirname(sys.executable)
KEY = "never-in-files-or-logs-4f1c"
KEY_B64 = base64.b64encode(KEY.encode()).decode()
SNAPSHOT_APIS = ("v1", "apps/v1", "storage.k8s.io/v1", "rbac.authorization.k8s.io/v1", "snapshot.storage.k8s.io/v1")


def _json_spec(spec):
    """An argument spec without what JSON cannot carry: env fallbacks are dropped, and a type given
    as a function (kubernetes.core's list_dict_str for resource_definition) becomes raw."""
    out = {}
    for name, conf in spec.items():
        conf = dict((k, v) for k, v in conf.items() if k != "fallback")
        if callable(conf.get("type")):
            conf["type"] = "raw"
        if isinstance(conf.get("options"), dict):
            conf["options"] = _json_spec(conf["options"])
        out[name] = conf
    return out


class Recorder(object):
    def __init__(self, tmp_path):
        self.dir = tmp_path / "recorder"
        self.dir.mkdir()
        for name, mod in (("k8s", k8s), ("k8s_info", k8s_info), ("k8s_cluster_info", k8s_cluster_info)):
            (self.dir / ("argspec-%s.json" % name)).write_text(json.dumps(_json_spec(mod.argspec())))
        self.kubeconfig = str(tmp_path / "kubeconfig")
        (tmp_path / "kubeconfig").write_text("apiVersion: v1\nkind: Config\n")
        self.respond("v1.29.4")

    def respond(self, git_version, apis=SNAPSHOT_APIS, classes=()):
        (self.dir / "responses.json").write_text(json.dumps({
            "cluster_info": {self.kubeconfig: {"version": {"server": {"kubernetes": {"gitVersion": git_version}}},
                                               "apis": dict((a, {}) for a in apis)}},
            "storage_classes": {self.kubeconfig: list(classes)}}))

    def calls(self):
        path = self.dir / "calls.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def run(tmp_path, recorder, clusters, *extra, collections=None, extra_vars=None):
    paths = [RECORDER] if collections is None else collections
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, K8S_RECORDER_DIR=str(recorder.dir),
               ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(paths + [os.environ["ANSIBLE_COLLECTIONS_PATH"]]))
    variables = dict({"kubernetes_storage_mode": "apply", "kubernetes_storage_clusters": clusters},
                     **(extra_vars or {}))
    (tmp_path / "vars.json").write_text(json.dumps(variables))
    cmd = [os.path.join(BIN, "ansible-playbook"), "-i", INVENTORY, PLAYBOOK, "-e", "@%s" % (tmp_path / "vars.json")]
    proc = subprocess.run(cmd + list(extra), cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    recap = re.search(r"localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", proc.stdout)
    assert recap, proc.stdout[-3000:] + proc.stderr[-3000:]
    return {"changed": int(recap.group(2)), "failed": int(recap.group(4)), "rc": proc.returncode,
            "out": proc.stdout + proc.stderr}


@pytest.fixture
def recorder(tmp_path):
    return Recorder(tmp_path)


def cluster(recorder, **fields):
    return dict({"name": "prod", "version": "1.29", "kubeconfig": recorder.kubeconfig, "context": "prod-admin",
                 "paths": ["nfs"], "node_sites": {"worker-a1": "a", "worker-b1": "b"}}, **fields)


def test_apply_wiring_in_check_mode(tmp_path, recorder):
    result = run(tmp_path, recorder, [cluster(recorder)], "--check", "--diff",
                 extra_vars={"kubernetes_storage_nfs_static_volumes": []})
    assert result["rc"] == 0, result["out"][-3000:]
    calls = recorder.calls()
    modules = [c["module"] for c in calls]
    # everything is read and checked before the first object is applied
    assert modules[:2] == ["k8s_cluster_info", "k8s_info"] and set(modules[2:]) == {"k8s"}
    for call in calls:
        assert call["params"]["kubeconfig"] == recorder.kubeconfig
        assert call["params"]["context"] == "prod-admin"
        assert call["diff"] is True
        # reads run for real in check mode (check_mode: false on them); every change is in check mode
        assert call["check_mode"] is (call["module"] == "k8s")
    assert calls[1]["params"]["kind"] == "StorageClass" and calls[1]["params"]["api_version"] == "storage.k8s.io/v1"
    applied = [c["params"] for c in calls[2:] if c["params"]["state"] == "present"]
    ids = [(p["definition"]["kind"], p["definition"]["metadata"]["name"]) for p in applied]
    assert ids[:2] == [("ServiceAccount", "csi-nfs-controller-sa"), ("ServiceAccount", "csi-nfs-node-sa")]
    assert ("CSIDriver", "nfs.csi.k8s.io") in ids and ("Deployment", "csi-nfs-controller") in ids
    assert ids[-4:] == [("StorageClass", "gluster-nfs-a"), ("StorageClass", "gluster-nfs-b"),
                        ("StorageClass", "gluster-nfs-stretched"), ("VolumeSnapshotClass", "gluster-nfs-snapshots")]
    assert not any(k == "Secret" for k, _unused in ids)  # NFS only: no Heketi Secret
    stretched = applied[ids.index(("StorageClass", "gluster-nfs-stretched"))]["definition"]
    assert stretched["parameters"]["server"] == "10.77.10.50" and stretched["mountOptions"] == ["nfsvers=4.1", "hard"]
    labels = [c["params"] for c in calls[2:] if c["params"]["state"] == "patched"]
    assert [(p["kind"], p["name"], p["definition"]["metadata"]["labels"]) for p in labels] == [
        ("Node", "worker-a1", {"topology.kubernetes.io/zone": "site-a"}),
        ("Node", "worker-b1", {"topology.kubernetes.io/zone": "site-b"})]


def test_apply_heketi_secret_never_shown(tmp_path, recorder):
    recorder.respond("v1.24.17")
    result = run(tmp_path, recorder, [cluster(recorder, version="1.24", paths=["heketi"], node_sites={})],
                 "-vvv", "--diff")
    assert result["rc"] == 0, result["out"][-3000:]
    assert KEY not in result["out"] and KEY_B64 not in result["out"]
    applied = [c["params"]["definition"] for c in recorder.calls() if c["module"] == "k8s"]
    assert [o["kind"] for o in applied] == ["Secret", "StorageClass", "StorageClass", "StorageClass"]
    assert applied[0]["type"] == "kubernetes.io/glusterfs" and applied[0]["data"] == {"key": KEY_B64}
    assert applied[1]["provisioner"] == "kubernetes.io/glusterfs"


def test_version_from_the_api(tmp_path, recorder):
    recorder.respond("v1.25.16+rke2r1")
    result = run(tmp_path, recorder, [cluster(recorder, version="api", paths=["heketi"], node_sites={})], "--check")
    assert result["rc"] == 0, result["out"][-3000:]
    assert "prod (Kubernetes 1.25, paths heketi)" in result["out"]


def test_declared_version_differs_from_the_api(tmp_path, recorder):
    recorder.respond("v1.27.3")
    result = run(tmp_path, recorder, [cluster(recorder, version="1.24", paths=["heketi"])], "--check")
    assert result["failed"] == 1
    assert "kubernetes_storage_clusters[0].version: the inventory says 1.24 but the cluster's API answers 1.27" \
        in result["out"]
    assert [c["module"] for c in recorder.calls()] == ["k8s_cluster_info"]


def test_snapshot_api_not_served(tmp_path, recorder):
    recorder.respond("v1.29.4", apis=["v1", "storage.k8s.io/v1"])
    result = run(tmp_path, recorder, [cluster(recorder)])
    assert result["failed"] == 1
    assert "kubernetes_storage_clusters[0].snapshots: cluster prod does not serve snapshot.storage.k8s.io/v1" \
        in result["out"]
    assert [c["module"] for c in recorder.calls()] == ["k8s_cluster_info"]


EXISTING = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
            "metadata": {"name": "gluster-nfs-stretched", "uid": "1"}, "provisioner": "nfs.csi.k8s.io",
            "parameters": {"server": "10.77.10.50", "share": "/old-export",
                           "subDir": "${pvc.metadata.namespace}/${pvc.metadata.name}"},
            "reclaimPolicy": "Delete", "volumeBindingMode": "Immediate", "mountOptions": ["nfsvers=4.1", "hard"]}


def test_immutable_change_refused_with_the_diff(tmp_path, recorder):
    recorder.respond("v1.29.4", classes=[EXISTING])
    result = run(tmp_path, recorder, [cluster(recorder)])
    assert result["failed"] == 1
    out = result["out"]
    assert "StorageClass gluster-nfs-stretched" in out and "immutable" in out
    assert 'parameters.share: \\"/old-export\\" -> \\"/gluster-k8s\\"' in out or \
        'parameters.share: "/old-export" -> "/gluster-k8s"' in out, out[-3000:]
    assert "kubernetes_storage_force: true" in out
    assert [c["module"] for c in recorder.calls()] == ["k8s_cluster_info", "k8s_info"]  # nothing applied


def test_immutable_change_forced_deletes_then_creates(tmp_path, recorder):
    recorder.respond("v1.29.4", classes=[EXISTING])
    result = run(tmp_path, recorder, [cluster(recorder, node_sites={})], "-e", "kubernetes_storage_force=true")
    assert result["rc"] == 0, result["out"][-3000:]
    k8s_calls = [c["params"] for c in recorder.calls() if c["module"] == "k8s"]
    assert (k8s_calls[0]["state"], k8s_calls[0]["kind"], k8s_calls[0]["name"], k8s_calls[0]["wait"]) == (
        "absent", "StorageClass", "gluster-nfs-stretched", True)
    assert [c["state"] for c in k8s_calls[1:]] == ["present"] * (len(k8s_calls) - 1)
    assert any(c["definition"]["metadata"]["name"] == "gluster-nfs-stretched" for c in k8s_calls[1:])


def test_unknown_heketi_cluster_id_refused_before_the_clusters_are_asked(tmp_path, recorder):
    recorder.respond("v1.24.17")
    with HeketiEmulator(pending_polls=1) as emu:
        known = HeketiClient(emu.url, key=emu.admin_key, poll_interval=0.001).cluster_create()["id"]
        result = run(tmp_path, recorder, [cluster(recorder, version="1.24", paths=["heketi"])], extra_vars={
            "kubernetes_storage_heketi_api_url": emu.url, "kubernetes_storage_heketi_key": emu.admin_key,
            "kubernetes_storage_heketi_cluster_ids": ["0123abcd"]})
    assert result["failed"] == 1
    assert "kubernetes_storage_heketi_cluster_ids: Heketi has no cluster 0123abcd (it has: %s)" % known in result["out"]
    assert recorder.calls() == []


def test_real_kubernetes_core_in_check_mode_stops_at_the_unreachable_api(tmp_path, recorder):
    """The real modules accept the role's arguments; without a server the first one fails and nothing is applied."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # a closed port on this machine: connection refused
    (tmp_path / "kubeconfig").write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "prod-admin",
        "clusters": [{"name": "prod", "cluster": {"server": "https://127.0.0.1:%d" % port}}],
        "users": [{"name": "admin", "user": {"token": "t"}}],
        "contexts": [{"name": "prod-admin", "context": {"cluster": "prod", "user": "admin"}}]}))
    result = run(tmp_path, recorder, [cluster(recorder)], "--check", collections=[])
    assert result["failed"] == 1
    assert "Ask each cluster its version and APIs" in result["out"]
    assert re.search(r"Connection refused|Max retries exceeded|Failed to get client", result["out"]), \
        result["out"][-3000:]
    assert "Unsupported parameters" not in result["out"] and recorder.calls() == []
