# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: kubernetes_storage_check
short_description: Check and render the Kubernetes storage objects of the kubernetes_storage role
version_added: "0.1.0"
author: metrostor.gluster developers
description:
  - C(kubernetes_storage_check) checks the clusters and settings and returns the normalised clusters,
    or fails naming every refused field (version, kubeconfig, paths, snapshot API, floating address, ...).
  - C(kubernetes_storage_render) returns the plan, one item per object (cluster, connection, object, file name
    and YAML text), in apply order.
  - C(kubernetes_storage_heketi_secret) returns the Secret holding Heketi's key (call it only in no_log tasks).
  - C(kubernetes_storage_files) and C(kubernetes_storage_secret_files) give the plan and the Heketi Secrets as
    files for metrostor.gluster.kubernetes_manifest_files (the Secrets only for its no_log C(secret_files)).
  - C(kubernetes_storage_heketi_ids) fails when a class names a Heketi cluster id Heketi does not have.
  - C(kubernetes_storage_immutable) fails, with the diff, when an existing StorageClass would change
    an immutable field, and returns the classes to delete and re-create when forced.
options:
  _input:
    description: The raw C(kubernetes_storage_clusters), or the checked clusters for C(kubernetes_storage_render).
    type: list
    required: true
"""

EXAMPLES = r"""
- name: Check the clusters before anything is contacted
  ansible.builtin.set_fact:
    checked: "{{ kubernetes_storage_clusters | metrostor.gluster.kubernetes_storage_check(settings, 'render') }}"
"""

RETURN = r"""
_value:
  description: The checked clusters, or the plan.
  type: list
