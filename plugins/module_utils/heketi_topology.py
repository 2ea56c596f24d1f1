# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reconciling Heketi with a desired topology (heketi topology.json format).

The whole plan is computed and validated against what Heketi has *before*
any request that changes something is sent: an impossible change (a node
asked to move zone, a node listed in two clusters, a device to be wiped
without force) fails with nothing touched.  The plan is applied in a safe
order: clusters, nodes, devices, tags, and removals last (so that new
capacity exists before bricks are evicted from what goes away).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiError
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_removal import (
    remove_device,
    remove_node,
)
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_state import load_state
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_node_rules import unchangeable_node_change
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_tags import wanted_tags


class TopologyError(HeketiError):
    """The desired topology cannot be reached safely; nothing was changed."""


def normalize(topology):
    """Desired topology -> list of clusters, each a dict manage -> node spec."""
    if not isinstance(topology, dict) or not isinstance(topology.get("clusters"), list):
        raise TopologyError("topology must be a dict with a 'clusters' list (heketi topology.json format)")
    clusters, seen = [], {}
    for ci, cluster in enumerate(topology["clusters"]):
        nodes = {}
        for ni, entry in enumerate((cluster or {}).get("nodes") or []):
            where = "clusters[%d].nodes[%d]" % (ci, ni)
            node = (entry or {}).get("node") or {}
            hostnames = node.get("hostnames") or {}
            manage = (hostnames.get("manage") or [None])[0]
            storage = (hostnames.get("storage") or [None])[0]
            if not manage or not storage:
                raise TopologyError("%s: node.hostnames.manage and node.hostnames.storage are required" % where)
            try:
                zone = int(node.get("zone"))
            except (TypeError, ValueError):
                zone = 0
            if zone < 1:
                raise TopologyError("%s (%s): zone must be a positive integer" % (where, manage))
            if manage in seen:
                raise TopologyError("%s: node %s is already listed at %s" % (where, manage, seen[manage]))
            seen[manage] = where
            devices = {}
            for dev in entry.get("devices") or []:
                if isinstance(dev, str):
                    dev = {"name": dev}
                if not dev.get("name"):
                    raise TopologyError("%s (%s): a device has no name" % (where, manage))
                if dev["name"] in devices:
                    raise TopologyError("%s (%s): device %s listed twice" % (where, manage, dev["name"]))
                devices[dev["name"]] = {"tags": dev.get("tags"), "destroydata": bool(dev.get("destroydata"))}
            nodes[manage] = {"storage": storage, "zone": zone, "tags": node.get("tags"), "devices": devices}
        clusters.append({"nodes": nodes, "id": (cluster or {}).get("id"), "file": (cluster or {}).get("file", True),
                         "block": (cluster or {}).get("block", True)})
    return clusters


