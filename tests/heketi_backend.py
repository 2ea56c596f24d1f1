"""The Heketi server a test runs against, real or emulated, seen the same way.

``HeketiUnderTest`` wraps a ``RealHeketi`` (tests/real_heketi.py) or a
``HeketiEmulator`` (tests/heketi_emulator, a test double) and reads what the
server holds through its REST API only (unlogged ``call``), so a test that
asserts on clusters, nodes, devices, bricks and volumes asserts the same
thing against both.  Anything else (``requests``, ``url``, the emulation's
fault hooks) is passed through to the server.
"""
import json
import time


class HeketiUnderTest(object):
    def __init__(self, server):
        self.server = server
        self.kind = server.kind

    def __getattr__(self, name):
        return getattr(self.server, name)

    def __setattr__(self, name, value):  # fault hooks (pending_polls, force_429, ...) are the server's
        if name in ("server", "kind"):
            object.__setattr__(self, name, value)
        else:
            setattr(self.server, name, value)

    # -- raw API ----------------------------------------------------------------
    def get(self, path):
        status, _unused, body = self.server.call("GET", path)
        assert status == 200, (path, status, body)
        return body

    def follow(self, method, path, body=None, user="admin", timeout=30):
        """A request through Heketi's async protocol, unlogged.

        Returns (first status, final status, final body): for a queued
        operation the first status is 202 and the final one is the queue's
        answer (303 is followed to its resource, as clients do).
        """
        status, headers, answer = self.server.call(method, path, body, user=user)
        if status != 202:
            return status, status, answer
        location = headers.get("Location")
        deadline = time.time() + timeout
        while True:
            qstatus, qheaders, qanswer = self.server.call("GET", location)
            if qstatus == 200 and qheaders.get("X-Pending") == "true":
                assert time.time() < deadline, "operation %s %s still pending" % (method, path)
                time.sleep(0.005)
                continue
            if qstatus == 303:
                return 202, 303, self.get(qheaders["Location"])
            return 202, qstatus, qanswer

    def do(self, method, path, body=None):
        """A request that must succeed (sync or queued); its result."""
        first, final, answer = self.follow(method, path, body)
        assert final in (200, 201, 204, 303), (method, path, first, final, answer)
        return answer

    # -- what the server holds --------------------------------------------------
    def clusters(self):
        return dict((cid, self.get("/clusters/" + cid)) for cid in self.get("/clusters")["clusters"])

    def nodes(self):
        return dict((nid, self.get("/nodes/" + nid))
                    for cluster in self.clusters().values() for nid in cluster["nodes"])

    def devices(self):
        found = {}
        for node in self.nodes().values():
            for dev in node["devices"]:
                found[dev["id"]] = dict(dev, node=node["id"])
        return found

    def volumes(self):
        return dict((vid, self.get("/volumes/" + vid)) for vid in self.get("/volumes")["volumes"])

    def blockvolumes(self):
        return dict((bid, self.get("/blockvolumes/" + bid)) for bid in self.get("/blockvolumes")["blockvolumes"])

    def volume(self, name):
        for vol in self.volumes().values():
            if vol["name"] == name:
                return vol
        return None

    def node(self, manage):
        for node in self.nodes().values():
            if manage in node["hostnames"]["manage"]:
                return node
        return None

    def brick_zones(self, volume):
        """(zone, brick size in KiB, node manage name) of each brick of ``volume``, sorted."""
        nodes = self.nodes()
        return sorted((nodes[b["node"]]["zone"], b["size"], nodes[b["node"]]["hostnames"]["manage"][0])
                      for b in volume["bricks"])

    def fingerprint(self):
        """Everything the API shows, canonical: equal before and after means nothing changed."""
        return json.dumps({"clusters": self.clusters(), "nodes": self.nodes(), "volumes": self.volumes(),
                           "blockvolumes": self.blockvolumes()}, sort_keys=True)

    def create_cluster(self, file=True, block=True):
        return self.do("POST", "/clusters", {"file": file, "block": block})["id"]
