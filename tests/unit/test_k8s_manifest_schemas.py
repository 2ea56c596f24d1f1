"""Every object the kubernetes_storage role renders, for every supported Kubernetes
version, against that version's official schema in strict mode (unknown fields are
errors): kubernetes-validate 1.37.0 for 1.25+, 1.24.1 (in .venv/kv124) below.
The VolumeSnapshotClass is checked against its CRD (test_k8s_snapshot_class_crd)."""
import copy
import os

import pytest
import yaml

from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_checks import check_clusters
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_manifests import (
    heketi_secret,
    needs_heketi_secret,
    render_cluster,
)
from tests.unit.k8s_schema import ROOT, validate_builtin
from tests.unit.k8s_storage_settings import HEKETI_KEY, load_csi_release, role_settings

VERSIONS = ["1.19", "1.20", "1.21", "1.22", "1.23", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29", "1.30",
            "1.31", "1.32", "1.33", "1.34", "1.35"]
REQUIRED = ["1.19", "1.22", "1.24", "1.25", "1.26", "1.29", "1.31", "1.35"]


def rendered(version, **overrides):
    settings = role_settings(**overrides)
    minor = int(version.split(".")[1])
    paths = ["heketi", "nfs"] if minor <= 25 else ["nfs"]
    cluster = check_clusters([{"name": "k", "version": version, "paths": paths,
                               "node_sites": {"worker-a1": "a", "worker-b1": "b"}}], settings, "render")[0]
    objects = render_cluster(cluster, settings, load_csi_release())
    if needs_heketi_secret(cluster, settings):
        objects.append(heketi_secret(settings["heketi"], HEKETI_KEY))
    return objects


def test_required_versions_are_covered():
    assert set(REQUIRED) <= set(VERSIONS)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_object_validates_strictly(version):
    objects = [o for o in rendered(version) if o["kind"] != "VolumeSnapshotClass"]
    kinds = set(o["kind"] for o in objects)
    minor = int(version.split(".")[1])
    # what each version gets, so that a version cannot pass by rendering nothing
    assert "StorageClass" in kinds and "PersistentVolume" in kinds
    assert ("Secret" in kinds) == (minor <= 25)
    assert ({"CSIDriver", "Deployment", "DaemonSet", "ClusterRole", "ServiceAccount"} <= kinds) == (minor >= 21)
    errors = validate_builtin(version, objects)
    assert errors == [], "\n".join("%s/%s: %s" % (objects[i]["kind"], objects[i]["metadata"]["name"], e)
                                   for i, e in errors)


@pytest.mark.parametrize("version", ["1.19", "1.22", "1.23", "1.24", "1.25", "1.29", "1.35"])
def test_the_validation_can_fail(version):
    """An unknown field, a wrong type and a missing required field are refused by both kubernetes-validate
    releases, so a passing run above means the objects match the schema."""
    objects = rendered(version)
    sc = copy.deepcopy(next(o for o in objects if o["kind"] == "StorageClass"))
    unknown = dict(sc, volumeBindingModes="Immediate")
    wrong_type = dict(sc, allowVolumeExpansion="yes")
    no_provisioner = dict((k, v) for k, v in sc.items() if k != "provisioner")
    pv = copy.deepcopy(next(o for o in objects if o["kind"] == "PersistentVolume"))
    pv["spec"]["nfs"]["readonly"] = True  # the field is readOnly
    errors = validate_builtin(version, [unknown, wrong_type, no_provisioner, pv, sc])
    assert [i for i, _unused in errors] == [0, 1, 2, 3], errors
    assert "volumeBindingModes" in errors[0][1] and "readonly" in errors[3][1]


def test_csi_objects_are_refused_where_the_schema_has_no_such_field():
    """csi-driver-nfs v4.13.4's CSIDriver validates on 1.21; a 1.19 schema check of a field added later fails."""
    csidriver = next(o for o in rendered("1.22") if o["kind"] == "CSIDriver")
    later = copy.deepcopy(csidriver)
    later["spec"]["seLinuxMount"] = True  # CSIDriverSpec.seLinuxMount exists from 1.25
    assert validate_builtin("1.24", [later])
    assert validate_builtin("1.29", [later]) == []


EXAMPLE = os.path.join(ROOT, "examples", "kubernetes", "statefulset-across-data-zones.yaml")


@pytest.mark.parametrize("version", REQUIRED)
def test_example_statefulset_validates(version):
    with open(EXAMPLE) as handle:
        sts = yaml.safe_load(handle)
    spread = sts["spec"]["template"]["spec"]["topologySpreadConstraints"][0]
    assert spread["topologyKey"] == "topology.kubernetes.io/zone" and spread["whenUnsatisfiable"] == "DoNotSchedule"
    assert sts["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "gluster-nfs-stretched"
    assert validate_builtin(version, [sts]) == []
