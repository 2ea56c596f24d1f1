# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kubernetes objects exported from the primary cluster, rewritten for the standby cluster at the DR site.

What the source cluster owns is dropped (uid, resourceVersion, creationTimestamp,
generation, managedFields, ownerReferences, status, a Service's cluster IPs, the
binding annotations); a PersistentVolume gets reclaim policy Retain (the standby
must never delete the DR copy), loses its claimRef's uid and resourceVersion (so
the restored claim of the same name binds to it), and its volume source is
pointed at the DR copy: the in-tree ``glusterfs`` source at the DR volume and
the DR site's Endpoints, ``nfs`` and the ``nfs.csi.k8s.io`` CSI source at the
DR site's NFS server and the DR volume.  A PV whose volume has no DR copy, or
whose source kind is not one of these, is refused with its name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

SOURCE_OWNED_METADATA = ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink",
                         "ownerReferences", "deletionTimestamp", "deletionGracePeriodSeconds")
SOURCE_OWNED_ANNOTATIONS = (
    "kubectl.kubernetes.io/last-applied-configuration",
    "pv.kubernetes.io/bind-completed", "pv.kubernetes.io/bound-by-controller", "pv.kubernetes.io/provisioned-by",
    "volume.beta.kubernetes.io/storage-provisioner", "volume.kubernetes.io/storage-provisioner",
    "volume.kubernetes.io/selected-node", "deployment.kubernetes.io/revision",
    "gluster.kubernetes.io/heketi-volume-id", "gluster.org/type", "Description",
)
CSI_NFS_DRIVER = "nfs.csi.k8s.io"


class RewriteError(ValueError):
    pass


def _strip_metadata(meta):
    meta = dict(meta or {})
    for key in SOURCE_OWNED_METADATA:
        meta.pop(key, None)
    annotations = dict(meta.get("annotations") or {})
    for key in SOURCE_OWNED_ANNOTATIONS:
        annotations.pop(key, None)
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    meta.pop("finalizers", None)
    return meta


def _standby_volume(volume, volumes, pv_name):
    if volume not in volumes:
        raise RewriteError("PersistentVolume %s uses Gluster volume %s, which has no DR copy (declared copies: %s)"
                           % (pv_name, volume, ", ".join(sorted(volumes)) or "none"))
    return volumes[volume]


def _share_volume(path):
    """'/drvol/sub/dir' -> ('drvol', '/sub/dir')."""
    parts = (path or "").strip("/").split("/", 1)
    return parts[0], ("/" + parts[1]) if len(parts) > 1 else ""


def rewrite_pv_source(spec, name, dr):
    volumes = dr.get("volumes") or {}
    if "glusterfs" in spec:
        src = dict(spec["glusterfs"])
        src["path"] = _standby_volume(src.get("path"), volumes, name)
        if not dr.get("glusterfs_endpoints"):
            raise RewriteError("PersistentVolume %s is an in-tree glusterfs volume; give the DR site's Endpoints "
                               "name (glusterfs_endpoints)" % name)
        src["endpoints"] = dr["glusterfs_endpoints"]
        if "endpointsNamespace" in src and dr.get("glusterfs_endpoints_namespace"):
            src["endpointsNamespace"] = dr["glusterfs_endpoints_namespace"]
        spec["glusterfs"] = src
    elif "nfs" in spec:
        src = dict(spec["nfs"])
        volume, rest = _share_volume(src.get("path"))
        src["path"] = "/" + _standby_volume(volume, volumes, name) + rest
        src["server"] = _nfs_server(dr, name)
        spec["nfs"] = src
    elif (spec.get("csi") or {}).get("driver") == CSI_NFS_DRIVER:
        src = copy.deepcopy(spec["csi"])
        attrs = dict(src.get("volumeAttributes") or {})
        volume, rest = _share_volume(attrs.get("share"))
        standby = _standby_volume(volume, volumes, name)
        server = _nfs_server(dr, name)
        old_server, old_share = attrs.get("server"), attrs.get("share")
        attrs["server"], attrs["share"] = server, "/" + standby + rest
        src["volumeAttributes"] = attrs
        # csi-driver-nfs volume handles are SERVER#SHARE#SUBDIR[#UUID]: keep the rest, point it at the DR copy.
        handle = src.get("volumeHandle", "")
        parts = handle.split("#")
        if len(parts) >= 2 and parts[0] == old_server and parts[1] == old_share:
            parts[0], parts[1] = server, attrs["share"]
            src["volumeHandle"] = "#".join(parts)
        else:
            src["volumeHandle"] = "%s#%s#dr" % (server, attrs["share"])
        spec["csi"] = src
    else:
        kinds = sorted(k for k in spec if k not in ("accessModes", "capacity", "claimRef", "mountOptions",
                                                    "nodeAffinity", "persistentVolumeReclaimPolicy",
                                                    "storageClassName", "volumeMode"))
        raise RewriteError("PersistentVolume %s has a volume source (%s) this rewrite does not know; only glusterfs, "
                           "nfs and the %s CSI driver are pointed at the DR copy" % (name, ", ".join(kinds), CSI_NFS_DRIVER))


