#!/usr/bin/env bash
# The NFS scenario (molecule/nfs) on its own: Ganesha on one head per data site behind the floating
# address, the Kubernetes-worker hosts mounting over FUSE and reading/writing over NFS (libnfs: this
# kernel has no NFS client), Ganesha's restart handler, check mode and bad input, nfs.yml while
# site a is cut, and site a (the active head) cut under an NFS write load; then the stall bench.
# Uses the lab as it is and leaves it up (site.yml imports nfs.yml, so a deployed lab has NFS;
# the scenario's converge is nfs.yml alone).  In tests/lab.sh it runs after the default scenario.
#   bash scripts/bootstrap.sh && flock /tmp/metrostor-lab.lock bash tests/lab-nfs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
lab/lab up
ansible-playbook playbooks/site.yml
molecule test -s nfs
python bench/nfs_site_loss_stall.py
