#!/usr/bin/env python3
"""Time playbooks/openstack_provision.yml against the lab OpenStack (lab/lab openstack up).

Provisions a deployment of its own (metrostor-bench: N nodes in each data site, one tie-breaker,
the volumes of inventories/openstack/group_vars/all.yml), then re-runs it (a no-op) and tears it
down, and prints wall times with servers and volumes per minute.  Each create of a server includes
its port and the wait for ACTIVE; each volume includes the wait for available and its attachment.
The lab cloud runs nova's fake virt driver, so these are control-plane figures (API, scheduler,
placement, neutron port binding, cinder on the NFS driver) on a 2-core machine shared with others.

Usage: .venv/bin/python bench/openstack_provision.py [--per-site N]   (default 2: 2+2+1 nodes)
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLOUDS_YAML = os.path.join(ROOT, ".lab", "openstack", "clouds.yaml")
DEPLOYMENT = "metrostor-bench"


def plan_inventory(per_site):
    """A plan like inventories/openstack/plan.yml with PER_SITE nodes in each data site, same group_vars."""
    tree = tempfile.mkdtemp(prefix="bench-openstack-")
    os.symlink(os.path.join(ROOT, "inventories", "openstack", "group_vars"), os.path.join(tree, "group_vars"))
    lines = ["all:", "  children:", "    gluster_nodes:", "      children:"]
    for site, net in (("a", 1), ("b", 2)):
        lines += ["        site_%s:" % site, "          hosts:"]
        lines += ["            bench-%s%d: {ansible_host: 10.81.%d.%d}" % (site, i, net, 100 + i) for i in range(1, per_site + 1)]
    lines += ["        site_tiebreaker:", "          hosts:", "            bench-c1: {ansible_host: 10.81.3.100}",
              "    heketi:", "      hosts:", "        bench-c1:"]
    with open(os.path.join(tree, "plan.yml"), "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return tree


def provision(tree, *extra):
    env = dict(os.environ, OS_CLIENT_CONFIG_FILE=CLOUDS_YAML, ANSIBLE_STDOUT_CALLBACK="default",
               PATH=os.path.join(ROOT, ".venv", "bin") + os.pathsep + os.environ["PATH"])
    cmd = ["ansible-playbook", "-i", os.path.join(tree, "plan.yml"), "playbooks/openstack_provision.yml",
           "-e", "openstack_nodes_deployment=" + DEPLOYMENT] + list(extra)
    started = time.time()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    seconds = time.time() - started
    recap = re.search(r"changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)", proc.stdout)
    if proc.returncode != 0 or not recap:
        sys.stdout.write(proc.stdout[-4000:])
        raise SystemExit("bench: ansible-playbook %s failed (exit %d)" % (" ".join(extra), proc.returncode))
    return seconds, int(recap.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-site", type=int, default=2)
    args = parser.parse_args()
    if not os.path.exists(CLOUDS_YAML):
        print("bench: the lab OpenStack is not up (no %s): run lab/lab openstack up" % CLOUDS_YAML)
        return 1
    servers = 2 * args.per_site + 1
    volumes = 2 * args.per_site * 2 + 1  # group_vars: 2 bricks per data node, 1 arbiter volume
    tree = plan_inventory(args.per_site)
    try:
        provision(tree, "-e", "openstack_nodes_state=absent")  # start from nothing
        create, changed = provision(tree)
        rerun, rerun_changed = provision(tree)
        teardown, _teardown_changed = provision(tree, "-e", "openstack_nodes_state=absent")
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    print("openstack provision (lab cloud, fake virt driver): %d servers, %d volumes (%d+%d+1 nodes)"
          % (servers, volumes, args.per_site, args.per_site))
    print("  create:   %6.1f s  (%d tasks changed)  %.1f servers/min, %.1f volumes/min"
          % (create, changed, servers * 60 / create, volumes * 60 / create))
    print("  re-run:   %6.1f s  (%d changed)" % (rerun, rerun_changed))
    print("  teardown: %6.1f s" % teardown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
