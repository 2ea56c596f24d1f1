"""A test double of AWX's REST API (/api/v2), enough for the awx.awx modules that
playbooks/awx_configure.yml calls.  It is NOT AWX: it stores objects and checks
what it receives the way AWX's API does for these calls, nothing more.

What it does as AWX does:
- token login (POST /api/v2/tokens/ with basic auth), then Bearer tokens only;
  every response carries X-API-Product-Name/Version (AWX 24.6.1);
- list views filtered by the query (``name``, ``organization``, ``identifier``,
  ``or__id``/``or__name``, ...) returning ``count`` and ``results``;
- POST creates (201), PATCH updates, each object with ``related`` URLs
  (credentials, survey_spec, success_nodes, ...) and ``summary_fields``;
- a foreign key given as a name instead of an id is refused (400), as AWX does;
- secret inputs (credential types' ``secret: true`` fields, the built-in
  Machine and Vault types) are stored and answered as ``$encrypted$``;
- association sub-endpoints (POST {"id": N} / {"id": N, "disassociate": true});
- survey specs (GET/POST .../survey_spec/);
- a project sync started on create, already successful when read.

``requests`` logs (method, path, body) of every call; ``objects`` holds the state.
"""
import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

API = "/api/v2/"
VERSION = "24.6.1"
BUILTIN_CREDENTIAL_TYPES = {
    "Machine": {"kind": "ssh", "secret": ["password", "ssh_key_data", "ssh_key_unlock", "become_password"]},
    "Vault": {"kind": "vault", "secret": ["vault_password"]},
}
# fields holding the id of another object (AWX refuses a name there)
FOREIGN_KEYS = {"organization", "project", "inventory", "credential_type", "execution_environment",
                "source_project", "credential", "unified_job_template", "workflow_job_template",
                "default_environment"}
RELATED = {
    "job_templates": ["credentials", "survey_spec", "labels", "instance_groups", "notification_templates_error",
                      "notification_templates_started", "notification_templates_success"],
    "workflow_job_templates": ["survey_spec", "workflow_nodes", "labels", "notification_templates_error",
                               "notification_templates_started", "notification_templates_success",
                               "notification_templates_approvals"],
    "workflow_job_template_nodes": ["success_nodes", "failure_nodes", "always_nodes", "credentials", "labels",
                                    "instance_groups"],
    "schedules": ["credentials", "labels", "instance_groups"],
    "inventory_sources": ["notification_templates_error", "notification_templates_started",
                          "notification_templates_success"],
    "projects": ["notification_templates_error", "notification_templates_started", "notification_templates_success"],
}
UNIFIED = ("job_templates", "workflow_job_templates", "projects", "inventory_sources")


