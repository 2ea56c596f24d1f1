#!/usr/bin/env python3
"""Day-2 operations under write load on the lab: per operation, the time from the failure to full
redundancy (every brick online, nothing pending heal) and the longest write stall, with the
acknowledged writes lost (lab/day2_operations.py, the method of lab/site_loss.py).

    python bench/day2_operations.py            # runs every operation (root, lab up and deployed; ~20 min)
    python bench/day2_operations.py --only replace_device
    python bench/day2_operations.py --last     # prints what the last molecule/day2 run measured
    python bench/day2_operations.py --last --outcomes outcomes-ci.json   # ... the last CI stage (molecule/day2_ci)

The rolling upgrade runs on its own hosts, not here: tests/lab-upgrade.sh (lab/upgrade_run.py) keeps its
outcome under "rolling_upgrade" in outcomes.json, and --last prints it in the table with its per-node figures.
"""
import argparse
import json
import os
import platform
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "lab"))
OUTCOMES = os.path.join(ROOT, ".lab", "day2", "outcomes.json")


def run_all(only):
    import day2_operations as ops
    steps = [("replace_device_brick_disk", lambda: ops.replace_device("gl-a2", "vdb")),
             ("replace_device_heketi_disk", lambda: ops.replace_device("gl-a2", "vdc")),
             ("replace_node", lambda: ops.replace_node("gl-b2")),
             ("scale_out", lambda: ops.scale_out(("gl-a3", "gl-b3"))),
             ("heketi_failover", lambda: ops.heketi_failover("gl-a2", "gl-c1", "c"))]
    out = {}
    for name, step in steps:
        if only and not name.startswith(only):
            continue
        try:
            out[name] = step()
        finally:
            if name == "scale_out":
                ops.scale_in(("gl-a3", "gl-b3"))
    return out


def table(outcomes):
    rows = ["| operation | playbook (s) | time to full redundancy (s) | longest write stall (s) | acknowledged | lost "
            "| pending heal | data bricks identical | second run changed |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, o in outcomes.items():
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            o.get("operation", name), o.get("playbook_seconds"), o.get("seconds_to_full_redundancy"),
            o.get("stall_seconds"), o.get("acknowledged"), o.get("lost"), o.get("heal_pending"),
            "yes" if o.get("data_bricks_identical") else "no", o.get("second_changed")))
    for name, o in outcomes.items():
        # the rolling upgrade (lab/upgrade_run.py): each node's turn, from its bricks' stop to full
        # redundancy, and the longest write stall within its turn
        for node in o.get("nodes") or []:
            rows.append("| %s: upgraded in turn | %s | %s (bricks stopped -> full redundancy) | %s | | | | | |" % (
                node.get("host"), node.get("turn_seconds"), node.get("stop_to_full_redundancy_seconds"),
                node.get("longest_stall_seconds")))
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--only", help="run only the operations whose name starts with this")
    parser.add_argument("--last", action="store_true", help="print the last molecule/day2 run's outcomes")
    parser.add_argument("--outcomes", default=os.path.basename(OUTCOMES),
                        help="with --last: the file in .lab/day2 (outcomes-ci.json: the CI stage, molecule/day2_ci)")
    args = parser.parse_args()
    if args.last:
        path = os.path.join(os.path.dirname(OUTCOMES), args.outcomes)
        with open(path) as handle:
            outcomes = json.load(handle)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(path)))
    else:
        outcomes = run_all(args.only)
        stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print("day-2 operations under FUSE write load (fsync'ed 512-byte records), %s, %s, %d CPUs" % (
        stamp, platform.node(), os.cpu_count()))
    print(table(outcomes))
    phases = dict((o.get("operation", name), o["phase_seconds"]) for name, o in outcomes.items() if o.get("phase_seconds"))
    for operation, seconds in phases.items():
        print("%s, seconds per phase: %s" % (operation, ", ".join("%s %s" % kv for kv in seconds.items())))
    print(json.dumps(outcomes, indent=2, sort_keys=True))


if __name__ == "__main__":
    sys.exit(main())
