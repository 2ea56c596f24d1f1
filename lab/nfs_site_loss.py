#!/usr/bin/env python3
"""Site-loss experiment over NFS: a client in site b writes fsync'ed records
through the floating NFS address while site a, whose head serves NFS, is cut.

Same method as lab/site_loss.py (its cut_under_load, wait_for_heal,
stall_after and lost), with the writer on the Kubernetes worker k8s-b1:
lab/nfs_writer.py, a userspace NFSv3 client (libnfs; this kernel has no NFS
client), each record WRITE + COMMIT before it counts as acknowledged,
remounting and writing the record again after an error, as a hard mount.

The lab must be up and deployed with playbooks/site.yml and playbooks/nfs.yml
(Ganesha exports the stretched replica 3 arbiter 1 volume on gl-a1 and gl-b1).
Steps: make gl-a1 (site a) the head that holds the floating address; start
the writer; cut site a; heal it; wait until self-heal has nothing pending;
read the file back through the floating address and count the acknowledged
records missing; wait until the trusted pool is whole again (glusterd of the
returned site reconnected), so that whatever runs next starts from a whole
pool.  Prints and returns the stall (longest gap between two acknowledged
writes from the cut on), the records acknowledged and lost, the heads that
held the address before and after, the peers still disconnected.
The pytest checks of this experiment: lab/nfs_site_loss_checks.py.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

import yaml

import site_loss

ROOT = site_loss.ROOT
LAB = site_loss.LAB
INVENTORY = os.path.join(ROOT, "inventories", "lab", "hosts.yml")
CLIENT_DIR = "/root/metrostor-lab-client"


def nfs_layout():
    """Floating address, exported volume and the heads {host: (site, address)}, from the lab inventory."""
    with open(INVENTORY) as handle:
        inv = yaml.safe_load(handle)
    heads = inv["all"]["children"]["nfs_heads"]
    where = {}
    for site_group in inv["all"]["children"]["gluster_nodes"]["children"].values():
        for host, hvars in (site_group.get("hosts") or {}).items():
            where[host] = (site_group["vars"]["lab_site"], hvars["ansible_host"])
    return (heads["vars"]["nfs_ganesha_floating_address"], heads["vars"]["nfs_ganesha_exports"][0]["volume"],
            {host: where[host] for host in heads["hosts"]})


def ssh(host, command, check=True, **kw):
    proc = subprocess.run([LAB, "ssh", host, command], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, **kw, check=False)
    if check and proc.returncode:
        raise SystemExit("nfs_site_loss: %r on %s failed: %s" % (command, host, proc.stdout))
    return proc.stdout


def holder(address, heads):
    """The heads that have the floating address on an interface (one, unless split)."""
    return [h for h in sorted(heads) if (" %s/" % address) in ssh(h, "ip -o -4 addr show", check=False)]


def route_via(address):
    """Where the lab router sends the floating address now (the BGP route), or None."""
    out = subprocess.run(["ip", "route", "show", address + "/32"], stdout=subprocess.PIPE,
                         universal_newlines=True, check=False).stdout.split()
    return out[out.index("via") + 1] if "via" in out else None


def make_holder(head, address, heads, timeout=40):
    """Move the floating address to HEAD: restart keepalived where it is (no preemption,
    so a restart is what hands it over), then wait for the address and its route."""
    deadline = time.monotonic() + timeout
    held = holder(address, heads)
    if held != [head]:
        for other in held:
            ssh(other, "systemctl restart keepalived")
    head_address = heads[head][1]
    while time.monotonic() < deadline:
        if holder(address, heads) == [head] and route_via(address) == head_address:
            return
        time.sleep(0.5)
    raise SystemExit("nfs_site_loss: %s did not take the floating address %s within %d s (held by %s, routed via %s)"
                     % (head, address, timeout, holder(address, heads), route_via(address)))


def disconnected_peers(host):
    """The peers HOST's glusterd sees disconnected (`gluster pool list`), or a note if it cannot say."""
    out = ssh(host, "gluster --mode=script pool list", check=False)
    if "Connected" not in out:
        return ["pool list on %s: %s" % (host, out.strip()[-200:])]
    return [line.split()[1] for line in out.splitlines() if line.split()[-1:] == ["Disconnected"]]


