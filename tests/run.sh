#!/usr/bin/env bash
# The project's test command (README, .ci/run).  Installs what it needs,
# runs the unit and integration tests (modules against the Heketi emulation,
# manifests, layout validation) and, beside them, the lab part (tests/lab.sh:
# real hosts) unless METROSTOR_SKIP_LAB=1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
run_lab=0
if [ "${METROSTOR_SKIP_LAB:-0}" != 1 ] && [ -x lab/lab ]; then run_lab=1; fi
# The lab part (tests/lab.sh: the host image, then the scenarios) runs beside the unit tests: most of
# its time is spent waiting on the lab hosts (heal, checkpoints, write loads, site cuts), and the unit
# tests use one core.  Its output goes to this terminal as it comes; the unit tests' goes to
# .lab/unit-tests.log, printed when they end.  Both must pass; the run waits for both.
lab_pid=
unit_log=/dev/stdout
if [ "$run_lab" = 1 ]; then
  mkdir -p .lab
  unit_log=.lab/unit-tests.log
  bash tests/lab.sh &
  lab_pid=$!
  # interrupted: the lab part stops too (its own trap takes the lab down)
  trap 'kill "$lab_pid" 2>/dev/null || true' INT TERM
fi
unit_tests() {
  local rc=0
  # On both cores when nothing runs beside them (pytest-xdist: each file on one worker, the slowest
  # files first, conftest.py); beside the lab part on one: their time is hidden behind the lab part's,
  # whose hosts need the other core.
  # shellcheck disable=SC2046
  .venv/bin/python -m pytest -q -ra $([ "$run_lab" = 1 ] || printf '%s' '-n 2 --dist loadfile --no-loadscope-reorder') || rc=$?
  # The plugins' unit tests again on the lowest ansible-core of requires_ansible (.venv/core-lowest,
  # made by bootstrap.sh from tests/unit/requirements-lowest-ansible.txt).
  .venv/core-lowest/bin/python -m pytest -q -ra -p no:cacheprovider tests/unit/plugins \
    tests/unit/test_heketi_topology.py tests/unit/test_heketi_cluster_node_device.py tests/unit/test_gluster_cli.py \
    tests/unit/test_site_layout.py tests/unit/test_site_membership.py tests/unit/test_gluster_health.py || rc=$?
  return "$rc"
}
unit_rc=0
unit_tests > "$unit_log" 2>&1 || unit_rc=$?
if [ -n "$lab_pid" ]; then
  echo "run: the unit and integration tests ended (rc $unit_rc); their output ($unit_log):"
  cat "$unit_log"
  lab_rc=0
  wait "$lab_pid" || lab_rc=$?
  echo "run: the lab part (tests/lab.sh) ended (rc $lab_rc); the unit and integration tests: rc $unit_rc"
  [ "$lab_rc" = 0 ] || exit "$lab_rc"
fi
exit "$unit_rc"
