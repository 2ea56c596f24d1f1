#!/usr/bin/env python3
"""DR drill on the lab: write to the primary volume, fail over to the DR site,
verify, fail back; measure RPO, RTO and lost writes.

The lab must be up and deployed (playbooks/site.yml, then playbooks/dr_georep.yml
with the volume VOL declared in metrostor_dr_site).  This machine is the client:
it FUSE-mounts the primary volume from the metro sites and the DR copy from
site d, and appends fixed-size records, each fsync'ed before it counts as
acknowledged (sequence number, wall time, sha256).

planned:   write for a while, run playbooks/dr_failover.yml while writing (it
           fences the primary: writes after the fence fail and are not
           acknowledged), then count the acknowledged records on the DR copy.
unplanned: write, cut sites a, b and c (the whole primary region) while
           writing, run dr_failover.yml -e gluster_dr_mode=unplanned, count the
           acknowledged records on the DR copy; RPO = the span of acknowledged
           writes missing from it.
failback:  write on the promoted DR copy, heal the primary region, run
           playbooks/dr_failback.yml, and check that every record written on the DR
           site is on the primary volume, and that both copies have the same sha256.

Prints (and returns) a JSON report per phase.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = os.path.join(ROOT, "lab", "lab")
PLAYBOOK = os.path.join(ROOT, ".venv", "bin", "ansible-playbook")
RECORD = 256
PRIMARY_SERVERS = ("10.77.2.11", "10.77.1.11", "10.77.3.11")
DR_SERVER = "10.77.4.11"
PRIMARY_REGION = ("a", "b", "c")
# The repository's ansible.cfg (inventory: the lab), also when called from molecule's verifier, whose
# ANSIBLE_CONFIG names molecule's own configuration (no inventory in it).
ENV = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")


def lab(*args, check=True):
    proc = subprocess.run([LAB] + list(args), stdout=subprocess.DEVNULL, check=False)
    if check and proc.returncode:
        raise SystemExit("dr_drill: lab %s failed" % " ".join(args))


def playbook(name, *extra):
    """Run a playbook; return (rc, seconds, the DR REPORT it printed, output tail)."""
    start = time.monotonic()
    proc = subprocess.run([PLAYBOOK, os.path.join(ROOT, "playbooks", name)] + list(extra), cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          env=ENV, check=False)
    seconds = time.monotonic() - start
    os.makedirs(os.path.join(ROOT, ".lab"), exist_ok=True)
    with open(os.path.join(ROOT, ".lab", "dr-drill-%s-%d.log" % (name.split(".")[0], int(time.time()))), "w") as log:
        log.write(proc.stdout)
    report = None
    for match in re.finditer(r'"msg": "DR REPORT (.*)"\s*$', proc.stdout, re.M):
        report = json.loads(json.loads('"%s"' % match.group(1)))
    return proc.returncode, round(seconds, 1), report, proc.stdout[-3000:]


def mount(server, volume, path, backups=()):
    os.makedirs(path, exist_ok=True)
    subprocess.run(["umount", "-l", path], stderr=subprocess.DEVNULL, check=False)
    opts = ["-o", "backup-volfile-servers=" + ":".join(backups)] if backups else []
    subprocess.run(["mount", "-t", "glusterfs"] + opts + ["%s:/%s" % (server, volume), path], check=True)


def umount(path):
    subprocess.run(["umount", "-l", path], stderr=subprocess.DEVNULL, check=False)


def record(seq, stamp):
    body = ("%012d %.6f" % (seq, stamp)).encode()
    return (body + b" " + hashlib.sha256(body).hexdigest().encode()).ljust(RECORD - 1, b".") + b"\n"


def read_records(path):
    """{seq: wall time written} of the intact records in a file."""
    found = {}
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return found
    for i in range(0, len(data) - RECORD + 1, RECORD):
        rec = data[i:i + RECORD]
        try:
            seq, stamp = int(rec[:12]), float(rec[13:30])
        except ValueError:
            continue
        if rec == record(seq, stamp):
            found[seq] = stamp
    return found


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Writer(threading.Thread):
    """Appends fsync'ed records; a record is acknowledged when its fsync returned."""

    def __init__(self, path, first_seq=0, interval=0.05):
        super().__init__(daemon=True)
        self.path, self.seq, self.interval = path, first_seq, interval
        self.acks = []      # (seq, wall time written, monotonic time acknowledged)
        self.errors = 0
        self.stop = threading.Event()

    def run(self):
        fd = None
        while not self.stop.is_set():
            try:
                if fd is None:
                    fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
                stamp = time.time()
                os.write(fd, record(self.seq, stamp))
                os.fsync(fd)
                self.acks.append((self.seq, stamp, time.monotonic()))
                self.seq += 1
            except OSError:   # read-only (fenced), or the primary is gone: not acknowledged
                self.errors += 1
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                    fd = None
                time.sleep(0.5)
                continue
            time.sleep(self.interval)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def rate(self):
        if len(self.acks) < 2:
            return 0.0
        return round((len(self.acks) - 1) / (self.acks[-1][2] - self.acks[0][2]), 1)


