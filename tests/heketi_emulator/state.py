"""Heketi's data model and operations, in memory (TEST DOUBLE).

Every method either returns a result or raises ApiError carrying the status
code and the text the real server answers with.  Sizes follow Heketi: volume
sizes in GiB, device storage in KiB.
"""

import copy
import json
import threading
import uuid

GIB_KIB = 1024 * 1024


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
    raise ApiError(400, "invalid change_type: %s" % change_type)


class EmulatorState(object):
    """All clusters, nodes, devices, bricks and volumes of one server."""

    def __init__(self, device_size_gib=500):
        self.lock = threading.RLock()
        self.clusters = {}
        self.nodes = {}
        self.devices = {}
        self.bricks = {}
        self.volumes = {}
        self.blockvolumes = {}
        self.device_size_gib = device_size_gib
        self.hostnames = set()

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
        return copy.deepcopy(self._cluster(cid))

    def cluster_flags(self, cid, req):
        cluster = self._cluster(cid)
        if not req.get("file") and not req.get("block"):
            raise ApiError(400, "At least one of file or block flags must be set")
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
        hostnames = req.get("hostnames") or {}
        if not hostnames.get("manage"):
            raise ApiError(400, "Manage hostname missing")
        if not hostnames.get("storage"):
            raise ApiError(400, "Storage hostname missing")
        if not req.get("zone"):
            raise ApiError(400, "Zone cannot be zero or value is missing")
        for name in hostnames["manage"] + hostnames["storage"]:
            if name == "":
                raise ApiError(400, "Hostname cannot be an empty string")
        if req.get("cluster") not in self.clusters:
            raise ApiError(404, "Cluster id does not exist")
        for name in hostnames["manage"] + hostnames["storage"]:
            if name in self.hostnames:
                raise ApiError(409, "Hostname %s already used" % name)

    def node_add(self, req):
        self.node_add_check(req)
        nid = new_id()
        node = {"id": nid, "zone": int(req["zone"]), "cluster": req["cluster"],
                "hostnames": {"manage": list(req["hostnames"]["manage"]),
                              "storage": list(req["hostnames"]["storage"])},
                "state": "online", "devices": [], "tags": dict(req.get("tags") or {})}
        self.nodes[nid] = node
        self.hostnames.update(node["hostnames"]["manage"] + node["hostnames"]["storage"])
        self.clusters[req["cluster"]]["nodes"].append(nid)
        return "/nodes/" + nid

    def node_info(self, nid):
        node = copy.deepcopy(self._node(nid))
        node["devices"] = [self.device_info(did) for did in node["devices"]]
        return node

    def node_delete_check(self, nid):
        node = self._node(nid)
        if node["devices"]:
            raise ApiError(409, "Unable to delete node [%s] because it contains devices" % nid)

    def node_delete(self, nid):
        self.node_delete_check(nid)
        node = self.nodes.pop(nid)
        self.hostnames.difference_update(node["hostnames"]["manage"] + node["hostnames"]["storage"])
        self.clusters[node["cluster"]]["nodes"].remove(nid)

    def node_state_check(self, nid, state):
        node = self._node(nid)
        if state not in ("online", "offline", "failed"):
            raise ApiError(400, "Unknown state: %s" % state)
        if state == "failed" and node["state"] == "online":
            raise ApiError(400, "Node must be offline before remove operation is performed, node:%s" % nid)

    def node_state(self, nid, state):
        self.node_state_check(nid, state)
        node = self.nodes[nid]
        if state == "failed":
            for did in node["devices"]:
                self.devices[did]["state"] = "offline"
                self._evacuate(did)
                self.devices[did]["state"] = "failed"
        node["state"] = state

    def node_tags(self, nid, req):
        node = self._node(nid)
        node["tags"] = _apply_tags(node["tags"], req.get("change_type", "set"), req.get("tags") or {})

    # -- devices -------------------------------------------------------------
    def _device(self, did):
        if did not in self.devices:
            raise ApiError(404, "Id not found")
        return self.devices[did]

    def device_add_check(self, req):
        if not req.get("name"):
            raise ApiError(400, "Device name missing")
        node = self.nodes.get(req.get("node"))
        if node is None:
            raise ApiError(404, "Node id does not exist")
        for did in node["devices"]:
            if self.devices[did]["name"] == req["name"]:
                raise ApiError(409, "Device %s already used" % req["name"])

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
        dev["bricks"] = [copy.deepcopy(self.bricks[b]) for b in dev["bricks"]]
        return dev

    def device_delete_check(self, did):
        dev = self._device(did)
        if dev["bricks"]:
            raise ApiError(409, "Unable to delete device [%s] because it contains bricks" % did)

    def device_delete(self, did):
        self.device_delete_check(did)
        dev = self.devices.pop(did)
        self.nodes[dev["node"]]["devices"].remove(did)

    def device_state_check(self, did, state):
        dev = self._device(did)
        if state not in ("online", "offline", "failed"):
            raise ApiError(400, "Unknown state: %s" % state)
        if state == "failed" and dev["state"] == "online":
            raise ApiError(400, "Device must be offline before remove operation is performed, device:%s" % did)

    def device_state(self, did, state):
        self.device_state_check(did, state)
        if state == "failed":
            self._evacuate(did)
        self.devices[did]["state"] = state

    def device_tags(self, did, req):
        dev = self._device(did)
        dev["tags"] = _apply_tags(dev["tags"], req.get("change_type", "set"), req.get("tags") or {})

    # -- placement -----------------------------------------------------------
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
                    tag = dev["tags"].get("arbiter") or node["tags"].get("arbiter") or "supported"
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
            want = size_kib if role != "arbiter" else max(size_kib // 64, GIB_KIB // 64)
            devs = self._candidates(cluster_ids, nodes, zones if strict_zones else set(), want, role)
            if not devs:
                return None
            dev = devs[0]
            chosen.append((dev, want, role))
            nodes.add(dev["node"])
            zones.add(self.nodes[dev["node"]]["zone"])
        return chosen

    def _allocate(self, vol, cluster_ids, size_gib, sets=1):
        dur = vol["durability"]
        options = vol.get("glustervolumeoptions") or []
        arbiter = any(o.replace("  ", " ").strip() == "user.heketi.arbiter true" for o in options)
        strict = any(o.strip() == "user.heketi.zone-checking strict" for o in options)
        if dur["type"] == "replicate":
            count = dur.get("replicate", {}).get("replica", 3)
            roles = ["data"] * count
            if arbiter:
                if count != 3:
                    raise ApiError(400, "Arbiter volumes require replica 3")
                roles = ["data", "data", "arbiter"]
            per_set_data = count if not arbiter else 2
        elif dur["type"] == "disperse":
            d = dur.get("disperse", {})
            count = d.get("data", 4) + d.get("redundancy", 2)
            roles = ["data"] * count
            per_set_data = d.get("data", 4)
        else:
            roles, per_set_data = ["data"], 1
        if dur["type"] == "disperse":
            brick_kib = size_gib * GIB_KIB // (sets * per_set_data)
        else:
            brick_kib = size_gib * GIB_KIB // sets
        placed = []
        for _ in range(sets):
            chosen = self._place_set(cluster_ids, roles, brick_kib, strict)
            if chosen is None:
                for dev, size, _role in placed:
                    dev["storage"]["free"] += size
                    dev["storage"]["used"] -= size
                detail = " in %d distinct zones" % len(roles) if strict else ""
                raise ApiError(500, "Failed to allocate new volume: No space%s" % detail)
            for dev, size, _role in chosen:
                dev["storage"]["free"] -= size
                dev["storage"]["used"] += size
            placed.extend(chosen)
        for dev, size, _role in placed:
            bid = new_id()
            node = self.nodes[dev["node"]]
            self.bricks[bid] = {"id": bid, "device": dev["id"], "node": dev["node"], "volume": vol["id"],
                                "size": size,
                                "path": "/var/lib/heketi/mounts/vg_%s/brick_%s/brick" % (dev["id"], bid),
                                "host": node["hostnames"]["storage"][0]}
            dev["bricks"].append(bid)
            vol["bricks"].append(bid)

    def _evacuate(self, did):
        dev = self.devices[did]
        for bid in list(dev["bricks"]):
            brick = self.bricks[bid]
            vol = self.volumes[brick["volume"]]
            siblings = [self.bricks[b] for b in vol["bricks"] if b != bid]
            busy_nodes = {b["node"] for b in siblings}
            strict = "user.heketi.zone-checking strict" in (vol.get("glustervolumeoptions") or [])
            busy_zones = {self.nodes[n]["zone"] for n in busy_nodes} if strict else set()
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
            brick["host"] = self.nodes[target["node"]]["hostnames"]["storage"][0]

    # -- volumes -------------------------------------------------------------
    def _volume(self, vid):
        if vid not in self.volumes:
            raise ApiError(404, "Id not found")
        return self.volumes[vid]

    def _file_clusters(self, req_clusters, flag):
        clusters = req_clusters or sorted(self.clusters)
        for cid in clusters:
            if cid not in self.clusters:
                raise ApiError(404, "Cluster id %s not found" % cid)
        usable = [c for c in clusters if self.clusters[c][flag]]
        if not usable:
            raise ApiError(500, "No clusters configured with %s volume support" % flag)
        return usable

    def volume_create(self, req, block_hosting=False):
        size = req.get("size", 0)
        if not isinstance(size, int) or size < 1:
            raise ApiError(400, "Invalid volume size")
        name = req.get("name") or ""
        for vol in self.volumes.values():
            if name and vol["name"] == name:
                raise ApiError(409, "Name %s already in use" % name)
        dur = req.get("durability") or {"type": "replicate", "replicate": {"replica": 3}}
        if dur.get("type") not in ("none", "replicate", "disperse"):
            raise ApiError(400, "Unknown durability type %s" % dur.get("type"))
        clusters = self._file_clusters(req.get("clusters"), "block" if block_hosting else "file")
        vid = new_id()
        vol = {"id": vid, "name": name or "vol_" + vid, "size": size, "durability": dur,
               "gid": int(req.get("gid", 0)), "glustervolumeoptions": list(req.get("glustervolumeoptions") or []),
               "snapshot": req.get("snapshot") or {"enable": False, "factor": 1.0},
               "bricks": [], "block": bool(block_hosting or req.get("block")),
               "blockinfo": {"freesize": size if (block_hosting or req.get("block")) else 0,
                             "reservedsize": 0, "blockvolume": [], "restriction": ""}}
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
            raise last_error
        self.clusters[vol["cluster"]]["volumes"].append(vid)
        return vid

    def volume_info(self, vid):
        vol = copy.deepcopy(self._volume(vid))
        bricks = [copy.deepcopy(self.bricks[b]) for b in vol["bricks"]]
        hosts = sorted({self.nodes[b["node"]]["hostnames"]["storage"][0] for b in bricks})
        vol["bricks"] = bricks
        vol["mount"] = {"glusterfs": {"hosts": hosts,
                                      "device": "%s:%s" % (hosts[0] if hosts else "", vol["name"]),
                                      "options": {"backup-volfile-servers": ",".join(hosts[1:])}}}
        return vol

    def volume_expand(self, vid, req):
        vol = self._volume(vid)
        extra = req.get("expand_size", 0)
        if not isinstance(extra, int) or extra < 1:
            raise ApiError(400, "Invalid volume size")
        self._allocate(vol, [vol["cluster"]], extra)
        vol["size"] += extra
        if vol["block"]:
            vol["blockinfo"]["freesize"] += extra

    def volume_clone(self, vid, req):
        src = self._volume(vid)
        if src["block"]:
            raise ApiError(500, "Cloning of block hosting volumes is not supported")
        clone = self.volume_create({"size": src["size"], "name": req.get("name"),
                                    "durability": src["durability"], "gid": src["gid"],
                                    "glustervolumeoptions": src["glustervolumeoptions"],
                                    "clusters": [src["cluster"]]})
        return clone

    def volume_delete_check(self, vid):
        vol = self._volume(vid)
        if vol["blockinfo"]["blockvolume"]:
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

    def blockvolume_create(self, req, hosting_size=100):
        size = req.get("size", 0)
        if not isinstance(size, int) or size < 1:
            raise ApiError(400, "Invalid block volume size")
        clusters = self._file_clusters(req.get("clusters"), "block")
        host = None
        for vol in self.volumes.values():
            if vol["block"] and vol["cluster"] in clusters and vol["blockinfo"]["freesize"] >= size:
                host = vol
                break
        if host is None:
            if size > hosting_size:
                raise ApiError(500, "The size configured for automatic creation of block hosting volumes (%d) "
                                    "is too small to host the requested block volume of size %d" % (hosting_size, size))
            host = self.volumes[self.volume_create({"size": hosting_size, "clusters": clusters,
                                                    "glustervolumeoptions": ["group gluster-block"]},
                                                   block_hosting=True)]
        bid = new_id()
        hosts = sorted({self.nodes[self.bricks[b]["node"]]["hostnames"]["storage"][0] for b in host["bricks"]})
        hacount = req.get("hacount") or len(hosts)
        bv = {"id": bid, "name": req.get("name") or "blockvol_" + bid, "size": size, "usablesize": size,
              "cluster": host["cluster"], "blockhostingvolume": host["id"], "hacount": hacount,
              "auth": bool(req.get("auth")),
              "blockvolume": {"hosts": hosts[:hacount], "iqn": "iqn.2016-12.org.gluster-block:" + bid,
                              "lun": 0, "username": bid if req.get("auth") else "",
                              "password": uuid.uuid4().hex if req.get("auth") else ""}}
        self.blockvolumes[bid] = bv
        host["blockinfo"]["freesize"] -= size
        host["blockinfo"]["blockvolume"].append(bid)
        self.clusters[host["cluster"]]["blockvolumes"].append(bid)
        return bid

    def blockvolume_info(self, bid):
        return copy.deepcopy(self._blockvolume(bid))

    def blockvolume_expand(self, bid, req):
        bv = self._blockvolume(bid)
        new_size = req.get("new_size", 0)
        if not isinstance(new_size, int) or new_size <= bv["size"]:
            raise ApiError(400, "Requested new-size %s is less than or equal to current size %d"
                           % (new_size, bv["size"]))
        host = self.volumes[bv["blockhostingvolume"]]
        if host["blockinfo"]["freesize"] < new_size - bv["size"]:
            raise ApiError(500, "Not enough free space in block hosting volume")
        host["blockinfo"]["freesize"] -= new_size - bv["size"]
        bv["size"] = bv["usablesize"] = new_size

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
