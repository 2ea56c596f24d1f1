"""Objects exported from the primary cluster, rewritten for the standby cluster: what the source owns
is dropped, PVs are Retain and point at the DR copy, and every rewritten object is valid Kubernetes
(kubernetes-validate, strict schema).  The inputs are shaped like `kubectl get -o yaml` output of a
StatefulSet with volumeClaimTemplates and its bound claims on in-tree glusterfs and NFS CSI PVs."""
import copy

import kubernetes_validate
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.filter.dr_standby_objects import dr_standby_objects
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_dr_rewrite import RewriteError, rewrite_for_standby

K8S_VERSION = "1.25"  # the last release with the in-tree glusterfs plugin
DR = {"volumes": {"vol_3f2a": "vol_3f2a", "drvol": "drvol-dr"}, "glusterfs_endpoints": "glusterfs-dr",
      "gluster_addresses": ["10.77.4.11"], "nfs_server": "10.77.4.11"}


def meta(name, namespace=None, **extra):
    out = {"name": name, "uid": "6c1c1e64-5d3e-4c59-9c4a-1f1c0f0b%04d" % len(name),
           "resourceVersion": "48213", "creationTimestamp": "2026-11-20T10:11:12Z",
           "managedFields": [{"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1"}]}
    if namespace:
        out["namespace"] = namespace
    out.update(extra)
    return out


STATEFULSET = {
    "apiVersion": "apps/v1", "kind": "StatefulSet",
    "metadata": meta("pg", "shop", generation=3),
    "spec": {
        "serviceName": "pg", "replicas": 1, "selector": {"matchLabels": {"app": "pg"}},
        "template": {"metadata": {"labels": {"app": "pg"}},
                     "spec": {"containers": [{"name": "pg", "image": "postgres:15",
                                              "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql"}]}]}},
        "volumeClaimTemplates": [{
            "apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "data", "creationTimestamp": None},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gluster-stretched",
                     "resources": {"requests": {"storage": "1Gi"}}},
            "status": {"phase": "Pending"}}]},
    "status": {"replicas": 1, "readyReplicas": 1, "currentRevision": "pg-7d4", "observedGeneration": 3},
}
PVC_GLUSTER = {
    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
    "metadata": meta("data-pg-0", "shop", labels={"app": "pg"}, annotations={
        "pv.kubernetes.io/bind-completed": "yes", "pv.kubernetes.io/bound-by-controller": "yes",
        "volume.beta.kubernetes.io/storage-provisioner": "kubernetes.io/glusterfs"},
        finalizers=["kubernetes.io/pvc-protection"]),
    "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gluster-stretched",
             "resources": {"requests": {"storage": "1Gi"}}, "volumeName": "pvc-0b7e", "volumeMode": "Filesystem"},
    "status": {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}},
}
PV_GLUSTER = {
    "apiVersion": "v1", "kind": "PersistentVolume",
    "metadata": meta("pvc-0b7e", annotations={
        "Description": "Gluster-Internal: Dynamically provisioned PV",
        "gluster.kubernetes.io/heketi-volume-id": "3f2a9c", "gluster.org/type": "file",
        "kubernetes.io/createdby": "heketi-dynamic-provisioner",
        "pv.beta.kubernetes.io/gid": "2001", "pv.kubernetes.io/bound-by-controller": "yes",
        "pv.kubernetes.io/provisioned-by": "kubernetes.io/glusterfs"}, finalizers=["kubernetes.io/pv-protection"]),
    "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"},
             "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": "data-pg-0",
                          "namespace": "shop", "uid": "6c1c1e64-5d3e-4c59-9c4a-1f1c0f0b0009",
                          "resourceVersion": "48100"},
             "glusterfs": {"endpoints": "glusterfs-dynamic-0b7e", "path": "vol_3f2a"},
             "persistentVolumeReclaimPolicy": "Delete", "storageClassName": "gluster-stretched",
             "volumeMode": "Filesystem"},
    "status": {"phase": "Bound"},
}
PVC_NFS = {
    "apiVersion": "v1", "kind": "PersistentVolumeClaim",
    "metadata": meta("uploads", "shop", annotations={"pv.kubernetes.io/bind-completed": "yes",
                                                     "volume.kubernetes.io/storage-provisioner": "nfs.csi.k8s.io"}),
    "spec": {"accessModes": ["ReadWriteMany"], "storageClassName": "nfs-stretched",
             "resources": {"requests": {"storage": "5Gi"}}, "volumeName": "pvc-9a41", "volumeMode": "Filesystem"},
    "status": {"phase": "Bound"},
}
PV_NFS_CSI = {
    "apiVersion": "v1", "kind": "PersistentVolume",
    "metadata": meta("pvc-9a41", annotations={"pv.kubernetes.io/provisioned-by": "nfs.csi.k8s.io"}),
    "spec": {"accessModes": ["ReadWriteMany"], "capacity": {"storage": "5Gi"},
             "claimRef": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": "uploads", "namespace": "shop",
                          "uid": "6c1c1e64-5d3e-4c59-9c4a-1f1c0f0b0007", "resourceVersion": "51122"},
             "csi": {"driver": "nfs.csi.k8s.io",
                     "volumeHandle": "10.77.9.10#/drvol#pvc-9a41##",
                     "volumeAttributes": {"server": "10.77.9.10", "share": "/drvol", "subdir": "pvc-9a41",
                                          "csi.storage.k8s.io/pv/name": "pvc-9a41",
                                          "csi.storage.k8s.io/pvc/name": "uploads",
                                          "csi.storage.k8s.io/pvc/namespace": "shop"}},
             "mountOptions": ["nfsvers=4.1"], "persistentVolumeReclaimPolicy": "Delete",
             "storageClassName": "nfs-stretched", "volumeMode": "Filesystem"},
    "status": {"phase": "Bound"},
}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": meta("web", "shop"),
           "spec": {"clusterIP": "10.96.14.7", "clusterIPs": ["10.96.14.7"], "selector": {"app": "web"},
                    "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}], "type": "ClusterIP"},
           "status": {"loadBalancer": {}}}
