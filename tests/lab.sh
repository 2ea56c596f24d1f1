#!/usr/bin/env bash
# The lab part of the test run: bring the three-site lab up, run the molecule
# scenarios on it (default: converge, idempotence, testinfra verification
# including check mode and bad input; security_ci: the traffic capture, the
# refusals and a rotation under write load, the CI subset of molecule/security;
# stretch: site loss under write load), and take the lab down again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
keep="${METROSTOR_KEEP_LAB:-0}"
cleanup() { [ "$keep" = 1 ] || lab/lab down --purge || true; }
trap cleanup EXIT
lab/lab down --purge >/dev/null 2>&1 || true
lab/lab up

# Check mode on the fresh lab: predicts changes, fails nowhere, installs nothing.
mkdir -p .lab
if ! ansible-playbook playbooks/site.yml --check > .lab/check-fresh.log 2>&1; then
  tail -40 .lab/check-fresh.log; echo "lab: site.yml --check failed on the fresh lab"; exit 1
fi
grep -Eq 'changed=[1-9]' .lab/check-fresh.log || { echo "lab: check mode predicted no change on a fresh lab"; exit 1; }
for h in gl-a1 gl-c1; do
  if lab/lab ssh "$h" 'dpkg -s glusterfs-server >/dev/null 2>&1 || test -e /etc/heketi'; then
    echo "lab: check mode changed $h"; exit 1
  fi
done
echo "lab: site.yml --check on the fresh lab predicted changes and changed nothing"

molecule test -s default
# on the lab as default leaves it; removes its test volumes, puts the inventory's JWT keys back
molecule test -s security_ci
molecule test -s stretch
# Not in CI for now, each its own command on the lab this leaves (README): the DR drill (molecule/dr_ci),
# the AWX job templates (tests/lab-awx.sh, after molecule/dr/converge.yml) and the day-2 stage
# (molecule/day2_ci).  In the CI-like run of 2026-11-26 the drill's failback stalled (the reverse
# session's checkpoint after its restart did not complete in 300 s), so the stages after it never ran;
# until that is fixed, a chain of them would make CI fail on the drill's flake.
