#!/usr/bin/env python3
"""Reconcile a 100-node x 10-device topology against the Heketi emulation.

Prints the API calls and wall time of (1) the initial load and (2) a no-op
reconcile of the same topology.  The emulation (tests/heketi_emulator, a TEST
DOUBLE) answers from memory, so the figures measure the client and the
reconciler, not Gluster.  Usage: python bench/topology_reconcile.py [NODES DEVICES]
"""
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import conftest  # noqa: E402,F401  (makes the checkout importable as the collection)

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient  # noqa: E402
from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_topology import TopologyReconciler  # noqa: E402
from tests.heketi_emulator import HeketiEmulator  # noqa: E402


def topology(nodes, devices):
    out = []
    for i in range(nodes):
        zone = i % 3 + 1
        out.append({"node": {"hostnames": {"manage": ["node%03d" % i], "storage": ["10.%d.0.%d" % (zone, i)]},
                             "zone": zone, "tags": {"arbiter": "required" if zone == 3 else "disabled"}},
                    "devices": ["/dev/sd%s" % chr(ord("b") + d) for d in range(devices)]})
    return {"clusters": [{"nodes": out}]}


def run(client, topo):
    start, calls = time.perf_counter(), client.calls
    plan = TopologyReconciler(client, topo).plan()
    plan.apply([])
    return len(plan.steps), client.calls - calls, time.perf_counter() - start


def main():
    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    devices = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    topo = topology(nodes, devices)
    with HeketiEmulator(pending_polls=0, max_inflight=1000) as emu:
        client = HeketiClient(emu.url, key=emu.admin_key, poll_interval=0)
        steps, calls, secs = run(client, topo)
        print("initial load: %d nodes x %d devices: %d steps, %d API calls, %.2f s" % (nodes, devices, steps, calls, secs))
        steps, calls, secs = run(client, topo)
        print("no-op reconcile: %d steps, %d API calls, %.3f s" % (steps, calls, secs))
        if steps:
            sys.exit("a no-op reconcile planned changes: not idempotent")


if __name__ == "__main__":
    main()
