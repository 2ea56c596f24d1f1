# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kubernetes objects of the stretched Gluster storage, as plain dicts.

``render_cluster`` turns one checked cluster (see k8s_storage_checks) and the
role's settings into the ordered list of objects to apply or write:

* Heketi path (in-tree ``kubernetes.io/glusterfs``, Kubernetes <= 1.25): the
  StorageClasses (the Secret holding Heketi's key is made apart, by
  ``heketi_secret``, so that the key never travels with the other objects);
* NFS path: the upstream csi-driver-nfs release objects (namespace and image
  registry rewritten, nothing else), StorageClasses ``nfs.csi.k8s.io``, a
  VolumeSnapshotClass when snapshots are on, and statically provisioned
  in-tree ``nfs`` PersistentVolumes (the only NFS offer on 1.19-1.20);
* for each path a stretched class (no allowedTopologies) and, per data site,
  a site-local class (WaitForFirstConsumer + allowedTopologies of one zone).

Nothing here talks to a cluster; what the version allows is decided in
k8s_version and refused in k8s_storage_checks before this runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import copy

from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_version import (
    has_csi_nfs,
    served_snapshot_api,
)

GLUSTERFS_PROVISIONER = "kubernetes.io/glusterfs"
GLUSTERFS_SECRET_TYPE = "kubernetes.io/glusterfs"
CSI_NFS_DRIVER = "nfs.csi.k8s.io"
NO_PROVISIONER = "kubernetes.io/no-provisioner"
ZONE_LABEL = "topology.kubernetes.io/zone"
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
MANAGED_BY = {"app.kubernetes.io/managed-by": "metrostor.gluster"}
UPSTREAM_IMAGE_REGISTRY = "registry.k8s.io/sig-storage"
UPSTREAM_NAMESPACE = "kube-system"
SNAPSHOTTER_CONTAINER = "csi-snapshotter"

# Apply order: what others refer to comes first.
KIND_ORDER = ["Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
              "CSIDriver", "Deployment", "DaemonSet", "Secret", "StorageClass", "VolumeSnapshotClass",
              "PersistentVolume"]
CLUSTER_SCOPED = ("ClusterRole", "ClusterRoleBinding", "CSIDriver", "StorageClass", "VolumeSnapshotClass",
                  "PersistentVolume", "Namespace", "Node")


def _metadata(name, namespace=None, annotations=None):
    meta = {"name": name, "labels": dict(MANAGED_BY)}
    if namespace:
        meta["namespace"] = namespace
    if annotations:
        meta["annotations"] = dict(annotations)
    return meta


def class_names(prefix, data_sites, site_local):
    """{None: stretched class, site: site-local class} for one path."""
    names = {None: "%s-stretched" % prefix}
    if site_local:
        for site in sorted(data_sites):
            names[site] = "%s-%s" % (prefix, site)
    return names


def storage_class(name, provisioner, parameters, common, zone=None, mount_options=None):
    """A StorageClass; ``zone`` makes it site-local (WaitForFirstConsumer + allowedTopologies)."""
    annotations = None
    if common.get("default_class") == name:
        annotations = {DEFAULT_CLASS_ANNOTATION: "true"}
    obj = {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": _metadata(name, annotations=annotations),
        "provisioner": provisioner,
        "parameters": dict((k, str(v)) for k, v in parameters.items()),
        "reclaimPolicy": common["reclaim_policy"],
        "allowVolumeExpansion": bool(common["allow_volume_expansion"]),
    }
    if mount_options:
        obj["mountOptions"] = list(mount_options)
    if zone is None:
        obj["volumeBindingMode"] = "Immediate"
    else:
        obj["volumeBindingMode"] = "WaitForFirstConsumer"
        obj["allowedTopologies"] = [{"matchLabelExpressions": [{"key": ZONE_LABEL, "values": [zone]}]}]
    return obj


