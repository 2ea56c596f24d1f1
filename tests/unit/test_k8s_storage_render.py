"""What the kubernetes_storage role renders: class parameters, topology, csi-driver-nfs
release rewriting, snapshot API by version, static NFS volumes, the Heketi Secret."""
import base64

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_checks import check_clusters
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_manifests import (
    csi_nfs_release,
    file_name,
    heketi_secret,
    render_cluster,
    rewrite_image,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_version import served_snapshot_api
from tests.unit.k8s_storage_settings import HEKETI_KEY, load_csi_release, role_settings


def render(version, paths, raw=None, **overrides):
    settings = role_settings(**overrides)
    entry = dict({"name": "k", "version": version, "paths": paths}, **(raw or {}))
    cluster = check_clusters([entry], settings, "render")[0]
    return render_cluster(cluster, settings, load_csi_release()), settings


def by_name(objects, kind):
    return dict((o["metadata"]["name"], o) for o in objects if o["kind"] == kind)


def test_glusterfs_classes():
    objects, _unused = render("1.24", ["heketi"])
    classes = by_name(objects, "StorageClass")
    assert sorted(classes) == ["glusterfs-a", "glusterfs-b", "glusterfs-stretched"]
    stretched = classes["glusterfs-stretched"]
    assert stretched["provisioner"] == "kubernetes.io/glusterfs"
    assert stretched["parameters"] == {
        "resturl": "http://heketi.storage.example:8080", "restuser": "admin",
        "secretNamespace": "kube-system", "secretName": "heketi-secret",
        "clusterid": "c0ffee00c0ffee00c0ffee00c0ffee00", "volumetype": "replicate:3",
        # split on "," by the provisioner and on " " by Heketi: no spaces after the commas
        "volumeoptions": "user.heketi.arbiter true,network.ping-timeout 4,cluster.quorum-type auto,"
                         "cluster.server-quorum-type server",
        "gidMin": "40000", "gidMax": "50000"}
    assert stretched["reclaimPolicy"] == "Delete" and stretched["allowVolumeExpansion"] is True
    assert stretched["volumeBindingMode"] == "Immediate" and "allowedTopologies" not in stretched
    site_a = classes["glusterfs-a"]
    assert site_a["parameters"] == stretched["parameters"]
    assert site_a["volumeBindingMode"] == "WaitForFirstConsumer"
    assert site_a["allowedTopologies"] == [
        {"matchLabelExpressions": [{"key": "topology.kubernetes.io/zone", "values": ["site-a"]}]}]
    assert "VolumeSnapshotClass" not in set(o["kind"] for o in objects)  # in-tree glusterfs has no snapshots
    assert all(o["kind"] == "StorageClass" for o in objects)  # the Secret is made apart


def test_glusterfs_without_key_turns_auth_off_and_has_no_secret_refs():
    objects, settings = render("1.24", ["heketi"], kubernetes_storage_heketi_key="",
                               kubernetes_storage_heketi_cluster_ids=[])
    params = by_name(objects, "StorageClass")["glusterfs-stretched"]["parameters"]
    assert params["restauthenabled"] == "false"
    assert not set(params) & {"restuser", "secretName", "secretNamespace", "clusterid"}
    assert settings["heketi"]["key_given"] is False


def test_heketi_secret():
    settings = role_settings()
    secret = heketi_secret(settings["heketi"], HEKETI_KEY)
    assert secret["type"] == "kubernetes.io/glusterfs"
    assert secret["metadata"]["name"] == "heketi-secret" and secret["metadata"]["namespace"] == "kube-system"
    assert base64.b64decode(secret["data"]["key"]).decode() == HEKETI_KEY
    assert file_name(0, secret) == "00-secret-kube-system-heketi-secret.yaml"


def test_nfs_classes_and_snapshot_class():
    objects, _unused = render("1.29", ["nfs"])
    classes = by_name(objects, "StorageClass")
    assert sorted(classes) == ["gluster-nfs-a", "gluster-nfs-b", "gluster-nfs-static", "gluster-nfs-stretched"]
    stretched = classes["gluster-nfs-stretched"]
    assert stretched["provisioner"] == "nfs.csi.k8s.io"
    assert stretched["parameters"] == {"server": "10.77.10.50", "share": "/gluster-k8s",
                                       "subDir": "${pvc.metadata.namespace}/${pvc.metadata.name}"}
    assert stretched["mountOptions"] == ["nfsvers=4.1", "hard"]
    assert "allowedTopologies" not in stretched
    assert classes["gluster-nfs-b"]["allowedTopologies"][0]["matchLabelExpressions"][0]["values"] == ["site-b"]
    assert classes["gluster-nfs-b"]["volumeBindingMode"] == "WaitForFirstConsumer"
    assert list(by_name(objects, "VolumeSnapshotClass")) == ["gluster-nfs-snapshots"]


def test_csi_release_objects_and_pinned_images():
    objects, _unused = render("1.29", ["nfs"])
    kinds = [o["kind"] for o in objects]
    # dependencies first: accounts and RBAC, the driver, its pods, then classes and volumes
    assert kinds.index("ServiceAccount") < kinds.index("ClusterRoleBinding") < kinds.index("CSIDriver") \
        < kinds.index("Deployment") < kinds.index("StorageClass") < kinds.index("VolumeSnapshotClass") \
        < kinds.index("PersistentVolume")
    assert by_name(objects, "CSIDriver")["nfs.csi.k8s.io"]["spec"]["attachRequired"] is False
    images = sorted(c["image"] for o in objects if o["kind"] in ("Deployment", "DaemonSet")
                    for c in o["spec"]["template"]["spec"]["containers"])
    assert images == sorted([
        "registry.k8s.io/sig-storage/csi-provisioner:v6.3.0", "registry.k8s.io/sig-storage/csi-resizer:v2.2.0",
        "registry.k8s.io/sig-storage/csi-snapshotter:v8.6.0", "registry.k8s.io/sig-storage/livenessprobe:v2.19.0",
        "registry.k8s.io/sig-storage/nfsplugin:v4.13.4", "registry.k8s.io/sig-storage/livenessprobe:v2.19.0",
        "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0",
        "registry.k8s.io/sig-storage/nfsplugin:v4.13.4"])


def test_air_gapped_registry_and_namespace():
    objects, _unused = render("1.29", ["nfs"], kubernetes_storage_image_registry="mirror.example:5000/k8s/",
                              kubernetes_storage_csi_nfs_namespace="storage-system")
    deployment = by_name(objects, "Deployment")["csi-nfs-controller"]
    assert deployment["metadata"]["namespace"] == "storage-system"
    images = [c["image"] for c in deployment["spec"]["template"]["spec"]["containers"]]
    assert "mirror.example:5000/k8s/nfsplugin:v4.13.4" in images
    assert all(i.startswith("mirror.example:5000/k8s/") for i in images)
    binding = by_name(objects, "ClusterRoleBinding")["nfs-csi-provisioner-binding"]
    assert binding["subjects"][0]["namespace"] == "storage-system"
    assert rewrite_image("quay.io/other/x:v1", "mirror.example") == "quay.io/other/x:v1"


def test_snapshots_off_drops_the_sidecar_and_the_class():
    objects, _unused = render("1.29", ["nfs"], raw={"snapshots": False})
    containers = [c["name"] for c in by_name(objects, "Deployment")["csi-nfs-controller"]["spec"]["template"]
                  ["spec"]["containers"]]
    assert "csi-snapshotter" not in containers and "csi-provisioner" in containers
    assert not by_name(objects, "VolumeSnapshotClass")


def test_upstream_release_is_not_modified_in_place():
    upstream = load_csi_release()
    before = repr(upstream)
    csi_nfs_release(upstream, {"namespace": "x", "image_registry": "y"}, snapshots=False)
    assert repr(upstream) == before


@pytest.mark.parametrize("version,api", [("1.16", "v1alpha1"), ("1.17", "v1beta1"), ("1.19", "v1beta1"),
                                         ("1.20", "v1"), ("1.35", "v1")])
def test_snapshot_api_by_version(version, api):
    major, minor = version.split(".")
    assert served_snapshot_api((int(major), int(minor))) == "snapshot.storage.k8s.io/" + api


@pytest.mark.parametrize("version", ["1.19", "1.20"])
def test_nfs_before_121_is_static_in_tree_volumes_only(version):
    objects, _unused = render(version, ["nfs"])
    kinds = set(o["kind"] for o in objects)
    assert kinds == {"StorageClass", "PersistentVolume"}
    assert list(by_name(objects, "StorageClass")) == ["gluster-nfs-static"]
    static = by_name(objects, "StorageClass")["gluster-nfs-static"]
    assert static["provisioner"] == "kubernetes.io/no-provisioner"
    pvs = by_name(objects, "PersistentVolume")
    assert pvs["legacy-shared"]["spec"]["nfs"] == {"server": "10.77.10.50", "path": "/gluster-k8s/legacy"}
    assert pvs["legacy-shared"]["spec"]["mountOptions"] == ["nfsvers=4.1", "hard"]
    assert pvs["legacy-shared"]["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert "nodeAffinity" not in pvs["legacy-shared"]["spec"]
    term = pvs["legacy-site-a"]["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]
    assert term["matchExpressions"] == [{"key": "topology.kubernetes.io/zone", "operator": "In",
                                         "values": ["site-a"]}]


def test_cluster_zone_names_and_default_class():
    objects, _unused = render("1.29", ["nfs"], raw={"zones": {"a": "eu-west-1a"}},
                              kubernetes_storage_default_class="gluster-nfs-stretched",
                              kubernetes_storage_site_local_classes=True)
    classes = by_name(objects, "StorageClass")
    assert classes["gluster-nfs-a"]["allowedTopologies"][0]["matchLabelExpressions"][0]["values"] == ["eu-west-1a"]
    assert classes["gluster-nfs-stretched"]["metadata"]["annotations"] == {
        "storageclass.kubernetes.io/is-default-class": "true"}
    assert "annotations" not in classes["gluster-nfs-a"]["metadata"]


def test_no_site_local_classes():
    objects, _unused = render("1.24", ["heketi", "nfs"], kubernetes_storage_site_local_classes=False,
                              kubernetes_storage_nfs_static_volumes=[])
    assert sorted(by_name(objects, "StorageClass")) == ["gluster-nfs-stretched", "glusterfs-stretched"]
