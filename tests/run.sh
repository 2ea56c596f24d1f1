#!/usr/bin/env bash
# The project's test command (README, .ci/run).  Installs what it needs,
# runs the unit and integration tests (modules against the Heketi emulation,
# manifests, layout validation), then the lab scenario (real hosts) unless
# METROSTOR_SKIP_LAB=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/python -m pytest -q -ra
if [ "${METROSTOR_SKIP_LAB:-0}" != 1 ] && [ -x lab/lab ]; then
  bash tests/lab.sh
fi
