# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the kubernetes_storage role refuses, checked before anything is applied or written.

Each refusal names the inventory field it comes from:

* an unknown version string, or a version outside 1.19-1.35 (k8s_version);
* a missing kubeconfig (apply mode, or a version to be asked from the API);
* the in-tree glusterfs path on Kubernetes >= 1.26 (the message names the NFS path);
* the NFS path on 1.19-1.20 without statically provisioned volumes
  (csi-driver-nfs v4 needs 1.21);
* a snapshot API the cluster does not serve;
* a floating NFS address outside the data sites' networks;
* Heketi cluster ids that Heketi does not have (``unknown_heketi_clusters``);
* a StorageClass whose immutable fields would change (``immutable_changes``),
  unless the user forces the delete and re-create.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.six import string_types

from ansible_collections.metrostor.gluster.plugins.module_utils.floating_address import floating_address_problems
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_manifests import class_names
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_version import (
    K8sVersionError,
    check_supported,
    has_csi_nfs,
    has_intree_glusterfs,
    parse_version,
    served_snapshot_api,
    server_version,
    version_text,
)

CLUSTERS = "kubernetes_storage_clusters"
PATHS = ("heketi", "nfs")
ASK_API = "api"
HEKETI_ARBITER_OPTION = "user.heketi.arbiter true"
# StorageClass fields the API server refuses to update (ValidateStorageClassUpdate).
IMMUTABLE_FIELDS = ("provisioner", "parameters", "reclaimPolicy", "volumeBindingMode")
GID_ABSOLUTE_MIN = 2000
GID_ABSOLUTE_MAX = 2 ** 31 - 1


class StorageCheckError(ValueError):
    def __init__(self, problems):
        super(StorageCheckError, self).__init__("kubernetes_storage refuses: " + "; ".join(problems))
        self.problems = problems


def _field(index, key):
    return "%s[%d].%s" % (CLUSTERS, index, key)


def _cluster_version(index, raw, cluster_info, problems):
    """(version, asked) or (None, asked) when it is not known yet or is refused."""
    field = _field(index, "version")
    wanted = ASK_API if raw.get("version") is None else raw["version"]
    asked = str(wanted).strip().lower() == ASK_API
    try:
        if asked:
            if cluster_info is None:
                return None, True
            version = server_version(cluster_info, field + " (as answered by the API)")
        else:
            version = parse_version(wanted, field)
            if cluster_info is not None:
                answered = server_version(cluster_info, field + " (as answered by the API)")
                if answered != version:
                    raise K8sVersionError(
                        "%s: the inventory says %s but the cluster's API answers %s; correct it or give 'api'"
                        % (field, version_text(version), version_text(answered)))
        return check_supported(version, field + " (as answered by the API)" if asked else field), asked
    except K8sVersionError as err:
        problems.append(str(err))
        return None, asked


def _served_apis(cluster_info):
    if cluster_info is None:
        return None
    return sorted((cluster_info.get("apis") or {}).keys())


def check_cluster(index, raw, settings, mode, cluster_info=None, path_exists=os.path.exists):
    """The normalised cluster, with every problem of it collected in ``problems``.

    ``cluster_info`` is kubernetes.core.k8s_cluster_info's answer for this
    cluster, or None when the API has not been asked (then the checks that need
    the version are left for the second pass when the version is ``api``).
    """
    problems = []
    if not isinstance(raw, dict):
        return None, ["%s[%d] must be a dict, got %r" % (CLUSTERS, index, raw)]
    name = raw.get("name")
    if not name or not isinstance(name, string_types):
        problems.append("%s: every cluster needs a name" % _field(index, "name"))
        name = "cluster%d" % index
    version, asked = _cluster_version(index, raw, cluster_info, problems)
    kubeconfig = raw.get("kubeconfig")
    if mode == "apply" or asked:
        why = "apply mode talks to the cluster" if mode == "apply" else "the version is asked from the API"
        if not kubeconfig:
            problems.append("%s is missing: %s (cluster %s)" % (_field(index, "kubeconfig"), why, name))
        elif not path_exists(kubeconfig):
            problems.append("%s: %s does not exist on the control node (cluster %s)"
                            % (_field(index, "kubeconfig"), kubeconfig, name))
    paths = ["nfs"] if raw.get("paths") is None else raw["paths"]
    if not paths or not isinstance(paths, list) or any(p not in PATHS for p in paths):
        problems.append("%s: %r; give a non-empty list of %s" % (_field(index, "paths"), paths, ", ".join(PATHS)))
        paths = [p for p in paths or [] if p in PATHS] if isinstance(paths, list) else []
    zones = dict((site, conf.get("zone", site)) for site, conf in settings["data_sites"].items())
    zones.update(raw.get("zones") or {})
    unknown_zone_sites = sorted(set(zones) - set(settings["data_sites"]))
    if unknown_zone_sites:
        problems.append("%s: sites %s are not data sites (%s)" % (
            _field(index, "zones"), ", ".join(unknown_zone_sites), ", ".join(sorted(settings["data_sites"]))))
    for node, site in sorted((raw.get("node_sites") or {}).items()):
        if site not in settings["data_sites"]:
            problems.append("%s: node %s is placed in site %r, which is not a data site (%s)" % (
                _field(index, "node_sites"), node, site, ", ".join(sorted(settings["data_sites"]))))
    snapshots = bool(settings["snapshots"] if raw.get("snapshots") is None else raw["snapshots"])
    cluster = {
        "name": name, "kubeconfig": kubeconfig, "context": raw.get("context"), "version": version,
        "version_text": version_text(version) if version else None, "version_asked": asked,
        "paths": list(paths), "zones": zones, "node_sites": dict(raw.get("node_sites") or {}),
        "snapshots": snapshots, "snapshot_api": raw.get("snapshot_api"), "served_apis": _served_apis(cluster_info),
    }
    if version is not None:
        problems.extend(_version_gates(index, cluster, settings))
    return cluster, problems


