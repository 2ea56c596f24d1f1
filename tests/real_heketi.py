"""The REAL Heketi server for tests (not the emulation).

``../shared/heketi/heketi`` (upstream Heketi v10 built from source, see
shared/heketi/README.md) runs with its ``mock`` executor, which answers for
Gluster and the hosts without running anything, a fresh BoltDB per instance,
JWT on, and the role's own settings (``roles/heketi/defaults/main.yml``:
zone checking, pre_request_volume_options, brick limits).

Heketi listens on every interface of its network namespace, so each server
runs inside a network namespace of its own test network (``mstor-hk``, made
here, reached from this machine only through a veth pair on 10.79.255.0/30).
Tests talk to it through a small recording proxy on 127.0.0.1, which logs
``(method, path, status)`` like the emulation's ``requests`` and passes
everything else through untouched (no redirect is followed).

Where the binary is missing (a machine outside this workplace), it is built
from the source archive and patch beside it (scripts/build-heketi.sh); if
that is not possible either, the tests that need it are skipped with the
reason, never passed silently.
"""
import contextlib
import fcntl
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "heketi"))
BUILT = os.path.join(ROOT, "tests", "output", "heketi", "heketi")
ROLE_DEFAULTS = os.path.join(ROOT, "roles", "heketi", "defaults", "main.yml")

NETNS = "mstor-hk"
HOST_ADDR, NS_ADDR, PREFIX = "10.79.255.1", "10.79.255.2", 30
VETH_HOST, VETH_NS = "mstorhk0", "mstorhk1"


class Unavailable(Exception):
    """The real server cannot run here; the message says why."""


def _run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=False)


# Test processes of one machine (pytest-xdist workers of one run, other runs) take this lock to
# build the binary, to make the namespace, and to pick a port and start a server on it.
MACHINE_LOCK = os.path.join(tempfile.gettempdir(), "metrostor-real-heketi.lock")


@contextlib.contextmanager
def machine_lock():
    """Held by one test process of this machine at a time."""
    descriptor = os.open(MACHINE_LOCK, os.O_RDONLY | os.O_CREAT, 0o644)  # read-only: any user can lock it
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def locate_binary():
    """Path of the real heketi binary: $METROSTOR_HEKETI_BIN, shared/, or built from source."""
    for path in (os.environ.get("METROSTOR_HEKETI_BIN"), os.path.join(SHARED, "heketi"), BUILT):
        if path and os.access(path, os.X_OK):
            return path
    with machine_lock():  # another worker may be building it into BUILT right now
        if os.access(BUILT, os.X_OK):
            return BUILT
        return _build_binary()


def _build_binary():
    script = os.path.join(ROOT, "scripts", "build-heketi.sh")
    src = os.path.join(SHARED, "heketi-src-e08cc22d.tar.gz")
    if os.path.exists(src) and os.path.exists(script):
        proc = _run(["bash", script, SHARED, os.path.dirname(BUILT)])
        if proc.returncode == 0 and os.access(BUILT, os.X_OK):
            return BUILT
        raise Unavailable("the real Heketi binary is not in %s and building it from %s failed: %s"
                          % (SHARED, src, (proc.stderr or proc.stdout)[-500:]))
    raise Unavailable("the real Heketi binary is not at %s/heketi and its source archive is not there "
                      "to build it from (see shared/heketi/README.md)" % SHARED)


def ensure_netns():
    """The test network namespace with a veth to the root namespace (idempotent; needs root)."""
    if os.geteuid() != 0:
        raise Unavailable("running the real Heketi in its own network namespace needs root")
    with machine_lock():  # two processes making it at once: the second's `ip netns add` fails
        _make_netns()


