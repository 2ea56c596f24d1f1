# -*- coding: utf-8 -*-
# Copyright: metrostor.gluster developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client for Heketi's REST API.

Runs on the managed/target host inside Ansible modules, so it only uses the
Python standard library and ansible's own ``Request`` (open_url's engine) (no extra HTTP
dependency) and stays Python 3.6 compatible.

Behaviour of the real Heketi server that this client relies on:

* every request carries a JWT (HS256) whose claims are ``iss`` (``admin`` or
  ``user``), ``iat``, ``exp`` and ``qsh`` = hex(sha256(METHOD + "&" + PATH)).
  Because ``qsh`` binds the token to one method and path, a *fresh* token is
  minted for every request, including each ``/queue`` poll.
* long running operations answer ``202 Accepted`` with ``Location:
  /queue/<id>``.  ``GET /queue/<id>`` answers ``200`` with ``X-Pending: true``
  while running, ``303 See Other`` (Location = the result resource) when done
  with a result, ``204 No Content`` when done without one, and ``500`` with the
  error text on failure.
* ``429 Too Many Requests`` when the server's operation throttle is full.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import hashlib
import hmac
import inspect
import json
import socket
import ssl
import time

from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import urlparse
from ansible.module_utils.six.moves import urllib_request
from ansible.module_utils.urls import Request

from ansible.module_utils.urls import make_context  # one TLS context per client, not per request

# Request.open() takes a ready TLS context from ansible-core 2.17 on.  On 2.15
# and 2.16 it builds a new context (and reads the CA store) for every request,
# which cost a reconcile seconds: there the client sends the same request
# through urllib with its one context (_LegacyOpener).
OPEN_TAKES_CONTEXT = "context" in inspect.signature(Request.open).parameters


class _NoRedirect(urllib_request.HTTPRedirectHandler):
    """A redirect is answered as the HTTPError it is (as Request's follow_redirects='none')."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _LegacyOpener(object):
    """Request.open(method, url, data=, headers=, timeout=) over urllib with one TLS context."""

    def __init__(self, context):
        self._opener = urllib_request.build_opener(urllib_request.HTTPSHandler(context=context), _NoRedirect())

    def open(self, method, url, data=None, headers=None, timeout=None):
        body = data.encode("utf-8") if isinstance(data, str) else data
        return self._opener.open(urllib_request.Request(url, data=body, headers=headers or {}, method=method),
                                 timeout=timeout)


RETRY_STATUSES = (429, 502, 503, 504)
# A request that changes something is repeated only when its answer says it was not acted on
# (429: Heketi's throttle refused it; 503: nothing served it) or it never left (connection
# refused).  A 502/504 from a proxy, or a timeout, may come after Heketi acted: repeating a
# POST could create a second volume.
RETRY_STATUSES_FOR_CHANGES = (429, 503)
READ_METHODS = ("GET", "HEAD")


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def query_string_hash(method, path):
    """Heketi's ``qsh`` claim: sha256 of ``METHOD&/path`` (no query string)."""
    claim = "%s&%s" % (method.upper(), path)
    return hashlib.sha256(claim.encode("utf-8")).hexdigest()