def _version_gates(index, cluster, settings):
    problems = []
    version, name = cluster["version"], cluster["name"]
    if "heketi" in cluster["paths"] and not has_intree_glusterfs(version):
        problems.append(
            "%s: the in-tree glusterfs provisioner (path 'heketi') is removed in Kubernetes 1.26 and cluster %s "
            "runs %s; use the NFS path (paths: [nfs]: NFS-Ganesha on the floating address with csi-driver-nfs)"
            % (_field(index, "paths"), name, cluster["version_text"]))
    if "nfs" in cluster["paths"] and not has_csi_nfs(version) and not settings["nfs"].get("static_volumes"):
        problems.append(
            "%s: csi-driver-nfs v4 needs Kubernetes 1.21 or later and cluster %s runs %s; on 1.19-1.20 the NFS "
            "path offers statically provisioned in-tree nfs PersistentVolumes: list them in "
            "kubernetes_storage_nfs_static_volumes, or drop 'nfs' from paths"
            % (_field(index, "paths"), name, cluster["version_text"]))
    served = served_snapshot_api(version)
    wanted = cluster["snapshot_api"] or served
    if wanted != served:
        problems.append("%s: Kubernetes %s serves %s, not %s (cluster %s)"
                        % (_field(index, "snapshot_api"), cluster["version_text"], served, wanted, name))
    elif cluster["snapshots"] and "nfs" in cluster["paths"] and has_csi_nfs(version):
        # a VolumeSnapshotClass will be made: the cluster must serve its API (the CRD is installed)
        if cluster["served_apis"] is not None and wanted not in cluster["served_apis"]:
            problems.append(
                "%s: cluster %s does not serve %s (its API has no VolumeSnapshotClass CRD): install the "
                "external-snapshotter CRDs and snapshot-controller, or set snapshots: false"
                % (_field(index, "snapshots"), name, wanted))
    return problems


def _check_heketi(settings):
    problems = []
    heketi = settings["heketi"]
    if not heketi.get("resturl"):
        problems.append("kubernetes_storage_heketi_resturl is missing: the glusterfs classes need Heketi's URL")
    options = heketi.get("volume_options") or []
    if HEKETI_ARBITER_OPTION not in options:
        problems.append("kubernetes_storage_heketi_volume_options must contain %r: every volume of the stretched "
                        "layout is replica 3 arbiter 1" % HEKETI_ARBITER_OPTION)
    for option in options:
        if "," in option or len(option.split(" ")) != 2:
            problems.append("kubernetes_storage_heketi_volume_options: %r must be 'KEY VALUE' without commas"
                            % option)
    gid_min, gid_max = heketi.get("gid_min"), heketi.get("gid_max")
    if not (GID_ABSOLUTE_MIN <= gid_min <= gid_max <= GID_ABSOLUTE_MAX):
        problems.append("kubernetes_storage_heketi_gid_min/gid_max: %s-%s; need %d <= gid_min <= gid_max <= %d"
                        % (gid_min, gid_max, GID_ABSOLUTE_MIN, GID_ABSOLUTE_MAX))
    return problems


def floating_address_problem(server, data_sites):
    """Why the floating NFS address is refused, or None.

    The rule is the NFS heads' own (plugins/module_utils/floating_address.py): an IP
    address inside a network of every data site, since it moves between them.
    """
    networks = dict((site, conf.get("networks") or []) for site, conf in data_sites.items())
    problems = floating_address_problems(server, networks, sorted(data_sites), field="kubernetes_storage_nfs_server",
                                         networks_field="kubernetes_storage_data_sites")
    return "; ".join(problems) if problems else None


