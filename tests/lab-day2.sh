#!/usr/bin/env bash
# The day-2 scenario (molecule/day2): replace a disk, replace a node, scale out and fail Heketi over,
# each under FUSE write load, and bad input refused.  Longer than the other scenarios (about 40
# minutes), so it has its own command.  Uses the lab as it is (lab/lab up, then site.yml as converge)
# and leaves it up and deployed; hold the lab lock: flock /tmp/metrostor-lab.lock tests/lab-day2.sh
#
# One operation at a time, on the deployed lab (no converge), with a pytest -k expression; each test
# module is independent and prints its figures (lost writes, stall, time to full redundancy) at the end:
#   flock /tmp/metrostor-lab.lock timeout -k 300 1200 tests/lab-day2.sh test_03   # replace_node, ~9 min
#   flock /tmp/metrostor-lab.lock timeout -k 300 1200 tests/lab-day2.sh test_04   # scale_out, ~9 min
#   flock /tmp/metrostor-lab.lock timeout -k 300 1500 tests/lab-day2.sh test_05   # heketi_failover, 11.5 min (8 playbook runs)
# (SIGTERM from timeout is raised as an interruption in the tests: the clean-up still runs, within -k)
# (The rolling upgrade has its own command, with hosts of its own: tests/lab-upgrade.sh.)
set -euo pipefail
# On SIGTERM (timeout), wait for the tests' own clean-up instead of leaving them running without the lock
trap ':' TERM
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
lab/lab up
if [ $# -gt 0 ]; then
  python -m pytest -v -rA molecule/day2/tests -k "$1"
else
  molecule test -s day2
fi
python bench/day2_operations.py --last | sed -n '1,10p'
