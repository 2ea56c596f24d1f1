"""The OpenStack host's image: the lab's Debian 12 base image plus Debian's own
OpenStack Zed packages, installed once per machine with the services left
stopped and disabled (``lab openstack up`` configures and starts them).

Cached beside the lab's image, in its own directory: the gluster lab's image
is copied, never changed.
"""

import os
import shutil
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import lab as gluster_lab  # noqa: E402  (lab/lab.py: the base image and its recipe)

IMAGE_VERSION = "1"  # bump when PACKAGES or the recipe below change
# One package per service, nothing optional (--no-install-recommends).  nova-compute-ironic is
# the lightest package that provides nova-compute-hypervisor: the host runs compute_driver=fake.
PACKAGES = [
    "mariadb-server", "python3-pymysql", "rabbitmq-server",
    "keystone", "glance-api", "placement-api",
    "nova-api", "nova-conductor", "nova-scheduler", "nova-compute", "nova-compute-ironic",
    "neutron-server", "neutron-linuxbridge-agent",
    "cinder-api", "cinder-scheduler", "cinder-volume", "nfs-common",
    "python3-openstackclient", "crudini", "iptables", "bridge-utils",
]
# Debian's packages would otherwise offer to set up databases and endpoints themselves.
PRESEED_PACKAGES = ["keystone", "glance-common", "glance-api", "placement-common", "placement-api",
                    "nova-common", "nova-api", "neutron-common", "neutron-server", "neutron-api",
                    "cinder-common", "cinder-api"]


def log(msg):
    print("lab openstack: " + msg, flush=True)


def image_dirs():
    base = os.path.join(gluster_lab.CACHE, "openstack-image-v" + IMAGE_VERSION)
    return base, os.path.join(base, "rootfs")


def preseed_lines():
    lines = []
    for pkg in PRESEED_PACKAGES:
        for question in ("configure_db", "register-endpoint", "configure_rabbit", "configure_ksat"):
            lines.append("%s %s/%s boolean false" % (pkg, pkg, question))
        lines.append("%s %s/dbconfig-install boolean false" % (pkg, pkg))
    lines.append("keystone keystone/create-admin-tenant boolean false")
    return "\n".join(lines) + "\n"


def build_image():
    base, rootfs = image_dirs()
    if os.path.exists(os.path.join(base, ".complete")):
        return rootfs
    lab_rootfs, _repo = gluster_lab.build_image()
    if not os.path.exists(os.path.join(base, ".copied")):  # an interrupted build resumes after the copy
        shutil.rmtree(base, ignore_errors=True)
        os.makedirs(base)
        gluster_lab.sh(["cp", "-a", lab_rootfs, rootfs])
        open(os.path.join(base, ".copied"), "w").close()
    log("building the OpenStack host image (Debian's OpenStack Zed packages; once per machine, ~15 min)")
    with open(os.path.join(rootfs, "etc/apt/sources.list"), "w") as handle:
        handle.write("deb %s %s main\n" % (gluster_lab.MIRROR, gluster_lab.SUITE))
    shutil.copy("/etc/resolv.conf", os.path.join(rootfs, "etc/resolv.conf"))
    # The packages' scripts read /proc (routes, mounts) and resolve this machine's hostname.
    with open(os.path.join(rootfs, "etc/hosts"), "w") as handle:
        handle.write("127.0.0.1 localhost\n127.0.1.1 %s\n" % socket.gethostname())
    # Nothing starts inside the chroot; `lab openstack up` starts what it configured.
    policy = os.path.join(rootfs, "usr/sbin/policy-rc.d")
    with open(policy, "w") as handle:
        handle.write("#!/bin/sh\nexit 101\n")
    os.chmod(policy, 0o755)
    with open(os.path.join(rootfs, "tmp/preseed"), "w") as handle:
        handle.write(preseed_lines())
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    proc_dir = os.path.join(rootfs, "proc")
    gluster_lab.sh(["mount", "-t", "proc", "proc", proc_dir])
    try:
        gluster_lab.sh(["chroot", rootfs, "debconf-set-selections", "/tmp/preseed"], env=env)
        gluster_lab.sh(["chroot", rootfs, "dpkg", "--configure", "-a"], env=env, check=False)
        gluster_lab.sh(["chroot", rootfs, "apt-get", "update", "-qq"], env=env)
        gluster_lab.sh(["chroot", rootfs, "apt-get", "install", "-y", "-qq", "--no-install-recommends"] + PACKAGES,
                       env=env, stdout=subprocess.DEVNULL)
    finally:
        gluster_lab.sh(["umount", "-l", proc_dir], check=False)
    gluster_lab.sh(["chroot", rootfs, "apt-get", "clean"])
    os.unlink(policy)
    # Every OpenStack unit is left disabled: setup.sh enables each one once its configuration is written.
    units = gluster_lab.sh("chroot %s systemctl list-unit-files --type=service --state=enabled --no-legend" % rootfs,
                           capture=True)
    for line in units.splitlines():
        unit = line.split()[0]
        if unit.split(".")[0].split("@")[0] in ("mariadb", "rabbitmq-server", "uwsgi", "apache2", "tgt", "iscsid",
                                                "open-iscsi", "rpcbind", "nfs-client") or any(
                unit.startswith(p) for p in ("keystone", "glance", "placement", "nova", "neutron", "cinder")):
            gluster_lab.sh(["chroot", rootfs, "systemctl", "disable", unit], check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    open(os.path.join(base, ".complete"), "w").close()
    return rootfs


if __name__ == "__main__":
    print(build_image())
