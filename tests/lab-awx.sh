#!/usr/bin/env bash
# Every AWX job template of awx/config.yml run through ansible-runner against the
# deployed lab (tests/lab_awx): the read-only and idempotent ones for real (changed=0),
# the state-changing ones as job type "check" or with answers their playbook must
# refuse (changed=0); no secret in any job event.  All 23 passed on the deployed lab
# on 2026-11-26: 547 s of pytest (9.1 min), and 738 s with a clean-clone CI run and
# a rolling upgrade running beside it (slowest: deploy the stack 145/172 s, Heketi
# 60/51 s, Heketi standby check 50/104 s, Gluster TLS check 50/98 s, NFS 43/40 s).
# Uses the lab as it is (lab/lab up is idempotent) and leaves it up; needs it
# deployed (site.yml) and the DR site applied (dr_georep.yml or molecule/dr's
# converge, as molecule/dr_ci leaves it).  Hold the lab lock:
#   flock /tmp/metrostor-lab.lock tests/lab-awx.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
lab/lab up
start=$SECONDS
.venv/bin/python -m pytest -q -ra -s -p no:cacheprovider tests/lab_awx "$@"
echo "lab-awx: the selected job templates passed in $((SECONDS - start)) s"
