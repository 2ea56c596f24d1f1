#!/usr/bin/env python3
"""Hosts of an older Debian release beside the lab, for the rolling-upgrade proof.

The lab's own hosts run Debian 12 (GlusterFS 10.3).  A rolling upgrade needs
nodes that run the release before: Debian 11 "bullseye" ships GlusterFS 9.2
and no 10.x build exists for it (bullseye-backports is gone), so the upgrade
is the Debian one, bullseye -> bookworm, node by node (apt dist-upgrade,
GlusterFS 9.2 -> 10.3 with it).  This script builds, once, a bullseye image
with two offline apt repositories (made here from Debian's packages, as
lab/lab.py does for the lab):

    /srv/lab-repo/bullseye   GlusterFS 9.2 and what the roles install
    /srv/lab-repo/bookworm   every package a dist-upgrade of such a node to bookworm needs

and boots three hosts from it, one per site, on the lab's bridges (made here
when the lab is not up): gu-a1 10.77.1.41 (a), gu-b1 10.77.2.41 (b), gu-c1 10.77.3.41 (c),
declared in inventories/lab/upgrade.yml.

    upgrade_lab.py image      build the image and repositories (no lab needed; a few minutes)
    upgrade_lab.py check      no lab needed: in a throw-away copy of the image (chroot), install what
                              roles/gluster_node installs from the old repository, then run the package
                              step of roles/gluster_rolling_upgrade (dist_upgrade) against the new one;
                              prints the releases before and after (~5 minutes)
    upgrade_lab.py up         boot the hosts (hold the lab lock; the lab's own hosts need not be up)
    upgrade_lab.py down       stop them and remove their roots, disks and namespaces
"""

import os
import shutil
import signal
import subprocess
import sys
import time

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib.machinery  # noqa: E402
import importlib.util  # noqa: E402

