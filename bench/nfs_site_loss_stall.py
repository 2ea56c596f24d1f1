#!/usr/bin/env python3
"""Write stall when the data site of the active NFS head is lost, next to the
FUSE figure of the same experiment.

Runs, on the local lab (root; `lab/lab up`, playbooks/site.yml and
playbooks/nfs.yml applied): lab/nfs_site_loss.py (a worker in site b writes
fsync'ed records over NFSv3 through the floating address, libnfs, while site
a and its NFS head are cut) and lab/site_loss.py (a FUSE client writes
fsync'ed records while site a is cut, network.ping-timeout 4 s).  Prints, for
each, how long site a was cut, the longest gap between two acknowledged writes
and the acknowledged writes lost.  Site a stays cut 45 s on the NFS path, longer
than the 30 s allowed: a stall that only ends when the site returns shows as
such, not as a takeover.  Usage: python bench/nfs_site_loss_stall.py [--nfs-only]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lab"))
import nfs_site_loss  # noqa: E402
import site_loss  # noqa: E402

NFS_CUT_SECONDS = 45
FUSE_CUT_SECONDS = 25


def main():
    rows = [("NFSv3 via floating address (libnfs, k8s-b1)", NFS_CUT_SECONDS, nfs_site_loss.run(during=NFS_CUT_SECONDS))]
    if "--nfs-only" not in sys.argv[1:]:
        rows.append(("FUSE (control node, ping-timeout 4 s)", FUSE_CUT_SECONDS,
                     site_loss.run(vol="benchfuse", ping_timeout=4, during=FUSE_CUT_SECONDS)))
    print("%-46s %-8s %-10s %-13s %-5s %s" % ("client path", "cut (s)", "stall (s)", "acknowledged", "lost",
                                              "heal pending"))
    for name, cut, r in rows:
        print("%-46s %-8s %-10s %-13s %-5s %s" % (name, cut, r["stall_seconds"], r["acknowledged"], r["lost"],
                                                  r["heal_pending"]), flush=True)


if __name__ == "__main__":
    main()
