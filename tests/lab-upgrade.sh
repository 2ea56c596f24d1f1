#!/usr/bin/env bash
# The rolling-upgrade proof (issue 10, item 5) as its own command: three hosts of the release before
# (Debian 11, GlusterFS 9.2; lab/upgrade_lab.py) beside the lab, GlusterFS deployed on them, then
# playbooks/rolling_upgrade.yml under FUSE write load to Debian 12 / GlusterFS 10.3 and run again
# (lab/upgrade_run.py asserts 0 lost, nothing pending heal, identical data bricks, second run changed=0);
# the upgrade hosts are taken down at the end.  The image is built once (debootstrap, ~10 minutes);
# the run itself takes about 12 minutes here (2026-11-26: 11.5 min, playbook 487 s).  The hosts need only the
# sites' bridges; beside a lab others use, hold the upgrade hosts' own lock (else the lab lock):
#   flock /tmp/metrostor-upgrade.lock timeout -k 120 2400 tests/lab-upgrade.sh
set -euo pipefail
# On SIGTERM (timeout), wait for upgrade_run.py's clean-up, then the EXIT trap takes the hosts down
trap ':' TERM
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
# (the lab's own hosts are not needed: upgrade_lab.py up makes the sites' bridges and routing itself)
python lab/upgrade_lab.py image
trap 'python lab/upgrade_lab.py down' EXIT
python lab/upgrade_lab.py up
ANSIBLE_CONFIG=$PWD/ansible.cfg ansible-playbook -i inventories/lab/upgrade.yml playbooks/gluster_nodes.yml
python lab/upgrade_run.py
