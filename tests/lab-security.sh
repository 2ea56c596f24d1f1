#!/usr/bin/env bash
# The security scenario (molecule/security): Gluster TLS (management and I/O) with the traffic
# capture, refusals (other CA, plain TCP, names not allowed, hosts outside the client networks),
# rotation of every secret under FUSE write load, the security check.  About 25 minutes on this
# 2-core machine (management TLS on and off restarts glusterd on every server), so it has its own
# command; its CI subset (the tests marked security_ci) is molecule/security_ci, which tests/lab.sh
# runs.  Uses the lab as it is (lab/lab up, then its converge) and leaves it up:
#   bash scripts/bootstrap.sh && flock /tmp/metrostor-lab.lock bash tests/lab-security.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
lab/lab up
ansible-playbook playbooks/site.yml
molecule test -s security