_loader = importlib.machinery.SourceFileLoader("lab_core", os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab.py"))
_spec = importlib.util.spec_from_loader("lab_core", _loader)
lab = importlib.util.module_from_spec(_spec)
_loader.exec_module(lab)

ROOT = lab.ROOT
INVENTORY = os.path.join(ROOT, "inventories", "lab", "upgrade.yml")
CACHE = os.environ.get("METROSTOR_UPGRADE_LAB_CACHE", "/var/lib/metrostor-lab-upgrade")
WORK = os.path.join(ROOT, ".lab", "upgrade")
OLD, NEW = "bullseye", "bookworm"
IMAGE = os.path.join(CACHE, "image-%s-v1" % OLD)
MIRROR = lab.MIRROR
# what roles/gluster_node installs (gluster_packages), and rsync
OLD_PACKAGES = ["glusterfs-server", "glusterfs-client", "xfsprogs", "lvm2", "attr", "rsync"]


def sources(suite):
    lines = ["deb %s %s main" % (MIRROR, suite), "deb %s %s-updates main" % (MIRROR, suite)]
    security = MIRROR.replace("/debian", "/debian-security")
    lines.append("deb %s %s-security main" % (security, suite))
    return "\n".join(lines) + "\n"


def chroot(rootfs, *cmd, env_extra=None, **kw):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive", **(env_extra or {}))
    return lab.sh(["chroot", rootfs] + list(cmd), env=env, **kw)


def collect(rootfs, repo):
    os.makedirs(repo, exist_ok=True)
    archives = os.path.join(rootfs, "var/cache/apt/archives")
    for deb in os.listdir(archives):
        if deb.endswith(".deb"):
            shutil.move(os.path.join(archives, deb), os.path.join(repo, deb))
    lab.sh("cd %s && apt-ftparchive packages . > Packages && gzip -kf Packages" % repo)


def cmd_image(_args):
    """The bullseye rootfs (debootstrap, once), then the two offline repositories for OLD_PACKAGES (made again
    when that list changes)."""
    rootfs = os.path.join(IMAGE, "rootfs")
    wanted = ",".join(sorted(OLD_PACKAGES))
    done = os.path.join(IMAGE, ".repos")
    if os.path.exists(done) and open(done).read() == wanted:
        lab.log("upgrade image ready: %s" % IMAGE)
        return
    if not os.path.exists(os.path.join(IMAGE, ".debootstrap")):
        shutil.rmtree(IMAGE, ignore_errors=True)
        os.makedirs(IMAGE)
        lab.log("debootstrap %s (once)" % OLD)
        lab.sh(["debootstrap", "--variant=minbase", "--include=" + ",".join(lab.BASE_PACKAGES), OLD, rootfs, MIRROR],
               stdout=subprocess.DEVNULL)
        open(os.path.join(IMAGE, ".debootstrap"), "w").close()
    shutil.copy("/etc/resolv.conf", os.path.join(rootfs, "etc/resolv.conf"))
    with open(os.path.join(rootfs, "etc/apt/sources.list"), "w") as handle:
        handle.write(sources(OLD))
    shutil.rmtree(os.path.join(IMAGE, "repo"), ignore_errors=True)
    lab.log("the %s repository (GlusterFS of %s)" % (OLD, OLD))
    chroot(rootfs, "apt-get", "update", "-qq")
    chroot(rootfs, "apt-get", "install", "-y", "-qq", "--download-only", *OLD_PACKAGES, stdout=subprocess.DEVNULL)
    collect(rootfs, os.path.join(IMAGE, "repo", OLD))
    # What a dist-upgrade of a node (the old GlusterFS installed) to the new release downloads: found in a
    # throw-away copy of the image with the old packages installed.
    lab.log("the %s repository (what a dist-upgrade of a node needs)" % NEW)
    scratch = os.path.join(IMAGE, "scratch")
    shutil.rmtree(scratch, ignore_errors=True)
    lab.sh(["cp", "-a", rootfs, scratch])
    with open(os.path.join(scratch, "etc/apt/sources.list"), "w") as handle:
        handle.write("deb [trusted=yes] file:/srv/old ./\n")
    os.makedirs(os.path.join(scratch, "srv/old"), exist_ok=True)
    with open(os.path.join(scratch, "usr/sbin/policy-rc.d"), "w") as handle:
        handle.write("#!/bin/sh\nexit 101\n")
    os.chmod(os.path.join(scratch, "usr/sbin/policy-rc.d"), 0o755)
    lab.sh(["mount", "--bind", os.path.join(IMAGE, "repo", OLD), os.path.join(scratch, "srv/old")])
    try:
        chroot(scratch, "apt-get", "update", "-qq")
        chroot(scratch, "apt-get", "install", "-y", "-qq", *OLD_PACKAGES, stdout=subprocess.DEVNULL)
    finally:
        lab.sh(["umount", os.path.join(scratch, "srv/old")], check=False)
    with open(os.path.join(scratch, "etc/apt/sources.list"), "w") as handle:
        handle.write(sources(NEW))
    chroot(scratch, "apt-get", "update", "-qq")
    chroot(scratch, "apt-get", "dist-upgrade", "-y", "-qq", "--download-only", stdout=subprocess.DEVNULL)
    collect(scratch, os.path.join(IMAGE, "repo", NEW))
    shutil.rmtree(scratch)
    # The image itself: the old release, offline sources, no host keys, nothing to log in on.
    chroot(rootfs, "apt-get", "clean")
    with open(os.path.join(rootfs, "etc/apt/sources.list"), "w") as handle:
        handle.write("# metrostor upgrade lab: offline repository of the old release, bind-mounted read-only\n"
                     "deb [trusted=yes] file:/srv/lab-repo/%s ./\n" % OLD)
    shutil.rmtree(os.path.join(rootfs, "var/lib/apt/lists"), ignore_errors=True)
    os.makedirs(os.path.join(rootfs, "var/lib/apt/lists/partial"))
    os.utime(os.path.join(rootfs, "var/lib/apt/lists"), (0, 0))
    os.makedirs(os.path.join(rootfs, "srv/lab-repo"), exist_ok=True)
    for key in os.listdir(os.path.join(rootfs, "etc/ssh")):
        if key.startswith("ssh_host_"):
            os.unlink(os.path.join(rootfs, "etc/ssh", key))
    for unit in ("console-getty.service", "getty@tty1.service", "systemd-timesyncd.service"):
        chroot(rootfs, "systemctl", "mask", unit, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(done, "w") as handle:
        handle.write(wanted)
    lab.log("upgrade image ready: %s (repositories: %s)" % (IMAGE, ", ".join(os.listdir(os.path.join(IMAGE, "repo")))))


def cmd_check(_args):
    """The rolling upgrade's package step, off-lab: the same apt-get commands as roles/gluster_rolling_upgrade
    (dist_upgrade, service starts held back) in a chroot copy of the image, from the old release's GlusterFS
    (OLD_PACKAGES installed from the old repository) to the new release."""
    if not os.path.exists(os.path.join(IMAGE, ".repos")):
        raise SystemExit("upgrade_lab: no image; run 'lab/upgrade_lab.py image' first")
    scratch = os.path.join(CACHE, "check")
    shutil.rmtree(scratch, ignore_errors=True)
    lab.sh(["cp", "-a", os.path.join(IMAGE, "rootfs"), scratch])
    repo = os.path.join(scratch, "srv/lab-repo")
    os.makedirs(repo, exist_ok=True)
    lab.sh(["mount", "--bind", os.path.join(IMAGE, "repo"), repo])
    lab.sh(["mount", "-t", "proc", "proc", os.path.join(scratch, "proc")])
    report = {}
    try:
        with open(os.path.join(scratch, "usr/sbin/policy-rc.d"), "w") as handle:
            handle.write("#!/bin/sh\nexit 101\n")
        os.chmod(os.path.join(scratch, "usr/sbin/policy-rc.d"), 0o755)
        chroot(scratch, "apt-get", "update", "-qq")
        chroot(scratch, "apt-get", "install", "-y", "-qq", *OLD_PACKAGES, stdout=subprocess.DEVNULL)
        report["before"] = chroot(scratch, "glusterd", "--version", capture=True).splitlines()[0]
        with open(os.path.join(scratch, "etc/apt/sources.list"), "w") as handle:
            handle.write("deb [trusted=yes] file:/srv/lab-repo/%s ./\n" % NEW)
        chroot(scratch, "apt-get", "update", "-qq")
        plan = chroot(scratch, "apt-get", "-s", "-o", "Debug::NoLocking=1", "dist-upgrade", capture=True)
        report["to_install"] = len([line for line in plan.splitlines() if line.startswith("Inst ")])
        started = time.monotonic()
        chroot(scratch, "apt-get", "-y", "-q", "-o", "Dpkg::Options::=--force-confold", "-o",
               "Dpkg::Options::=--force-confdef", "dist-upgrade", stdout=subprocess.DEVNULL,
               env_extra={"APT_LISTCHANGES_FRONTEND": "none"})
        report["dist_upgrade_seconds"] = round(time.monotonic() - started, 1)
        report["after"] = chroot(scratch, "glusterd", "--version", capture=True).splitlines()[0]
        report["debian_after"] = open(os.path.join(scratch, "etc/debian_version")).read().strip()
        again = chroot(scratch, "apt-get", "-s", "-o", "Debug::NoLocking=1", "dist-upgrade", capture=True)
        report["left_to_install_after"] = len([line for line in again.splitlines() if line.startswith("Inst ")])
    finally:
        lab.sh(["umount", os.path.join(scratch, "proc")], check=False)
        lab.sh(["umount", repo], check=False)
        shutil.rmtree(scratch, ignore_errors=True)
    lab.log("upgrade check (chroot, no lab): %s" % report)
    if not (report.get("after", "").startswith("glusterfs 10") and report.get("left_to_install_after") == 0):
        raise SystemExit("upgrade_lab: the package step did not reach GlusterFS 10 cleanly: %s" % report)


def layout():
    with open(INVENTORY) as handle:
        inv = yaml.safe_load(handle)
    hosts = {}

    def walk(group, inherited):
        gvars = dict(inherited, **(group.get("vars") or {}))
        for name, hvars in (group.get("hosts") or {}).items():
            hosts.setdefault(name, {}).update(dict(gvars, **(hvars or {})))
        for child in (group.get("children") or {}).values():
            walk(child or {}, gvars)

    walk(inv["all"], {})
    return hosts


def load_state():
    return lab.read_state(WORK, {"hosts": {}})


def save_state(state):
    lab.write_state(WORK, state)


def cmd_up(_args):
    if not os.path.exists(os.path.join(IMAGE, ".repos")):
        raise SystemExit("upgrade_lab: no image; run 'lab/upgrade_lab.py image' first")
    main_lab, _main_hosts = lab.load_layout()
    hosts = layout()
    lab.WORK = WORK  # the hosts' roots and disks under .lab/upgrade
    lab.ensure_dbus()  # as lab up does before booting hosts (the lab's own hosts need not be up)
    lab.setup_network(main_lab, hosts)
    state = load_state()
    pubkey = open(lab.ssh_keypair() + ".pub").read()
    for name, hv in sorted(hosts.items()):
        hs = state["hosts"].get(name, {})
        if lab.alive(hs.get("pid")):
            continue
        hdir, merged = lab.prepare_root(name, hv, hosts, os.path.join(IMAGE, "rootfs"), pubkey)
        disks = lab.attach_disks(name, hv, hdir, state)
        pid = lab.boot(name, hdir, merged, disks, os.path.join(IMAGE, "repo"))
        state["hosts"][name] = {"pid": pid, "disks": disks, "root": merged, "address": hv["ansible_host"]}
        save_state(state)
        lab.log("started %s (%s, Debian %s)" % (name, hv["ansible_host"], OLD))
    deadline = time.time() + 120
    for name, hv in sorted(hosts.items()):
        if not lab.wait_ssh(hv["ansible_host"], deadline):
            raise SystemExit("upgrade_lab: %s did not answer on ssh within 120 s" % name)
    lab.log("upgrade hosts up: %s" % ", ".join(sorted(hosts)))


def cmd_down(_args):
    hosts = layout()
    state = load_state()
    for hs in state["hosts"].values():
        if lab.alive(hs.get("pid")):
            os.kill(hs["pid"], signal.SIGTERM)
    deadline = time.time() + 60
    for hs in state["hosts"].values():
        while lab.alive(hs.get("pid")) and time.time() < deadline:
            time.sleep(0.3)
        if lab.alive(hs.get("pid")):
            os.killpg(hs["pid"], signal.SIGKILL)
    for hs in state["hosts"].values():
        if hs.get("root") and os.path.ismount(hs["root"]):
            lab.sh(["umount", "-l", hs["root"]], check=False)
        for loop in (hs.get("disks") or {}).values():
            lab.sh(["losetup", "-d", loop], check=False, stderr=subprocess.DEVNULL)
    for name in hosts:
        lab.sh(["ip", "netns", "del", lab.netns(name)], check=False, stderr=subprocess.DEVNULL)
        outside = ("mv" + name)[:15]
        if lab.link_exists(outside):
            lab.sh(["ip", "link", "del", outside], check=False)
    shutil.rmtree(os.path.join(WORK, "hosts"), ignore_errors=True)
    save_state({"hosts": {}})
    lab.log("upgrade hosts down")


def main(argv):
    commands = {"image": cmd_image, "check": cmd_check, "up": cmd_up, "down": cmd_down}
    if not argv or argv[0] not in commands:
        raise SystemExit(__doc__)
    commands[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
