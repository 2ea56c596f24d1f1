#!/usr/bin/env bash
# The day-2 scenario (molecule/day2): replace a disk, replace a node, scale out and fail Heketi over,
# each under FUSE write load, and bad input refused.  Longer than the other scenarios (about 20
# minutes), so it has its own command.  Uses the lab as it is (lab/lab up, then site.yml as converge)
# and leaves it up and deployed; hold the lab lock: flock /tmp/metrostor-lab.lock tests/lab-day2.sh
# (The rolling upgrade has its own command, with hosts of its own: tests/lab-upgrade.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
lab/lab up
molecule test -s day2
python bench/day2_operations.py --last | sed -n '1,8p'
