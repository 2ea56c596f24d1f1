#!/usr/bin/env python3
"""RPO and RTO of a failover to the DR site, with 30 ms to the DR site.

Runs lab/dr_drill.py on the local lab (needs root, `lab/lab up`,
playbooks/site.yml and playbooks/dr_georep.yml applied, drvol declared in
metrostor_dr_site): `lab delay d MS` (default 30), then a planned failover and
failback, and an unplanned failover (sites a, b and c cut) and failback, each
under a steady write load of fsync'ed 256-byte records from this machine.
Prints a table with the write rate, acknowledged and lost writes, RPO and RTO
beside the targets (planned RPO 0; unplanned RPO <= 60 s; RTO <= 120 s).
Usage: python bench/dr_drill.py [DELAY_MS]
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "lab"))
import dr_drill  # noqa: E402

TARGETS = {"failover-planned": ("0", "120"), "failover-unplanned": ("60", "120"), "failback": ("0", "-")}


def main():
    delay = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    lab = os.path.join(ROOT, "lab", "lab")
    subprocess.run([lab, "delay", "d", str(delay)], check=True)
    try:
        results = dr_drill.run("drvol", ("planned", "unplanned"), before=30, during=15)
    finally:
        subprocess.run([lab, "delay", "d", "0"])
    print("\nDR site delay: %d ms" % delay)
    row = "%-19s %-9s %-7s %-5s %-9s %-9s %-9s %-11s %s"
    print(row % ("phase", "writes/s", "acked", "lost", "RPO (s)", "RPO tgt", "RTO (s)", "RTO tgt", "copies identical"))
    for r in results:
        rpo_t, rto_t = TARGETS[r["phase"]]
        acked = r.get("acknowledged", r.get("written_on_dr"))
        rto = r.get("rto_seconds", r.get("playbook_seconds"))
        print(row % (r["phase"], r["write_rate_per_s"], acked, r["lost"], r.get("rpo_seconds", 0), rpo_t, rto,
                     rto_t, r.get("copies_identical", "-")))
        print("    playbook %.1f s; its report: %s" % (r["playbook_seconds"], r["playbook_report"]))


if __name__ == "__main__":
    main()
