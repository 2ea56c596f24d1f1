#!/usr/bin/env python3
"""The local three-site lab: real Debian hosts on this machine.

Each host is a systemd-nspawn machine booting real systemd, built locally
with debootstrap (no registry needed), on an overlay of one shared base
image, in its own network namespace.  Hosts of one site share a bridge;
the sites are routed through the root namespace, where a site can be cut
(nftables) or, on kernels with sch_netem, delayed (tc netem).  BIRD in the
root namespace plays the sites' router for floating addresses: it takes BGP
sessions from the data-site hosts and routes the /32 each one announces.  Each storage
host gets loop devices as its disks (/dev/vdb for bricks, /dev/vdc for Heketi).  An offline apt
repository with Debian's GlusterFS packages is served to the hosts from a
read-only bind mount, so the roles install GlusterFS with apt as on any site.

The hosts, sites and addresses come from inventories/lab/hosts.yml.

    lab up | down | status | cut SITE | heal SITE | delay SITE MS | ssh HOST [CMD...]
    lab image   (build the host image and the Heketi release archive only, as `up` does first;
                 tests/run.sh builds them beside the unit tests)
    lab detach-disk HOST DISK | attach-disk HOST DISK [SIZE] | destroy HOST

METROSTOR_LAB_EXTRA_INVENTORY=FILE adds the hosts of another inventory file
(e.g. inventories/lab/scale_out.yml, the hosts a scale-out adds) to the lab.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INVENTORY = os.path.join(ROOT, "inventories", "lab", "hosts.yml")
WORK = os.path.join(ROOT, ".lab")
CACHE = os.environ.get("METROSTOR_LAB_CACHE", "/var/lib/metrostor-lab")
IMAGE_VERSION = "5"  # bump when the image recipe below changes
SUITE = "bookworm"
MIRROR = os.environ.get("METROSTOR_LAB_MIRROR", "http://deb.debian.org/debian")
BASE_PACKAGES = ["systemd", "systemd-sysv", "dbus", "openssh-server", "python3", "python3-apt", "sudo",
                 "iproute2", "iputils-ping", "procps", "ca-certificates", "kmod", "udev", "less", "nftables",
                 "netbase"]  # netbase: /etc/services and /etc/protocols (rpcbind, NFSv3 locking)
REPO_PACKAGES = ["glusterfs-server", "glusterfs-client", "xfsprogs", "lvm2", "thin-provisioning-tools", "attr",
                 "rsync", "openssl", "python3-cryptography",
                 # roles/nfs_ganesha: the NFS heads and their floating address
                 "nfs-ganesha", "nfs-ganesha-gluster", "keepalived", "bird2",
                 # roles/kubernetes_node: the workers' clients (libnfs: this kernel has no NFS client)
                 "nfs-common", "libnfs-utils"]
NFT_TABLE = "mlab"
# The real Heketi that `lab up` packs as a release archive (shared/heketi: upstream v10 from source).
HEKETI_VERSION = "10.4.1"


def log(msg):
    print("lab: " + msg, flush=True)


def sh(cmd, check=True, capture=False, **kw):
    if capture:
        kw["stdout"] = subprocess.PIPE
        kw["universal_newlines"] = True
    proc = subprocess.run(cmd, shell=isinstance(cmd, str), check=False, **kw)
    if check and proc.returncode != 0:
        raise SystemExit("lab: command failed (%d): %s" % (proc.returncode, cmd))
    return proc.stdout if capture else proc.returncode


# -- inventory --------------------------------------------------------------
def load_layout():
    with open(INVENTORY) as handle:
        inv = yaml.safe_load(handle)
    lab = inv["all"]["vars"]["lab"]
    hosts = {}

    def walk(group, inherited):
        gvars = dict(inherited, **(group.get("vars") or {}))
        for name, hvars in (group.get("hosts") or {}).items():
            merged = dict(gvars, **(hvars or {}))
            hosts.setdefault(name, {}).update(merged)
        for child in (group.get("children") or {}).values():
            walk(child or {}, gvars)

    walk(inv["all"], {})
    extra = os.environ.get("METROSTOR_LAB_EXTRA_INVENTORY")
    if extra:
        with open(extra) as handle:
            walk((yaml.safe_load(handle) or {}).get("all") or {}, inv["all"].get("vars") or {})
    for name, hv in hosts.items():
        if "lab_site" not in hv:
            raise SystemExit("lab: host %s has no lab_site in %s" % (name, INVENTORY))
    return lab, hosts


def bridge(site):
    return "mlab-" + site


def netns(host):
    return "mlab-" + host


# -- image ------------------------------------------------------------------
def image_dirs():
    base = os.path.join(CACHE, "image-v" + IMAGE_VERSION)
    return base, os.path.join(base, "rootfs"), os.path.join(base, "repo")


def build_image():
    base, rootfs, repo = image_dirs()
    if os.path.exists(os.path.join(base, ".complete")):
        return rootfs, repo
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    log("building the host image with debootstrap (%s, once per machine; a few minutes)" % SUITE)
    sh(["debootstrap", "--variant=minbase", "--include=" + ",".join(BASE_PACKAGES), SUITE, rootfs, MIRROR],
       stdout=subprocess.DEVNULL)
    with open(os.path.join(rootfs, "etc/apt/sources.list"), "w") as handle:
        handle.write("deb %s %s main\n" % (MIRROR, SUITE))
    shutil.copy("/etc/resolv.conf", os.path.join(rootfs, "etc/resolv.conf"))
    log("downloading GlusterFS packages into the lab's offline apt repository")
    sh(["chroot", rootfs, "apt-get", "update", "-qq"])
    sh(["chroot", rootfs, "apt-get", "install", "-y", "-qq", "--download-only"] + REPO_PACKAGES,
       stdout=subprocess.DEVNULL)
    os.makedirs(repo)
    archives = os.path.join(rootfs, "var/cache/apt/archives")
    for deb in os.listdir(archives):
        if deb.endswith(".deb"):
            shutil.move(os.path.join(archives, deb), repo)
    sh("cd %s && apt-ftparchive packages . > Packages && gzip -kf Packages" % repo)
    sh(["chroot", rootfs, "apt-get", "clean"])
    with open(os.path.join(rootfs, "etc/apt/sources.list"), "w") as handle:
        handle.write("# metrostor lab: offline repository, bind-mounted read-only\n"
                     "deb [trusted=yes] file:/srv/lab-repo ./\n")
    shutil.rmtree(os.path.join(rootfs, "var/lib/apt/lists"), ignore_errors=True)
    os.makedirs(os.path.join(rootfs, "var/lib/apt/lists/partial"))
    # An empty package list must look stale, or apt's cache_valid_time would skip the update.
    os.utime(os.path.join(rootfs, "var/lib/apt/lists"), (0, 0))
    shutil.rmtree(os.path.join(rootfs, "var/lib/apt/periodic"), ignore_errors=True)
    os.makedirs(os.path.join(rootfs, "srv/lab-repo"), exist_ok=True)
    for key in os.listdir(os.path.join(rootfs, "etc/ssh")):
        if key.startswith("ssh_host_"):
            os.unlink(os.path.join(rootfs, "etc/ssh", key))
    # A container has no console to log in on and no hardware clock.
    for unit in ("console-getty.service", "getty@tty1.service", "systemd-timesyncd.service"):
        sh(["chroot", rootfs, "systemctl", "mask", unit], check=False, stdout=subprocess.DEVNULL,
           stderr=subprocess.DEVNULL)
    open(os.path.join(base, ".complete"), "w").close()
    return rootfs, repo


def heketi_release():
    """The real Heketi server packed as a release archive (heketi/heketi, as upstream's tarballs).

    The binary is the one shared/heketi provides (upstream v10 built from
    source), or, where it is missing, one built from its source archive by
    scripts/build-heketi.sh.  The heketi role installs this archive through
    its release-archive path, exactly as a site installs upstream's tarball.
    """
    out = os.path.join(CACHE, "heketi-release-%s.tar.gz" % HEKETI_VERSION)
    shared = os.path.normpath(os.path.join(ROOT, "..", "shared", "heketi"))
    binary = os.environ.get("METROSTOR_HEKETI_BIN") or os.path.join(shared, "heketi")
    if not os.access(binary, os.X_OK):
        built = os.path.join(CACHE, "heketi-build")
        sh(["bash", os.path.join(ROOT, "scripts", "build-heketi.sh"), shared, built])
        binary = os.path.join(built, "heketi")
    stamp = "%s %d %d" % (binary, os.path.getsize(binary), int(os.path.getmtime(binary)))
    if os.path.exists(out) and open(out + ".source").read() == stamp:
        return out
    import tarfile
    with tarfile.open(out + ".tmp", "w:gz") as tar:
        info = tar.gettarinfo(binary, arcname="heketi/heketi")
        info.mode, info.uid, info.gid, info.uname, info.gname = 0o755, 0, 0, "root", "root"
        with open(binary, "rb") as handle:
            tar.addfile(info, handle)
    os.replace(out + ".tmp", out)
    with open(out + ".source", "w") as handle:
        handle.write(stamp)
    return out


# -- state ------------------------------------------------------------------
def read_state(work, empty):
    """The state.json in WORK (a lab's, the OpenStack host's, the upgrade hosts'), or EMPTY."""
    try:
        with open(os.path.join(work, "state.json")) as handle:
            return json.load(handle)
    except (IOError, ValueError):
        return empty


def write_state(work, state):
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "state.json"), "w") as handle:
        json.dump(state, handle, indent=2, sort_keys=True)


