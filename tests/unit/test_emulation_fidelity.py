"""Differential test: the same request sequences against the REAL Heketi server and the emulation.

Each scenario below is run once against each server; every request's first
status (200/201/202/4xx: what comes at once), final status (the queue's
answer for a queued operation: 303/204/500) and error text (ids replaced by
``<id>``) are recorded, with facts a scenario derives (brick placement,
arbiter role, fields the modules read).  The two transcripts must be equal:
where they were not, the emulation was changed to answer as the real server
does (or the emulation feature was dropped).  Skipped, with the reason, where
the real server cannot run here.
"""
import json
import re

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import make_jwt
from tests import real_heketi
from tests.heketi_backend import HeketiUnderTest
from tests.unit.conftest import start_server

ID = re.compile(r"[0-9a-f]{32}")
EXPIRED_BY = re.compile(r"expired by [0-9hms.]+")


def normalise(answer):
    if isinstance(answer, str):
        return EXPIRED_BY.sub("expired by <duration>", ID.sub("<id>", answer.strip()))
    if isinstance(answer, dict):
        return "json keys %s" % sorted(answer)
    return repr(answer)


class Transcript(object):
    def __init__(self, server):
        self.h = HeketiUnderTest(server)
        self.lines = []

    def req(self, label, method, path, body=None, user="admin"):
        first, final, answer = self.h.follow(method, path, body, user=user)
        self.lines.append((label, first, final, normalise(answer)))
        return answer

    def note(self, label, value):
        self.lines.append((label, value))

    # a three-site topology with the role's tags: zones 1, 2 data, zone 3 arbiter
    def topology(self, zones=(1, 1, 2, 2, 3), arbiter_tags=True):
        cid = self.h.create_cluster()
        for i, zone in enumerate(zones):
            tags = {"arbiter": "required" if zone == 3 else "disabled"} if arbiter_tags else {}
            node = self.h.do("POST", "/nodes", {"cluster": cid, "zone": zone, "tags": tags,
                                                "hostnames": {"manage": ["n%d" % i], "storage": ["10.0.%d.%d" % (zone, i)]}})
            self.h.do("POST", "/devices", {"node": node["id"], "name": "/dev/vdb"})
        return cid

    def placement(self, label, vol):
        """Zones of the bricks and which one is the (small) arbiter brick."""
        if not isinstance(vol, dict):
            return self.note(label, vol)
        nodes = self.h.nodes()
        sizes = sorted(set(b["size"] for b in vol["bricks"]))
        self.note(label, sorted((nodes[b["node"]]["zone"], "arbiter" if len(sizes) > 1 and b["size"] == sizes[0]
                                 else "data") for b in vol["bricks"]))


def both(scenario):
    """Run ``scenario(transcript)`` against each server; return (real lines, emulation lines)."""
    reason = real_heketi.available()
    if reason:
        pytest.skip("real Heketi: %s" % reason)
    out = []
    for kind in ("real", "emulation"):
        server = start_server(kind)
        try:
            t = Transcript(server)
            scenario(t)
            out.append(t.lines)
        finally:
            server.stop()
    return out


def assert_same(real, emulation):
    if real != emulation:
        diff = ["%-45s real=%r\n%-45s emu =%r" % (r[0], r[1:], "", e[1:])
                for r, e in zip(real, emulation) if r != e]
        pytest.fail("the emulation answers differently from the real Heketi:\n" + "\n".join(diff)
                    + ("\n(lengths %d != %d)" % (len(real), len(emulation)) if len(real) != len(emulation) else ""))


