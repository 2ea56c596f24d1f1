#!/usr/bin/env python3
"""Site-loss experiment on the lab: write continuously to a stretched
``replica 3 arbiter 1`` volume, cut site a, measure.

Steps (the lab must be up and deployed with playbooks/site.yml):
1. (re)create volume VOL with bricks on gl-a1 (site a), gl-b1 (site b) and
   the arbiter on gl-c1 (tie-breaker site c), with the given
   network.ping-timeout and the stretch quorum options;
2. FUSE-mount it on this machine (a client that stays with sites b and c)
   and write fixed-size records, each fsync'ed before it counts as
   acknowledged;
3. after a few seconds cut site a (nftables), keep writing, then heal the
   cut and wait until Gluster's self-heal reports nothing pending;
4. check every acknowledged record on the mount (sequence number and
   sha256), and that both data bricks hold identical copies.

Prints and returns: the longest gap between two acknowledged writes (the
stall, in seconds), acknowledged and lost record counts, heal time.

The method is shared: cut_under_load(), wait_for_heal(), stall_after() and
lost() work with any writer that has start(), stop(), acks (seq, monotonic
time) and errors; lab/nfs_site_loss.py uses them with a writer on a lab
host that writes through the floating NFS address.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

from records import record, present

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = os.path.join(ROOT, "lab", "lab")
BRICKS = ["10.77.1.11:/bricks/brick1/{vol}", "10.77.2.11:/bricks/brick1/{vol}", "10.77.3.11:/bricks/brick1/{vol}"]
STRETCH_OPTIONS = {
    "cluster.quorum-type": "auto",        # client quorum: writes need 2 of the 3 bricks
    "cluster.server-quorum-type": "server",  # bricks of a site that lost pool quorum stop
    "cluster.favorite-child-policy": "mtime",
    "performance.write-behind": "off",    # an fsync'ed write is on the bricks, not in client cache
}


def lab(*args, check=True, capture=False):
    proc = subprocess.run([LAB] + list(args), stdout=subprocess.PIPE if capture else None,
                          universal_newlines=True, check=False)
    if check and proc.returncode:
        raise SystemExit("site_loss: lab %s failed" % " ".join(args))
    return proc.stdout if capture else proc.returncode


def gluster(host, *args, check=True):
    cmd = "gluster --mode=script " + " ".join(args)
    proc = subprocess.run([LAB, "ssh", host, cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    if check and proc.returncode:
        raise SystemExit("site_loss: %s on %s failed: %s" % (cmd, host, proc.stdout))
    return proc.stdout


def make_volume(vol, ping_timeout):
    if "Volume Name: %s" % vol in gluster("gl-b1", "volume info", vol, check=False):
        gluster("gl-b1", "volume stop", vol, check=False)
        gluster("gl-b1", "volume delete", vol)
    for host in ("gl-a1", "gl-b1", "gl-c1"):
        subprocess.run([LAB, "ssh", host, "rm -rf /bricks/brick1/" + vol], check=True)
    gluster("gl-b1", "volume create", vol, "replica 3 arbiter 1", " ".join(b.format(vol=vol) for b in BRICKS))
    options = dict(STRETCH_OPTIONS, **{"network.ping-timeout": str(ping_timeout)})
    for key, value in options.items():
        gluster("gl-b1", "volume set", vol, key, value)
    gluster("gl-b1", "volume start", vol)


class FuseWriter(threading.Thread):
    """Appends fsync'ed records to a file on this machine's FUSE mount; an acknowledged
    record is one whose fsync returned."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.acks = []  # (seq, time acknowledged)
        self.errors = []
        self.halt = threading.Event()

    def run(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        seq = 0
        while not self.halt.is_set():
            try:
                os.write(fd, record(seq))
                os.fsync(fd)
                self.acks.append((seq, time.monotonic()))
                seq += 1
            except OSError as err:  # e.g. quorum lost: the write is not acknowledged
                self.errors.append((seq, time.monotonic(), str(err)))
                time.sleep(0.2)
            time.sleep(0.05)
        os.close(fd)

    def stop(self):
        self.halt.set()
        self.join(60)

    def present(self):
        with open(self.path, "rb") as handle:
            return present(handle.read())


def heal_pending(vol, host="gl-b1"):
    out = gluster(host, "volume heal", vol, "info", check=False)
    return sum(int(line.split(":")[1]) for line in out.splitlines() if line.startswith("Number of entries:")
               and line.split(":")[1].strip().isdigit())


def cut_under_load(writer, site, before, during, after=3):
    """Start the writer, cut SITE after BEFORE seconds, heal it DURING seconds later, stop the
    writer AFTER seconds after that.  Returns the monotonic times of the cut, the heal and the end.
    The site is healed whatever happens."""
    cut = False
    try:
        writer.start()
        time.sleep(before)
        cut_at = time.monotonic()
        lab("cut", site)
        cut = True
        time.sleep(during)
        lab("heal", site)
        cut = False
        healed_at = time.monotonic()
        time.sleep(after)
        return cut_at, healed_at, time.monotonic()
    finally:
        if cut:  # an error while the site was cut: do not leave the lab cut
            lab("heal", site, check=False)
        writer.stop()


def wait_for_heal(vol, host="gl-b1", timeout=300):
    """Trigger self-heal and wait until nothing is pending; returns what is still pending."""
    gluster(host, "volume heal", vol, check=False)
    deadline = time.monotonic() + timeout
    pending = heal_pending(vol, host)
    while pending and time.monotonic() < deadline:
        time.sleep(2)
        pending = heal_pending(vol, host)
    return pending


def stall_after(acks, cut_at, end=None):
    """The longest gap between two acknowledged writes from the cut on (the cut counts as one),
    and, with END (when the writer stopped), up to it: writes that never resume are a stall too."""
    times = [cut_at] + [t for _s, t in acks if t >= cut_at] + ([end] if end is not None else [])
    return max((b - a for a, b in zip(times, times[1:])), default=float("inf"))


def lost(acks, found):
    return [seq for seq, _t in acks if seq not in found]


def brick_checksums(vol, filename, hosts=("gl-a1", "gl-b1")):
    sums = {}
    for host in hosts:
        sums[host] = subprocess.run([LAB, "ssh", host, "sha256sum /bricks/brick1/%s/%s" % (vol, filename)],
                                    stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout.split()[:1]
    return sums


def run(vol="stretch", ping_timeout=4, before=5, during=None, mountpoint="/mnt/metrostor-stretch"):
    during = during if during is not None else max(20, ping_timeout + 15)
    make_volume(vol, ping_timeout)
    os.makedirs(mountpoint, exist_ok=True)
    subprocess.run(["umount", "-l", mountpoint], stderr=subprocess.DEVNULL, check=False)
    subprocess.run(["mount", "-t", "glusterfs", "-o", "backup-volfile-servers=10.77.3.11",
                    "10.77.2.11:/" + vol, mountpoint], check=True)
    writer = FuseWriter(os.path.join(mountpoint, "records.log"))
    try:
        cut_at, healed_at, end = cut_under_load(writer, "a", before, during)
        pending = wait_for_heal(vol)
        heal_seconds = time.monotonic() - healed_at
        missing = lost(writer.acks, writer.present())
        sums = brick_checksums(vol, "records.log")
        return {"ping_timeout": ping_timeout, "stall_seconds": round(stall_after(writer.acks, cut_at, end), 2),
                "acknowledged": len(writer.acks), "lost": len(missing), "write_errors": len(writer.errors),
                "heal_pending": pending, "heal_seconds": round(heal_seconds, 1),
                "data_bricks_identical": sums["gl-a1"] == sums["gl-b1"]}
    finally:
        subprocess.run(["umount", "-l", mountpoint], stderr=subprocess.DEVNULL, check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--ping-timeout", type=int, default=4)
    parser.add_argument("--volume", default="stretch")
    parser.add_argument("--during", type=int, default=None, help="seconds site a stays cut")
    args = parser.parse_args()
    print(json.dumps(run(args.volume, args.ping_timeout, during=args.during), indent=2))


if __name__ == "__main__":
    sys.exit(main())