def load_state():
    return read_state(WORK, {"hosts": {}, "cut": [], "delay": {}})


def save_state(state):
    write_state(WORK, state)


# -- network ----------------------------------------------------------------
def link_exists(name, ns=None):
    cmd = ["ip"] + (["-n", ns] if ns else []) + ["link", "show", name]
    return sh(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def setup_network(lab, hosts):
    sh("sysctl -qw net.ipv4.ip_forward=1")
    # No ICMP redirects: a host must keep sending a floating address to the router,
    # which knows where it lives now, not to the head that held it before.
    sh("sysctl -qw net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.default.send_redirects=0")
    for site, net in lab["sites"].items():
        br = bridge(site)
        if not link_exists(br):
            sh(["ip", "link", "add", br, "type", "bridge"])
            sh(["ip", "addr", "add", net["gateway"] + "/" + str(net["prefix"]), "dev", br])
        sh(["ip", "link", "set", br, "up"])
        sh(["sysctl", "-qw", "net.ipv4.conf.%s.send_redirects=0" % br])
    existing = sh(["ip", "netns", "list"], capture=True)
    for name, hv in hosts.items():
        ns = netns(name)
        if ns not in existing.split():
            sh(["ip", "netns", "add", ns])
        outside = ("mv" + name)[:15]
        if not link_exists(outside):
            sh(["ip", "link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns])
        sh(["ip", "link", "set", outside, "master", bridge(hv["lab_site"]), "up"])
        net = lab["sites"][hv["lab_site"]]
        addrs = sh(["ip", "-n", ns, "addr", "show", "eth0"], capture=True)
        if hv["ansible_host"] + "/" not in addrs:
            sh(["ip", "-n", ns, "addr", "add", "%s/%s" % (hv["ansible_host"], net["prefix"]), "dev", "eth0"])
        sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        sh(["ip", "-n", ns, "link", "set", "eth0", "up"])
        sh(["ip", "-n", ns, "route", "replace", "default", "via", net["gateway"]])
    sh("nft add table inet %s" % NFT_TABLE)
    for chain in ("forward", "input", "output"):
        sh("nft add chain inet %s %s '{ type filter hook %s priority -10; policy accept; }'"
           % (NFT_TABLE, chain, chain))


def apply_cuts(state):
    for chain in ("forward", "input", "output"):
        sh("nft flush chain inet %s %s" % (NFT_TABLE, chain))
    for site in state["cut"]:
        br = bridge(site)
        sh("nft add rule inet %s forward iifname %s drop" % (NFT_TABLE, br))
        sh("nft add rule inet %s forward oifname %s drop" % (NFT_TABLE, br))
        sh("nft add rule inet %s input iifname %s drop" % (NFT_TABLE, br))
        sh("nft add rule inet %s output oifname %s drop" % (NFT_TABLE, br))


def teardown_network(lab, hosts):
    sh("nft delete table inet %s" % NFT_TABLE, check=False, stderr=subprocess.DEVNULL)
    delay_chain(False)
    for name in hosts:
        sh(["ip", "netns", "del", netns(name)], check=False, stderr=subprocess.DEVNULL)
        outside = ("mv" + name)[:15]
        if link_exists(outside):
            sh(["ip", "link", "del", outside], check=False)
    for site in lab["sites"]:
        if link_exists(bridge(site)):
            sh(["ip", "link", "del", bridge(site)], check=False)


# -- router -----------------------------------------------------------------
def router_dir():
    return os.path.join(WORK, "router")


def router_config(lab, hosts):
    """BIRD for the root namespace: passive BGP towards every host of the peer
    sites, accepting only /32 routes inside the floating network."""
    router = lab["router"]
    first_gateway = lab["sites"][sorted(lab["sites"])[0]]["gateway"]
    lines = [
        "# Written by lab/lab.py: the lab router's BGP side (root namespace).",
        "router id %s;" % first_gateway,
        'log "%s" all;' % os.path.join(router_dir(), "bird.log"),
        "protocol device { scan time 10; }",
        "filter floating_routes { if net ~ [ %s{32,32} ] then accept; reject; }" % router["floating_network"],
        "protocol kernel { ipv4 { import none; export filter floating_routes; }; }",
        "template bgp lab_host {",
        "  local as %d;" % router["as"],
        "  passive on;",
        "  hold time 3; keepalive time 1; connect retry time 1; error wait time 1, 5;",
        "  ipv4 { import filter floating_routes; export none; };",
        "}",
    ]
    for name, hv in sorted(hosts.items()):
        if hv["lab_site"] in router["peer_sites"]:
            lines.append("protocol bgp %s from lab_host { neighbor %s as %d; local %s; }" % (
                name.replace("-", "_"), hv["ansible_host"], router["peer_as"],
                lab["sites"][hv["lab_site"]]["gateway"]))
    return "\n".join(lines) + "\n"


def router_pid():
    try:
        with open(os.path.join(router_dir(), "bird.pid")) as handle:
            return int(handle.read().strip())
    except (IOError, ValueError):
        return None


def start_router(lab, hosts):
    if not shutil.which("bird"):
        raise SystemExit("lab: BIRD (Debian's bird2) is missing on this machine; run scripts/bootstrap.sh")
    os.makedirs(router_dir(), exist_ok=True)
    conf = os.path.join(router_dir(), "bird.conf")
    with open(conf, "w") as handle:
        handle.write(router_config(lab, hosts))
    sock = os.path.join(router_dir(), "bird.ctl")
    if alive(router_pid()):
        sh(["birdc", "-s", sock, "configure"], stdout=subprocess.DEVNULL)
        return
    sh(["bird", "-c", conf, "-s", sock, "-P", os.path.join(router_dir(), "bird.pid")])
    log("router: BIRD in the root namespace (AS %d) routes %s from sites %s" % (
        lab["router"]["as"], lab["router"]["floating_network"], ", ".join(lab["router"]["peer_sites"])))


def stop_router():
    pid = router_pid()
    if alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 10
        while alive(pid) and time.time() < deadline:
            time.sleep(0.2)


# -- hosts ------------------------------------------------------------------
def ensure_dbus():
    if not os.path.exists("/run/dbus/system_bus_socket"):
        os.makedirs("/run/dbus", exist_ok=True)
        sh(["dbus-daemon", "--system", "--fork"], check=False)


def ssh_keypair():
    key = os.path.join(CACHE, "ssh", "id_ed25519")  # the path inventories/lab/hosts.yml names
    if not os.path.exists(key):
        os.makedirs(os.path.dirname(key), exist_ok=True)
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "metrostor-lab", "-f", key])
    return key


def prepare_root(name, hv, hosts, rootfs, pubkey):
    hdir = os.path.join(WORK, "hosts", name)
    upper, workdir, merged = (os.path.join(hdir, d) for d in ("upper", "work", "root"))
    for d in (upper, workdir, merged):
        os.makedirs(d, exist_ok=True)
    if not os.path.ismount(merged):
        sh(["mount", "-t", "overlay", "overlay", "-o",
            "lowerdir=%s,upperdir=%s,workdir=%s" % (rootfs, upper, workdir), merged])
    with open(os.path.join(merged, "etc/hostname"), "w") as handle:
        handle.write(name + "\n")
    with open(os.path.join(merged, "etc/hosts"), "w") as handle:
        handle.write("127.0.0.1 localhost\n")
        for other, ov in sorted(hosts.items()):
            handle.write("%s %s\n" % (ov["ansible_host"], other))
    ssh_dir = os.path.join(merged, "root/.ssh")
    os.makedirs(ssh_dir, mode=0o700, exist_ok=True)
    with open(os.path.join(ssh_dir, "authorized_keys"), "w") as handle:
        handle.write(pubkey)
    os.chmod(os.path.join(ssh_dir, "authorized_keys"), 0o600)
    if not os.path.exists(os.path.join(merged, "etc/ssh/ssh_host_ed25519_key")):
        sh(["chroot", merged, "ssh-keygen", "-A"], stdout=subprocess.DEVNULL)
    return hdir, merged


def attach_disks(name, hv, hdir, state):
    """Loop devices for the host's disks ({name in /dev: size}); reused when still attached."""
    attached = {}
    current = state["hosts"].get(name, {}).get("disks") or {}
    for disk, size in sorted((hv.get("lab_disks") or {}).items()):
        image = os.path.join(hdir, disk + ".img")
        loop = current.get(disk)
        if loop and os.path.exists(loop):
            back = sh(["losetup", "-n", "-O", "BACK-FILE", loop], capture=True, check=False).strip()
            if back == image:
                attached[disk] = loop
                continue
        if not os.path.exists(image):
            sh(["truncate", "-s", str(size), image])
        attached[disk] = sh(["losetup", "-f", "--show", image], capture=True).strip()
    return attached


def boot(name, hdir, merged, disks, repo):
    cmd = ["systemd-nspawn", "-D", merged, "--machine", name, "--register=no", "--keep-unit", "-b",
           "--network-namespace-path=/run/netns/" + netns(name), "--console=passive",
           "--bind-ro=%s:/srv/lab-repo" % repo, "--bind=/dev/fuse", "--capability=all",
           "--resolv-conf=off", "--timezone=off", "--link-journal=no"]
    for disk, loop in sorted(disks.items()):
        cmd.append("--bind=%s:/dev/%s" % (loop, disk))
    out = open(os.path.join(hdir, "console.log"), "ab")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    return proc.pid


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except (OSError, TypeError):
        return False


def wait_ssh(address, deadline):
    while time.time() < deadline:
        try:
            with socket.create_connection((address, 22), timeout=1) as conn:
                if conn.recv(4).startswith(b"SSH"):
                    return True
        except OSError:
            time.sleep(0.5)
    return False


OWNER = os.path.join(CACHE, "owner")


def claim_machine():
    """One lab per machine: its namespaces, bridges and addresses are global."""
    try:
        with open(OWNER) as handle:
            owner = json.load(handle)
    except (IOError, ValueError):
        owner = None
    if owner and owner["root"] != ROOT and any(alive(pid) for pid in owner.get("pids", [])):
        raise SystemExit("lab: the lab of %s is running on this machine; run its 'lab down' first" % owner["root"])
    os.makedirs(CACHE, exist_ok=True)
    with open(OWNER, "w") as handle:
        json.dump({"root": ROOT, "pids": [h["pid"] for h in load_state()["hosts"].values()]}, handle)


def cmd_up(_args):
    if os.geteuid() != 0:
        raise SystemExit("lab: run as root (it creates network namespaces, loop devices and machines)")
    claim_machine()
    lab, hosts = load_layout()
    rootfs, repo = build_image()
    heketi_release()
    ensure_dbus()
    setup_network(lab, hosts)
    start_router(lab, hosts)
    state = load_state()
    apply_cuts(state)
    if state.get("delay"):
        apply_delays(lab, state)
        save_state(state)
    pubkey = open(ssh_keypair() + ".pub").read()
    for name, hv in sorted(hosts.items()):
        hstate = state["hosts"].get(name, {})
        if alive(hstate.get("pid")):
            if hstate.get("image", "4") != IMAGE_VERSION:
                log("warning: %s runs on image v%s, the recipe is v%s (new packages missing): "
                    "'lab down --purge' then 'lab up' rebuilds it" % (name, hstate.get("image", "4"), IMAGE_VERSION))
            continue
        hdir, merged = prepare_root(name, hv, hosts, rootfs, pubkey)
        disks = attach_disks(name, hv, hdir, state)
        pid = boot(name, hdir, merged, disks, repo)
        state["hosts"][name] = {"pid": pid, "disks": disks, "root": merged, "address": hv["ansible_host"],
                                "site": hv["lab_site"], "image": IMAGE_VERSION}
        save_state(state)
        log("started %s (site %s, %s%s)" % (name, hv["lab_site"], hv["ansible_host"], "".join(
            ", %s as /dev/%s" % (loop, disk) for disk, loop in sorted(disks.items()))))
    claim_machine()
    deadline = time.time() + 120
    for name, hv in sorted(hosts.items()):
        if not wait_ssh(hv["ansible_host"], deadline):
            raise SystemExit("lab: %s did not answer on ssh within 120 s; see %s" % (
                name, os.path.join(WORK, "hosts", name, "console.log")))
    log("up: %d hosts answer on ssh" % len(hosts))


def cmd_image(_args):
    """What `up` builds before it boots anything: the host image (once per machine) and the Heketi release
    archive.  No host, network or machine claim: safe beside other work, not beside a running `up`."""
    if os.geteuid() != 0:
        raise SystemExit("lab: run as root (debootstrap and chroot)")
    rootfs, _repo = build_image()
    log("image ready: %s; Heketi release %s" % (rootfs, heketi_release()))


def cmd_down(_args):
    lab, hosts = load_layout()
    state = load_state()
    for name, hs in state["hosts"].items():
        if alive(hs.get("pid")):
            os.kill(hs["pid"], signal.SIGTERM)
    deadline = time.time() + 60
    for name, hs in state["hosts"].items():
        while alive(hs.get("pid")) and time.time() < deadline:
            time.sleep(0.3)
        if alive(hs.get("pid")):
            os.killpg(hs["pid"], signal.SIGKILL)
        try:
            os.waitpid(hs["pid"], os.WNOHANG)
        except (OSError, TypeError):
            pass
    for name, hs in state["hosts"].items():
        root = hs.get("root")
        if root and os.path.ismount(root):
            sh(["umount", "-l", root], check=False)
        for loop in (hs.get("disks") or {}).values():
            sh(["losetup", "-d", loop], check=False, stderr=subprocess.DEVNULL)
    stop_delayers(state)
    stop_router()
    teardown_network(lab, dict(dict((n, {}) for n in state["hosts"]), **hosts))  # also hosts of an extra inventory
    if os.path.exists(OWNER):
        os.unlink(OWNER)
    purge = "--purge" in _args
    if purge:
        shutil.rmtree(os.path.join(WORK, "hosts"), ignore_errors=True)
    save_state({"hosts": {}, "cut": [], "delay": {}})
    log("down%s" % (" (host disks and state removed)" if purge else ""))


def cmd_status(_args):
    _lab, hosts = load_layout()
    state = load_state()
    for name, hv in sorted(hosts.items()):
        hs = state["hosts"].get(name, {})
        print("%-8s site=%-2s %-14s %s%s" % (name, hv["lab_site"], hv["ansible_host"],
                                             "running" if alive(hs.get("pid")) else "stopped",
                                             " (site cut)" if hv["lab_site"] in state["cut"] else ""))


def _site(args, lab):
    if not args or args[0] not in lab["sites"]:
        raise SystemExit("lab: name a site: %s" % ", ".join(sorted(lab["sites"])))
    return args[0]


def set_cut(args, cut):
    lab, _hosts = load_layout()
    site = _site(args, lab)
    state = load_state()
    state["cut"] = [s for s in state["cut"] if s != site] + ([site] if cut else [])
    apply_cuts(state)
    save_state(state)
    log("site %s %s" % (site, "cut off from the other sites" if cut else "reconnected"))


def cmd_cut(args):
    set_cut(args, True)


def cmd_heal(args):
    set_cut(args, False)


DELAY_CHAIN = "MLAB-DELAY"


def iptables(*args, check=True):
    return sh(["iptables-legacy", "-w"] + list(args), check=check, stderr=subprocess.DEVNULL)


def delay_chain(create):
    """A chain of NFQUEUE rules, jumped to from FORWARD and OUTPUT (iptables-legacy)."""
    for hook in ("FORWARD", "OUTPUT"):
        while iptables("-D", hook, "-j", DELAY_CHAIN, check=False) == 0:
            pass
    iptables("-F", DELAY_CHAIN, check=False)
    iptables("-X", DELAY_CHAIN, check=False)
    if create:
        iptables("-N", DELAY_CHAIN)
        for hook in ("FORWARD", "OUTPUT"):
            iptables("-I", hook, "-j", DELAY_CHAIN)


def stop_delayers(state, sites=None):
    for site, pid in list(state.get("delayers", {}).items()):
        if sites is None or site in sites:
            if alive(pid):
                os.kill(pid, signal.SIGTERM)
            del state["delayers"][site]


def apply_delays(lab, state):
    """Delay traffic towards each delayed site: netem where the kernel has it,
    else NFQUEUE + lab/link_delay.py (a userspace delay of the same packets)."""
    stop_delayers(state)
    delay_chain(False)
    netem_missing = False
    for site in lab["sites"]:
        sh(["tc", "qdisc", "del", "dev", bridge(site), "root"], check=False, stderr=subprocess.DEVNULL)
    for index, (site, ms) in enumerate(sorted(state["delay"].items())):
        if ms <= 0:
            continue
        if not netem_missing and sh(["tc", "qdisc", "add", "dev", bridge(site), "root", "netem", "delay",
                                     "%dms" % ms], check=False, stderr=subprocess.DEVNULL) == 0:
            continue
        netem_missing = True
        if not state.get("delayers"):
            state["delayers"] = {}
            delay_chain(True)
        queue = 100 + index
        proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "lab", "link_delay.py"), str(queue), str(ms)],
                                start_new_session=True, stdin=subprocess.DEVNULL)
        state["delayers"][site] = proc.pid
        time.sleep(0.3)
        if proc.poll() is not None:
            raise SystemExit("lab: the userspace link delay did not start (is NetfilterQueue installed? "
                             "run scripts/bootstrap.sh)")
        iptables("-A", DELAY_CHAIN, "-o", bridge(site), "-j", "NFQUEUE", "--queue-num", str(queue),
                 "--queue-bypass")
    return "netfilter queue" if netem_missing else "netem"