def test_clusters_nodes_and_their_errors():
    def scenario(t):
        cid = t.req("create cluster", "POST", "/clusters", {"file": True, "block": False})["id"]
        t.req("flags both false", "POST", "/clusters/%s/flags" % cid, {"file": False, "block": False})
        t.req("flags file+block", "POST", "/clusters/%s/flags" % cid, {"file": True, "block": True})
        t.note("cluster flags", {k: t.h.get("/clusters/" + cid)[k] for k in ("file", "block")})
        t.req("unknown cluster", "GET", "/clusters/" + "0" * 32)
        t.req("unknown node", "GET", "/nodes/" + "0" * 32)
        t.req("unknown device", "GET", "/devices/" + "0" * 32)
        t.req("unknown volume", "GET", "/volumes/" + "0" * 32)
        hosts = {"manage": ["a1"], "storage": ["10.0.1.1"]}
        t.req("node without zone", "POST", "/nodes", {"cluster": cid, "hostnames": hosts})
        t.req("node without manage", "POST", "/nodes",
              {"cluster": cid, "zone": 1, "hostnames": {"manage": [], "storage": ["x"]}})
        t.req("node in unknown cluster", "POST", "/nodes", {"cluster": "0" * 32, "zone": 1, "hostnames": hosts})
        node = t.req("add node", "POST", "/nodes", {"cluster": cid, "zone": 1, "hostnames": hosts,
                                                    "tags": {"arbiter": "disabled"}})
        t.note("node fields", sorted(node))
        t.req("same hostname again", "POST", "/nodes", {"cluster": cid, "zone": 2, "hostnames": hosts})
        t.req("node tags set", "POST", "/nodes/%s/tags" % node["id"], {"change_type": "set", "tags": {"a": "b"}})
        t.req("node tags bad change_type", "POST", "/nodes/%s/tags" % node["id"],
              {"change_type": "bogus", "tags": {"a": "b"}})
        t.note("node tags", t.h.get("/nodes/" + node["id"])["tags"])
        t.req("delete cluster with a node", "DELETE", "/clusters/" + cid)
        t.req("delete node", "DELETE", "/nodes/" + node["id"])
        t.req("delete empty cluster", "DELETE", "/clusters/" + cid)

    assert_same(*both(scenario))


def test_node_and_device_states_and_removal_rules():
    def scenario(t):
        cid = t.h.create_cluster()
        node = t.h.do("POST", "/nodes", {"cluster": cid, "zone": 1,
                                         "hostnames": {"manage": ["a1"], "storage": ["10.0.1.1"]}})
        t.req("add device", "POST", "/devices", {"node": node["id"], "name": "/dev/vdb", "tags": {"x": "y"}})
        t.req("add device again", "POST", "/devices", {"node": node["id"], "name": "/dev/vdb"})
        t.req("add device, unknown node", "POST", "/devices", {"node": "0" * 32, "name": "/dev/vdc"})
        t.req("add device, no name", "POST", "/devices", {"node": node["id"], "name": ""})
        t.req("add second device", "POST", "/devices", {"node": node["id"], "name": "/dev/vdc"})
        listed = t.h.get("/nodes/" + node["id"])["devices"]
        t.note("devices listed (the same name twice)", sorted(d["name"] for d in listed))
        t.note("device fields", sorted(sorted(d) for d in listed))
        t.note("device tags", sorted(str(d.get("tags")) for d in listed))
        for dev in listed:  # the duplicate goes (offline, failed, delete), leaving one of each name
            if dev["name"] == "/dev/vdb" and not dev.get("tags"):
                for state in ("offline", "failed"):
                    t.h.do("POST", "/devices/%s/state" % dev["id"], {"state": state})
                t.h.do("DELETE", "/devices/" + dev["id"])
        devs = dict((d["name"], d) for d in t.h.get("/nodes/" + node["id"])["devices"])
        vdb, vdc = devs["/dev/vdb"]["id"], devs["/dev/vdc"]["id"]
        t.req("device tags set", "POST", "/devices/%s/tags" % vdb, {"change_type": "set", "tags": {"a": "b"}})
        t.req("delete online empty device", "DELETE", "/devices/" + vdb)
        t.req("device online -> failed", "POST", "/devices/%s/state" % vdb, {"state": "failed"})
        t.req("device bogus state", "POST", "/devices/%s/state" % vdb, {"state": "bogus"})
        t.req("device online -> offline", "POST", "/devices/%s/state" % vdb, {"state": "offline"})
        t.req("delete offline empty device", "DELETE", "/devices/" + vdb)
        t.req("device offline -> failed", "POST", "/devices/%s/state" % vdb, {"state": "failed"})
        t.req("device failed -> online", "POST", "/devices/%s/state" % vdb, {"state": "online"})
        t.req("device failed -> offline", "POST", "/devices/%s/state" % vdb, {"state": "offline"})
        t.req("device offline -> failed again", "POST", "/devices/%s/state" % vdb, {"state": "failed"})
        t.req("device resync", "GET", "/devices/%s/resync" % vdb)
        t.req("delete failed device", "DELETE", "/devices/" + vdb)
        t.req("resync deleted device", "GET", "/devices/%s/resync" % vdb)
        t.req("delete node with a device", "DELETE", "/nodes/" + node["id"])
        t.req("node online -> failed", "POST", "/nodes/%s/state" % node["id"], {"state": "failed"})
        t.req("node online -> offline", "POST", "/nodes/%s/state" % node["id"], {"state": "offline"})
        t.req("node offline -> online", "POST", "/nodes/%s/state" % node["id"], {"state": "online"})
        t.req("node online -> offline again", "POST", "/nodes/%s/state" % node["id"], {"state": "offline"})
        t.req("node offline -> failed", "POST", "/nodes/%s/state" % node["id"], {"state": "failed"})
        info = t.h.get("/nodes/" + node["id"])
        t.note("after node failed", (info["state"], [d["state"] for d in info["devices"]]))
        t.req("node failed -> online", "POST", "/nodes/%s/state" % node["id"], {"state": "online"})
        t.req("node failed -> offline", "POST", "/nodes/%s/state" % node["id"], {"state": "offline"})
        t.req("delete device of failed node", "DELETE", "/devices/" + vdc)
        t.req("delete failed node", "DELETE", "/nodes/" + node["id"])

    assert_same(*both(scenario))


