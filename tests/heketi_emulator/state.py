"""Heketi's data model and operations, in memory (TEST DOUBLE).

Every method either returns a result or raises ApiError carrying the status
code and the text the real server answers with.  Sizes follow Heketi: volume
sizes in GiB, device storage in KiB.

What the real Heketi 10 server does was established by sending the same
requests to both (tests/unit/test_emulation_fidelity.py); where a method
says "sync" its errors come at once, "queued" ones through ``/queue``.

The server-wide settings of heketi.json's ``glusterfs`` section that change
answers are honoured: ``zone_checking``, ``pre_request_volume_options``,
``post_request_volume_options``, ``block_hosting_volume_options``,
``auto_create_block_hosting_volume``, ``block_hosting_volume_size``,
``brick_max_size_gb``, ``brick_min_size_gb``, ``max_bricks_per_volume``.
"""

import copy
import json
import threading
import uuid

GIB_KIB = 1024 * 1024

# Heketi's defaults where heketi.json says nothing (apps/glusterfs/*settings.go).
DEFAULT_SETTINGS = {
    "zone_checking": "none",
    "pre_request_volume_options": "",
    "post_request_volume_options": "",
    "block_hosting_volume_options": "group gluster-block",
    "auto_create_block_hosting_volume": False,
    "block_hosting_volume_size": 1024,
    "brick_max_size_gb": 1024,
    "brick_min_size_gb": 1,
    "max_bricks_per_volume": 32,
}

NO_SPACE_ERRORS = ("No space", "Maximum number of bricks reached.", "Minimum brick size limit reached.  Out of space.")
DISPERSE_COMBINATIONS = ((2, 1), (4, 2), (8, 3), (8, 4))
TRUE_WORDS = ("1", "t", "T", "TRUE", "true", "True")  # Go's strconv.ParseBool


class ApiError(Exception):
    def __init__(self, status, message):
        super(ApiError, self).__init__(message)
        self.status = status
        self.message = message


def new_id():
    return uuid.uuid4().hex


def _apply_tags(current, change_type, tags):
    if change_type == "set":
        return dict(tags)
    if change_type == "update":
        merged = dict(current)
        merged.update(tags)
        return merged
    if change_type == "delete":
        return {k: v for k, v in current.items() if k not in tags}
    raise ApiError(400, "validation failed: change_type: must be a valid value.")


def _without_empty_tags(info):
    if not info.get("tags"):
        info.pop("tags", None)
    return info


def split_options(text):
    """Go's strings.Split(text, ","): no trimming, and "" gives [""]."""
    return (text or "").split(",")


def options_map(options):
    """Heketi's volOptsMap: "key value" split at the first space, later keys win."""
    found = {}
    for option in options:
        parts = option.split(" ", 1)
        found[parts[0]] = parts[1] if len(parts) == 2 else ""
    return found


def _validate_state(req):
    state = req.get("state")
    if state not in ("online", "offline", "failed"):
        raise ApiError(400, "validation failed: state: %s is not valid state." % state)
    return state