HEADLESS = {"apiVersion": "v1", "kind": "Service", "metadata": meta("pg", "shop"),
            "spec": {"clusterIP": "None", "selector": {"app": "pg"}, "ports": [{"port": 5432}]}}
DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": meta("web", "shop", annotations={"deployment.kubernetes.io/revision": "4"}),
              "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                       "template": {"metadata": {"labels": {"app": "web"}},
                                    "spec": {"containers": [{"name": "web", "image": "nginx:1.25",
                                                             "volumeMounts": [{"name": "u", "mountPath": "/u"}]}],
                                             "volumes": [{"name": "u",
                                                          "persistentVolumeClaim": {"claimName": "uploads"}}]}}},
              "status": {"availableReplicas": 2}}
CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("web-conf", "shop"), "data": {"a": "1"}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": meta("db", "shop"), "type": "Opaque",
          "data": {"password": "c2VjcmV0"}}
EXPORTED = [STATEFULSET, PVC_GLUSTER, PV_GLUSTER, PVC_NFS, PV_NFS_CSI, SERVICE, HEADLESS, DEPLOYMENT, CONFIGMAP,
            SECRET]


@pytest.fixture(scope="module")
def rewritten():
    before = copy.deepcopy(EXPORTED)
    out = rewrite_for_standby(EXPORTED, DR)
    assert EXPORTED == before  # the input is not modified
    return out


def by_kind_name(objects, kind, name, namespace=None):
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name
                and (namespace is None or o["metadata"].get("namespace") == namespace))


def test_every_rewritten_object_is_valid_kubernetes(rewritten):
    for obj in rewritten:
        kubernetes_validate.validate(obj, K8S_VERSION, strict=True)


def test_source_owned_fields_are_gone(rewritten):
    for obj in rewritten:
        metadata = obj["metadata"]
        for key in ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "finalizers"):
            assert key not in metadata, (obj["kind"], key)
        assert "status" not in obj
        for key in (metadata.get("annotations") or {}):
            assert not key.startswith("pv.kubernetes.io/") and "storage-provisioner" not in key
    assert "status" not in by_kind_name(rewritten, "StatefulSet", "pg")["spec"]["volumeClaimTemplates"][0]