def test_volume_requests_sync_and_queued_errors():
    def scenario(t):
        t.req("volume, no cluster", "POST", "/volumes", {"size": 1})
        cid = t.topology()
        rep3 = {"type": "replicate", "replicate": {"replica": 3}}
        t.req("size 0", "POST", "/volumes", {"size": 0, "durability": rep3})
        t.req("unknown durability", "POST", "/volumes", {"size": 1, "durability": {"type": "mirror"}})
        t.req("replica 4", "POST", "/volumes",
              {"size": 1, "durability": {"type": "replicate", "replicate": {"replica": 4}}})
        t.req("disperse 3+1", "POST", "/volumes",
              {"size": 4, "durability": {"type": "disperse", "disperse": {"data": 3, "redundancy": 1}}})
        t.req("unknown cluster", "POST", "/volumes", {"size": 1, "clusters": ["0" * 32]})
        t.req("negative gid", "POST", "/volumes", {"size": 1, "gid": -1})
        vol = t.req("create", "POST", "/volumes", {"size": 2, "name": "v1", "durability": rep3})
        t.note("volume fields", sorted(vol))
        t.note("durability", vol["durability"])
        t.note("options", vol["glustervolumeoptions"])
        t.req("same name again", "POST", "/volumes", {"size": 2, "name": "v1", "durability": rep3})
        t.req("too big", "POST", "/volumes", {"size": 600, "durability": rep3})
        t.req("expand by 0", "POST", "/volumes/%s/expand" % vol["id"], {"expand_size": 0})
        grown = t.req("expand by 1", "POST", "/volumes/%s/expand" % vol["id"], {"expand_size": 1})
        t.note("expanded size and bricks", (grown["size"], len(grown["bricks"])))
        t.req("expand unknown", "POST", "/volumes/%s/expand" % ("0" * 32), {"expand_size": 1})
        t.req("lock a file volume", "POST", "/volumes/%s/block-restriction" % vol["id"],
              {"restriction": "locked"})
        t.req("bad restriction", "POST", "/volumes/%s/block-restriction" % vol["id"], {"restriction": "bogus"})
        t.req("delete", "DELETE", "/volumes/" + vol["id"])
        t.req("delete again", "DELETE", "/volumes/" + vol["id"])
        t.req("file flag off", "POST", "/clusters/%s/flags" % cid, {"file": False, "block": True})
        t.req("file volume on a block-only cluster", "POST", "/volumes", {"size": 1, "durability": rep3})

    assert_same(*both(scenario))