def make_jwt(user, key, method, path, now=None, lifetime=300):
    """Return a HS256 JWT for one request, as Heketi's middleware expects."""
    now = int(time.time() if now is None else now)
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {
        "iss": user,
        "iat": now,
        "exp": now + int(lifetime),
        "qsh": query_string_hash(method, path),
    }
    signing_input = "%s.%s" % (
        _b64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")),
        _b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode("utf-8")),
    )
    signature = hmac.new(key.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return "%s.%s" % (signing_input, _b64url(signature))


class HeketiError(Exception):
    """An error answered by Heketi or met on the way to it."""

    def __init__(self, message, status=None, method=None, path=None, body=None):
        super(HeketiError, self).__init__(message)
        self.status = status
        self.method = method
        self.path = path
        self.body = body

    def __str__(self):
        where = ""
        if self.method:
            where = " (%s %s" % (self.method, self.path)
            where += ", HTTP %s)" % self.status if self.status else ")"
        return "%s%s" % (self.args[0], where)


class HeketiNotFound(HeketiError):
    pass


class HeketiConflict(HeketiError):
    pass


class _Response(object):
    """A plain view of an HTTP answer, whether open_url raised or not."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    def json(self):
        if not self.body:
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            raise HeketiError("Heketi answered something that is not JSON: %r" % self.body[:200], self.status)

    def text(self):
        return (self.body or b"").decode("utf-8", "replace").strip()


class HeketiClient(object):
    """Talks to one Heketi server.

    ``sleep`` and ``clock`` are injectable so that tests and the benchmark do
    not wait on wall-clock time.
    """

    def __init__(self, url, user="admin", key=None, validate_certs=True, ca_path=None,
                 timeout=30, poll_interval=1.0, poll_timeout=600, retries=5,
                 backoff=1.0, token_lifetime=300, sleep=time.sleep):
        if not url:
            raise HeketiError("Heketi URL is empty")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise HeketiError("Heketi URL must look like http(s)://host:port, got %r" % url)
        self.base = url.rstrip("/")
        self.base_path = parsed.path.rstrip("/")
        self.user = user
        self.key = key
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self.retries = retries
        self.backoff = backoff
        self.token_lifetime = token_lifetime
        self.sleep = sleep
        self.calls = 0
        self._context = None

    # -- transport ---------------------------------------------------------
    def _raw(self, method, path, data=None):
        """One HTTP exchange, no redirects followed, no retry."""
        headers = {"Accept": "application/json"}
        body = None
        if data is not None:
            body = json.dumps(data)
            headers["Content-Type"] = "application/json"
        if self.key:
            token = make_jwt(self.user, self.key, method, self.base_path + path,
                             lifetime=self.token_lifetime)
            headers["Authorization"] = "bearer " + token
        self.calls += 1
        if self._context is None:
            self._context = make_context(cafile=self.ca_path, validate_certs=self.validate_certs)
        try:
            if OPEN_TAKES_CONTEXT:
                resp = Request().open(method, self.base + path, data=body, headers=headers,
                                      validate_certs=self.validate_certs, ca_path=self.ca_path,
                                      timeout=self.timeout, follow_redirects="none", context=self._context)
            else:
                resp = _LegacyOpener(self._context).open(method, self.base + path, data=body, headers=headers,
                                                         timeout=self.timeout)
            return _Response(resp.getcode(), dict(resp.headers.items()), resp.read())
        except HTTPError as err:
            try:
                payload = err.read()
            except Exception:  # pragma: no cover - depends on urllib internals
                payload = b""
            hdrs = dict(err.headers.items()) if err.headers is not None else {}
            return _Response(err.code, hdrs, payload)

    def _exchange(self, method, path, data=None):
        """An HTTP exchange with retry on 429/5xx-gateway and connection errors."""
        attempt = 0
        while True:
            changes = method.upper() not in READ_METHODS
            try:
                resp = self._raw(method, path, data)
            except (URLError, socket.timeout, socket.error) as err:
                reason = getattr(err, "reason", err)
                if isinstance(reason, ssl.SSLError):  # retrying cannot help
                    raise HeketiError("TLS error talking to Heketi at %s: %s" % (self.base, reason),
                                      method=method, path=path)
                if changes and not isinstance(reason, ConnectionRefusedError):
                    raise HeketiError("No answer from Heketi at %s to %s %s (%s); it may have acted on it, so it "
                                      "was not repeated: check Heketi's state before running again"
                                      % (self.base, method, path, reason), method=method, path=path)
                if attempt >= self.retries:
                    raise HeketiError("Cannot reach Heketi at %s: %s" % (self.base, reason),
                                      method=method, path=path)
            else:
                retry_on = RETRY_STATUSES_FOR_CHANGES if changes else RETRY_STATUSES
                if resp.status not in retry_on or attempt >= self.retries:
                    return resp
            attempt += 1
            self.sleep(self.backoff * (2 ** (attempt - 1)))

    @staticmethod
    def _location_path(location):
        parsed = urlparse(location)
        return parsed.path + ("?" + parsed.query if parsed.query else "")

    def _strip_base(self, path):
        if self.base_path and path.startswith(self.base_path + "/"):
            return path[len(self.base_path):]
        return path

    def _raise_for(self, resp, method, path):
        text = resp.text() or "HTTP %s" % resp.status
        cls = HeketiError
        if resp.status == 404:
            cls = HeketiNotFound
        elif resp.status == 409:
            cls = HeketiConflict
        raise cls(text, resp.status, method, path, resp.body)

    def wait_queue(self, location, method, path):
        """Poll ``/queue/<id>`` until done; return the result's JSON or None."""
        queue_path = self._strip_base(self._location_path(location))
        deadline = time.time() + self.poll_timeout
        while True:
            resp = self._exchange("GET", queue_path)
            if resp.status == 200 and (resp.header("X-Pending") or "").lower() == "true":
                if time.time() > deadline:
                    raise HeketiError("Heketi operation %s still pending after %ss" % (queue_path, self.poll_timeout),
                                      method=method, path=path)
                self.sleep(self.poll_interval)
                continue
            if resp.status == 303:
                target = resp.header("Location")
                if not target:
                    raise HeketiError("Heketi queue answered 303 without Location", 303, method, path)
                return self.request("GET", self._strip_base(self._location_path(target)))
            if resp.status in (200, 204):
                return resp.json() if resp.status == 200 else None
            if resp.status == 500:
                raise HeketiError(resp.text() or "Heketi operation failed", 500, method, path, resp.body)
            self._raise_for(resp, method, path)

    def request(self, method, path, data=None):
        """Do one API call, following Heketi's async protocol; return JSON or None."""
        resp = self._exchange(method, path, data)
        if resp.status == 202:
            location = resp.header("Location")
            if not location:
                raise HeketiError("Heketi answered 202 without Location", 202, method, path)
            return self.wait_queue(location, method, path)
        if resp.status in (200, 201):
            return resp.json()
        if resp.status == 204:
            return None
        if resp.status == 303:
            return self.request("GET", self._strip_base(self._location_path(resp.header("Location"))))
        self._raise_for(resp, method, path)

    def get_raw(self, path):
        resp = self._exchange("GET", path)
        if resp.status != 200:
            self._raise_for(resp, "GET", path)
        return resp.body

    # -- API --------------------------------------------------------------
    def hello(self):
        return self.get_raw("/hello").decode("utf-8", "replace").strip()

    def cluster_list(self):
        return self.request("GET", "/clusters")["clusters"]

    def cluster_info(self, cluster_id):
        return self.request("GET", "/clusters/%s" % cluster_id)

    def cluster_create(self, file=True, block=True):
        return self.request("POST", "/clusters", {"file": file, "block": block})

    def cluster_set_flags(self, cluster_id, file, block):
        return self.request("POST", "/clusters/%s/flags" % cluster_id, {"file": file, "block": block})

    def cluster_delete(self, cluster_id):
        return self.request("DELETE", "/clusters/%s" % cluster_id)

    def node_info(self, node_id):
        return self.request("GET", "/nodes/%s" % node_id)

    def node_add(self, cluster_id, zone, manage, storage, tags=None):
        req = {"cluster": cluster_id, "zone": int(zone),
               "hostnames": {"manage": [manage], "storage": [storage]}}
        if tags:
            req["tags"] = tags
        return self.request("POST", "/nodes", req)

    def node_delete(self, node_id):
        return self.request("DELETE", "/nodes/%s" % node_id)

    def node_state(self, node_id, state):
        return self.request("POST", "/nodes/%s/state" % node_id, {"state": state})

    def node_set_tags(self, node_id, tags, change_type="set"):
        return self.request("POST", "/nodes/%s/tags" % node_id, {"change_type": change_type, "tags": tags})

    def device_info(self, device_id):
        return self.request("GET", "/devices/%s" % device_id)

    def device_add(self, node_id, name, tags=None, destroydata=False):
        req = {"node": node_id, "name": name, "destroydata": bool(destroydata)}
        if tags:
            req["tags"] = tags
        return self.request("POST", "/devices", req)

    def device_delete(self, device_id):
        return self.request("DELETE", "/devices/%s" % device_id)

    def device_state(self, device_id, state):
        return self.request("POST", "/devices/%s/state" % device_id, {"state": state})

    def device_set_tags(self, device_id, tags, change_type="set"):
        return self.request("POST", "/devices/%s/tags" % device_id, {"change_type": change_type, "tags": tags})

    def device_resync(self, device_id):
        return self.request("GET", "/devices/%s/resync" % device_id)

    def volume_list(self):
        return self.request("GET", "/volumes")["volumes"]

    def volume_info(self, volume_id):
        return self.request("GET", "/volumes/%s" % volume_id)

    def volume_create(self, req):
        return self.request("POST", "/volumes", req)

    def volume_expand(self, volume_id, expand_size):
        return self.request("POST", "/volumes/%s/expand" % volume_id, {"expand_size": int(expand_size)})

    def volume_clone(self, volume_id, name=None):
        return self.request("POST", "/volumes/%s/clone" % volume_id, {"name": name} if name else {})

    def volume_delete(self, volume_id):
        return self.request("DELETE", "/volumes/%s" % volume_id)

    def volume_set_block_restriction(self, volume_id, restriction):
        """Lock ("locked") or unlock ("") a block-hosting volume for new block volumes."""
        return self.request("POST", "/volumes/%s/block-restriction" % volume_id, {"restriction": restriction})

    def blockvolume_list(self):
        return self.request("GET", "/blockvolumes")["blockvolumes"]

    def blockvolume_info(self, volume_id):
        return self.request("GET", "/blockvolumes/%s" % volume_id)

    def blockvolume_create(self, req):
        return self.request("POST", "/blockvolumes", req)

    def blockvolume_expand(self, volume_id, new_size):
        return self.request("POST", "/blockvolumes/%s/expand" % volume_id, {"new_size": int(new_size)})

    def blockvolume_delete(self, volume_id):
        return self.request("DELETE", "/blockvolumes/%s" % volume_id)

    def db_check(self):
        return self.request("GET", "/db/check")

    def db_dump(self):
        """The whole database in one answer (admin key only): clusterentries,
        nodeentries, deviceentries, brickentries, volumeentries,
        blockvolumeentries, dbattributeentries, pendingoperations."""
        return self.request("GET", "/db/dump")

    def operations(self):
        return self.request("GET", "/operations")

    def operations_pending(self):
        """Pending operations: [{id, type_name, status, sub_status}]."""
        return self.request("GET", "/operations/pending").get("pendingoperations") or []

    def operation_details(self, operation_id):
        """One pending operation with its ``changes`` ([{id, description}])."""
        return self.request("GET", "/operations/pending/%s" % operation_id)

    def operations_cleanup(self, operation_ids=None):
        """Ask Heketi to clean up stale/failed pending operations (all, or these ids)."""
        return self.request("POST", "/operations/pending/cleanup",
                            {"operations": list(operation_ids)} if operation_ids else {})

    def backup_db(self):
        return self.get_raw("/backup/db")
