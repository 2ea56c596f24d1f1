"""HTTP front of the Heketi emulation (TEST DOUBLE).

Routes, status codes and texts follow Heketi 10's REST API:

* JWT on every route but /hello and /metrics; the ``user`` issuer may only
  use ``/volumes`` (as apps/glusterfs/app_middleware.go).
* synchronous routes answer 200/201 with JSON; asynchronous ones answer 202
  with ``Location: /queue/<id>`` and the queue answers 200 + ``X-Pending:
  true`` while running, then 303 (result) / 204 (no result) / 500 (error);
  a finished queue entry is forgotten once read (then 404).
* what Heketi calls an operation (volume and block volume create, expand,
  delete; block-restriction) is built before the 202: its errors, placement
  included, come at once (400/404/409/500 "Failed to allocate new volume:
  ...").  Node/device add, delete and state changes check the request at
  once and fail through the queue.
* the real throttle (apps/glusterfs/operations_manage.go) counts operations
  still *running*; the emulation finishes each at once, so it never
  throttles by itself: ``force_429`` injects the real 429 answer.

Test hooks (not part of Heketi): ``pending_polls``, ``force_429``,
``fail_next``, ``requests`` (a log of (method, path, status)) and
``call()`` (a raw signed request that is not logged, as RealHeketi.call).
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .db_dump import db_dump
from .jwt_check import JwtRejected, verify
from .operations import operations_counts, pending_details, pending_list
from .state import ApiError, EmulatorState, new_id


UNLOGGED_HEADER = "X-Metrostor-Test-Unlogged"  # set by HeketiEmulator.call only


class _QueueEntry(object):
    def __init__(self, polls):
        self.polls_left = polls
        self.result = None  # ("redirect", path) | ("done",) | ("error", text)


class HeketiEmulator(object):
    """Start with ``start()``; ``url`` then points at it."""

    kind = "emulation"

    def __init__(self, admin_key="adminsecret", user_key="usersecret", pending_polls=1,
                 max_inflight=None, device_size_gib=500, host="127.0.0.1", port=0, tls=None, glusterfs=None):
        # glusterfs: heketi.json's "glusterfs" settings (zone_checking, pre_request_volume_options, ...).
        # max_inflight is accepted for older callers and unused (see the module docstring on the throttle).
        self.state = EmulatorState(device_size_gib=device_size_gib, glusterfs=glusterfs)
        self.admin_key = admin_key
        self.user_key = user_key
        self.pending_polls = pending_polls
        self.force_429 = 0
        self.fail_next = {}
        self.queue = {}
        self.requests = []
        self.clock = None  # callable returning "now" for JWT checks, for tests
        self._lock = threading.RLock()
        self.httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self.httpd.daemon_threads = True
        self.tls = tls
        if tls:  # (certfile, keyfile): serve HTTPS, as Heketi behind TLS
            import ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self._thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return "%s://%s:%d" % ("https" if self.tls else "http", host, port)

    def start(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def call(self, method, path, body=None, user="admin"):
        """One raw request, signed; returns (status, headers, parsed-or-text body). Not logged."""
        import http.client
        from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import make_jwt
        key = self.admin_key if user == "admin" else self.user_key
        host, port = self.httpd.server_address[:2]
        conn = http.client.HTTPConnection(host, port, timeout=30)
        headers = {UNLOGGED_HEADER: "1"}
        if key:
            headers["Authorization"] = "bearer " + make_jwt(user, key, method, path.split("?")[0])
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read().decode("utf-8", "replace")
        conn.close()
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
        return resp.status, dict(resp.getheaders()), parsed

    # -- async ---------------------------------------------------------------
    def inflight(self):
        return len(self.queue)

    def accept(self, key, work):
        """Queue ``work`` (returns a path to redirect to, or None)."""
        qid = new_id()
        entry = _QueueEntry(self.pending_polls)
        failure = self.fail_next.pop(key, None)
        if failure is not None:
            entry.result = ("error", failure)
        else:
            try:
                path = work()
                entry.result = ("redirect", path) if path else ("done",)
            except ApiError as err:
                entry.result = ("error", err.message)
        self.queue[qid] = entry
        return qid

    def poll(self, qid):
        entry = self.queue.get(qid)
        if entry is None:
            raise ApiError(404, "Id not found")
        if entry.polls_left > 0:
            entry.polls_left -= 1
            return 200, {"X-Pending": "true"}, b"In progress"
        del self.queue[qid]
        kind = entry.result[0]
        if kind == "redirect":
            return 303, {"Location": entry.result[1]}, b""
        if kind == "done":
            return 204, {}, b""
        return 500, {"Content-Type": "text/plain; charset=utf-8"}, (entry.result[1] + "\n").encode()


def _make_handler(emu):
    st = emu.state

    def sync(fn):
        return ("sync", fn)

    def async_(check, work):
        return ("async", check, work)

    def operation(build):
        """Heketi's AsyncHttpOperation: built (and failing) at once, then queued; build returns the result path."""
        return ("operation", build)

    # (method, regex) -> handler spec.  Handlers get (match, body).
    routes = [
        ("POST", r"/clusters", sync(lambda m, b: (201, st.cluster_create(b)))),
        ("GET", r"/clusters", sync(lambda m, b: (200, {"clusters": sorted(st.clusters)}))),
        ("GET", r"/clusters/(\w+)", sync(lambda m, b: (200, st.cluster_info(m.group(1))))),
        ("POST", r"/clusters/(\w+)/flags", sync(lambda m, b: (200, st.cluster_flags(m.group(1), b)))),
        ("DELETE", r"/clusters/(\w+)", sync(lambda m, b: (200, st.cluster_delete(m.group(1))))),
        ("POST", r"/nodes", async_(lambda m, b: st.node_add_check(b), lambda m, b: st.node_add(b))),
        ("GET", r"/nodes/(\w+)", sync(lambda m, b: (200, st.node_info(m.group(1))))),
        ("DELETE", r"/nodes/(\w+)", async_(lambda m, b: st.node_delete_check(m.group(1)),
                                           lambda m, b: st.node_delete(m.group(1)))),
        ("POST", r"/nodes/(\w+)/state", async_(
            lambda m, b: st.node_state_check(m.group(1), b),
            lambda m, b: st.node_state(m.group(1), b))),
        ("POST", r"/nodes/(\w+)/tags", sync(lambda m, b: (200, st.node_tags(m.group(1), b)))),
        ("POST", r"/devices", async_(lambda m, b: st.device_add_check(b), lambda m, b: st.device_add(b))),
        ("GET", r"/devices/(\w+)", sync(lambda m, b: (200, st.device_info(m.group(1))))),
        ("DELETE", r"/devices/(\w+)", async_(lambda m, b: st.device_delete_check(m.group(1)),
                                             lambda m, b: st.device_delete(m.group(1)))),
        ("POST", r"/devices/(\w+)/state", async_(
            lambda m, b: st.device_state_check(m.group(1), b),
            lambda m, b: st.device_state(m.group(1), b))),
        ("POST", r"/devices/(\w+)/tags", sync(lambda m, b: (200, st.device_tags(m.group(1), b)))),
        ("GET", r"/devices/(\w+)/resync", async_(
            lambda m, b: st._device(m.group(1)),
            lambda m, b: st.device_resync(m.group(1)))),
        ("POST", r"/volumes", operation(lambda m, b: "/volumes/" + st.volume_create(b))),
        ("GET", r"/volumes", sync(lambda m, b: (200, {"volumes": sorted(st.volumes)}))),
        ("GET", r"/volumes/(\w+)", sync(lambda m, b: (200, st.volume_info(m.group(1))))),
        ("POST", r"/volumes/(\w+)/expand", operation(lambda m, b: st.volume_expand(m.group(1), b))),
        ("POST", r"/volumes/(\w+)/block-restriction",
         operation(lambda m, b: st.volume_block_restriction(m.group(1), b))),
        ("POST", r"/volumes/(\w+)/clone", async_(
            lambda m, b: st._volume(m.group(1)),
            lambda m, b: "/volumes/" + st.volume_clone(m.group(1), b))),
        ("DELETE", r"/volumes/(\w+)", async_(lambda m, b: st.volume_delete_check(m.group(1)),
                                             lambda m, b: st.volume_delete(m.group(1)))),
        ("POST", r"/blockvolumes", operation(lambda m, b: st.blockvolume_create(b))),
        ("GET", r"/blockvolumes", sync(lambda m, b: (200, {"blockvolumes": sorted(st.blockvolumes)}))),
        ("GET", r"/blockvolumes/(\w+)", sync(lambda m, b: (200, st.blockvolume_info(m.group(1))))),
        ("POST", r"/blockvolumes/(\w+)/expand", operation(lambda m, b: st.blockvolume_expand(m.group(1), b))),
        ("DELETE", r"/blockvolumes/(\w+)", async_(lambda m, b: st._blockvolume(m.group(1)),
                                                  lambda m, b: st.blockvolume_delete(m.group(1)))),
        ("GET", r"/db/dump", sync(lambda m, b: (200, db_dump(st)))),
        ("GET", r"/db/check", sync(lambda m, b: (200, {"clusters": {"inconsistencies": None},
                                                       "nodes": {"inconsistencies": None},
                                                       "devices": {"inconsistencies": None},
                                                       "volumes": {"inconsistencies": None},
                                                       "bricks": {"inconsistencies": None},
                                                       "totalinconsistencies": 0}))),
        ("GET", r"/operations", sync(lambda m, b: (200, operations_counts(emu)))),
        ("GET", r"/operations/pending", sync(lambda m, b: (200, pending_list(emu)))),
        ("GET", r"/operations/pending/(\w+)", sync(lambda m, b: pending_details(emu, m.group(1)))),
        ("POST", r"/operations/pending/cleanup", async_(None, lambda m, b: None)),
    ]
    compiled = [(meth, re.compile("^" + rx + "$"), spec) for meth, rx, spec in routes]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args):  # keep test output quiet
            pass

        def _send(self, status, headers=None, body=b""):
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
                headers = dict(headers or {}, **{"Content-Type": "application/json; charset=UTF-8"})
            elif isinstance(body, str):
                body = body.encode()
            if not self.headers.get(UNLOGGED_HEADER):  # logged before the client can see it
                emu.requests.append((self.command, self.path, status))
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status, text):
            self._send(status, {"Content-Type": "text/plain; charset=utf-8"}, text + "\n")

        def _handle(self):
            path = self.path.split("?", 1)[0]
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if path in ("/hello", "/metrics"):
                return self._send(200, {"Content-Type": "text/plain"}, "Hello from Heketi")
            if emu.admin_key:
                try:
                    now = emu.clock() if emu.clock else None
                    issuer = verify(self.headers.get("Authorization"), self.command, path,
                                    emu.admin_key, emu.user_key, now=now)
                except JwtRejected as err:
                    return self._error(err.status, err.message)
                if issuer == "user" and path != "/volumes":
                    return self._error(401, "Administrator access required")
            with emu._lock:
                if self.command in ("POST", "DELETE"):
                    if emu.force_429 > 0:
                        emu.force_429 -= 1
                        return self._error(429, "Server busy. Retry operation later.")
                if path == "/backup/db" and self.command == "GET":
                    return self._send(200, {"Content-Type": "application/octet-stream"}, st.dump())
                qm = re.match(r"^/queue/(\w+)$", path)
                if qm and self.command == "GET":
                    try:
                        status, headers, body = emu.poll(qm.group(1))
                    except ApiError as err:
                        return self._error(err.status, err.message)
                    return self._send(status, headers, body)
                for meth, rx, spec in compiled:
                    match = rx.match(path)
                    if not match or meth != self.command:
                        continue
                    try:
                        body = json.loads(raw.decode()) if raw else {}
                    except ValueError:
                        return self._error(422, "request unable to be parsed")
                    if not isinstance(body, dict):
                        return self._error(422, "request unable to be parsed")
                    try:
                        with st.lock:
                            if spec[0] == "sync":
                                status, result = spec[1](match, body)
                                if result is None:
                                    return self._send(status)
                                return self._send(status, None, result)
                            if spec[0] == "operation":
                                key = "%s %s" % (self.command, rx.pattern.strip("^$"))
                                # an injected failure is one of the execution (rolled back): nothing is built
                                built = None if key in emu.fail_next else spec[1](match, body)
                                qid = emu.accept(key, lambda: built)
                                return self._send(202, {"Location": "/queue/" + qid, "X-Request-ID": qid})
                            if spec[1] is not None:
                                spec[1](match, body)
                            qid = emu.accept("%s %s" % (self.command, rx.pattern.strip("^$")),
                                             lambda: spec[2](match, body))
                    except ApiError as err:
                        return self._error(err.status, err.message)
                    return self._send(202, {"Location": "/queue/" + qid, "X-Request-ID": qid})
                return self._error(404, "404 page not found")

        do_GET = do_POST = do_DELETE = do_PUT = _handle

    return Handler
