#!/usr/bin/env bash
# Every AWX job template of awx/config.yml run through ansible-runner against the
# deployed lab (tests/lab_awx): the read-only and idempotent ones for real (changed=0),
# the state-changing ones as job type "check" or with answers their playbook must
# refuse (changed=0); no secret in any job event.  Estimated 25-35 min (not yet run).
# Uses the lab as it is (lab/lab up is idempotent) and leaves it up; needs it
# deployed (site.yml) and dr_georep.yml applied.  Hold the lab lock:
#   flock /tmp/metrostor-lab.lock tests/lab-awx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
# --ci: the CI variant (METROSTOR_AWX_VARIANT=ci): deploy the stack, Heketi and NFS path as job type "check"
if [ "${1:-}" = "--ci" ]; then export METROSTOR_AWX_VARIANT=ci; shift; fi
lab/lab up
start=$SECONDS
.venv/bin/python -m pytest -q -ra -s -p no:cacheprovider tests/lab_awx "$@"
echo "lab-awx: ${METROSTOR_AWX_VARIANT:-full} variant passed in $((SECONDS - start)) s"
