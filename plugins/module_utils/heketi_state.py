# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything Heketi holds, read in as few requests as the key allows.

With the admin key, one ``GET /db/dump`` returns the whole database; the
views built from it here are the answers the per-object routes would give
(``GET /clusters/<id>``, ``/nodes/<id>``, ``/volumes/<id>``,
``/blockvolumes/<id>``), following Heketi 10's own code
(apps/glusterfs/*_entry.go ``NewInfoResponse``, listing.go): a cluster lists
only complete (not pending) volumes and block volumes, a node embeds its
devices, a device its bricks, a volume its bricks, its mount hosts (every
node of its cluster, in the cluster's order) and its complete block volumes.

Where the dump is refused (a ``user`` key, a proxy that blocks the route, an
older server) the same views are read object by object:
1 + clusters + nodes requests, and 1 + volumes (+ 1 + block volumes) more
when volumes are asked for.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiError

# Statuses that mean "this server/key does not serve /db/dump": read object by object instead.
DUMP_REFUSED = (401, 403, 404, 405, 501)

# Heketi's persisted enums (apps/glusterfs/pendingop.go): operation types and change types.
OP_CREATE_VOLUME, OP_DELETE_VOLUME, OP_CREATE_BLOCK_VOLUME, OP_DELETE_BLOCK_VOLUME, OP_CLONE_VOLUME = 1, 2, 4, 5, 7
CHANGE_ADD_VOLUME, CHANGE_DELETE_VOLUME, CHANGE_ADD_BLOCK_VOLUME, CHANGE_DELETE_BLOCK_VOLUME = 2, 4, 6, 7
CHANGE_ADD_VOLUME_CLONE = 11

# (operation type, change type) pairs that hide a (block) volume from listings (listing.go).
PENDING_VOLUME = {(OP_CREATE_VOLUME, CHANGE_ADD_VOLUME), (OP_DELETE_VOLUME, CHANGE_DELETE_VOLUME),
                  (OP_CREATE_BLOCK_VOLUME, CHANGE_ADD_VOLUME), (OP_CLONE_VOLUME, CHANGE_ADD_VOLUME_CLONE)}
PENDING_BLOCK_VOLUME = {(OP_CREATE_BLOCK_VOLUME, CHANGE_ADD_BLOCK_VOLUME),
                        (OP_DELETE_BLOCK_VOLUME, CHANGE_DELETE_BLOCK_VOLUME)}


class HeketiState(object):
    """What Heketi holds.

    ``clusters``: {cluster_id: {"info": cluster info, "nodes": {node_id: node info}}};
    ``volumes`` / ``blockvolumes``: {id: info} (None when not read);
    ``clusters`` is None too when not read (per-object reads of other parts only);
    ``source``: ``db_dump`` or ``per_object``; ``fallback_reason``: why the
    dump was not used (None when it was).
    """

    def __init__(self, clusters, volumes=None, blockvolumes=None, source="per_object", fallback_reason=None):
        self.clusters = clusters
        self.volumes = volumes
        self.blockvolumes = blockvolumes
        self.source = source
        self.fallback_reason = fallback_reason


def load_state(client, parts=("clusters",)):
    """Read Heketi's state: one ``GET /db/dump`` with an admin key, else object by object.

    ``parts``: what is needed of ``clusters``, ``volumes``, ``blockvolumes``
    (the dump holds them all; the per-object fallback reads only these).
    """
    reason = None
    if client.user != "admin":
        reason = "the %s key may not read /db/dump (admin only)" % client.user
    else:
        try:
            dump = client.db_dump()
        except HeketiError as err:
            if err.status not in DUMP_REFUSED:
                raise
            reason = "GET /db/dump refused: %s" % err
        else:
            return state_from_dump(dump)
    state = read_per_object(client, parts)
    state.fallback_reason = reason
    return state


def read_per_object(client, parts=("clusters",)):
    """The same state through the per-object routes: 1 + clusters + nodes GETs for the
    clusters, 1 + volumes for the volumes, 1 + block volumes for the block volumes."""
    clusters = vols = bvols = None
    if "clusters" in parts:
        clusters = {}
        for cid in client.cluster_list():
            info = client.cluster_info(cid)
            clusters[cid] = {"info": info,
                             "nodes": dict((nid, client.node_info(nid)) for nid in info.get("nodes") or [])}
    if "volumes" in parts:
        vols = dict((vid, client.volume_info(vid)) for vid in client.volume_list())
    if "blockvolumes" in parts:
        bvols = dict((bid, client.blockvolume_info(bid)) for bid in client.blockvolume_list())
    return HeketiState(clusters, vols, bvols, source="per_object")


def state_from_dump(dump):
    """A HeketiState from the JSON of ``GET /db/dump``."""
    view = _DumpView(dump)
    clusters = {}
    for cid in sorted(view.clusters):
        info = view.cluster_info(cid)
        clusters[cid] = {"info": info, "nodes": dict((nid, view.node_info(nid)) for nid in info["nodes"])}
    vols = dict((vid, view.volume_info(vid)) for vid in sorted(view.volumes) if vid not in view.pending_volumes)
    bvols = dict((bid, view.blockvolume_info(bid)) for bid in sorted(view.blockvolumes)
                 if bid not in view.pending_blockvolumes)
    return HeketiState(clusters, vols, bvols, source="db_dump")


class _DumpView(object):
    """The per-object answers, computed from one dump."""

    def __init__(self, dump):
        self.clusters = dump.get("clusterentries") or {}
        self.nodes = dump.get("nodeentries") or {}
        self.devices = dump.get("deviceentries") or {}
        self.bricks = dump.get("brickentries") or {}
        self.volumes = dump.get("volumeentries") or {}
        self.blockvolumes = dump.get("blockvolumeentries") or {}
        ops = (dump.get("pendingoperations") or {}).values()
        self.pending_volumes = _pending_ids(ops, PENDING_VOLUME)
        self.pending_blockvolumes = _pending_ids(ops, PENDING_BLOCK_VOLUME)

    def cluster_info(self, cid):
        info = copy.deepcopy(self.clusters[cid]["Info"])
        for key in ("nodes", "volumes", "blockvolumes"):
            info[key] = list(info.get(key) or [])
        info["volumes"] = [v for v in info["volumes"] if v not in self.pending_volumes]
        info["blockvolumes"] = [b for b in info["blockvolumes"] if b not in self.pending_blockvolumes]
        return info

    def node_info(self, nid):
        entry = self.nodes[nid]
        info = copy.deepcopy(entry["Info"])
        info["state"] = entry.get("State")
        info["devices"] = [self.device_info(did) for did in entry.get("Devices") or []]
        return info

    def device_info(self, did):
        entry = self.devices[did]
        info = copy.deepcopy(entry["Info"])
        info["state"] = entry.get("State")
        info["bricks"] = [self.brick_info(bid) for bid in entry.get("Bricks") or []]
        return info

    def brick_info(self, bid):
        return copy.deepcopy(self.bricks[bid]["Info"])

    def volume_info(self, vid):
        entry = self.volumes[vid]
        info = copy.deepcopy(entry["Info"])
        if entry.get("GlusterVolumeOptions"):
            info["glustervolumeoptions"] = list(entry["GlusterVolumeOptions"])
        cluster = self.clusters.get(info.get("cluster")) or {"Info": {}}
        hosts = [self.nodes[nid]["Info"]["hostnames"]["storage"][0] for nid in cluster["Info"].get("nodes") or []
                 if nid in self.nodes]
        info["mount"] = {"glusterfs": {"hosts": hosts, "device": "%s:%s" % (hosts[0] if hosts else "", info["name"]),
                                       "options": {"backup-volfile-servers": ",".join(hosts[1:])}}}
        blockinfo = info.get("blockinfo") or {}
        if blockinfo.get("blockvolume"):
            blockinfo["blockvolume"] = [b for b in blockinfo["blockvolume"] if b not in self.pending_blockvolumes]
            if not blockinfo["blockvolume"]:
                del blockinfo["blockvolume"]
        info["blockinfo"] = blockinfo
        info["bricks"] = [self.brick_info(bid) for bid in entry.get("Bricks") or []]
        return info

    def blockvolume_info(self, bid):
        info = copy.deepcopy(self.blockvolumes[bid]["Info"])
        if not info.get("usablesize") and info.get("size"):  # block volumes made before UsableSize existed
            info["usablesize"] = info["size"]
        return info


def _pending_ids(operations, pairs):
    found = set()
    for op in operations:
        for action in op.get("Actions") or []:
            if (op.get("Type"), action.get("Change")) in pairs:
                found.add(action.get("Id"))
    return found