def _nfs_server(dr, name):
    if not dr.get("nfs_server"):
        raise RewriteError("PersistentVolume %s is an NFS volume; give the DR site's NFS server (nfs_server)" % name)
    return dr["nfs_server"]


def rewrite_object(obj, dr):
    """One object for the standby cluster (a new dict)."""
    out = copy.deepcopy(obj)
    kind = out.get("kind")
    out["metadata"] = _strip_metadata(out.get("metadata"))
    out.pop("status", None)
    spec = out.get("spec") or {}
    if kind == "PersistentVolume":
        spec["persistentVolumeReclaimPolicy"] = "Retain"
        claim = spec.get("claimRef")
        if claim:
            spec["claimRef"] = dict((k, v) for k, v in claim.items() if k not in ("uid", "resourceVersion"))
        rewrite_pv_source(spec, out["metadata"].get("name"), dr)
    elif kind == "Service":
        if spec.get("clusterIP") not in (None, "None"):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        spec.pop("healthCheckNodePort", None)
    elif kind == "StatefulSet":
        for template in spec.get("volumeClaimTemplates") or []:
            template["metadata"] = _strip_metadata(template.get("metadata"))
            template.pop("status", None)
    if spec:
        out["spec"] = spec
    return out


def standby_endpoints(name, namespace, addresses):
    """The Endpoints and its Service that in-tree glusterfs PVs on the standby cluster name."""
    meta = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return [
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": dict(meta),
         "subsets": [{"addresses": [{"ip": a} for a in addresses], "ports": [{"port": 1}]}]},
        {"apiVersion": "v1", "kind": "Service", "metadata": dict(meta), "spec": {"ports": [{"port": 1}]}},
    ]


# Apply order on the standby: what others refer to first.
APPLY_ORDER = ("Namespace", "Endpoints", "PersistentVolume", "PersistentVolumeClaim", "ConfigMap", "Secret",
               "Service", "StatefulSet", "Deployment")


def expand_lists(objects):
    """Objects, with `kind: List` documents (kubectl get -o yaml) replaced by their items."""
    out = []
    for obj in objects:
        if not obj:
            continue
        if obj.get("kind") == "List" or (obj.get("kind", "").endswith("List") and "items" in obj):
            out.extend(expand_lists(obj.get("items") or []))
        else:
            out.append(obj)
    return out


def apply_rank(obj):
    kind = obj.get("kind")
    return APPLY_ORDER.index(kind) if kind in APPLY_ORDER else len(APPLY_ORDER)


def rewrite_for_standby(objects, dr):
    """All objects rewritten, in apply order; raises RewriteError listing every object that cannot be."""
    problems, out = [], []
    for obj in expand_lists(objects):
        try:
            out.append(rewrite_object(obj, dr))
        except RewriteError as err:
            problems.append(str(err))
    if problems:
        raise RewriteError("; ".join(problems))
    gluster_pvs = [o for o in out if o.get("kind") == "PersistentVolume" and "glusterfs" in o.get("spec", {})]
    if gluster_pvs:
        if not dr.get("gluster_addresses"):
            raise RewriteError("in-tree glusterfs PersistentVolumes (%s) need the DR site's Gluster node addresses "
                               "(gluster_addresses) for their Endpoints"
                               % ", ".join(o["metadata"]["name"] for o in gluster_pvs))
        # The in-tree plugin reads the Endpoints in endpointsNamespace, else in the claim's namespace.
        namespaces = sorted(set(o["spec"]["glusterfs"].get("endpointsNamespace")
                                or (o["spec"].get("claimRef") or {}).get("namespace") or "default"
                                for o in gluster_pvs))
        endpoints = []
        for namespace in namespaces:
            endpoints += standby_endpoints(dr["glusterfs_endpoints"], namespace, dr["gluster_addresses"])
        out = endpoints + out
    return sorted(out, key=apply_rank)
