#!/usr/bin/env python3
"""The day-2 operations as experiments on the lab, each under the FUSE write load
of lab/day2_load.py: break something, run the playbook that repairs it, run it
again (it must change nothing).  Used by molecule/day2 (which asserts) and
bench/day2_operations.py (which prints the figures).

    replace_device(vol, host, disk)   lab detach-disk + attach-disk, playbooks/replace_device.yml
    replace_node(vol, host)           lab destroy + up, playbooks/replace_node.yml
    scale_out(vol, hosts)             lab up of inventories/lab/scale_out.yml, playbooks/scale_out.yml
    heketi_failover(vol, to)          lab cut of Heketi's site, playbooks/heketi_failover.yml

Each returns the write-load outcome (lost, stall, time to full redundancy,
identical data bricks) with the playbook runs' return codes and recaps.
"""

import os
import re
import subprocess
import time

from day2_load import address_to_lab_host, under_load
from site_loss import LAB, ROOT

VOLUME = "day2"
# a data brick in each data site, the arbiter in the tie-breaker: the hosts the operations replace
BRICKS = ["10.77.1.12:/bricks/brick1/" + VOLUME, "10.77.2.12:/bricks/brick1/" + VOLUME,
          "10.77.3.11:/bricks/brick1/" + VOLUME]
SCALE_OUT_INVENTORY = os.path.join(ROOT, "inventories", "lab", "scale_out.yml")


def lab(*args, env=None):
    proc = subprocess.run([LAB] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=dict(os.environ, **(env or {})), check=False)
    if proc.returncode:
        raise RuntimeError("lab %s failed: %s" % (" ".join(args), proc.stdout))
    return proc.stdout


def playbook(name, *args, inventories=(), timeout=1800):
    """ansible-playbook on the lab from the checkout: (rc, output, {host: {changed, failed}})."""
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_FORCE_COLOR="0")
    env.pop("ANSIBLE_INVENTORY", None)
    inv = []
    for path in (os.path.join(ROOT, "inventories", "lab", "hosts.yml"),) + tuple(inventories):
        inv += ["-i", path]
    started = time.monotonic()
    proc = subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible-playbook"), "playbooks/" + name] + inv
                          + list(args), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=timeout, check=False)
    out = proc.stdout
    recap = {m.group(1): {"changed": int(m.group(2)), "unreachable": int(m.group(3)), "failed": int(m.group(4))}
             for m in re.finditer(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)",
                                  out, re.M)}
    return {"rc": proc.returncode, "out": out, "recap": recap, "seconds": round(time.monotonic() - started, 1)}


def unreachable(run):
    return sorted(h for h, r in run["recap"].items() if r["unreachable"])


def succeeded(run):
    """The playbook did its work: rc 0, or rc 4 (ansible-playbook's code for unreachable hosts) where the
    only trouble is hosts of a lost site that the playbook goes on without (no host failed)."""
    return run["rc"] == 0 or (run["rc"] == 4 and bool(run["recap"])
                              and not any(r["failed"] for r in run["recap"].values()))


def changed(run):
    return sum(h["changed"] for h in run["recap"].values())


def log_run(tag, run):
    os.makedirs(os.path.join(ROOT, ".lab", "day2"), exist_ok=True)
    with open(os.path.join(ROOT, ".lab", "day2", tag + ".log"), "w") as handle:
        handle.write(run["out"])


def _twice(tag, name, *args, inventories=()):
    first = playbook(name, *args, inventories=inventories)
    log_run(tag + "-1", first)
    repaired_at = time.monotonic()
    second = playbook(name, *args, inventories=inventories) if succeeded(first) else None
    if second:
        log_run(tag + "-2", second)
    return first, second, repaired_at


def summary(first, second):
    return {"rc": first["rc"], "ok": succeeded(first), "unreachable": unreachable(first),
            "playbook_seconds": first["seconds"], "changed": changed(first),
            "second_rc": second["rc"] if second else None, "second_ok": succeeded(second) if second else None,
            "second_changed": changed(second) if second else None}