def test_brick_placement_arbiter_and_zones():
    def scenario(t):
        t.topology()
        rep3 = {"type": "replicate", "replicate": {"replica": 3}}
        plain = t.req("plain replica 3", "POST", "/volumes", {"size": 2, "durability": rep3})
        t.placement("plain replica 3 placement", plain)
        arb = t.req("explicit arbiter", "POST", "/volumes", {"size": 2, "durability": rep3,
                                                             "glustervolumeoptions": ["user.heketi.arbiter true"]})
        t.placement("explicit arbiter placement", arb)
        off = t.req("arbiter false", "POST", "/volumes", {"size": 2, "durability": rep3,
                                                          "glustervolumeoptions": ["user.heketi.arbiter false"]})
        t.placement("arbiter false placement", off)
        rep2 = t.req("replica 2", "POST", "/volumes",
                     {"size": 1, "durability": {"type": "replicate", "replicate": {"replica": 2}}})
        # two of three zones: which two is the real server's own choice (its device order)
        t.note("replica 2: bricks, distinct zones", (len(rep2["bricks"]),
                                                     len(set(t.h.nodes()[b["node"]]["zone"] for b in rep2["bricks"]))))

    real, emulation = both(scenario)
    assert_same(real, emulation)


def test_strict_zone_checking_refuses_two_zones():
    def scenario(t):
        t.topology(zones=(1, 1, 2, 2), arbiter_tags=False)
        rep3 = {"type": "replicate", "replicate": {"replica": 3}}
        t.req("replica 3 over 2 zones, strict (server-wide)", "POST", "/volumes", {"size": 1, "durability": rep3})
        t.req("replica 3 over 2 zones, none per volume", "POST", "/volumes",
              {"size": 1, "durability": rep3, "glustervolumeoptions": ["user.heketi.zone-checking none"]})

    assert_same(*both(scenario))


def test_arbiter_without_tiebreaker_node():
    def scenario(t):
        t.topology(zones=(1, 2, 3), arbiter_tags=False)
        rep3 = {"type": "replicate", "replicate": {"replica": 3}}
        arb = t.req("arbiter, no tags", "POST", "/volumes", {"size": 1, "durability": rep3,
                                                             "glustervolumeoptions": ["user.heketi.arbiter true"]})
        # no arbiter tags: the real server may put the small brick on any of the three (its device
        # order); what both must agree on is one small brick and three distinct zones
        sizes = sorted(b["size"] for b in arb["bricks"])
        zones = set(t.h.nodes()[b["node"]]["zone"] for b in arb["bricks"])
        t.note("arbiter, no tags: one small brick, three zones", (sizes[0] * 64 == sizes[1] == sizes[2], len(zones)))

    assert_same(*both(scenario))


def test_block_volumes():
    def scenario(t):
        t.topology(zones=(1, 2, 3), arbiter_tags=False)
        t.req("block size 0", "POST", "/blockvolumes", {"size": 0})
        t.req("block without a hosting volume", "POST", "/blockvolumes", {"size": 1, "name": "lun0"})
        hv = t.req("block-hosting volume", "POST", "/volumes",
                   {"size": 5, "block": True, "durability": {"type": "replicate", "replicate": {"replica": 3}}})
        t.note("hosting volume as created", (hv["block"], hv["blockinfo"]))
        t.req("block bigger than the hosting volume's room", "POST", "/blockvolumes", {"size": 6, "name": "big"})
        bv = t.req("block with auth", "POST", "/blockvolumes", {"size": 1, "name": "lun1", "auth": True})
        t.note("blockvolume fields", sorted(bv))
        t.note("auth fields", (bv.get("auth"), bool(bv["blockvolume"]["username"]),
                               bool(bv["blockvolume"]["password"]), bv.get("hacount")))
        info = t.h.get("/blockvolumes/" + bv["id"])
        t.note("auth fields on read", (info.get("auth"), bool(info["blockvolume"]["username"]),
                                       bool(info["blockvolume"]["password"]), info.get("hacount")))
        hosting = t.h.get("/volumes/" + bv["blockhostingvolume"])
        t.note("hosting volume", (hosting["size"], hosting["block"], sorted(hosting["blockinfo"]),
                                  hosting["glustervolumeoptions"]))
        t.req("delete hosting volume with a block volume", "DELETE", "/volumes/" + hosting["id"])
        t.req("expand block to same size", "POST", "/blockvolumes/%s/expand" % bv["id"], {"new_size": 1})
        grown = t.req("expand block", "POST", "/blockvolumes/%s/expand" % bv["id"], {"new_size": 2})
        t.note("expanded block", (grown.get("size"), grown.get("usablesize")))
        t.req("lock hosting volume", "POST", "/volumes/%s/block-restriction" % hosting["id"],
              {"restriction": "locked"})
        t.note("restriction", t.h.get("/volumes/" + hosting["id"])["blockinfo"].get("restriction"))
        t.req("block on locked hosting volume", "POST", "/blockvolumes", {"size": 1, "name": "lun2"})
        t.note("hosting volumes", len([v for v in t.h.volumes().values() if v["block"]]))
        t.req("unlock hosting volume", "POST", "/volumes/%s/block-restriction" % hosting["id"],
              {"restriction": ""})
        t.note("restriction after unlock", t.h.get("/volumes/" + hosting["id"])["blockinfo"].get("restriction"))
        t.req("block after unlock", "POST", "/blockvolumes", {"size": 1, "name": "lun3"})
        t.req("delete block", "DELETE", "/blockvolumes/" + bv["id"])
        t.req("delete block again", "DELETE", "/blockvolumes/" + bv["id"])
        after = t.h.get("/volumes/" + hosting["id"])["blockinfo"]
        t.note("hosting after delete", (after["freesize"], after["reservedsize"], len(after["blockvolume"])))
        plain = t.req("none durability", "POST", "/volumes", {"size": 1, "durability": {"type": "none"}})
        t.note("none durability", plain["durability"])
        ec = t.req("disperse 2+1", "POST", "/volumes",
                   {"size": 2, "durability": {"type": "disperse", "disperse": {"data": 2, "redundancy": 1}}})
        t.note("disperse durability", (ec["durability"], sorted(b["size"] for b in ec["bricks"])))

    assert_same(*both(scenario))