def test_glusterfs_pv_points_at_the_dr_copy_and_is_retained(rewritten):
    pv = by_kind_name(rewritten, "PersistentVolume", "pvc-0b7e")
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv["spec"]["glusterfs"] == {"endpoints": "glusterfs-dr", "path": "vol_3f2a"}
    assert pv["spec"]["claimRef"] == {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": "data-pg-0",
                                      "namespace": "shop"}
    assert pv["metadata"]["annotations"] == {"kubernetes.io/createdby": "heketi-dynamic-provisioner",
                                             "pv.beta.kubernetes.io/gid": "2001"}
    endpoints = by_kind_name(rewritten, "Endpoints", "glusterfs-dr", "shop")
    assert endpoints["subsets"][0]["addresses"] == [{"ip": "10.77.4.11"}]
    assert by_kind_name(rewritten, "Service", "glusterfs-dr", "shop")


def test_csi_nfs_pv_points_at_the_dr_server_and_volume(rewritten):
    pv = by_kind_name(rewritten, "PersistentVolume", "pvc-9a41")
    csi = pv["spec"]["csi"]
    assert csi["volumeAttributes"]["server"] == "10.77.4.11"
    assert csi["volumeAttributes"]["share"] == "/drvol-dr" and csi["volumeAttributes"]["subdir"] == "pvc-9a41"
    assert csi["volumeHandle"] == "10.77.4.11#/drvol-dr#pvc-9a41##"
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"


def test_claims_keep_their_volume_name_and_services_lose_cluster_ips(rewritten):
    assert by_kind_name(rewritten, "PersistentVolumeClaim", "data-pg-0")["spec"]["volumeName"] == "pvc-0b7e"
    web = by_kind_name(rewritten, "Service", "web", "shop")
    assert "clusterIP" not in web["spec"] and "clusterIPs" not in web["spec"]
    assert by_kind_name(rewritten, "Service", "pg", "shop")["spec"]["clusterIP"] == "None"
    assert "annotations" not in by_kind_name(rewritten, "Deployment", "web")["metadata"]


def test_pv_without_dr_copy_and_unknown_source_refused_by_name():
    orphan = copy.deepcopy(PV_GLUSTER)
    orphan["metadata"]["name"] = "pvc-orphan"
    orphan["spec"]["glusterfs"]["path"] = "vol_nodr"
    rbd = {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pvc-rbd"},
           "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                    "rbd": {"monitors": ["10.0.0.1"], "image": "x"}}}
    with pytest.raises(RewriteError) as err:
        rewrite_for_standby([orphan, rbd, SECRET], DR)
    assert "pvc-orphan uses Gluster volume vol_nodr, which has no DR copy" in str(err.value)
    assert "pvc-rbd has a volume source (rbd)" in str(err.value)


def test_missing_dr_settings_refused():
    with pytest.raises(RewriteError, match="pvc-9a41 is an NFS volume; give the DR site's NFS server"):
        rewrite_for_standby([PV_NFS_CSI], dict(DR, nfs_server=None))
    with pytest.raises(RewriteError, match="need the DR site's Gluster node addresses"):
        rewrite_for_standby([PV_GLUSTER], dict(DR, gluster_addresses=[]))


def test_filter_wraps_the_refusal():
    with pytest.raises(AnsibleFilterError, match="Not restorable on the standby cluster"):
        dr_standby_objects([PV_NFS_CSI], volumes={"other": "other"}, nfs_server="10.77.4.11")
    out = dr_standby_objects([SECRET], volumes={})
    assert out == [{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop"},
                    "type": "Opaque", "data": {"password": "c2VjcmV0"}}]


def test_lists_expanded_and_apply_order(rewritten):
    kinds = [o["kind"] for o in rewritten]
    assert kinds.index("Endpoints") < kinds.index("PersistentVolume") < kinds.index("PersistentVolumeClaim")
    assert kinds.index("PersistentVolumeClaim") < kinds.index("StatefulSet")
    listed = rewrite_for_standby([{"apiVersion": "v1", "kind": "List", "items": [SECRET, CONFIGMAP]}], DR)
    assert [o["kind"] for o in listed] == ["ConfigMap", "Secret"]