def cmd_delay(args):
    lab, _hosts = load_layout()
    site = _site(args, lab)
    if len(args) < 2 or not args[1].isdigit():
        raise SystemExit("lab: delay SITE MILLISECONDS (0 removes the delay)")
    state = load_state()
    state["delay"][site] = int(args[1])
    if not state["delay"][site]:
        del state["delay"][site]
    how = apply_delays(lab, state)
    save_state(state)
    if int(args[1]):
        log("traffic towards site %s delayed by %d ms (%s)" % (site, int(args[1]), how))
    else:
        log("site %s no longer delayed" % site)


def cmd_ssh(args):
    _lab, hosts = load_layout()
    if not args or args[0] not in hosts:
        raise SystemExit("lab: ssh HOST [COMMAND...]; hosts: %s" % ", ".join(sorted(hosts)))
    key = ssh_keypair()
    os.execvp("ssh", ["ssh", "-i", key, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                      "-o", "LogLevel=ERROR", "root@" + hosts[args[0]]["ansible_host"]] + args[1:])


# -- day-2 operations: a disk or a whole host is lost -------------------------
def container_pid(hs):
    """The container's init (the child of the systemd-nspawn process)."""
    out = sh(["pgrep", "-P", str(hs["pid"])], capture=True, check=False).split()
    if not out:
        raise SystemExit("lab: no running container under systemd-nspawn pid %s" % hs.get("pid"))
    return out[0]


