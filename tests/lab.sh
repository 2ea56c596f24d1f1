#!/usr/bin/env bash
# The lab part of the test run: bring the three-site lab up, run the molecule
# scenarios on it (default: converge, idempotence, testinfra verification
# including check mode and bad input; stretch: site loss under write load),
# and take the lab down again.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
keep="${METROSTOR_KEEP_LAB:-0}"
cleanup() { [ "$keep" = 1 ] || lab/lab down --purge || true; }
trap cleanup EXIT
lab/lab down --purge >/dev/null 2>&1 || true
lab/lab up
molecule test -s default
molecule test -s stretch