def test_throttle_does_not_count_uncollected_operations():
    """The real throttle counts operations still *running*; finished ones that nobody collected from
    the queue do not hold it (apps/glusterfs/operations_manage.go)."""
    def scenario(t):
        t.topology(zones=(1, 2, 3), arbiter_tags=False)
        rep3 = {"type": "replicate", "replicate": {"replica": 3}}
        firsts = []
        for _attempt in range(10):
            status, _unused, _unused = t.h.call("POST", "/volumes", {"size": 1, "durability": rep3})
            firsts.append(status)
        t.note("10 volume creates, none collected", firsts)
        t.req("create cluster meanwhile", "POST", "/clusters", {})

    assert_same(*both(scenario))


def test_jwt_checks():
    def scenario(t):
        url = "/clusters"

        def raw(label, headers):
            import http.client
            from urllib.parse import urlparse
            where = urlparse(t.h.url)
            conn = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
            conn.request("GET", url, headers=headers)
            resp = conn.getresponse()
            t.note(label, (resp.status, normalise(resp.read().decode())))

        raw("no token", {})
        raw("not bearer", {"Authorization": "Basic abc"})
        raw("garbage token", {"Authorization": "bearer abc"})
        raw("wrong key", {"Authorization": "bearer " + make_jwt("admin", "wrong", "GET", url)})
        raw("wrong qsh", {"Authorization": "bearer " + make_jwt("admin", "adminsecret", "GET", "/volumes")})
        raw("unknown issuer", {"Authorization": "bearer " + make_jwt("bob", "adminsecret", "GET", url)})
        raw("expired", {"Authorization": "bearer " + make_jwt("admin", "adminsecret", "GET", url,
                                                              now=1000, lifetime=10)})
        raw("user issuer on /clusters", {"Authorization": "bearer " + make_jwt("user", "usersecret", "GET", url)})
        t.req("user lists volumes", "GET", "/volumes", user="user")
        t.req("user creates a volume (no cluster)", "POST", "/volumes", {"size": 1}, user="user")
        t.req("user reads unknown volume", "GET", "/volumes/" + "0" * 32, user="user")
        t.req("user lists block volumes", "GET", "/blockvolumes", user="user")
        t.req("hello", "GET", "/hello")

    assert_same(*both(scenario))


def test_db_dump_shape_is_what_real_heketi_returns():
    """Not a comparison: the canonical dump the tests use to prove 'nothing changed' on the real server."""
    reason = real_heketi.available()
    if reason:
        pytest.skip("real Heketi: %s" % reason)
    server = start_server("real")
    try:
        dump = json.loads(server.dump())
        assert {"clusterentries", "nodeentries", "deviceentries", "volumeentries", "brickentries"} <= set(dump)
    finally:
        server.stop()