def _make_netns():
    if NETNS not in _run(["ip", "netns", "list"]).stdout.split():
        steps = [["ip", "netns", "add", NETNS]]
    else:
        steps = []
    if _run(["ip", "link", "show", VETH_HOST]).returncode != 0:
        steps += [["ip", "link", "add", VETH_HOST, "type", "veth", "peer", "name", VETH_NS, "netns", NETNS],
                  ["ip", "addr", "add", "%s/%d" % (HOST_ADDR, PREFIX), "dev", VETH_HOST],
                  ["ip", "link", "set", VETH_HOST, "up"],
                  ["ip", "-n", NETNS, "addr", "add", "%s/%d" % (NS_ADDR, PREFIX), "dev", VETH_NS],
                  ["ip", "-n", NETNS, "link", "set", VETH_NS, "up"],
                  ["ip", "-n", NETNS, "link", "set", "lo", "up"]]
    for cmd in steps:
        proc = _run(cmd)
        if proc.returncode != 0:
            raise Unavailable("could not set up the test network namespace (%s): %s"
                              % (" ".join(cmd), proc.stderr.strip()))


def role_settings(volume_tls=False):
    """The heketi role's server-wide settings, as its template renders them (with heketi_volume_tls)."""
    with open(ROLE_DEFAULTS) as handle:
        defaults = yaml.safe_load(handle)
    with open(os.path.join(os.path.dirname(ROLE_DEFAULTS), "..", "vars", "main.yml")) as handle:
        tls_options = yaml.safe_load(handle)["heketi_volume_tls_options"] if volume_tls else []
    return {
        "zone_checking": defaults["heketi_zone_checking"],
        "pre_request_volume_options": ",".join(defaults["heketi_volume_options"] + tls_options),
        "block_hosting_volume_options": ",".join(defaults["heketi_block_hosting_volume_options"]),
        "brick_max_size_gb": int(defaults["heketi_brick_max_size_gb"]),
        "brick_min_size_gb": int(defaults["heketi_brick_min_size_gb"]),
        "max_bricks_per_volume": int(defaults["heketi_max_bricks_per_volume"]),
    }


# Several test runs (engineers, CI) may share the namespace: each process starts at its own
# place in the range, and a port something already answers on is skipped (else a server that
# failed to bind would seem ready, answered by another run's server).
# The pytest-xdist workers of one run take disjoint ports (worker N of C: port % C == N), so one
# worker never takes the port of another's server while that server is down for a restart
# (real_heketi_faults.restart).
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:])
_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
_next_port = [18100 + (os.getpid() % 450) * 2]
_port_lock = threading.Lock()


def _answered(port):
    try:
        socket.create_connection((NS_ADDR, port), timeout=0.2).close()
        return True
    except OSError:
        return False


def _port():
    with _port_lock:
        while True:
            _next_port[0] += 1
            if _next_port[0] > 18999:
                _next_port[0] = 18101
            if _next_port[0] % _WORKERS == _WORKER and not _answered(_next_port[0]):
                return _next_port[0]