def _check_nfs(settings):
    problems = []
    nfs = settings["nfs"]
    problem = floating_address_problem(nfs.get("server"), settings["data_sites"])
    if problem:
        problems.append(problem)
    if not str(nfs.get("share", "")).startswith("/"):
        problems.append("kubernetes_storage_nfs_share: %r must be an absolute export path" % nfs.get("share"))
    for i, volume in enumerate(nfs.get("static_volumes") or []):
        where = "kubernetes_storage_nfs_static_volumes[%d]" % i
        for key in ("name", "size"):
            if not volume.get(key):
                problems.append("%s.%s is missing" % (where, key))
        if volume.get("site") and volume["site"] not in settings["data_sites"]:
            problems.append("%s.site: %r is not a data site" % (where, volume["site"]))
    return problems


def check_clusters(raw_clusters, settings, mode, cluster_info=None, path_exists=os.path.exists, render_dir=None):
    """All clusters checked and normalised, or StorageCheckError listing every problem.

    ``render_dir``: kubernetes_storage_render_dir, checked in render mode when given.
    """
    problems = []
    if mode not in ("apply", "render"):
        problems.append("kubernetes_storage_mode: %r; choose apply or render" % mode)
    if mode == "render" and render_dir is not None and not render_dir:
        problems.append("kubernetes_storage_render_dir is missing: render mode writes the manifests there")
    if not isinstance(raw_clusters, list) or not raw_clusters:
        raise StorageCheckError(problems + ["%s: give at least one Kubernetes cluster" % CLUSTERS])
    if len(settings["data_sites"]) != 2:
        problems.append("kubernetes_storage_data_sites: the stretched layout has two data sites, got %d (%s)"
                        % (len(settings["data_sites"]), ", ".join(sorted(settings["data_sites"]))))
    clusters = []
    for index, raw in enumerate(raw_clusters):
        info = (cluster_info or {}).get(raw.get("name")) if isinstance(raw, dict) else None
        cluster, found = check_cluster(index, raw, settings, mode, info, path_exists)
        problems.extend(found)
        if cluster:
            clusters.append(cluster)
    names = [c["name"] for c in clusters]
    for name in sorted(set(n for n in names if names.count(n) > 1)):
        problems.append("%s: the name %s is used twice" % (CLUSTERS, name))
    if any("heketi" in c["paths"] for c in clusters):
        problems.extend(_check_heketi(settings))
    if any("nfs" in c["paths"] for c in clusters):
        problems.extend(_check_nfs(settings))
    default = settings.get("default_class")
    if problems:
        raise StorageCheckError(problems)
    if default:
        known = set()
        for cluster in clusters:
            for path in cluster["paths"]:
                prefix = settings[path]["class_prefix"]
                known.update(class_names(prefix, cluster["zones"], settings["site_local_classes"]).values())
        if default not in known:
            raise StorageCheckError(["kubernetes_storage_default_class: %r is not one of the classes the role "
                                     "makes (%s)" % (default, ", ".join(sorted(known)))])
    return clusters


def unknown_heketi_clusters(wanted_ids, heketi_clusters):
    """Problem text naming the cluster ids Heketi does not have, or None.

    ``heketi_clusters``: metrostor.gluster.heketi_info's ``clusters`` (dicts with ``id``) or plain ids.
    """
    known = sorted(c["id"] if isinstance(c, dict) else c for c in heketi_clusters or [])
    missing = [i for i in wanted_ids or [] if i not in known]
    if not missing:
        return None
    return ("kubernetes_storage_heketi_cluster_ids: Heketi has no cluster %s (it has: %s)"
            % (", ".join(missing), ", ".join(known) or "none"))


def immutable_changes(existing, wanted):
    """[(field, before, after)] of the StorageClass fields Kubernetes will not update."""
    if not existing:
        return []
    changes = []
    for field in IMMUTABLE_FIELDS:
        before = existing.get(field)
        after = wanted.get(field)
        if field == "parameters":
            before, after = before or {}, after or {}
        if field == "reclaimPolicy":
            before, after = before or "Delete", after or "Delete"
        if field == "volumeBindingMode":
            before, after = before or "Immediate", after or "Immediate"
        if before != after:
            changes.append((field, before, after))
    return changes


def immutable_change_message(name, changes):
    """The refusal of a StorageClass change, with its diff."""
    lines = []
    for field, before, after in changes:
        if field == "parameters":
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    lines.append("parameters.%s: %s -> %s" % (key, json.dumps(before.get(key)),
                                                              json.dumps(after.get(key))))
        else:
            lines.append("%s: %s -> %s" % (field, json.dumps(before), json.dumps(after)))
    return ("StorageClass %s: Kubernetes does not allow changes to a StorageClass's %s (they are immutable); "
            "the wanted change is: %s. Existing volumes keep the old values. Set kubernetes_storage_force: true "
            "to delete and re-create the class." % (name, ", ".join(change[0] for change in changes), "; ".join(lines)))
