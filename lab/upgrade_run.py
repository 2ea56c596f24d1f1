#!/usr/bin/env python3
"""The rolling-upgrade proof on the upgrade hosts (lab/upgrade_lab.py, inventories/lab/upgrade.yml):
a replica 3 arbiter 1 volume across the three sites, this machine's FUSE mount writing fsync'ed
records the whole time (the method of lab/site_loss.py), playbooks/rolling_upgrade.yml run (Debian 11 /
GlusterFS 9.2 -> Debian 12 / GlusterFS 10.3, one node at a time), then run again (it must change
nothing); every acknowledged record read back, the data bricks compared, the op-version read.

    python lab/upgrade_run.py          # hosts up and GlusterFS 9.2 deployed (playbooks/gluster_nodes.yml)

Prints the outcome as JSON and keeps it in .lab/day2/outcomes.json ("rolling_upgrade"), where
bench/day2_operations.py --last prints it with the other day-2 operations.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
INVENTORY = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "inventories", "lab",
                         "upgrade.yml")
os.environ["METROSTOR_LAB_EXTRA_INVENTORY"] = INVENTORY  # lab ssh knows the upgrade hosts

import day2_operations  # noqa: E402
import site_loss  # noqa: E402
from site_loss import LAB, ROOT, FuseWriter, gluster, lost, stall_after, wait_for_heal  # noqa: E402

VOLUME = "upg"
HOSTS = ["gu-a1", "gu-b1", "gu-c1"]
BRICKS = ["10.77.1.41:/bricks/brick1/upg", "10.77.2.41:/bricks/brick1/upg", "10.77.3.41:/bricks/brick1/upg"]
MOUNT = "/mnt/metrostor-upgrade"
RECORDS = "records.log"


def ssh(host, command):
    return subprocess.run([LAB, "ssh", host, command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False).stdout.strip()


def releases():
    return dict((h, {"gluster": ssh(h, "glusterd --version | head -1"),
                     "debian": ssh(h, "cat /etc/debian_version")}) for h in HOSTS)


def op_version():
    out = gluster("gu-a1", "volume get all cluster.op-version")
    return out.strip().splitlines()[-1].split()[-1]


def make_volume():
    if "Volume Name: %s" % VOLUME not in gluster("gu-a1", "volume info", VOLUME, check=False):
        gluster("gu-a1", "volume create", VOLUME, "replica 3 arbiter 1", " ".join(BRICKS))
        options = dict(site_loss.STRETCH_OPTIONS, **{"network.ping-timeout": "4"})
        for key, value in options.items():
            gluster("gu-a1", "volume set", VOLUME, key, value)
        gluster("gu-a1", "volume start", VOLUME)


def run():
    make_volume()
    before = {"releases": releases(), "op_version": op_version()}
    os.makedirs(MOUNT, exist_ok=True)
    subprocess.run(["umount", "-l", MOUNT], stderr=subprocess.DEVNULL, check=False)
    subprocess.run(["mount", "-t", "glusterfs", "-o", "backup-volfile-servers=10.77.2.41:10.77.3.41",
                    "10.77.1.41:/" + VOLUME, MOUNT], check=True)
    writer = FuseWriter(os.path.join(MOUNT, RECORDS))
    try:
        writer.start()
        time.sleep(3)
        started = time.monotonic()
        first = playbook("rolling_upgrade-1")
        day2_operations.log_run("rolling_upgrade-1", first)
        done_at = time.monotonic()
        second = playbook("rolling_upgrade-2") if first["rc"] == 0 else None
        if second:
            day2_operations.log_run("rolling_upgrade-2", second)
        time.sleep(2)
        stopped_at = time.monotonic()
        writer.stop()
        pending = wait_for_heal(VOLUME, host="gu-a1")
        missing = lost(writer.acks, writer.present())
        sums = dict((h, ssh(h, "sha256sum /bricks/brick1/%s/%s | cut -d' ' -f1" % (VOLUME, RECORDS)))
                    for h in ("gu-a1", "gu-b1"))
        upgraded = [line.strip() for line in first["out"].splitlines() if "GlusterFS 9" in line and "->" in line]
        offset = time.time() - time.monotonic()
        nodes = per_node(first["timed_log"], writer.acks, lambda wall: wall - offset)
        outcome = {
            "operation": "rolling_upgrade gu-a1, gu-b1, gu-c1 (Debian 11 / GlusterFS 9.2 -> Debian 12 / 10.3)",
            "rc": first["rc"], "playbook_seconds": first["seconds"], "changed": day2_operations.changed(first),
            "second_rc": second["rc"] if second else None,
            "second_changed": day2_operations.changed(second) if second else None,
            "acknowledged": len(writer.acks), "lost": len(missing), "write_errors": len(writer.errors),
            # up to the writer's stop: writes that hang until the end are a stall too
            "stall_seconds": round(stall_after(writer.acks, started, stopped_at), 2), "heal_pending": pending,
            "seconds_to_full_redundancy": round(done_at - started, 1) if pending == 0 else None,
            "data_bricks_identical": len(set(sums.values())) == 1 and all(sums.values()), "data_brick_sums": sums,
            "before": before, "after": {"releases": releases(), "op_version": op_version()},
            "per_node": upgraded, "nodes": nodes, "log": os.path.relpath(first["timed_log"], ROOT)}
        return outcome
    finally:
        if writer.is_alive():
            writer.stop()
        subprocess.run(["umount", "-l", MOUNT], stderr=subprocess.DEVNULL, check=False)


def playbook(tag):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    env.pop("METROSTOR_LAB_EXTRA_INVENTORY", None)
    # ansible's own log: every line with its wall-clock time, for the per-node figures (per_node())
    env["ANSIBLE_LOG_PATH"] = os.path.join(ROOT, ".lab", "day2", tag + ".timed.log")
    os.makedirs(os.path.dirname(env["ANSIBLE_LOG_PATH"]), exist_ok=True)
    if os.path.exists(env["ANSIBLE_LOG_PATH"]):
        os.unlink(env["ANSIBLE_LOG_PATH"])
    started = time.monotonic()
    proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "-i", INVENTORY,
                           "playbooks/rolling_upgrade.yml"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=3600, check=False)
    recap = {m.group(1): {"changed": int(m.group(2)), "unreachable": int(m.group(3)), "failed": int(m.group(4))}
             for m in re.finditer(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)",
                                  proc.stdout, re.M)}
    return {"rc": proc.returncode, "out": proc.stdout, "recap": recap, "seconds": round(time.monotonic() - started, 1),
            "timed_log": env["ANSIBLE_LOG_PATH"]}


# "2026-11-26 21:01:02,868 p=31686 u=root n=ansible INFO| TASK [...]" (ansible-core 2.19; older ones: "n=ansible | ")
TIMED = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),(\d+) p=\d+ u=\S+ n=\S+ ?[A-Z]*\| (.*)$")


def per_node(timed_log, acks, wall_to_mono):
    """Per node upgraded, from ansible's timed log: the node's turn (its play, from the health check to the
    release report), from its bricks' stop to full redundancy (the end of the wait for heal), and the
    longest gap between acknowledged writes within its turn."""
    events = []
    try:
        with open(timed_log) as handle:
            for line in handle:
                found = TIMED.match(line.rstrip("\n"))
                if found:
                    stamp = time.mktime(time.strptime(found.group(1), "%Y-%m-%d %H:%M:%S"))   # ansible logs local time
                    events.append((stamp + int(found.group(2)) / 1000.0, found.group(3)))
    except IOError:
        return []
    turns, current = [], None
    for stamp, text in events:
        if text.startswith("PLAY ["):
            if current:
                current["end"] = stamp
                current = None
            if text.startswith("PLAY [Upgrade one node at a time"):
                current = {"start": stamp}
                turns.append(current)
            continue
        if current is None:
            continue
        host = re.search(r"\[(gu-[a-z0-9]+)[\] ]", text)
        if host and "host" not in current and host.group(1) in HOSTS:
            current["host"] = host.group(1)
        if text.startswith("TASK [") and "Stop this node's bricks" in text:
            current["stop"] = stamp
        if "wait_for_heal_done" not in current and current.get("waiting") and text.startswith("TASK ["):
            current["redundant"] = stamp
            current["wait_for_heal_done"] = True
        if text.startswith("TASK [") and "Wait for full redundancy" in text:
            current["waiting"] = True
    out = []
    for turn in turns:
        if "end" not in turn or "stop" not in turn:
            continue   # a node left alone (nothing to upgrade) or a turn cut short
        start, end = wall_to_mono(turn["start"]), wall_to_mono(turn["end"])
        times = [start] + [t for _s, t in acks if start <= t <= end] + [end]
        out.append({"host": turn.get("host"), "turn_seconds": round(turn["end"] - turn["start"], 1),
                    "stop_to_full_redundancy_seconds": round(turn["redundant"] - turn["stop"], 1)
                    if turn.get("redundant") else None,
                    "longest_stall_seconds": round(max(b - a for a, b in zip(times, times[1:])), 2)})
    return out


def _interrupted(signum, _frame):
    raise KeyboardInterrupt("signal %d" % signum)


def main():
    # timeout's SIGTERM: the writer stops and the mount goes (run()'s finally) before the hosts are taken down
    signal.signal(signal.SIGTERM, _interrupted)
    outcome = run()
    path = os.path.join(ROOT, ".lab", "day2", "outcomes.json")
    try:
        with open(path) as handle:
            kept = json.load(handle)
    except (IOError, ValueError):
        kept = {}
    kept["rolling_upgrade"] = outcome
    with open(path, "w") as handle:
        json.dump(kept, handle, indent=2, sort_keys=True)
    print(json.dumps(outcome, indent=2, sort_keys=True))
    raised = int(outcome["after"]["op_version"] or 0) > int(outcome["before"]["op_version"] or 0)
    ok = (outcome["rc"] == 0 and outcome["second_rc"] == 0 and outcome["second_changed"] == 0
          and outcome["acknowledged"] > 50 and outcome["lost"] == 0 and outcome["heal_pending"] == 0
          and outcome["data_bricks_identical"] and raised
          and all(r["gluster"].startswith("glusterfs 10") for r in outcome["after"]["releases"].values()))
    print("rolling upgrade %s: rc %s, second run rc %s changed %s; %s acknowledged writes, %s lost, longest stall "
          "%s s, %s pending heal, data bricks identical: %s; op-version %s -> %s; playbook %s s"
          % ("PASSED" if ok else "FAILED", outcome["rc"], outcome["second_rc"], outcome["second_changed"],
             outcome["acknowledged"], outcome["lost"], outcome["stall_seconds"], outcome["heal_pending"],
             outcome["data_bricks_identical"], outcome["before"]["op_version"], outcome["after"]["op_version"],
             outcome["playbook_seconds"]))
    for node in outcome["nodes"]:
        print("  %(host)s: turn %(turn_seconds)s s, bricks stopped -> full redundancy %(stop_to_full_redundancy_seconds)s s, "
              "longest stall %(longest_stall_seconds)s s" % node)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
