#!/usr/bin/env python3
"""Day-2 operations under write load, on the lab: the method of lab/site_loss.py
(fsync'ed records through this machine's FUSE mount, every acknowledged record
checked afterwards) around an operation instead of a site cut.

    outcome = under_load("day2", BRICKS, operation)

1. (re)create VOL (replica 3 arbiter 1, the stretch options of site_loss.py)
   on the given bricks, FUSE-mount it here and start site_loss.FuseWriter;
2. run ``operation()``: it breaks something and repairs it (e.g. detach a disk,
   then run playbooks/replace_device.yml) and returns a dict with at least
   ``failed_at`` (monotonic time of the failure, or of the start of the
   operation) and ``repaired_at`` (when the playbook said full redundancy);
3. stop the writer, wait until self-heal reports nothing pending, check every
   acknowledged record on the mount, and that the data bricks of each replica
   set that holds the file are identical.

Returns the operation's dict plus: acknowledged, lost, write_errors, the longest
write stall from the failure on, heal_pending, seconds_to_full_redundancy
(failure -> nothing pending heal and every brick online) and
data_bricks_identical.  bench/day2_operations.py prints them; molecule/day2
asserts on them.
"""

import os
import subprocess
import time

import site_loss  # the method (writer, heal wait, stall, lost records) is site_loss.py's
from site_loss import LAB, FuseWriter, gluster, lost, stall_after, wait_for_heal

RECORDS = "records.log"


def make_volume(vol, bricks, host="gl-b1", ping_timeout=4):
    """A fresh replica 3 arbiter 1 volume on BRICKS (host:/path, arbiter third), with the
    stretch options site_loss.py uses."""
    if "Volume Name: %s" % vol in gluster(host, "volume info", vol, check=False):
        gluster(host, "volume stop", vol, check=False)
        gluster(host, "volume delete", vol)
    remove_brick_leftovers(vol, bricks)
    gluster(host, "volume create", vol, "replica 3 arbiter 1", " ".join(bricks), "force")
    options = dict(site_loss.STRETCH_OPTIONS, **{"network.ping-timeout": str(ping_timeout)})
    for key, value in options.items():
        gluster(host, "volume set", vol, key, value)
    gluster(host, "volume start", vol)


def remove_brick_leftovers(vol, bricks):
    """The brick directories an earlier experiment left for VOL on the hosts of BRICKS: VOL itself and
    its siblings VOL-N (a scale-out's added sets) and VOL-rebuilt* (a brick that replace_node moved beside
    its old directory).  Left behind, they are "already part of a volume" for the next add-brick or
    replace-brick.  Lab cleanup of the test volume only (it is deleted when this runs)."""
    names = address_to_lab_host()
    for address in sorted(set(b.split(":", 1)[0] for b in bricks)):
        roots = sorted(set(b.split(":", 1)[1].rsplit("/", 1)[0] for b in bricks if b.startswith(address + ":")))
        paths = " ".join("%s/%s %s/%s-[0-9]* %s/%s-rebuilt*" % (r, vol, r, vol, r, vol) for r in roots)
        subprocess.run([LAB, "ssh", names.get(address, address), "rm -rf " + paths], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)


def delete_volume(vol, host="gl-b1"):
    gluster(host, "volume stop", vol, check=False)
    gluster(host, "volume delete", vol, check=False)


def address_to_lab_host():
    import yaml
    with open(os.path.join(site_loss.ROOT, "inventories", "lab", "hosts.yml")) as handle:
        inv = yaml.safe_load(handle)
    out = {}

    def walk(group):
        for name, hv in (group.get("hosts") or {}).items():
            if hv and hv.get("ansible_host"):
                out[hv["ansible_host"]] = name
        for child in (group.get("children") or {}).values():
            walk(child or {})
    walk(inv["all"])
    extra = os.environ.get("METROSTOR_LAB_EXTRA_INVENTORY")
    if extra:
        with open(extra) as handle:
            walk(yaml.safe_load(handle)["all"])
    return out


def volume_sets(vol, host="gl-b1"):
    """The replica sets of VOL as lists of host:/path (from gluster volume info)."""
    out = gluster(host, "volume info", vol)
    bricks = [line.split(":", 1)[1].strip() for line in out.splitlines()
              if line.startswith("Brick") and line[5:6].isdigit()]
    bricks = [b.replace(" (arbiter)", "") for b in bricks]
    return [bricks[i:i + 3] for i in range(0, len(bricks), 3)]


def data_bricks_identical(vol, host="gl-b1"):
    """For every replica set holding the records (a data file, not a zero-size DHT link), the two
    data bricks' copies have the same sha256; the sets checked are returned."""
    names = address_to_lab_host()
    checked = {}
    for rset in volume_sets(vol, host):
        sums = []
        for brick in rset[:2]:
            address, path = brick.split(":", 1)
            out = subprocess.run([LAB, "ssh", names.get(address, address),
                                  "f=%s/%s; [ -s $f ] && sha256sum $f | cut -d' ' -f1" % (path, RECORDS)],
                                 stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout.strip()
            sums.append(out)
        if any(sums):
            checked[" ".join(rset[:2])] = sums
    return bool(checked) and all(a == b and a for a, b in checked.values()), checked


def under_load(vol, bricks, operation, mountpoint="/mnt/metrostor-day2", keep_volume=True):
    make_volume(vol, bricks)
    os.makedirs(mountpoint, exist_ok=True)
    subprocess.run(["umount", "-l", mountpoint], stderr=subprocess.DEVNULL, check=False)
    subprocess.run(["mount", "-t", "glusterfs", "-o", "backup-volfile-servers=10.77.3.11:10.77.1.11",
                    "10.77.2.11:/" + vol, mountpoint], check=True)
    writer = FuseWriter(os.path.join(mountpoint, RECORDS))
    try:
        writer.start()
        time.sleep(3)
        started = time.monotonic()
        result = dict(operation() or {})
        time.sleep(2)
        stopped_at = time.monotonic()
        writer.stop()
        pending = wait_for_heal(vol)
        redundant_at = time.monotonic()
        failed_at = result.get("failed_at", started)
        missing = lost(writer.acks, writer.present())
        identical, sums = data_bricks_identical(vol)
        result.update({
            "acknowledged": len(writer.acks), "lost": len(missing), "write_errors": len(writer.errors),
            # up to the writer's stop: writes that hang until the end are a stall too
            "stall_seconds": round(stall_after(writer.acks, failed_at, stopped_at), 2),
            "heal_pending": pending,
            "seconds_to_full_redundancy": round(result.get("repaired_at", redundant_at) - failed_at, 1)
            if pending == 0 else None,
            "data_bricks_identical": identical, "data_brick_sums": sums})
        for key in ("failed_at", "repaired_at"):
            result.pop(key, None)
        return result
    finally:
        if writer.is_alive():
            writer.stop()
        subprocess.run(["umount", "-l", mountpoint], stderr=subprocess.DEVNULL, check=False)
        if not keep_volume:
            delete_volume(vol)