"""

import glob
import os

import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_checks import (
    StorageCheckError,
    check_clusters,
    immutable_change_message,
    immutable_changes,
    unknown_heketi_clusters,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.k8s_storage_manifests import (
    file_name,
    heketi_secret,
    needs_heketi_secret,
    node_zone_labels,
    object_id,
    render_cluster,
)


def plain(value):
    """Plain Python data (Ansible hands filters tagged strings and lazy containers)."""
    if isinstance(value, dict):
        return dict((plain(k), plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return str(value)


def load_csi_release(directory):
    """The upstream csi-driver-nfs objects kept in ``directory`` (its *.yaml files, in name order)."""
    files = sorted(glob.glob(os.path.join(directory, "*.yaml")))
    if not files:
        raise AnsibleFilterError("kubernetes_storage_csi_nfs_version: no csi-driver-nfs release manifests in %s"
                                 % directory)
    docs = []
    for path in files:
        with open(path) as handle:
            docs.extend(d for d in yaml.safe_load_all(handle) if d)
    return docs


def to_yaml_text(obj, header):
    """The YAML text of an object, the same bytes for the same object."""
    body = yaml.safe_dump(obj, default_flow_style=False, sort_keys=True, width=1000)
    return "# %s\n%s" % (header, body)


def kubernetes_storage_check(raw_clusters, settings, mode, cluster_info=None, render_dir=None):
    try:
        return check_clusters(plain(raw_clusters), plain(settings), plain(mode), cluster_info=plain(cluster_info),
                              render_dir=plain(render_dir))
    except StorageCheckError as err:
        raise AnsibleFilterError(str(err))


def _header(cluster):
    return ("Rendered by metrostor.gluster.kubernetes_storage for cluster %s (Kubernetes %s); do not edit"
            % (cluster["name"], cluster["version_text"]))


def kubernetes_storage_render(clusters, settings, csi_release_dir):
    clusters, settings = plain(clusters), plain(settings)
    csi_upstream = None
    plan = []
    for cluster in clusters:
        if "nfs" in cluster["paths"] and csi_upstream is None:
            csi_upstream = load_csi_release(csi_release_dir)
        objects = render_cluster(cluster, settings, csi_upstream or [])
        for index, obj in enumerate(objects, 1):
            plan.append({"cluster": cluster["name"], "kubeconfig": cluster["kubeconfig"],
                         "context": cluster["context"], "id": object_id(obj), "object": obj,
                         "file": file_name(index, obj), "yaml": to_yaml_text(obj, _header(cluster))})
    return plan


def kubernetes_storage_secret_clusters(clusters, settings):
    """The clusters that get the Heketi Secret."""
    clusters, settings = plain(clusters), plain(settings)
    return [c for c in clusters if needs_heketi_secret(c, settings)]


def kubernetes_storage_heketi_secret(cluster, settings, key):
    """{object, file, yaml} of the Heketi Secret of one cluster (for no_log tasks only)."""
    cluster, settings = plain(cluster), plain(settings)
    obj = heketi_secret(settings["heketi"], str(key))
    return {"object": obj, "file": file_name(0, obj), "yaml": to_yaml_text(obj, _header(cluster))}


def kubernetes_storage_files(plan):
    """The plan as files for metrostor.gluster.kubernetes_manifest_files: CLUSTER/NN-kind-name.yaml."""
    return [{"path": "%s/%s" % (item["cluster"], item["file"]), "content": item["yaml"], "mode": "0644"}
            for item in plain(plan)]


def kubernetes_storage_secret_files(clusters, settings, key):
    """The Heketi Secret of each cluster that gets one, as files of mode 0600 (for secret_files only)."""
    out = []
    for cluster in kubernetes_storage_secret_clusters(clusters, settings):
        secret = kubernetes_storage_heketi_secret(cluster, settings, key)
        out.append({"path": "%s/%s" % (cluster["name"], secret["file"]), "content": secret["yaml"], "mode": "0600"})
    return out


def kubernetes_storage_node_labels(clusters):
    clusters = plain(clusters)
    return [dict(label, cluster=c["name"], kubeconfig=c["kubeconfig"], context=c["context"])
            for c in clusters for label in node_zone_labels(c)]


def kubernetes_storage_heketi_ids(heketi_clusters, wanted_ids):
    problem = unknown_heketi_clusters(plain(wanted_ids), plain(heketi_clusters))
    if problem:
        raise AnsibleFilterError("kubernetes_storage refuses: " + problem)
    return wanted_ids


def kubernetes_storage_immutable(plan, existing_by_cluster, force=False):
    """Names of StorageClasses to delete and re-create (force), or a refusal with the diff.

    ``existing_by_cluster``: {cluster name: [StorageClass objects as k8s_info returns them]}.
    """
    plan, existing_by_cluster = plain(plan), plain(existing_by_cluster)
    refusals = []
    recreate = []
    for item in plan:
        wanted = item["object"]
        if wanted["kind"] != "StorageClass":
            continue
        existing = dict((sc["metadata"]["name"], sc) for sc in existing_by_cluster.get(item["cluster"]) or [])
        name = wanted["metadata"]["name"]
        changes = immutable_changes(existing.get(name), wanted)
        if changes:
            if force:
                recreate.append({"cluster": item["cluster"], "kubeconfig": item["kubeconfig"],
                                 "context": item["context"], "name": name})
            else:
                refusals.append("cluster %s: %s" % (item["cluster"], immutable_change_message(name, changes)))
    if refusals:
        raise AnsibleFilterError("kubernetes_storage refuses: " + " | ".join(refusals))
    return recreate


class FilterModule(object):
    def filters(self):
        return {
            "kubernetes_storage_check": kubernetes_storage_check,
            "kubernetes_storage_render": kubernetes_storage_render,
            "kubernetes_storage_secret_clusters": kubernetes_storage_secret_clusters,
            "kubernetes_storage_heketi_secret": kubernetes_storage_heketi_secret,
            "kubernetes_storage_node_labels": kubernetes_storage_node_labels,
            "kubernetes_storage_files": kubernetes_storage_files,
            "kubernetes_storage_secret_files": kubernetes_storage_secret_files,
            "kubernetes_storage_heketi_ids": kubernetes_storage_heketi_ids,
            "kubernetes_storage_immutable": kubernetes_storage_immutable,
        }
