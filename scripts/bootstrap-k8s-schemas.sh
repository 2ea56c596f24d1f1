#!/usr/bin/env bash
# Kubernetes schemas of 1.10-1.24 for the manifest tests.
#
# kubernetes-validate 1.37.0 (requirements.txt, in .venv) ships the schemas of
# Kubernetes 1.25-1.37; its releases 1.24.x ship those of 1.10-1.24.  We pin
# 1.24.1, not 1.24.0: the "strict" schemas of 1.23 and 1.24 in 1.24.0 lack
# additionalProperties: false, so unknown fields passed (1.24.1 fixes exactly
# that; tests/unit/test_k8s_manifest_schemas.py::test_the_validation_can_fail
# proves it on each release used).  One environment cannot hold both
# (same package), so 1.24.1 goes into its own
# target directory, .venv/kv124, with its dependencies; the tests run it in a
# subprocess with PYTHONPATH=.venv/kv124 (tests/unit/k8s_schema.py).
# 1.24.1 is an sdist (setup.py, PyYAML + jsonschema) and imports
# pkg_resources, hence setuptools < 81 beside it.  Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=.venv/kv124
PINS=("kubernetes-validate==1.24.1" "setuptools<81")
if [ "$(cat "$TARGET/.installed" 2>/dev/null)" != "${PINS[*]}" ]; then
  rm -rf "$TARGET"
  .venv/bin/pip install -q --target "$TARGET" "${PINS[@]}"
  echo "${PINS[*]}" > "$TARGET/.installed"
fi
echo "bootstrap-k8s-schemas: ok ($(PYTHONPATH=$TARGET .venv/bin/python -c \
  'import kubernetes_validate.version as v; print("kubernetes-validate", v.__version__)') in $TARGET)"