def glusterfs_parameters(heketi):
    """Parameters of an in-tree glusterfs class.

    The provisioner splits ``volumeoptions`` on "," without trimming and Heketi
    splits each option on " ", so the options are joined by a bare comma.
    """
    params = {"resturl": heketi["resturl"], "volumetype": "replicate:3",
              "volumeoptions": ",".join(heketi["volume_options"]),
              "gidMin": str(heketi["gid_min"]), "gidMax": str(heketi["gid_max"])}
    if heketi.get("key_given"):
        params.update({"restuser": heketi["restuser"], "secretNamespace": heketi["secret_namespace"],
                       "secretName": heketi["secret_name"]})
    else:
        params["restauthenabled"] = "false"
    if heketi.get("cluster_ids"):
        params["clusterid"] = ",".join(heketi["cluster_ids"])
    return params


def heketi_secret(heketi, key):
    """The Secret of type kubernetes.io/glusterfs the in-tree provisioner reads Heketi's key from."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": GLUSTERFS_SECRET_TYPE,
        "metadata": _metadata(heketi["secret_name"], heketi["secret_namespace"]),
        "data": {"key": base64.b64encode(key.encode("utf-8")).decode("ascii")},
    }


def csi_nfs_release(upstream, nfs, snapshots):
    """The upstream csi-driver-nfs objects, with only the namespace and image registry rewritten
    (and the csi-snapshotter sidecar dropped when snapshots are off)."""
    out = []
    for doc in upstream:
        if not doc:
            continue
        obj = copy.deepcopy(doc)
        meta = obj.setdefault("metadata", {})
        if meta.get("namespace") == UPSTREAM_NAMESPACE:
            meta["namespace"] = nfs["namespace"]
        for subject in obj.get("subjects") or []:
            if subject.get("namespace") == UPSTREAM_NAMESPACE:
                subject["namespace"] = nfs["namespace"]
        pod = ((obj.get("spec") or {}).get("template") or {}).get("spec")
        if pod:
            if not snapshots:
                pod["containers"] = [c for c in pod["containers"] if c["name"] != SNAPSHOTTER_CONTAINER]
            for container in pod["containers"] + pod.get("initContainers", []):
                container["image"] = rewrite_image(container["image"], nfs["image_registry"])
        out.append(obj)
    return out


def rewrite_image(image, registry):
    """registry.k8s.io/sig-storage/NAME:TAG -> REGISTRY/NAME:TAG (the pinned tag is kept)."""
    registry = registry.rstrip("/")
    if image.startswith(UPSTREAM_IMAGE_REGISTRY + "/"):
        return registry + image[len(UPSTREAM_IMAGE_REGISTRY):]
    return image


def csi_nfs_parameters(nfs):
    return {"server": nfs["server"], "share": nfs["share"], "subDir": nfs["sub_dir"]}


def volume_snapshot_class(name, api_version, nfs, deletion_policy):
    return {
        "apiVersion": api_version,
        "kind": "VolumeSnapshotClass",
        "metadata": _metadata(name),
        "driver": CSI_NFS_DRIVER,
        "deletionPolicy": deletion_policy,
        "parameters": {"mountOptions": ",".join(nfs["mount_options"])},
    }


def static_nfs_volume(volume, nfs, class_name, zones):
    """A statically provisioned in-tree ``nfs`` PersistentVolume on the floating address."""
    path = "/".join([nfs["share"].rstrip("/"), volume["path"].strip("/")]) if volume.get("path") else nfs["share"]
    spec = {
        "capacity": {"storage": volume["size"]},
        "accessModes": list(volume.get("access_modes") or ["ReadWriteMany"]),
        "persistentVolumeReclaimPolicy": "Retain",
        "storageClassName": class_name,
        "mountOptions": list(nfs["mount_options"]),
        "nfs": {"server": nfs["server"], "path": path},
    }
    if volume.get("site"):
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": ZONE_LABEL, "operator": "In", "values": [zones[volume["site"]]]}]}]}}
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": _metadata(volume["name"]), "spec": spec}


def heketi_objects(cluster, settings):
    heketi = settings["heketi"]
    names = class_names(heketi["class_prefix"], cluster["zones"], settings["site_local_classes"])
    params = glusterfs_parameters(heketi)
    return [storage_class(name, GLUSTERFS_PROVISIONER, params, settings,
                          zone=cluster["zones"][site] if site else None)
            for site, name in sorted(names.items(), key=lambda kv: kv[1])]


def nfs_objects(cluster, settings, csi_upstream):
    nfs = settings["nfs"]
    version = cluster["version"]
    out = []
    if has_csi_nfs(version):
        snapshots = cluster["snapshots"]
        out.extend(csi_nfs_release(csi_upstream, nfs, snapshots))
        names = class_names(nfs["class_prefix"], cluster["zones"], settings["site_local_classes"])
        params = csi_nfs_parameters(nfs)
        for site, name in sorted(names.items(), key=lambda kv: kv[1]):
            out.append(storage_class(name, CSI_NFS_DRIVER, params, settings,
                                     zone=cluster["zones"][site] if site else None,
                                     mount_options=nfs["mount_options"]))
        if snapshots:
            api = cluster.get("snapshot_api") or served_snapshot_api(version)
            out.append(volume_snapshot_class(nfs["class_prefix"] + "-snapshots", api, nfs,
                                             settings["snapshot_deletion_policy"]))
    if nfs.get("static_volumes"):
        static_class = nfs["class_prefix"] + "-static"
        out.append({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                    "metadata": _metadata(static_class), "provisioner": NO_PROVISIONER,
                    "reclaimPolicy": "Retain", "volumeBindingMode": "WaitForFirstConsumer"})
        out.extend(static_nfs_volume(v, nfs, static_class, cluster["zones"]) for v in nfs["static_volumes"])
    return out


def sort_objects(objects):
    """Stable apply order: by kind (KIND_ORDER), then as rendered."""
    rank = dict((kind, i) for i, kind in enumerate(KIND_ORDER))
    return [entry[2] for entry in sorted((rank.get(o["kind"], len(KIND_ORDER)), i, o) for i, o in enumerate(objects))]


def render_cluster(cluster, settings, csi_upstream=()):
    """All objects of one checked cluster, in apply order (the Heketi Secret excepted)."""
    cluster = dict(cluster, version=tuple(cluster["version"]))  # a list once it went through Ansible's facts
    objects = []
    if "heketi" in cluster["paths"]:
        objects.extend(heketi_objects(cluster, settings))
    if "nfs" in cluster["paths"]:
        objects.extend(nfs_objects(cluster, settings, csi_upstream))
    return sort_objects(objects)


def needs_heketi_secret(cluster, settings):
    return "heketi" in cluster["paths"] and bool(settings["heketi"].get("key_given"))


def object_id(obj):
    """kind/namespace/name, the identity of an object in a cluster."""
    meta = obj.get("metadata") or {}
    if meta.get("namespace") and obj["kind"] not in CLUSTER_SCOPED:
        return "%s/%s/%s" % (obj["kind"], meta["namespace"], meta["name"])
    return "%s/%s" % (obj["kind"], meta["name"])


def file_name(index, obj):
    """Name of the rendered file of an object: order, kind and name (and namespace)."""
    meta = obj["metadata"]
    parts = ["%02d" % index, obj["kind"].lower()]
    if meta.get("namespace") and obj["kind"] not in CLUSTER_SCOPED:
        parts.append(meta["namespace"])
    parts.append(meta["name"])
    return "-".join(parts) + ".yaml"


def node_zone_labels(cluster):
    """[{node, zone}] for the nodes the inventory places in a data site."""
    return [{"node": node, "zone": cluster["zones"][site]}
            for node, site in sorted((cluster.get("node_sites") or {}).items())]