def replace_device(host="gl-a2", disk="vdb", vol=VOLUME, bricks=BRICKS):
    """The disk dies under load; a new one goes into the slot; replace_device.yml rebuilds."""
    def operation():
        failed_at = time.monotonic()
        lab("detach-disk", host, disk)
        time.sleep(5)
        # A device path that does not exist (the slot is empty) is refused before any change.
        empty = playbook("replace_device.yml", "-e", "replace_device_host=" + host, "-e",
                         "replace_device_path=/dev/" + disk)
        log_run("replace_device-empty-slot", empty)
        lab("attach-disk", host, disk)
        first, second, repaired_at = _twice("replace_device-%s-%s" % (host, disk), "replace_device.yml", "-e",
                                            "replace_device_host=" + host, "-e", "replace_device_path=/dev/" + disk)
        return dict(summary(first, second), failed_at=failed_at, repaired_at=repaired_at,
                    empty_slot_rc=empty["rc"], empty_slot_changed=changed(empty),
                    empty_slot_refusal="does not exist on %s" % host in empty["out"])
    return dict(under_load(vol, bricks, operation), operation="replace_device %s /dev/%s" % (host, disk))


def replace_node(host="gl-b2", vol=VOLUME, bricks=BRICKS):
    """The host dies under load (destroyed: its root and disks are gone); a new empty host with the
    same name and address comes up; replace_node.yml makes it the old node again."""
    def operation():
        old_uuid = peer_uuid(host)
        failed_at = time.monotonic()
        lab("destroy", host)
        lab("up")
        first, second, repaired_at = _twice("replace_node-" + host, "replace_node.yml", "-e",
                                            "replace_node_host=" + host)
        return dict(summary(first, second), failed_at=failed_at, repaired_at=repaired_at, old_uuid=old_uuid,
                    new_uuid=own_uuid(host), pool_seen_from="gl-a1", pool=pool_list("gl-a1"))
    return dict(under_load(vol, bricks, operation), operation="replace_node " + host)


def pool_list(host):
    from site_loss import gluster
    return gluster(host, "pool list", check=False)


def peer_uuid(host, seen_from="gl-a1"):
    """HOST's peer uuid as the pool (a node of another site) knows it."""
    address = dict((h, a) for a, h in address_to_lab_host().items())[host]
    for line in pool_list(seen_from).splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[1] in (address, host):
            return fields[0]
    return None


