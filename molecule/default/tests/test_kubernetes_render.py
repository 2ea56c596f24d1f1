"""site.yml rendered the Kubernetes storage objects of every supported version (the lab's
inventories/lab/group_vars/all/kubernetes_storage.yml; no Kubernetes API server runs here), and
every rendered object passes its version's official schema (strict), the VolumeSnapshotClass its
CRD's schema."""
import glob
import os
import sys

import pytest
import yaml

testinfra_hosts = ["gl-c1"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, ROOT)

from tests.unit.k8s_schema import crd_validator, validate_builtin  # noqa: E402

RENDERED = os.path.join(ROOT, ".lab", "kubernetes")
VERSIONS = {"k119": "1.19", "k122": "1.22", "k124": "1.24", "k125": "1.25", "k126": "1.26", "k129": "1.29",
            "k131": "1.31", "k135": "1.35"}


def objects(cluster):
    out = []
    for path in sorted(glob.glob(os.path.join(RENDERED, cluster, "*.yaml"))):
        with open(path) as handle:
            out.extend(d for d in yaml.safe_load_all(handle) if d)
    return out


@pytest.mark.parametrize("cluster", sorted(VERSIONS))
def test_rendered_objects_pass_the_schema_of_their_version(cluster):
    objs = objects(cluster)
    kinds = set(o["kind"] for o in objs)
    assert "StorageClass" in kinds, kinds
    builtin = [o for o in objs if o["kind"] != "VolumeSnapshotClass"]
    assert validate_builtin(VERSIONS[cluster], builtin) == []
    for snap in [o for o in objs if o["kind"] == "VolumeSnapshotClass"]:
        validator, _schema = crd_validator("snapshot.storage.k8s.io_volumesnapshotclasses-v8.6.0.yaml", snap["apiVersion"])
        assert list(validator.iter_errors(snap)) == []


def test_paths_follow_the_version():
    provisioners = {c: set(o.get("provisioner") for o in objects(c) if o["kind"] == "StorageClass")
                    for c in VERSIONS}
    for cluster in ("k119", "k122", "k124", "k125"):
        assert "kubernetes.io/glusterfs" in provisioners[cluster]
    for cluster in ("k126", "k129", "k131", "k135"):
        assert "kubernetes.io/glusterfs" not in provisioners[cluster]
        assert "nfs.csi.k8s.io" in provisioners[cluster]
    # the NFS classes point at the NFS heads' floating address
    nfs = [o for o in objects("k129") if o.get("provisioner") == "nfs.csi.k8s.io"]
    assert nfs and all(o["parameters"]["server"] == "10.77.10.50" for o in nfs)


def test_heketi_key_is_not_in_any_rendered_file():
    for path in glob.glob(os.path.join(RENDERED, "*", "*.yaml")):
        with open(path) as handle:
            assert "lab-admin-secret" not in handle.read(), path