def _running_host(args, usage):
    _lab, hosts = load_layout()
    if len(args) < 2 or args[0] not in hosts:
        raise SystemExit("lab: %s; hosts: %s" % (usage, ", ".join(sorted(hosts))))
    state = load_state()
    hs = state["hosts"].get(args[0]) or {}
    if not alive(hs.get("pid")):
        raise SystemExit("lab: %s is not running" % args[0])
    return hosts[args[0]], hs, state


def cmd_detach_disk(args):
    """The disk dies: its loop device shrinks to 0 bytes (every I/O on it fails, as on a pulled
    disk: XFS on it shuts down, the bricks on it stop), its image is deleted, and its device
    node disappears from the host."""
    _hv, hs, state = _running_host(args, "detach-disk HOST DISK")
    name, disk = args[0], args[1]
    loop = (hs.get("disks") or {}).get(disk)
    if not loop:
        raise SystemExit("lab: %s has no disk %s attached (has: %s)" % (name, disk, ", ".join(sorted(hs.get("disks") or {}))))
    image = sh(["losetup", "-n", "-O", "BACK-FILE", loop], capture=True, check=False).strip()
    if image and os.path.exists(image):
        sh(["truncate", "-s", "0", image])
        sh(["losetup", "-c", loop])
        os.unlink(image)
    pid = container_pid(hs)
    # umount(8) would take /dev/DISK for the source of the brick filesystem mounted from it; umount2()
    # on the path detaches the bind mount of the device node itself.
    sh(["nsenter", "-t", pid, "-m", "--", "python3", "-c",
        "import ctypes; ctypes.CDLL(None, use_errno=True).umount2(b'/dev/%s', 2)" % disk], check=False)
    sh(["nsenter", "-t", pid, "-m", "--", "rm", "-f", "/dev/" + disk])
    sh(["losetup", "-d", loop], check=False, stderr=subprocess.DEVNULL)  # detached once nothing holds it
    del hs["disks"][disk]
    hs.setdefault("detached", {})[disk] = loop
    save_state(state)
    log("%s: disk /dev/%s (%s) is gone: I/O on it fails, its device node is removed" % (name, disk, loop))