def own_uuid(host):
    """The peer uuid HOST's glusterd runs with (glusterd.info)."""
    out = subprocess.run([LAB, "ssh", host, "sed -n 's/^UUID=//p' /var/lib/glusterd/glusterd.info"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True, check=False).stdout
    return out.strip() or None


def scale_out(hosts=("gl-a3", "gl-b3"), vol=VOLUME, bricks=BRICKS):
    """New hosts (inventories/lab/scale_out.yml) join under load; the volume grows onto them."""
    env = {"METROSTOR_LAB_EXTRA_INVENTORY": SCALE_OUT_INVENTORY}
    # until scale_in(): lab ssh and the brick checks (day2_load.address_to_lab_host) must know the new hosts,
    # or the copies that the rebalance moved onto them would not be compared
    os.environ.update(env)

    def operation():
        lab("up", env=env)
        started = time.monotonic()
        args = ["-e", '{"scale_out_hosts": %s, "scale_out_volumes": ["%s"]}' % (list(hosts), vol)]
        args[1] = args[1].replace("'", '"')
        first, second, repaired_at = _twice("scale_out", "scale_out.yml", *args, inventories=(SCALE_OUT_INVENTORY,))
        return dict(summary(first, second), failed_at=started, repaired_at=repaired_at)
    return dict(under_load(vol, bricks, operation), operation="scale_out " + " ".join(hosts))


def ansible(host, module, args, inventories=()):
    """An ad-hoc module call on the lab (e.g. a Heketi module on the Heketi host)."""
    # (under molecule, ANSIBLE_FORCE_COLOR is set: the JSON result would come wrapped in colour codes)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    inv = []
    for path in (os.path.join(ROOT, "inventories", "lab", "hosts.yml"),) + tuple(inventories):
        inv += ["-i", path]
    return subprocess.run([os.path.join(ROOT, ".venv", "bin", "ansible"), host] + inv + ["-m", module, "-a", args],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)


HEKETI_ON_C1 = ("heketi_url=https://127.0.0.1:8080 heketi_key=lab-admin-secret ca_path=/etc/heketi/tls/ca.crt")


def heal_every_volume(host="gl-b1", timeout=300):
    """Wait until no volume of the pool has entries pending heal: {volume: still pending}."""
    from site_loss import gluster, wait_for_heal
    names = gluster(host, "volume list", check=False).split()
    pending = dict((vol, wait_for_heal(vol, host, timeout)) for vol in names)
    return dict((vol, left) for vol, left in pending.items() if left)


def forget_host_keys(addresses, hosts=("gl-c1", "gl-a2")):
    """The Heketi hosts forget the host keys of lab hosts that are destroyed (a new host of the same address
    has a new key, and the executor's ssh check would refuse it)."""
    for host in hosts:
        subprocess.run([LAB, "ssh", host, " ".join("ssh-keygen -R %s >/dev/null 2>&1;" % a for a in addresses)
                        + " true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def scale_in(hosts=("gl-a3", "gl-b3"), addresses=("10.77.1.13", "10.77.2.13"), vol=VOLUME):
    """Undo the lab's scale-out (the default lab stays lean): the test volume is deleted, the hosts
    leave Heketi and the pool, and are destroyed.  Lab cleanup, not an operation of the collection."""
    from day2_load import delete_volume, volume_sets
    from site_loss import gluster
    try:
        added = [b for rset in volume_sets(vol)[1:] for b in rset]
    except SystemExit:
        added = []
    delete_volume(vol)
    # the directories of the bricks the scale-out added on hosts that stay (the tie-breaker's arbiter brick):
    # left behind, they would make the next scale-out's add-brick fail ("already part of a volume")
    names = dict((a, h) for h, a in (("gl-a1", "10.77.1.11"), ("gl-a2", "10.77.1.12"), ("gl-b1", "10.77.2.11"),
                                     ("gl-b2", "10.77.2.12"), ("gl-c1", "10.77.3.11")))
    for brick in added:
        address, path = brick.split(":", 1)
        if address in names:
            subprocess.run([LAB, "ssh", names[address], "rm -rf " + path], stdout=subprocess.DEVNULL, check=False)
    for address in addresses:
        ansible("gl-c1", "metrostor.gluster.heketi_node",
                "manage=%s state=absent remove_devices=true %s" % (address, HEKETI_ON_C1))
        gluster("gl-b1", "peer detach", address, check=False)
    for host in hosts:
        lab("destroy", host, env={"METROSTOR_LAB_EXTRA_INVENTORY": SCALE_OUT_INVENTORY})
    forget_host_keys(addresses)
    os.environ.pop("METROSTOR_LAB_EXTRA_INVENTORY", None)


def module_json(run):
    """The JSON result of an ad-hoc module call ("host | SUCCESS => {...}")."""
    import json
    text = run.stdout
    return json.loads(text[text.index("=>") + 2:]) if "=>" in text else {"failed": True, "msg": text}


def heketi_ids(host):
    """Every id in Heketi's DB, read on HOST (clusters, nodes, devices, bricks, volumes)."""
    info = module_json(ansible(host, "metrostor.gluster.heketi_info", "gather=clusters,volumes " + HEKETI_ON_C1))
    if info.get("failed"):
        raise RuntimeError("heketi_info on %s failed: %s" % (host, info.get("msg")))
    ids = set()
    for cluster in info.get("clusters") or []:
        ids.add(cluster["id"])
        for node in cluster.get("node_infos") or []:
            ids.add(node["id"])
            for dev in node.get("devices") or []:
                ids.add(dev["id"])
                ids.update(b["id"] for b in dev.get("bricks") or [])
    ids.update(v["id"] for v in info.get("volumes") or [])
    return ids


def heketi_volume(host, name, state):
    return module_json(ansible(host, "metrostor.gluster.heketi_volume",
                               "name=%s size=1 state=%s %s" % (name, state, HEKETI_ON_C1)))


def service_name_check(client="k8s-b1", name="heketi.metrostor.lab"):
    """Where CLIENT's /etc/hosts sends Heketi's service name, and whether the Heketi there presents a
    certificate valid for that name (checked against the heketi role's CA)."""
    import socket
    import ssl
    hosts = subprocess.run([LAB, "ssh", client, "getent hosts " + name], stdout=subprocess.PIPE,
                           universal_newlines=True, check=False).stdout.split()
    address = hosts[0] if hosts else None
    ok = False
    if address:
        ctx = ssl.create_default_context(cafile=os.path.expanduser("~/.metrostor/pki/heketi/ca.crt"))
        try:
            with socket.create_connection((address, 8080), timeout=5) as sock:
                with ctx.wrap_socket(sock, server_hostname=name) as tls:
                    tls.sendall(("GET /hello HTTP/1.0\r\nHost: %s\r\n\r\n" % name).encode())
                    ok = b" 200 " in tls.recv(200)
        except (OSError, ssl.SSLError):
            ok = False
    return {"address": address, "answers_with_valid_certificate": ok}


def heketi_failover(to="gl-a2", home="gl-c1", site="c", vol=VOLUME, bricks=BRICKS, trimmed=False):
    """Heketi's site is cut under load; heketi_failover.yml moves Heketi to the standby; a volume is
    created and deleted there; nothing in the DB from before the cut is lost; the site returns, the
    old Heketi is fenced; Heketi is moved home again (refused while the standby answers, then forced).

    trimmed=True (the CI stage, molecule/day2_ci): the standby is prepared once (no idempotence run),
    and the fence run, the run after it and the refused move back are skipped: once the site is back
    and healed, Heketi goes home straight away with force (which stops the standby and restarts the
    stale Heketi of the returned site on the DB).  The failover's second run stays."""
    phases = {}
    clock = time.monotonic()
    prepared = [playbook("heketi_standby.yml") for _run in range(1 if trimmed else 2)]
    for index, run in enumerate(prepared):
        log_run("heketi_standby-%d" % (index + 1), run)
    phases["prepare"] = round(time.monotonic() - clock, 1)
    if prepared[0]["rc"]:
        return {"operation": "heketi_failover", "prepare_rc": prepared[0]["rc"], "trimmed": trimmed}
    made_before_cut = heketi_volume(home, "day2-before-cut", "present")
    before = heketi_ids(home)
    facts = {"volume_before_cut": (made_before_cut.get("volume") or {}).get("id") or made_before_cut.get("msg")}

    def operation():
        failed_at = time.monotonic()
        lab("cut", site)
        try:
            first, second, repaired_at = _twice("heketi_failover-to-" + to, "heketi_failover.yml", "-e",
                                                "heketi_failover_to=" + to)
            phases["failover"] = round(repaired_at - failed_at, 1)
            phases["failover_second_run"] = second["seconds"] if second else None
            facts.update(summary(first, second), repaired_at=repaired_at, failed_at=failed_at)
            if succeeded(first):
                after = heketi_ids(to)
                facts["db_entries_before_cut"] = len(before)
                facts["db_entries_lost"] = sorted(before - after)
                facts["volume_before_cut_kept"] = facts["volume_before_cut"] in after
                created = heketi_volume(to, "day2-after-failover", "present")
                deleted = heketi_volume(to, "day2-after-failover", "absent")
                facts["volume_created_and_deleted"] = bool(created.get("changed") and deleted.get("changed")
                                                           and not created.get("failed") and not deleted.get("failed"))
                facts["service_name"] = service_name_check()
        finally:
            lab("heal", site)
        # the site is back: its bricks catch up (self-heal) before the old Heketi is fenced
        healed_at = time.monotonic()
        facts["heal_pending_after_site_back"] = heal_every_volume()
        facts["site_back_to_healed_seconds"] = round(time.monotonic() - healed_at, 1)
        phases["site_back_to_healed"] = facts["site_back_to_healed_seconds"]
        if not trimmed:
            fence = playbook("heketi_failover.yml", "-e", "heketi_failover_to=" + to)
            log_run("heketi_failover-fence", fence)
            again = playbook("heketi_failover.yml", "-e", "heketi_failover_to=" + to)
            log_run("heketi_failover-after-fence", again)
            refused = playbook("heketi_failover.yml", "-e", "heketi_failover_to=" + home)
            log_run("heketi_failover-refused", refused)
            facts.update({"fence_rc": fence["rc"], "fence_changed": changed(fence),
                          "after_fence_changed": changed(again), "after_fence_rc": again["rc"],
                          "refused_while_answering": refused["rc"] != 0 and "still answers" in refused["out"],
                          "refused_changed": changed(refused)})
        back = playbook("heketi_failover.yml", "-e", "heketi_failover_to=" + home, "-e", "force=true")
        log_run("heketi_failover-back", back)
        phases["move_home"] = back["seconds"]
        # the volume made before the cut, deleted on the Heketi moved home: it serves read-write again
        removed = heketi_volume(home, "day2-before-cut", "absent")
        facts.update({"back_rc": back["rc"], "back_changed": changed(back), "home_again": service_name_check(),
                      "home_read_write": bool(removed.get("changed") and not removed.get("failed"))})
        return facts
    try:
        outcome = under_load(vol, bricks, operation)
    except BaseException:
        # the lab is shared: whatever broke, the site comes back and Heketi goes home (forced)
        lab_heal = subprocess.run([LAB, "heal", site], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False)
        home_run = playbook("heketi_failover.yml", "-e", "heketi_failover_to=" + home, "-e", "force=true")
        log_run("heketi_failover-home-after-error", home_run)
        print("heketi_failover: interrupted; site %s healed (rc %d), Heketi moved home to %s (rc %d)"
              % (site, lab_heal.returncode, home, home_run["rc"]))
        raise
    operation_name = "heketi_failover %s -> %s (site %s cut)%s" % (home, to, site, ", trimmed" if trimmed else "")
    return dict(outcome, operation=operation_name,
                prepare_rc=prepared[0]["rc"], trimmed=trimmed, phase_seconds=phases,
                prepare_second_changed=changed(prepared[1]) if len(prepared) > 1 else None)


def offline_bricks(host="gl-b1"):
    """The bricks of started volumes that are not online, and the peers not connected, read on HOST."""
    import xml.etree.ElementTree as ET
    from site_loss import gluster
    status = gluster(host, "volume status all --xml", check=False)
    try:
        root = ET.fromstring(status[status.index("<?xml"):] if "<?xml" in status else status)
    except ET.ParseError:
        return ["volume status unreadable on %s: %s" % (host, status.strip()[-300:])]
    down = ["%s:%s" % (n.findtext("hostname"), n.findtext("path")) for n in root.iter("node")
            if (n.findtext("path") or "").startswith("/") and n.findtext("status") != "1"]
    down += ["peer %s %s" % tuple(line.split()[1:3]) for line in gluster(host, "pool list", check=False).splitlines()
             if len(line.split()) >= 3 and line.split()[2] == "Disconnected"]
    return down


def heketi_home_serving(home="gl-c1", standby="gl-a2"):
    """Heketi runs on HOME (its DB names it active where the DB lives on the standby volume) and not
    on STANDBY, and it accepts a change (a volume created and deleted: not read-only)."""
    def sh(host, cmd):
        return subprocess.run([LAB, "ssh", host, cmd], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True, check=False).stdout.strip()
    active = sh(home, "timeout 10 cat /var/lib/heketi/active-host 2>/dev/null")
    state = {"active_host": active or None, "home_running": sh(home, "systemctl is-active heketi") == "active",
             "standby_running": sh(standby, "systemctl is-active heketi") == "active"}
    state["home"] = state["home_running"] and not state["standby_running"] and active in ("", home)
    return state


def restore(home="gl-c1", standby="gl-a2", disk_host="gl-a2", disk="vdb", vol=VOLUME,
            mountpoint="/mnt/metrostor-day2"):
    """Put the lab back as the day-2 CI stage (molecule/day2_ci) found it, also after a failed or
    interrupted run: every site reconnected, no day-2 mount here, the brick disk present and its bricks
    rebuilt, Heketi home on HOME and read-write, the test volumes gone, nothing pending heal.  Each step
    acts only where the lab differs.  Returns what it did and what is still wrong (empty: restored)."""
    done = []
    for site in ("a", "b", "c"):
        lab("heal", site)
    subprocess.run(["umount", "-l", mountpoint], stderr=subprocess.DEVNULL, check=False)
    try:
        lab("attach-disk", disk_host, disk)
        done.append("new /dev/%s attached on %s" % (disk, disk_host))
    except RuntimeError as err:
        if "already has" not in str(err):
            raise
    probe = subprocess.run([LAB, "ssh", disk_host, "mountpoint -q /bricks/brick1 && touch /bricks/brick1/.day2-probe"
                            " && rm -f /bricks/brick1/.day2-probe"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
    if probe.returncode:
        run = playbook("replace_device.yml", "-e", "replace_device_host=" + disk_host, "-e",
                       "replace_device_path=/dev/" + disk, "-e", "force=true")
        log_run("restore-replace_device", run)
        done.append("replace_device.yml %s /dev/%s: rc %d" % (disk_host, disk, run["rc"]))
    heketi = heketi_home_serving(home, standby)
    if not heketi["home"]:
        run = playbook("heketi_failover.yml", "-e", "heketi_failover_to=" + home, "-e", "force=true")
        log_run("restore-heketi-home", run)
        done.append("heketi_failover.yml to %s with force: rc %d (was %s)" % (home, run["rc"], heketi))
        heketi = heketi_home_serving(home, standby)
    from day2_load import delete_volume, remove_brick_leftovers
    delete_volume(vol)
    remove_brick_leftovers(vol, BRICKS)
    for name in ("day2-before-cut", "day2-after-failover"):
        heketi_volume(home, name, "absent")
    wrong = []
    writes = [heketi_volume(home, "day2-ci-probe", state) for state in ("present", "absent")]
    if not heketi["home"] or any(w.get("failed") or not w.get("changed") for w in writes):
        wrong.append("Heketi not home on %s read-write: %s; probe volume: %s" % (
            home, heketi, [w.get("msg") for w in writes if w.get("failed")]))
    pending = heal_every_volume()
    if pending:
        wrong.append("pending heal: %s" % pending)
    down = offline_bricks()
    if down:
        wrong.append("not online: %s" % ", ".join(down))
    return {"done": done, "wrong": wrong}


if __name__ == "__main__":
    import json
    import sys
    if sys.argv[1:] != ["restore"]:
        sys.exit("usage: day2_operations.py restore   (put the lab back as the day-2 CI stage found it)")
    RESULT = restore()
    print(json.dumps(RESULT, indent=2))
    sys.exit(1 if RESULT["wrong"] else 0)