def compare(acks, present):
    lost = [(seq, stamp) for seq, stamp, _m in acks if seq not in present]
    newest_acked = max((stamp for _s, stamp, _m in acks), default=None)
    if not lost:
        rpo = 0.0
    else:
        kept = [present[s] for s, _st, _m in acks if s in present]
        rpo = newest_acked - (max(kept) if kept else min(st for _s, st in lost))
    return lost, round(rpo, 2)


def schedule_run(vol):
    """One run of a DR schedule 'drill' for VOL (playbooks/dr_schedule_run.yml): its seconds and report."""
    os.makedirs(os.path.join(ROOT, ".lab"), exist_ok=True)
    varsfile = os.path.join(ROOT, ".lab", "dr-drill-schedule.json")
    with open(varsfile, "w") as handle:
        json.dump({"metrostor_dr_schedules": [{"name": "drill", "volumes": [vol], "every": "15m",
                                               "checkpoint_timeout": 120}]}, handle)
    start = time.monotonic()
    proc = subprocess.run([PLAYBOOK, os.path.join(ROOT, "playbooks", "dr_schedule_run.yml"), "-e", "@" + varsfile,
                           "-e", "gluster_dr_schedule_name=drill"], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True,
                          env=ENV, check=False)
    seconds = round(time.monotonic() - start, 1)
    with open(os.path.join(ROOT, ".lab", "dr-drill-schedule-run-%d.log" % int(time.time())), "w") as log:
        log.write(proc.stdout)
    report = None
    for match in re.finditer(r'"msg": "DR SCHEDULE REPORT (.*)"\s*$', proc.stdout, re.M):
        report = json.loads(json.loads('"%s"' % match.group(1)))
    return {"rc": proc.returncode, "seconds": seconds, "report": report,
            "tail": proc.stdout[-1500:] if proc.returncode else ""}


def write_for(path, seconds, first_seq=0):
    writer = Writer(path, first_seq)
    writer.start()
    time.sleep(seconds)
    return writer


def phase_failover(vol, mode, before, workdir, check_twice=False):
    primary_mnt, dr_mnt = os.path.join(workdir, "primary"), os.path.join(workdir, "dr")
    name = "records-%s-%d.log" % (mode, int(time.time()))
    mount(PRIMARY_SERVERS[0], vol, primary_mnt, PRIMARY_SERVERS[1:])
    schedule = None
    if mode == "unplanned":
        # halfway through the writes, one run of a DR schedule (checkpoint, consistent point recorded on the DR
        # node): the unplanned failover then reports an RPO bound from it
        writer = write_for(os.path.join(primary_mnt, name), before / 2.0)
        schedule = schedule_run(vol)
        time.sleep(before / 2.0)
    else:
        writer = write_for(os.path.join(primary_mnt, name), before)
    cut = False
    try:
        extra = []
        if mode == "unplanned":
            cut_at = time.time()
            for site in PRIMARY_REGION:
                lab("cut", site)
            cut = True
            time.sleep(2)
            extra = ["-e", "gluster_dr_mode=unplanned", "-e", "gluster_dr_lost_at=%.1f" % cut_at, "--limit", "dr_site"]
        decided = time.monotonic()
        rc, seconds, report, tail = playbook("dr_failover.yml", *extra)
        writer.stop.set()
        writer.join(30 if mode == "planned" else 5)
        if rc:
            raise SystemExit("dr_drill: dr_failover.yml (%s) failed:\n%s" % (mode, tail))
        mount(DR_SERVER, vol, dr_mnt)
        dr_file = os.path.join(dr_mnt, name)
        present = read_records(dr_file)
        # RTO: from the decision to a writable, verified DR volume, and the first write a client makes on it.
        probe = Writer(os.path.join(dr_mnt, "rto-probe-%s.log" % mode))
        probe.start()
        while not probe.acks and time.monotonic() - decided < 300:
            time.sleep(0.05)
        probe.stop.set()
        probe.join(10)
        first_dr_write = probe.acks[0][2] - decided if probe.acks else None
        os.unlink(os.path.join(dr_mnt, "rto-probe-%s.log" % mode))
        acks = writer.acks if mode == "planned" else [a for a in writer.acks if a[1] <= cut_at]
        lost, rpo = compare(acks, present)
        if mode == "unplanned":
            # acknowledged between the last record the DR copy has and the cut: the data the DR copy lacks
            result_extra = {"cut_at": round(cut_at, 1),
                            "newest_record_on_dr": round(max(present.values()), 1) if present else None}
        else:
            result_extra = {}
        result = {"phase": "failover-" + mode, "write_rate_per_s": writer.rate(), "acknowledged": len(acks),
                  "lost": len(lost), "rpo_seconds": rpo, "rto_seconds": round(first_dr_write, 1) if first_dr_write else None,
                  "playbook_seconds": seconds, "playbook_report": report, "write_errors": writer.errors,
                  "records_file": name}
        result.update(result_extra)
        if schedule is not None:
            result["schedule_run"] = schedule
        if mode == "planned":
            result["sha256_primary"] = sha256(os.path.join(primary_mnt, name))
            result["sha256_dr"] = sha256(dr_file)
            result["copies_identical"] = result["sha256_primary"] == result["sha256_dr"]
        if check_twice:
            before_sha = sha256(dr_file)
            rc2, _s, _r, out2 = playbook("dr_failover.yml", *extra)
            result["second_run_refused"] = rc2 != 0 and "Already failed over" in out2
            result["second_run_changed_data"] = sha256(dr_file) != before_sha
        return result
    finally:
        writer.stop.set()
        umount(primary_mnt)
        umount(dr_mnt)
        if cut and mode == "unplanned":
            pass  # the primary region stays cut; phase_failback heals it