class EmulatorState(object):
    """All clusters, nodes, devices, bricks and volumes of one server."""

    def __init__(self, device_size_gib=500, glusterfs=None):
        self.lock = threading.RLock()
        self.clusters = {}
        self.nodes = {}
        self.devices = {}
        self.bricks = {}
        self.volumes = {}
        self.blockvolumes = {}
        self.device_size_gib = device_size_gib
        self.settings = dict(DEFAULT_SETTINGS, **(glusterfs or {}))

    # -- clusters ------------------------------------------------------------
    def cluster_create(self, req):
        cid = new_id()
        self.clusters[cid] = {"id": cid, "nodes": [], "volumes": [], "blockvolumes": [],
                              "file": bool(req.get("file", True)), "block": bool(req.get("block", True))}
        return self.cluster_info(cid)

    def _cluster(self, cid):
        if cid not in self.clusters:
            raise ApiError(404, "Id not found")
        return self.clusters[cid]

    def cluster_info(self, cid):
        info = copy.deepcopy(self._cluster(cid))
        for key in ("nodes", "volumes", "blockvolumes"):  # Heketi keeps these id lists sorted
            info[key].sort()
        return info

    def cluster_flags(self, cid, req):
        """sync; Heketi accepts file=false block=false (the cluster then takes no volume at all)."""
        cluster = self._cluster(cid)
        cluster["file"] = bool(req.get("file"))
        cluster["block"] = bool(req.get("block"))

    def cluster_delete_check(self, cid):
        cluster = self._cluster(cid)
        if cluster["nodes"] or cluster["volumes"] or cluster["blockvolumes"]:
            raise ApiError(409, "Unable to delete cluster [%s] because it contains volumes and/or nodes" % cid)

    def cluster_delete(self, cid):
        self.cluster_delete_check(cid)
        del self.clusters[cid]

    # -- nodes ---------------------------------------------------------------
    def _node(self, nid):
        if nid not in self.nodes:
            raise ApiError(404, "Id not found")
        return self.nodes[nid]

    def node_add_check(self, req):
        """sync: validation (400), unknown cluster (404), hostname in use (409)."""
        hostnames = req.get("hostnames") or {}
        if not req.get("zone"):
            raise ApiError(400, "validation failed: zone: cannot be blank.")
        for kind in ("manage", "storage"):
            if not hostnames.get(kind):
                raise ApiError(400, "validation failed: hostnames: (%s: cannot be blank.)." % kind)
        for name in hostnames["manage"] + hostnames["storage"]:
            if name == "":
                raise ApiError(400, "Hostname cannot be an empty string")
        if req.get("cluster") not in self.clusters:
            raise ApiError(404, "Cluster id does not exist")
        for name in hostnames["manage"] + hostnames["storage"]:
            for node in self.nodes.values():
                if name in node["hostnames"]["manage"] + node["hostnames"]["storage"]:
                    raise ApiError(409, "Hostname %s already used by node with id %s" % (name, node["id"]))

    def node_add(self, req):
        self.node_add_check(req)
        nid = new_id()
        node = {"id": nid, "zone": int(req["zone"]), "cluster": req["cluster"],
                "hostnames": {"manage": list(req["hostnames"]["manage"]),
                              "storage": list(req["hostnames"]["storage"])},
                "state": "online", "devices": [], "tags": dict(req.get("tags") or {})}
        self.nodes[nid] = node
        self.clusters[req["cluster"]]["nodes"].append(nid)
        return "/nodes/" + nid

    def node_info(self, nid):
        node = copy.deepcopy(self._node(nid))
        node["devices"] = [self.device_info(did) for did in sorted(node["devices"])]
        return _without_empty_tags(node)

    def node_delete_check(self, nid):
        """sync: a node that still has devices (in any state) is refused with 409."""
        node = self._node(nid)
        if node["devices"]:
            raise ApiError(409, "Unable to delete node [%s] because it contains devices" % nid)

    def node_delete(self, nid):
        self.node_delete_check(nid)
        node = self.nodes.pop(nid)
        self.clusters[node["cluster"]]["nodes"].remove(nid)

    def node_state_check(self, nid, req):
        """sync: unknown id (404) and an invalid state word (400)."""
        self._node(nid)
        _validate_state(req)

    def node_state(self, nid, req):
        """queued: the transition rules of NodeEntry.SetState (failed is final)."""
        node = self._node(nid)
        state = req["state"]
        current = node["state"]
        if current == "failed" and state != "failed":
            raise ApiError(500, "Cannot move a failed/removed node to %s state" % state)
        if current == "online" and state == "failed":
            raise ApiError(500, "Node must be offline before remove operation is performed, node:%s" % nid)
        if current == "offline" and state == "failed":
            for did in node["devices"]:
                self._remove_device(did, "Unable to remove node [%s] as no device was found to replace "
                                         "device [%s]" % (nid, did))
        node["state"] = state

    def node_tags(self, nid, req):
        node = self._node(nid)
        node["tags"] = _apply_tags(node["tags"], req.get("change_type", "set"), req.get("tags") or {})
        return dict(node["tags"])

    # -- devices -------------------------------------------------------------
    def _device(self, did):
        if did not in self.devices:
            raise ApiError(404, "Id not found")
        return self.devices[did]

    def device_add_check(self, req):
        """sync: validation and unknown node.  The real server (mock executor) does not refuse a
        name already on the node; with the SSH executor that fails later, on the host."""
        if not req.get("name"):
            raise ApiError(400, "validation failed: name: cannot be blank.")
        if req.get("node") not in self.nodes:
            raise ApiError(404, "Node id does not exist")

    def device_add(self, req):
        self.device_add_check(req)
        did = new_id()
        total = self.device_size_gib * GIB_KIB
        self.devices[did] = {"id": did, "name": req["name"], "node": req["node"], "state": "online",
                             "tags": dict(req.get("tags") or {}), "bricks": [],
                             "storage": {"total": total, "free": total, "used": 0}}
        self.nodes[req["node"]]["devices"].append(did)
        return None  # Heketi's device add completes with 204: no id is returned

    def device_info(self, did):
        dev = copy.deepcopy(self._device(did))
        dev.pop("node")
        dev["bricks"] = [copy.deepcopy(self.bricks[b]) for b in dev["bricks"]]
        return _without_empty_tags(dev)

    def device_delete_check(self, did):
        """sync: only a failed device is deleted (400 otherwise, even when empty); 409 with bricks."""
        dev = self._device(did)
        if dev["state"] != "failed":
            raise ApiError(400, "device: %s is not in failed state" % did)
        if dev["bricks"]:
            raise ApiError(409, "Unable to delete device [%s] because it contains bricks" % did)

    def device_delete(self, did):
        self.device_delete_check(did)
        dev = self.devices.pop(did)
        self.nodes[dev["node"]]["devices"].remove(did)

    def device_state_check(self, did, req):
        """sync: unknown id (404) and an invalid state word (400)."""
        self._device(did)
        _validate_state(req)

    def device_state(self, did, req):
        """queued: the transition rules of DeviceEntry.stateCheck; failed evicts the bricks."""
        dev = self._device(did)
        state = req["state"]
        if dev["state"] == "failed" and state == "online":
            raise ApiError(500, "Cannot move a failed/removed device to online state")
        if dev["state"] == "online" and state == "failed":
            raise ApiError(500, "Device must be offline before remove operation is performed, device:%s" % did)
        if state == "failed" and dev["state"] != "failed":
            self._remove_device(did, "Unable to delete device [%s] as no device was found to replace it: "
                                     "No Replacement was found for resource requested to be removed" % did)
        else:
            dev["state"] = state

    def device_resync(self, did):
        """queued, completes with 204 (the mock executor reports the size unchanged)."""
        self._device(did)

    def device_tags(self, did, req):
        dev = self._device(did)
        dev["tags"] = _apply_tags(dev["tags"], req.get("change_type", "set"), req.get("tags") or {})
        return dict(dev["tags"])

    def _remove_device(self, did, no_replacement_text):
        """Evict every brick of the device, then mark it failed (DeviceRemoveOperation)."""
        try:
            self._evacuate(did)
        except ApiError:
            raise ApiError(500, no_replacement_text)
        self.devices[did]["state"] = "failed"

    # -- placement -----------------------------------------------------------
    def _arbiter_tag(self, dev):
        tags = dict(self.nodes[dev["node"]]["tags"])
        tags.update(dev["tags"])  # Heketi's MergeTags(node, device): the device's tag wins
        value = tags.get("arbiter")
        return value if value in ("required", "supported", "disabled") else "supported"

    def _candidates(self, cluster_ids, exclude_nodes, exclude_zones, size_kib, arbiter_role):
        """Online devices with room, ordered by most free first."""
        found = []
        for cid in cluster_ids:
            for nid in self.clusters[cid]["nodes"]:
                node = self.nodes[nid]
                if node["state"] != "online" or nid in exclude_nodes or node["zone"] in exclude_zones:
                    continue
                for did in node["devices"]:
                    dev = self.devices[did]
                    if dev["state"] != "online" or dev["storage"]["free"] < size_kib:
                        continue
                    tag = self._arbiter_tag(dev)
                    if arbiter_role == "arbiter" and tag == "disabled":
                        continue
                    if arbiter_role == "data" and tag == "required":
                        continue
                    found.append(dev)
        found.sort(key=lambda d: -d["storage"]["free"])
        return found

    def _place_set(self, cluster_ids, roles, size_kib, strict_zones):
        chosen, nodes, zones = [], set(), set()
        for role in roles:
            want = size_kib if role != "arbiter" else size_kib // 64
            devs = self._candidates(cluster_ids, nodes, zones if strict_zones else set(), want, role)
            if not devs:
                return None
            dev = devs[0]
            chosen.append((dev, want, role))
            nodes.add(dev["node"])
            zones.add(self.nodes[dev["node"]]["zone"])
        return chosen

    def _strict(self, vol):
        value = options_map(vol["glustervolumeoptions"]).get("user.heketi.zone-checking") or \
            self.settings["zone_checking"]
        return value == "strict"

    @staticmethod
    def _arbiter(vol):
        return options_map(vol["glustervolumeoptions"]).get("user.heketi.arbiter") in TRUE_WORDS

    def _layout(self, vol):
        """(roles of the bricks of one set, data bricks per set) for the volume's durability."""
        dur = vol["durability"]
        if dur["type"] == "replicate":
            count = dur["replicate"].get("replica") or 2
        elif dur["type"] == "disperse":
            count = dur["disperse"]["data"] + dur["disperse"]["redundancy"]
        else:
            count = 1
        # Only the arbiter placer reads arbiter tags: without user.heketi.arbiter a volume's bricks go
        # to any device, arbiter=required ones included ("any").
        roles = ["any"] * count
        if self._arbiter(vol) and count >= 3:  # Heketi's arbiter placer: the last brick of each set
            roles = ["data"] * (count - 1) + ["arbiter"]
        data = dur["disperse"]["data"] if dur["type"] == "disperse" else 1
        return roles, data

    def _allocate(self, vol, cluster_ids, size_gib):
        """Heketi's allocBricksInCluster: one brick set, then twice as many half-size ones, ..."""
        roles, data = self._layout(vol)
        strict = self._strict(vol)
        total_kib = size_gib * GIB_KIB // data
        sets = 1
        while True:
            brick_kib = total_kib // sets
            if brick_kib < self.settings["brick_min_size_gb"] * GIB_KIB:
                raise ApiError(500, "Minimum brick size limit reached.  Out of space.")
            if brick_kib > self.settings["brick_max_size_gb"] * GIB_KIB:
                sets *= 2
                continue
            if sets * len(roles) + len(vol["bricks"]) > self.settings["max_bricks_per_volume"]:
                raise ApiError(500, "Maximum number of bricks reached.")
            placed = self._place_sets(cluster_ids, roles, brick_kib, strict, sets)
            if placed is not None:
                break
            sets *= 2
        for dev, size, _role in placed:
            bid = new_id()
            self.bricks[bid] = {"id": bid, "device": dev["id"], "node": dev["node"], "volume": vol["id"],
                                "size": size,
                                "path": "/var/lib/heketi/mounts/vg_%s/brick_%s/brick" % (dev["id"], bid)}
            dev["bricks"].append(bid)
            vol["bricks"].append(bid)

    def _place_sets(self, cluster_ids, roles, brick_kib, strict, sets):
        placed = []
        for _unused in range(sets):
            chosen = self._place_set(cluster_ids, roles, brick_kib, strict)
            if chosen is None:
                for dev, size, _role in placed:
                    dev["storage"]["free"] += size
                    dev["storage"]["used"] -= size
                return None
            for dev, size, _role in chosen:
                dev["storage"]["free"] -= size
                dev["storage"]["used"] += size
            placed.extend(chosen)
        return placed

    def _evacuate(self, did):
        dev = self.devices[did]
        for bid in list(dev["bricks"]):
            brick = self.bricks[bid]
            vol = self.volumes[brick["volume"]]
            siblings = [self.bricks[b] for b in vol["bricks"] if b != bid]
            busy_nodes = {b["node"] for b in siblings}
            busy_zones = {self.nodes[n]["zone"] for n in busy_nodes} if self._strict(vol) else set()
            cands = self._candidates([vol["cluster"]], busy_nodes, busy_zones, brick["size"], "any")
            if not cands:
                raise ApiError(500, "No Replacement was found for resource requested to be removed")
            target = cands[0]
            dev["bricks"].remove(bid)
            dev["storage"]["free"] += brick["size"]
            dev["storage"]["used"] -= brick["size"]
            target["bricks"].append(bid)
            target["storage"]["free"] -= brick["size"]
            target["storage"]["used"] += brick["size"]
            brick["device"] = target["id"]
            brick["node"] = target["node"]

    # -- volumes -------------------------------------------------------------
    def _volume(self, vid):
        if vid not in self.volumes:
            raise ApiError(404, "Id not found")
        return self.volumes[vid]

    def volume_create_check(self, req):
        """sync 400s of VolumeCreate, in the real server's order."""
        size = req.get("size") or 0
        if not isinstance(size, int) or size < 1:
            raise ApiError(400, "validation failed: size: cannot be blank.")
        if int(req.get("gid") or 0) < 0:
            raise ApiError(400, "Bad group id less than zero")
        dur = req.get("durability") or {}
        if dur.get("type", "") not in ("none", "replicate", "disperse", ""):
            raise ApiError(400, "Unknown durability type")
        snapshot = req.get("snapshot") or {}
        if snapshot.get("enable") and not 1 <= float(snapshot.get("factor") or 0) <= 100:
            raise ApiError(400, "Invalid snapshot factor")
        if dur.get("type") == "replicate" and (dur.get("replicate") or {}).get("replica", 0) > 3:
            raise ApiError(400, "Invalid replica value")
        if dur.get("type") == "disperse":
            d = dur.get("disperse") or {}
            if (d.get("data"), d.get("redundancy")) not in DISPERSE_COMBINATIONS:
                raise ApiError(400, "Invalid dispersion combination: %s+%s" % (d.get("data"), d.get("redundancy")))
        if not self.clusters:
            raise ApiError(400, "No clusters configured")
        for cid in req.get("clusters") or []:
            if cid not in self.clusters:
                raise ApiError(400, "Cluster id %s not found" % cid)

    @staticmethod
    def _durability(req):
        dur = req.get("durability") or {}
        kind = dur.get("type") or "none"
        full = {"type": kind, "replicate": {}, "disperse": {}}
        if kind == "replicate":
            full["replicate"] = {"replica": (dur.get("replicate") or {}).get("replica") or 2}
        elif kind == "disperse":
            full["disperse"] = dict(dur.get("disperse") or {})
        return full

    def volume_create(self, req, prefix="Failed to allocate new volume: "):
        """sync (Heketi builds the volume, placing its bricks, before it answers 202)."""
        self.volume_create_check(req)
        size = req["size"]
        name = req.get("name") or ""
        block = bool(req.get("block"))
        for vol in self.volumes.values():
            if name and vol["name"] == name:
                raise ApiError(500, prefix + "Volume name '%s' already in use" % name)
        options = list(req.get("glustervolumeoptions") or [])
        if block:
            options = split_options(self.settings["block_hosting_volume_options"]) + options
        options = split_options(self.settings["pre_request_volume_options"]) + options + \
            split_options(self.settings["post_request_volume_options"])
        vid = new_id()
        vol = {"id": vid, "name": name or "vol_" + vid, "size": size, "durability": self._durability(req),
               "gid": int(req.get("gid") or 0), "glustervolumeoptions": options,
               "snapshot": {"enable": bool((req.get("snapshot") or {}).get("enable")),
                            "factor": (req.get("snapshot") or {}).get("factor") or 1} if
               (req.get("snapshot") or {}).get("enable") else {"enable": False, "factor": 1},
               "bricks": [], "block": block,
               "blockinfo": {"freesize": 0, "reservedsize": 0, "blockvolume": [], "restriction": ""}}
        if block:
            free = size * 98 // 100
            vol["blockinfo"].update(freesize=free, reservedsize=size - free)
        flag = "block" if block else "file"
        clusters = [c for c in (req.get("clusters") or sorted(self.clusters)) if self.clusters[c][flag]]
        if not clusters:
            raise ApiError(500, prefix + "Cluster does not support requested volume type")
        last_error = None
        for cid in clusters:
            vol["cluster"] = cid
            self.volumes[vid] = vol
            try:
                self._allocate(vol, [cid], size)
                break
            except ApiError as err:
                last_error = err
                del self.volumes[vid]
        else:
            # tryAllocateBricks: no space, too many bricks and too small bricks all read "No space"
            raise ApiError(500, prefix + ("No space" if last_error.message in NO_SPACE_ERRORS else last_error.message))
        self.clusters[vol["cluster"]]["volumes"].append(vid)
        return vid

    def volume_info(self, vid):
        vol = copy.deepcopy(self._volume(vid))
        bricks = [copy.deepcopy(self.bricks[b]) for b in vol["bricks"]]
        # mount hosts: every node of the volume's cluster, as the real server lists them
        hosts = [self.nodes[n]["hostnames"]["storage"][0] for n in sorted(self.clusters[vol["cluster"]]["nodes"])]
        vol["bricks"] = bricks
        vol["mount"] = {"glusterfs": {"hosts": hosts,
                                      "device": "%s:%s" % (hosts[0] if hosts else "", vol["name"]),
                                      "options": {"backup-volfile-servers": ",".join(hosts[1:])}}}
        if not vol["block"]:
            del vol["block"]
            vol["blockinfo"] = {}
        else:
            info = vol["blockinfo"]
            for key in ("blockvolume", "restriction"):
                if not info.get(key):
                    info.pop(key, None)
        if not vol["gid"]:
            del vol["gid"]
        return vol

    def volume_expand_check(self, vid, req):
        extra = req.get("expand_size") or 0
        if not isinstance(extra, int) or extra < 1:
            raise ApiError(400, "validation failed: expand_size: cannot be blank.")
        self._volume(vid)

    def volume_expand(self, vid, req):
        """sync (built before the 202), as volume create."""
        self.volume_expand_check(vid, req)
        vol = self._volume(vid)
        extra = req["expand_size"]
        try:
            self._allocate(vol, [vol["cluster"]], extra)
        except ApiError as err:
            raise ApiError(500, "Failed to allocate volume expansion: " + err.message)
        vol["size"] += extra
        if vol["block"]:
            free = extra * 98 // 100
            vol["blockinfo"]["freesize"] += free
            vol["blockinfo"]["reservedsize"] += extra - free
        return "/volumes/" + vid

    def volume_block_restriction(self, vid, req):
        """POST /volumes/{id}/block-restriction: "locked" stops new block volumes on it, "" lifts that."""
        restriction = req.get("restriction")
        if restriction not in ("", "locked"):
            raise ApiError(400, "validation failed: restriction: must be a valid value.")
        vol = self._volume(vid)
        if not vol["block"]:
            raise ApiError(500, "Failed to set block restriction: Block restrictions can only be set on "
                                "block hosting volumes")
        vol["blockinfo"]["restriction"] = restriction
        return "/volumes/" + vid

    def volume_clone(self, vid, req):
        src = self._volume(vid)
        if src["block"]:
            raise ApiError(500, "Cloning of block hosting volumes is not supported")
        clone = self.volume_create({"size": src["size"], "name": req.get("name"),
                                    "durability": src["durability"], "gid": src["gid"],
                                    "clusters": [src["cluster"]]})
        self.volumes[clone]["glustervolumeoptions"] = list(src["glustervolumeoptions"])
        return clone

    def volume_delete_check(self, vid):
        vol = self._volume(vid)
        if vol["block"] and vol["blockinfo"]["blockvolume"]:
            raise ApiError(409, "Cannot delete a block hosting volume containing block volumes")

    def volume_delete(self, vid):
        self.volume_delete_check(vid)
        vol = self.volumes.pop(vid)
        for bid in vol["bricks"]:
            brick = self.bricks.pop(bid)
            dev = self.devices[brick["device"]]
            dev["bricks"].remove(bid)
            dev["storage"]["free"] += brick["size"]
            dev["storage"]["used"] -= brick["size"]
        self.clusters[vol["cluster"]]["volumes"].remove(vid)

    # -- block volumes -------------------------------------------------------
    def _blockvolume(self, bid):
        if bid not in self.blockvolumes:
            raise ApiError(404, "Id not found")
        return self.blockvolumes[bid]

    def blockvolume_create(self, req):
        """sync: the hosting volume is chosen (or, only with auto_create_block_hosting_volume,
        created) before the 202."""
        size = req.get("size") or 0
        if not isinstance(size, int) or size < 1:
            raise ApiError(400, "validation failed: size: cannot be blank.")
        prefix = "Failed to allocate new block volume: "
        clusters = [c for c in (req.get("clusters") or sorted(self.clusters))
                    if c in self.clusters and self.clusters[c]["block"]]
        host = None
        for vol in self.volumes.values():
            info = vol["blockinfo"]
            if vol["block"] and vol["cluster"] in clusters and not info.get("restriction") \
                    and info["freesize"] >= size:
                host = vol
                break
        if host is None:
            if not self.settings["auto_create_block_hosting_volume"]:
                raise ApiError(500, prefix + "Block Hosting Volume Creation is disabled. Create a Block "
                                             "hosting volume and try again.")
            hosting_size = self.settings["block_hosting_volume_size"]
            if size > hosting_size * 98 // 100:
                raise ApiError(500, prefix + "The size configured for automatic creation of block hosting "
                                             "volumes (%d) is too small to host the requested block volume "
                                             "of size %d" % (hosting_size, size))
            host = self.volumes[self.volume_create({"size": hosting_size, "clusters": clusters, "block": True,
                                                    "durability": {"type": "replicate",
                                                                   "replicate": {"replica": 3}}},
                                                   prefix=prefix)]
        bid = new_id()
        hosts = []
        for b in host["bricks"]:
            storage = self.nodes[self.bricks[b]["node"]]["hostnames"]["storage"][0]
            if storage not in hosts:
                hosts.append(storage)
        hacount = req.get("hacount") or len(hosts)
        auth = bool(req.get("auth"))
        bv = {"id": bid, "name": req.get("name") or "blockvol_" + bid, "size": size, "usablesize": size,
              "cluster": host["cluster"], "blockhostingvolume": host["id"], "hacount": hacount,
              "blockvolume": {"hosts": hosts[:hacount], "iqn": "iqn.2016-12.org.gluster-block:" + bid,
                              "lun": 0, "username": bid if auth else "",
                              "password": uuid.uuid4().hex if auth else ""}}
        self.blockvolumes[bid] = bv
        host["blockinfo"]["freesize"] -= size
        host["blockinfo"]["blockvolume"].append(bid)
        self.clusters[host["cluster"]]["blockvolumes"].append(bid)
        return "/blockvolumes/" + bid

    def blockvolume_info(self, bid):
        return copy.deepcopy(self._blockvolume(bid))  # no "auth" field: Heketi does not return it

    def blockvolume_expand(self, bid, req):
        bv = self._blockvolume(bid)
        new_size = req.get("new_size") or 0
        prefix = "Failed to allocate block volume expansion: "
        if new_size == bv["size"]:
            raise ApiError(500, prefix + "Requested new-size %s is same as current block volume size %d, "
                                         "nothing to be done." % (new_size, bv["size"]))
        if new_size < bv["size"]:
            raise ApiError(500, prefix + "Requested new-size %s is less than current block volume size %d, "
                                         "shrinking is not allowed." % (new_size, bv["size"]))
        host = self.volumes[bv["blockhostingvolume"]]
        if host["blockinfo"]["freesize"] < new_size - bv["size"]:
            raise ApiError(500, prefix + "Not enough free space in block hosting volume")
        host["blockinfo"]["freesize"] -= new_size - bv["size"]
        bv["size"] = bv["usablesize"] = new_size
        return "/blockvolumes/" + bid

    def blockvolume_delete(self, bid):
        bv = self.blockvolumes.pop(self._blockvolume(bid)["id"])
        host = self.volumes[bv["blockhostingvolume"]]
        host["blockinfo"]["freesize"] += bv["size"]
        host["blockinfo"]["blockvolume"].remove(bid)
        self.clusters[bv["cluster"]]["blockvolumes"].remove(bid)

    # -- db ------------------------------------------------------------------
    def dump(self):
        return json.dumps({"clusterentries": self.clusters, "nodeentries": self.nodes,
                           "deviceentries": self.devices, "brickentries": self.bricks,
                           "volumeentries": self.volumes, "blockvolumeentries": self.blockvolumes},
                          sort_keys=True)
