"""Validation of rendered manifests against the official Kubernetes schemas (strict).

Kubernetes 1.25+ : kubernetes-validate 1.37.0, in this venv.
Kubernetes <1.25 : kubernetes-validate 1.24.1, installed apart in .venv/kv124 by
scripts/bootstrap-k8s-schemas.sh and run in a subprocess (the two releases are
the same package and cannot share one environment).
CRD-based objects (VolumeSnapshotClass) have no schema there: ``crd_validator``
checks them against the CRD's own openAPIV3Schema kept in tests/data/crds.
"""
import json
import os
import subprocess
import sys

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KV124 = os.path.join(ROOT, ".venv", "kv124")
CRDS = os.path.join(ROOT, "tests", "data", "crds")

_RUNNER = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
import kubernetes_validate
from kubernetes_validate.version import __version__
version, objects = json.load(sys.stdin)
out = {"kubernetes_validate": __version__, "results": []}
for obj in objects:
    try:
        used = kubernetes_validate.validate(obj, version, strict=True)
        out["results"].append({"ok": True, "schema": used})
    except kubernetes_validate.ValidationError as err:
        out["results"].append({"ok": False, "error": "%s: %s" % (".".join(str(p) for p in err.path), err.message)})
    except Exception as err:  # SchemaNotFoundError, VersionNotSupportedError: errors too
        out["results"].append({"ok": False, "error": "%s %s" % (type(err).__name__, getattr(err, "message", err))})
json.dump(out, sys.stdout)
"""


def _run(version, objects, pythonpath=None):
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    proc = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps([version, objects]),
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def validate_builtin(version, objects):
    """[(index, error)] of objects that fail the strict schema of ``version`` ("1.24")."""
    minor = int(version.split(".")[1])
    if minor < 25:
        assert os.path.isdir(os.path.join(KV124, "kubernetes_validate")), (
            "kubernetes-validate 1.24.1 is missing in %s: run scripts/bootstrap-k8s-schemas.sh" % KV124)
        answer = _run(version, objects, KV124)
        assert answer["kubernetes_validate"] == "1.24.1", answer["kubernetes_validate"]
    else:
        answer = _run(version, objects)
        assert answer["kubernetes_validate"] == "1.37.0", answer["kubernetes_validate"]
    errors = []
    for index, result in enumerate(answer["results"]):
        if not result["ok"]:
            errors.append((index, result["error"]))
        else:
            assert result["schema"] == version, "validated against %s, not %s" % (result["schema"], version)
    return errors


def _strict(schema):
    """The CRD schema with unknown fields refused (what kubectl --validate=strict does)."""
    schema = dict(schema)
    if schema.get("type") == "object" and "properties" in schema and "additionalProperties" not in schema \
            and not schema.get("x-kubernetes-preserve-unknown-fields"):
        schema["additionalProperties"] = False
    if "properties" in schema:
        schema["properties"] = dict((k, _strict(v)) for k, v in schema["properties"].items())
    if isinstance(schema.get("additionalProperties"), dict):
        schema["additionalProperties"] = _strict(schema["additionalProperties"])
    if "items" in schema:
        schema["items"] = _strict(schema["items"])
    return schema


OBJECT_META = {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string"},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "annotations": {"type": "object", "additionalProperties": {"type": "string"}}},
    "additionalProperties": False}


def crd_validator(crd_file, api_version):
    """A strict jsonschema validator of the CRD version ``group/version`` in ``crd_file``."""
    with open(os.path.join(CRDS, crd_file)) as handle:
        crd = [d for d in yaml.safe_load_all(handle) if d][0]
    group, version = api_version.split("/")
    assert crd["spec"]["group"] == group
    for entry in crd["spec"]["versions"]:
        if entry["name"] == version:
            schema = _strict(entry["schema"]["openAPIV3Schema"])
            schema["properties"]["metadata"] = OBJECT_META
            schema["properties"]["apiVersion"] = {"const": api_version}
            schema["properties"]["kind"] = {"const": crd["spec"]["names"]["kind"]}
            return jsonschema.Draft7Validator(schema), entry
    raise AssertionError("%s has no version %s" % (crd_file, version))
