# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding Heketi objects by the names people use (hostnames, device paths,
volume names) rather than by Heketi's generated ids."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiError
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_state import load_state


def load_clusters(client):
    """All clusters with their full node infos: {cluster_id: {"info", "nodes"}}.

    One ``GET /db/dump`` with an admin key; otherwise 1 + clusters + nodes
    GETs (see heketi_state.load_state).
    """
    return load_state(client).clusters


def find_node(clusters, manage):
    """The node info whose manage hostname is ``manage``, or None."""
    for cluster in clusters.values():
        for node in cluster["nodes"].values():
            if manage in (node.get("hostnames") or {}).get("manage", []):
                return node
    return None


def find_device(node, name):
    for dev in node.get("devices") or []:
        if dev.get("name") == name:
            return dev
    return None


def find_by_name(list_ids, get_info, name):
    """The info of the (block) volume called ``name``, or None."""
    for vid in list_ids():
        info = get_info(vid)
        if info.get("name") == name:
            return info
    return None


def node_view(node):
    """A stable, id-free view of a node for diffs and comparisons."""
    return {
        "zone": node.get("zone"),
        "storage": ((node.get("hostnames") or {}).get("storage") or [None])[0],
        "tags": dict(node.get("tags") or {}),
        "state": node.get("state"),
        "devices": dict((d["name"], device_view(d)) for d in node.get("devices") or []),
    }


def device_view(dev):
    return {"tags": dict(dev.get("tags") or {}), "state": dev.get("state"),
            "bricks": len(dev.get("bricks") or [])}


def single_cluster_id(client, wanted=None):
    """The id of ``wanted`` or of the only cluster; a clear error otherwise."""
    clusters = client.cluster_list()
    if wanted:
        if wanted not in clusters:
            raise HeketiError("Cluster %s does not exist (known: %s)" % (wanted, ", ".join(clusters) or "none"))
        return wanted
    if len(clusters) == 1:
        return clusters[0]
    if not clusters:
        raise HeketiError("No Heketi cluster exists; create one with metrostor.gluster.heketi_cluster first")
    raise HeketiError("Heketi has %d clusters (%s); say which one with the cluster option"
                      % (len(clusters), ", ".join(clusters)))
