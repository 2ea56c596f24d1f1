#!/usr/bin/env python3
"""The lab's OpenStack host: one systemd-nspawn machine running Debian's own
OpenStack Zed (keystone, glance, placement, nova with the fake virt driver,
neutron ML2/linuxbridge, cinder NFS backends, rabbitmq, mariadb), with three
availability zones az-a, az-b, az-c (one per site).

It is apart from the gluster lab: its own image (lab/openstack/image.py), its
own network namespace (mos-openstack) and a point-to-point link from the root
namespace (10.78.0.1 <-> 10.78.0.2); it never touches the gluster lab's hosts.

    lab openstack up | down [--purge] | status

`up` writes .lab/openstack/clouds.yaml (clouds metrostor-lab, a member of
project metrostor, and metrostor-lab-admin); the passwords live only there and
in .lab/openstack/secrets.env (mode 0600).
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import image  # noqa: E402
import lab as gluster_lab  # noqa: E402

MACHINE = "os-ctl"
NETNS = "mos-openstack"
OUTSIDE = "mosos0"
ROOT_ADDRESS = "10.78.0.1"
ADDRESS = "10.78.0.2"
PREFIX = 24
WORK = os.path.join(gluster_lab.WORK, "openstack")
CLOUDS_YAML = os.path.join(WORK, "clouds.yaml")
SECRETS = os.path.join(WORK, "secrets.env")
SECRET_NAMES = ("MOS_DB_PASSWORD", "MOS_RABBIT_PASSWORD", "MOS_SERVICE_PASSWORD", "MOS_ADMIN_PASSWORD",
                "MOS_USER_PASSWORD")
KEYSTONE = "http://%s:5000/v3" % ADDRESS

log = image.log
sh = gluster_lab.sh


def load_state():
    return gluster_lab.read_state(WORK, {})


def save_state(state):
    gluster_lab.write_state(WORK, state)


def load_secrets():
    values = {}
    if os.path.exists(SECRETS):
        with open(SECRETS) as handle:
            for line in handle:
                if "=" in line:
                    key, value = line.strip().split("=", 1)
                    values[key] = value
    changed = False
    for name in SECRET_NAMES:
        if name not in values:
            values[name] = secrets.token_hex(16)
            changed = True
    if changed:
        os.makedirs(WORK, exist_ok=True)
        fd = os.open(SECRETS, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("".join("%s=%s\n" % (k, values[k]) for k in SECRET_NAMES))
    return values


def write_clouds_yaml(values):
    def cloud(user, password, project):
        return ("    auth:\n      auth_url: %s\n      username: %s\n      password: %s\n      project_name: %s\n"
                "      user_domain_name: Default\n      project_domain_name: Default\n"
                "    region_name: RegionOne\n    identity_api_version: 3\n    interface: public\n"
                % (KEYSTONE, user, password, project))
    text = ("# Written by `lab openstack up`: the lab OpenStack (lab/openstack/host.py). Secrets: mode 0600.\n"
            "clouds:\n  metrostor-lab:\n" + cloud("metrostor", values["MOS_USER_PASSWORD"], "metrostor")
            + "  metrostor-lab-admin:\n" + cloud("admin", values["MOS_ADMIN_PASSWORD"], "admin"))
    fd = os.open(CLOUDS_YAML, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def setup_network():
    if NETNS not in sh(["ip", "netns", "list"], capture=True).split():
        sh(["ip", "netns", "add", NETNS])
    if not gluster_lab.link_exists(OUTSIDE):
        sh(["ip", "link", "add", OUTSIDE, "type", "veth", "peer", "name", "eth0", "netns", NETNS])
        sh(["ip", "addr", "add", "%s/%d" % (ROOT_ADDRESS, PREFIX), "dev", OUTSIDE])
    sh(["ip", "link", "set", OUTSIDE, "up"])
    if ADDRESS + "/" not in sh(["ip", "-n", NETNS, "addr", "show", "eth0"], capture=True):
        sh(["ip", "-n", NETNS, "addr", "add", "%s/%d" % (ADDRESS, PREFIX), "dev", "eth0"])
    for dev in ("lo", "eth0"):
        sh(["ip", "-n", NETNS, "link", "set", dev, "up"])
    # Neutron's physical network physnet1: a veth pair inside the host (this kernel has no dummy
    # or vlan links; nothing is ever plugged into it, since the fake virt driver makes no taps).
    if not gluster_lab.link_exists("physnet1", NETNS):
        sh(["ip", "-n", NETNS, "link", "add", "physnet1", "type", "veth", "peer", "name", "physnet1-peer"])
    for dev in ("physnet1", "physnet1-peer"):
        sh(["ip", "-n", NETNS, "link", "set", dev, "up"])


def teardown_network():
    sh(["ip", "netns", "del", NETNS], check=False, stderr=subprocess.DEVNULL)
    if gluster_lab.link_exists(OUTSIDE):
        sh(["ip", "link", "del", OUTSIDE], check=False)


def prepare_root(rootfs, values):
    hdir = os.path.join(WORK, "host")
    upper, workdir, merged = (os.path.join(hdir, d) for d in ("upper", "work", "root"))
    for d in (upper, workdir, merged):
        os.makedirs(d, exist_ok=True)
    if not os.path.ismount(merged):
        sh(["mount", "-t", "overlay", "overlay", "-o",
            "lowerdir=%s,upperdir=%s,workdir=%s" % (rootfs, upper, workdir), merged])
    with open(os.path.join(merged, "etc/hostname"), "w") as handle:
        handle.write(MACHINE + "\n")
    with open(os.path.join(merged, "etc/hosts"), "w") as handle:
        handle.write("127.0.0.1 localhost\n%s %s\n" % (ADDRESS, MACHINE))
    env = os.path.join(merged, "etc/metrostor-openstack.env")
    fd = os.open(env, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("OS_IP=%s\n" % ADDRESS)
        handle.write("".join("%s=%s\n" % (k, values[k]) for k in SECRET_NAMES))
    return hdir, merged


def boot(hdir, merged):
    cmd = ["systemd-nspawn", "-D", merged, "--machine", MACHINE, "--register=no", "--keep-unit", "-b",
           "--network-namespace-path=/run/netns/" + NETNS, "--console=passive", "--capability=all",
           "--bind-ro=%s:/srv/metrostor-openstack" % HERE,
           "--resolv-conf=off", "--timezone=off", "--link-journal=no"]
    out = open(os.path.join(hdir, "console.log"), "ab")
    return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True).pid


def in_host(pid, command, **kw):
    init = sh(["pgrep", "-P", str(pid)], capture=True, check=False).split()
    if not init:
        raise SystemExit("lab openstack: no running container under systemd-nspawn pid %s" % pid)
    return sh(["nsenter", "-t", init[0], "-m", "-u", "-i", "-n", "-p", "--"] + command, **kw)


def wait_booted(pid, deadline):
    while time.time() < deadline:
        out = ""
        if sh(["pgrep", "-P", str(pid)], capture=True, check=False).strip():
            out = in_host(pid, ["systemctl", "is-system-running"], capture=True, check=False,
                          stderr=subprocess.DEVNULL).strip()
        if out in ("running", "degraded"):
            return True
        time.sleep(1)
    return False


def api_answers(timeout=3):
    try:
        with urllib.request.urlopen(KEYSTONE, timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


def recipe_hash():
    """What the host was set up from: a changed setup.sh or catalog.py runs the setup again."""
    import hashlib
    digest = hashlib.sha256()
    for name in ("setup.sh", "catalog.py"):
        with open(os.path.join(HERE, name), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def cmd_up(_args):
    if os.geteuid() != 0:
        raise SystemExit("lab openstack: run as root (it creates a network namespace and a machine)")
    started = time.time()
    rootfs = image.build_image()
    gluster_lab.ensure_dbus()
    values = load_secrets()
    setup_network()
    state = load_state()
    if not gluster_lab.alive(state.get("pid")):
        hdir, merged = prepare_root(rootfs, values)
        pid = boot(hdir, merged)
        state = {"pid": pid, "root": merged, "image": image.IMAGE_VERSION, "address": ADDRESS}
        save_state(state)
        log("started %s (%s, netns %s)" % (MACHINE, ADDRESS, NETNS))
    if not wait_booted(state["pid"], time.time() + 120):
        raise SystemExit("lab openstack: %s did not finish booting within 120 s; see %s"
                         % (MACHINE, os.path.join(WORK, "host", "console.log")))
    done = os.path.join(state["root"], "var/lib/metrostor-openstack-setup.done")
    recipe = recipe_hash()
    if os.path.exists(done) and open(done).read() == recipe and api_answers():
        write_clouds_yaml(values)
        log("already up (setup of this recipe done; keystone answers): %s" % CLOUDS_YAML)
        return
    setup_log = os.path.join(WORK, "setup.log")
    log("configuring and starting the services (log: %s)" % setup_log)
    with open(setup_log, "a") as out:
        proc = subprocess.Popen(["nsenter", "-t", sh(["pgrep", "-P", str(state["pid"])], capture=True).split()[0],
                                 "-m", "-u", "-i", "-n", "-p", "--", "bash", "/srv/metrostor-openstack/setup.sh"],
                                stdout=subprocess.PIPE, stderr=out, universal_newlines=True)
        for line in proc.stdout:
            out.write(line)
            out.flush()
            if line.startswith("setup: "):
                log(line[len("setup: "):].rstrip())
        if proc.wait() != 0:
            raise SystemExit("lab openstack: setup failed (exit %d); see %s" % (proc.returncode, setup_log))
    with open(done, "w") as handle:
        handle.write(recipe)
    write_clouds_yaml(values)
    state["up_seconds"] = round(time.time() - started, 1)
    save_state(state)
    log("up in %.0f s: keystone %s; clouds.yaml: %s (clouds metrostor-lab, metrostor-lab-admin)"
        % (state["up_seconds"], KEYSTONE, CLOUDS_YAML))


def cmd_down(args):
    state = load_state()
    pid = state.get("pid")
    if gluster_lab.alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 60
        while gluster_lab.alive(pid) and time.time() < deadline:
            time.sleep(0.3)
        if gluster_lab.alive(pid):
            os.killpg(pid, signal.SIGKILL)
        try:
            os.waitpid(pid, os.WNOHANG)
        except (OSError, TypeError):
            pass
    root = state.get("root")
    if root and os.path.ismount(root):
        sh(["umount", "-l", root], check=False)
    teardown_network()
    save_state({})
    if "--purge" in args:
        import shutil
        shutil.rmtree(os.path.join(WORK, "host"), ignore_errors=True)
        for path in (CLOUDS_YAML, SECRETS):
            if os.path.exists(path):
                os.unlink(path)
    log("down%s" % (" (host root, clouds.yaml and secrets removed)" if "--purge" in args else ""))


def cmd_status(_args):
    state = load_state()
    running = gluster_lab.alive(state.get("pid"))
    print("%-8s %-10s %s%s" % (MACHINE, ADDRESS, "running" if running else "stopped",
                               ", keystone answers" if running and api_answers() else ""))
    if running and os.path.exists(CLOUDS_YAML):
        print("clouds.yaml: %s" % CLOUDS_YAML)
    return 0 if running else 3


COMMANDS = {"up": cmd_up, "down": cmd_down, "status": cmd_status}


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        raise SystemExit(__doc__)
    sys.exit(COMMANDS[argv[0]](argv[1:]) or 0)


if __name__ == "__main__":
    main(sys.argv[1:])