class RealHeketi(object):
    """The real Heketi server (mock executor), started fresh; ``url`` is the recording proxy.

    Same surface as the emulation where tests need one: ``url``,
    ``admin_key``, ``user_key``, ``requests`` and ``dump()`` (the whole DB,
    from ``GET /db/dump``).  ``kind`` is ``"real"``.
    """

    kind = "real"

    def __init__(self, admin_key="adminsecret", user_key="usersecret", glusterfs=None, tls=None):
        # tls=(certfile, keyfile): Heketi's own HTTPS (enable_tls); ``url`` is then the server itself,
        # https://10.79.255.2:PORT (put that address in the certificate), and nothing is recorded.
        self.tls = tls
        self.admin_key = admin_key
        self.user_key = user_key
        self.glusterfs = dict(role_settings(), **(glusterfs or {}))
        self.requests = []
        self.proc = None
        self.tmp = None
        self.port = None
        self.proxy = None

    # -- life cycle -----------------------------------------------------------
    def start(self):
        self.binary = locate_binary()
        ensure_netns()
        self.tmp = tempfile.mkdtemp(prefix="real-heketi-")
        for attempt in range(5):
            if self._start_on_a_free_port():
                break
            self._kill()
        else:
            raise Unavailable("the real Heketi did not start: %s" % self.server_log()[-1000:])
        if not self.tls:
            self.proxy = _RecordingProxy(self)
            self.proxy.start()
        return self

    def _start_on_a_free_port(self):
        """Start the server on a port nothing answers on; True once it answers.  Under the machine
        lock: another test process picking the same free port meanwhile would see this server
        answer as its own while its own failed to bind."""
        with machine_lock():
            self.port = _port()
            conf = {
                "port": str(self.port), "use_auth": True,
                "jwt": {"admin": {"key": self.admin_key}, "user": {"key": self.user_key}},
                "backup_db_to_kube_secret": False,
                "enable_tls": bool(self.tls), "cert_file": self.tls[0] if self.tls else "",
                "key_file": self.tls[1] if self.tls else "",
                "glusterfs": dict(self.glusterfs, executor="mock", db=os.path.join(self.tmp, "heketi.db"),
                                  loglevel="info"),
            }
            config = os.path.join(self.tmp, "heketi.json")
            with open(config, "w") as handle:
                json.dump(conf, handle)
            self.log = open(os.path.join(self.tmp, "heketi.log"), "w")
            self.proc = subprocess.Popen(["ip", "netns", "exec", NETNS, self.binary, "--config=" + config],
                                         stdout=self.log, stderr=subprocess.STDOUT)
            return self._wait_ready()

    def _connection(self, timeout):
        if self.tls:
            import ssl
            return http.client.HTTPSConnection(NS_ADDR, self.port, timeout=timeout,
                                               context=ssl._create_unverified_context())
        return http.client.HTTPConnection(NS_ADDR, self.port, timeout=timeout)

    def _wait_ready(self, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                conn = self._connection(1)
                conn.request("GET", "/hello")
                if conn.getresponse().status == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def _kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()

    def stop(self):
        if self.proxy:
            self.proxy.stop()
        self._kill()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- what tests look at -----------------------------------------------------
    @property
    def url(self):
        if self.tls:
            return "https://%s:%d" % (NS_ADDR, self.port)
        return "http://127.0.0.1:%d" % self.proxy.port

    @property
    def upstream(self):
        return "%s:%d" % (NS_ADDR, self.port)

    def server_log(self):
        try:
            with open(os.path.join(self.tmp, "heketi.log")) as handle:
                return handle.read()
        except (IOError, TypeError):
            return ""

    def call(self, method, path, body=None, user="admin"):
        """One raw request, signed; returns (status, headers, parsed-or-text body). Not logged."""
        from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import make_jwt
        key = self.admin_key if user == "admin" else self.user_key
        conn = self._connection(30)
        headers = {"Authorization": "bearer " + make_jwt(user, key, method, path.split("?")[0])}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        raw = resp.read().decode("utf-8", "replace")
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw
        return resp.status, dict(resp.getheaders()), parsed

    def dump(self):
        """The whole database (``GET /db/dump``) as canonical JSON text."""
        status, _unused, body = self.call("GET", "/db/dump")
        assert status == 200, (status, body)
        return json.dumps(body, sort_keys=True)


class _RecordingProxy(object):
    """127.0.0.1 -> the server in its namespace; logs (method, path, status)."""

    def __init__(self, server):
        self.server = server
        handler = _proxy_handler(server)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate"}


def _proxy_handler(server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else every proxied answer waits for a delayed ACK (~20 ms)

        def log_message(self, *args):
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "host"}
            try:
                conn = http.client.HTTPConnection(NS_ADDR, server.port, timeout=120)
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException) as exc:
                server.requests.append((self.command, self.path, 502))
                msg = ("proxy: %s" % exc).encode()
                self.send_response(502)
                self.send_header("Content-Length", str(len(msg)))
                self.end_headers()
                self.wfile.write(msg)
                return
            server.requests.append((self.command, self.path, resp.status))
            self.send_response(resp.status)
            for key, value in resp.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data:
                self.wfile.write(data)
            conn.close()

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _forward

    return Handler


def available():
    """None when the real server can run here, else the reason it cannot."""
    try:
        locate_binary()
        ensure_netns()
    except Unavailable as exc:
        return str(exc)
    return None