def wait_for_whole_pool(host, timeout=180):
    """Wait until HOST sees every peer connected; returns the peers still disconnected."""
    deadline = time.monotonic() + timeout
    missing = disconnected_peers(host)
    while missing and time.monotonic() < deadline:
        time.sleep(3)
        missing = disconnected_peers(host)
    return missing


def install_client(client):
    for name in ("records.py", "nfs_writer.py"):
        with open(os.path.join(ROOT, "lab", name)) as handle:
            subprocess.run([LAB, "ssh", client, "mkdir -p %s && cat > %s/%s" % (CLIENT_DIR, CLIENT_DIR, name)],
                           stdin=handle, check=True)


class RemoteNfsWriter(object):
    """lab/nfs_writer.py writing on a lab host; its acknowledgements are read as they come."""

    def __init__(self, client, server, export, path):
        self.client, self.server, self.export, self.path = client, server, export, path
        self.acks = []
        self.errors = []
        self.proc = None
        self.reader = None

    def start(self):
        self.proc = subprocess.Popen([LAB, "ssh", self.client, "python3 -u %s/nfs_writer.py write %s %s %s" % (
            CLIENT_DIR, self.server, self.export, self.path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            universal_newlines=True)
        self.reader = threading.Thread(target=self.read_lines, daemon=True)
        self.reader.start()
        deadline = time.monotonic() + 30
        while not self.acks and time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.1)
        if not self.acks:
            raise SystemExit("nfs_site_loss: the NFS writer on %s acknowledged nothing in 30 s: %s"
                             % (self.client, self.errors[-3:]))

    def read_lines(self):
        for line in self.proc.stdout:
            parts = line.split(None, 3)
            if parts[:1] == ["ack"]:
                self.acks.append((int(parts[1]), float(parts[2])))
            elif parts[:1] == ["error"]:
                self.errors.append((int(parts[1]), float(parts[2]), parts[3].strip() if len(parts) > 3 else ""))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            try:
                self.proc.stdin.write("stop\n")
                self.proc.stdin.flush()
            except OSError:
                pass
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.reader:
            self.reader.join(10)

    def present(self):
        out = ssh(self.client, "python3 %s/nfs_writer.py read %s %s %s" % (
            CLIENT_DIR, self.server, self.export, self.path))
        line = [l for l in out.splitlines() if l.startswith("present ")][-1]
        return set(int(s) for s in line.split()[1].split(",") if s) if len(line.split()) > 1 else set()


def run(client="k8s-b1", before=5, during=25):
    address, volume, heads = nfs_layout()
    cut_head = [h for h, (site, _a) in sorted(heads.items()) if site == "a"][0]
    make_holder(cut_head, address, heads)
    install_client(client)
    filename = "nfs-records-%d.log" % int(time.time())
    writer = RemoteNfsWriter(client, address, "/" + volume, "/" + filename)
    cut_at, healed_at, end = site_loss.cut_under_load(writer, heads[cut_head][0], before, during)
    survivor = [h for h, (site, _a) in sorted(heads.items()) if site != heads[cut_head][0]][0]
    pending = site_loss.wait_for_heal(volume, host=survivor)
    heal_seconds = time.monotonic() - healed_at
    pool_disconnected = wait_for_whole_pool(cut_head)
    missing = site_loss.lost(writer.acks, writer.present())
    sums = site_loss.brick_checksums(volume, filename)
    return {"protocol": "NFSv3 (libnfs) via %s" % address, "client": client,
            "stall_seconds": round(site_loss.stall_after(writer.acks, cut_at, end), 2),
            "acknowledged": len(writer.acks), "lost": len(missing), "write_errors": len(writer.errors),
            "first_errors": [e[2] for e in writer.errors[:3]],
            "head_before": cut_head, "head_after": holder(address, heads),
            "heal_pending": pending, "heal_seconds": round(heal_seconds, 1), "pool_disconnected": pool_disconnected,
            "data_bricks_identical": sums["gl-a1"] == sums["gl-b1"] and bool(sums["gl-a1"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--client", default="k8s-b1")
    parser.add_argument("--during", type=int, default=25, help="seconds site a stays cut")
    args = parser.parse_args()
    print(json.dumps(run(args.client, during=args.during), indent=2))


if __name__ == "__main__":
    sys.exit(main())