def cmd_attach_disk(args):
    """A new, empty disk in the slot: a fresh image (the size the inventory gives, or SIZE) on a
    new loop device, and its device node /dev/DISK in the host."""
    hv, hs, state = _running_host(args, "attach-disk HOST DISK [SIZE]")
    name, disk = args[0], args[1]
    if disk in (hs.get("disks") or {}):
        raise SystemExit("lab: %s already has /dev/%s (%s); detach-disk it first" % (name, disk, hs["disks"][disk]))
    size = args[2] if len(args) > 2 else (hv.get("lab_disks") or {}).get(disk)
    if not size:
        raise SystemExit("lab: give the size of /dev/%s (the inventory has no lab_disks entry for it)" % disk)
    image = os.path.join(WORK, "hosts", name, disk + ".img")
    if os.path.exists(image):
        os.unlink(image)
    sh(["truncate", "-s", str(size), image])
    loop = sh(["losetup", "-f", "--show", image], capture=True).strip()
    rdev = os.stat(loop).st_rdev
    pid = container_pid(hs)
    sh(["nsenter", "-t", pid, "-m", "--", "python3", "-c",
        "import ctypes; ctypes.CDLL(None, use_errno=True).umount2(b'/dev/%s', 2)" % disk], check=False)
    sh(["nsenter", "-t", pid, "-m", "--", "sh", "-c", "rm -f /dev/%s && mknod /dev/%s b %d %d"
        % (disk, disk, os.major(rdev), os.minor(rdev))])
    hs.setdefault("disks", {})[disk] = loop
    hs.get("detached", {}).pop(disk, None)
    save_state(state)
    log("%s: new empty disk /dev/%s (%s, %s)" % (name, disk, loop, size))


