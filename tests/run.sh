#!/usr/bin/env bash
# The project's test command (README, .ci/run).  Installs what it needs,
# runs the unit and integration tests (modules against the Heketi emulation,
# manifests, layout validation), then the lab scenario (real hosts) unless
# METROSTOR_SKIP_LAB=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/python -m pytest -q -ra
# The plugins' unit tests again on the lowest ansible-core of requires_ansible (.venv/core-lowest,
# made by bootstrap.sh from tests/unit/requirements-lowest-ansible.txt).
.venv/core-lowest/bin/python -m pytest -q -ra -p no:cacheprovider tests/unit/plugins \
  tests/unit/test_heketi_topology.py tests/unit/test_heketi_cluster_node_device.py tests/unit/test_gluster_cli.py \
  tests/unit/test_site_layout.py tests/unit/test_site_membership.py tests/unit/test_gluster_health.py
if [ "${METROSTOR_SKIP_LAB:-0}" != 1 ] && [ -x lab/lab ]; then
  bash tests/lab.sh
fi