def heal_primary_region():
    for site in PRIMARY_REGION:
        lab("heal", site, check=False)


def wait_primary_pool(timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run([LAB, "ssh", "gl-b1", "gluster --mode=script pool list"], stdout=subprocess.PIPE,
                             universal_newlines=True, check=False).stdout
        if out and "Disconnected" not in out:
            return True
        time.sleep(2)
    return False


def phase_failback(vol, during, workdir, records_file, check_twice=False):
    """Write on the promoted DR copy, heal the primary region, fail back, compare."""
    primary_mnt, dr_mnt = os.path.join(workdir, "primary"), os.path.join(workdir, "dr")
    mount(DR_SERVER, vol, dr_mnt)
    try:
        dr_path = os.path.join(dr_mnt, records_file)
        first = max(read_records(dr_path) or {0: 0}) + 1
        writer = write_for(dr_path, during, first_seq=first + 1000000)
        heal_primary_region()
        wait_primary_pool()
        rc, seconds, report, tail = playbook("dr_failback.yml")
        writer.stop.set()
        writer.join(30)
        if rc:
            raise SystemExit("dr_drill: dr_failback.yml failed:\n%s" % tail)
        mount(PRIMARY_SERVERS[0], vol, primary_mnt, PRIMARY_SERVERS[1:])
        on_primary = read_records(os.path.join(primary_mnt, records_file))
        lost, _rpo = compare(writer.acks, on_primary)
        sha_p = sha256(os.path.join(primary_mnt, records_file))
        sha_d = sha256(dr_path)
        result = {"phase": "failback", "written_on_dr": len(writer.acks), "lost": len(lost),
                  "write_rate_per_s": writer.rate(), "playbook_seconds": seconds, "playbook_report": report,
                  "sha256_primary": sha_p, "sha256_dr": sha_d, "copies_identical": sha_p == sha_d}
        if check_twice:
            rc2, _s, _r, out2 = playbook("dr_failback.yml")
            result["second_run_noop"] = rc2 == 0 and "Nothing to fail back" in out2 and bool(
                re.search(r"gl-d1\s*:.*changed=0 ", out2))
        return result
    finally:
        umount(primary_mnt)
        umount(dr_mnt)


def run(vol="drvol", modes=("planned", "unplanned"), before=20, during=10, workdir="/mnt/metrostor-dr",
        check_twice=False):
    results = []
    try:
        for mode in modes:
            failover = phase_failover(vol, mode, before, workdir, check_twice)
            print(json.dumps(failover), flush=True)
            results.append(failover)
            failback = phase_failback(vol, during, workdir, failover["records_file"], check_twice)
            print(json.dumps(failback), flush=True)
            results.append(failback)
    finally:
        heal_primary_region()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--volume", default="drvol")
    parser.add_argument("--modes", default="planned,unplanned")
    parser.add_argument("--before", type=int, default=20, help="seconds of writes before the failover")
    parser.add_argument("--during", type=int, default=10, help="seconds of writes on the DR site before failback")
    parser.add_argument("--twice", action="store_true",
                        help="run each playbook a second time and check it refuses or changes nothing")
    parser.add_argument("--report", help="also write the results (JSON) to this file")
    args = parser.parse_args()
    results = run(args.volume, tuple(args.modes.split(",")), args.before, args.during, check_twice=args.twice)
    print(json.dumps(results, indent=2))
    if args.report:
        with open(args.report, "w") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    sys.exit(main())