def cmd_destroy(args):
    """The host is gone for good: stopped, its root (overlay), disks and state removed.  `lab up`
    then builds a new, empty host with the same name, address and site."""
    _lab, hosts = load_layout()
    state = load_state()
    if not args or args[0] not in set(hosts) | set(state["hosts"]):
        raise SystemExit("lab: destroy HOST; hosts: %s" % ", ".join(sorted(hosts)))
    name = args[0]
    hs = state["hosts"].get(name) or {}
    if alive(hs.get("pid")):
        os.kill(hs["pid"], signal.SIGTERM)
        deadline = time.time() + 30
        while alive(hs["pid"]) and time.time() < deadline:
            time.sleep(0.3)
        if alive(hs["pid"]):
            os.killpg(hs["pid"], signal.SIGKILL)
            time.sleep(1)
    root = hs.get("root")
    if root and os.path.ismount(root):
        sh(["umount", "-l", root], check=False)
    for loop in list((hs.get("disks") or {}).values()) + list((hs.get("detached") or {}).values()):
        sh(["losetup", "-d", loop], check=False, stderr=subprocess.DEVNULL)
    shutil.rmtree(os.path.join(WORK, "hosts", name), ignore_errors=True)
    state["hosts"].pop(name, None)
    save_state(state)
    log("%s destroyed (root, disks and state removed); 'lab up' builds a new empty %s" % (name, name))


COMMANDS = {"up": cmd_up, "image": cmd_image, "down": cmd_down, "status": cmd_status, "cut": cmd_cut, "heal": cmd_heal,
            "delay": cmd_delay, "ssh": cmd_ssh, "detach-disk": cmd_detach_disk, "attach-disk": cmd_attach_disk,
            "destroy": cmd_destroy}


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        raise SystemExit(__doc__)
    COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
