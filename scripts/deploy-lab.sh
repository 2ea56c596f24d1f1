#!/usr/bin/env bash
# Deploy the stack onto the local three-site lab: install the tooling, build
# and start the lab hosts, run playbooks/site.yml.  Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
lab/lab up
.venv/bin/ansible-playbook -i inventories/lab/hosts.yml playbooks/site.yml "$@"
