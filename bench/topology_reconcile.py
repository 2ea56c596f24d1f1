#!/usr/bin/env python3
"""Reconcile a 100-node x 10-device topology against the real Heketi and the emulation.

For each server, prints the API calls and wall time of (1) the initial load,
(2) a no-op reconcile of the same topology (the state read with one
``GET /db/dump``) and (3) the same no-op when the dump is not available
(per-object reads, as with a key that may not read /db/dump).

* real: upstream Heketi v10 (tests/real_heketi.py: mock executor, BoltDB,
  JWT on, the heketi role's settings); needs root for its network namespace.
  When it cannot run here, the reason is printed and the exit status is 1.
* emulation: tests/heketi_emulator, a TEST DOUBLE answering from memory.

Usage: .venv/bin/python bench/topology_reconcile.py [NODES DEVICES] [--only real|emulation]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def importable_collection():
    """Make this checkout importable as ansible_collections.metrostor.gluster (a temporary link)."""
    tree = tempfile.mkdtemp(prefix="bench-collections-")
    os.makedirs(os.path.join(tree, "ansible_collections", "metrostor"))
    os.symlink(ROOT, os.path.join(tree, "ansible_collections", "metrostor", "gluster"))
    sys.path[:0] = [tree, ROOT]
    return tree


def topology(nodes, devices):
    out = []
    for i in range(nodes):
        zone = i % 3 + 1
        out.append({"node": {"hostnames": {"manage": ["node%03d" % i], "storage": ["10.%d.%d.%d" % (zone, i // 250, i % 250)]},
                             "zone": zone, "tags": {"arbiter": "required" if zone == 3 else "disabled"}},
                    "devices": ["/dev/sd%s" % chr(ord("b") + d) for d in range(devices)]})
    return {"clusters": [{"nodes": out}]}


def measure(client, topo):
    from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_topology import TopologyReconciler
    start, calls = time.perf_counter(), client.calls
    plan = TopologyReconciler(client, topo).plan()
    plan.apply([])
    return len(plan.steps), client.calls - calls, time.perf_counter() - start, plan.state_source


def bench(name, server, topo, nodes, devices):
    from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient, HeketiError

    class NoDumpClient(HeketiClient):
        """A client whose /db/dump is refused, as for a key that may not read it."""

        def db_dump(self):
            raise HeketiError("refused (bench: per-object reads)", status=401)

    client = HeketiClient(server.url, key=server.admin_key, poll_interval=0, timeout=120)
    steps, calls, secs, _src = measure(client, topo)
    print("%s: initial load %d nodes x %d devices: %d steps, %d API calls, %.2f s"
          % (name, nodes, devices, steps, calls, secs))
    failed = False
    for label, cli in (("no-op reconcile (one GET /db/dump)", client),
                       ("no-op reconcile without /db/dump (per-object reads)",
                        NoDumpClient(server.url, key=server.admin_key, poll_interval=0, timeout=120))):
        steps, calls, secs, src = measure(cli, topo)
        print("%s: %s: %d steps, %d API calls, %.3f s [state read from %s]" % (name, label, steps, calls, secs, src))
        failed = failed or bool(steps)
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nodes", nargs="?", type=int, default=100)
    parser.add_argument("devices", nargs="?", type=int, default=10)
    parser.add_argument("--only", choices=["real", "emulation"])
    args = parser.parse_args()
    tree = importable_collection()
    try:
        from tests.heketi_emulator import HeketiEmulator
        from tests.real_heketi import RealHeketi, available
        topo = topology(args.nodes, args.devices)
        bad, missing = False, None
        if args.only in (None, "real"):
            missing = available()
            if missing:
                print("real: cannot run here: %s" % missing)
            else:
                with RealHeketi() as real:
                    bad = bench("real", real, topo, args.nodes, args.devices) or bad
        if args.only in (None, "emulation"):
            with HeketiEmulator(pending_polls=0, max_inflight=1000) as emu:
                bad = bench("emulation", emu, topo, args.nodes, args.devices) or bad
        if bad:
            sys.exit("a no-op reconcile planned changes: not idempotent")
        if missing:
            sys.exit(1)
    finally:
        shutil.rmtree(tree, ignore_errors=True)


if __name__ == "__main__":
    main()
