#!/usr/bin/env bash
# The AWX job templates run through ansible-runner against the deployed lab
# (tests/lab_awx): validate layout, health, security check, Kubernetes storage
# (render), Heketi, and the whole deploy, each successful, idempotent, no secret in
# any job event.  Uses the lab as it is (lab/lab up is idempotent) and leaves it up;
# needs it deployed (site.yml).  Hold the lab lock:
#   flock /tmp/metrostor-lab.lock tests/lab-awx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
lab/lab up
.venv/bin/python -m pytest -q -ra -s -p no:cacheprovider tests/lab_awx "$@"
