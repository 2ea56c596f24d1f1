"""``GET /db/dump`` of the emulation (TEST DOUBLE), in the real server's shape.

Heketi 10 (apps/glusterfs/db_operations.go ``dbDumpInternal``) answers one
JSON object with a map per bucket, each entry as its Go struct marshals:
``{"Info": {...}, <entry fields>}``.  Only what the emulation models is
filled in; tests/unit/plugins/module_utils/test_heketi_db_dump.py compares the key structure with
the real server's dump of the same topology.
"""

import copy

NO_PENDING = {"Id": ""}


def _cluster(c):
    return {"Info": {"id": c["id"], "nodes": sorted(c["nodes"]), "volumes": sorted(c["volumes"]),
                     "block": c["block"], "file": c["file"], "blockvolumes": sorted(c["blockvolumes"])}}


def _node(n):
    info = {"zone": n["zone"], "hostnames": copy.deepcopy(n["hostnames"]), "cluster": n["cluster"], "id": n["id"]}
    if n["tags"]:
        info["tags"] = dict(n["tags"])
    return {"State": n["state"], "Info": info, "Devices": sorted(n["devices"])}


def _device(d):
    info = {"name": d["name"], "storage": dict(d["storage"]), "id": d["id"]}
    if d["tags"]:
        info["tags"] = dict(d["tags"])
    return {"State": d["state"], "Info": info, "Bricks": sorted(d["bricks"]), "NodeId": d["node"],
            "ExtentSize": 4096}


def _brick(b):
    info = dict((k, b[k]) for k in ("id", "path", "device", "node", "volume", "size"))
    return {"Info": info, "TpSize": b["size"], "PoolMetadataSize": 4096, "Pending": dict(NO_PENDING),
            "LvmThinPool": "tp_" + b["id"], "LvmLv": "", "SubType": 1}


def _volume(state, v):
    info = dict((k, copy.deepcopy(v[k])) for k in ("size", "name", "durability", "snapshot", "id", "cluster"))
    if v.get("gid"):
        info["gid"] = v["gid"]
    if v["block"]:
        info["block"] = True
    blockinfo = {}
    for key, value in (("freesize", v["blockinfo"]["freesize"]), ("reservedsize", v["blockinfo"]["reservedsize"]),
                       ("blockvolume", sorted(v["blockinfo"]["blockvolume"])),
                       ("restriction", v["blockinfo"]["restriction"])):
        if value:
            blockinfo[key] = value
    info["blockinfo"] = blockinfo
    info["mount"] = state.volume_info(v["id"])["mount"]
    return {"Info": info, "Bricks": list(v["bricks"]), "GlusterVolumeOptions": list(v["glustervolumeoptions"]),
            "Pending": dict(NO_PENDING)}


def _blockvolume(bv):
    keys = ("size", "name", "hacount", "id", "blockvolume", "cluster", "blockhostingvolume", "usablesize")
    info = dict((k, copy.deepcopy(bv[k])) for k in keys)
    if bv.get("auth"):
        info["auth"] = True
    return {"Info": info, "Pending": dict(NO_PENDING)}


def db_dump(state):
    """The emulation's state as Heketi's /db/dump answers it."""
    with state.lock:
        return {
            "clusterentries": dict((k, _cluster(c)) for k, c in state.clusters.items()),
            "volumeentries": dict((k, _volume(state, v)) for k, v in state.volumes.items()),
            "brickentries": dict((k, _brick(b)) for k, b in state.bricks.items()),
            "nodeentries": dict((k, _node(n)) for k, n in state.nodes.items()),
            "deviceentries": dict((k, _device(d)) for k, d in state.devices.items()),
            "blockvolumeentries": dict((k, _blockvolume(b)) for k, b in state.blockvolumes.items()),
            "dbattributeentries": dict((k, {"Key": k, "Value": "yes"}) for k in (
                "DB_BRICK_HAS_SUBTYPE_FIELD", "DB_CLUSTER_HAS_FILE_BLOCK_FLAG", "DB_DEVICE_HAS_ID_META",
                "DB_HAS_PENDING_OPS_BUCKET")),
            "pendingoperations": {},
        }
