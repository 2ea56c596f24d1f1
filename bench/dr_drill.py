#!/usr/bin/env python3
"""RPO and RTO of a failover to the DR site, with 30 ms to the DR site.

Runs lab/dr_drill.py on the local lab (needs root, `lab/lab up`,
playbooks/site.yml and playbooks/dr_georep.yml applied, drvol declared in
metrostor_dr_site): `lab delay d MS` (default 30), then for each mode a
failover and a failback under a steady write load of fsync'ed 256-byte records
from this machine: planned (the primary fenced, final checkpoint) and unplanned
(sites a, b and c cut while writing: no final sync).  Prints a table with the
write rate, acknowledged and lost writes, RPO and RTO beside the targets
(planned RPO 0; unplanned RPO <= 60 s; RTO <= 120 s).  The unplanned RPO is
measured from the write log: the span of acknowledged writes (before the cut)
that the DR copy lacks, in seconds and in records; the playbook's own
estimate (from the DR copy's newest data and last recorded checkpoint) is
printed beside it.
Usage: python bench/dr_drill.py [--delay MS] [--modes planned,unplanned] [--before S] [--during S] [--report FILE]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "lab"))
import dr_drill  # noqa: E402

TARGETS = {"failover-planned": ("0", "120"), "failover-unplanned": ("60", "120"), "failback": ("0", "-")}


def table(results, delay):
    lines = ["", "DR site delay: %d ms" % delay]
    row = "%-19s %-9s %-7s %-5s %-9s %-8s %-9s %-8s %s"
    lines.append(row % ("phase", "writes/s", "acked", "lost", "RPO (s)", "RPO tgt", "RTO (s)", "RTO tgt",
                        "copies identical"))
    for r in results:
        rpo_t, rto_t = TARGETS[r["phase"]]
        acked = r.get("acknowledged", r.get("written_on_dr"))
        rto = r.get("rto_seconds", r.get("playbook_seconds"))
        lines.append(row % (r["phase"], r["write_rate_per_s"], acked, r["lost"], r.get("rpo_seconds", 0), rpo_t, rto,
                            rto_t, r.get("copies_identical", "-")))
        report = r.get("playbook_report") or {}
        lines.append("    playbook %.1f s; its report: %s" % (r["playbook_seconds"], json.dumps(report)))
        if r["phase"] == "failover-unplanned":
            lines.append("    unplanned: %d acknowledged records lost (%.2f s of writes before the cut); the "
                         "playbook estimated RPO %s s (newest data), bound %s s (last recorded checkpoint)"
                         % (r["lost"], r["rpo_seconds"], report.get("rpo_seconds"), report.get("rpo_bound_seconds")))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("delay_ms", nargs="?", type=int, default=None, help="(old form of --delay)")
    parser.add_argument("--delay", type=int, default=30, help="ms added towards the DR site (lab delay d)")
    parser.add_argument("--modes", default="planned,unplanned")
    parser.add_argument("--before", type=int, default=30, help="seconds of writes before each failover")
    parser.add_argument("--during", type=int, default=15, help="seconds of writes on the DR site before failback")
    parser.add_argument("--twice", action="store_true", help="run each playbook a second time")
    parser.add_argument("--report", help="also write the results (JSON) to this file")
    args = parser.parse_args()
    delay = args.delay_ms if args.delay_ms is not None else args.delay
    lab = os.path.join(ROOT, "lab", "lab")
    subprocess.run([lab, "delay", "d", str(delay)], check=True)
    try:
        results = dr_drill.run("drvol", tuple(args.modes.split(",")), before=args.before, during=args.during,
                               check_twice=args.twice)
    finally:
        subprocess.run([lab, "delay", "d", "0"], check=False)
    if args.report:
        with open(args.report, "w") as handle:
            json.dump(results, handle, indent=2)
    print(table(results, delay))


if __name__ == "__main__":
    main()
