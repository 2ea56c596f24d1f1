#!/usr/bin/env bash
# Install what the control node needs: Debian packages for the lab, and a
# Python virtualenv (.venv) with the pinned tooling and the collections from
# collections/requirements.yml.  Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

APT_PACKAGES=(debootstrap systemd-container dbus apt-utils iproute2 nftables iptables libnetfilter-queue-dev
              xfsprogs glusterfs-client openssh-client rsync bird2)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ] && [ "${SKIP_APT:-0}" != 1 ]; then
  echo "bootstrap: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
if ! cmp -s requirements.txt .venv/.requirements.installed 2>/dev/null; then
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -r requirements.txt
  cp requirements.txt .venv/.requirements.installed
fi
# The lowest ansible-core of meta/runtime.yml's requires_ansible, for the unit
# tests of the plugins (tests/run.sh); the venv above holds the highest.
LOWEST=tests/unit/requirements-lowest-ansible.txt
if ! cmp -s "$LOWEST" .venv/core-lowest/.requirements.installed 2>/dev/null; then
  rm -rf .venv/core-lowest
  python3 -m venv .venv/core-lowest
  .venv/core-lowest/bin/pip install -q -r "$LOWEST"
  cp "$LOWEST" .venv/core-lowest/.requirements.installed
fi
bash scripts/bootstrap-k8s-schemas.sh   # kubernetes-validate 1.24.1 (schemas 1.10-1.24) beside the venv's 1.37.0

# This checkout as the collection metrostor.gluster (the collections it depends
# on come with the pinned `ansible` package; AWX syncs collections/requirements.yml).
COLL="$ROOT/.venv/collections"
mkdir -p "$COLL/ansible_collections/metrostor"
ln -sfn "$ROOT" "$COLL/ansible_collections/metrostor/gluster"
echo "bootstrap: ok ($(.venv/bin/ansible --version | sed -n 1p); lowest: $(.venv/core-lowest/bin/ansible --version | sed -n 1p))"