class TopologyReconciler(object):
    """Plan, then apply, the changes that make Heketi match ``topology``."""

    def __init__(self, client, topology, remove_absent=False, purge_tags=True, force=False):
        self.client = client
        self.desired = normalize(topology)
        self.remove_absent = remove_absent
        self.purge_tags = purge_tags
        self.force = force
        self.steps = []  # (description, callable or None)
        self.before = {}
        self.after = {}
        self.cluster_ids = []
        self.state_source = None

    def step(self, description, fn):
        self.steps.append((description, fn))

    @property
    def actions(self):
        return [desc for desc, _fn in self.steps]

    # -- planning ------------------------------------------------------------
    def plan(self):
        state = load_state(self.client)  # one GET /db/dump with an admin key
        self.state_source = state.source
        current = state.clusters
        by_manage = {}
        for cid, entry in current.items():
            for node in entry["nodes"].values():
                by_manage[node["hostnames"]["manage"][0]] = (cid, node)
        later = []  # removals, applied after all additions
        for index, want in enumerate(self.desired):
            cid = self._match_cluster(index, want, by_manage, current)
            ref = {"id": cid}
            self.cluster_ids.append(ref)
            if cid is None:
                self.step("create cluster #%d" % index,
                          lambda ref=ref, want=want: ref.update(
                              id=self.client.cluster_create(want["file"], want["block"])["id"]))
            existing = current[cid]["nodes"] if cid else {}
            for manage, spec in sorted(want["nodes"].items()):
                found = by_manage.get(manage)
                self._plan_node(ref, manage, spec, found[1] if found else None, later)
            if self.remove_absent and cid:
                for node in existing.values():
                    manage = node["hostnames"]["manage"][0]
                    if manage not in want["nodes"]:
                        self.before[manage] = self._view(node)
                        self.after[manage] = None
                        later.append(("node", node))
        for kind, obj in later:
            self._plan_removal(kind, obj)
        return self

    def _match_cluster(self, index, want, by_manage, current):
        """The existing cluster for declared cluster ``index``, or None to create one.

        An explicit ``id`` wins; otherwise the cluster holding the declared
        nodes; otherwise an existing cluster without nodes (for example one
        made by heketi_cluster), so that no second cluster appears.
        """
        taken = [ref["id"] for ref in self.cluster_ids]
        owners = sorted({by_manage[m][0] for m in want["nodes"] if m in by_manage})
        if want.get("id"):
            if want["id"] not in current:
                raise TopologyError("clusters[%d]: Heketi has no cluster %s" % (index, want["id"]))
            if owners and owners != [want["id"]]:
                raise TopologyError("clusters[%d] (id %s) lists nodes that Heketi has in cluster(s) %s; a node "
                                    "cannot move between clusters" % (index, want["id"], ", ".join(owners)))
            owners = [want["id"]]
        if len(owners) > 1:
            raise TopologyError("clusters[%d] lists nodes that Heketi has in %d different clusters (%s); "
                                "a node cannot move between clusters" % (index, len(owners), ", ".join(owners)))
        if owners and owners[0] in taken:
            raise TopologyError("clusters[%d] and an earlier cluster both match Heketi cluster %s"
                                % (index, owners[0]))
        if owners:
            return owners[0]
        empty = sorted(cid for cid, entry in current.items() if not entry["nodes"] and cid not in taken)
        return empty[0] if empty else None

    @staticmethod
    def _view(node):
        return {"zone": node.get("zone"), "storage": node["hostnames"]["storage"][0],
                "tags": dict(node.get("tags") or {}),
                "devices": dict((d["name"], {"tags": dict(d.get("tags") or {})}) for d in node.get("devices") or [])}

    def _plan_node(self, ref, manage, spec, node, later):
        c = self.client
        if node is None:
            for name, dev in spec["devices"].items():
                self._check_destroy(manage, name, dev)
            tags = wanted_tags({}, spec["tags"] or {}, True)
            self.after[manage] = {"zone": spec["zone"], "storage": spec["storage"], "tags": tags,
                                  "devices": dict((n, {"tags": wanted_tags({}, d["tags"] or {}, True)})
                                                  for n, d in spec["devices"].items())}
            self.before[manage] = None
            holder = {}
            self.step("add node %s (zone %d)" % (manage, spec["zone"]),
                      lambda: holder.update(node=c.node_add(ref["id"], spec["zone"], manage, spec["storage"], tags)))
            for name, dev in sorted(spec["devices"].items()):
                self.step("add device %s to %s" % (name, manage),
                          lambda name=name, dev=dev: c.device_add(holder["node"]["id"], name,
                                                                  wanted_tags({}, dev["tags"] or {}, True),
                                                                  dev["destroydata"]))
            return
        refused = unchangeable_node_change(manage, node, cluster=ref["id"], zone=spec["zone"], storage=spec["storage"])
        if refused:
            raise TopologyError(refused)
        before = self._view(node)
        after = self._view(node)
        if spec["tags"] is not None:
            tags = wanted_tags(node.get("tags") or {}, spec["tags"], self.purge_tags)
            if tags != (node.get("tags") or {}):
                after["tags"] = tags
                self.step("retag node %s" % manage, lambda: c.node_set_tags(node["id"], tags))
        have = dict((d["name"], d) for d in node.get("devices") or [])
        for name, dev in sorted(spec["devices"].items()):
            if name not in have:
                self._check_destroy(manage, name, dev)
                tags = wanted_tags({}, dev["tags"] or {}, True)
                after["devices"][name] = {"tags": tags}
                self.step("add device %s to %s" % (name, manage),
                          lambda name=name, dev=dev, tags=tags: c.device_add(node["id"], name, tags,
                                                                             dev["destroydata"]))
            elif dev["tags"] is not None:
                tags = wanted_tags(have[name].get("tags") or {}, dev["tags"], self.purge_tags)
                if tags != (have[name].get("tags") or {}):
                    after["devices"][name] = {"tags": tags}
                    self.step("retag device %s on %s" % (name, manage),
                              lambda d=have[name], tags=tags: c.device_set_tags(d["id"], tags))
        if self.remove_absent:
            for name, dev in sorted(have.items()):
                if name not in spec["devices"]:
                    del after["devices"][name]
                    later.append(("device", dict(dev, manage=manage)))
        if before != after:
            self.before[manage] = before
            self.after[manage] = after

    def _check_destroy(self, manage, name, dev):
        if dev["destroydata"] and not self.force:
            raise TopologyError("device %s of %s has destroydata: true, which wipes it; set force=true to "
                                "confirm" % (name, manage))

    def _plan_removal(self, kind, obj):
        c = self.client
        if kind == "device":
            label = "%s:%s" % (obj["manage"], obj["name"])
            dry = []
            remove_device(c, obj, dry, check_mode=True)
            self.step("remove device %s (%s)" % (label, ", ".join(dry)),
                      lambda: remove_device(c, obj, [], check_mode=False))
        else:
            dry = []
            remove_node(c, obj, dry, check_mode=True)
            self.step("remove node %s (%s)" % (obj["hostnames"]["manage"][0], ", ".join(dry)),
                      lambda: remove_node(c, obj, [], check_mode=False))

    # -- applying ------------------------------------------------------------
    def apply(self, done):
        """Run the planned steps in order, appending each finished one to ``done``."""
        for desc, fn in self.steps:
            fn()
            done.append(desc)
