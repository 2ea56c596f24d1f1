#!/usr/bin/env bash
# The NFS scenario (molecule/nfs): Ganesha on one head per data site behind the floating address,
# the Kubernetes-worker hosts mounting over FUSE and reading/writing over NFS (libnfs: this kernel
# has no NFS client), and site a (the active head) cut under an NFS write load.  Not yet part of
# tests/lab.sh: it has not run end to end yet.  Uses the lab as it is and leaves it up:
#   bash scripts/bootstrap.sh && flock /tmp/metrostor-lab.lock bash tests/lab-nfs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
lab/lab up
ansible-playbook playbooks/site.yml
molecule test -s nfs
python bench/nfs_site_loss_stall.py