class AWXDouble:
    def __init__(self, username="admin", password="secret"):
        self.username, self.password = username, password
        self.objects = {}            # endpoint -> {id: object}
        self.associations = {}       # (endpoint, id, sub) -> [ids]
        self.surveys = {}            # (endpoint, id) -> spec
        self.secrets = {}            # (credential id, field) -> value as received
        self.requests = []
        self.tokens = set()
        self._next = 1
        self._lock = threading.Lock()
        for name, spec in BUILTIN_CREDENTIAL_TYPES.items():
            self._store("credential_types", {"name": name, "kind": spec["kind"], "managed": True,
                                             "inputs": {"fields": [{"id": f, "type": "string", "secret": True}
                                                                   for f in spec["secret"]]},
                                             "injectors": {}})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def find(self, endpoint, **filters):
        return [o for o in self.objects.get(endpoint, {}).values()
                if all(str(o.get(k)) == str(v) for k, v in filters.items())]

    def mutations(self):
        return [(m, p) for m, p, _body in self.requests if m not in ("GET", "HEAD") and not p.startswith(API + "tokens")]

    # -- state -------------------------------------------------------------
    def _store(self, endpoint, obj):
        obj = dict(obj)
        obj["id"] = self._next
        self._next += 1
        obj["url"] = "%s%s/%d/" % (API, endpoint, obj["id"])
        obj["related"] = {sub: "%s%s/%d/%s/" % (API, endpoint, obj["id"], sub) for sub in RELATED.get(endpoint, [])}
        obj.setdefault("summary_fields", {})
        if endpoint in UNIFIED:
            obj["type"] = endpoint[:-1]
        self.objects.setdefault(endpoint, {})[obj["id"]] = obj
        return obj

    def _secret_fields(self, credential_type_id):
        ctype = self.objects["credential_types"][int(credential_type_id)]
        return {f["id"] for f in ctype.get("inputs", {}).get("fields", []) if f.get("secret")}

    def _public(self, endpoint, obj):
        obj = json.loads(json.dumps(obj))
        if endpoint == "credentials":
            for field in self._secret_fields(obj["credential_type"]):
                if field in obj.get("inputs", {}):
                    obj["inputs"][field] = "$encrypted$"
        return obj

    def _check(self, endpoint, body):
        for key in FOREIGN_KEYS & set(body):
            value = body[key]
            if value is not None and not isinstance(value, int) and not str(value).isdigit():
                return "%s: expected a primary key, got %r" % (key, value)
        if endpoint == "credentials":
            ctype = self.objects["credential_types"].get(int(body.get("credential_type", 0)))
            if ctype is None:
                return "credential_type: no such credential type"
            known = {f["id"] for f in ctype.get("inputs", {}).get("fields", [])}
            if not ctype.get("managed") and set(body.get("inputs", {})) - known:
                return "inputs: unknown fields %s" % sorted(set(body["inputs"]) - known)
        if endpoint == "credential_types":
            if body.get("kind") not in (None, "cloud", "net"):
                return "kind: custom credential types must be cloud or net"
            fields = {f["id"] for f in body.get("inputs", {}).get("fields", [])}
            for var, template in body.get("injectors", {}).get("extra_vars", {}).items():
                for name in re.findall(r"\{\{\s*(\w+)\s*\}\}", template):
                    if name not in fields:
                        return "injectors: %s uses %s, which is not an input" % (var, name)
        return None

    def _encrypt_inputs(self, obj, body):
        """Keep secret inputs as received; a later "$encrypted$" leaves the stored value alone (as AWX)."""
        inputs = dict(obj.get("inputs", {}))
        for field, value in body.get("inputs", {}).items():
            if value == "$encrypted$" and field in inputs:
                continue
            inputs[field] = value
            if field in self._secret_fields(body.get("credential_type", obj.get("credential_type"))):
                self.secrets[(obj["id"], field)] = value
        obj["inputs"] = inputs

    # -- HTTP --------------------------------------------------------------
    def _handler(self):
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status, body=None):
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-API-Product-Name", "AWX")
                self.send_header("X-API-Product-Version", VERSION)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                return json.loads(raw) if raw else {}

            def _handle(self, method):
                parsed = urlparse(self.path)
                body = self._body() if method in ("POST", "PATCH", "PUT") else {}
                with double._lock:
                    double.requests.append((method, parsed.path, body))
                    if parsed.path == API + "tokens/" and method == "POST":
                        auth = self.headers.get("Authorization", "")
                        expected = "Basic " + base64.b64encode(
                            ("%s:%s" % (double.username, double.password)).encode()).decode()
                        if auth != expected:
                            return self._reply(401, {"detail": "Invalid username/password."})
                        token = "token%d" % (len(double.tokens) + 1)
                        double.tokens.add(token)
                        return self._reply(201, {"id": len(double.tokens), "token": token})
                    if parsed.path.startswith(API + "tokens/") and method == "DELETE":
                        return self._reply(204)
                    if self.headers.get("Authorization", "").replace("Bearer ", "") not in double.tokens:
                        return self._reply(401, {"detail": "Authentication credentials were not provided."})
                    return double._route(self, method, parsed, body)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def do_PATCH(self):
                self._handle("PATCH")

            def do_DELETE(self):
                self._handle("DELETE")

        return Handler

    def _route(self, handler, method, parsed, body):
        parts = [p for p in parsed.path[len(API):].split("/") if p] if parsed.path.startswith(API) else []
        if not parts:
            return handler._reply(404, {"detail": "Not found."})
        endpoint = parts[0]
        if endpoint == "tokens" and method == "DELETE":
            return handler._reply(204)
        if endpoint == "project_updates" and len(parts) == 2:
            return handler._reply(200, {"id": int(parts[1]), "status": "successful", "finished": "2026-11-26T00:00:00Z",
                                        "failed": False, "scm_revision": "0" * 40})
        if len(parts) == 1:
            if method == "GET":
                return handler._reply(200, self._list(endpoint, parse_qs(parsed.query)))
            if method == "POST":
                problem = self._check(endpoint, body)
                if problem:
                    return handler._reply(400, {"detail": problem})
                obj = self._store(endpoint, {k: v for k, v in body.items() if k != "inputs"})
                if "inputs" in body:
                    if endpoint == "credentials":
                        self._encrypt_inputs(obj, body)
                    else:
                        obj["inputs"] = body["inputs"]
                if endpoint == "projects":
                    obj["scm_revision"] = ""
                    obj["summary_fields"]["current_update"] = {"id": obj["id"], "status": "successful"}
                return handler._reply(201, self._public(endpoint, obj))
            return handler._reply(405, {"detail": "Method not allowed."})
        obj = self.objects.get(endpoint, {}).get(int(parts[1]))
        if obj is None:
            return handler._reply(404, {"detail": "Not found."})
        if len(parts) == 2:
            if method == "GET":
                return handler._reply(200, self._public(endpoint, obj))
            if method == "PATCH":
                problem = self._check(endpoint, dict(obj, **body))
                if problem:
                    return handler._reply(400, {"detail": problem})
                if endpoint == "credentials" and "inputs" in body:
                    self._encrypt_inputs(obj, body)
                obj.update({k: v for k, v in body.items() if k != "inputs" or endpoint != "credentials"})
                return handler._reply(200, self._public(endpoint, obj))
            if method == "DELETE":
                del self.objects[endpoint][obj["id"]]
                return handler._reply(204)
        sub = parts[2]
        if sub == "survey_spec":
            if method == "GET":
                return handler._reply(200, self.surveys.get((endpoint, obj["id"]), {}))
            self.surveys[(endpoint, obj["id"])] = body
            return handler._reply(200, {})
        key = (endpoint, obj["id"], sub)
        if method == "GET":
            target = "workflow_job_template_nodes" if sub.endswith("_nodes") else sub
            results = [self._public(target, self.objects.get(target, {})[i]) for i in self.associations.get(key, [])]
            return handler._reply(200, {"count": len(results), "results": results, "next": None})
        if method == "POST":
            ids = self.associations.setdefault(key, [])
            if body.get("disassociate"):
                if body["id"] in ids:
                    ids.remove(body["id"])
            elif body["id"] not in ids:
                ids.append(body["id"])
            return handler._reply(204)
        return handler._reply(405, {"detail": "Method not allowed."})

    def _list(self, endpoint, query):
        filters = {k: v[0] for k, v in query.items() if k not in ("page_size", "page")}
        pool = []
        if endpoint == "unified_job_templates":
            for name in UNIFIED:
                pool += list(self.objects.get(name, {}).values())
        else:
            pool = list(self.objects.get(endpoint, {}).values())
        either = {k[4:]: v for k, v in filters.items() if k.startswith("or__")}
        plain = {k: v for k, v in filters.items() if not k.startswith("or__")}
        results = []
        for obj in pool:
            if any(str(obj.get(k)) != v for k, v in plain.items()):
                continue
            if either and not any(str(obj.get(k)) == v for k, v in either.items()):
                continue
            results.append(self._public(obj["url"].split("/")[3], obj))
        return {"count": len(results), "results": results, "next": None, "previous": None}
