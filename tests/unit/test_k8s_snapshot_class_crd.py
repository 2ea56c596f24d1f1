"""The VolumeSnapshotClass against the openAPIV3Schema of the external-snapshotter CRD
(v8.6.0, kept in tests/data/crds with its source), strictly: unknown fields are errors."""
import copy

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_checks import check_clusters
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_manifests import render_cluster
from tests.unit.k8s_schema import crd_validator
from tests.unit.k8s_storage_settings import load_csi_release, role_settings

CRD = "snapshot.storage.k8s.io_volumesnapshotclasses-v8.6.0.yaml"


def snapshot_class(version, **overrides):
    settings = role_settings(**overrides)
    cluster = check_clusters([{"name": "k", "version": version, "paths": ["nfs"]}], settings, "render")[0]
    found = [o for o in render_cluster(cluster, settings, load_csi_release()) if o["kind"] == "VolumeSnapshotClass"]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("version", ["1.21", "1.22", "1.24", "1.25", "1.26", "1.29", "1.31", "1.35"])
def test_snapshot_class_matches_the_crd(version):
    vsc = snapshot_class(version)
    assert vsc["apiVersion"] == "snapshot.storage.k8s.io/v1"
    validator, entry = crd_validator(CRD, vsc["apiVersion"])
    assert entry["served"] and entry["storage"]
    assert sorted(e.message for e in validator.iter_errors(vsc)) == []
    assert vsc["driver"] == "nfs.csi.k8s.io" and vsc["deletionPolicy"] == "Delete"
    assert vsc["parameters"] == {"mountOptions": "nfsvers=4.1,hard"}


def test_retain_policy_validates():
    vsc = snapshot_class("1.29", kubernetes_storage_snapshot_deletion_policy="Retain")
    validator, _unused = crd_validator(CRD, vsc["apiVersion"])
    assert list(validator.iter_errors(vsc)) == [] and vsc["deletionPolicy"] == "Retain"


def test_the_crd_check_can_fail():
    vsc = snapshot_class("1.29")
    validator, _unused = crd_validator(CRD, vsc["apiVersion"])
    bad = [dict(vsc, deletionPolicy="Keep"), dict(vsc, driverName="x"),
           dict((k, v) for k, v in vsc.items() if k != "driver"), dict(vsc, parameters={"n": 1}),
           dict(vsc, apiVersion="snapshot.storage.k8s.io/v1beta1")]
    for obj in bad:
        assert list(validator.iter_errors(obj)), obj
    meta = copy.deepcopy(vsc)
    meta["metadata"]["labelz"] = {}
    assert list(validator.iter_errors(meta))


def test_v1beta1_is_not_served_by_this_crd_release():
    """external-snapshotter v8 keeps v1beta1 only as served: false; the role uses v1 (1.20+)."""
    _unused, entry = crd_validator(CRD, "snapshot.storage.k8s.io/v1beta1")
    assert entry["served"] is False
