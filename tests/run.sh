#!/usr/bin/env bash
# The project's test command (README, .ci/run).  Installs what it needs,
# runs the unit and integration tests (modules against the Heketi emulation,
# manifests, layout validation), then the lab scenario (real hosts) unless
# METROSTOR_SKIP_LAB=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
run_lab=0
if [ "${METROSTOR_SKIP_LAB:-0}" != 1 ] && [ -x lab/lab ]; then run_lab=1; fi
# The lab's host image (debootstrap, once per machine: minutes on a fresh one) is built beside the
# unit tests, mostly download and unpack while they use the CPU; tests/lab.sh's `lab up` then only boots.
if [ "$run_lab" = 1 ] && [ "$(id -u)" = 0 ]; then
  mkdir -p .lab
  lab/lab image > .lab/image-build.log 2>&1 &
  image_pid=$!
fi
.venv/bin/python -m pytest -q -ra
# The plugins' unit tests again on the lowest ansible-core of requires_ansible (.venv/core-lowest,
# made by bootstrap.sh from tests/unit/requirements-lowest-ansible.txt).
.venv/core-lowest/bin/python -m pytest -q -ra -p no:cacheprovider tests/unit/plugins \
  tests/unit/test_heketi_topology.py tests/unit/test_heketi_cluster_node_device.py tests/unit/test_gluster_cli.py \
  tests/unit/test_site_layout.py tests/unit/test_site_membership.py tests/unit/test_gluster_health.py
if [ "$run_lab" = 1 ]; then
  if [ -n "${image_pid:-}" ] && ! wait "$image_pid"; then
    # lab up builds it again (an image without its completion mark is rebuilt from scratch)
    tail -20 .lab/image-build.log; echo "run: the lab image did not build beside the unit tests; lab up retries"
  fi
  bash tests/lab.sh
fi
