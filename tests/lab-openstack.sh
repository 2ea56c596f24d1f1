#!/usr/bin/env bash
# The lab OpenStack (lab/lab openstack up: Debian's OpenStack Zed in one nspawn host, three availability
# zones) and the provisioning tests against it (tests/openstack), then the provisioning benchmark.
# Apart from the gluster lab: its own host, network namespace and lock.  Leaves the OpenStack host up
# (`lab/lab openstack down` stops it).  First run on a machine builds its image (~16 min); each run
# starts from a new host root (down --purge, up: ~6 min).
#   bash tests/lab-openstack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/bootstrap.sh
exec flock /tmp/metrostor-openstack.lock bash -c '
  set -euo pipefail
  # a new host root every time: an `up` on a root left by `down` did not finish booting (docs/openstack.md)
  timeout 300 lab/lab openstack down --purge
  timeout 1800 lab/lab openstack up
  timeout 3600 .venv/bin/python -m pytest -v -rA --durations=0 tests/openstack
  timeout 1800 .venv/bin/python bench/openstack_provision.py  # 1045 s on 2026-11-26
'
