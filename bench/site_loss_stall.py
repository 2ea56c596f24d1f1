#!/usr/bin/env python3
"""Write stall when a data site is lost, with Gluster's default
network.ping-timeout (42 s) and with ours (4 s).

Runs lab/site_loss.py on the local lab (needs root, `lab/lab up` and
playbooks/site.yml applied) and prints, for each ping-timeout, the longest
gap between two acknowledged (fsync'ed) writes after site a is cut, and the
acknowledged writes lost.  Usage: python bench/site_loss_stall.py [TIMEOUT ...]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lab"))
import site_loss  # noqa: E402


def main():
    timeouts = [int(t) for t in sys.argv[1:]] or [42, 4]
    print("%-14s %-14s %-13s %-6s %s" % ("ping-timeout", "stall (s)", "acknowledged", "lost", "bricks identical"))
    for timeout in timeouts:
        r = site_loss.run(vol="bench%d" % timeout, ping_timeout=timeout, during=max(20, 2 * timeout + 15))
        print("%-14s %-14s %-13s %-6s %s" % (timeout, r["stall_seconds"], r["acknowledged"], r["lost"],
                                             r["data_bricks_identical"]), flush=True)


if __name__ == "__main__":
    main()
