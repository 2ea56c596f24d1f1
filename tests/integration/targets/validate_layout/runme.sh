#!/usr/bin/env bash
# metrostor.gluster.validate_layout accepts the lab's and the example production inventory's
# layouts, and metrostor.gluster.site refuses a 3+1+1 layout before it contacts any host.
#   ansible-test integration validate_layout
set -eux -o pipefail
# The inventories are not part of ansible-test's copy of the tests: read them from the collection
# that ansible runs (the one ansible-test put on the collections path).
ROOT=$(ansible-galaxy collection list metrostor.gluster --format json \
       | python -c 'import json, sys; paths = json.load(sys.stdin); print(next(iter(paths)))')/metrostor/gluster
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

ansible-playbook -i "$ROOT/inventories/lab/hosts.yml" metrostor.gluster.validate_layout "$@" | tee "$OUT/lab.log"
grep -q "5 nodes per site" "$OUT/lab.log"

ansible-playbook -i "$ROOT/inventories/three_site/hosts.yml" metrostor.gluster.validate_layout "$@" | tee "$OUT/three_site.log"
grep -q "'dc1': 2, 'dc2': 2, 'tb': 1" "$OUT/three_site.log"

# The unsafe layout's hosts do not exist: a refusal after a connection attempt would show UNREACHABLE.
if ansible-playbook -i "$ROOT/tests/integration/inventories/unsafe_3_1_1.yml" metrostor.gluster.site "$@" > "$OUT/unsafe.log" 2>&1; then
    cat "$OUT/unsafe.log"
    echo "site.yml accepted a 3+1+1 layout" >&2
    exit 1
fi
cat "$OUT/unsafe.log"
grep -q "losing site a (3 of 5 nodes) leaves 2 of 5 glusterd (40%)" "$OUT/unsafe.log"
# (`! grep` would not stop `set -e`)
if grep -E "UNREACHABLE|Gathering Facts" "$OUT/unsafe.log"; then
    echo "site.yml contacted a host before refusing the layout" >&2
    exit 1
fi
